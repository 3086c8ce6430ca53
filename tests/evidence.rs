//! The raw text of every STS event is kept on disk (a place in the input, or a spill file),
//! not in memory, and the drill-down reads back exactly the record: for each source kind.

use std::io::Write;
use std::path::Path;

use serde_json::Value;
use sts_triage::load::ScanOptions;
use sts_triage::model::RawText;
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
    e.raw.text().expect("read back")
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
