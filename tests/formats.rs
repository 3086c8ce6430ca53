#![allow(clippy::panic, clippy::unwrap_used)]
//! The export shapes analysts hand over (tests/formats/, each with its `.expected.jsonl`):
//! `sts-triage scan` must give exactly the expected rows (the query's eight columns) and
//! the expected near misses (reason code and event id), as a user reading the output sees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");
/// The query's eight result columns, as the library names them.
const COLUMNS: [&str; 8] = sts_triage::model::ResultRow::COLUMNS;

#[path = "formats/joined_csv.rs"]
mod joined_csv;
#[path = "formats/mixed_exports.rs"]
mod mixed_exports;
#[path = "formats/oversized.rs"]
mod oversized;

/// The expected files describe two reasons in words where the code is ours to choose.
fn reason_code(expected: &str) -> &str {
    match expected {
        "(a reason that says AuditData is unusable)" => "audit_data_unusable",
        "(a reason that says the record was cut short)" => "record_cut",
        other => other,
    }
}

struct Scan {
    rows: Vec<String>,
    /// (reason, event id) → the near miss as written.
    near_misses: BTreeMap<(String, String), Value>,
    stderr: String,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats")
}

fn row_text(v: &Value) -> String {
    let picked: serde_json::Map<String, Value> = COLUMNS
        .iter()
        .map(|k| ((*k).to_owned(), v.get(*k).cloned().unwrap_or(Value::Null)))
        .collect();
    Value::Object(picked).to_string()
}

fn scan(input: &Path) -> Scan {
    let out = Command::new(BIN)
        .args(["scan", "--format", "jsonl", "--near-misses"])
        .arg(input)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{}: {stderr}", input.display());
    let mut rows = Vec::new();
    let mut near_misses = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["kind"] == "near_miss" {
            let key = (
                v["reason"].as_str().unwrap().to_owned(),
                v["event_id"].as_str().unwrap().to_owned(),
            );
            assert!(
                near_misses.insert(key, v.clone()).is_none(),
                "{}: a near miss listed twice: {v}",
                input.display()
            );
        } else {
            rows.push(row_text(&v));
        }
    }
    rows.sort();
    Scan {
        rows,
        near_misses,
        stderr,
    }
}

/// Scans `name` and compares with `name.expected.jsonl` (the input is `name` + the first
/// extension that exists, or the folder `name`).
fn check(stem: &str) -> Scan {
    check_in(&dir(), stem)
}

/// The inputs written for this project in the same shapes (synthetic values).
fn check_synthetic(stem: &str) -> Scan {
    check_in(&dir().join("synthetic"), stem)
}

/// An expected near miss with an empty event id is matched by its reason alone (a shape
/// with no id column, whose id is a hash of the record).
fn check_in(dir: &Path, stem: &str) -> Scan {
    let expected = std::fs::read_to_string(dir.join(format!("{stem}.expected.jsonl"))).unwrap();
    let input = [".json", ".csv", ".jsonl", ""]
        .iter()
        .map(|ext| dir.join(format!("{stem}{ext}")))
        .find(|p| p.exists())
        .unwrap();
    let mut want_rows = Vec::new();
    let mut want_near = Vec::new();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["kind"] == "near_miss" {
            want_near.push((
                reason_code(v["reason"].as_str().unwrap()).to_owned(),
                v["event_id"].as_str().unwrap().to_owned(),
            ));
        } else {
            want_rows.push(row_text(&v));
        }
    }
    want_rows.sort();
    want_near.sort();
    let got = scan(&input);
    assert_eq!(got.rows, want_rows, "{stem}: rows\n{}", got.stderr);
    let mut got_near: Vec<_> = got.near_misses.keys().cloned().collect();
    for (reason, _) in want_near.iter().filter(|(_, id)| id.is_empty()) {
        if let Some(hit) = got_near.iter_mut().find(|(r, _)| r == reason) {
            hit.1.clear();
        }
    }
    got_near.sort();
    assert_eq!(got_near, want_near, "{stem}: near misses\n{}", got.stderr);
    got
}

fn near<'a>(scan: &'a Scan, id_suffix: &str) -> &'a Value {
    scan.near_misses
        .iter()
        .find(|((_, id), _)| id.ends_with(id_suffix))
        .map(|(_, v)| v)
        .unwrap()
}

#[test]
fn graph_audit_log_query_records_saved_by_convertto_json() {
    let s = check("graph-audit-search-records");
    assert_eq!(near(&s, "5503")["time"], "2024-03-03T14:45:00.0000000Z");
}

#[test]
fn graph_records_whose_audit_data_became_a_hashtable_keep_their_own_ids_and_times() {
    let s = check("graph-audit-search-hashtable");
    let a = near(&s, "5501");
    assert_eq!(a["time"], "2024-03-01T10:00:07.0000000Z");
    assert_eq!(a["actor"], "helpdesk.admin@contoso.example");
    assert!(
        a["detail"]
            .as_str()
            .unwrap()
            .contains("System.Collections.Hashtable"),
        "{a}"
    );
    assert_eq!(near(&s, "5502")["actor"], "Token Helper App");
}

#[test]
fn graph_records_saved_by_convertto_json_whose_audit_data_became_a_hashtable() {
    // Written for this project (synthetic/graph-records-hashtable.json): the same class as
    // the CSV above, in the JSON a script's ConvertTo-Json writes at its default depth.
    let s = check_synthetic("graph-records-hashtable");
    let a = near(&s, "0103");
    assert_eq!(a["time"], "2025-10-06T08:12:02.0000000Z");
    assert_eq!(a["actor"], "sec.admin@fabrikam.example");
}

#[test]
fn search_unifiedauditlog_result_objects_with_nested_audit_data() {
    check("extractor-ual-wrapped");
}

#[test]
fn audit_data_cut_short_is_named_as_cut_with_the_id_and_time_of_the_other_columns() {
    let s = check("ual-auditdata-cut");
    let a = near(&s, "5501");
    assert_eq!(a["detail"], "AuditData cut at 3,060 characters");
    assert_eq!(a["time"], "2024-03-01T10:00:07.0000000Z");
    assert_eq!(a["actor"], "helpdesk.admin@contoso.example");
    assert!(!s.stderr.contains("not valid JSON"), "{}", s.stderr);
}

#[test]
fn overlapping_exports_count_every_event_once_and_say_records_repeat() {
    let s = check("overlapping-exports");
    assert!(s.stderr.contains("STS events: 3 "), "{}", s.stderr);
    assert!(
        s.stderr
            .contains("5 duplicate records (same id, or the same change in another export)"),
        "{}",
        s.stderr
    );
}
#[test]
fn day_first_portal_dates_are_read_one_way_for_the_whole_file() {
    let s = check("defender-portal-dayfirst");
    assert_eq!(near(&s, "5503")["time"], "2024-03-13T14:45:00.0000000Z");
}

#[test]
fn graph_query_pages_with_next_links_and_audit_data_as_text() {
    let s = check_synthetic("graph-records-pages");
    assert!(s.stderr.contains("4 records, 3 STS events"), "{}", s.stderr);
}

#[test]
fn graph_query_records_one_per_line_with_an_empty_audit_data() {
    let s = check_synthetic("graph-records-lines");
    let q = near(&s, "0002");
    assert_eq!(q["time"], "2025-06-11T17:05:30.0000000Z");
    assert_eq!(q["actor"], "Sync Broker App");
}

#[test]
fn search_unifiedauditlog_objects_of_powershell_7_with_audit_data_as_text() {
    check_synthetic("search-ual-ps7");
}

#[test]
fn graph_powershell_directory_audits_in_pascal_case() {
    let s = check_synthetic("mg-directory-audits");
    let r = near(&s, "000003");
    assert_eq!(r["detail"], "no TargetResources[0].ModifiedProperties");
}

#[test]
fn entra_admin_center_download_csv_with_rows_that_stop_early() {
    let s = check_synthetic("entra-download");
    let r = &s.near_misses.values().next().unwrap();
    assert_eq!(r["time"], "2025-06-12T11:11:11.4410000Z");
    assert_eq!(r["actor"], "ops.lead@fabrikam.example");
    assert!(
        !s.stderr.contains("fields where the header has"),
        "{}",
        s.stderr
    );
}

#[test]
fn local_time_ambiguous_dates_are_settled_by_creation_time_and_converted() {
    let s = check_synthetic("portal-local-time");
    assert!(s.stderr.contains("UTC+02:00"), "{}", s.stderr);
    assert!(s.stderr.contains("month-first"), "{}", s.stderr);
    assert_eq!(near(&s, "0003")["time"], "2025-06-12T11:11:11.0000000Z");
}

#[test]
fn purview_audit_data_cut_short() {
    let s = check_synthetic("purview-cut");
    let p = near(&s, "0001");
    assert_eq!(p["detail"], "AuditData cut at 1,234 characters");
    assert_eq!(p["time"], "2025-06-10T08:20:45.0000000Z");
}

#[test]
fn the_same_events_in_two_exports_are_counted_once() {
    let s = check_synthetic("same-event-twice");
    assert!(s.stderr.contains("STS events: 2 "), "{}", s.stderr);
    assert!(
        s.stderr
            .contains("3 duplicate records (same id, or the same change in another export)"),
        "{}",
        s.stderr
    );
}

/// Runs `scan` on a file written here; returns (exit code, stderr).
fn scan_text(name: &str, text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(BIN)
        .args(["scan", "--format", "jsonl"])
        .arg(&path)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_streaming_export_counts_its_records_per_table() {
    let cloud = |id: &str| {
        format!(
            r#"{{"time":"2025-06-10T08:20:45Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-CloudAppEvents","properties":{{"ActionType":"Update user.","Timestamp":"2025-06-10T08:20:45Z","ReportId":"{id}","RawEventData":{{"Id":"{id}"}}}}}}"#
        )
    };
    let other = |table: &str| {
        format!(
            r#"{{"time":"2025-06-10T08:20:45Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-{table}","properties":{{"ActionType":"ProcessCreated","DeviceName":"pc1"}}}}"#
        )
    };
    let lines = [
        cloud("a1"),
        other("DeviceEvents"),
        other("DeviceLogonEvents"),
        cloud("a2"),
        other("DeviceEvents"),
    ];
    let (code, stderr) = scan_text("streaming.jsonl", &(lines.join("\n") + "\n"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "5 records: 2 CloudAppEvents, 3 of other tables (DeviceEvents, DeviceLogonEvents), not evaluated"
        ),
        "{stderr}"
    );
}

#[test]
fn an_intune_diagnostic_file_is_named_as_what_it_is() {
    let record = r#"{"time":"2025-06-10T08:20:45Z","resourceId":"/TENANTS/5E5E5E5E-0000-4000-8000-00000000F00D/PROVIDERS/MICROSOFT.INTUNE","operationName":"Patch DeviceConfiguration","category":"AuditLogs","properties":{"ActivityDate":"6/10/2025 8:20:45 AM","ActivityType":"Patch DeviceConfiguration","Actor":{"UPN":"ops.lead@fabrikam.example"},"Targets":[{"Name":"Baseline"}]}}"#;
    let (code, stderr) = scan_text("intune.jsonl", &format!("{record}\n{record}\n"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Intune audit log (not Entra ID), not evaluated"),
        "{stderr}"
    );
    // Not said to hold none of the records read (`… with no CloudAppEvents, Unified Audit
    // Log, AuditLogs or query-result records`): it was read, and named.
    assert!(!stderr.contains("with no CloudAppEvents"), "{stderr}");
}

#[test]
fn an_unknown_shape_is_named_with_what_was_seen() {
    let (code, stderr) = scan_text(
        "alerts.json",
        r#"[{"alertId":"1","severity":"high","title":"x"}]"#,
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("top-level keys: alertId, severity, title"),
        "{stderr}"
    );
}

/// The same export saved twice (plain and gzip, as the bundled samples are) lists each
/// event once under its row: a row's Events count is of distinct events, however many
/// copies were read and in whatever order their rows interleave.
#[test]
fn a_second_copy_of_an_export_does_not_count_its_events_twice() {
    use sts_triage::load::ScanOptions;
    use sts_triage::scan::scan_paths;
    let plain = PathBuf::from("assets/samples/cloudappevents-ah-api.jsonl");
    let gz = PathBuf::from("assets/samples/cloudappevents-ah-api.jsonl.gz");
    let one = scan_paths(std::slice::from_ref(&plain), &ScanOptions::default()).unwrap();
    let copies = scan_paths(&[plain.clone(), gz, plain], &ScanOptions::default()).unwrap();
    let count = |r: &sts_triage::scan::ScanReport| -> BTreeMap<String, usize> {
        r.findings
            .iter()
            .map(|f| (format!("{:?}", f.row), f.events.len()))
            .collect()
    };
    assert!(one.findings.iter().any(|f| f.events.len() > 1));
    for f in &copies.findings {
        let mut ids: Vec<&str> = f
            .events
            .iter()
            .map(|&e| copies.events[e].id.as_str())
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "an event listed twice under {:?}", f.row);
    }
    assert_eq!(count(&copies), count(&one));
    assert!(copies.duplicate_records > 0);
}

#[test]
fn log_analytics_api_response_of_auditlogs_on_one_line() {
    // Dynamic columns as JSON text (as the service sends them) and, in one row, as nested
    // values (a tool that parsed and saved the response again).
    let s = check_synthetic("la-api-auditlogs");
    let r = near(&s, "000003");
    assert_eq!(r["time"], "2025-09-04T12:00:30.3180000Z");
    assert_eq!(r["actor"], "sec.admin@fabrikam.example");
}

#[test]
fn log_analytics_api_response_of_officeactivity_with_a_partial_error() {
    let s = check_synthetic("la-api-officeactivity");
    assert!(
        s.stderr
            .contains("the query's response reports an error (PartialError")
            && s.stderr.contains("E_QUERY_RESULT_SET_TOO_LARGE")
            && s.stderr.contains("may be incomplete"),
        "{}",
        s.stderr
    );
    assert_eq!(near(&s, "000003")["detail"], "no ModifiedProperties");
}

#[test]
fn log_analytics_api_response_of_cloudappevents_with_a_null_raw_event_data() {
    let s = check_synthetic("la-api-cloudappevents");
    assert_eq!(
        near(&s, "000004")["detail"],
        "unparseable values: RawEventData is null"
    );
}

#[test]
fn az_cli_query_output_of_auditlogs_with_python_spelled_values() {
    let s = check_synthetic("az-cli-auditlogs");
    assert_eq!(near(&s, "000003")["actor"], "sec.admin@fabrikam.example");
}

/// A `union` in `az monitor log-analytics query` output: every row has every column, the
/// other table's as `""` or `"None"`; `"None"` is no value, never a value of its own.
#[test]
fn az_cli_query_output_of_a_union_reads_each_row_as_its_own_table() {
    let s = check_synthetic("az-cli-union");
    let n = near(&s, "000004");
    assert_eq!(n["detail"], "unparseable values: RawEventData is null");
    assert_eq!(n["actor"], "sec.admin@fabrikam.example");
    assert!(!s.stderr.contains("None"), "{}", s.stderr);
}

/// The Kusto v1 spelling of a response of tables, a row of the wrong length, and a table
/// whose rows come before its columns: every row that can be read is, the others are said.
#[test]
fn tables_in_kusto_v1_spelling_and_rows_that_cannot_be_read() {
    let text = r#"{"Tables":[
 {"TableName":"Table_0","Columns":[{"ColumnName":"AccountObjectId","DataType":"String"},{"ColumnName":"AccountDisplayName","DataType":"String"},{"ColumnName":"Role","DataType":"String"},{"ColumnName":"IPAddress","DataType":"String"},{"ColumnName":"IsAnonymousProxy","DataType":"Boolean"},{"ColumnName":"ISP","DataType":"String"},{"ColumnName":"tokenMinutesAdded","DataType":"Int64"},{"ColumnName":"tokenMinutesRemaining","DataType":"Int64"}],
  "Rows":[
   ["a1","ops@fabrikam.example","User","192.0.2.1",null,"",90,0],
   ["a2","short row"]
  ]},
 {"Rows":[["x"]],"TableName":"Table_1","Columns":[{"ColumnName":"Value","DataType":"String"}]}
]}"#;
    let (code, stderr) = scan_text("kusto-v1.json", text);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(":5: a row of 2 values in table `Table_0` of 8 columns; skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":7: a table has rows before its columns"),
        "{stderr}"
    );
    assert!(stderr.contains("rows flagged: 1"), "{stderr}");
}

/// Microsoft-Extractor-Suite Get-UALGraph, its three outputs: the JSON array written record
/// by record, the CSV (auditData as pretty JSON text over several lines), the JSON lines
/// with a blank line after each record.
#[test]
fn extractor_suite_ual_graph_outputs() {
    check_synthetic("extractor-ualgraph");
    check_synthetic("extractor-ualgraph-csv");
    check_synthetic("extractor-ualgraph-lines");
}

/// Microsoft-Extractor-Suite Get-UAL -Output JSON: one ConvertTo-Json document per batch
/// appended to the file, a batch of one written as an object.
#[test]
fn extractor_suite_ual_batches_appended_one_after_another() {
    check_synthetic("extractor-ual-batches");
}

/// Hawk's simple view spreads ModifiedProperties and Actor over `ModifiedProperties_0_Name`…
/// columns: put back into arrays, the rows are those of the UAL record (not near misses
/// for a missing ModifiedProperties).
#[test]
fn hawk_simple_view_json_and_csv_are_read_as_the_ual_record() {
    let s = check_synthetic("hawk-simple");
    assert!(s.stderr.contains("UTF-16LE"), "{}", s.stderr);
    check_synthetic("hawk-simple-csv");
}

/// The Sentinel portal's Export to CSV of OfficeActivity (no AuditData column: the UAL
/// fields are columns, the arrays JSON text) and of AuditLogs (`TimeGenerated [UTC]` as
/// `9/2/2025, 7:45:12.000 AM`).
#[test]
fn sentinel_portal_csv_of_officeactivity_and_auditlogs() {
    check_synthetic("sentinel-officeactivity");
    let s = check_synthetic("sentinel-auditlogs");
    assert_eq!(near(&s, "000003")["time"], "2025-09-04T12:00:30.0000000Z");
}
