#![allow(clippy::panic, clippy::unwrap_used)]
//! The workbench never changes or claims what the analyst cannot see: a note goes to the row
//! its box names, an undo shows the row it changes.

use std::collections::HashMap;
use std::path::PathBuf;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Column, Prompt};

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn app() -> App {
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let mut app = App::new("j.sts-triage.jsonl", "alice", HashMap::new()).with_report(report);
    app.apply(Action::Resize {
        width: 80,
        height: 24,
    });
    app
}

fn key(app: &mut App, intent: Intent) {
    app.apply(Action::Intent(intent));
}

fn current_key(app: &App) -> String {
    let t = app.table();
    t.items[t.current().unwrap()].key.clone()
}

/// The row's time and actor as the table shows them.
fn time_and_actor(app: &App, item_key: &str) -> (String, String) {
    let t = app.table();
    let item = (0..t.items.len())
        .find(|&i| t.items[i].key == item_key)
        .unwrap();
    let cell = |c: Column| {
        let col = t.columns.iter().position(|&x| x == c).unwrap();
        app.cell(t, item, col)
    };
    (cell(Column::Time), cell(Column::Actor))
}

/// The note box: (title part, the rows it names, the keys it writes to).
fn note_box(app: &App) -> (String, String, Vec<String>) {
    match &app.prompt {
        Some(Prompt::Note {
            about, rows, keys, ..
        }) => (about.clone(), rows.clone(), keys.clone()),
        other => panic!("no note box: {other:?}"),
    }
}

#[test]
fn n_right_after_a_verdict_writes_on_the_row_just_decided_and_the_box_names_it() {
    let mut app = app();
    key(&mut app, Intent::MoveDown);
    let decided = current_key(&app);
    key(&mut app, Intent::MarkLegitimate);
    // The cursor moved on, as a single decision does.
    let next = current_key(&app);
    assert_ne!(next, decided);
    key(&mut app, Intent::EditNote);
    let (about, rows, keys) = note_box(&app);
    assert_eq!(keys, vec![decided.clone()]);
    assert_eq!(about, "the row just marked legitimate");
    let (time, actor) = time_and_actor(&app, &decided);
    assert!(!actor.is_empty());
    assert_eq!(rows, format!("{time} · {actor}"));
    app.apply(Action::Paste("helpdesk ticket 4711".into()));
    app.apply(Action::Submit);
    assert_eq!(app.decision(&decided).note, "helpdesk ticket 4711");
    assert_eq!(app.decision(&next).note, "");
}

#[test]
fn any_other_key_between_the_verdict_and_n_makes_n_the_highlighted_rows_again() {
    let mut app = app();
    key(&mut app, Intent::MarkSuspicious);
    key(&mut app, Intent::MoveDown);
    let here = current_key(&app);
    key(&mut app, Intent::EditNote);
    let (about, rows, keys) = note_box(&app);
    assert_eq!(keys, vec![here.clone()]);
    assert_eq!(about, "1 row");
    let (time, actor) = time_and_actor(&app, &here);
    assert_eq!(rows, format!("{time} · {actor}"));
}

#[test]
fn a_note_for_several_rows_names_their_count_and_the_first() {
    let mut app = app();
    key(&mut app, Intent::ToggleSelect);
    key(&mut app, Intent::ToggleSelect);
    key(&mut app, Intent::ToggleSelect);
    key(&mut app, Intent::EditNote);
    let (about, rows, keys) = note_box(&app);
    assert_eq!(keys.len(), 3);
    assert_eq!(about, "3 rows");
    let (time, actor) = time_and_actor(&app, &keys[0]);
    assert_eq!(rows, format!("first: {time} · {actor}"));
}

#[test]
fn undo_puts_the_cursor_on_the_row_it_changes() {
    let mut app = app();
    // A short screen: the bottom row and the first ones are never on one page.
    app.apply(Action::Resize {
        width: 80,
        height: 8,
    });
    key(&mut app, Intent::MoveDown);
    let decided = current_key(&app);
    key(&mut app, Intent::MarkLegitimate);
    key(&mut app, Intent::Bottom);
    assert_ne!(current_key(&app), decided);
    key(&mut app, Intent::Undo);
    assert!(
        app.status.starts_with("undone: legitimate on 1 row"),
        "{}",
        app.status
    );
    assert_eq!(current_key(&app), decided);
    let t = app.table();
    assert!(t.offset <= t.cursor && t.cursor < t.offset + app.page_rows());
    // Redo too.
    key(&mut app, Intent::Top);
    key(&mut app, Intent::Redo);
    assert_eq!(current_key(&app), decided);
}

#[test]
fn an_undo_on_a_row_the_filter_hides_names_the_row() {
    let mut app = app();
    key(&mut app, Intent::StartFilter);
    app.apply(Action::Paste("verdict:=unreviewed".into()));
    app.apply(Action::Submit);
    key(&mut app, Intent::MoveDown);
    let decided = current_key(&app);
    key(&mut app, Intent::MarkSuspicious);
    // The filter hides it now; undone, it shows again, under the cursor.
    key(&mut app, Intent::Bottom);
    key(&mut app, Intent::Undo);
    assert_eq!(current_key(&app), decided);
    // Redone, the filter hides it again: said first, with the row's time and actor.
    key(&mut app, Intent::Redo);
    assert_eq!(app.decision(&decided).verdict.label(), "suspicious");
    let (time, actor) = time_and_actor(&app, &decided);
    assert!(
        app.status.starts_with(&format!(
            "hidden by the filter: {time} · {actor} · redone: suspicious on 1 row"
        )),
        "{}",
        app.status
    );
}
