#![allow(clippy::panic, clippy::unwrap_used)]
//! One bad character never hides a flagged event (issue 10): invalid UTF-8 bytes and lone
//! surrogate escapes (`\ud800`, which serde_json refuses) in any field are replaced by
//! U+FFFD, as Kusto does at ingestion, in every reader (JSON lines, JSON documents, CSV
//! cells, gzip); the event stays flagged, is counted and said where, and its row carries the
//! `ctrl` hint and the ⚠ column.

use std::path::{Path, PathBuf};
use std::process::Command;

use sts_triage::hints::{HintConfig, row_hints};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

use super::write;

const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const CASE: &str = "tests/cases/hostile/jsonl-invalid-utf8-drops-flagged-event.jsonl";

fn scan(path: &Path) -> ScanReport {
    scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap()
}

/// The row of the account, with whether it carries the `ctrl` hint and the ⚠ mark.
fn row_marks(report: &ScanReport, account: &str) -> (bool, bool) {
    let i = report
        .findings
        .iter()
        .position(|f| f.row.account_display_name == account)
        .unwrap_or_else(|| {
            panic!(
                "no flagged row for {account:?}; problems: {:?}",
                report.problems
            )
        });
    marks(report, i)
}

/// The row of the event read from a line.
fn row_of_line(report: &ScanReport, line: u64) -> usize {
    report
        .findings
        .iter()
        .position(|f| {
            f.events
                .iter()
                .any(|&e| report.events[e].source.line == line)
        })
        .unwrap_or_else(|| panic!("no flagged row from line {line}: {:?}", report.problems))
}

fn marks(report: &ScanReport, i: usize) -> (bool, bool) {
    let f = &report.findings[i];
    let hints = row_hints(f, HintConfig::default());
    let ctrl = hints.iter().any(|h| h.badge() == "ctrl");
    let text = sts_triage::tui::items::finding_text(report, i);
    (ctrl, text.cells.iter().any(|c| c == "⚠"))
}

fn cli_scan(path: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--format", "jsonl"])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn an_invalid_byte_in_a_user_agent_keeps_the_flagged_event() {
    let path = PathBuf::from(CASE);
    let (code, stdout, stderr) = cli_scan(&path);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(r#""AccountDisplayName":"Contoso Admin","Role":"User","IPAddress":"203.0.113.10","IsAnonymousProxy":false,"ISP":"Contoso Networks","tokenMinutesAdded":155900,"tokenMinutesRemaining":0"#),
        "the flagged event of line 2 is missing:\n{stdout}"
    );
    assert!(stderr.contains("23 records, 20 STS events, 0 skipped, 1 read with invalid characters or too-deep JSON replaced by U+FFFD"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{CASE}:2: 1 invalid UTF-8 byte sequence replaced by U+FFFD"
        )),
        "{stderr}"
    );

    let report = scan(&path);
    assert_eq!(report.skipped(), 0);
    let row = row_of_line(&report, 2);
    assert_eq!(report.findings[row].row.token_minutes_added, Some(155_900));
    assert_eq!(marks(&report, row), (true, true));
    // A row whose events had nothing replaced has neither.
    assert_eq!(row_marks(&report, "SecOps On-Call"), (false, false));
}

fn ual(id: &str, user: &str, agent: &str) -> String {
    serde_json::json!({
        "CreationTime": "2024-03-02T09:30:11",
        "Id": id,
        "Operation": STS_OP,
        "RecordType": 8,
        "UserId": user,
        "ClientIP": "198.51.100.77",
        "ExtendedProperties": [{"Name": "additionalDetails", "Value": format!("{{\"User-Agent\":\"{agent}\"}}")}],
        "ModifiedProperties": [{
            "Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\r\n  \"2024-03-02T09:00:00Z\"\r\n]",
            "NewValue": "[\r\n  \"2024-02-01T00:00:00Z\"\r\n]"
        }],
        "Actor": [{"ID": user, "Type": 5}, {"ID": "ServicePrincipal", "Type": 2}]
    })
    .to_string()
}

/// A UAL record whose UserAgent (a JSON string inside the ExtendedProperties value) and
/// ClientIP carry the damage: `bad` is put where `@@` stands, as bytes.
fn damaged_line(id: &str, user: &str, bad: &[u8]) -> Vec<u8> {
    let line = ual(id, user, "Mozilla@@/5.0").replace("198.51.100.77", "198.51.100.77@@");
    let mut out = Vec::new();
    for (i, part) in line.split("@@").enumerate() {
        if i > 0 {
            out.extend_from_slice(bad);
        }
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// `\ud800` as the record holds it at its top level, and as a string inside a string.
const LONE: &[u8] = b"\\ud800";

#[test]
fn lone_surrogates_and_bad_bytes_in_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let good = ual("e-good", "alice@x", "Mozilla/5.0");
    let mut lines = format!("{good}\n").into_bytes();
    lines.extend(damaged_line("e-ff", "bob@x", b"\xff"));
    lines.push(b'\n');
    lines.extend(damaged_line("e-sur", "carol@x", LONE));
    lines.push(b'\n');
    lines.extend(damaged_line("e-both", "dave@x", b"\xc3\\udfff"));
    lines.push(b'\n');
    let jsonl = write(dir.path(), "ual.jsonl", &lines);

    let doc = crate::support::json_document(&lines, b"{\"value\":[\n", b",\n");
    let document = write(dir.path(), "ual.json", &doc);
    let gz = write(dir.path(), "ual.jsonl.gz", &crate::support::gzip(&lines));
    let gz_doc = write(dir.path(), "ual-doc.json.gz", &crate::support::gzip(&doc));

    for p in [&jsonl, &document, &gz, &gz_doc] {
        let report = scan(p);
        assert_eq!(
            report.skipped(),
            0,
            "{}: {:?}",
            p.display(),
            report.problems
        );
        assert_eq!(report.files[0].replaced, 3, "{}", p.display());
        for user in ["bob@x", "carol@x", "dave@x"] {
            let (ctrl, flag) = row_marks(&report, user);
            assert!(ctrl && flag, "{}: {user} lacks ctrl/⚠", p.display());
        }
        assert_eq!(row_marks(&report, "alice@x"), (false, false));
        let ip = |user: &str| {
            report
                .findings
                .iter()
                .find(|f| f.row.account_display_name == user)
                .map(|f| f.row.ip_address.clone())
                .unwrap()
        };
        assert_eq!(ip("bob@x"), "198.51.100.77\u{fffd}");
        assert_eq!(ip("carol@x"), "198.51.100.77\u{fffd}");
        assert!(
            report
                .problems
                .iter()
                .any(|pr| pr.message.contains("lone surrogate escape")),
            "{:?}",
            report.problems
        );
    }
}

/// The same damage in CSV cells: the Purview AuditData column (JSON text with the escape
/// doubled by the CSV quoting) and a Defender portal RawEventData cell.
#[test]
fn csv_cells_with_lone_surrogates_or_bad_bytes_stay_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let q = |b: &[u8]| {
        let mut out = b"\"".to_vec();
        for &c in b {
            if c == b'"' {
                out.push(b'"');
            }
            out.push(c);
        }
        out.push(b'"');
        out
    };
    let mut purview = b"CreationDate,UserIds,Operations,AuditData\n".to_vec();
    for (id, user, bad) in [
        ("p1", "bob@x", &b"\xff"[..]),
        ("p2", "carol@x", LONE),
        ("p3", "erin@x", b"ok"),
    ] {
        purview.extend_from_slice(format!("2024-03-02T09:30:11,{user},{STS_OP},").as_bytes());
        purview.extend(q(&damaged_line(id, user, bad)));
        purview.push(b'\n');
    }
    let p = write(dir.path(), "purview.csv", &purview);
    let report = scan(&p);
    assert_eq!(report.skipped(), 0, "{:?}", report.problems);
    assert_eq!(report.files[0].replaced, 2);
    assert!(row_marks(&report, "bob@x").0);
    assert!(row_marks(&report, "carol@x").0);
    assert_eq!(row_marks(&report, "erin@x"), (false, false));

    let header = "Timestamp,ActionType,AccountObjectId,AccountDisplayName,IPAddress,IsAnonymousProxy,ISP,ReportId,RawEventData\n";
    let mut portal = header.as_bytes().to_vec();
    portal.extend_from_slice(
        format!("2024-03-02T09:30:11Z,{STS_OP},oid-1,Frank,198.51.100.9,false,Example ISP,r1,")
            .as_bytes(),
    );
    portal.extend(q(&damaged_line("c1", "frank@x", LONE)));
    portal.push(b'\n');
    let p = write(dir.path(), "portal.csv", &portal);
    let report = scan(&p);
    assert_eq!(report.skipped(), 0, "{:?}", report.problems);
    assert_eq!(report.near_misses.len(), 0, "a near miss instead of a row");
    assert_eq!(row_marks(&report, "Frank"), (true, true));
}
