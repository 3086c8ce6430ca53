#![allow(clippy::panic, clippy::unwrap_used)]

//! The last file's context index is prepared off the screen thread (`App::context_off_thread`,
//! as the event loop runs the workbench): sorting and indexing every record took seconds at
//! 2,000,000 events, in the one frame that took the file's end, and a key typed then waited
//! for it. Meanwhile the rows read are shown and keys answered from the state as it is; the
//! load ends once the index is back, and everything shown then equals a workbench whose
//! index was prepared in that frame.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;
use sts_triage::load::{ScanMessage, ScanOptions};
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay};

mod support;
use support::{press, screen, sized};

/// The bundled samples (several files, with sign-ins, resets and STS events of one actor).
fn samples() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("assets/samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            p.is_file()
                && !(name.ends_with(".md") || name.ends_with(".py") || name.contains(".expected."))
        })
        .collect();
    out.sort();
    out
}

/// What the loader sends for `paths`: the plan, every message of the scan, not the end.
fn messages(paths: &[PathBuf]) -> Vec<Action> {
    let mut out = vec![Action::LoadPlan {
        files: paths.len(),
        bytes: 0,
        names: paths.iter().map(|p| p.display().to_string()).collect(),
    }];
    sts_triage::scan::scan_paths_with(paths, &ScanOptions::default(), &mut |m| {
        out.push(Action::Scan(m));
    })
    .unwrap();
    out
}

/// A workbench given the loader's messages for `paths` and the load's end, `off_thread`
/// or not.
fn taken(paths: &[PathBuf], off_thread: bool, error: Option<String>) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.context_off_thread = off_thread;
    for m in messages(paths) {
        app.apply(m);
        // A frame after each message, as the event loop draws rows while they arrive; none
        // once the index is away (a frame takes it back when it is ready).
        if !app.context_preparing() {
            app.apply(Action::Tick);
        }
    }
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error });
    sized(app, 160, 45)
}

fn settle(app: &mut App) {
    app.wait_for_context();
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
}

/// Each flagged row's drill-down screen (its hints and context panel among it).
fn drill_downs(app: &mut App) -> Vec<String> {
    let mut out = Vec::new();
    for pos in 0..app.findings.order.len() {
        app.findings.cursor = pos;
        press(app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down opens on row {pos}")
        };
        out.push(format!("{:?}\n{}", d.hints, screen(app, 160, 45)));
        press(app, KeyCode::Esc);
    }
    out
}

#[test]
fn keys_are_answered_while_the_index_is_prepared_and_the_end_equals_one_made_in_one_frame() {
    let paths = samples();
    assert!(
        messages(&paths)
            .iter()
            .any(|m| matches!(m, Action::Scan(ScanMessage::FileDone(_)))),
        "the samples are read"
    );
    let mut app = taken(&paths, true, None);
    // The last file's index is away: the load has not ended, the rows read are shown and
    // the header says what is under way.
    assert!(app.context_preparing());
    assert!(!app.loading.done);
    assert!(screen(&app, 160, 45).contains("indexing and sorting"));
    let rows = app.findings.order.len();
    assert!(rows > 1);
    // A key is answered from the state as it is (no waiting for the index).
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.findings.cursor, 1);
    assert!(app.context_preparing());
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.findings.cursor, 0);
    settle(&mut app);
    assert!(!app.context_preparing());
    assert!(app.loading.done);
    assert!(!screen(&app, 160, 45).contains("indexing and sorting"));

    let mut once = taken(&paths, false, None);
    assert!(!once.context_preparing());
    settle(&mut once);
    assert_eq!(app.report.context.len(), once.report.context.len());
    assert_eq!(screen(&app, 160, 45), screen(&once, 160, 45));
    let (a, b) = (drill_downs(&mut app), drill_downs(&mut once));
    assert_eq!(a, b);
    // Not vacuous: hints read from the context index are among them.
    for badge in ["reset", "signin", "first"] {
        assert!(
            a.iter().any(|d| d.contains(&format!("\"{badge}"))),
            "no {badge} hint in {a:?}"
        );
    }
}

#[test]
fn a_load_stopped_by_an_error_says_so_once_the_index_is_back() {
    let mut app = taken(&samples(), true, Some("disk gone".to_owned()));
    assert!(!app.loading.done);
    settle(&mut app);
    assert!(app.loading.done);
    assert_eq!(app.loading.error.as_deref(), Some("disk gone"));
    assert!(screen(&app, 160, 45).contains("load stopped: disk gone"));
}
