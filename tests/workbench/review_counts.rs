#![allow(clippy::panic, clippy::unwrap_used)]
//! Counts mean what they say (issue 9): in the near-miss view the header counts the near
//! misses' verdicts, and the summary printed at the end names the near-miss decisions too.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, View};
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::{Theme, draw};

fn app() -> App {
    let report = scan_paths(
        &[PathBuf::from("tests/fixtures/workbench.jsonl")],
        &ScanOptions::default(),
    )
    .unwrap();
    let mut app = App::new("j.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report);
    app.apply(Action::Resize {
        width: 80,
        height: 24,
    });
    app
}

fn header(app: &App) -> String {
    let keymap = Keymap::default_map().unwrap();
    let mut t = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    t.draw(|f| draw(f, app, &keymap, Theme { color: false }))
        .unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.width).map(|x| buf[(x, 0)].symbol()).collect()
}

/// The journal's answer to every write so far.
fn saved(app: &mut App) {
    let keys: Vec<String> = app.unsaved.iter().cloned().collect();
    app.effects.clear();
    app.apply(Action::Saved { keys });
}

#[test]
fn the_near_miss_view_counts_the_near_misses_verdicts() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    saved(&mut app);
    assert!(
        header(&app).starts_with("reviewed 1/7 · susp 1 · legit 0 │ flagged 7 · near misses 3"),
        "{}",
        header(&app)
    );
    app.apply(Action::Intent(Intent::ToggleNearMisses));
    assert_eq!(app.view, View::NearMisses);
    assert!(
        header(&app).starts_with("near misses reviewed 0/3 · suspicious 0 · legitimate 0"),
        "{}",
        header(&app)
    );
    app.apply(Action::Intent(Intent::MarkLegitimate));
    app.apply(Action::Intent(Intent::MarkLegitimate));
    saved(&mut app);
    let h = header(&app);
    assert!(
        h.starts_with(
            "near misses reviewed 2/3 · suspicious 0 · legitimate 2 │ flagged reviewed 1/7"
        ),
        "{h}"
    );
    // Back on the flagged rows, their counts, unchanged by the near-miss decisions.
    app.apply(Action::Intent(Intent::ToggleNearMisses));
    assert!(
        header(&app).starts_with("reviewed 1/7 · susp 1 · legit 0 │ flagged 7 · near misses 3"),
        "{}",
        header(&app)
    );
}

#[test]
fn the_quit_summary_names_the_near_miss_decisions() {
    let mut app = app();
    assert_eq!(
        app.quit_summary(false),
        "sts-triage: reviewed 0/7; near misses reviewed 0/3 (suspicious 0, legitimate 0); no decision made, no journal written"
    );
    app.apply(Action::Intent(Intent::MarkLegitimate));
    app.apply(Action::Intent(Intent::ToggleNearMisses));
    app.apply(Action::Intent(Intent::MarkSuspicious));
    saved(&mut app);
    assert_eq!(
        app.quit_summary(true),
        "sts-triage: reviewed 1/7 (suspicious 0, legitimate 1); near misses reviewed 1/3 (suspicious 1, legitimate 0); decisions saved in j.sts-triage.jsonl"
    );
}

#[test]
fn the_quit_summary_never_says_saved_for_decisions_a_full_disk_refused() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkLegitimate));
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let keys: Vec<String> = app.unsaved.iter().cloned().collect();
    assert_eq!(keys.len(), 2);
    let refused = keys.clone();
    app.effects.clear();
    app.apply(Action::SaveFailed {
        keys,
        error: "No space left on device (os error 28)".into(),
    });
    let line = app.quit_summary(true);
    assert!(!line.contains("decisions saved in"), "{line}");
    // Refused decisions are no review: counted apart, on quitting and in the header.
    assert!(
        line.starts_with("sts-triage: reviewed 0/7 (suspicious 0, legitimate 0);"),
        "{line}"
    );
    assert!(
        line.contains(
            "2 more decisions NOT saved (not counted above): they could not be written to j.sts-triage.jsonl"
        ),
        "{line}"
    );
    let h = header(&app);
    assert!(
        h.starts_with("reviewed 0/7 · susp 0 · legit 0 · 2 NOT SAVED │"),
        "{h}"
    );
    // Space is freed: the next decision is saved, then the two left unsaved are written, and
    // the status counts them.
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let new: Vec<String> = app
        .unsaved
        .iter()
        .filter(|k| !refused.contains(k))
        .cloned()
        .collect();
    app.effects.clear();
    app.apply(Action::Saved { keys: new });
    let pending = app
        .effects
        .iter()
        .find_map(|e| match e {
            sts_triage::tui::app::Effect::Journal(entries) => {
                Some(entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(pending.len(), 2);
    app.apply(Action::Saved { keys: pending });
    assert!(
        app.status
            .contains("and the 2 decisions not written before are saved now"),
        "{}",
        app.status
    );
    assert!(app.unsaved.is_empty());
    assert!(app.quit_summary(true).contains("decisions saved in"));
    let h = header(&app);
    assert!(h.starts_with("reviewed 3/7 · susp 1 · legit 2 │"), "{h}");
}

/// The breaker tester's finding: `q` with decisions a full disk refused quit at once and
/// lost them. Now it asks, naming how many; any other key returns; `q` or `y` quits.
#[test]
fn q_with_decisions_not_saved_asks_first_and_any_other_key_returns() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use sts_triage::tui::app::Effect;
    let keymap = Keymap::default_map().unwrap();
    let press = |app: &mut App, c: char| {
        let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        if let Some(a) = sts_triage::tui::key_to_action(app, &keymap, &ev) {
            app.apply(a);
        }
    };
    let quits = |app: &App| app.effects.iter().any(|e| matches!(e, Effect::Quit));
    let mut app = app();
    press(&mut app, '1');
    press(&mut app, '2');
    let keys: Vec<String> = app.unsaved.iter().cloned().collect();
    app.apply(Action::SaveFailed {
        keys,
        error: "No space left on device (os error 28)".into(),
    });
    app.effects.clear();
    let cursor = app.table().cursor;
    press(&mut app, 'q');
    assert!(!quits(&app), "quit without asking");
    assert!(
        app.status.starts_with(
            "quit and lose 2 decisions NOT saved? q or y quits, any other key returns"
        ) && app.status.contains("j.sts-triage.jsonl"),
        "{}",
        app.status
    );
    // Any other key returns, and does nothing else (`j` does not move the cursor).
    press(&mut app, 'j');
    assert!(!quits(&app));
    assert_eq!(app.table().cursor, cursor);
    assert!(app.status.contains("not quit: 2 decisions still NOT saved"));
    // Once returned, keys act again.
    press(&mut app, 'j');
    assert_ne!(app.table().cursor, cursor);
    for answer in ['q', 'y'] {
        press(&mut app, 'q');
        assert!(!quits(&app));
        press(&mut app, answer);
        assert!(quits(&app), "{answer} quits");
        app.effects.clear();
    }
    assert!(
        app.quit_summary(true)
            .contains("2 more decisions NOT saved")
    );
}

/// Every decision saved: `q` quits at once.
#[test]
fn q_with_every_decision_saved_quits_at_once() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let keys: Vec<String> = app.unsaved.iter().cloned().collect();
    app.apply(Action::Saved { keys });
    app.effects.clear();
    app.apply(Action::Intent(Intent::Quit));
    assert!(
        app.effects
            .iter()
            .any(|e| matches!(e, sts_triage::tui::app::Effect::Quit))
    );
}

/// Newbie13 #6: during a load the header read `flagged 1883` beside `records 1,015`: every
/// count of the header has its thousands separated, during the load and after it.
#[test]
fn every_count_of_the_header_has_its_thousands_separated() {
    use sts_triage::tui::render::Theme as T;
    let line = std::fs::read_to_string("tests/fixtures/classify.jsonl").unwrap();
    let first: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for i in 0..1_001u32 {
        let mut row = first.clone();
        let at = format!(
            "2021-03-{:02}T{:02}:{:02}:00",
            1 + i / 600,
            (i / 60) % 10,
            i % 60
        );
        row["Timestamp"] = format!("{at}Z").into();
        row["RawEventData"]["CreationTime"] = at.into();
        row["RawEventData"]["Id"] = format!("00000000-c1a5-bbbb-cccc-{i:012}").into();
        lines.push(row.to_string());
    }
    let path = dir.path().join("many.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.apply(Action::Resize {
        width: 160,
        height: 45,
    });
    sts_triage::scan::scan_paths_with(&[path], &ScanOptions::default(), &mut |m| {
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Tick);
    let drawn = |app: &App| {
        let mut t = Terminal::new(TestBackend::new(160, 45)).unwrap();
        let keymap = Keymap::default_map().unwrap();
        t.draw(|f| draw(f, app, &keymap, T { color: false }))
            .unwrap();
        let buf = t.backend().buffer().clone();
        (0..2)
            .map(|y| (0..160).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let during = drawn(&app);
    assert!(
        during.contains("reviewed 0/1,001")
            && during.contains("flagged 1,001")
            && during.contains("records 1,001"),
        "{during}"
    );
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    let after = drawn(&app);
    assert!(
        after.contains("reviewed 0/1,001")
            && after.contains("flagged 1,001")
            && after.contains("1,001 of 1,001 shown"),
        "{after}"
    );
}
