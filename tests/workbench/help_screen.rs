#![allow(clippy::panic, clippy::unwrap_used)]
//! The help screen (`?`) at 60, 80 and 160 columns: a description too long for the panel
//! goes on under its own first word, in the column of descriptions, never against the
//! border under the keys (which read as a key of its own: `reverse)`, `value)`).

use ratatui::crossterm::event::KeyCode;

use sts_triage::tui::action::Action;

use crate::support::{press, scan, screen, workbench};

/// The inside of the help's border, line by line, on a screen tall enough for all of it.
fn help_lines(w: u16) -> Vec<String> {
    let mut app = workbench("j.sts-triage.jsonl", "analyst", scan(&["assets/samples"]));
    app.apply(Action::Resize {
        width: w,
        height: 400,
    });
    press(&mut app, KeyCode::Char('?'));
    let s = screen(&app, w, 400);
    let lines: Vec<&str> = s.lines().collect();
    let top = lines.iter().position(|l| l.contains("┌ help")).unwrap();
    let bottom = top + lines[top..].iter().position(|l| l.contains('└')).unwrap();
    lines[top + 1..bottom]
        .iter()
        .map(|l| {
            let inside: Vec<char> = l.chars().collect();
            let first = inside.iter().position(|&c| c == '│').unwrap();
            let last = inside.iter().rposition(|&c| c == '│').unwrap();
            inside[first + 1..last].iter().collect::<String>()
        })
        .collect()
}

/// The column where a table's descriptions start, read from a row known to fit.
fn column_of(lines: &[String], row: &str) -> usize {
    let line = lines
        .iter()
        .find(|l| l.contains(row))
        .unwrap_or_else(|| panic!("{row:?} not in {lines:#?}"));
    let at = line.find(row).unwrap() + row.find("  ").unwrap() + 2;
    line[..at].chars().count()
}

/// A row of a table, or a description going on: blank before `column`, its text from there.
fn in_column(line: &str, column: usize) -> bool {
    let chars: Vec<char> = line.chars().collect();
    column >= 2
        && chars.len() > column
        && chars[column - 2..column] == [' ', ' ']
        && chars[column] != ' '
}

#[test]
fn long_descriptions_wrap_under_their_column_at_each_width() {
    for w in [60, 80, 160] {
        let lines = help_lines(w);
        let all = lines.join("\n");
        let filter = lines
            .iter()
            .position(|l| l.starts_with("Filter language"))
            .unwrap();
        // The keys' tables, then the filter language's examples.
        let keys = column_of(&lines[..filter], "↓  move down");
        let examples = column_of(&lines[filter..], "helpdsk  a word");
        let mut continued = 0;
        // Each section: its title (maybe wrapped), then its table up to a blank line.
        let mut in_table = false;
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                in_table = false;
                continue;
            }
            if line.starts_with("Columns · ") {
                break;
            }
            let column = if i < filter { keys } else { examples };
            if !in_table && !in_column(line, column) {
                continue;
            }
            in_table = true;
            assert!(
                in_column(line, column),
                "{w} columns: {line:?} is not in the column of descriptions ({column}):\n{all}"
            );
            if line.chars().take(column).all(|c| c == ' ') {
                continued += 1;
            }
        }
        if w < 100 {
            assert!(continued > 0, "{w} columns: nothing had to wrap:\n{all}");
        }
    }
}

/// The inside of the help's frame on a `w`×`h` screen, and its foot (bottom border).
fn help_page(app: &sts_triage::tui::app::App, w: u16, h: u16) -> (Vec<String>, String) {
    let s = screen(app, w, h);
    let lines: Vec<&str> = s.lines().collect();
    let top = lines.iter().position(|l| l.contains("┌ help")).unwrap();
    let bottom = top + lines[top..].iter().position(|l| l.contains('└')).unwrap();
    let inside = lines[top + 1..bottom]
        .iter()
        .map(|l| {
            let chars: Vec<char> = l.chars().collect();
            let first = chars.iter().position(|&c| c == '│').unwrap();
            let last = chars.iter().rposition(|&c| c == '│').unwrap();
            chars[first + 1..last].iter().collect::<String>()
        })
        .collect();
    (inside, lines[bottom].to_owned())
}

fn ctrl(app: &mut sts_triage::tui::app::App, c: char) {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let keymap = sts_triage::tui::keymap::Keymap::default_map().unwrap();
    let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    if let Some(a) = sts_triage::tui::key_to_action(app, &keymap, &ev) {
        app.apply(a);
    }
}

/// Help pages like the rest of the workbench (j/k, PgDn/PgUp, Space, Ctrl+D/Ctrl+U, g/G),
/// says "more below" while it is cut, and every line of it can be reached at 60×20.
#[test]
fn every_line_of_help_is_reachable_on_a_small_screen() {
    for (w, h) in [(60, 20), (80, 24)] {
        let all = help_lines(w);
        let mut app = crate::support::sized(
            workbench("j.sts-triage.jsonl", "analyst", scan(&["assets/samples"])),
            w,
            h,
        );
        press(&mut app, KeyCode::Char('?'));
        let (first, foot) = help_page(&app, w, h);
        assert!(first.len() < all.len(), "{w}x{h}: the help fits?");
        assert_eq!(first, all[..first.len()], "{w}x{h}: the first page");
        assert!(foot.contains("more below"), "{w}x{h}: {foot}");
        let page = first.len();
        // Space pages down, to the end, which is said; every line is seen on the way. Once
        // the foot no longer says more is below, one Space more: it stays at the end.
        let mut seen: Vec<String> = first.clone();
        let mut at_end = 0;
        for _ in 0..all.len() {
            press(&mut app, KeyCode::Char(' '));
            let (lines, foot) = help_page(&app, w, h);
            let start = all
                .windows(lines.len())
                .position(|win| win == lines.as_slice())
                .unwrap();
            seen.truncate(start);
            seen.extend(lines);
            if !foot.contains("more below") {
                at_end += 1;
                if at_end == 2 {
                    break;
                }
            }
        }
        assert_eq!(at_end, 2, "{w}x{h}: Space never reached the end");
        assert_eq!(seen, all, "{w}x{h}: paging with Space shows every line");
        let (last, foot) = help_page(&app, w, h);
        assert_eq!(last, all[all.len() - page..], "{w}x{h}: the last page");
        assert!(
            !foot.contains("more below") && foot.contains("end"),
            "{w}x{h}: {foot}"
        );
        // Past the end nothing moves, and one k is one line back.
        press(&mut app, KeyCode::Char('j'));
        assert_eq!(help_page(&app, w, h).0, last);
        press(&mut app, KeyCode::Char('k'));
        assert_eq!(
            help_page(&app, w, h).0,
            all[all.len() - page - 1..all.len() - 1]
        );
        press(&mut app, KeyCode::Char('g'));
        assert_eq!(help_page(&app, w, h).0, first, "g: the top");
        press(&mut app, KeyCode::Char('G'));
        assert_eq!(help_page(&app, w, h).0, last, "G: the end");
        press(&mut app, KeyCode::PageUp);
        assert_eq!(
            help_page(&app, w, h).0,
            all[all.len() - 2 * page..all.len() - page],
            "PgUp: a page back"
        );
        press(&mut app, KeyCode::Home);
        ctrl(&mut app, 'd');
        assert_eq!(help_page(&app, w, h).0, all[page..2 * page], "Ctrl+D");
        ctrl(&mut app, 'u');
        assert_eq!(help_page(&app, w, h).0, first, "Ctrl+U");
        press(&mut app, KeyCode::PageDown);
        press(&mut app, KeyCode::Char('j'));
        assert_eq!(
            help_page(&app, w, h).0,
            all[page + 1..2 * page + 1],
            "PgDn, j"
        );
        press(&mut app, KeyCode::Esc);
        assert!(!screen(&app, w, h).contains("┌ help"), "Esc closes it");
    }
}
