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

/// Newcomer: after `Space Space 2`, `n` opened "note for 1 row" on the cursor row, a third
/// row no verdict touched. The reason for a bulk decision belongs on the rows decided.
#[test]
fn n_right_after_a_verdict_on_selected_rows_writes_on_all_of_them() {
    let mut app = app();
    key(&mut app, Intent::MoveDown);
    key(&mut app, Intent::ToggleSelect);
    key(&mut app, Intent::ToggleSelect);
    let mut decided = app.findings.selected.iter().copied().collect::<Vec<_>>();
    decided.sort_unstable();
    let decided: Vec<String> = decided
        .iter()
        .map(|&i| app.findings.items[i].key.clone())
        .collect();
    assert_eq!(decided.len(), 2);
    key(&mut app, Intent::MarkLegitimate);
    let here = current_key(&app);
    assert!(!decided.contains(&here), "the cursor is on a third row");
    key(&mut app, Intent::EditNote);
    let (about, rows, keys) = note_box(&app);
    assert_eq!(keys, decided);
    assert_eq!(about, "the 2 rows just marked legitimate");
    let (time, actor) = time_and_actor(&app, &decided[0]);
    assert_eq!(rows, format!("first: {time} · {actor}"));
    app.apply(Action::Paste("change ticket 815".into()));
    app.apply(Action::Submit);
    for k in &decided {
        assert_eq!(app.decision(k).note, "change ticket 815");
    }
    assert_eq!(app.decision(&here).note, "");
    // Any key between: `n` is the highlighted row's again.
    key(&mut app, Intent::ToggleSelect);
    key(&mut app, Intent::MarkSuspicious);
    key(&mut app, Intent::MoveUp);
    key(&mut app, Intent::EditNote);
    let (about, _, keys) = note_box(&app);
    assert_eq!((about.as_str(), keys.len()), ("1 row", 1));
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
    // Redone, the filter hides it again: what was redone first, then the row (its time
    // and actor) and that the filter hides it.
    key(&mut app, Intent::Redo);
    assert_eq!(app.decision(&decided).verdict.label(), "suspicious");
    let (time, actor) = time_and_actor(&app, &decided);
    assert!(
        app.status.starts_with(&format!(
            "redone: suspicious on 1 row, hidden by the filter: {time} · {actor}"
        )),
        "{}",
        app.status
    );
    // At 80 columns the status line still says what and on which row (the time, the
    // actor or its start), the rest cut with `…` (it said only `hidden by the filter:
    // <time> ·…`, the same for an undo and a redo).
    let drawn = crate::support::screen(&app, 80, 24);
    let status = drawn.lines().last().unwrap().trim_end();
    let head = format!("redone: suspicious on 1 row, hidden by the filter: {time} · ");
    assert!(status.starts_with(&head), "{status}");
    let rest = status.strip_prefix(&head).unwrap();
    let named = rest.starts_with(&actor)
        || (rest.ends_with('…') && rest.len() > 3 && actor.starts_with(rest.trim_end_matches('…')));
    assert!(named, "{status} (actor {actor})");
}

/// Newbie13 #6: in the verdict view "unreviewed" an undo or redo named the row hidden
/// "by the filter", though no filter was typed: the view hides it, and says so.
#[test]
fn an_undo_on_a_row_the_verdict_view_hides_names_the_view() {
    let mut app = app();
    key(&mut app, Intent::CycleVerdictFilter);
    let decided = current_key(&app);
    key(&mut app, Intent::MarkSuspicious);
    key(&mut app, Intent::Undo);
    assert_eq!(current_key(&app), decided, "unreviewed again: shown");
    key(&mut app, Intent::Redo);
    let (time, _) = time_and_actor(&app, &decided);
    let said = format!("redone: suspicious on 1 row, hidden by the view \"unreviewed\": {time} · ");
    assert!(app.status.starts_with(&said), "{}", app.status);
    // At 80 columns: what was done, to how many rows, and what hides them.
    let drawn = crate::support::screen(&app, 80, 24);
    let status = drawn.lines().last().unwrap().trim_end();
    assert!(
        status.starts_with("redone: suspicious on 1 row, hidden by the view \"unreviewed\": 20"),
        "{status}"
    );
    // A filter typed as well, that shows the row: the view still hides it.
    key(&mut app, Intent::StartFilter);
    app.apply(Action::Paste("contoso".into()));
    app.apply(Action::Submit);
    key(&mut app, Intent::Undo);
    key(&mut app, Intent::Redo);
    assert!(app.status.starts_with(&said), "{}", app.status);
}

/// Session 1 decides the carol row (one event) and saves it; the export then gains a second
/// event of the same row (another id, the same eight values): what session 2 shows.
fn decided_then_joined() -> (tempfile::TempDir, App, String) {
    use sts_triage::journal::{self, Journal};

    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.jsonl");
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    std::fs::write(&export, &text).unwrap();
    let journal_path = dir.path().join("export.jsonl.sts-triage.jsonl");
    let scan = |p: &PathBuf| scan_paths(std::slice::from_ref(p), &ScanOptions::default()).unwrap();
    let mut first = App::new(&journal_path.display().to_string(), "alice", HashMap::new())
        .with_report(scan(&export));
    let carol = current_key(&first);
    key(&mut first, Intent::MarkLegitimate);
    let entries = crate::support::journal_effects(&mut first);
    assert_eq!(
        entries[0].events,
        Some(1),
        "the journal keeps the events seen"
    );
    let (mut j, _) = Journal::open(&journal_path).unwrap();
    j.append(&entries).unwrap();
    // The later export: the row's event again under another id.
    let line = text
        .lines()
        .find(|l| l.contains("\"2021-05-01T10:00:59Z\""))
        .unwrap();
    let id = "00000008-aaaa-bbbb-cccc-000000000000";
    assert!(line.contains(id));
    let joined = line.replace(id, "00000099-aaaa-bbbb-cccc-000000000000");
    std::fs::write(&export, format!("{text}{joined}\n")).unwrap();
    let decisions = journal::read_decisions(&journal_path).unwrap().decisions;
    let mut app = App::new(&journal_path.display().to_string(), "alice", decisions)
        .with_report(scan(&export));
    app.apply(Action::Resize {
        width: 100,
        height: 24,
    });
    (dir, app, carol)
}

fn screen(app: &App) -> String {
    crate::support::screen(app, app.width, app.height)
}

#[test]
fn a_new_event_joining_a_decided_row_is_shown_counted_listed_and_reported() {
    let (_dir, mut app, carol) = decided_then_joined();
    assert_eq!(app.decision(&carol).verdict.label(), "legitimate");
    assert_eq!(app.new_events(&carol), Some((1, 2)));
    let s = screen(&app);
    assert!(s.contains("1 row changed since decided"), "{s}");
    let row = s.lines().find(|l| l.contains("carol@contoso.com")).unwrap();
    assert!(row.starts_with('+') && row.contains("legit +1"), "{row}");
    // The verdict filter's last step lists only such rows.
    for _ in 0..4 {
        key(&mut app, Intent::CycleVerdictFilter);
    }
    assert_eq!(app.verdict_filter.label(), "changed since decided");
    assert_eq!(app.table().order.len(), 1);
    assert_eq!(current_key(&app), carol);
    // The drill-down says it first.
    key(&mut app, Intent::Open);
    let s = screen(&app);
    assert!(
        s.lines()
            .find(|l| l.starts_with("┌ event"))
            .unwrap()
            .contains("event 1/2 · 1 new event since your decision"),
        "{s}"
    );
    // The report says the same.
    let ctx = sts_triage::report::ReportContext::new(&app.report, "j.jsonl", true);
    let md = sts_triage::report::markdown_report(&app.report, &app.decisions, &ctx);
    assert!(md.contains("- Rows changed since decided: 1 "), "{md}");
    assert!(
        md.contains("| legitimate (1 new event since your decision) |"),
        "{md}"
    );
    // Deciding it again, having seen both events, clears the mark.
    key(&mut app, Intent::MarkLegitimate);
    assert_eq!(app.new_events(&carol), None);
    assert_eq!(app.changed_since_decided(), 0);
}

#[test]
fn a_large_count_of_new_events_is_read_whole_in_the_verdict_cell_at_every_width() {
    // newbie14 #1: 1718 new events read `legit +17…` at 80 and 160 columns.
    let (_dir, mut app, carol) = decided_then_joined();
    let i = app.findings.item_of(&carol).unwrap();
    for (events, want) in [(1719, "legit+1718"), (17_181, "legit +17k")] {
        std::sync::Arc::make_mut(&mut app.report).findings[i]
            .totals
            .events = events;
        assert_eq!(app.new_events(&carol), Some((1, events as u64)));
        for (w, h) in [(60, 20), (80, 24), (160, 45)] {
            let s = crate::support::screen(&app, w, h);
            let row = s
                .lines()
                .find(|l| l.starts_with('+'))
                .unwrap_or_else(|| panic!("{s}"));
            assert!(row.contains(want), "{w}x{h}: {row}");
            assert!(!row.contains("legit +1…") && !row.contains("+17…"), "{row}");
        }
    }
}

#[test]
fn while_the_first_file_loads_the_header_says_how_many_files_are_read_of_how_many() {
    let mut app = App::new("j", "a", HashMap::new());
    app.apply(Action::Resize {
        width: 160,
        height: 24,
    });
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: 100,
        names: vec!["export.jsonl".into()],
    });
    let s = screen(&app);
    let first = s.lines().next().unwrap();
    assert!(first.contains("files 0 of 1 read"), "{s}");
    assert!(!first.contains("files 0 ·"), "{s}");
    assert!(s.lines().nth(1).unwrap().contains("file 1/1"), "{s}");
}

#[test]
fn a_frequency_list_longer_than_its_box_says_more_is_below() {
    let mut app = app();
    app.apply(Action::Resize {
        width: 60,
        height: 12,
    });
    key(&mut app, Intent::Pivot);
    let s = screen(&app);
    let foot = s.lines().find(|l| l.contains('└')).unwrap();
    assert!(foot.contains("↓ more below (j) · 1–"), "{s}");
    assert!(foot.contains(" of 7"), "{s}");
    for _ in 0..7 {
        key(&mut app, Intent::MoveDown);
    }
    let s = screen(&app);
    let foot = s.lines().find(|l| l.contains('└')).unwrap();
    assert!(foot.contains("end · ") && foot.contains("–7 of 7"), "{s}");
}
