//! The raw text of every STS event is kept on disk (a place in the input, or a spill file),
//! not in memory, and the drill-down reads back exactly the record: for each source kind.
//! The why panel's trace, evaluated again from that text (or kept, for CSV rows), is the
//! one a plain evaluation of the record gives.

use std::io::Write;
use std::path::Path;

use std::sync::Arc;

use serde_json::Value;
use sts_triage::load::ScanOptions;
use sts_triage::load::record::{Classified, Origin, classify};
use sts_triage::model::{RawText, Trace};
use sts_triage::scan::{ScanReport, scan_paths};

const AUDIT: &str = r#"{"CreationTime":"2021-02-04T16:32:42","Id":"e1","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"admin@contoso.com","ModifiedProperties":[{"Name":"StsRefreshTokensValidFrom","NewValue":"[\r\n  \"2021-02-04T16:32:42Z\"\r\n]","OldValue":"[\r\n  \"2021-01-04T16:32:42Z\"\r\n]"}],"Actor":[{"ID":"User_1","Type":2},{"ID":"User","Type":2}]}"#;

fn scanned(path: &Path) -> ScanReport {
    let report = scan_paths(&[path.to_path_buf()], &ScanOptions::default()).expect("scan");
    assert_eq!(report.skipped(), 0, "{:?}", report.problems);
    assert_eq!(report.events.len(), 1, "{:?}", report.problems);
    report
}

fn read_back(report: &ScanReport) -> String {
    let e = &report.events[0];
    assert!(e.raw.is_stored(), "the raw text is held in memory");
    assert_eq!(e.trace(), plain_trace(), "the why panel's trace");
    e.raw.text().expect("read back")
}

/// The trace of the UAL record evaluated on its own, as the plain path does.
fn plain_trace() -> Trace {
    let file: Arc<str> = Arc::from("plain");
    let origin = Origin {
        file: &file,
        line: 1,
        raw: AUDIT,
    };
    let value = serde_json::from_str(AUDIT).expect("JSON");
    let Classified::Sts(event) = classify(value, &origin) else {
        unreachable!("an STS event")
    };
    let trace = *event.trace_kept.expect("classify keeps the trace");
    assert_eq!(trace.minutes_added, Some(44_640), "the record is flagged");
    trace
}

#[test]
fn purview_csv_drill_down_shows_the_audit_data_cell() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("purview.csv");
    let cell = AUDIT.replace('"', "\"\"");
    let text = format!(
        "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\nr1,2021-02-04T16:32:42.0000000Z,AzureActiveDirectory,Update StsRefreshTokenValidFrom Timestamp.,admin@contoso.com,\"{cell}\"\r\n"
    );
    std::fs::write(&path, text).expect("write");
    assert_eq!(read_back(&scanned(&path)), AUDIT);
}

#[test]
fn column_csv_drill_down_shows_the_row_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cloudappevents.csv");
    let cell = AUDIT.replace('"', "\"\"");
    let text = format!(
        "Timestamp,ActionType,AccountObjectId,AccountDisplayName,IPAddress,ISP,RawEventData\n2021-02-04T16:32:42Z,Update StsRefreshTokenValidFrom Timestamp.,oid-1,Admin,203.0.113.9,Contoso,\"{cell}\"\n"
    );
    std::fs::write(&path, text).expect("write");
    let raw: Value = serde_json::from_str(&read_back(&scanned(&path))).expect("JSON");
    assert_eq!(raw["AccountObjectId"], "oid-1");
    assert_eq!(raw["RawEventData"]["Id"], "e1");
}

#[test]
fn json_lines_drill_down_reads_the_line_back_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ual.jsonl");
    let other = r#"{"CreationTime":"2021-02-04T16:30:00","Id":"o1","Operation":"UserLoggedIn","UserId":"a@b"}"#;
    std::fs::write(&path, format!("{other}\r\n  {AUDIT}  \r\n")).expect("write");
    let report = scanned(&path);
    assert!(
        report.events[0].trace_kept.is_none(),
        "the trace is held in memory"
    );
    assert_eq!(read_back(&report), AUDIT);
    let at = other.len() as u64 + 4;
    assert!(
        matches!(report.events[0].raw, RawText::Stored { offset, .. } if offset == at),
        "{:?}",
        report.events[0].raw
    );
}

#[test]
fn gzip_and_document_drill_downs_read_the_record_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gz = dir.path().join("ual.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(format!("{AUDIT}\n").as_bytes())
        .expect("gzip");
    std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");
    assert_eq!(read_back(&scanned(&gz)), AUDIT);

    let doc = dir.path().join("ual.json");
    std::fs::write(&doc, format!("{{\"value\":[\n  {AUDIT}\n]}}")).expect("write");
    let back: Value = serde_json::from_str(&read_back(&scanned(&doc))).expect("JSON");
    let want: Value = serde_json::from_str(AUDIT).expect("JSON");
    assert_eq!(back, want);
}

#[test]
fn a_changed_input_gives_the_events_own_fields_in_the_why_panel() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ual.jsonl");
    std::fs::write(&path, format!("{AUDIT}\n")).expect("write");
    let report = scanned(&path);
    std::fs::write(&path, "{}\n").expect("rewrite");
    let e = &report.events[0];
    let trace = e.trace();
    assert_eq!(
        trace.action_type,
        "Update StsRefreshTokenValidFrom Timestamp."
    );
    assert!(trace.action_type_matches);
    assert_eq!(trace.timestamp, e.time);
    assert_eq!(
        trace.minutes_added, None,
        "nothing read from a record that is gone"
    );
    assert!(
        e.raw_text().contains("could not be read back"),
        "{}",
        e.raw_text()
    );
}
