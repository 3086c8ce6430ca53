#![allow(clippy::panic, clippy::unwrap_used)]
//! The target's warnings of the why panel reach the row (newbie 14b, finding 1): a record
//! whose `ObjectId` and `Target[]` name different users, and a target UPN the loaded data
//! names with two object ids, give the row's ⚠, `flag:lookalike`, the `lookalike` hint and
//! its reason in the JSON report, and the words in the Markdown report's Context cell. An
//! analyst triaging from the table, or a lead reading only the report, sees the doubt.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;
use serde_json::{Value, json};
use sts_triage::tui::app::{App, View};
use sts_triage::tui::columns::{Column, finding};

use crate::id_only::{UAL_STS_OP, entra, ual, write_lines, write_page};
use crate::support::context::json_report;
use crate::support::{keys, press, stdout_of};

const MEGAN: &str = "megan.bowen@contoso.onmicrosoft.com";
const MEGAN_ID: &str = "04c819a0-37de-52ad-bb16-408c476e160f";
const OTHER_ID: &str = "55555555-5555-5555-5555-555555555555";

const DIFFER: &str = "ObjectId and Target[] name different users (a forged or misread record; the drill-down names both)";

/// The revocation of megan by UAL record `n` (ObjectId megan's UPN, Target[] her id and
/// `upn_entry` as its UPN entry).
fn revocation(n: u32, upn_entry: &str) -> Value {
    let mut r = ual(n, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID);
    r["Target"][2]["ID"] = json!(upn_entry);
    r
}

/// The workbench over `dir` (hints made), the flagged rows' ⚠ cells by account, and the
/// accounts `flag:lookalike` keeps.
fn flags_of(dir: &Path) -> (App, Vec<String>, usize) {
    let mut app = crate::support::loaded(&[dir.to_path_buf()]);
    let flag = finding(Column::Flag);
    let marks = app
        .findings
        .order
        .iter()
        .map(|&i| app.findings.items[i].cells[flag].to_string())
        .collect();
    keys(&mut app, "/flag:lookalike");
    press(&mut app, KeyCode::Enter);
    let kept = app.findings.order.len();
    press(&mut app, KeyCode::Esc);
    (app, marks, kept)
}

/// The JSON report's only row's `hints` and `lookalike`.
fn json_row(dir: &Path) -> (Vec<String>, Value) {
    let report = json_report(dir);
    let rows = report["findings"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report:#}");
    let hints = rows[0]["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    (hints, rows[0]["lookalike"].clone())
}

/// The Markdown report's table line of the row naming `account`.
fn markdown_row(dir: &Path, needle: &str) -> String {
    let md = stdout_of(&["report", "-q", "--format", "md", dir.to_str().unwrap()]);
    md.lines()
        .find(|l| l.starts_with("| 20") && l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle}:\n{md}"))
        .to_owned()
}

#[test]
fn object_id_and_target_entries_naming_two_users_mark_the_row_and_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    write_lines(
        &dir.path().join("ual.jsonl"),
        &[revocation(1, "ceo@contoso.onmicrosoft.com")],
    );
    let (app, marks, kept) = flags_of(dir.path());
    assert_eq!(marks, ["⚠"], "the row's ⚠");
    assert_eq!(kept, 1, "flag:lookalike keeps the row");
    // On screen at 80x24, the row's ⚠ beside it.
    let shown = crate::support::screen(&app, 80, 24);
    assert!(
        shown
            .lines()
            .any(|l| l.contains('⚠') && l.contains("evil@")),
        "{shown}"
    );
    let (hints, lookalike) = json_row(dir.path());
    assert!(hints.contains(&"lookalike".to_owned()), "{hints:?}");
    assert_eq!(lookalike, json!(format!("target {MEGAN}: {DIFFER}")));
    let row = markdown_row(dir.path(), MEGAN);
    assert!(
        row.contains(&format!("; target {MEGAN}: {DIFFER}`")),
        "the Context cell says it: {row}"
    );
    assert!(row.contains("lookalike"), "{row}");

    // The same record whose entries name megan: nothing.
    let agree = tempfile::tempdir().unwrap();
    write_lines(&agree.path().join("ual.jsonl"), &[revocation(1, MEGAN)]);
    let (_, marks, kept) = flags_of(agree.path());
    assert_eq!((marks, kept), (vec![String::new()], 0));
    let (hints, lookalike) = json_row(agree.path());
    assert!(!hints.contains(&"lookalike".to_owned()), "{hints:?}");
    assert_eq!(lookalike, Value::Null);
    assert!(!markdown_row(agree.path(), MEGAN).contains("ObjectId and Target[]"));
}

/// A CloudAppEvents export (the Defender portal's CSV) whose RawEventData's ObjectId names
/// `second.victim@` and its Target[] `victim.user@`: the newcomer's case.
#[test]
fn a_cloudappevents_row_whose_raw_event_names_two_targets_is_marked() {
    let file = PathBuf::from("tests/formats/defender-portal-dayfirst.csv");
    let mut app = crate::support::loaded(std::slice::from_ref(&file));
    let flag = finding(Column::Flag);
    let account = finding(Column::Account);
    let marked: Vec<String> = app
        .findings
        .order
        .iter()
        .map(|&i| &app.findings.items[i])
        .filter(|it| it.cells[flag] == *"⚠")
        .map(|it| it.cells[account].to_string())
        .collect();
    assert_eq!(marked, ["Token Helper App"]);
    keys(&mut app, "/flag:lookalike");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.findings.order.len(), 1);
    assert_eq!(app.view, View::Findings);
    let row = markdown_row(&file, "Token Helper App");
    assert!(
        row.contains(&format!("target second.victim@contoso.example: {DIFFER}")),
        "{row}"
    );
    assert!(row.contains("`back far app lookalike first`"), "{row}");
}

#[test]
fn a_target_upn_named_with_another_object_id_marks_the_row_in_ual_and_entra_alike() {
    let reset_ual = ual(21, "08:40:00", "Reset user password.", MEGAN, OTHER_ID);
    let reset_entra = entra(
        5,
        "08:40:00",
        "Reset user password",
        json!("evil@contoso.onmicrosoft.com"),
        json!(MEGAN),
        OTHER_ID,
    );
    for (ual_others, entra_records) in [(vec![reset_ual], vec![]), (vec![], vec![reset_entra])] {
        let dir = tempfile::tempdir().unwrap();
        let mut records = vec![revocation(30, MEGAN)];
        records.extend(ual_others);
        write_lines(&dir.path().join("ual.jsonl"), &records);
        if !entra_records.is_empty() {
            write_page(&dir.path().join("entra.json"), &entra_records);
        }
        let (_, marks, kept) = flags_of(dir.path());
        assert_eq!((marks, kept), (vec!["⚠".to_owned()], 1));
        let (hints, lookalike) = json_row(dir.path());
        assert!(hints.contains(&"lookalike".to_owned()), "{hints:?}");
        let said = lookalike.as_str().unwrap();
        assert!(
            said.starts_with(&format!(
                "target {MEGAN}: same UPN, another object id in the loaded data: "
            )) && said.contains(MEGAN_ID)
                && said.contains(OTHER_ID)
                && said.ends_with("(a re-created account, or a forged record)"),
            "{said}"
        );
        let row = markdown_row(dir.path(), MEGAN);
        assert!(row.contains(&format!("; {said}`")), "{row}");
    }

    // Megan's own id everywhere, and an Entra record naming her by id alone: nothing.
    let dir = tempfile::tempdir().unwrap();
    write_lines(
        &dir.path().join("ual.jsonl"),
        &[
            revocation(30, MEGAN),
            ual(21, "08:40:00", "Reset user password.", MEGAN, MEGAN_ID),
        ],
    );
    let by_id_alone = entra(
        6,
        "08:20:00",
        "Update user",
        Value::Null,
        Value::Null,
        OTHER_ID,
    );
    write_page(&dir.path().join("entra.json"), &[by_id_alone]);
    let (_, marks, kept) = flags_of(dir.path());
    assert_eq!((marks, kept), (vec![String::new()], 0));
    assert_eq!(json_row(dir.path()).1, Value::Null);
}
