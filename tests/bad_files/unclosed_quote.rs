#![allow(clippy::panic, clippy::unwrap_used)]
//! A CSV quote that never closes costs one record, never the rows after it (issue 10): the
//! record is skipped with the file, its lines and what was wrong, and the reading goes on
//! at the next line that starts a row.
//!
//! `tests/cases/hostile/csv-unclosed-quote-hides-rows-after.csv` (synthetic, written for this
//! project) is a `Search-UnifiedAuditLog | Export-Csv` file (`#TYPE` line, CRLF, every field
//! quoted) with four flagged events and three damaged records among them: line 5 loses the
//! closing quote of its last cell, line 8 is an AuditData cut in the middle (its closing
//! quote and last columns gone) followed by a fragment line, line 63 (the last) ends inside
//! a quote. Line 10 starts a real cell over 52 lines (pretty-printed AuditData), which is
//! one record and is read. Before, the rows after lines 5 and 8 were taken into their cells
//! and lost without a word.

use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");
const CASE: &str = "tests/cases/hostile/csv-unclosed-quote-hides-rows-after.csv";
const COLUMNS: [&str; 8] = [
    "AccountObjectId",
    "AccountDisplayName",
    "Role",
    "IPAddress",
    "IsAnonymousProxy",
    "ISP",
    "tokenMinutesAdded",
    "tokenMinutesRemaining",
];

struct Scan {
    rows: Vec<Value>,
    stderr: String,
}

fn scan(args: &[&str], path: &str) -> Scan {
    let out = Command::new(BIN)
        .args(["scan", "--format", "jsonl"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let mut rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            COLUMNS
                .iter()
                .map(|k| ((*k).to_owned(), v[*k].clone()))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect();
    rows.sort_by_key(|v| v.to_string());
    Scan { rows, stderr }
}

#[test]
fn the_rows_after_a_quote_that_never_closes_are_found() {
    let s = scan(&[], CASE);
    let expected = std::fs::read_to_string(CASE.replace(".csv", ".expected.jsonl")).unwrap();
    let mut want: Vec<Value> = expected
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    want.sort_by_key(|v| v.to_string());
    assert_eq!(s.rows, want, "{}", s.stderr);
    assert!(
        s.stderr.contains(&format!(
            "{CASE}: CSV (Unified Audit Log), 9 records, 4 STS events, 3 skipped"
        )),
        "{}",
        s.stderr
    );
    for said in [
        format!(
            "{CASE}:5: a quote opened on line 5 does not close where a record can end, and line 6 starts a row of its own: line 5 skipped; reading on at line 6"
        ),
        format!(
            "{CASE}:8: a quote opened on line 8 does not close where a record can end, and line 10 starts a row of its own: lines 8-9 skipped; reading on at line 10"
        ),
        format!(
            "{CASE}:63: a quote opened on line 63 never closes before the end of the file: line 63 skipped"
        ),
    ] {
        assert!(s.stderr.contains(&said), "{said}\n{}", s.stderr);
    }
}

/// A Defender portal CSV with `;` (Excel in a European locale) whose RawEventData cell lost
/// its closing quote: the record limit ends it, the lines after the limit that are no rows go
/// with it, and the rows after are read, at their own line numbers.
#[test]
fn past_the_record_limit_the_reading_goes_on_at_the_next_row() {
    let dir = tempfile::tempdir().unwrap();
    let row = |id: &str, name: &str| portal_row(';', id, name);
    let mut text = portal_header(';');
    text += &row("1", "Before Admin");
    text += row("2", "Mallory").trim_end().trim_end_matches('"');
    text += "\n";
    // 2 MiB of the open cell: lines that are no rows (no `;`).
    text += &format!("{}\n", "x".repeat(1000)).repeat(2 << 10);
    text += &row("3", "After Admin");
    let path = dir.path().join("portal-semicolon.csv");
    std::fs::write(&path, &text).unwrap();
    let path = path.display().to_string();
    let s = scan(&["--max-record-mib", "1"], &path);
    let mut names: Vec<&str> = s
        .rows
        .iter()
        .map(|r| r["AccountDisplayName"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["After Admin", "Before Admin"], "{}", s.stderr);
    assert!(
        s.stderr.contains(&format!(
            "{path}:3: a quote opened on line 3 never closes within the 1048576 byte record limit (--max-record-mib): lines 3-2051 skipped; reading on at line 2052"
        )),
        "{}",
        s.stderr
    );
    assert!(
        s.stderr.contains("3 records, 2 STS events, 1 skipped"),
        "{}",
        s.stderr
    );
}

/// A line whose quotes are even in number yet leaves a cell open: a `"` inside an unquoted
/// cell is text to the csv reader, so `Mal"lory,"{…` opens the last cell and never closes it.
/// Counting quotes took such a line for a whole record and the csv reader ran on into the
/// rows after it; now it is skipped like any other open quote and the next row is read.
#[test]
fn a_line_with_even_quotes_that_leaves_a_cell_open_costs_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let row = |id: &str, name: &str| portal_row(',', id, name);
    let mut text = portal_header(',');
    text += &row("1", "Before Admin");
    let damaged = row("2", "Mal\"lory");
    let damaged = damaged.trim_end().trim_end_matches('"');
    assert_eq!(
        damaged.matches('"').count() % 2,
        0,
        "the damaged line has even quotes"
    );
    text += damaged;
    text += "\n";
    for i in 3..40 {
        text += &row(&i.to_string(), &format!("After Admin {i}"));
    }
    let path = dir.path().join("even-quotes-open-cell.csv");
    std::fs::write(&path, &text).unwrap();
    let path = path.display().to_string();
    let s = scan(&["--max-record-mib", "1"], &path);
    let names: Vec<&str> = s
        .rows
        .iter()
        .map(|r| r["AccountDisplayName"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 38, "{names:?}\n{}", s.stderr);
    assert!(names.contains(&"Before Admin") && names.contains(&"After Admin 39"));
    assert!(!names.iter().any(|n| n.contains("Mal")), "{names:?}");
    assert!(
        s.stderr
            .contains(&format!("{path}:3: a quote opened on line 3")),
        "{}",
        s.stderr
    );
    assert!(
        s.stderr.contains("39 records, 38 STS events, 1 skipped"),
        "{}",
        s.stderr
    );
}

/// A Defender portal CSV header with `delimiter`.
fn portal_header(delimiter: char) -> String {
    [
        "Timestamp",
        "ActionType",
        "AccountObjectId",
        "AccountDisplayName",
        "IPAddress",
        "IsAnonymousProxy",
        "ISP",
        "ReportId",
        "RawEventData\n",
    ]
    .join(&delimiter.to_string())
}

/// One flagged STS event as a Defender portal CSV row (RawEventData quoted, its quotes doubled).
fn portal_row(delimiter: char, id: &str, name: &str) -> String {
    let raw = serde_json::json!({
        "Id": id,
        "ModifiedProperties": [{
            "Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\"2020-12-14T10:02:26Z\"]",
            "NewValue": "[\"2020-12-15T11:03:27Z\"]"
        }],
        "Actor": [{"ID": "admin@contoso.example", "Type": 5}, {"ID": "User", "Type": 2}]
    })
    .to_string()
    .replace('"', "\"\"");
    let cells = [
        "2020-12-15T11:05:00Z".to_owned(),
        "Update StsRefreshTokenValidFrom Timestamp.".to_owned(),
        format!("oid-{id}"),
        name.to_owned(),
        "198.51.100.7".to_owned(),
        "false".to_owned(),
        "ISP".to_owned(),
        format!("r-{id}"),
        format!("\"{raw}\"\n"),
    ];
    cells.join(&delimiter.to_string())
}
