#![allow(clippy::panic, clippy::unwrap_used)]

//! The context panel is a list like the others: longer than its box, it says so in its
//! foot, and a box grown by a resize shows the rows it has room for. A newcomer counted 5
//! lines under `context: 6 related` and missed the victim's sign-in below the box; after
//! `G` and a resize to 160×45 the actor's sign-in stayed scrolled off the top above 25
//! empty lines (newbie14b #2).

use ratatui::crossterm::event::KeyCode;
use sts_triage::tui::app::Overlay;

use crate::support::{keys, press, scan, screen, sized, workbench};

/// The samples' Lee Gu revocation (2025-10-10 09:00:05) in the drill-down, its context
/// panel open: 6 related records, the event and its copies' line, 8 timeline rows.
fn lee_gu_context(w: u16, h: u16) -> sts_triage::tui::app::App {
    let mut app = sized(workbench("j.jsonl", "a", scan(&["assets/samples"])), w, h);
    keys(&mut app, "/time:2025-10-10T09:00:05");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    app
}

/// The context panel's lines on screen, from its title to its bottom border (beside the
/// event at 160 columns, below it when narrower).
fn panel(s: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = s.lines().map(|l| l.chars().collect()).collect();
    let (top, col) = lines
        .iter()
        .enumerate()
        .find_map(|(y, l)| {
            let t: String = l.iter().collect();
            t.find("┌ context").map(|b| (y, t[..b].chars().count()))
        })
        .unwrap_or_else(|| panic!("no context panel:\n{s}"));
    let mut out = Vec::new();
    for l in &lines[top..] {
        let part: String = l.iter().skip(col).collect();
        let end = part.starts_with('└');
        out.push(part);
        if end {
            break;
        }
    }
    out
}

fn timeline_len(app: &sts_triage::tui::app::App) -> usize {
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    d.context.as_ref().expect("context panel open").rows.len()
}

#[test]
fn a_timeline_longer_than_its_box_says_so_in_its_foot() {
    for (w, h) in [(60, 20), (80, 24)] {
        let mut app = lee_gu_context(w, h);
        assert_eq!(timeline_len(&app), 8, "6 related, the event, its copies");
        let s = screen(&app, w, h);
        let p = panel(&s);
        assert!(p[0].contains("context: 6 related"), "{w}x{h}:\n{s}");
        assert!(
            p.last().unwrap().contains("↓ more below (j) · 1–7 of 8"),
            "{w}x{h}: the row below the box is said:\n{s}"
        );
        // At the end the foot says so, and the first row is the one scrolled off.
        keys(&mut app, "G");
        let s = screen(&app, w, h);
        let p = panel(&s);
        assert!(
            p.last().unwrap().contains("end · 2–8 of 8"),
            "{w}x{h}:\n{s}"
        );
        assert!(
            p.iter().any(|l| l.contains("+00:39:55 ·T· Sign-in activi")),
            "{w}x{h}: the victim's later sign-in, hidden before, now shown:\n{s}"
        );
        assert!(
            !s.contains("UserLoggedIn: sign-in to 797f4846… by lee.gu"),
            "{s}"
        );
    }
}

#[test]
fn a_box_grown_by_a_resize_shows_the_rows_scrolled_off_and_no_foot() {
    let mut app = lee_gu_context(80, 24);
    keys(&mut app, "G");
    let mut app = sized(app, 160, 45);
    let s = screen(&app, 160, 45);
    let p = panel(&s);
    let drawn: Vec<&String> = p
        .iter()
        .filter(|l| l.contains(" ··A ") || l.contains(" ·T· ") || l.contains(" CTA "))
        .collect();
    assert_eq!(drawn.len(), 6, "all 6 related records drawn:\n{s}");
    assert!(
        drawn[0].contains("-00:04:53 ··A UserLoggedIn"),
        "the actor's sign-in, scrolled off before the resize, is the first row:\n{s}"
    );
    assert!(
        !s.contains("more below") && !s.contains("end · "),
        "the whole timeline fits: no foot\n{s}"
    );
    // The state agrees with the screen: moving up from the last row never scrolls.
    keys(&mut app, "k");
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    assert_eq!(d.context.as_ref().unwrap().offset, 0);
    // Back to a small screen: the cursor's row stays drawn, the foot comes back.
    let app = sized(app, 80, 24);
    let s = screen(&app, 80, 24);
    let p = panel(&s);
    assert!(
        p.iter().any(|l| l.contains("+00:39:55 ·T· UserLoggedIn")),
        "{s}"
    );
    assert!(p.last().unwrap().contains(" of 8"), "{s}");
}
