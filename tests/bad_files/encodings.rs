#![allow(clippy::panic, clippy::unwrap_used)]
//! Bytes and dialects (issue 14): UTF-16LE/BE with a byte order mark, and without one when
//! the NUL pattern makes it certain; Windows-1252 when the bytes are not UTF-8, decoded and
//! said once per file; row keys that do not depend on the encoding; CSV with `;` and tab
//! delimiters decided from the header line, and a message naming the dialect when a file is
//! still not understood.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

const FORMATS: &str = "tests/cases/formats";
const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan_cli(path: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--format", "jsonl", "--near-misses"])
        .arg(path)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The rows (as JSON values) and the near misses' (reason, event id) of a jsonl output.
fn rows_and_near_misses(text: &str) -> (Vec<serde_json::Value>, BTreeSet<(String, String)>) {
    let mut rows = Vec::new();
    let mut near = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["kind"] == "near_miss" {
            near.insert((
                v["reason"].as_str().unwrap().to_owned(),
                v["event_id"].as_str().unwrap().to_owned(),
            ));
        } else {
            rows.push(v);
        }
    }
    rows.sort_by_key(ToString::to_string);
    (rows, near)
}

fn assert_expected(case: &str, notice: &str) {
    let input = PathBuf::from(format!("{FORMATS}/{case}"));
    let stem = case.rsplit_once('.').unwrap().0;
    let expected = std::fs::read_to_string(format!("{FORMATS}/{stem}.expected.jsonl")).unwrap();
    let r = scan_cli(&input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows_and_near_misses(&r.stdout),
        rows_and_near_misses(&expected),
        "{case}: {}",
        r.stderr
    );
    let said = format!("warning: {}: {notice}", input.display());
    assert_eq!(
        r.stderr.matches(&said).count(),
        1,
        "{said:?}:\n{}",
        r.stderr
    );
}

#[test]
fn utf16le_with_a_bom_is_decoded_and_read_inside_a_folder() {
    assert_expected(
        "utf16le-extractor-ual.json",
        "decoded as UTF-16LE (byte order mark)",
    );
    // Inside a folder it is read, never passed over.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{FORMATS}/utf16le-extractor-ual.json"),
        dir.path().join("ual.json"),
    )
    .unwrap();
    let report = scan_paths(&[dir.path().to_path_buf()], &ScanOptions::default()).unwrap();
    assert!(report.not_read.is_empty(), "{:?}", report.not_read);
    assert_eq!(report.findings.len(), 2);
}

#[test]
fn windows_1252_is_decoded_and_keys_do_not_depend_on_the_encoding() {
    assert_expected(
        "defender-portal-cp1252.csv",
        "decoded as Windows-1252 (the bytes are not UTF-8",
    );
    let cp1252 = PathBuf::from(format!("{FORMATS}/defender-portal-cp1252.csv"));
    let bytes = std::fs::read(&cp1252).unwrap();
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let dir = tempfile::tempdir().unwrap();
    let utf8 = dir.path().join("utf8.csv");
    std::fs::write(&utf8, text.as_bytes()).unwrap();
    assert_eq!(keys(&scan(&cp1252)), keys(&scan(&utf8)));
    assert!(keys(&scan(&utf8)).len() == 2);
}

fn scan(p: &Path) -> ScanReport {
    scan_paths(&[p.to_path_buf()], &ScanOptions::default()).unwrap()
}

fn keys(r: &ScanReport) -> BTreeSet<String> {
    r.findings.iter().map(|f| f.row.key()).collect()
}

/// A Search-UnifiedAuditLog export row: CreationDate, UserIds, Operations, AuditData.
fn purview_rows(sep: &str) -> String {
    let audit = |id: &str, user: &str| {
        serde_json::json!({
            "CreationTime": "2024-03-01T10:00:07",
            "Id": id,
            "Operation": STS_OP,
            "RecordType": 8,
            "UserId": user,
            "ClientIP": "203.0.113.24",
            "ModifiedProperties": [{
                "Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\"2023-11-20T08:15:00Z\"]",
                "NewValue": "[\"2024-03-01T10:00:06Z\"]"
            }],
            "Actor": [{"ID": user, "Type": 5}, {"ID": "User", "Type": 2}]
        })
        .to_string()
        .replace('"', "\"\"")
    };
    let mut out = format!("CreationDate{sep}UserIds{sep}Operations{sep}AuditData\r\n");
    for (id, user) in [("e1", "jürgen.müller@x"), ("e2", "telefónica@x")] {
        out.push_str(&format!(
            "2024-03-01T10:00:07{sep}{user}{sep}{STS_OP}{sep}\"{}\"\r\n",
            audit(id, user)
        ));
    }
    out
}

fn names(r: &ScanReport) -> BTreeSet<String> {
    r.findings
        .iter()
        .map(|f| f.row.account_display_name.clone())
        .collect()
}

#[test]
fn our_own_inputs_of_each_class() {
    let dir = tempfile::tempdir().unwrap();
    let expected: BTreeSet<String> = ["jürgen.müller@x", "telefónica@x"]
        .map(str::to_owned)
        .into();
    let reference = dir.path().join("utf8.csv");
    std::fs::write(&reference, purview_rows(",")).unwrap();
    let reference_keys = keys(&scan(&reference));
    assert_eq!(names(&scan(&reference)), expected);

    // UTF-16BE without a byte order mark (the NUL pattern decides), and UTF-16LE with one.
    let be: Vec<u8> = purview_rows(",")
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let p = dir.path().join("utf16be.csv");
    std::fs::write(&p, be).unwrap();
    let r = scan_cli(&p);
    assert!(
        r.stderr
            .contains("decoded as UTF-16BE (no byte order mark; every other byte is NUL)"),
        "{}",
        r.stderr
    );
    assert_eq!(keys(&scan(&p)), reference_keys);

    // A Windows-1252 UAL CSV (Excel's save of the same export).
    let utf8_text = purview_rows(",");
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&utf8_text);
    assert!(!unmappable);
    let p = dir.path().join("cp1252.csv");
    std::fs::write(&p, &cp1252).unwrap();
    assert_eq!(keys(&scan(&p)), reference_keys);
    assert!(scan_cli(&p).stderr.contains("decoded as Windows-1252"));

    // `;` and tab delimiters, decided from the header line.
    for (sep, name) in [(";", "semicolon.csv"), ("\t", "tab.tsv")] {
        let p = dir.path().join(name);
        std::fs::write(&p, purview_rows(sep)).unwrap();
        let report = scan(&p);
        assert_eq!(names(&report), expected, "{name}: {:?}", report.problems);
        assert_eq!(keys(&report), reference_keys);
    }

    // Still not understood: the message names the dialect.
    let p = dir.path().join("other.csv");
    std::fs::write(&p, "Datum;Benutzer;Aktion\r\n01.03.2024;a@x;Anmeldung\r\n").unwrap();
    let r = scan_cli(&p);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("(CSV with `;` whose header has none of"),
        "{}",
        r.stderr
    );
}
