//! Marking rows: verdicts and notes journaled, a selection decided as one step, undo and
//! redo, decisions of an earlier session, and decisions that never reach a row the filter hides.

use super::*;

#[test]
fn marking_moves_on_journals_and_undo_redo_restore() {
    let mut app = app();
    let first = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let second = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    assert_ne!(first, second, "the cursor moved to the next row");
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let entries = journal_entries(&mut app);
    assert_eq!(
        entries,
        vec![
            (
                first.clone(),
                Verdict::Suspicious,
                String::new(),
                "set".to_owned()
            ),
            (
                second.clone(),
                Verdict::Legitimate,
                String::new(),
                "set".to_owned()
            ),
        ]
    );
    assert_eq!(app.review_counts(), (2, 7, 1, 1));
    app.apply(Action::Intent(Intent::Undo));
    assert_eq!(app.decision(&second).verdict, Verdict::Unreviewed);
    assert_eq!(journal_entries(&mut app)[0].3, "undo");
    app.apply(Action::Intent(Intent::Redo));
    assert_eq!(app.decision(&second).verdict, Verdict::Legitimate);
    assert!(
        app.unsaved.contains(&second),
        "not saved until the journal confirms"
    );
    app.apply(Action::Saved {
        keys: vec![first, second.clone()],
    });
    assert!(app.unsaved.is_empty());
    app.effects.clear();
    app.apply(Action::SaveFailed {
        keys: vec![second.clone()],
        error: "disk full".into(),
    });
    assert!(app.unsaved.contains(&second));
    assert!(app.status.contains("NOT SAVED"));
    // The next decision that saves (on the next row: the redo put the cursor on the row
    // it changed) also writes what the failure left unsaved.
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let next: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys: next });
    let retried = journal_entries(&mut app);
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].0, second);
    assert_eq!(retried[0].1, Verdict::Legitimate);
    app.apply(Action::Saved { keys: vec![second] });
    assert!(app.unsaved.is_empty());
}

#[test]
fn selection_applies_one_decision_to_many_rows_as_one_step() {
    let mut app = app();
    app.apply(Action::Intent(Intent::ToggleSelect));
    app.apply(Action::Intent(Intent::ToggleSelect));
    app.apply(Action::Intent(Intent::ToggleSelect));
    assert_eq!(app.findings.selected.len(), 3);
    app.apply(Action::Intent(Intent::MarkLegitimate));
    assert_eq!(app.review_counts(), (3, 7, 0, 3));
    assert!(app.findings.selected.is_empty());
    app.apply(Action::Intent(Intent::Undo));
    assert_eq!(
        app.review_counts(),
        (0, 7, 0, 0),
        "one undo reverts the whole selection"
    );
}

/// `u` and Ctrl+R say what they undid or redid, and keep saying it once the journal has
/// saved it (the save's own message used to replace it in the same frame).
#[test]
fn undo_and_redo_say_what_they_did() {
    let mut app = app();
    for _ in 0..3 {
        app.apply(Action::Intent(Intent::ToggleSelect));
    }
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let keys: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys: keys.clone() });
    app.apply(Action::Intent(Intent::Undo));
    assert!(
        app.status
            .starts_with("undone: suspicious on 3 rows (back to unreviewed: no decision)"),
        "{}",
        app.status
    );
    journal_entries(&mut app);
    app.apply(Action::Saved { keys: keys.clone() });
    assert!(
        app.status.starts_with(
            "undone: suspicious on 3 rows (back to unreviewed: no decision) · saved ✓"
        ),
        "{}",
        app.status
    );
    app.apply(Action::Intent(Intent::Redo));
    journal_entries(&mut app);
    app.apply(Action::Saved { keys });
    assert!(
        app.status
            .starts_with("redone: suspicious on 3 rows · saved ✓"),
        "{}",
        app.status
    );
    // A later decision's save says its own words, not the redo's: over the row's
    // suspicious, what it replaced.
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let keys: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys });
    assert!(
        app.status
            .starts_with("legitimate (was suspicious) · saved ✓ to"),
        "{}",
        app.status
    );
}

#[test]
fn notes_are_typed_and_saved() {
    let mut app = app();
    let key = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    keys(&mut app, "n");
    keys(&mut app, "revoked by helpdesk");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.decision(&key).note, "revoked by helpdesk");
    let entries = journal_entries(&mut app);
    assert_eq!(entries.last().unwrap().2, "revoked by helpdesk");
    // Esc abandons an edit.
    keys(&mut app, "nxyz");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.decision(&key).note, "revoked by helpdesk");
}

#[test]
fn near_misses_are_apart_and_can_be_marked() {
    let mut app = app();
    keys(&mut app, "m");
    assert_eq!(app.view, View::NearMisses);
    assert_eq!(app.table().order.len(), 3);
    keys(&mut app, "1");
    let entries = journal_entries(&mut app);
    assert!(
        entries[0].0.starts_with("event:"),
        "a near miss is keyed by its event id"
    );
    keys(&mut app, "m");
    assert_eq!(app.view, View::Findings);
    assert_eq!(
        app.review_counts().0,
        0,
        "near misses do not count as reviewed rows"
    );
}

#[test]
fn decisions_from_an_earlier_session_show_up() {
    let report = report();
    let key = report.findings[0].row.key();
    let mut decisions = HashMap::new();
    decisions.insert(
        key.clone(),
        Decision {
            verdict: Verdict::Legitimate,
            note: "earlier".into(),
            ..Decision::default()
        },
    );
    let app = App::new("j", "a", decisions).with_report(report);
    assert_eq!(app.review_counts(), (1, 7, 0, 1));
}

#[test]
fn a_decision_never_reaches_a_selected_row_the_filter_hides() {
    let mut app = sized(app(), 160, 45);
    // Select the first row, then filter it away and mark the row the cursor is on.
    let hidden = current_account(&app);
    keys(&mut app, " ");
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "2");
    // The analyst meant the selection: the highlighted row is another one, so nothing is
    // decided and the status says why and what to do.
    assert!(journal_entries(&mut app).is_empty(), "nothing decided");
    assert!(
        app.status.contains(
            "1 selected row is hidden by the filter: clear the filter or the selection (Esc)"
        ),
        "{}",
        app.status
    );
    assert!(
        text(&screen(&app, 160, 45, false))
            .contains("1 selected row is hidden by the filter: clear the filter or the selection"),
        "said on screen"
    );
    let helpdesk = app
        .findings
        .items
        .iter()
        .find(|i| &i.cells[1] == "helpdesk@contoso.com")
        .unwrap()
        .key
        .clone();
    assert_eq!(
        app.decision(&helpdesk).verdict,
        Verdict::Unreviewed,
        "the highlighted row is left alone"
    );
    // Neither a note nor a copy goes to the highlighted row either.
    keys(&mut app, "n");
    assert!(app.prompt.is_none(), "no note prompt");
    keys(&mut app, "y");
    assert!(
        !app.effects.iter().any(|e| matches!(e, Effect::Copy { .. })),
        "nothing copied"
    );
    assert!(app.status.contains("clear the filter or the selection"));
    let hidden_key = app
        .findings
        .items
        .iter()
        .find(|i| i.cells[1] == hidden)
        .unwrap()
        .key
        .clone();
    assert_eq!(app.decision(&hidden_key).verdict, Verdict::Unreviewed);

    // Two selected, one hidden: the key applies to the shown one only.
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "g");
    press(&mut app, KeyCode::Esc); // clears the old selection
    keys(&mut app, "  ");
    let second = app.findings.order[1];
    let second_account = app.findings.items[second].cells[1].to_owned();
    let filter: String = format!("/{}", &second_account[..4]);
    keys(&mut app, &filter);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    let decided: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    assert_eq!(decided, vec![app.findings.items[second].key.clone()]);
    assert!(
        app.status
            .contains("2 selected, 1 hidden by the filter: applied to the 1 shown"),
        "{}",
        app.status
    );
}

#[test]
fn decisions_under_a_verdict_filter_update_the_shown_rows() {
    // Wide enough that every column is drawn (focus skips hidden ones).
    let mut app = sized(app(), 200, 45);
    keys(&mut app, "v"); // unreviewed only
    assert_eq!(app.findings.order.len(), 7);
    keys(&mut app, "1");
    assert_eq!(
        app.findings.order.len(),
        6,
        "a decided row leaves the unreviewed view"
    );
    keys(&mut app, "u");
    assert_eq!(app.findings.order.len(), 7, "undo brings it back");
    // Sorting by verdict follows decisions too.
    keys(&mut app, "v");
    keys(&mut app, "v");
    keys(&mut app, "v"); // changed since decided
    keys(&mut app, "v"); // all
    focus_on(&mut app, Column::Verdict);
    app.apply(Action::Intent(Intent::Sort));
    app.apply(Action::Intent(Intent::Bottom));
    keys(&mut app, "1");
    let first = app.findings.order[0];
    assert_eq!(
        app.cell(&app.findings, first, finding(Column::Verdict)),
        "suspicious",
        "sorted by verdict: suspicious first"
    );
}

/// An undo during a full disk that returns a row to what the journal holds writes nothing
/// and leaves nothing unsaved: the row was re-stamped (`!`, `1 NOT SAVED`, and a redundant
/// `set` entry with `restores` once the disk had room).
#[test]
fn an_undo_back_to_what_the_journal_holds_writes_nothing() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let key = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    let written: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys: written });
    let held = app.decision(&key);
    app.apply(Action::Intent(Intent::MarkLegitimate));
    assert_eq!(journal_entries(&mut app).len(), 1);
    app.apply(Action::SaveFailed {
        keys: vec![key.clone()],
        error: "No space left on device".into(),
    });
    assert!(app.unsaved.contains(&key));
    app.apply(Action::Intent(Intent::Undo));
    assert_eq!(app.decision(&key), held);
    assert!(journal_entries(&mut app).is_empty(), "nothing to write");
    assert!(!app.unsaved.contains(&key), "{}", app.status);
    assert!(!app.status.contains("NOT SAVED"), "{}", app.status);
    assert!(app.status.contains("nothing to write"), "{}", app.status);
    // The next save writes its own row only: no entry re-stamps the undone one.
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let next: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    assert!(!next.contains(&key));
    app.apply(Action::Saved { keys: next });
    assert!(
        journal_entries(&mut app).is_empty(),
        "no retry of the undone row"
    );
    assert!(app.unsaved.is_empty());
}
