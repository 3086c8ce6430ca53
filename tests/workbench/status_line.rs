//! How long a status message stays (the rule in `tui::app::status`): it answers the action
//! that made it on the screen it was made on, and goes when the screen changes without a
//! new answer; a failed save and a question stay (newbie13 #5, newbie13b #4).

use super::*;

/// The status line as drawn at 80×24 (the screen's last line).
fn status_line(app: &App) -> String {
    let drawn = support::screen(app, 80, 24);
    drawn.lines().last().unwrap().trim_end().to_owned()
}

#[test]
fn nothing_to_undo_goes_when_the_drill_down_opens_or_moves_to_another_event() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "u");
    assert_eq!(status_line(&app), "nothing to undo");
    // Moving the cursor keeps it: the undo history is the same on every row.
    keys(&mut app, "j");
    assert_eq!(status_line(&app), "nothing to undo");
    keys(&mut app, "k");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    assert_eq!(status_line(&app), "journal: test.sts-triage.jsonl");
    // A message of the drill-down's own: whether this event has copies.
    keys(&mut app, "}");
    assert!(
        status_line(&app).contains("has no copies"),
        "{}",
        status_line(&app)
    );
    // Event 2 of the row: the message was about event 1.
    keys(&mut app, "]");
    assert_eq!(status_line(&app), "journal: test.sts-triage.jsonl");
}

#[test]
fn a_failed_copy_goes_with_the_screen_it_was_made_on() {
    for key in ["m", "p", "?"] {
        let mut app = sized(app(), 80, 24);
        keys(&mut app, "y");
        app.apply(Action::CopyFailed {
            error: "tmux's set-clipboard is off".to_owned(),
        });
        assert!(status_line(&app).starts_with("copy failed"), "{key}");
        keys(&mut app, "j");
        assert!(status_line(&app).starts_with("copy failed"), "{key}");
        keys(&mut app, key);
        let line = status_line(&app);
        assert!(!line.contains("copy failed"), "after {key}: {line}");
    }
}

#[test]
fn a_copy_said_in_the_table_is_not_said_in_the_drill_down_opened_after() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "y");
    app.apply(Action::Copied {
        path: "1 row: copied to the system clipboard".to_owned(),
        bytes: 300,
    });
    assert!(status_line(&app).starts_with("1 row: copied"));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    assert!(
        !status_line(&app).contains("copied"),
        "{}",
        status_line(&app)
    );
    // And an answer made in the drill-down goes when it closes.
    keys(&mut app, "}");
    assert!(
        status_line(&app).contains("copies"),
        "{}",
        status_line(&app)
    );
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(status_line(&app), "journal: test.sts-triage.jsonl");
}

#[test]
fn a_failed_save_stays_on_every_screen_until_replaced() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "1");
    let keys_written: Vec<String> = journaled(&mut app);
    app.apply(Action::SaveFailed {
        keys: keys_written,
        error: "No space left on device".to_owned(),
    });
    for key in ["m", "m", "?"] {
        keys(&mut app, key);
        let line = status_line(&app);
        assert!(
            line.starts_with("NOT SAVED: No space"),
            "after {key}: {line}"
        );
    }
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "p");
    assert!(status_line(&app).starts_with("NOT SAVED"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    assert!(status_line(&app).starts_with("NOT SAVED"));
    // Replaced by the next answer: the decision saved again.
    keys(&mut app, "2");
    assert!(
        status_line(&app).starts_with("saving"),
        "{}",
        status_line(&app)
    );
}

#[test]
fn a_report_being_written_is_said_again_when_a_message_goes() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "E");
    app.apply(Action::ReportProgress {
        percent: 40,
        quitting: false,
    });
    assert_eq!(status_line(&app), "writing report… 40%");
    keys(&mut app, "u");
    assert_eq!(status_line(&app), "nothing to undo");
    keys(&mut app, "m");
    assert_eq!(status_line(&app), "writing report… 40%");
    app.apply(Action::ReportProgress {
        percent: 60,
        quitting: false,
    });
    assert_eq!(status_line(&app), "writing report… 60%");
}
