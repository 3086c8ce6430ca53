#![allow(clippy::panic, clippy::unwrap_used)]

//! Typed text never changes a verdict unsaid. A newcomer pressed `n` in the drill-down for
//! a note (the table's key), typed `helpdesk reset + revoke, ticket 4411` and each `1` ran
//! as the verdict key over their own `legitimate`, the status saying only `saved ✓ 1
//! decision` (newbie14b #3); `2` on a colleague's `suspicious` replayed at start replaced
//! it with no word either (#5).

use std::collections::HashMap;

use ratatui::crossterm::event::KeyCode;
use sts_triage::journal::{Decision, Verdict};
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Prompt};

use super::{current_account, journal_entries, report};
use crate::support::{keys, press, sized};

/// The fixture's workbench at 80x24, the first row decided by `by` as `verdict` in an
/// earlier session (replayed at start); the cursor on that row.
fn decided_before(verdict: Verdict, by: &str) -> App {
    let report = report();
    let key = report.findings[0].row.key();
    let mut decisions = HashMap::new();
    decisions.insert(
        key,
        Decision {
            verdict,
            analyst: by.to_owned(),
            time: "2026-12-01T10:00:00.000Z".to_owned(),
            ..Decision::default()
        },
    );
    let mut app = sized(
        App::new("j", "analyst", decisions).with_report(report),
        80,
        24,
    );
    let key = app.findings.items[0].key.clone();
    let at = app
        .table()
        .order
        .iter()
        .position(|&i| app.table().items[i].key == key)
        .unwrap();
    keys(&mut app, "g");
    for _ in 0..at {
        keys(&mut app, "j");
    }
    assert_eq!(
        app.table().items[app.table().order[app.table().cursor]].key,
        key
    );
    app
}

/// The journal's answer to every write asked for so far.
fn saved(app: &mut App) {
    let keys: Vec<String> = journal_entries(app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys });
}

#[test]
fn n_in_the_drill_down_opens_the_note_until_a_search_is_made() {
    let mut app = decided_before(Verdict::Legitimate, "analyst");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "n");
    assert!(
        matches!(app.prompt, Some(Prompt::Note { .. })),
        "n with no search here is the note, as in the table"
    );
    keys(&mut app, "helpdesk reset + revoke, ticket 4411");
    press(&mut app, KeyCode::Enter);
    let entries = journal_entries(&mut app);
    assert_eq!(
        entries.len(),
        1,
        "one note, no verdict key run: {entries:?}"
    );
    assert_eq!(entries[0].1, Verdict::Legitimate, "the verdict kept");
    assert_eq!(entries[0].2, "helpdesk reset + revoke, ticket 4411");
    // After a search, n is the next match (vim), and opens no prompt.
    keys(&mut app, "/");
    keys(&mut app, "Timestamp");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "n");
    assert!(app.prompt.is_none(), "n after a search is the next match");
    assert!(app.status.contains("Timestamp: match"), "{}", app.status);
}

#[test]
fn a_digit_that_changes_the_analysts_own_verdict_says_what_it_replaced() {
    let mut app = decided_before(Verdict::Legitimate, "analyst");
    let account = current_account(&app);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    assert!(
        app.status
            .starts_with("suspicious (was legitimate) · saving…"),
        "{}",
        app.status
    );
    saved(&mut app);
    assert!(
        app.status
            .starts_with("suspicious (was legitimate) · saved ✓ to j"),
        "said with its save: {}",
        app.status
    );
    // The same verdict again replaces nothing: no "was".
    keys(&mut app, "1");
    saved(&mut app);
    assert!(
        app.status.starts_with("saved ✓ 1 decision"),
        "{}",
        app.status
    );
    // In the table too.
    press(&mut app, KeyCode::Esc);
    assert_eq!(current_account(&app), account);
    keys(&mut app, "2");
    assert!(
        app.status
            .starts_with("legitimate (was suspicious) · saving…"),
        "{}",
        app.status
    );
}

#[test]
fn overturning_a_colleagues_replayed_verdict_names_the_colleague() {
    let mut app = decided_before(Verdict::Suspicious, "colleague");
    keys(&mut app, "2");
    saved(&mut app);
    assert!(
        app.status
            .starts_with("legitimate (was suspicious by colleague) · saved ✓ to j"),
        "{}",
        app.status
    );
    // Unreviewed is no verdict: deciding an unreviewed row says nothing of it.
    keys(&mut app, "2");
    saved(&mut app);
    assert!(
        app.status.starts_with("saved ✓ 1 decision"),
        "{}",
        app.status
    );
}
