#![allow(clippy::panic, clippy::unwrap_used)]
//! What the screen keeps when it is narrow or its rows change (the testers' list of ux16):
//! the IP column as wide as its addresses, the Account as wide under a filter as without,
//! the sort and the hidden-columns hint in the header of a load with problems, the note's
//! key the drill-down reads, the help at the screen it was asked from, a stopped load's
//! status, a related record's operation in its title.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;

use sts_triage::load::ScanMessage;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::App;

use crate::support::{keys, press, scan, scan_messages, screen, sized, workbench};

fn samples(w: u16, h: u16) -> App {
    sized(workbench("j.jsonl", "a", scan(&["assets/samples"])), w, h)
}

/// Where each column title starts on the table's title line (the line holding `Account`).
fn title_starts(s: &str) -> Vec<(String, usize)> {
    let line = s.lines().find(|l| l.contains("Account")).unwrap();
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if *c != ' ' && (i == 0 || chars[i - 1] == ' ') {
            let word: String = chars[i..].iter().take_while(|c| **c != ' ').collect();
            out.push((word, i));
        }
    }
    out
}

/// How many cells the Account column spans (to the next title).
fn account_width(s: &str) -> usize {
    let starts = title_starts(s);
    let at = starts.iter().position(|(w, _)| w == "Account").unwrap();
    // The next title (`(actor)` is the Account's own: `Account (actor)`).
    let next = starts[at + 1..]
        .iter()
        .find(|(w, _)| !w.starts_with('('))
        .unwrap();
    next.1 - starts[at].1
}

/// The samples' IPv6 address was cut (`2001…b8:4a7::1f`) at every width while the IPv4
/// ones left the column wider than they are: sized by the longest address, it is whole
/// where the screen has the room.
#[test]
fn the_ip_column_is_as_wide_as_the_longest_address() {
    let s = screen(&samples(160, 45), 160, 45);
    assert!(s.contains(" 2001:db8:4a7::1f "), "{s}");
    assert!(!s.contains("2001…"), "{s}");
}

/// The ⚠ column took a cell from the Account only on a page that showed a ⚠ row reading
/// like its neighbour (`⚠≠`): under a filter that hid those rows the Account was a cell
/// wider, and the columns moved.
#[test]
fn the_account_is_as_wide_under_a_filter_as_without() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = samples(w, h);
        let all = account_width(&screen(&app, w, h));
        keys(&mut app, "/acc:Prem");
        press(&mut app, KeyCode::Enter);
        let s = screen(&app, w, h);
        assert_eq!(app.findings.order.len(), 1, "{s}");
        assert_eq!(account_width(&s), all, "{w}x{h}:\n{s}");
    }
}

/// In the drill-down `n` opens the note until a search is made there (then it is the next
/// match): the footer said `a note`.
#[test]
fn the_drill_downs_footer_names_the_key_that_opens_the_note() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = samples(w, h);
        press(&mut app, KeyCode::Enter);
        let s = screen(&app, w, h);
        let footer = s
            .lines()
            .nth(usize::from(h) - 2)
            .unwrap()
            .replace("  ", " ");
        assert!(footer.contains(" n note "), "{w}: {footer}");
        // After a search, `n` is the next match and `a` the note.
        keys(&mut app, "/Time");
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "n");
        let s = screen(&app, w, h);
        let footer = s
            .lines()
            .nth(usize::from(h) - 2)
            .unwrap()
            .replace("  ", " ");
        assert!(footer.contains(" a note "), "{w}: {footer}");
    }
}

/// The first line inside the help's frame.
fn help_top(s: &str) -> String {
    let mut lines = s.lines().skip_while(|l| !l.contains("┌ help"));
    lines.next().unwrap_or_else(|| panic!("no help:\n{s}"));
    lines
        .next()
        .unwrap()
        .trim()
        .trim_matches('│')
        .trim()
        .to_owned()
}

/// `?` opened the help at the table's keys from every screen.
#[test]
fn help_opens_at_the_keys_of_the_screen_it_is_asked_from() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = samples(w, h);
        keys(&mut app, "?");
        let top = help_top(&screen(&app, w, h));
        assert!(top.starts_with("Table"), "{w}: {top}");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "?");
        let top = help_top(&screen(&app, w, h));
        assert!(top.starts_with("Raw events"), "{w}: {top}");
        // From the context panel: the drill-down's keys (`x` is one of them).
        press(&mut app, KeyCode::Esc);
        keys(&mut app, "x?");
        let top = help_top(&screen(&app, w, h));
        assert!(top.starts_with("Raw events"), "{w}: {top}");
        for _ in 0..3 {
            press(&mut app, KeyCode::Esc);
        }
        keys(&mut app, "p?");
        let s = screen(&app, w, h);
        let top = help_top(&s);
        assert!(
            top.starts_with("Problems") || s.contains(" end · "),
            "{w}: {top}\n{s}"
        );
    }
}

/// At 60 columns a load with a file passed over and problems lost `+10 cols` and the sort
/// from the header: both are needed to read the table, and stay; the rest is shortened.
#[test]
fn a_narrow_header_with_problems_keeps_the_sort_and_the_hidden_columns() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir("assets/samples").unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    // A zip archive: passed over (extract it first).
    std::fs::write(dir.path().join("export.json"), b"PK\x03\x04\0\x01\x02 zip").unwrap();
    let report = scan(&[dir.path().to_str().unwrap()]);
    for (w, h) in [(60, 20), (80, 24)] {
        let mut app = sized(workbench("j.jsonl", "a", report.clone()), w, h);
        let s = screen(&app, w, h);
        let header = s.lines().nth(1).unwrap();
        // At 60 columns the two counts together (`5 problems`: the problems view lists
        // the file passed over among them).
        assert!(
            header.contains("passed over") && header.contains("4 problems")
                || w < 80 && header.contains("5 problems"),
            "{w}: {header}"
        );
        assert!(header.contains("cols") || header.contains("columns off screen"));
        assert!(header.contains("time ▼"), "{w}: {header}");
        // Under a filter too (never cut itself).
        keys(&mut app, "/lee");
        press(&mut app, KeyCode::Enter);
        let s = screen(&app, w, h);
        let header = s.lines().nth(1).unwrap();
        assert!(header.contains("time ▼"), "{w}: {header}");
        assert!(header.contains("filter: lee"), "{w}: {header}");
    }
}

/// After Ctrl+C the status named the folder and the byte, and was cut at 80 columns
/// before saying how far the file was read.
#[test]
fn a_stopped_loads_status_says_what_was_not_read_at_80_and_60() {
    for (w, h) in [(60, 20), (80, 24)] {
        let (app, pct) = stopped_load();
        let app = sized(app, w, h);
        let s = screen(&app, w, h);
        let status = s.lines().last().unwrap();
        assert!(
            status.starts_with(&format!(
                "load stopped: workbench.jsonl read to about {pct}%"
            )),
            "{w}: {status}"
        );
        if w >= 80 {
            assert!(status.contains("second.jsonl not read"), "{w}: {status}");
        }
    }
}

/// A load of the workbench fixture stopped halfway through it, a second file not read:
/// the workbench, and how far the fixture was read (percent).
fn stopped_load() -> (App, u64) {
    let fixture = "tests/fixtures/workbench.jsonl";
    let mut app = App::new("j.jsonl", "a", Default::default());
    let size = std::fs::metadata(fixture).unwrap().len();
    let deep = "/cases/2026/acme-incident-4711/evidence/exports/second.jsonl";
    app.apply(Action::LoadPlan {
        files: 2,
        bytes: size * 2,
        names: vec![fixture.into(), deep.into()],
    });
    for m in scan_messages(&[PathBuf::from(fixture)]) {
        if let ScanMessage::FileDone(summary) = m {
            app.apply(Action::Intent(Intent::CancelOrQuit));
            app.apply(Action::Scan(ScanMessage::Progress {
                bytes: size / 2,
                records: 5,
            }));
            app.apply(Action::Scan(ScanMessage::FileDone(summary)));
            continue;
        }
        app.apply(Action::Scan(m));
    }
    app.apply(Action::LoadFinished { error: None });
    (app, (size / 2) * 100 / size)
}

/// The context panel's record title dropped the operation first at narrow widths: it is
/// what the record is, and stays (cut at its end), the place shortened before it.
#[test]
fn a_related_records_title_keeps_its_operation() {
    let report = scan(&["tests/fixtures/context.jsonl"]);
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = sized(workbench("j.jsonl", "a", report.clone()), w, h);
        keys(&mut app, "/actor:helpdesk");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "xk");
        press(&mut app, KeyCode::Enter);
        let s = screen(&app, w, h);
        let title = s
            .lines()
            .find(|l| l.starts_with("┌ related"))
            .unwrap_or_else(|| panic!("{w}: no record title:\n{s}"));
        assert!(title.contains("-00:00:01 · Reset user"), "{w}: {title}");
        assert!(title.contains(":3 (byte "), "{w}: {title}");
    }
}
