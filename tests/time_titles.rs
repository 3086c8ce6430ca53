#![allow(clippy::panic, clippy::unwrap_used)]
//! Times say their zone wherever they are shown: the Time column's title names the local
//! zone when `t` shows local time (`Time (Europe/Berlin)`, else `Time (UTC+01:00)`), the
//! frequency view of the Time column too, and UTC is labelled `UTC`; the classify-like-this
//! list has the rows' times, as the table shows them, beside their accounts.

use ratatui::crossterm::event::KeyCode;

use sts_triage::tui::app::{App, Overlay};
use sts_triage::tui::columns::{Column, finding};
use sts_triage::tui::items::zone_name;

mod support;
use support::{focus_on, keys, press, scan, screen, sized, workbench};

fn app(w: u16, h: u16) -> App {
    let report = scan(&["tests/fixtures/workbench.jsonl"]);
    sized(workbench("j.sts-triage.jsonl", "analyst", report), w, h)
}

#[test]
fn the_local_zone_is_named_by_its_iana_name_else_its_offset() {
    assert_eq!(
        zone_name(Some(":Europe/Berlin"), None, 3600),
        "Europe/Berlin"
    );
    assert_eq!(
        zone_name(None, Some("/usr/share/zoneinfo/America/New_York"), -18_000),
        "America/New_York"
    );
    // A POSIX rule is no name an analyst reads: the offset instead.
    assert_eq!(zone_name(Some("CET-1CEST"), None, 3600), "UTC+01:00");
    assert_eq!(zone_name(None, None, -9000), "UTC-02:30");
    assert_eq!(zone_name(Some("UTC"), None, 0), "UTC");
}

#[test]
fn the_time_titles_name_the_zone_shown() {
    // 78 columns: the narrowest that draws the Time (below it gives way to the query's two
    // numbers, `tests/workbench/narrow_screens.rs`).
    for (w, h) in [(78, 20), (80, 24), (160, 45)] {
        let mut app = app(w, h);
        app.local_zone = "Europe/Berlin".to_owned();
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
        app.local_zone = "UTC+01:00".to_owned();
        assert!(screen(&app, w, h).contains("Time (UTC+01:00)"), "{w}x{h}");
        app.local_zone = "Europe/Berlin".to_owned();
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
        app.local_zone = "Europe/Berlin".to_owned();
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
