#![allow(clippy::panic, clippy::unwrap_used)]
//! Principals that look alike (the breaker tester's findings): the frequency view shows
//! two long principals apart.

mod support;
use support::{focus_on, keys, scan, screen, sized, workbench};

use sts_triage::tui::app::App;
use sts_triage::tui::columns::Column;

fn app_of(path: &str, w: u16, h: u16) -> App {
    sized(
        workbench("j.sts-triage.jsonl", "analyst", scan(&[path])),
        w,
        h,
    )
}

/// The values of the frequency view on screen: the parts of its lines inside its border
/// that start with `start`, trailing blanks and counts included.
fn frequency_values(s: &str, start: &str) -> Vec<String> {
    s.lines()
        .flat_map(|l| l.split('│'))
        .filter(|part| part.starts_with(start))
        .map(str::to_owned)
        .collect()
}

const REAL: &str = "helpdesk.admin.tier0.operations@contoso.onmicrosoft.com";
const EVIL: &str = "helpdesk.admin.tier0.operations@contoso.onmicrosoft.com.evil.example";

/// Both showed as `helpdesk.admin.tier0.operations@contoso.onm…` even at 200 columns.
#[test]
fn the_frequency_view_shows_long_principals_whole_where_the_screen_has_room() {
    let mut app = app_of("tests/fixtures/long-upn.jsonl", 200, 30);
    focus_on(&mut app, Column::Actor);
    keys(&mut app, "F");
    let s = screen(&app, 200, 30);
    let values = frequency_values(&s, "helpdesk.");
    assert_eq!(values.len(), 2, "{s}");
    assert!(
        values.iter().any(|v| v.starts_with(&format!("{EVIL} "))),
        "{s}"
    );
    assert!(
        values.iter().any(|v| v.starts_with(&format!("{REAL} "))),
        "{s}"
    );
}

/// Where the screen is too narrow, the value is cut in its middle: its end stays, so the
/// two never read the same.
#[test]
fn a_cut_frequency_value_keeps_its_end() {
    for (w, h) in [(80, 24), (60, 20), (120, 30)] {
        let mut app = app_of("tests/fixtures/long-upn.jsonl", w, h);
        focus_on(&mut app, Column::Account);
        keys(&mut app, "F");
        let s = screen(&app, w, h);
        let values = frequency_values(&s, "help");
        assert_eq!(values.len(), 2, "{w}x{h}:\n{s}");
        // Each value reads as the start and the end of its own principal, and of no other.
        let reads_as = |v: &String, whole: &str| {
            let v = v.split("  ").next().unwrap();
            match v.split_once('…') {
                Some((head, tail)) => whole.starts_with(head) && whole.ends_with(tail),
                None => v.trim_end() == whole,
            }
        };
        for v in &values {
            assert!(
                reads_as(v, REAL) != reads_as(v, EVIL),
                "{w}x{h}: {v:?} reads as both or neither:\n{s}"
            );
        }
        assert!(values.iter().any(|v| reads_as(v, EVIL)), "{w}x{h}:\n{s}");
    }
}
