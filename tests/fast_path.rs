#![allow(clippy::panic, clippy::unwrap_used)]
//! The fast path of the scan (byte prefilter, blocks scanned on several threads, results put
//! back in file order) returns exactly what a plain evaluation returns: every line parsed
//! with serde_json and classified with `record::classify`, one after the other.
//!
//! The inputs are generated here: more than the 1000 records that are always parsed, STS
//! rows whose operation is written with JSON `\u` escapes, ordinary rows with `\u003c`
//! escapes and with `\\u0053` (an escaped backslash, not an escape), near misses, blank and
//! CRLF lines, lines longer than the read block, a last line without a newline, the same
//! records as a pretty-printed JSON array document, and gzip.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use sts_triage::load::ScanOptions;
use sts_triage::load::record::{Classified, Origin, classify};
use sts_triage::model::RawText;
use sts_triage::scan::{ScanReport, scan_paths};

const OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";

/// The ActionType as an export may write it: plain, or with letters as `\u` escapes.
const ESCAPED_OPS: [&str; 5] = [
    r"Update Sts\u0052efreshTokenValidFrom Timestamp.",
    r"\u0055pdate StsRefreshToken\u0056alid\u0046rom Timestamp.",
    r"Update \u0053\u0074\u0073\u0052\u0065\u0066\u0072\u0065\u0073\u0068TokenValidFrom Timestamp.",
    r"Update StsRefreshTo\u006benValidFrom Timestamp\u002e",
    r"Update StsRefreshTo\u006BenValidFrom Timestamp.",
];

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn raw_event(i: u64, op: &str, first_prop: &str, actor_last: &str) -> String {
    format!(
        r#"{{"CreationTime":"2021-02-04T16:{m:02}:{s:02}","Id":"ev-{i}","Operation":"{op}","RecordType":8,"Workload":"AzureActiveDirectory","ModifiedProperties":[{{"Name":"{first_prop}","NewValue":"[\r\n  \"2021-02-04T16:00:04Z\"\r\n]","OldValue":"[\r\n  \"2021-01-12T08:15:00Z\"\r\n]"}},{{"Name":"Included Updated Properties","NewValue":"StsRefreshTokensValidFrom","OldValue":""}}],"Actor":[{{"ID":"user{i}@contoso.com","Type":5}},{{"ID":"User_{i:08x}","Type":2}},{{"ID":"{actor_last}","Type":2}}]}}"#,
        m = i % 60,
        s = (i * 7) % 60,
    )
}

fn cloud_app_row(i: u64, action: &str, raw: &str, pad: &str) -> String {
    format!(
        r#"{{"Timestamp":"2021-02-04T16:{m:02}:{s:02}.000Z","ActionType":"{action}","AccountObjectId":"oid-{i}","AccountDisplayName":"user{i}@contoso.com","IPAddress":"203.0.113.{ip}","IsAnonymousProxy":false,"ISP":"Contoso ISP","ReportId":"r-{i}","Pad":"{pad}","RawEventData":{raw}}}"#,
        m = i % 60,
        s = (i * 11) % 60,
        ip = i % 250,
    )
}

/// One generated record (a JSON line without its line end).
fn record(i: u64, rng: &mut Lcg) -> String {
    let k = rng.below(100);
    match k {
        0..=3 => cloud_app_row(
            i,
            OP,
            &raw_event(i, OP, "StsRefreshTokensValidFrom", "User"),
            "",
        ),
        4 => {
            let op = ESCAPED_OPS[usize::try_from(i % 5).unwrap()];
            cloud_app_row(
                i,
                op,
                &raw_event(i, OP, "StsRefreshTokensValidFrom", "User"),
                "",
            )
        }
        // Near misses: another spelling, a sync account, the property not at index 0.
        5 => {
            let op = "update STSREFRESHTOKENVALIDFROM timestamp";
            cloud_app_row(
                i,
                op,
                &raw_event(i, op, "StsRefreshTokensValidFrom", "User"),
                "",
            )
        }
        6 => cloud_app_row(
            i,
            OP,
            &raw_event(i, OP, "StsRefreshTokensValidFrom", "Directorysync"),
            "",
        ),
        7 => cloud_app_row(
            i,
            OP,
            &raw_event(i, OP, "Included Updated Properties", "User"),
            "",
        ),
        // The operation name elsewhere than in ActionType: parsed, not an STS event.
        8 => cloud_app_row(
            i,
            "FileAccessed",
            &raw_event(i, "FileAccessed", "x", "User"),
            "StsRefreshTokenValidFrom",
        ),
        // A Unified Audit Log record on its own, with an escaped operation.
        9 => raw_event(
            i,
            r"Update StsRefreshTokenValidFro\u006d Timestamp.",
            "StsRefreshTokensValidFrom",
            "User",
        ),
        // Escapes of anything but letters (skipped by the prefilter), an escaped backslash
        // before "u0053" (not an escape), and an escape that is a letter but spells nothing.
        10..=40 => cloud_app_row(
            i,
            "MailItemsAccessed",
            &raw_event(i, "MailItemsAccessed", "x", "User"),
            r"\u003cAM0PR01MB1234.prod.outlook.com\u003e \u0026 \u00e9",
        ),
        41..=43 => cloud_app_row(
            i,
            "MailItemsAccessed",
            &raw_event(i, "MailItemsAccessed", "x", "User"),
            r"C:\\u0053tsRefreshTokenValidFrom",
        ),
        44..=46 => cloud_app_row(
            i,
            "Send",
            &raw_event(i, "Send", "x", "User"),
            r"\u0041\u0042C",
        ),
        _ => cloud_app_row(
            i,
            "MailItemsAccessed",
            &raw_event(i, "MailItemsAccessed", "x", "User"),
            "Quarterly numbers",
        ),
    }
}

/// What the plain evaluation of one record gives: the Debug text of its STS event, if any.
fn plain_record(text: &str, file: &Arc<str>, line: u64) -> Option<String> {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("line {line}: {e}"));
    let origin = Origin {
        file,
        line,
        raw: text,
    };
    match classify(value, &origin) {
        Classified::Sts(event) => Some(format!("{event:?}")),
        _ => None,
    }
}

/// The plain evaluation of JSON lines: every non-blank line parsed and classified.
fn plain_lines(data: &str, file: &Arc<str>) -> (Vec<String>, u64) {
    let mut events = Vec::new();
    let mut records = 0;
    for (i, line) in data.split('\n').enumerate() {
        let line_no = i as u64 + 1;
        let text = line.trim_start_matches('\u{feff}').trim_ascii();
        if text.is_empty() {
            continue;
        }
        records += 1;
        events.extend(plain_record(text, file, line_no));
    }
    (events, records)
}

fn scanned(path: &Path) -> ScanReport {
    let report = scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap();
    assert_eq!(report.skipped(), 0, "{:?}", report.problems);
    report
}

/// The events as the plain evaluation writes them, each raw text read back from where the
/// scan kept it (on disk, never in memory): the drill-down shows exactly the record, and the
/// trace it evaluates again from that text (not kept in memory) is the plain evaluation's.
fn debug_events(report: &ScanReport) -> Vec<String> {
    report
        .events
        .iter()
        .map(|e| {
            assert!(e.raw.is_stored(), "{}: raw text kept in memory", e.source);
            assert!(e.trace_kept.is_none(), "{}: trace kept in memory", e.source);
            let mut e = e.clone();
            e.trace_kept = Some(Box::new(e.trace()));
            e.raw = RawText::Text(e.raw.text().expect("read back").into());
            format!("{e:?}")
        })
        .collect()
}

fn check_same(report: &ScanReport, plain: &[String], records: u64) {
    let got = debug_events(report);
    assert_eq!(got.len(), plain.len(), "number of STS events");
    for (i, (g, p)) in got.iter().zip(plain).enumerate() {
        assert_eq!(g, p, "STS event {i} differs");
    }
    assert_eq!(report.records(), records, "records read");
    let near_misses = plain.iter().filter(|e| e.contains("NearMiss")).count();
    assert_eq!(report.near_misses.len(), near_misses, "near misses");
}

/// JSON lines with every kind of record, blank and CRLF lines, two lines longer than the
/// 4 MiB read block (one an STS event), and a last line without a newline.
fn generate_lines(n: u64, seed: u64) -> String {
    let mut rng = Lcg(seed);
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&record(i, &mut rng));
        match rng.below(50) {
            0 => out.push_str("\r\n"),
            1 => out.push_str("\n\n"),
            2 => out.push_str("\n  \t\r\n"),
            _ => out.push('\n'),
        }
        if i == 1700 || i == 2300 {
            let pad = "p".repeat(5 << 20);
            let raw = raw_event(i, OP, "StsRefreshTokensValidFrom", "User");
            let action = if i == 1700 { OP } else { "FileAccessed" };
            out.push_str(&cloud_app_row(i + 1_000_000, action, &raw, &pad));
            out.push('\n');
        }
    }
    // The last line: an STS row with no newline after it.
    out.push_str(&cloud_app_row(
        n,
        ESCAPED_OPS[0],
        &raw_event(n, OP, "StsRefreshTokensValidFrom", "User"),
        "",
    ));
    out
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

#[test]
fn json_lines_fast_path_equals_plain_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate_lines(4000, 7);
    let path = write(dir.path(), "events.jsonl", data.as_bytes());
    let file: Arc<str> = Arc::from(path.display().to_string());
    let (plain, records) = plain_lines(&data, &file);
    // The generated file must exercise what it is meant to.
    assert!(plain.len() > 300, "{} STS events", plain.len());
    assert!(plain.iter().any(|e| e.contains("NearMiss")));
    assert!(data.contains("\r\n") && data.len() > 10 << 20);
    let report = scanned(&path);
    check_same(&report, &plain, records);
    let escaped_lines: Vec<u64> = data
        .split('\n')
        .enumerate()
        .filter(|(_, l)| l.contains(r"Sts\u0052efresh"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    for line in escaped_lines {
        assert!(
            report
                .events
                .iter()
                .any(|e| e.source.line == line && e.is_flagged()),
            "escaped STS row at line {line} not flagged"
        );
    }
}

#[test]
fn every_line_ending_in_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate_lines(2500, 11)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let path = write(dir.path(), "crlf.jsonl", data.as_bytes());
    let file: Arc<str> = Arc::from(path.display().to_string());
    let (plain, records) = plain_lines(&data, &file);
    check_same(&scanned(&path), &plain, records);
}

/// A regular file is read in blocks at positions, each by a thread of its own: the same
/// events and counts as the plain evaluation, and the hash of the file is that of its bytes
/// (hashed block by block in file order, from the first byte, though the format was sniffed
/// from the first bytes before).
#[test]
fn a_file_read_at_positions_is_hashed_whole() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    // The file ends inside the fourth 2 MiB block, on a line without its newline.
    let data = generate_lines(2000, 17);
    assert!(data.len() > 6 << 20);
    let path = write(dir.path(), "hashed.jsonl", data.as_bytes());
    let file: Arc<str> = Arc::from(path.display().to_string());
    let (plain, records) = plain_lines(&data, &file);
    let opts = ScanOptions {
        hash_inputs: true,
        ..ScanOptions::default()
    };
    let report = scan_paths(std::slice::from_ref(&path), &opts).unwrap();
    check_same(&report, &plain, records);
    let summary = &report.files[0];
    let want: String = Sha256::digest(data.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(summary.sha256.as_deref(), Some(want.as_str()));
    assert_eq!(summary.bytes, data.len() as u64);
}

#[test]
fn gzip_json_lines_equal_plain_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate_lines(3000, 13);
    let path = dir.path().join("events.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data.as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let file: Arc<str> = Arc::from(path.display().to_string());
    let (plain, records) = plain_lines(&data, &file);
    check_same(&scanned(&path), &plain, records);
}

/// Splits a one-line JSON value over many lines (after `{`, `[` and `,` outside strings),
/// keeping every escape as it is written.
fn pretty(text: &str, eol: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for ch in text.chars() {
        out.push(ch);
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '{' | '[' | ',' => {
                out.push_str(eol);
                out.push_str("    ");
            }
            _ => {}
        }
    }
    out
}

#[test]
fn pretty_printed_json_array_equals_plain_evaluation() {
    for eol in ["\n", "\r\n"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.json");
        let file: Arc<str> = Arc::from(path.display().to_string());
        let mut rng = Lcg(17);
        let mut doc = format!("[{eol}");
        let mut plain = Vec::new();
        let n = 1800u64;
        for i in 0..n {
            let element = pretty(&record(i, &mut rng), eol);
            doc.push_str("  ");
            let line = doc.matches('\n').count() as u64 + 1;
            plain.extend(plain_record(&element, &file, line));
            doc.push_str(&element);
            if i + 1 < n {
                doc.push(',');
            }
            doc.push_str(eol);
        }
        doc.push(']');
        doc.push_str(eol);
        std::fs::write(&path, &doc).unwrap();
        check_same(&scanned(&path), &plain, n);
    }
}
