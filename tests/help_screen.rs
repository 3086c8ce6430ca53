#![allow(clippy::panic, clippy::unwrap_used)]
//! The help screen (`?`) at 60, 80 and 160 columns: a description too long for the panel
//! goes on under its own first word, in the column of descriptions, never against the
//! border under the keys (which read as a key of its own: `reverse)`, `value)`).

use ratatui::crossterm::event::KeyCode;

use sts_triage::tui::action::Action;

mod support;
use support::{press, scan, screen, workbench};

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
