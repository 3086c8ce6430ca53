#![allow(clippy::panic, clippy::unwrap_used)]
//! Small faults testers found in the workbench, each driven through the keymap without a
//! terminal: a note written from the drill-down, the Hints column at wide screens, a filter
//! on a row of several targets, and what an undo over rows decided differently restores.

use ratatui::crossterm::event::KeyCode;

use sts_triage::journal::Verdict;
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay};
use sts_triage::tui::columns::{Column, finding};

use crate::support::{keys, press, scan, screen, sized, workbench};

const SAMPLE: &str = "assets/samples/cloudappevents-ah-api.jsonl";

fn app_of(path: &str, w: u16, h: u16) -> App {
    sized(
        workbench("j.sts-triage.jsonl", "analyst", scan(&[path])),
        w,
        h,
    )
}

fn current_key(app: &App) -> String {
    let t = app.table();
    t.items[t.current().unwrap()].key.clone()
}

/// `n` in the drill-down is the search's next match once a search is made there (before,
/// the note, as in the table: the footer names `n`); `a` writes the row's note there too.
#[test]
fn a_note_is_written_from_the_drill_down() {
    let mut app = app_of(SAMPLE, 160, 45);
    let key = current_key(&app);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    let footer = screen(&app, 160, 45);
    assert!(footer.contains(" n  note "), "{footer}");
    keys(&mut app, "a");
    keys(&mut app, "helpdesk ticket 4711");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.decision(&key).note, "helpdesk ticket 4711");
    // The drill-down stays open on the same row.
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    // `n` is still the next match.
    keys(&mut app, "/Operation");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "n");
    assert!(app.prompt.is_none());
    assert_eq!(app.decision(&key).note, "helpdesk ticket 4711");
    // The help, opened from the drill-down, names the key under the raw events.
    app.apply(Action::Resize {
        width: 160,
        height: 400,
    });
    press(&mut app, KeyCode::Char('?'));
    let help = screen(&app, 160, 400);
    let raw = help.find("Raw events").unwrap();
    let lists = help.find("Lists (").unwrap();
    assert!(
        help[raw..lists]
            .lines()
            .any(|l| l.contains(" a  edit the note")),
        "{help}"
    );
}

/// At 160 columns and wider the Hints column shows a row's hints whole (it was cut to
/// `back far app …`); the Target and the Actor come once the hints have their width.
#[test]
fn the_hints_column_gets_its_width_on_wide_screens() {
    let mut app = sized(
        workbench("j.sts-triage.jsonl", "analyst", scan(&["assets/samples"])),
        160,
        60,
    );
    let rows = app.findings.items.len();
    let longest = (0..rows)
        .map(|i| app.cell(&app.findings, i, finding(Column::Hint)))
        .max_by_key(|h| h.chars().count())
        .unwrap();
    assert!(longest.chars().count() > 14, "{longest}");
    for w in [160, 200] {
        app.apply(Action::Resize {
            width: w,
            height: 60,
        });
        let columns = app.table().columns;
        let hints = app
            .drawn_columns(app.table())
            .into_iter()
            .position(|i| columns[i] == Column::Hint);
        assert!(hints.is_some(), "{w}: no Hints column");
        let drawn = sts_triage::tui::columns::fit(columns, w);
        let (_, width) = drawn
            .iter()
            .find(|&&(i, _)| columns[i] == Column::Hint)
            .unwrap();
        assert!(
            usize::from(*width) >= longest.chars().count(),
            "{w}: {width}"
        );
        // On screen (every row of the samples is drawn at this height).
        assert!(rows < 50, "{rows} rows");
        let s = screen(&app, w, 60);
        assert!(
            s.contains(&format!(" {longest} ")),
            "{w}: {longest:?} not whole in\n{s}"
        );
    }
}

/// `target:"10 users"` is the table's summary of a bulk row, no target's name: it matches no
/// row; one of the ten users matches the bulk row.
#[test]
fn a_target_filter_reads_the_targets_not_the_summary() {
    let mut app = app_of(SAMPLE, 160, 45);
    let bulk = (0..app.findings.items.len())
        .map(|i| app.cell(&app.findings, i, finding(Column::Target)))
        .find(|c| c.starts_with("10 users: "))
        .expect("the responder's bulk row");
    let one = bulk["10 users: ".len()..]
        .split(", ")
        .nth(3)
        .unwrap()
        .to_owned();
    keys(&mut app, "/target:\"10 users\"");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.findings.order.len(), 0, "{}", app.status);
    press(&mut app, KeyCode::Esc);
    keys(&mut app, &format!("/target:{one}"));
    press(&mut app, KeyCode::Enter);
    assert!(!app.findings.order.is_empty(), "{one}");
    let at = app.findings.current().unwrap();
    assert!(
        app.cell(&app.findings, at, finding(Column::Target))
            .contains(&one)
    );
    press(&mut app, KeyCode::Esc);
    keys(&mut app, &format!("/target:={one}"));
    press(&mut app, KeyCode::Enter);
    assert!(!app.findings.order.is_empty(), "exact: {one}");
}

/// An undo of one verdict over rows decided differently before says what each went back to
/// (it said `undone: 4 decision(s)`).
#[test]
fn an_undo_over_mixed_earlier_decisions_says_what_it_restored() {
    let mut app = app_of("tests/fixtures/workbench.jsonl", 160, 45);
    keys(&mut app, "gg");
    keys(&mut app, "2"); // row 1 legitimate, the cursor moves on
    keys(&mut app, "1"); // row 2 suspicious
    keys(&mut app, "gg");
    for _ in 0..4 {
        press(&mut app, KeyCode::Char(' '));
    }
    let before: Vec<Verdict> = (0..4)
        .map(|i| {
            app.decision(&app.findings.items[app.findings.order[i]].key)
                .verdict
        })
        .collect();
    assert_eq!(
        before.iter().filter(|v| **v == Verdict::Unreviewed).count(),
        2,
        "{before:?}"
    );
    keys(&mut app, "1");
    keys(&mut app, "u");
    assert!(
        app.status.starts_with(
            "undone: suspicious on 4 rows (back to 2 unreviewed, 1 suspicious, 1 legitimate)"
        ),
        "{}",
        app.status
    );
    let after: Vec<Verdict> = (0..4)
        .map(|i| {
            app.decision(&app.findings.items[app.findings.order[i]].key)
                .verdict
        })
        .collect();
    assert_eq!(after, before);
}
