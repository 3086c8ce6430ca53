//! PowerShell's objects written as text, the AzureAD module's spellings, and the Entra
//! download keyed by its record's id.

use super::{check, near_miss_details};

#[test]
fn raw_event_data_as_powershells_object_text_is_named_and_keeps_the_records_id() {
    // The advanced hunting API through Invoke-RestMethod, its Results piped to Export-Csv:
    // RawEventData is '@{CreationTime=…; Id=…; ModifiedProperties=System.Object[]; …}'. It
    // was "unparseable values: RawEventData is not JSON" under the ReportId
    // (11_11161_<id>), so a readable copy of the event was another event.
    check("ah-api-irm-export-csv.csv");
    let details = near_miss_details("ah-api-irm-export-csv.csv");
    assert_eq!(details.len(), 4, "{details:?}");
    assert!(
        details.iter().all(|d| d.starts_with(
            "RawEventData is PowerShell's text of an object (\"@{CreationTime=2024-11-0"
        )),
        "{details:?}"
    );
    // Read after the UAL records of the same events, each copy folds into its event, and
    // the readable copy stands for it (the rows are flagged). It was another event under
    // its ReportId: 'STS events: 8'.
    // The same response saved with ConvertTo-Json at its default depth: RawEventData is
    // the same text inside JSON (it was the same "unparseable values" under the ReportId).
    check("ah-api-irm-convertto-json.json");
    let err = check("irm-csv-and-ual");
    assert!(
        err.contains("4 duplicate records (same id, or the same change in another export)"),
        "{err}"
    );
}

#[test]
fn azuread_module_records_give_the_users_ip_address() {
    // Get-AzureADAuditDirectoryLogs | ConvertTo-Json -Depth 10: InitiatedBy.User.Ip. The
    // row's IPAddress was empty.
    check("aad-preview-depth10.json");
    // Its Export-Csv: the nested objects are their class text, a near miss under the id.
    check("aad-preview-export-csv.csv");
}

#[test]
fn the_entra_download_with_an_id_column_keys_rows_by_it() {
    // The near misses were keyed by a hash of the row's text (990aba69…): a verdict on one
    // did not carry over to the same record in another export.
    check("entra-download-id.csv");
    // Beside the JSON download of the same records: one event each, under its id.
    let err = check("entra-download-id-and-json");
    assert!(
        err.contains("4 duplicate records (same id, or the same change in another export)"),
        "{err}"
    );
}
