//! The help screen and the footer: the effective keymap, and the screen help returns to.

use super::*;

#[test]
fn help_and_footer_show_the_effective_keymap() {
    let mut keymap = Keymap::default_map().unwrap();
    keymap
        .overlay(
            "[table]\n\"Q\" = \"quit\"\n\"x\" = \"mark_suspicious\"\n",
            "user.toml",
        )
        .unwrap();
    let mut app = sized(app().with_help(&keymap), 120, 40);
    let ev = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    let action = key_to_action(&app, &keymap, &ev).unwrap();
    app.apply(action);
    assert_eq!(app.review_counts().2, 1, "x marks suspicious");
    app.apply(Action::Intent(Intent::Help));
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| draw(f, &app, &keymap, Theme { color: false }))
        .unwrap();
    let screen = text(&t);
    assert!(screen.contains("1 x  mark suspicious"), "{screen}");
    let quit = keymap
        .help(sts_triage::tui::keymap::Context::Table)
        .into_iter()
        .find(|(_, desc)| *desc == "quit")
        .unwrap();
    assert_eq!(quit.0, "Q q", "both keys quit, and help lists both");
}

#[test]
fn help_returns_to_the_screen_it_was_opened_from_and_lists_every_screen() {
    let mut app = sized(app(), 80, 24);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "jjj");
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    let cursor = d.cursor;
    keys(&mut app, "?");
    assert!(matches!(app.overlay, Overlay::Help { .. }));
    press(&mut app, KeyCode::Esc);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("back in the drill-down")
    };
    assert_eq!(d.cursor, cursor);
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "?");
    // Scroll through the whole help: every screen's keys are listed.
    let mut seen = String::new();
    for _ in 0..80 {
        seen.push_str(&text(&screen(&app, 80, 24, false)));
        keys(&mut app, "j");
    }
    for needle in [
        "Raw events",
        "fold / unfold",
        "next match",
        "Lists (frequency view",
        "tick every row",
    ] {
        assert!(seen.contains(needle), "{needle} missing from help");
    }
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
}

/// The help's line for the verdict filter key names every step the key takes: pressed
/// four times, `v` shows the rows changed since decided, which the help left out.
#[test]
fn the_verdict_filter_help_names_every_step_of_the_key() {
    let keymap = Keymap::default_map().unwrap();
    let (_, desc) = keymap
        .help(sts_triage::tui::keymap::Context::Table)
        .into_iter()
        .find(|(_, desc)| desc.starts_with("show all / unreviewed"))
        .unwrap();
    let mut app = sized(app(), 120, 40);
    for _ in 0..4 {
        app.apply(Action::Intent(Intent::CycleVerdictFilter));
        let screen = text(&screen(&app, 120, 40, false));
        let shown = screen
            .split("verdicts: ")
            .nth(1)
            .and_then(|s| s.split(" · ").next())
            .unwrap()
            .trim()
            .to_owned();
        assert!(desc.contains(&shown), "{desc:?} leaves out {shown:?}");
    }
}

/// `?` from the drill-down draws the help over the drill-down, not over the table it left.
#[test]
fn help_opened_from_the_drill_down_is_drawn_over_it() {
    let mut app = sized(app(), 160, 45);
    press(&mut app, KeyCode::Enter);
    let drill = text(&screen(&app, 160, 45, false));
    let table_titles = "Time (UTC)";
    assert!(!drill.contains(table_titles), "{drill}");
    keys(&mut app, "?");
    let shown = text(&screen(&app, 160, 45, false));
    assert!(
        !shown.contains(table_titles),
        "the table under the help:\n{shown}"
    );
    // What the help leaves visible is the drill-down's.
    let (drill_lines, shown_lines): (Vec<&str>, Vec<&str>) =
        (drill.lines().collect(), shown.lines().collect());
    let last = shown_lines.len() - 3;
    assert_eq!(shown_lines[last], drill_lines[last], "{shown}");
}
