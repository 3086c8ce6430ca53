//! A drill-down opened while the load runs follows its row: its events, its title's count
//! and its hints are the row's as events join it, with `+N events since you opened it`; a
//! verdict given there covers the events it lists; Esc after the load's sort is back on
//! that row (newcomer, session 12: it stayed at `event 1/14` of a row of 100 events, without
//! its `bulk` hint, the verdict was journaled as covering 100 events, and Esc after the
//! sort landed on the new top row).

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;
use sts_triage::load::ScanMessage;
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay, View};

use crate::support::{journal_effects, keys, keys_of, loaded, press, scan_messages, screen, sized};

fn samples() -> Vec<PathBuf> {
    crate::support::export_files("assets/samples")
}

/// The drill-down open: (row key, events listed, hints).
fn drill(app: &App) -> (String, usize, Vec<String>) {
    match &app.overlay {
        Overlay::Drill(d) => (d.item_key.clone(), d.events.len(), d.hints.clone()),
        _ => panic!("no drill-down open: {}", app.status),
    }
}

/// Events the flagged row of `key` has now.
fn row_events(app: &App, key: &str) -> usize {
    let i = app.findings.item_of(key).unwrap();
    app.report.findings[i].totals.events
}

/// The row with the `bulk` hint, as the drill-down opened after the load shows it: key,
/// events, hint lines (what reads like a neighbour, which depends on the rows around it
/// when opened, left out).
fn bulk_row_after_the_load() -> (String, usize, Vec<String>) {
    let mut app = sized(loaded(&samples()), 80, 24);
    for pos in 0..app.findings.order.len() {
        app.findings.cursor = pos;
        press(&mut app, KeyCode::Enter);
        let (key, events, hints) = drill(&app);
        press(&mut app, KeyCode::Esc);
        if hints.iter().any(|h| h.starts_with("bulk")) {
            let hints = hints.into_iter().filter(|h| !h.contains('≠')).collect();
            return (key, events, hints);
        }
    }
    panic!("the samples have a bulk row")
}

/// A workbench the load has only begun (its plan taken), at 80×24.
fn loading() -> App {
    let mut app = sized(App::new("j.jsonl", "a", HashMap::new()), 80, 24);
    app.apply(Action::LoadPlan {
        files: samples().len(),
        bytes: 0,
        names: Vec::new(),
    });
    app
}

#[test]
fn a_drill_down_opened_during_the_load_follows_its_row_and_a_verdict_covers_what_it_lists() {
    let (bulk, all, after) = bulk_row_after_the_load();
    assert!(all > 2, "a row of several events: {all}");
    let mut app = loading();
    let mut opened = None;
    let mut decided = false;
    for m in scan_messages(&samples()) {
        let is_event = matches!(m, ScanMessage::Event(_));
        let before = app.findings.item_of(&bulk).map(|_| row_events(&app, &bulk));
        app.apply(Action::Scan(m));
        let Some(n) = app.findings.item_of(&bulk).map(|_| row_events(&app, &bulk)) else {
            app.apply(Action::Tick);
            continue;
        };
        if opened.is_none() {
            // Open the row as soon as it is read, as the analyst did while the gauge ran.
            app.apply(Action::Tick);
            let pos = keys_of(&app, View::Findings)
                .iter()
                .position(|k| *k == bulk)
                .unwrap();
            app.findings.cursor = pos;
            press(&mut app, KeyCode::Enter);
            assert_eq!(drill(&app).1, n);
            opened = Some(n);
            continue;
        }
        if is_event && before != Some(n) && !decided && n > opened.unwrap() + 1 {
            // An event joined since the last frame: the drill-down lists the row as drawn
            // then, and a verdict covers that: the new event is marked, never covered.
            let (_, shown, _) = drill(&app);
            assert_eq!(shown, n - 1);
            keys(&mut app, "1");
            let entries = journal_effects(&mut app);
            assert_eq!(entries.len(), 1);
            assert_eq!(entries[0].key, bulk);
            assert_eq!(entries[0].events, Some(u64::try_from(shown).unwrap()));
            let n = u64::try_from(n).unwrap();
            assert_eq!(app.new_events(&bulk), Some((n - 1, n)));
            decided = true;
        }
        app.apply(Action::Tick);
        // Each frame, the drill-down is the row's as it is.
        assert_eq!(drill(&app).1, row_events(&app, &bulk));
    }
    assert!(decided, "the row grew while its drill-down was open");
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    let opened = opened.unwrap();
    let (key, events, hints) = drill(&app);
    assert_eq!((key.as_str(), events), (bulk.as_str(), all));
    for h in &after {
        assert!(hints.contains(h), "{h:?} missing from {hints:#?}");
    }
    assert!(
        hints[0].starts_with(&format!("row of {all} events")),
        "{hints:#?}"
    );
    let drawn = screen(&app, 80, 24);
    let title = drawn.lines().find(|l| l.contains("event 1/")).unwrap();
    assert!(title.contains(&format!("event 1/{all} ")), "{drawn}");
    assert!(
        title.contains(&format!("+{} events since you opened it", all - opened))
            || title.contains(&format!("+{} event", all - opened)),
        "{drawn}"
    );
    assert!(drawn.contains("bulk"), "{drawn}");
    // Decided again from here: the verdict covers every event, and the mark is gone.
    keys(&mut app, "2");
    let entries = journal_effects(&mut app);
    assert_eq!(entries[0].events, Some(u64::try_from(all).unwrap()));
    assert_eq!(app.new_events(&bulk), None);
}

#[test]
fn esc_after_the_load_s_sort_is_back_on_the_row_the_drill_down_showed() {
    let mut app = loading();
    let mut open = None;
    for m in scan_messages(&samples()) {
        app.apply(Action::Scan(m));
        app.apply(Action::Tick);
        if open.is_none() && !app.findings.order.is_empty() {
            // The first row read, under the cursor the analyst never moved.
            press(&mut app, KeyCode::Enter);
            open = Some(drill(&app).0);
        }
    }
    let open = open.unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    let order = keys_of(&app, View::Findings);
    assert_ne!(order[0], open, "the sort moved the row from the top");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    let t = app.table();
    assert_eq!(t.items[t.current().unwrap()].key, open);
}
