#![allow(clippy::panic, clippy::unwrap_used)]
//! Times say their zone wherever they are shown: the Time column's title names the local
//! zone when `t` shows local time (`Time (Europe/Berlin)`, else the POSIX rule applied,
//! `Time (UTC-02:00)`), the frequency view of the Time column too, and UTC is labelled
//! `UTC`; the classify-like-this list has the rows' times, as the table shows them, beside
//! their accounts. The zones are read from `TZ` values given here and the test's own zone
//! file (tests/fixtures/zoneinfo), never from the machine's.

use std::sync::Arc;

use ratatui::crossterm::event::KeyCode;

use sts_triage::tui::app::{App, Overlay};
use sts_triage::tui::columns::{Column, finding};
use sts_triage::tui::local_zone::LocalZone;

mod support;
use support::{focus_on, keys, press, scan, screen, sized, workbench};

fn app(w: u16, h: u16) -> App {
    let report = scan(&["tests/fixtures/workbench.jsonl"]);
    sized(workbench("j.sts-triage.jsonl", "analyst", report), w, h)
}

/// The zone `TZ=tz` gives, with the test's zone files only.
fn zone(tz: &str) -> Arc<LocalZone> {
    let read = |path: &str| {
        path.starts_with("tests/fixtures/zoneinfo/")
            .then(|| std::fs::read(path).ok())
            .flatten()
    };
    Arc::new(LocalZone::resolve(
        Some(tz),
        Some("tests/fixtures/zoneinfo"),
        None,
        &read,
    ))
}

#[test]
fn the_title_names_the_rule_that_converts_the_times() {
    // breaker14 #2: the row at 2021-05-01T10:00:59Z under each TZ; the title and the cell
    // from one rule.
    let cases = [
        (
            "Europe/Berlin",
            "Time (Europe/Berli…",
            "2021-05-01 12:00:59",
        ),
        (
            ":Europe/Berlin",
            "Time (Europe/Berli…",
            "2021-05-01 12:00:59",
        ),
        ("EST5EDT", "Time (EST5EDT)", "2021-05-01 06:00:59"),
        ("UTC+2", "Time (UTC-02:00)", "2021-05-01 08:00:59"),
        ("XYZ-3", "Time (UTC+03:00)", "2021-05-01 13:00:59"),
        ("Europe/Nowhere", "Time (UTC)", "2021-05-01 10:00:59"),
    ];
    for (tz, title, cell) in cases {
        let mut app = app(80, 24);
        app.local_zone = zone(tz);
        keys(&mut app, "t");
        let s = screen(&app, 80, 24);
        assert!(s.contains(title), "{tz}: {s}");
        let row = s.lines().find(|l| l.contains("carol@")).unwrap();
        assert!(row.contains(cell), "{tz}: {row}");
        // An unknown zone is said, never shown as a zone.
        let status = s.lines().last().unwrap();
        if tz == "Europe/Nowhere" {
            assert!(
                status.contains("TZ=Europe/Nowhere is not a known zone: times shown in UTC"),
                "{status}"
            );
            assert!(!s.contains("Nowhere)"), "{s}");
        }
    }
}

#[test]
fn the_time_titles_name_the_zone_shown() {
    // 78 columns: the narrowest that draws the Time (below it gives way to the query's two
    // numbers, `tests/workbench/narrow_screens.rs`).
    for (w, h) in [(78, 20), (80, 24), (160, 45)] {
        let mut app = app(w, h);
        app.local_zone = zone("Europe/Berlin");
        assert!(screen(&app, w, h).contains("Time (UTC)"), "{w}x{h}");
        keys(&mut app, "t");
        let s = screen(&app, w, h);
        // The column's title, cut to its 19 columns, and the view line, whole.
        assert!(s.contains("Time (Europe/Berli…"), "{w}x{h}: {s}");
        let view = s.lines().nth(1).unwrap();
        assert!(
            view.contains("times in Europe/Berlin") || view.contains(" Europe/Berlin"),
            "{w}x{h}: {s}"
        );
        assert!(!s.contains("(local)"), "{w}x{h}: {s}");
        app.local_zone = zone("XYZ-1");
        assert!(screen(&app, w, h).contains("Time (UTC+01:00)"), "{w}x{h}");
        app.local_zone = zone("Europe/Berlin");
        // The frequency view of the Time column says it too.
        focus_on(&mut app, Column::Time);
        keys(&mut app, "F");
        assert!(matches!(app.overlay, Overlay::Pivot(_)), "{}", app.status);
        let s = screen(&app, w, h);
        assert!(
            s.contains("frequency of Time (Europe/Berlin)"),
            "{w}x{h}: {s}"
        );
    }
}

#[test]
fn the_classify_list_shows_each_rows_time_as_the_table_does() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = app(w, h);
        keys(&mut app, "2");
        press(&mut app, KeyCode::Up);
        keys(&mut app, "c");
        let Overlay::Bulk(b) = &app.overlay else {
            panic!("{w}x{h}: classify list open: {}", app.status)
        };
        let first = b.candidates[0].item;
        let time = app.findings.items[first].cells[finding(Column::Time)].to_owned();
        assert!(!time.is_empty());
        let s = screen(&app, w, h);
        let list: Vec<&str> = s
            .lines()
            .filter(|l| l.contains("[ ]") || l.contains("[x]"))
            .collect();
        assert!(s.contains("Time (UTC)"), "{w}x{h}: {s}");
        assert!(list[0].contains(&time), "{w}x{h}: {s}");
        // In local time, a long zone name is cut in the list's title too: its columns stay
        // under their titles.
        app.local_zone = zone("Europe/Berlin");
        app.local_time = true;
        let s = screen(&app, w, h);
        let lines: Vec<&str> = s.lines().collect();
        let head = lines
            .iter()
            .position(|l| l.contains("Time (Europe/"))
            .unwrap_or_else(|| panic!("{w}x{h}: {s}"));
        let at = |l: &str, word: &str| {
            l.chars()
                .collect::<String>()
                .find(word)
                .map(|b| l[..b].chars().count())
        };
        let account = at(lines[head], "Account").unwrap();
        let row = lines[head + 1];
        let acc = app.findings.items[first].cells[finding(Column::Account)].to_owned();
        assert_eq!(at(row, &acc[..5]), Some(account), "{w}x{h}: {s}");
    }
}

#[test]
fn over_the_autumn_change_both_rows_read_0230_apart_and_a_filter_keeps_both() {
    // breaker14 #3: 00:30Z and 01:30Z both read 02:30 in Berlin; they showed alike and
    // `time:2025-10-26T02` kept one.
    for (w, h) in [(80, 24), (160, 45)] {
        let report = scan(&["tests/fixtures/autumn-change.jsonl"]);
        let mut app = sized(workbench("j.sts-triage.jsonl", "analyst", report), w, h);
        app.local_zone = zone("Europe/Berlin");
        keys(&mut app, "t");
        let s = screen(&app, w, h);
        // Newest first: 02:30Z, 01:30Z, 00:30Z, 23:59:59Z the day before.
        let lines: Vec<&str> = s.lines().collect();
        let head = lines
            .iter()
            .position(|l| l.contains("Time (Europe/Berlin)"))
            .unwrap_or_else(|| panic!("{w}x{h}: {s}"));
        let shown = [
            "2025-10-26 03:30:00 ",
            "2025-10-26 02:30:00+01",
            "2025-10-26 02:30:00+02",
            "2025-10-26 01:59:59 ",
        ];
        for (i, time) in shown.iter().enumerate() {
            assert!(lines[head + 1 + i].contains(time), "{w}x{h}: {time}: {s}");
        }
        for (filter, kept) in [
            ("time:2025-10-26T02", 2),
            ("time:2025-10-26T02:30", 2),
            ("after:2025-10-26T02", 3),
            ("time:<=2025-10-26T02", 3),
            ("198.51.100.1 time:2025-10-26T02", 1),
        ] {
            keys(&mut app, "/");
            keys(&mut app, filter);
            assert_eq!(app.findings.order.len(), kept, "{w}x{h}: {filter}");
            let s = screen(&app, w, h);
            let prompt = s.lines().rev().nth(1).unwrap();
            assert!(
                prompt.contains("~ a time read"),
                "{w}x{h}: {filter}: {prompt}"
            );
            press(&mut app, KeyCode::Esc);
        }
    }
}
