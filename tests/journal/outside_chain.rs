//! A journal line outside the hash chain (no `prev` after the chain started: added by hand,
//! a colleague's merge, another tool) is applied, but never silently (trust12 #1): `report`
//! names it on stderr and in the report's header, the row it decides carries the mark in its
//! Analyst cell (JSON: `journal_line_outside_chain`), and the workbench says it on the status
//! line, in the problems view and in the row's why panel. Before, only `verify` named it.

use sts_triage::journal::{Journal, Verdict};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Overlay};

use super::verify::case;
use crate::support::{drawn, scan, text};

/// The fixture journal's third decision (the row of `workbench.jsonl:1`).
const KEY: &str = "row:a03e36c73634a531c23b7f62";

/// A chained journal of the fixture's decisions, then a line without `prev` by `carol`
/// appended by hand: (the case, that line's number).
fn with_hand_line() -> (super::verify::Case, usize) {
    let c = case();
    let mut text = std::fs::read_to_string(&c.journal).unwrap();
    let line = format!(
        r#"{{"key":"{KEY}","verdict":"suspicious","note":"merged from carol's copy","analyst":"carol","time":"2024-03-02T08:00:00.000Z","version":"0.1.0","action":"set"}}"#
    );
    text.push_str(&line);
    text.push('\n');
    std::fs::write(&c.journal, &text).unwrap();
    let n = text.lines().count();
    (c, n)
}

#[test]
fn report_names_the_line_outside_the_chain_and_marks_its_row() {
    let (c, n) = with_hand_line();
    let out = c.report("md");
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.lines()
            .any(|l| l.starts_with("sts-triage: warning: journal ")
                && l.contains(&format!("line {n} ({KEY}) outside its hash chain"))
                && l.contains("applied")),
        "{err}"
    );
    let md = String::from_utf8(out.stdout).unwrap();
    let header = md
        .lines()
        .find(|l| l.starts_with("- Journal lines outside the hash chain"))
        .unwrap_or_else(|| panic!("no header line: {md}"));
    assert!(
        header.ends_with(&format!("line {n} decides `{KEY}`")),
        "{header}"
    );
    // The row's decision is applied (suspicious, carol's note), its Analyst cell marked.
    let row = md
        .lines()
        .find(|l| l.contains("merged from carol"))
        .unwrap_or_else(|| panic!("the hand line's decision is not applied: {md}"));
    assert!(
        row.contains(&format!(
            "| `carol` (journal line {n}, outside the hash chain: not written by sts-triage) |"
        )),
        "{row}"
    );
    let suspicious = md.split("## Suspicious rows").nth(1).unwrap();
    let suspicious = suspicious.split("\n## ").next().unwrap();
    assert!(suspicious.contains("merged from carol"), "{suspicious}");
    // Only that row is marked.
    assert_eq!(md.matches("outside the hash chain: not written").count(), 1);

    let json = c.report("json");
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        v["journal"]["outside_chain"],
        serde_json::json!([{"line": n, "key": KEY}])
    );
    let rows = v["findings"].as_array().unwrap();
    let marked: Vec<_> = rows
        .iter()
        .filter(|r| !r["journal_line_outside_chain"].is_null())
        .collect();
    assert_eq!(marked.len(), 1, "{rows:#?}");
    assert_eq!(marked[0]["key"], KEY);
    assert_eq!(marked[0]["journal_line_outside_chain"], n);
    assert_eq!(marked[0]["analyst"], "carol");
}

#[test]
fn a_chained_journal_says_nothing_of_the_kind() {
    let c = case();
    let out = c.report("md");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("outside"), "{all}");
}

#[test]
fn the_workbench_says_the_line_and_marks_the_row_in_the_why_panel() {
    let (c, n) = with_hand_line();
    let (_j, replay) = Journal::open(&c.journal).unwrap();
    assert_eq!(replay.outside_chain, vec![(n, KEY.to_owned())]);
    let journal = c.journal.display().to_string();
    let warning = replay.outside_chain_warning(&journal).unwrap();
    assert!(warning.contains(&format!("line {n} ({KEY})")), "{warning}");
    let decided = &replay.decisions[KEY];
    assert_eq!(
        (decided.verdict, decided.outside_chain),
        (Verdict::Suspicious, Some(n))
    );
    let input = c.input.display().to_string();
    let mut app = App::new(&journal, "ana", replay.decisions).with_report(scan(&[&input]));
    app.apply(Action::Resize {
        width: 120,
        height: 40,
    });
    // The problems view lists it.
    app.apply(Action::Intent(Intent::Problems));
    let Overlay::Problems(view) = &app.overlay else {
        panic!("no problems view");
    };
    assert!(
        view.entries.iter().any(|e| e
            .text
            .contains(&format!("line {n} ({KEY}) outside its hash chain"))),
        "{:#?}",
        view.entries
    );
    app.apply(Action::Intent(Intent::Problems));
    // The row's why panel says who did not write its decision.
    let pos = app
        .findings
        .order
        .iter()
        .position(|&i| app.report.findings[i].row.key() == KEY)
        .unwrap();
    for _ in 0..pos {
        app.apply(Action::Intent(Intent::MoveDown));
    }
    app.apply(Action::Intent(Intent::Open));
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    let screen = text(&drawn(&app));
    assert!(
        screen.contains(&format!("▲ decided by journal line {n}, outside the hash")),
        "{screen}"
    );
    // Another row's panel says nothing of it.
    app.apply(Action::Intent(Intent::Back));
    app.apply(Action::Intent(if pos == 0 {
        Intent::MoveDown
    } else {
        Intent::MoveUp
    }));
    app.apply(Action::Intent(Intent::Open));
    assert!(!text(&drawn(&app)).contains("decided by journal line"));
}
