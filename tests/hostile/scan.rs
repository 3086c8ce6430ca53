#![allow(clippy::panic, clippy::unwrap_used)]
//! Hostile strings through `sts-triage scan` (issue 5): event fields that carry terminal
//! escape sequences, C1 controls, DEL, BEL and bidi overrides must never reach standard
//! output or standard error raw, must stay visible as escapes, CSV cells must not start a
//! formula, and `--format jsonl` must keep the exact value.
//!
//! The fixtures are written by the test: CloudAppEvents rows whose AccountDisplayName,
//! IPAddress, ISP and RawEventData.Actor[-1].ID (Role) carry a payload, Unified Audit Log
//! records whose UserId (and Actor[-1].ID) carry it, and near misses whose operation and
//! actor carry it; the file names carry one too.

use std::path::{Path, PathBuf};
use std::process::Command;

use sts_triage::neutralize::{is_dangerous, neutralize};

const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";

/// The payloads: (name, text).
const PAYLOADS: [(&str, &str); 10] = [
    ("csi", "\u{1b}[31mRED\u{1b}[0m"),
    ("osc0", "\u{1b}]0;pwned title\u{7}"),
    ("osc52", "\u{1b}]52;c;SGVsbG8=\u{7}"),
    (
        "osc8",
        "\u{1b}]8;;http://evil/\u{1b}\\click\u{1b}]8;;\u{1b}\\",
    ),
    ("dcs", "\u{1b}P1$qm\u{1b}\\"),
    ("c1", "\u{9b}31mC1\u{9d}0;t\u{9c}"),
    ("del", "ab\u{7f}\u{7f}cd"),
    ("bel", "ring\u{7}\u{7}"),
    ("rlo", "user\u{202e}gpj.exe"),
    ("lri", "a\u{2066}b\u{2069}c\u{202a}d\u{200f}"),
];

/// Cells a spreadsheet would read as a formula.
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://evil\",\"x\")",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
];

fn sts_raw(role: &str) -> serde_json::Value {
    serde_json::json!({
        "ModifiedProperties": [{
            "Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\"2020-12-14T10:02:26Z\"]",
            "NewValue": "[\"2020-12-15T11:03:27Z\"]"
        }],
        "Actor": [{"ID": "admin@contoso.com", "Type": 5}, {"ID": role, "Type": 2}]
    })
}

fn cloud_app_row(i: usize, name: &str, ip: &str, isp: &str, role: &str) -> String {
    serde_json::json!({
        "Timestamp": "2020-12-15T11:05:00Z",
        "ActionType": STS_OP,
        "AccountObjectId": format!("oid-{i}"),
        "AccountDisplayName": name,
        "IPAddress": ip,
        "IsAnonymousProxy": false,
        "ISP": isp,
        "ReportId": format!("r{i}"),
        "RawEventData": sts_raw(role),
    })
    .to_string()
}

fn ual(i: usize, operation: &str, user: &str) -> String {
    let mut v = sts_raw(user);
    let obj = v.as_object_mut().unwrap();
    obj.insert("CreationTime".into(), "2020-12-15T11:05:00".into());
    obj.insert("Id".into(), format!("u{i}").into());
    obj.insert("Operation".into(), operation.into());
    obj.insert("RecordType".into(), 8.into());
    obj.insert("UserId".into(), user.into());
    obj.insert("ClientIP".into(), "198.51.100.7".into());
    serde_json::Value::Object(obj.clone()).to_string()
}

struct Fixture {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

/// Every payload in every field, plus formula cells and near misses.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut cae = Vec::new();
    let mut ual_lines = Vec::new();
    for (i, (name, p)) in PAYLOADS.iter().enumerate() {
        cae.push(cloud_app_row(i, &format!("{name}:{p}"), p, p, p));
        ual_lines.push(ual(i, STS_OP, &format!("{name}:{p}")));
        // A near miss: the operation spelled differently, the actor hostile.
        ual_lines.push(ual(
            100 + i,
            &format!("Update StsRefreshTokenValidFrom Timestamp{p}"),
            &format!("nm-{name}:{p}"),
        ));
    }
    for (i, f) in FORMULAS.iter().enumerate() {
        cae.push(cloud_app_row(200 + i, f, f, f, f));
    }
    // A file name with an OSC 0 title sequence and a bidi override.
    let hostile_name = "cae\u{1b}]0;owned\u{7}\u{202e}lnosj.jsonl";
    let mut files = Vec::new();
    for (name, lines) in [(hostile_name, &cae), ("ual.jsonl", &ual_lines)] {
        let p = dir.path().join(name);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        files.push(p);
    }
    // A malformed line after the good ones, so a warning names the hostile file.
    let bad = dir.path().join(hostile_name);
    let mut text = std::fs::read_to_string(&bad).unwrap();
    text.push_str("{\"ActionType\": \"\u{1b}[2J\n");
    std::fs::write(&bad, text).unwrap();
    Fixture { _dir: dir, files }
}

struct Out {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn scan(format: &str, files: &[PathBuf]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--near-misses", "--format", format])
        .args(files)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// No byte below 0x20 but `\n`, no DEL, valid UTF-8 with no C1 control and no bidi control.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        assert!(
            b == b'\n' || (b >= 0x20 && b != 0x7f),
            "{what}: raw byte {b:#04x} at offset {i}: {:?}",
            String::from_utf8_lossy(&bytes[i.saturating_sub(40)..(i + 40).min(bytes.len())])
        );
    }
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for (i, c) in text.char_indices() {
        assert!(
            c == '\n' || !is_dangerous(c),
            "{what}: raw {c:?} at offset {i} in {:?}",
            &text[i.saturating_sub(40).min(i)..]
        );
    }
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

/// The visible form of a payload, as neutralize writes it (a prefix, so a clipped table
/// cell still shows it).
fn visible(p: &str, n: usize) -> String {
    neutralize(p).chars().take(n).collect()
}

#[test]
fn table_output_and_summary_are_terminal_safe_and_show_the_payloads() {
    let fx = fixture();
    let out = scan("table", &fx.files);
    assert_eq!(out.code, 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert_terminal_safe("table stdout", &out.stdout);
    assert_terminal_safe("stderr", &out.stderr);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    for (name, p) in PAYLOADS {
        let shown = visible(p, 20);
        assert!(
            stdout.contains(&format!("{name}:{shown}")),
            "{name}: {shown:?} not shown in the table:\n{stdout}"
        );
        // In the near-miss part: the actor.
        assert!(
            stdout.contains(&format!("nm-{name}:")),
            "{name}: near miss actor missing:\n{stdout}"
        );
    }
    for needle in [
        "\\x1b]52;c;SGVsbG8=\\x07",
        "\\x1b]0;pwned",
        "\\x1b[31mRED",
        "\\x9b31mC1",
        "ab\\x7f\\x7fcd",
        "ring\\x07\\x07",
        "user\\u{202e}gpj.exe",
        "a\\u{2066}b\\u{2069}c",
        "\\x1b]8;;http://evil/",
        "\\x1bP1$qm",
    ] {
        assert!(
            stdout.contains(needle),
            "{needle:?} not in the table:\n{stdout}"
        );
    }
    // The hostile file name, in the summary and in the warning, visibly escaped.
    assert!(
        stderr.contains("cae\\x1b]0;owned\\x07\\u{202e}lnosj.jsonl: JSON lines"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("cae\\x1b]0;owned\\x07\\u{202e}lnosj.jsonl:17: not valid JSON"),
        "{stderr}"
    );
}

#[test]
fn csv_output_is_terminal_safe_and_formula_guarded() {
    let fx = fixture();
    let out = scan("csv", &fx.files);
    assert_eq!(out.code, 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert_terminal_safe("csv stdout", &out.stdout);
    assert_terminal_safe("stderr", &out.stderr);
    let stdout = text(&out.stdout);
    for needle in [
        "\\x1b]52;c;SGVsbG8=\\x07",
        "\\x9b31mC1",
        "user\\u{202e}gpj.exe",
        "ab\\x7f\\x7fcd",
    ] {
        assert!(
            stdout.contains(needle),
            "{needle:?} not in the CSV:\n{stdout}"
        );
    }
    // Both tables (rows, then near misses after a blank line) parse as CSV; no string cell
    // starts a formula; the formula payloads are there, prefixed with an apostrophe.
    let mut formula_cells = 0;
    for (t, part) in stdout.split("\n\n").enumerate() {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(part.as_bytes());
        let headers = rdr.headers().unwrap().clone();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            for (h, cell) in headers.iter().zip(rec.iter()) {
                if matches!(h, "tokenMinutesAdded" | "tokenMinutesRemaining") {
                    assert!(
                        cell.is_empty() || cell.parse::<i64>().is_ok(),
                        "{h}: {cell:?}"
                    );
                    continue;
                }
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "table {t}, column {h}: cell {cell:?} starts a formula"
                );
                if cell.starts_with('\'') {
                    formula_cells += 1;
                }
            }
        }
    }
    // Four formula payloads (= + - @) in four string columns of the result rows.
    assert!(
        formula_cells >= 16,
        "{formula_cells} guarded cells:\n{stdout}"
    );
    for f in [
        "'=HYPERLINK(",
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "\\tTAB",
        "\\rCR",
    ] {
        assert!(stdout.contains(f), "{f:?} not in the CSV:\n{stdout}");
    }
}

#[test]
fn jsonl_keeps_the_exact_values_escaped() {
    let fx = fixture();
    let out = scan("jsonl", &fx.files);
    assert_eq!(out.code, 0, "{}", String::from_utf8_lossy(&out.stderr));
    // JSON-escaped: even the JSON lines are safe bytes (C0 as \u00XX by serde_json; DEL,
    // C1 and bidi controls as \uXXXX by the output's formatter).
    assert_terminal_safe("jsonl stdout", &out.stdout);
    assert_terminal_safe("stderr", &out.stderr);
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |key: &str, value: &str| {
        rows.iter()
            .any(|r| r.get(key).and_then(serde_json::Value::as_str) == Some(value))
    };
    for (name, p) in PAYLOADS {
        let labelled = format!("{name}:{p}");
        // CloudAppEvents: AccountDisplayName, IPAddress, ISP, Role; UAL: UserId → AccountDisplayName.
        assert!(
            find("AccountDisplayName", &labelled),
            "{name}: AccountDisplayName"
        );
        assert!(find("IPAddress", p), "{name}: IPAddress");
        assert!(find("ISP", p), "{name}: ISP");
        assert!(find("Role", p), "{name}: Role");
        assert!(find("Role", &labelled), "{name}: UAL Actor[-1].ID");
        assert!(
            find("actor", &format!("nm-{name}:{p}")),
            "{name}: near miss actor"
        );
        assert!(
            find(
                "operation",
                &format!("Update StsRefreshTokenValidFrom Timestamp{p}")
            ),
            "{name}: near miss operation"
        );
    }
    let ual_rows = rows
        .iter()
        .filter(|r| r.get("IPAddress").and_then(serde_json::Value::as_str) == Some("198.51.100.7"))
        .count();
    assert_eq!(ual_rows, PAYLOADS.len());
    for f in FORMULAS {
        assert!(find("AccountDisplayName", f), "{f:?} kept as is in JSON");
    }
}

#[test]
fn unknown_format_error_names_a_hostile_path_safely() {
    let dir = tempfile::tempdir().unwrap();
    let p: &Path = &dir.path().join("x\u{1b}]52;c;QUFB\u{7}\u{9b}2J.txt");
    std::fs::write(p, "just \u{1b}[2J text\n").unwrap();
    let out = scan("table", &[p.to_path_buf()]);
    assert_eq!(out.code, 2);
    assert_terminal_safe("stderr", &out.stderr);
    assert!(
        text(&out.stderr)
            .contains("x\\x1b]52;c;QUFB\\x07\\x9b2J.txt: not a file of any known format"),
        "{}",
        text(&out.stderr)
    );
}
