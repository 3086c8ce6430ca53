//! The hint pass after the load runs on a thread of its own in the event loop
//! (`App::hints_off_thread`): what the analyst sees once it is done is what the pass in
//! slices on the screen thread shows, and a key typed while it runs is answered from the
//! state as it is (the rows keep the hints last made) and stays on its row when the hints
//! arrive and the rows are ordered again.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;
use sts_triage::load::ScanOptions;
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay, View};
use sts_triage::tui::columns::{Column, finding, near_miss};

use crate::support::{keys_of, press, screen, sized};

/// Every bundled sample (rows of events from several files, context hints among them).
fn samples() -> Vec<PathBuf> {
    crate::support::export_files("assets/samples")
}

/// A workbench loaded as the event loop loads it, the hint pass after the load on its
/// own thread or in slices (the least a slice does).
fn loaded(off_thread: bool) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.hint_budget = Some(std::time::Duration::ZERO);
    app.hints_off_thread = off_thread;
    sts_triage::scan::scan_paths_with(&samples(), &ScanOptions::default(), &mut |m| {
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    sized(app, 160, 45)
}

/// Every frame's work to its end, the pass's thread waited for.
fn settle(app: &mut App) {
    loop {
        while app.has_pending_work() {
            app.apply(Action::Tick);
        }
        if !app.hints_running_off_thread() {
            return;
        }
        app.wait_for_hints();
    }
}

/// A flagged row's key, Hints cell, ⚠ cell and drill-down hints.
type RowHints = (String, String, String, Vec<String>);

/// What the analyst sees of the hints: each flagged row's Hints and ⚠ cells and its
/// drill-down's hints, each near miss's ⚠ (key, cell).
fn hints_seen(app: &App) -> (Vec<RowHints>, Vec<(String, String)>) {
    let (hint, flag) = (finding(Column::Hint), finding(Column::Flag));
    let rows = app
        .findings
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let drill: Vec<String> = app.hints_of(i).iter().map(|h| h.to_string()).collect();
            (
                item.key.clone(),
                item.cells[hint].to_string(),
                item.cells[flag].to_string(),
                drill,
            )
        })
        .collect();
    let near_flag = near_miss(Column::Flag);
    let near = app
        .near
        .items
        .iter()
        .map(|item| (item.key.clone(), item.cells[near_flag].to_string()))
        .collect();
    (rows, near)
}

#[test]
fn hints_made_off_the_screen_thread_are_those_made_in_slices_and_a_key_meanwhile_keeps_its_row() {
    let mut sliced = loaded(false);
    settle(&mut sliced);
    let want = hints_seen(&sliced);
    // Not vacuous: context hints made from the whole load are among them.
    let badges: String = want.0.iter().map(|r| format!("{} ", r.1)).collect();
    for b in ["reset", "signin", "first", "bulk"] {
        assert!(badges.contains(b), "no {b} hint in {badges}");
    }

    let mut app = loaded(true);
    let before = hints_seen(&app);
    // The next frame hands the pass to its thread; the screen says it is under way.
    while !app.hints_running_off_thread() {
        assert!(app.has_pending_work(), "the pass never went to its thread");
        app.apply(Action::Tick);
    }
    assert!(app.hints_progress().is_some());
    assert!(screen(&app, 160, 45).contains("making hints"));
    // A key meanwhile (the thread may be done or not: its hints are taken only by a
    // frame's work) is answered from the state as it is: the row below, the hints as
    // last made.
    let order = keys_of(&app, View::Findings);
    let at = app.findings.cursor;
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.findings.cursor, at + 2);
    let on = order[at + 2].clone();
    assert_eq!(
        hints_seen(&app).0.iter().map(|r| &r.1).collect::<Vec<_>>(),
        before.0.iter().map(|r| &r.1).collect::<Vec<_>>()
    );
    assert_eq!(app.findings.items[app.findings.current().unwrap()].key, on);
    // The drill-down opens meanwhile (its row's lean events made whole: the pass's
    // thread, if still running, stops and lets go of the report, and goes on later).
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.overlay, Overlay::Drill(_)),
        "the drill-down did not open: {}",
        app.status
    );
    press(&mut app, KeyCode::Esc);
    // Once the hints are taken and the rows ordered again, the cursor is on that row
    // still, and the hints are those of the pass in slices.
    settle(&mut app);
    assert!(!app.hints_running_off_thread());
    assert!(app.hints_progress().is_none());
    assert!(!screen(&app, 160, 45).contains("making hints"));
    assert_eq!(app.findings.items[app.findings.current().unwrap()].key, on);
    assert_eq!(hints_seen(&app), want);
    assert_eq!(
        keys_of(&app, View::Findings),
        keys_of(&sliced, View::Findings)
    );
}
