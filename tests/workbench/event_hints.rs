//! The why panel of the two rows whose records share an event id with other content
//! (`conflict`), and of a row of several events: each hint says which record or event its
//! values belong to.

use super::*;

/// The bundled samples on 160×45, filtered to grady.archie's rows: the `2 users` row
/// (ah-api.jsonl:10 at 08:20:05.111, no proxy, and isaiah.langer at 08:20:50) and the
/// legacy-api.json:1 row (08:20:05.000, behind an anonymous proxy) with the same event id.
fn grady_rows() -> App {
    let report = support::scan(&["assets/samples"]);
    let mut app = sized(
        support::workbench("t.sts-triage.jsonl", "analyst", report),
        160,
        45,
    );
    keys(&mut app, "/target:grady");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.findings.order.len(), 2, "{}", app.status);
    app
}

/// The why panel (the right-hand box of the drill-down) as one line of text: its wrapped
/// lines joined, so that a sentence reads whole whatever the width cut it at.
fn why_panel(app: &App) -> String {
    let drawn = support::screen(app, 160, 45);
    let parts: Vec<&str> = drawn
        .lines()
        .filter_map(|l| l.split_once("││").map(|(_, why)| why))
        .map(|why| why.trim_end().trim_end_matches('│').trim())
        .collect();
    parts.join(" ")
}

/// Newbie 17 #1: the same `time (08:20:05.111 vs 08:20:05.000), IsAnonymousProxy (false vs
/// true)` (first read, then later) stood on both rows, and on one it read as the other
/// record's values: the proxy, that is the forged record, could be pinned on the wrong row.
#[test]
fn each_conflicting_row_labels_its_own_values_and_the_other_records() {
    let mut app = grady_rows();
    let proxy_col = finding(Column::Hint);
    let mut seen = Vec::new();
    for at in 0..2 {
        keys(&mut app, "gg");
        for _ in 0..at {
            keys(&mut app, "j");
        }
        let row = app.findings.order[at];
        let proxy = app.findings.items[row].cells[proxy_col]
            .split(' ')
            .any(|b| b == "proxy");
        press(&mut app, KeyCode::Enter);
        let why = why_panel(&app);
        let expected = if proxy {
            // The legacy record: its own time and proxy flag first, ah-api's after.
            "cloudappevents-ah-api.jsonl:10 carries this id with another time (here 08:20:05.000, there 08:20:05.111), IsAnonymousProxy (here true, there false)"
        } else {
            "cloudappevents-legacy-api.json:1 carries this id with another time (here 08:20:05.111, there 08:20:05.000), IsAnonymousProxy (here false, there true)"
        };
        assert!(why.contains(expected), "proxy row {proxy}:\n{why}");
        assert!(!why.contains(" vs "), "{why}");
        seen.push(proxy);
        keys(&mut app, "q");
    }
    seen.sort_unstable();
    assert_eq!(seen, [false, true], "one row of each record");
}

/// Newbie 17 #5: on event 2/2 of the `2 users` row (isaiah.langer's), the panel showed
/// grady.archie's `reset` ("of the same target … 34 s before") and `conflict` as if they
/// were this event's. Each event shows its own; the row's others are named as not its own.
#[test]
fn each_event_of_a_row_shows_its_own_hints() {
    let mut app = grady_rows();
    let hint = finding(Column::Hint);
    let at = app
        .findings
        .order
        .iter()
        .position(|&r| !app.findings.items[r].cells[hint].contains("proxy"))
        .unwrap();
    keys(&mut app, "gg");
    for _ in 0..at {
        keys(&mut app, "j");
    }
    press(&mut app, KeyCode::Enter);
    let first = why_panel(&app);
    assert!(first.contains("◆ target grady.archie@"), "{first}");
    assert!(
        first.contains("of the same target by the same actor 34 s before"),
        "{first}"
    );
    assert!(first.contains("conflict: same event id"), "{first}");
    assert!(!first.contains("not this event's"), "{first}");
    keys(&mut app, "]");
    let second = why_panel(&app);
    assert!(second.contains("◆ target isaiah.langer@"), "{second}");
    assert!(!second.contains("34 s before"), "{second}");
    assert!(!second.contains("conflict: same event id"), "{second}");
    assert!(
        second.contains("not this event's: conflict reset (from another of the row's events"),
        "{second}"
    );
    // Back on event 1: its own hints again.
    keys(&mut app, "[");
    assert_eq!(why_panel(&app), first);
}
