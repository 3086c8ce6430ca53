#![allow(clippy::panic, clippy::unwrap_used)]
//! Another principal under the UPN of the row's actor or target, seen only in records that
//! are no STS event (breaker 13, finding 7a: a recycled UPN, a re-created account, or a
//! forged record): the drill-down's why panel says so under the parties line, the target's
//! other object id named, whichever export names it (UAL `Target[]`, Entra
//! `targetResources`). One principal under its UPN says nothing.

use ratatui::crossterm::event::KeyCode;
use serde_json::{Value, json};
use sts_triage::tui::app::Overlay;
use sts_triage::tui::why::panel_lines_decided;

use crate::id_only::{UAL_STS_OP, entra, ual, write_lines, write_page};
use crate::support::context::app_of;
use crate::support::{press, screen};

const EVIL: &str = "evil@contoso.onmicrosoft.com";
const EVIL_ID: &str = "99999999-9999-9999-9999-999999999999";
const MEGAN: &str = "megan.bowen@contoso.onmicrosoft.com";
const MEGAN_ID: &str = "04c819a0-37de-52ad-bb16-408c476e160f";
const OTHER_ACTOR_ID: &str = "66666666-6666-6666-6666-666666666666";
const OTHER_TARGET_ID: &str = "55555555-5555-5555-5555-555555555555";

/// The revocation of megan by evil@ (its own ids), and `others` in the UAL file; `entra`
/// (if any) in an Entra page. The why panel's lines (unwrapped) and the screen at 80x24.
fn why_lines(others: &[Value], entra_records: &[Value]) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut records = vec![ual(30, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID)];
    records.extend_from_slice(others);
    write_lines(&dir.path().join("ual.jsonl"), &records);
    if !entra_records.is_empty() {
        write_page(&dir.path().join("entra.json"), entra_records);
    }
    let mut app = app_of(dir.path(), 80, 24);
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("no drill-down")
    };
    let lines = panel_lines_decided(
        &app.report,
        d.events[0],
        &d.hints,
        "",
        None,
        &d.doc.notes,
        1000,
    )
    .into_iter()
    .map(|(_, _, l)| l)
    .collect();
    (lines, screen(&app, 80, 24))
}

fn actor_line() -> String {
    format!(
        "⚠ actor {EVIL}: same UPN, another object id in the loaded data (this event's is {EVIL_ID}): a re-created account, or another principal passing for it; its records are not this actor's"
    )
}

fn target_line() -> String {
    format!(
        "⚠ target {MEGAN}: same UPN, another object id {OTHER_TARGET_ID} in the loaded data (this event's is {MEGAN_ID}): a re-created account, or a forged record"
    )
}

#[test]
fn another_object_id_under_the_actors_or_the_targets_upn_is_said() {
    // An earlier `Update user.` by evil@ under another object id, and a reset of a megan
    // under another object id.
    let mut update = ual(
        20,
        "08:50:00",
        "Update user.",
        "other@contoso.onmicrosoft.com",
        "11111111-1111-1111-1111-111111111111",
    );
    update["Actor"][1]["ID"] = json!(format!("User_{OTHER_ACTOR_ID}"));
    let reset = ual(
        21,
        "08:40:00",
        "Reset user password.",
        MEGAN,
        OTHER_TARGET_ID,
    );
    let (lines, shown) = why_lines(&[update, reset], &[]);
    assert!(lines[0].starts_with("◆ target"), "{lines:#?}");
    assert_eq!(lines[1..3], [actor_line(), target_line()], "{lines:#?}");
    // At 80x24 the panel shows them first, wrapped.
    assert!(
        shown.contains(&format!("⚠ actor {EVIL}: same UPN,")),
        "{shown}"
    );
    assert!(
        shown.contains("⚠ target megan.bowen@contoso.onmicrosoft.com: same"),
        "{shown}"
    );
}

#[test]
fn an_entra_record_naming_the_targets_upn_with_another_id_is_said_too() {
    let reset = entra(
        5,
        "08:40:00",
        "Reset user password",
        json!(EVIL),
        json!(MEGAN),
        OTHER_TARGET_ID,
    );
    let (lines, _) = why_lines(&[], &[reset]);
    assert_eq!(lines[1], target_line(), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l.starts_with("⚠ actor")),
        "{lines:#?}"
    );
}

#[test]
fn one_principal_under_each_upn_says_nothing() {
    // The same users by their own ids, and a record by evil@ without an object id.
    let update = ual(
        20,
        "08:50:00",
        "Update user.",
        "other@contoso.onmicrosoft.com",
        "11111111-1111-1111-1111-111111111111",
    );
    let reset = ual(21, "08:40:00", "Reset user password.", MEGAN, MEGAN_ID);
    let mut no_id = ual(22, "08:30:00", "Update user.", MEGAN, MEGAN_ID);
    no_id["Actor"] = json!([{"ID": EVIL, "Type": 5}]);
    let by_id_alone = entra(
        6,
        "08:20:00",
        "Update user",
        Value::Null,
        json!(MEGAN),
        MEGAN_ID,
    );
    let (lines, shown) = why_lines(&[update, reset, no_id], &[by_id_alone]);
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("same UPN, another object id")),
        "{lines:#?}"
    );
    assert!(!shown.contains("same UPN"), "{shown}");
}
