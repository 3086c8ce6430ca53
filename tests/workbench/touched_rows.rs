#![allow(clippy::panic, clippy::unwrap_used)]
//! What the analyst sees of the rows a key will touch: the classify-like-this list offers
//! only rows the filter shows, a sort leaves the row under the cursor and the first rows in
//! view, the target is named at 80×24. Driven without a terminal, drawn on TestBackend.

use std::collections::HashMap;

use ratatui::crossterm::event::KeyCode;

use sts_triage::journal::Verdict;
use sts_triage::tui::app::{App, Effect, Overlay};
use sts_triage::tui::columns::{Column, finding};

use super::journaled;
use crate::support::{keys, press, scan, screen, sized};

fn classify_app(w: u16, h: u16) -> App {
    let report = scan(&["tests/fixtures/classify.jsonl"]);
    sized(
        App::new("t.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report),
        w,
        h,
    )
}

fn account_ip(app: &App, item: usize) -> (String, String) {
    let t = &app.findings;
    (
        app.cell(t, item, finding(Column::Account)),
        app.cell(t, item, finding(Column::Ip)),
    )
}

#[test]
fn classify_like_this_never_offers_a_row_the_filter_hides() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = classify_app(w, h);
        // ann's oldest row (203.0.113.10, Comcast), the last: decided suspicious.
        keys(&mut app, "G1G");
        assert_eq!(
            account_ip(&app, app.findings.current().unwrap()).1,
            "203.0.113.10"
        );
        // Hide ann's row from 198.51.100.20: the one row like it ticked by default.
        keys(&mut app, "/!ip:198.51.100.20");
        press(&mut app, KeyCode::Enter);
        journaled(&mut app);
        keys(&mut app, "G");
        assert_eq!(
            account_ip(&app, app.findings.current().unwrap()).1,
            "203.0.113.10"
        );
        keys(&mut app, "c");
        let Overlay::Bulk(b) = &app.overlay else {
            panic!("bulk list open: {}", app.status)
        };
        let offered: Vec<(String, String)> = b
            .candidates
            .iter()
            .map(|c| account_ip(&app, c.item))
            .collect();
        assert!(
            !offered.iter().any(|(_, ip)| ip == "198.51.100.20"),
            "{w}x{h}: a hidden row offered: {offered:?}"
        );
        assert_eq!(
            offered.len(),
            3,
            "{w}x{h}: ann behind a proxy, bob, carl: {offered:?}"
        );
        assert!(
            app.status
                .contains("1 row like it is hidden by the filter: not offered"),
            "{w}x{h}: {}",
            app.status
        );
        let drawn = screen(&app, w, h);
        assert!(
            !drawn
                .lines()
                .any(|l| l.contains("198.51.100.20") && !l.contains("filter:")),
            "{w}x{h}:\n{drawn}"
        );
        if w >= 80 {
            assert!(
                drawn.contains("1 row like it is hidden by the filter: not offered"),
                "{w}x{h}:\n{drawn}"
            );
        }
        // Tick every row offered and apply: only shown rows get the verdict.
        keys(&mut app, "a");
        // Linked by IP or ISP only: the first Enter asks, the second marks.
        press(&mut app, KeyCode::Enter);
        assert!(
            app.status.starts_with("Enter again marks 3 rows"),
            "{}",
            app.status
        );
        press(&mut app, KeyCode::Enter);
        let decided = journaled(&mut app);
        assert_eq!(decided.len(), 3, "{w}x{h}");
        let hidden_key = app
            .findings
            .items
            .iter()
            .find(|i| &i.cells[finding(Column::Ip)] == "198.51.100.20")
            .unwrap()
            .key
            .clone();
        assert!(!decided.contains(&hidden_key), "{w}x{h}");
        assert_eq!(app.decision(&hidden_key).verdict, Verdict::Unreviewed);
    }
}

/// The rows drawn, as the table's first data line shows them: the Time cell of each.
fn drawn_rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let drawn = screen(app, w, h);
    drawn
        .lines()
        .filter_map(|l| {
            let cells: String = l.chars().skip(2).take(19).collect();
            (cells.len() == 19 && cells.starts_with("20")).then_some(cells)
        })
        .collect()
}

#[test]
fn after_a_sort_the_cursor_row_and_the_first_rows_are_in_view() {
    use sts_triage::tui::action::{Action, Intent};
    // 78: the narrowest width that draws the Time, which this reads the rows by.
    for (w, h) in [(78, 20), (80, 24), (160, 45)] {
        let report = scan(&["assets/samples"]);
        let mut app = sized(App::new("j", "a", HashMap::new()).with_report(report), w, h);
        let page = app.page_rows();
        // From the last row sort by Account, sort again (reversed) from where the cursor
        // is, then sort by time from a row below the first page.
        for (from, column) in [
            ("last", Column::Account),
            ("here", Column::Account),
            ("below the first page", Column::Time),
        ] {
            match from {
                "last" => keys(&mut app, "G"),
                "here" => {}
                _ => {
                    keys(&mut app, "g");
                    for _ in 0..page + 3 {
                        app.apply(Action::Intent(Intent::MoveDown));
                    }
                }
            }
            crate::support::focus_on(&mut app, column);
            let row = app.findings.current().unwrap();
            app.apply(Action::Intent(Intent::Sort));
            let t = &app.findings;
            assert_eq!(
                t.current(),
                Some(row),
                "{w}x{h} {from}: the sort keeps the row"
            );
            let (cursor, offset) = (t.cursor, t.offset);
            assert!(
                offset <= cursor && cursor < offset + page,
                "{w}x{h}: the cursor's row drawn ({cursor} in {offset}..+{page})"
            );
            if cursor < page {
                assert_eq!(
                    offset, 0,
                    "{w}x{h}: no row above the view when the cursor's row fits on the first page"
                );
            }
            // What is drawn: the first line is the first row of the new order when it fits.
            let time = |i: usize| app.cell(t, t.order[i], finding(Column::Time));
            let rows = drawn_rows(&app, w, h);
            assert_eq!(rows.first(), Some(&time(offset)), "{w}x{h}");
            assert!(rows.contains(&time(cursor)), "{w}x{h}");
        }
    }
}

#[test]
fn at_80x24_the_why_and_context_panels_name_the_target() {
    let report = scan(&["assets/samples"]);
    let mut app = sized(
        App::new("j", "a", HashMap::new()).with_report(report),
        80,
        24,
    );
    // Allan Deyoung's bulk revocation: the first row, its event revoking debra.berger.
    press(&mut app, KeyCode::Enter);
    let drawn = screen(&app, 80, 24);
    assert!(
        drawn.contains("◆ target debra.berger@contoso.onmicrosoft.com")
            && drawn.contains("allan.deyoung@contoso.onmicrosoft.com"),
        "the why panel's first line names target and actor:\n{drawn}"
    );
    // A note is read in the drill-down without opening the edit box.
    keys(&mut app, "q");
    keys(&mut app, "n");
    app.apply(sts_triage::tui::action::Action::Paste(
        "called Allan: IR drill".to_owned(),
    ));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let drawn = screen(&app, 80, 24);
    assert!(drawn.contains("✎ note: called Allan: IR drill"), "{drawn}");
    // The context panel: every related line that names a target shows `→ ` and its start.
    keys(&mut app, "x");
    let drawn = screen(&app, 80, 24);
    let lines: Vec<&str> = drawn
        .lines()
        .filter(|l| l.contains(" by ") && (l.contains("Update S") || l.contains("this event")))
        .collect();
    assert!(lines.len() >= 3, "{drawn}");
    assert!(
        drawn.contains("this event ─── Update StsR")
            && drawn.contains("… by allan.dey")
            && drawn.contains("… → debra.berger@contoso"),
        "{drawn}"
    );
    for l in lines {
        assert!(l.contains(" → "), "the target cut off: {l}\n{drawn}");
        let after = l.split(" → ").nth(1).unwrap();
        assert!(
            after.chars().filter(|c| c.is_alphanumeric()).count() >= 10,
            "{l}"
        );
    }
}

#[test]
fn the_why_panel_says_what_is_wrong_with_an_unusable_record_not_no_such_term() {
    use sts_triage::tui::why::why_lines;
    let report = scan(&["tests/formats", "assets/samples"]);
    let mut seen = 0;
    for &e in &report.near_misses {
        let reason = report.events[e].near_miss_reason().unwrap();
        if !matches!(
            reason.code(),
            "record_cut" | "audit_data_unusable" | "unparseable_values"
        ) {
            continue;
        }
        seen += 1;
        let lines = why_lines(&report, e);
        let values: Vec<&str> = lines.iter().map(|(_, v, _)| v.as_str()).collect();
        assert!(
            !values.contains(&"no such term") && !values.contains(&"null"),
            "{}: {values:?}",
            reason.code()
        );
        assert!(
            values
                .iter()
                .any(|v| v.contains("not found in what could be read: ")),
            "{values:?}"
        );
    }
    assert!(seen > 0, "the inputs hold an unusable record");
}

#[test]
fn copied_rows_carry_the_row_hints_as_the_table_shows_them() {
    let report = scan(&["assets/samples"]);
    let mut app = sized(
        App::new("j", "a", HashMap::new()).with_report(report),
        80,
        24,
    );
    // The first row: Allan Deyoung's bulk revocation (bulk, signin, first).
    let hints = app.cell(
        &app.findings,
        app.findings.current().unwrap(),
        finding(Column::Hint),
    );
    assert!(
        hints.contains("bulk") && hints.contains("signin"),
        "{hints}"
    );
    keys(&mut app, "y");
    let Some(Effect::Copy { text, .. }) = app.effects.last() else {
        panic!("a copy: {:?}", app.effects)
    };
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with("| Context | Hints |"), "{header}");
    let row = lines.nth(1).unwrap();
    let last = row.trim_end_matches('|').rsplit('|').next().unwrap().trim();
    assert_eq!(last.trim_matches('`'), hints, "{row}");
    // The near misses too.
    keys(&mut app, "m");
    keys(&mut app, "y");
    let Some(Effect::Copy { text, .. }) = app.effects.last() else {
        panic!("a copy")
    };
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("| Context | Hints |"),
        "{text}"
    );
}

/// A taller screen after a resize shows the rows above the cursor rather than blank lines
/// below the last row: the offset is the smallest that keeps the cursor drawn and fills the
/// screen, for drawing as for moving.
#[test]
fn a_taller_screen_after_a_resize_fills_with_the_rows_above() {
    use sts_triage::tui::action::{Action, Intent};
    let report = scan(&["assets/samples"]);
    let mut app = sized(
        App::new("j", "a", HashMap::new()).with_report(report),
        80,
        16,
    );
    keys(&mut app, "Gkk");
    let n = app.findings.order.len();
    let small = app.page_rows();
    assert!(
        n > small,
        "more rows than the 80x16 page ({n} rows, page {small})"
    );
    assert!(app.findings.offset > 0, "scrolled at 80x16");
    // The samples hold 15 rows (one event, one row): 80x20 scrolls less, 80x45 not at all.
    for h in [20, 45] {
        app.apply(Action::Resize {
            width: 80,
            height: h,
        });
        let page = app.page_rows();
        let t = &app.findings;
        let want = n.saturating_sub(page);
        assert_eq!(t.offset, want, "80x{h}: page {page}, {n} rows");
        let drawn = drawn_rows(&app, 80, h);
        assert_eq!(
            drawn.len(),
            n.min(page),
            "80x{h}: every line of the table used"
        );
        let time = |i: usize| app.cell(t, t.order[i], finding(Column::Time));
        assert_eq!(drawn.first(), Some(&time(want)), "80x{h}");
        // Moving afterwards agrees with what is drawn.
        app.apply(Action::Intent(Intent::MoveUp));
        app.apply(Action::Intent(Intent::MoveDown));
        assert_eq!(app.findings.offset, want, "80x{h}: after k j");
    }
}

/// The status line follows the last action: what the drill-down said leaves with it, the
/// classify-like-this list says what it holds, a note saved in the drill-down is said saved.
#[test]
fn the_status_line_follows_the_last_action() {
    use sts_triage::tui::action::Action;
    // A search in the drill-down, leaving it, then a filter typed in the table.
    let mut app = sized(
        App::new("j", "a", HashMap::new()).with_report(scan(&["assets/samples"])),
        80,
        24,
    );
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "/Update");
    press(&mut app, KeyCode::Enter);
    assert!(app.status.contains("match"), "{:?}", app.status);
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "/henr");
    press(&mut app, KeyCode::Enter);
    assert!(
        !app.status.contains("match"),
        "the drill-down's search left with it: {:?}",
        app.status
    );

    // Classify like this opens over an older line: the status says what the list is.
    let mut app = classify_app(80, 24);
    // ann's oldest row, the last: decided suspicious, saved, then the list of rows like it.
    keys(&mut app, "G1");
    let keys_saved = journaled(&mut app);
    app.apply(Action::Saved { keys: keys_saved });
    assert!(app.status.contains("saved ✓"), "{:?}", app.status);
    keys(&mut app, "Gc");
    assert!(matches!(app.overlay, Overlay::Bulk(_)), "the list is open");
    assert!(
        app.status.starts_with("classify like this"),
        "{:?}",
        app.status
    );

    // A note saved inside the drill-down is said saved.
    let mut app = classify_app(80, 24);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)), "drill-down open");
    keys(&mut app, "a");
    keys(&mut app, "seen before");
    press(&mut app, KeyCode::Enter);
    let keys_saved = journaled(&mut app);
    assert_eq!(keys_saved.len(), 1, "the note is written");
    app.apply(Action::Saved { keys: keys_saved });
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("saved ✓"), "{:?}\n{shown}", app.status);
}
