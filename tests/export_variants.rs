#![allow(clippy::panic, clippy::unwrap_used)]
//! Further files of each export class of tests/formats (tests/formats/variants, written by
//! `make_variants.py` from the public documentation of the tools and APIs, synthetic values):
//! `sts-triage scan` must give exactly the expected rows (the query's eight columns) and near
//! misses (reason code and event id), and say what it decided about the file where a user
//! needs to know (its encoding, how its dates were read).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

// Further shapes of each class (make_variants2.py, make_variants3.py, make_variants4.py), by class.
#[path = "export_variants/calendars.rs"]
mod calendars;
#[path = "export_variants/columns.rs"]
mod columns;
#[path = "export_variants/comma_fractions.rs"]
mod comma_fractions;
#[path = "export_variants/dates.rs"]
mod dates;
#[path = "export_variants/encodings.rs"]
mod encodings;
#[path = "export_variants/excel.rs"]
mod excel;
#[path = "export_variants/generator.rs"]
mod generator;
#[path = "export_variants/header_zones.rs"]
mod header_zones;
#[path = "export_variants/json_dates.rs"]
mod json_dates;
#[path = "export_variants/not_read.rs"]
mod not_read;
#[path = "export_variants/objects.rs"]
mod objects;
#[path = "export_variants/same_classes.rs"]
mod same_classes;

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");
/// The query's eight result columns, as the library names them.
const COLUMNS: [&str; 8] = sts_triage::model::ResultRow::COLUMNS;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats/variants")
}

/// A flagged row as the eight columns, or a near miss as (reason, event id).
fn item(v: &Value) -> String {
    if v["kind"] == "near_miss" {
        format!("near miss {} {}", v["reason"], v["event_id"])
    } else {
        let picked: serde_json::Map<String, Value> = COLUMNS
            .iter()
            .map(|k| ((*k).to_owned(), v.get(*k).cloned().unwrap_or(Value::Null)))
            .collect();
        Value::Object(picked).to_string()
    }
}

/// Scans `file` of tests/formats/variants, checks its rows and near misses against
/// `<stem>.expected.jsonl`, and returns what the scan wrote on standard error.
fn check(file: &str) -> String {
    let input = dir().join(file);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let expected = std::fs::read_to_string(dir().join(format!("{stem}.expected.jsonl"))).unwrap();
    let want: BTreeSet<String> = expected
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| item(&serde_json::from_str(l).unwrap()))
        .collect();
    let out = Command::new(BIN)
        .args(["scan", "--format", "jsonl", "--near-misses"])
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{file}: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    // An expected near miss with an empty event id (the Entra download has no id column;
    // its id is a hash of the record) is matched by its reason.
    let got: Vec<String> = stdout
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            if v["kind"] == "near_miss" {
                let blank = format!("near miss {} \"\"", v["reason"]);
                if want.contains(&blank) {
                    v["event_id"] = Value::String(String::new());
                }
            }
            item(&v)
        })
        .collect();
    assert_eq!(
        got.len(),
        want.len(),
        "{file}: an item listed twice or missing\n{stdout}\n{stderr}"
    );
    assert_eq!(
        got.into_iter().collect::<BTreeSet<_>>(),
        want,
        "{file}\n{stderr}"
    );
    stderr
}

#[test]
fn graph_audit_query_pages_one_per_line_and_collected_in_one_array() {
    check("graph-pages-one-per-line.json");
    // The pages of a paging loop saved as one array: each page's records are read, the
    // pages themselves are no records.
    let err = check("graph-pages-in-array.json");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
    let err = check("directory-audits-in-array.json");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
}

#[test]
fn graph_audit_query_records_whose_audit_data_powershell_7_wrote_as_object_text() {
    check("graph-ps7-depth-objects.json");
}

/// The near misses of `file`, as written by `scan --format jsonl --near-misses`.
fn near_miss_details(file: &str) -> Vec<String> {
    let out = Command::new(BIN)
        .args(["scan", "--format", "jsonl", "--near-misses"])
        .arg(dir().join(file))
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["kind"] == "near_miss")
        .map(|v| v["detail"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn records_whose_properties_powershell_wrote_as_object_text_say_so() {
    // ConvertTo-Json of one Graph audit query record at its default depth: ModifiedProperties'
    // items are '@{Name=StsRefreshTokensValidFrom; …}' text (it said "no
    // StsRefreshTokensValidFrom property ([0] is \"\")").
    check("graph-one-record-depth-items.json");
    let details = near_miss_details("graph-one-record-depth-items.json");
    assert!(
        details[0].starts_with("ModifiedProperties[0] is PowerShell's text of an object (\"@{Name=StsRefreshTokensValidFrom;"),
        "{details:?}"
    );
    // Get-MgAuditLogDirectoryAudit | ConvertTo-Json: each target is its class name (it said
    // "no TargetResources[0].ModifiedProperties").
    check("mg-directory-audits-depth.json");
    let details = near_miss_details("mg-directory-audits-depth.json");
    assert_eq!(details.len(), 4);
    assert!(
        details.iter().all(|d| d.starts_with("TargetResources[0] is PowerShell's text of an object (\"Microsoft.Graph.PowerShell.Models.")),
        "{details:?}"
    );
}

#[test]
fn graph_directory_audits_paged_and_one_per_line() {
    check("directory-audits-pages.json");
    check("directory-audits-lines.jsonl");
}

#[test]
fn search_unifiedauditlog_csv_and_json_of_powershell_scripts() {
    check("sual-export-csv-type-line.csv");
    let err = check("sual-useculture-de.csv");
    assert!(err.contains("CreationDate: every date reads both ways; the records' CreationTime shows they are day-first"), "{err}");
    check("sual-ps51-single-object.json");
    check("sual-ps7-local-offset.json");
}

#[test]
fn utf16_and_utf8_bom_json_lines_and_csv() {
    let err = check("ual-lines-utf16le-nobom.jsonl");
    assert!(
        err.contains("decoded as UTF-16LE (no byte order mark"),
        "{err}"
    );
    check("ual-lines-utf16be-bom.jsonl");
    check("ual-lines-utf8-bom.jsonl");
    check("sual-export-csv-utf16.csv");
    check("portal-excel-unicode-text.csv");
}

#[test]
fn excel_saved_portal_csv_in_windows_1252_with_semicolons_and_minutes_only() {
    let err = check("portal-excel-de-cp1252.csv");
    assert!(err.contains("decoded as Windows-1252"), "{err}");
    assert!(err.contains("Timestamp: every date reads both ways; the records' CreationTime shows they are day-first"), "{err}");
}

#[test]
fn day_first_dates_of_other_locales_and_offsets() {
    for file in ["portal-en-gb-24h.csv", "portal-dmy-12h.csv"] {
        let err = check(file);
        assert!(
            err.contains("the records' CreationTime shows they are day-first"),
            "{file}: {err}"
        );
    }
    check("ah-api-offsets.jsonl");
}

#[test]
fn dates_nothing_settles_are_read_month_first_and_the_file_says_so() {
    let err = check("sentinel-auditlogs-ambiguous.csv");
    assert!(err.contains("TimeGenerated: every date reads both day-first and month-first and no CreationTime settles it; read month-first"), "{err}");
}

#[test]
fn dates_of_more_locales_excel_minutes_and_iso_offsets_in_csv() {
    for file in [
        "portal-ja-jp.csv",
        "portal-nl-nl.csv",
        "portal-sv-se.csv",
        "portal-excel-us-minutes.csv",
        "portal-iso-offsets.csv",
        "purview-fr-fr.csv",
    ] {
        check(file);
    }
}

#[test]
fn more_encodings_utf16be_without_bom_windows_1252_json_lines_and_utf16_in_gzip() {
    check("sual-export-csv-utf16be-nobom.csv");
    let err = check("ual-lines-cp1252.jsonl");
    assert!(err.contains("decoded as Windows-1252"), "{err}");
    check("ual-lines-utf16le.jsonl.gz");
}

#[test]
fn graph_records_export_csv_whose_audit_data_is_a_class_name() {
    check("graph-records-object-text.csv");
}

#[test]
fn dotted_dates_nothing_else_settles_are_read_day_first_and_said() {
    // A Sentinel AuditLogs CSV from a de-DE browser ('5.11.2024, 16:42:19.123'), no
    // CreationTime: it was read month-first (tokenMinutesRemaining -256320 for 0).
    let err = check("sentinel-auditlogs-de-de.csv");
    assert!(
        err.contains("TimeGenerated: every date reads both ways; dates written with dots (dd.mm.yyyy) are day-first"),
        "{err}"
    );
}

#[test]
fn one_collection_folder_of_three_envelopes_and_encodings_counts_each_event_once() {
    let err = check("overlapping-mixed");
    assert!(
        err.contains("7 duplicate records (same id, or the same change in another export): each event counted once"),
        "{err}"
    );
}

#[test]
fn audit_data_cut_inside_escapes_and_between_members_is_named_cut_with_its_id() {
    check("sual-auditdata-cut-escapes.csv");
}

#[test]
fn more_of_the_hashtable_download_and_gzip_classes() {
    check("graph-records-hashtable-lines.jsonl");
    check("entra-download.json");
    let err = check("portal-cp1252.csv.gz");
    assert!(err.contains("decoded as Windows-1252"), "{err}");
}

#[test]
fn an_excel_sep_line_names_the_delimiter() {
    // `sep=;` before the header: the file was rejected as a CSV whose header is `sep=,`.
    check("portal-excel-sep-line.csv");
}

#[test]
fn a_time_value_no_reader_knows_is_said_with_its_line_and_count() {
    // A long date whose weekday is not the date's own (typed or altered by hand): the rows
    // are kept, their tokenMinutesRemaining empty (Kusto's todatetime gives null too), and
    // the file says so.
    let err = check("portal-long-date-wrong-weekday.csv");
    assert!(
        err.contains("portal-long-date-wrong-weekday.csv:3: Timestamp: \"Wednesday, November 5, 2024 4:42:19 PM\" is no date or time sts-triage reads (4 values of the STS rows, the first here)"),
        "{err}"
    );
}

#[test]
fn times_in_other_cultures_spellings_are_read() {
    // en-CA 'p.m.', hu-HU '2024. 11. 05. 16:42:19', ko-KR '2024. 11. 5. 오후 4:42:19': their
    // rows had no time (tokenMinutesRemaining empty); es-MX 'p. m.' in a CreationDate whose
    // AuditData has the time.
    for file in [
        "portal-en-ca.csv",
        "portal-hu-hu.csv",
        "portal-ko-kr.csv",
        "sual-export-csv-es-mx.csv",
    ] {
        let err = check(file);
        assert!(!err.contains("is no date or time"), "{file}: {err}");
    }
}

#[test]
fn graph_v1_audit_data_keeps_the_record_in_dynamic_properties() {
    // auditData as Graph v1.0 documents it: {"@odata.type": "#…azureActiveDirectoryAuditRecord",
    // "dynamicProperties": {the UAL record}}. Both flagged events were near misses "no
    // ModifiedProperties".
    check("graph-v1-dynamic-properties.json");
    check("graph-v1-dynamic-properties-lines.jsonl");
}

#[test]
fn graph_powershell_sdk_records_keep_audit_data_in_additional_properties() {
    // Get-MgBetaSecurityAuditLogQueryRecord / Get-MgSecurityAuditLogQueryRecord | ConvertTo-Json:
    // PascalCase, the record in AuditData.AdditionalProperties (beta) or in
    // AuditData.DynamicProperties.AdditionalProperties (v1.0). Both flagged events were near
    // misses "no ModifiedProperties".
    check("graph-sdk-beta-additional-properties.json");
    check("graph-sdk-v1-dynamic-properties.json");
}

/// The related records of the finding of `actor` in `report --format json` of `file`:
/// (operation, why) of each.
fn related(file: &str, actor: &str) -> Vec<(String, String)> {
    let out = Command::new(BIN)
        .args(["report", "--format", "json"])
        .arg(dir().join(file))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["account_display_name"] == actor)
        .unwrap();
    finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (text("operation"), text("why"))
        })
        .collect()
}

#[test]
fn graph_sdk_and_v1_records_are_related_as_the_plain_graph_records_are() {
    // The 'Update user.' of the same target and actor two minutes before S: the context index
    // read neither its time (CreatedDateTime) nor its target inside AdditionalProperties.
    let want = vec![(
        "Update user.".to_owned(),
        "same target, same actor".to_owned(),
    )];
    for file in [
        "graph-pages-in-array.json",
        "graph-v1-dynamic-properties-lines.jsonl",
        "graph-sdk-beta-additional-properties.json",
        "graph-sdk-v1-dynamic-properties.json",
    ] {
        assert_eq!(related(file, "sec.admin@woodgrove.example"), want, "{file}");
    }
}

#[test]
fn a_raw_event_data_cut_by_excel_keeps_the_event_id_a_whole_copy_has() {
    // A Defender portal CSV whose RawEventData Excel cut at 32,767 characters: the near miss
    // took the id 11_11161_<guid> (ReportId) and stayed beside the whole UAL copy of the
    // same event (2 STS events for 1).
    check("portal-rawevent-cut.csv");
    let err = check("cut-and-whole");
    assert!(err.contains("STS events: 1 "), "{err}");
    assert!(
        err.contains("1 duplicate record (same id, or the same change in another export)"),
        "{err}"
    );
}

#[test]
fn a_utf16_json_document_of_search_unifiedauditlog_objects() {
    check("sual-ps51-out-file-utf16.json");
}

#[test]
fn exports_joined_one_after_another_pass_over_the_repeated_type_line_and_header() {
    // Two Export-Csv parts joined byte for byte: the second part's BOM, #TYPE line and header
    // were "CSV row has 1 fields where the header has 11; skipped" and a record.
    let err = check("sual-joined-exports.csv");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
    assert!(
        err.contains("sual-joined-exports.csv:6: PowerShell's #TYPE line again (exports joined one after another): passed over, not a record"),
        "{err}"
    );
}

#[test]
fn date_messages_name_the_column_as_the_file_spells_it() {
    // The Entra download re-saved by Excel (de-DE): its 'Date (UTC)' is read as Graph's
    // activityDateTime, and the message named that, a column the file does not have.
    let err = check("entra-download-excel-de.csv");
    assert!(
        err.contains("Date (UTC): every date reads both ways; dates written with dots (dd.mm.yyyy) are day-first"),
        "{err}"
    );
}
