#![allow(clippy::panic, clippy::unwrap_used)]

//! A tester read `event 1/10 · assets/samples/cloudappevents-ah-api.jsonl:3┐` at 60×20:
//! the title was cut at the border with nothing saying so, and showed line 3 for line 31
//! (and, wider, an id one digit short). Every panel title is cut with `…`; a line number
//! or an id is never cut silently.

use ratatui::crossterm::event::KeyCode;

use crate::support::{keys, press, scan, screen, sized, workbench};

/// The top border of the drill-down (the first line starting with `┌ event`).
fn drill_title(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with("┌ event"))
        .unwrap_or_else(|| panic!("no drill-down title:\n{screen}"))
        .to_owned()
}

#[test]
fn the_drill_down_title_never_shows_a_cut_line_number_or_id() {
    for (w, h) in [(60, 20), (80, 24), (100, 30), (160, 45), (220, 45)] {
        let mut app = sized(workbench("j.jsonl", "a", scan(&["assets/samples"])), w, h);
        keys(&mut app, "gg");
        press(&mut app, KeyCode::Enter);
        let s = screen(&app, w, h);
        let title = drill_title(&s);
        // The place: the path, or its end after `…`, with its line number whole.
        let place = title
            .split(" · ")
            .nth(1)
            .and_then(|p| p.split(',').next())
            .unwrap();
        assert!(place.ends_with(".jsonl:31"), "{w}x{h}: {title}");
        let path = place.trim_start_matches('…');
        assert!(
            place == "assets/samples/cloudappevents-ah-api.jsonl:31"
                || (place.starts_with('…')
                    && "assets/samples/cloudappevents-ah-api.jsonl:31".ends_with(path)),
            "{w}x{h}: {title}"
        );
        if w >= 80 {
            assert!(
                place.ends_with("/cloudappevents-ah-api.jsonl:31"),
                "{w}x{h}: {title}"
            );
        }
        // The id shown is whole, or marked cut.
        if let Some(id) = title.split(" id ").nth(1) {
            let id = id.split([' ', '┐']).next().unwrap();
            assert!(
                id == "e75d259f-37dd-52f5-9431-d6a70c4deb0f" || id.ends_with('…'),
                "{w}x{h}: {title}"
            );
        }
        // Nothing runs into the corner uncut.
        assert!(
            title.ends_with(" ┐") || title.ends_with("…┐") || title.ends_with("─┐"),
            "{w}x{h}: {title}"
        );
    }
}
