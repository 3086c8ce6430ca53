#![allow(clippy::panic, clippy::unwrap_used)]
//! The frequency view (`F`) counts every shown row of the focused column, with how many of
//! each value are unreviewed, suspicious and legitimate as the table shows them: after
//! marks, a bulk of them undone, and on both views and the live columns (Verdict, Note).

mod support;

use std::collections::BTreeMap;

use sts_triage::journal::Verdict;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Overlay};
use sts_triage::tui::columns::{Column, cell_values};

/// value → (count, [unreviewed, suspicious, legitimate]) from the rows' cells and decisions.
fn counted_from_the_table(app: &App) -> BTreeMap<String, (usize, [usize; 3])> {
    let t = app.table();
    let column = app.columns()[t.focus];
    let mut out: BTreeMap<String, (usize, [usize; 3])> = BTreeMap::new();
    for &item in &t.order {
        let cell = app.cell(t, item, t.focus);
        let slot = match app.decision(&t.items[item].key).verdict {
            Verdict::Unreviewed => 0,
            Verdict::Suspicious => 1,
            Verdict::Legitimate => 2,
        };
        for v in cell_values(column, &cell) {
            let e = out.entry(v.to_owned()).or_default();
            e.0 += 1;
            e.1[slot] += 1;
        }
    }
    out
}

fn shown_by_f(app: &mut App) -> BTreeMap<String, (usize, [usize; 3])> {
    app.apply(Action::Intent(Intent::Pivot));
    let Overlay::Pivot(p) = &app.overlay else {
        panic!("F opened no frequency view");
    };
    let out = p
        .rows
        .iter()
        .map(|r| (r.value.clone(), (r.count, r.by_verdict)))
        .collect();
    app.apply(Action::Intent(Intent::Back));
    out
}

#[test]
fn the_frequency_view_counts_each_value_by_the_verdicts_the_table_shows() {
    let report = support::scan(&["tests/fixtures/workbench.jsonl"]);
    let mut app = support::workbench("j.jsonl", "a", report);
    // Decisions, a note, and one undone.
    support::keys(&mut app, "1j2j1j0");
    support::keys(&mut app, "u");
    support::keys(&mut app, "kkn");
    support::keys(&mut app, "seen before");
    support::press(&mut app, ratatui::crossterm::event::KeyCode::Enter);
    assert!(
        !app.decision(&app.table().items[app.table().current().unwrap()].key)
            .note
            .is_empty()
    );
    for view in 0..2 {
        for column in [Column::Verdict, Column::Note, Column::Time] {
            // Columns drawn at this width (the near misses' Time gives way to their
            // reasons at 120 columns): the only ones the focus reaches.
            let drawn = app.drawn_columns(app.table());
            if drawn.iter().any(|&i| app.columns()[i] == column) {
                support::focus_on(&mut app, column);
                let want = counted_from_the_table(&app);
                assert_eq!(shown_by_f(&mut app), want, "{column:?}, view {view}");
            }
        }
        // Every column the focus reaches.
        for _ in 0..app.columns().len() {
            app.apply(Action::Intent(Intent::FocusLeft));
        }
        for _ in 0..app.columns().len() {
            let want = counted_from_the_table(&app);
            assert!(!want.is_empty());
            let focus = app.table().focus;
            assert_eq!(shown_by_f(&mut app), want, "column {focus}, view {view}");
            app.apply(Action::Intent(Intent::FocusRight));
        }
        support::keys(&mut app, "1m");
    }
    // Times in the local zone are counted as shown.
    support::keys(&mut app, "t");
    assert!(app.local_time);
    support::focus_on(&mut app, Column::Time);
    let want = counted_from_the_table(&app);
    assert_eq!(shown_by_f(&mut app), want, "local times");
}
