#![allow(clippy::panic, clippy::unwrap_used)]
//! Context in the workbench, driven without a terminal: the Target and Actor columns
//! (filter, sort, frequency view, copied rows, both tables) and the drill-down's context
//! panel, on `tests/fixtures/context.jsonl` (a helpdesk reset then revocation in one
//! correlation, a near miss by the same actor, and one row standing for two targets).

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect, Overlay, View};
use sts_triage::tui::columns::{Column, finding, near_miss};

use crate::support::context::{doc_text, timeline};
use crate::support::{focus_on, keys, press, screen, sized};

const FIXTURE: &str = "tests/fixtures/context.jsonl";
const HELPDESK: &str = "helpdesk.admin@contoso.com";
const RESPONDER: &str = "ir.responder@contoso.com";
const VICTIM: &str = "victim.user@contoso.com";

fn app() -> App {
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report)
}

/// A column's cells of the rows shown, in order.
fn shown(app: &App, column: Column) -> Vec<String> {
    let t = app.table();
    let col = t.position(column).unwrap();
    t.order.iter().map(|&i| app.cell(t, i, col)).collect()
}

fn filtered(filter: &str) -> App {
    let mut app = app();
    keys(&mut app, &format!("/{filter}"));
    press(&mut app, KeyCode::Enter);
    app
}

#[test]
fn target_and_actor_tell_apart_two_actors_with_the_same_display_name() {
    let app = app();
    assert_eq!(app.findings.items.len(), 2);
    let mut rows: Vec<(String, String, String)> = app
        .findings
        .items
        .iter()
        .map(|it| {
            let c = |k| it.cells[finding(k)].to_owned();
            (c(Column::Account), c(Column::Target), c(Column::Actor))
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            (
                "Helpdesk Admin".to_owned(),
                "2 users: user0@contoso.com, user1@contoso.com".to_owned(),
                RESPONDER.to_owned()
            ),
            (
                "Helpdesk Admin".to_owned(),
                VICTIM.to_owned(),
                HELPDESK.to_owned()
            ),
        ],
        "one display name, two actors; the row of two events counts its two targets"
    );
    let near = &app.near.items[0];
    assert_eq!(
        &near.cells[near_miss(Column::Target)],
        "other.user@contoso.com"
    );
    assert_eq!(&near.cells[near_miss(Column::Actor)], HELPDESK);
}

#[test]
fn target_and_actor_filter_in_their_own_column() {
    assert_eq!(shown(&filtered("target:victim"), Column::Actor), [HELPDESK]);
    assert_eq!(
        shown(&filtered("target:user1"), Column::Actor),
        [RESPONDER],
        "a row of several targets is found by any of them"
    );
    assert_eq!(
        shown(&filtered("actor:ir.resp"), Column::Actor),
        [RESPONDER]
    );
    assert!(
        shown(&filtered("account:ir.resp"), Column::Actor).is_empty(),
        "account: is the display name, not the actor's UPN"
    );
    assert_eq!(
        shown(&filtered("account:helpdesk"), Column::Actor).len(),
        2,
        "both actors share the display name"
    );
    let mut near = app();
    keys(&mut near, "m/target:other");
    assert_eq!(near.view, View::NearMisses);
    assert_eq!(shown(&near, Column::Actor), [HELPDESK]);
}

#[test]
fn target_and_actor_sort_and_count_in_the_frequency_view() {
    // Wide enough that both are drawn (focus reaches only drawn columns).
    let mut app = sized(app(), 170, 45);
    focus_on(&mut app, Column::Target);
    app.apply(Action::Intent(Intent::Sort));
    assert_eq!(
        shown(&app, Column::Target),
        ["2 users: user0@contoso.com, user1@contoso.com", VICTIM]
    );
    app.apply(Action::Intent(Intent::Sort));
    assert_eq!(shown(&app, Column::Target)[0], VICTIM, "reversed");
    focus_on(&mut app, Column::Actor);
    keys(&mut app, "F");
    let values = pivot_values(&app);
    assert_eq!(
        values,
        [(HELPDESK.to_owned(), 1), (RESPONDER.to_owned(), 1)]
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.findings.order.len(), 1, "Enter narrows to one actor");
}

#[test]
fn copied_rows_carry_target_and_actor() {
    let mut app = filtered("target:user1");
    keys(&mut app, "y");
    let Some(Effect::Copy { text, .. }) = app.effects.last() else {
        panic!("a copy: {:?}", app.effects)
    };
    let header = text.lines().next().unwrap();
    assert!(header.contains("| Target | Actor UPN / app |"), "{header}");
    assert!(
        text.contains(
            "`2 users: user0@contoso.com, user1@contoso.com` | user `ir.responder@contoso.com`"
        ),
        "{text}"
    );
    let mut near = app_near();
    keys(&mut near, "y");
    let Some(Effect::Copy { text, .. }) = near.effects.last() else {
        panic!("a copy")
    };
    assert!(
        text.contains("`other.user@contoso.com` | user `helpdesk.admin@contoso.com`"),
        "{text}"
    );
}

fn app_near() -> App {
    let mut app = app();
    keys(&mut app, "m");
    app
}

#[test]
fn target_and_actor_are_drawn_where_there_is_room() {
    // Whose tokens changed, and the hints, before the query's other columns (newbie16 #2).
    for (w, h) in [(60, 20), (80, 24)] {
        let s = screen(&sized(app(), w, h), w, h);
        for title in ["Account", "Target", "Hints", "Verdict"] {
            assert!(s.contains(title), "{title} at {w}x{h}: {s}");
        }
        assert!(!s.contains("+Minutes"), "given way at {w}x{h}: {s}");
    }
    let s = screen(&sized(app(), 120, 35), 120, 35);
    for title in [
        "Account (actor)",
        "Target",
        "Hints",
        "+Minutes",
        "Remaining",
    ] {
        assert!(s.contains(title), "{title} at 120x35: {s}");
    }
    // The Actor once the hints are whole (from 170 columns).
    let s = screen(&sized(app(), 170, 45), 170, 45);
    for title in ["Target", "Actor", "Role", "IP", "Hints", "+Minutes"] {
        assert!(s.contains(title), "{title} at 170x45: {s}");
    }
    // Clipped to the column, the local part stays; the actor after its kind mark (`U`).
    assert!(
        s.contains("victim.user@") && s.contains("U helpdesk.admi"),
        "{s}"
    );
    assert!(s.contains("2 users: user0@"), "{s}");
    let s = screen(&sized(app_near(), 160, 45), 160, 45);
    assert!(s.contains("other.user@"), "{s}");
}

/// The open frequency view's values and counts, sorted.
fn pivot_values(app: &App) -> Vec<(String, usize)> {
    let Overlay::Pivot(p) = &app.overlay else {
        panic!("frequency view open")
    };
    let mut values: Vec<(String, usize)> =
        p.rows.iter().map(|r| (r.value.clone(), r.count)).collect();
    values.sort();
    values
}

/// The drill-down of the helpdesk row with its context panel open.
fn context_of_helpdesk(w: u16, h: u16) -> App {
    let mut app = sized(filtered("actor:helpdesk"), w, h);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    app
}

#[test]
fn the_context_panel_is_a_timeline_around_the_event() {
    let app = context_of_helpdesk(80, 24);
    assert_eq!(
        timeline(&app),
        [
            "-00:20:07 ··A UserLoggedIn by helpdesk.admin@contoso.com",
            "-00:00:02 CTA Update user. by helpdesk.admin@contoso.com → victim.user@contoso.com",
            "-00:00:01 CTA Reset user password. by helpdesk.admin@contoso.com → victim.user@contoso.com",
            "this event ─── Update StsRefreshTokenValidFrom Timestamp. by helpdesk.admin@contoso.com → victim.user@contoso.com",
            "+00:29:53 ··A Update StsRefreshTokenValidFrom Timestamp. by helpdesk.admin@contoso.com → other.user@contoso.com",
            // The target's own sign-in: the target is its actor (a sign-in has no target).
            "+1 h 59 m ·T· UserLoggedIn by victim.user@contoso.com",
        ]
    );
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = context_of_helpdesk(w, h);
        keys(&mut app, "k");
        let s = screen(&app, w, h);
        assert!(s.contains("context: 5 related"), "{w}x{h}: {s}");
        // The operation and actor are shortened before the target is.
        assert!(
            s.contains("-00:00:01 CTA Reset user") && s.contains("→ victim.user@c"),
            "{w}x{h}: {s}"
        );
        assert!(
            s.contains("same correlation, same target, same actor"),
            "the row under the cursor says why in words at {w}x{h}: {s}"
        );
        assert!(s.contains("context.jsonl:3"), "{w}x{h}: {s}");
        assert!(
            s.contains("x  context") || s.contains("x context"),
            "the footer names the key: {s}"
        );
    }
    // x again: the why-panel is back.
    let mut app = context_of_helpdesk(160, 45);
    keys(&mut app, "x");
    assert!(screen(&app, 160, 45).contains("why flagged"));
}

#[test]
fn enter_opens_a_related_record_in_the_events_place_and_esc_comes_back() {
    let mut app = context_of_helpdesk(160, 45);
    keys(&mut app, "k");
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.overlay, Overlay::Drill(_)),
        "still in the drill-down"
    );
    let text = doc_text(&app);
    assert!(
        text.contains("\"ActionType\": \"Reset user password.\""),
        "{text}"
    );
    let s = screen(&app, 160, 45);
    assert!(
        s.contains("related -00:00:01 · Reset user password."),
        "{s}"
    );
    assert!(s.contains("▶ -00:00:01"), "the opened row is marked: {s}");
    // Moving now moves in the record; Esc puts the event back, Esc again leaves.
    keys(&mut app, "j");
    press(&mut app, KeyCode::Esc);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("Esc goes back to the event, not out")
    };
    assert!(doc_text(&app).contains("Update StsRefreshTokenValidFrom"));
    assert!(d.context.is_some(), "the timeline stays");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
}

#[test]
fn a_near_miss_has_its_context_too() {
    let mut app = sized(app_near(), 80, 24);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    let t = timeline(&app);
    assert!(
        t.iter()
            .any(|l| l.starts_with("-00:29:53 ··A Update StsRefreshTokenValidFrom")),
        "the flagged revocation by the same actor half an hour before: {t:?}"
    );
    assert!(t.iter().any(|l| l.starts_with("this event")), "{t:?}");
}

/// The fixture and `extra` lines after it, in a temporary folder.
fn with_lines(extra: &[String]) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(FIXTURE).unwrap();
    for l in extra {
        text.push_str(l);
        text.push('\n');
    }
    let path = dir.path().join("ctx.jsonl");
    std::fs::write(&path, text).unwrap();
    let report = scan_paths(&[path], &ScanOptions::default()).unwrap();
    let app = App::new("j", "a", HashMap::new()).with_report(report);
    (dir, app)
}

fn sign_in(n: usize, minute: usize, op: &str) -> String {
    serde_json::json!({
        "Timestamp": format!("2024-03-01T10:{minute:02}:30Z"), "ActionType": op,
        // The admin's own object id: a record under its UPN with another id is another
        // principal's, never related by its actor.
        "AccountObjectId": "86d8b1a7-0000-4000-8000-00000000001a",
        "AccountDisplayName": "Helpdesk Admin", "IPAddress": "203.0.113.10",
        "ReportId": format!("s{n}"),
        "RawEventData": {"CreationTime": format!("2024-03-01T10:{minute:02}:30"),
            "Id": format!("10000000-0000-4000-8000-{n:012}"), "Operation": op, "RecordType": 15,
            "UserId": HELPDESK, "ClientIP": "203.0.113.10",
            "Actor": [{"ID": HELPDESK, "Type": 5}]}
    })
    .to_string()
}

#[test]
fn the_timeline_scrolls_with_its_cursor_at_every_size_and_neutralises_strings() {
    let mut extra: Vec<String> = (0..40).map(|n| sign_in(n, n, "UserLoggedIn")).collect();
    extra.push(sign_in(99, 45, "Reset user password.\u{1b}]0;pwned\u{7}"));
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let (_dir, app) = with_lines(&extra);
        let mut app = sized(app, w, h);
        keys(&mut app, "/actor:helpdesk");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "xG");
        let page = app.context_page();
        let Overlay::Drill(d) = &app.overlay else {
            panic!()
        };
        let p = d.context.as_ref().unwrap();
        assert_eq!(p.cursor, p.rows.len() - 1);
        assert!(
            p.offset <= p.cursor && p.cursor < p.offset + page,
            "{w}x{h}"
        );
        let last = p.row_text(&app.report, p.cursor);
        let s = screen(&app, w, h);
        assert!(
            s.contains(&last.offset),
            "the last row is drawn at {w}x{h}: {s}"
        );
        assert!(!s.contains('\u{1b}'), "no raw escape reaches the screen");
        keys(&mut app, "g");
        let s = screen(&app, w, h);
        assert!(s.contains("-00:20:07"), "back to the first at {w}x{h}: {s}");
    }
    let (_dir, app) = with_lines(&extra);
    let mut app = sized(app, 160, 45);
    keys(&mut app, "/actor:helpdesk");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    let t = timeline(&app);
    assert!(
        t.iter()
            .any(|l| l.contains("Reset user password.\\x1b]0;pwned\\x07")),
        "shown escaped: {t:?}"
    );
}

/// The panel's count on the status line leaves with the panel (`x` again, or leaving the
/// drill-down): the line says again what it said before; what was said since (a decision
/// being saved) stays.
#[test]
fn the_panels_words_leave_the_status_line_with_it() {
    let mut app = sized(filtered("actor:helpdesk"), 80, 24);
    press(&mut app, KeyCode::Enter);
    let before = app.status.clone();
    keys(&mut app, "x");
    assert!(app.status.contains(" related record"), "{}", app.status);
    keys(&mut app, "x");
    assert_eq!(app.status, before, "x closed the panel");
    keys(&mut app, "x");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(
        app.status, before,
        "Esc left the drill-down with the panel open"
    );

    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x1");
    let decided = app.status.clone();
    assert!(decided.contains("decision"), "{decided}");
    keys(&mut app, "x");
    assert_eq!(app.status, decided, "a newer message stays");
}

/// A hint's offset in words (the why panel, the Hints details, the report) says the same
/// numbers as the context panel's timeline beside it: `sign-in … 4 min 53 s before` and
/// `-00:04:53`, not `4 min before` (rounded down) beside `-00:04:53`.
#[test]
fn hint_offsets_and_the_timeline_say_the_same_numbers() {
    use sts_triage::hints::offset_words;
    use sts_triage::tui::context_panel::offset_text;
    let numbers = |s: &str| -> Vec<u64> {
        let all: Vec<u64> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        // The timeline writes the hours within the hour as 00, and a whole minute's
        // seconds as 00 (`1 min after` beside `+00:01:00`).
        let mut all: Vec<u64> = all.into_iter().skip_while(|&n| n == 0).collect();
        while all.last() == Some(&0) {
            all.pop();
        }
        all
    };
    for secs in [
        0, 1, 59, 60, 61, 119, 120, 293, 299, 3599, 3600, 3660, 7500, 86_399, 172_799, 172_800,
        190_800, 1_000_000,
    ] {
        for s in [secs, -secs] {
            let (words, text) = (offset_words(Some(s)), offset_text(Some(s)));
            assert_eq!(numbers(&words), numbers(&text), "{s}: {words:?} / {text:?}");
            assert_eq!(words.ends_with("before"), s < 0, "{s}: {words}");
        }
    }
}

/// The frequency view counts each party of a bulk row's Target (`2 users: a, b`) under its
/// own name, says that such a row counts under several values, and Enter on one party keeps
/// the rows that hold it. Every count column is on screen at 80 and 60 columns.
#[test]
fn the_frequency_view_counts_each_party_of_a_bulk_row() {
    let mut app = sized(app(), 160, 45);
    focus_on(&mut app, Column::Target);
    keys(&mut app, "F");
    let values = pivot_values(&app);
    assert_eq!(
        values,
        [
            ("user0@contoso.com".to_owned(), 1),
            ("user1@contoso.com".to_owned(), 1),
            (VICTIM.to_owned(), 1)
        ]
    );
    let Overlay::Pivot(p) = &app.overlay else {
        panic!("frequency view open")
    };
    let at = p
        .rows
        .iter()
        .position(|r| r.value == "user1@contoso.com")
        .unwrap();
    for (w, h) in [(160, 45), (80, 24), (60, 20)] {
        app.apply(Action::Resize {
            width: w,
            height: h,
        });
        let s = screen(&app, w, h);
        assert!(
            s.contains("1 row holds several values: it counts under each"),
            "{w}x{h}:\n{s}"
        );
        let header = s.lines().find(|l| l.contains("unreviewed")).unwrap();
        assert!(
            header.contains("rows")
                && header.contains("suspicious")
                && header.contains("legitimate"),
            "{w}x{h}: {header}"
        );
        let line = s.lines().find(|l| l.contains("user1@contoso")).unwrap();
        let numbers: Vec<&str> = line
            .split(|c: char| c == '│' || c.is_whitespace())
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        assert_eq!(numbers, ["1", "1", "0", "0"], "{w}x{h}: {line}");
    }
    for _ in 0..at {
        keys(&mut app, "j");
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        shown(&app, Column::Target),
        ["2 users: user0@contoso.com, user1@contoso.com"],
        "Enter keeps the row that holds the user"
    );
}

/// A related record whose operation holds a letter with 30 combining marks: its line in the
/// panel is cut at the panel's edge as the terminal draws it (widths measured with
/// unicode-width, as ratatui draws), not 7 columns short (breaker 13, finding 10).
#[test]
fn a_line_with_combining_marks_reaches_the_panels_edge() {
    let op = format!(
        "Add group {}a{}{}",
        "e\u{301}".repeat(3),
        "\u{301}".repeat(30),
        "z".repeat(120)
    );
    let extra = [sign_in(99, 45, &op)];
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let (_dir, app) = with_lines(&extra);
        let mut app = sized(app, w, h);
        keys(&mut app, "/actor:helpdesk");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "x");
        let s = screen(&app, w, h);
        let line = s
            .lines()
            .find(|l| l.contains("Add group"))
            .unwrap_or_else(|| panic!("{w}x{h}: {s}"));
        assert!(line.ends_with("…│"), "cut at the edge at {w}x{h}: {line}");
        // Every line of the screen is as wide as the screen, as the terminal draws it.
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(line),
            usize::from(w),
            "{w}x{h}: {line}"
        );
    }
}
