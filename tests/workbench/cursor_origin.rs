//! The row under the cursor is the analyst's: typing a filter and cancelling it, or an
//! empty verdict view, never leaves the next verdict key on a row they did not pick
//! (newcomer 13's findings 1 to 3).

use super::*;

/// The flagged row under the cursor: its key.
fn current(app: &App) -> String {
    let t = app.table();
    t.items[t.current().unwrap()].key.clone()
}

/// The fixture's flagged table with the cursor moved `down` rows from the first.
fn on_row(down: usize) -> App {
    let mut app = sized(app(), 80, 24);
    for _ in 0..down {
        keys(&mut app, "j");
    }
    app
}

#[test]
fn a_filter_typed_then_cancelled_or_erased_puts_the_cursor_back_on_its_row() {
    let mut app = on_row(3);
    let row = current(&app);
    let first = shown_keys(&app)[0].clone();
    assert_ne!(row, first, "the cursor starts away from the first row");
    // A filter that hides the row: the cursor goes to the first match.
    keys(&mut app, "/zzqx");
    assert!(!shown_keys(&app).contains(&row));
    press(&mut app, KeyCode::Esc);
    assert_eq!(current(&app), row, "Esc brings the cursor back to its row");
    // Typed, then erased with Backspace: the same.
    keys(&mut app, "/zzqx");
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(shown_keys(&app).len(), 7, "every row shown again");
    assert_eq!(
        current(&app),
        row,
        "an erased filter brings the cursor back"
    );
    press(&mut app, KeyCode::Esc);
    // The next verdict key decides that row.
    keys(&mut app, "1");
    assert_eq!(journaled(&mut app), vec![row]);
}

#[test]
fn while_the_row_is_shown_by_the_filter_being_typed_the_cursor_stays_on_it() {
    let mut app = on_row(2);
    let row = current(&app);
    // A term naming no column is left out of what is applied: 7 of 7 still shown.
    keys(&mut app, "/acount:ops");
    assert_eq!(shown_keys(&app).len(), 7);
    assert_eq!(
        current(&app),
        row,
        "a filter that hides nothing moves nothing"
    );
    press(&mut app, KeyCode::Esc);
    // A filter matching the row (its own account) and others keeps it under the cursor.
    let account = current_account(&app);
    let term: String = account.chars().take(3).collect();
    keys(&mut app, &format!("/{term}"));
    assert!(shown_keys(&app).contains(&row));
    assert_eq!(current(&app), row);
    press(&mut app, KeyCode::Enter);
    assert_eq!(current(&app), row, "Enter keeps it there");
}

#[test]
fn an_empty_verdict_view_says_so_and_names_v_not_a_filter_to_clear() {
    let mut app = on_row(0);
    // Nothing decided: the `suspicious` view (two presses of v) shows no row.
    keys(&mut app, "vv");
    assert!(shown_keys(&app).is_empty());
    let s = support::screen(&app, 80, 24);
    assert!(
        s.contains("No row in the verdict view `suspicious`: press v 3 times for all rows."),
        "{s}"
    );
    assert!(!s.contains("matches the filter"), "{s}");
    // With a filter typed too, both are named, with their keys.
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    let s = support::screen(&app, 80, 24);
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "No row matches the filter in the verdict view `suspicious`; Esc clears the filter, or press v 3 times for all rows."
        ),
        "{s}"
    );
    // And the message holds: three more presses of v show every row matching the filter.
    keys(&mut app, "vvv");
    assert!(!shown_keys(&app).is_empty());
}

#[test]
fn classify_like_this_right_after_a_verdict_is_for_the_row_just_decided() {
    let mut app = on_row(1);
    let decided_account = current_account(&app);
    keys(&mut app, "2");
    // The cursor moved on to the next row, which is not decided.
    assert_ne!(current_account(&app), decided_account);
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("classify-like-this refused: {}", app.status)
    };
    assert_eq!(b.verdict, Verdict::Legitimate);
    assert_eq!(b.source, decided_account);
}
