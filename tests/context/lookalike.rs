#![allow(clippy::panic, clippy::unwrap_used)]
//! Principals that look alike (the breaker tester's findings): the `lookalike` hint and the
//! ⚠ mark on a principal that mixes scripts, uses look-alike letters or has the skeleton of
//! another (on screen, in the drill-down, in the reports); and the frequency view that shows
//! two long principals apart.

use crate::support::{focus_on, keys, run_status, scan, screen, sized, workbench};

use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::App;
use sts_triage::tui::columns::{Column, finding};

const LOOKALIKE: &str = "tests/fixtures/lookalike.jsonl";

/// The actors of the fixture and whether each must be flagged: the real admin too, since
/// `admin@contoso.corn` (plain ASCII as well) looks like it and which of the two imitates
/// the other is not for a hint to say.
const ACTORS: [(&str, bool); 9] = [
    ("\u{430}dmin@contoso.com", true),
    ("admin@cont\u{3bf}so.com", true),
    ("admin@contoso.corn", true),
    ("admin@contoso.com", true),
    (
        "\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}@contoso.com",
        true,
    ),
    ("\u{ff41}\u{ff44}\u{ff4d}\u{ff49}\u{ff4e}@contoso.com", true),
    ("admin@contoso.com\u{300}\u{300}\u{300}", true),
    (
        "\u{7ba1}\u{7406}\u{8005}\u{7ba1}\u{7406}\u{8005}\u{7ba1}\u{7406}\u{8005}\u{7ba1}\u{7406}\u{8005}\u{7ba1}\u{7406}\u{8005}@contoso.com",
        false,
    ),
    ("user0@contoso.com", false),
];

/// The rows of the workbench whose Actor cell is `actor`.
fn rows_of(app: &App, actor: &str) -> Vec<usize> {
    (0..app.findings.items.len())
        .filter(|&i| &app.findings.items[i].cells[finding(Column::Actor)] == actor)
        .collect()
}

#[test]
fn look_alike_principals_get_the_hint_and_the_mark_and_a_real_name_does_not() {
    let app = app_of(LOOKALIKE, 200, 40);
    for (actor, flagged) in ACTORS {
        if actor.starts_with("user0") {
            continue;
        }
        let rows = rows_of(&app, actor);
        assert!(!rows.is_empty(), "{actor}: no row");
        for i in rows {
            let item = &app.findings.items[i];
            let hints = &item.cells[finding(Column::Hint)];
            assert_eq!(
                hints.split(' ').any(|b| b == "lookalike"),
                flagged,
                "{actor}: hints {hints:?}"
            );
            assert_eq!(
                &item.cells[finding(Column::Flag)] == "⚠",
                flagged,
                "{actor}: ⚠"
            );
        }
    }
    // The near miss by the Cyrillic `а` is marked too.
    assert_eq!(app.near.items.len(), 1);
    assert!(app.near.items[0].tampered);
}

/// The drill-down gives the reason: which principal, why, what it looks like.
#[test]
fn the_drill_down_says_which_principal_why_and_what_it_looks_like() {
    let cases = [
        (
            "\u{430}dmin@contoso.com",
            "lookalike: actor and account \u{430}dmin@contoso.com (U+0430): mixed scripts: Latin + Cyrillic; looks like admin@contoso.com, another principal in the loaded data",
        ),
        (
            "admin@cont\u{3bf}so.com",
            "(U+03BF): mixed scripts: Latin + Greek; looks like admin@contoso.com",
        ),
        (
            "admin@contoso.corn",
            "actor and account admin@contoso.corn: looks like admin@contoso.com, another principal in the loaded data",
        ),
        (
            "\u{ff41}\u{ff44}\u{ff4d}\u{ff49}\u{ff4e}@contoso.com",
            "full-width letters; looks like admin@contoso.com",
        ),
        (
            "\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}@contoso.com",
            "mathematical letters; looks like admin@contoso.com",
        ),
        (
            "admin@contoso.com\u{300}\u{300}\u{300}",
            "stacked combining marks; looks like admin@contoso.com",
        ),
    ];
    for (actor, reason) in cases {
        let mut app = app_of(LOOKALIKE, 200, 50);
        let row = rows_of(&app, actor)[0];
        while app.table().current() != Some(row) {
            app.apply(Action::Intent(Intent::MoveDown));
        }
        app.apply(Action::Intent(Intent::Open));
        let s = screen(&app, 200, 50);
        // The why panel (the right one), its wrapped lines joined.
        let flat: String = s
            .lines()
            .filter_map(|l| l.split("││").nth(1))
            .map(|l| l.trim_end().trim_end_matches('│').trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(reason), "{actor}: {reason}\n{s}");
    }
}

/// The Markdown report's Hints column, and the CSV's `hints` and `lookalike` columns.
#[test]
fn the_reports_carry_the_hint_and_its_reason() {
    // The near miss marked suspicious, so that the report lists it.
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    std::fs::write(
        &journal,
        "{\"key\":\"event:eeeeeeee-0000-0000-0000-0000000000ff\",\"verdict\":\"suspicious\",\"note\":\"\",\"analyst\":\"alice\",\"time\":\"2025-10-04T09:00:00.000Z\",\"version\":\"0.1.0\",\"action\":\"set\"}\n",
    )
    .unwrap();
    let journal = journal.to_str().unwrap();
    let (code, md, err) = run_status(&["report", "--journal", journal, LOOKALIKE]);
    assert_eq!(code, 0, "{err}");
    let row = md
        .lines()
        .find(|l| l.starts_with('|') && l.contains("`\u{430}dmin@contoso.com`"))
        .unwrap();
    let hints = row
        .trim_end()
        .trim_end_matches('|')
        .rsplit('|')
        .next()
        .unwrap();
    let badges = hints.trim().trim_matches('`');
    assert!(badges.split(' ').any(|b| b == "lookalike"), "{row}");
    let (code, csv, err) = run_status(&[
        "report",
        "--format",
        "csv",
        "--journal",
        "/nonexistent/j.jsonl",
        LOOKALIKE,
    ]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let mut seen = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let actors = &rec[col("actors")];
        let expected = ACTORS.iter().find(|(a, _)| *a == actors).map(|(_, f)| *f);
        let Some(flagged) = expected else { continue };
        seen += 1;
        assert_eq!(
            rec[col("hints")].split(' ').any(|b| b == "lookalike"),
            flagged,
            "{actors}"
        );
        assert_eq!(!rec[col("lookalike")].is_empty(), flagged, "{actors}");
        if actors.starts_with('\u{430}') {
            assert!(
                rec[col("lookalike")].contains("mixed scripts: Latin + Cyrillic"),
                "{:?}",
                &rec[col("lookalike")]
            );
        }
    }
    assert!(seen >= 8, "{csv}");
}

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
    // Each after its kind mark (`U` a user).
    let values = frequency_values(&s, "U helpdesk.");
    assert_eq!(values.len(), 2, "{s}");
    assert!(
        values.iter().any(|v| v.starts_with(&format!("U {EVIL} "))),
        "{s}"
    );
    assert!(
        values.iter().any(|v| v.starts_with(&format!("U {REAL} "))),
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
