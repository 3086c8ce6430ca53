#![allow(clippy::panic, clippy::unwrap_used)]
//! A UAL record whose `ObjectId` and `Target` entries name different users: no export
//! writes one, but a forged or misread record may, and the target shown is read from one of
//! them. The drill-down's why panel says so, with both values quoted and neutralised; a
//! record whose two agree (or whose entries name no user) says nothing.

use ratatui::crossterm::event::KeyCode;
use serde_json::{Value, json};
use sts_triage::tui::app::Overlay;
use sts_triage::tui::why::panel_lines_decided;

use crate::id_only::{UAL_STS_OP, ual, write_lines};
use crate::support::context::app_of;
use crate::support::{press, screen};

const MEGAN: &str = "megan.bowen@contoso.onmicrosoft.com";
const MEGAN_ID: &str = "04c819a0-37de-52ad-bb16-408c476e160f";
const OTHER_ID: &str = "66666666-6666-6666-6666-666666666666";

/// The why panel's lines of the drill-down opened on the only row (unwrapped), and the
/// screen at `w`×`h`.
fn why_lines(records: &[Value], w: u16, h: u16) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    write_lines(&dir.path().join("ual.jsonl"), records);
    let mut app = app_of(dir.path(), w, h);
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("no drill-down")
    };
    // Unwrapped (the screen wraps them to the panel).
    let width = 1000;
    let lines = panel_lines_decided(
        &app.report,
        d.events[0],
        &d.hints,
        "",
        None,
        &d.doc.notes,
        width,
    )
    .into_iter()
    .map(|(_, _, l)| l)
    .collect();
    (lines, screen(&app, w, h))
}

#[test]
fn object_id_and_target_entries_naming_two_users_are_said_with_both_values() {
    // ObjectId names megan, the entries another UPN (and megan's id).
    let mut upn = ual(1, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID);
    upn["Target"][2]["ID"] = json!("ceo\u{1b}[31m@contoso.onmicrosoft.com");
    // ObjectId is megan's object id, the entries another user's `User_<id>`.
    let mut id = ual(2, "09:00:30", UAL_STS_OP, MEGAN_ID, OTHER_ID);
    id["Target"].as_array_mut().unwrap().pop();
    let cases = [
        (
            upn,
            format!(
                "⚠ ObjectId and Target[] name different targets: ObjectId \"{MEGAN}\", Target[] \"ceo\\u001b[31m@contoso.onmicrosoft.com\""
            ),
        ),
        (
            id,
            format!(
                "⚠ ObjectId and Target[] name different targets: ObjectId \"{MEGAN_ID}\", Target[] \"User_{OTHER_ID}\""
            ),
        ),
    ];
    for (record, said) in cases {
        let (lines, shown) = why_lines(&[record], 200, 45);
        let joined = lines.join("\n");
        assert!(
            lines[1].starts_with(&said),
            "under the parties line:\n{joined}"
        );
        assert!(
            lines[1].ends_with("the target shown is read from one of them)"),
            "{joined}"
        );
        assert!(
            shown.contains("⚠ ObjectId and Target[] name different targets"),
            "{shown}"
        );
        // Neutralised: no escape reaches the screen.
        assert!(!shown.contains('\u{1b}'));
    }
}

#[test]
fn object_id_and_target_entries_that_agree_say_nothing() {
    // The usual record: ObjectId the UPN, the entries `User_<id>`, `User` and the UPN.
    let usual = ual(1, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID);
    // ObjectId the object id, the entries that id (another case).
    let mut by_id = ual(
        2,
        "09:00:30",
        UAL_STS_OP,
        MEGAN_ID,
        &MEGAN_ID.to_uppercase(),
    );
    by_id["Target"].as_array_mut().unwrap().pop();
    // Entries that name no user (an app's id): nothing to compare.
    let mut app_target = ual(3, "09:00:30", UAL_STS_OP, MEGAN_ID, MEGAN_ID);
    app_target["Target"] = json!([{"ID": "00000003-0000-0000-c000-000000000000", "Type": 0}]);
    for record in [usual, by_id, app_target] {
        let (lines, shown) = why_lines(&[record], 80, 24);
        assert!(
            !lines.iter().any(|l| l.contains("ObjectId and Target[]")),
            "{lines:#?}"
        );
        assert!(!shown.contains("name different targets"), "{shown}");
    }
}
