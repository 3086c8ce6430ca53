//! Hostile strings on their way out: the Markdown report and the copied tables (no event
//! string forms Markdown structure), the CSV outputs (no cell a spreadsheet in any locale
//! runs as a formula), and the invisible characters that make one string look like another
//! (shown escaped, with the `ctrl` hint). Input: tests/cases/hostile/hostile-strings.jsonl,
//! made by gen_hostile.py beside it (one flagged event per payload in every string field).

#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::neutralize::{has_dangerous, is_dangerous, neutralize};
use sts_triage::report::{self, ReportContext};
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::app::why_lines;

use crate::support::markdown;

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");
const HOSTILE: &str = "tests/cases/hostile/hostile-strings.jsonl";

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn hostile() -> ScanReport {
    scan_paths(&[path(HOSTILE)], &ScanOptions::default()).unwrap()
}

pub(crate) fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The report's own emphasis: the warning while rows are unreviewed.
fn own_structure(node: &(String, String)) -> bool {
    matches!(
        (node.0.as_str(), node.1.as_str()),
        ("Strong", t) if t.starts_with("Warning: ") && t.ends_with(" are still unreviewed.")
    ) || *node == ("Emphasis".to_owned(), "Unreviewed rows".to_owned())
        || *node == ("Emphasis".to_owned(), "Near misses not reviewed".to_owned())
}

#[test]
fn no_event_string_forms_markdown_structure_in_the_report() {
    let scanned = hostile();
    assert_eq!(scanned.findings.len(), 42, "one flagged row per payload");
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("none.jsonl");
    let md = run(&[
        "report",
        "--journal",
        journal.to_str().unwrap(),
        path(HOSTILE).to_str().unwrap(),
    ]);
    let r = markdown::render(&md);
    let foreign: Vec<_> = r.structure.iter().filter(|n| !own_structure(n)).collect();
    assert!(
        foreign.is_empty(),
        "structure from event strings: {foreign:#?}"
    );
    // One row per finding plus the header, each with exactly its 19 cells (the query's and
    // the decision's, then Target, Actor UPN / app, Context and Hints).
    let rows: Vec<&Vec<String>> = r.rows.iter().filter(|row| row.len() == 19).collect();
    assert_eq!(rows.len(), r.rows.len(), "a value broke out of its cell");
    assert_eq!(rows.len(), 42 + 1, "42 unreviewed rows and their header");
    // Each string renders exactly as its neutralised value, in its own cell.
    let shown: BTreeSet<&str> = r.rows.iter().flatten().map(String::as_str).collect();
    for f in &scanned.findings {
        for value in [&f.row.account_display_name, &f.row.ip_address, &f.row.isp] {
            let expected = neutralize(value);
            assert!(
                shown.contains(expected.as_ref()),
                "{value:?} is not shown as {expected:?}"
            );
        }
    }
    // The payloads that defeated the old escaping are plain text now.
    for payload in [
        "\\[click\\](http://evil.example/)",
        "\\<img src=http://evil.example/x.png\\>",
        "\\*\\*bold\\*\\*",
        "![x](http://evil.example/p.png)",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "`code` ```",
        "a|b||c",
    ] {
        assert!(shown.contains(payload), "{payload} is not shown as written");
    }
}

#[test]
fn the_copied_tables_are_as_safe_as_the_report() {
    // `y` in the workbench copies these tables; `Y` copies `markdown_report` (same function
    // as `sts-triage report`, tested in tests/report/).
    let scanned = hostile();
    let all: Vec<usize> = (0..scanned.findings.len()).collect();
    let table = report::findings_table(&scanned, &all, &HashMap::new(), HintConfig::default());
    let r = markdown::render(&table);
    assert!(r.structure.is_empty(), "{:#?}", r.structure);
    assert!(r.rows.iter().all(|row| row.len() == 19));
    let y = report::markdown_report(&scanned, &HashMap::new(), &ReportContext::default());
    let r = markdown::render(&y);
    assert!(r.structure.iter().all(own_structure), "{:#?}", r.structure);
}

/// True when a spreadsheet would run the cell as a formula: its first character that is not
/// white space is a formula character, and it is not a plain number.
fn runs_as_formula(cell: &str) -> bool {
    let trimmed = cell.trim_start_matches(|c: char| c.is_whitespace() && c != '\t' && c != '\r');
    let starts = trimmed.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
    ]);
    starts && trimmed.parse::<f64>().is_err()
}

/// Reads CSV text the way a spreadsheet of a locale does: split at `separator`, quotes
/// honoured, and reports every cell that would run.
fn formulas_when_split_at(text: &str, separator: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut found = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        found.extend(
            record
                .iter()
                .filter(|c| runs_as_formula(c))
                .map(str::to_owned),
        );
    }
    found
}

#[test]
fn no_csv_cell_runs_as_a_formula_whatever_the_list_separator() {
    let file = path(HOSTILE);
    let file = file.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("none.jsonl");
    let outputs = [
        (
            "scan",
            run(&["scan", "--format", "csv", "--near-misses", file]),
        ),
        (
            "report",
            run(&[
                "report",
                "--format",
                "csv",
                "--journal",
                journal.to_str().unwrap(),
                file,
            ]),
        ),
    ];
    for (what, text) in &outputs {
        for separator in [b',', b';', b'\t'] {
            let found = formulas_when_split_at(text, separator);
            assert!(
                found.is_empty(),
                "{what}, split at {:?}: {found:?}",
                separator as char
            );
        }
        // The actor's UPN is an attacker's string too: guarded in the report's `actors`
        // (followed by `hints` and `lookalike`).
        if *what == "report" {
            assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{what}:\n{text}");
        }
        // The semicolon payload is one quoted cell, its second part guarded.
        assert!(
            text.contains("\"x;'=cmd|' /C calc'!A0\""),
            "{what}:\n{text}"
        );
    }
}

#[test]
fn invisible_characters_are_shown_and_raise_the_ctrl_hint() {
    let scanned = hostile();
    let inputs = Inputs::new(&scanned, HintConfig::default());
    let spoofed = ["zw", "tags", "bidi"];
    for f in &scanned.findings {
        let hints = inputs.finding_hints(f);
        let ctrl = hints.iter().any(|h| h.badge() == "ctrl");
        if spoofed.contains(&f.row.account_object_id.as_str()) {
            assert!(ctrl, "{}: no ctrl hint", f.row.account_object_id);
        }
        // Every hint and every line of the why panel is safe to draw.
        for h in &hints {
            assert!(!has_dangerous(&h.to_string()), "{h:?}");
        }
        for &e in &f.events {
            for (clause, value, _) in why_lines(&scanned, e) {
                assert!(!has_dangerous(&clause) && !has_dangerous(&value), "{value}");
            }
        }
    }
    let table = run(&["scan", "--format", "table", path(HOSTILE).to_str().unwrap()]);
    assert!(!table.chars().any(|c| is_dangerous(c) && c != '\n'));
    // (The table clips cells at 48 characters.)
    assert!(
        table.contains("adm\\u{200b}in\\u{200d}\\u{2060}\\u{feff}"),
        "{table}"
    );
    assert!(table.contains("user\\u{e0049}\\u{e0047}\\u{e004e}"));
    // JSON keeps the exact value, every invisible character escaped (a surrogate pair
    // beyond U+FFFF), and stays valid.
    let jsonl = run(&["scan", "--format", "jsonl", path(HOSTILE).to_str().unwrap()]);
    assert!(jsonl.contains("adm\\u200bin\\u200d\\u2060\\ufeff\\u2028\\u2029end"));
    assert!(jsonl.contains("user\\udb40\\udc49\\udb40\\udc47\\udb40\\udc4e"));
    let names: BTreeSet<String> = jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["AccountDisplayName"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(names.contains("adm\u{200b}in\u{200d}\u{2060}\u{feff}\u{2028}\u{2029}end"));
    assert!(names.contains("user\u{e0049}\u{e0047}\u{e004e}"));
}

/// A flagged CloudAppEvents record (one JSON line) of the account `name` (its own object id
/// and event id from `id`, a second apart), done by `actor`.
pub(crate) fn account_line_by(name: &str, actor: &str, id: u32) -> String {
    serde_json::json!({
        "Timestamp": format!("2025-10-01T14:00:0{id}Z"),
        "ActionType": "Update StsRefreshTokenValidFrom Timestamp.",
        "AccountObjectId": format!("oid-{id}"), "AccountDisplayName": name,
        "IPAddress": "198.51.100.1", "IsAnonymousProxy": false, "ISP": "Contoso",
        "RawEventData": {"Id": format!("e{id}"),
            "ModifiedProperties": [{"Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\"2025-09-01T00:00:00Z\"]", "NewValue": "[\"2025-10-01T14:00:00Z\"]"}],
            "Actor": [{"ID": actor, "Type": 5}, {"ID": "User", "Type": 2}]}
    })
    .to_string()
}

/// `account_line_by` of an account acting on itself.
fn account_line(name: &str, id: u32) -> String {
    account_line_by(name, name, id)
}

/// A file of one flagged record per name, in order (ids from 1), done by `actor`.
pub(crate) fn accounts_file(
    dir: &Path,
    file: &str,
    names: &[&str],
    actor: impl Fn(&str) -> String,
) -> PathBuf {
    let path = dir.join(file);
    let lines: Vec<String> = (1..)
        .zip(names)
        .map(|(i, n)| account_line_by(n, &actor(n), i))
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

/// Every one of `shown` (escaped forms) is in `text`, and no raw dangerous character (line
/// feeds aside): `what` names the characters, `at` where the text was read.
fn assert_escaped(text: &str, shown: &[&str], what: &str, at: &str) {
    for s in shown {
        assert!(text.contains(s), "{at}: {s} not shown in\n{text}");
    }
    assert!(
        !text.chars().any(|c| is_dangerous(c) && c != '\n'),
        "{at}: a raw {what} in\n{text}"
    );
}

/// The workbench over `file` at 160×30, and what `y` copied on each of its first `rows`
/// rows from the top, joined.
pub(crate) fn copied_rows(file: &Path, rows: usize, screen: impl FnOnce(&str)) -> String {
    use sts_triage::tui::app::Effect;

    let scanned = scan_paths(&[file.to_path_buf()], &ScanOptions::default()).unwrap();
    assert_eq!(scanned.findings.len(), rows);
    let mut app = crate::support::sized(
        crate::support::workbench("j.jsonl", "analyst", scanned),
        160,
        30,
    );
    screen(&crate::support::screen(&app, 160, 30));
    crate::support::keys(&mut app, "gg");
    let mut copied = String::new();
    for _ in 0..rows {
        crate::support::keys(&mut app, "y");
        let Some(Effect::Copy { text, .. }) = app.effects.last() else {
            panic!("a copy: {:?}", app.effects)
        };
        copied.push_str(text);
        crate::support::keys(&mut app, "j");
    }
    copied
}

#[test]
fn a_look_alike_account_is_never_shown_as_the_real_one() {
    // Synthetic: the same name with a zero-width space and with a tag character.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lookalike.jsonl");
    std::fs::write(
        &file,
        [
            account_line("admin", 1),
            account_line("adm\u{200b}in", 2),
            account_line("admin\u{e0020}", 3),
            account_line("ad\u{ad}min", 4),
        ]
        .join("\n"),
    )
    .unwrap();
    let csv = run(&["scan", "--format", "csv", file.to_str().unwrap()]);
    let names: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        names.iter().filter(|n| **n == "admin").count(),
        1,
        "only the real account reads `admin`: {names:?}"
    );
    for shown in ["adm\\u{200b}in", "admin\\u{e0020}", "ad\\xadmin"] {
        assert!(names.contains(&shown), "{shown} in {names:?}");
    }
}

/// Variation selectors (U+FE0F, U+E0100) make a name look like another on screen and in
/// copies: the workbench's table, the rows copied with `y` and the report show them escaped,
/// so only the real account reads `admin` (JSON keeps the exact value, escaped).
#[test]
fn variation_selectors_are_shown_in_the_table_the_copy_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["admin", "admin\u{fe0f}", "ad\u{e0100}min", "adm\u{fe00}in"];
    let file = accounts_file(dir.path(), "selectors.jsonl", &names, str::to_owned);
    let shown = ["admin\\u{fe0f}", "ad\\u{e0100}min", "adm\\u{fe00}in"];
    let only_one_admin = |text: &str, at: &str| assert_escaped(text, &shown, "selector", at);

    let copied = copied_rows(&file, 4, |screen| only_one_admin(screen, "table"));
    assert_eq!(copied.matches("`admin`").count(), 1, "{copied}");
    only_one_admin(&copied, "y");
    let md = run(&["report", "-q", file.to_str().unwrap()]);
    assert_eq!(md.matches("`admin`").count(), 1, "{md}");
    only_one_admin(&md, "report");
    let json = run(&["report", "-q", "--format", "json", file.to_str().unwrap()]);
    assert!(
        json.contains("admin\\ufe0f") && json.contains("ad\\udb40\\udd00min"),
        "{json}"
    );
}

/// Look-alike spaces (U+00A0, U+202F, U+2007, U+2800, U+3000) make `Contoso Admin` of
/// another name: the table, `y` and the report show them escaped and the rows raise `ctrl`.
#[test]
fn look_alike_spaces_are_shown_in_the_table_the_copy_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "Contoso Admin",
        "Contoso\u{a0}Admin",
        "Contoso\u{202f}Admin",
        "Contoso\u{2007}Admin",
        "Contoso\u{2800}Admin",
        "Contoso\u{3000}Admin",
    ];
    let file = accounts_file(dir.path(), "spaces.jsonl", &names, |_| {
        "admin@contoso.com".to_owned()
    });
    let shown = [
        "Contoso\\xa0Admin",
        "Contoso\\u{202f}Admin",
        "Contoso\\u{2007}Admin",
        "Contoso\\u{2800}Admin",
        "Contoso\\u{3000}Admin",
    ];
    let each_escaped = |text: &str, at: &str| assert_escaped(text, &shown, "look-alike space", at);

    let copied = copied_rows(&file, 6, |screen| {
        each_escaped(screen, "table");
        assert_eq!(screen.matches("ctrl").count(), 5, "{screen}");
    });
    assert_eq!(copied.matches("`Contoso Admin`").count(), 1, "{copied}");
    each_escaped(&copied, "y");
    let md = run(&["report", "-q", file.to_str().unwrap()]);
    each_escaped(&md, "report");
}
