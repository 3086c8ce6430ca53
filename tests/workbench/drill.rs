//! The drill-down: stepping through a row's events, why the query flagged (or passed over) an
//! event clause by clause, and the context hints explained.

use super::*;

#[test]
fn drill_down_steps_through_events_searches_and_keeps_the_selection() {
    let mut app = sized(app(), 160, 45);
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    assert_eq!(d.events.len(), 2);
    let first_event = d.events[0];
    keys(&mut app, "]");
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    assert_ne!(d.events[d.current], first_event);
    keys(&mut app, "/");
    keys(&mut app, "ActorIpAddress");
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    let line = d.doc.visible_line(d.cursor).unwrap();
    assert!(d.doc.lines[line].text().contains("ActorIpAddress"));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(current_account(&app), "helpdesk@contoso.com");
}

#[test]
fn hints_explain_themselves_in_the_drill_down() {
    let mut app = app();
    keys(&mut app, "/svc-backup");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    let text = d.hints.join("\n");
    assert!(
        text.contains("back: StsRefreshTokensValidFrom moved backwards by 525539 minutes"),
        "{text}"
    );
    assert!(
        text.contains("proxy:")
            && text.contains("app: the query's Role is ServicePrincipal, not a user's"),
        "{text}"
    );
}

#[test]
fn why_flagged_walks_the_clauses_and_stops_where_the_query_dropped_the_event() {
    let app = app();
    let report = &app.report;
    let dirsync = report
        .near_misses
        .iter()
        .copied()
        .find(|&e| report.events[e].actor == "sync@contoso.com")
        .unwrap();
    let lines = sts_triage::tui::app::why_lines(report, dirsync);
    assert_eq!(lines[0].2, Some(true), "the operation matched");
    assert_eq!(lines[1].2, Some(false));
    assert!(
        lines[1].1.starts_with("found at ModifiedProperties[1]"),
        "{:?}",
        lines[1]
    );
    assert!(lines[2].1.starts_with("not reached"), "{:?}", lines[2]);
    assert!(
        lines
            .last()
            .unwrap()
            .1
            .starts_with("passed over: DirectorySync")
    );
    let flagged = report.findings[0].events[0];
    let lines = sts_triage::tui::app::why_lines(report, flagged);
    assert!(lines.iter().any(|l| l.0.starts_with("tokenMinutesAdded")));
    assert_eq!(lines.last().unwrap().2, Some(true));
}

#[test]
fn a_near_miss_explains_why_it_was_passed_over() {
    let mut app = sized(app(), 160, 45);
    keys(&mut app, "m");
    press(&mut app, KeyCode::Enter);
    let s = text(&screen(&app, 160, 45, false));
    assert!(s.contains("why passed over: the query"), "{s}");
    assert!(!s.contains("why flagged"), "{s}");
}

/// The raw text shown in the drill-down, as one JSON value.
fn shown(app: &App) -> serde_json::Value {
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    let mut doc = d.doc.clone();
    doc.expand_all();
    let text: String = (0..doc.visible_count())
        .filter_map(|pos| doc.visible_line(pos))
        .map(|line| doc.lines[line].text())
        .collect();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A tester could not see the UAL record or the Entra record of an event whose
/// CloudAppEvents row was open: `]` walks the row's events, not an event's copies. `}` /
/// `{` walk the event's records (its own, then each copy read back from its file), the
/// title and the status say which and where, Esc comes back to the event's own record.
#[test]
fn the_drill_down_walks_the_copies_of_an_event() {
    let report = crate::support::scan(&["assets/samples"]);
    let mut app = sized(crate::support::workbench("j.jsonl", "a", report), 160, 45);
    keys(&mut app, "gg");
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    let event = d.events[d.current];
    let places: Vec<String> = app.report.events[event]
        .sources()
        .map(ToString::to_string)
        .collect();
    assert!(
        places.len() > 2,
        "the samples hold the event in several files: {places:?}"
    );
    let own = shown(&app);
    let mut seen = vec![own.clone()];
    for k in 1..places.len() {
        keys(&mut app, "}");
        let Overlay::Drill(d) = &app.overlay else {
            panic!()
        };
        assert_eq!(d.copy, k);
        assert_eq!(d.events[d.current], event, "the same event");
        assert!(
            app.status
                .contains(&format!("copy {k} of {}", places.len() - 1))
                && app.status.contains(&places[k]),
            "{}",
            app.status
        );
        let copy = shown(&app);
        // A JSON-lines copy is exactly its line.
        let (file, line) = places[k].rsplit_once(':').unwrap();
        if file.ends_with(".jsonl") {
            let text = std::fs::read_to_string(file).unwrap();
            let at: usize = line.parse().unwrap();
            let want: serde_json::Value =
                serde_json::from_str(text.lines().nth(at - 1).unwrap()).unwrap();
            assert_eq!(copy, want, "{}", places[k]);
        }
        seen.push(copy);
        let s = crate::support::screen(&app, 160, 45);
        let title = s.lines().find(|l| l.starts_with("┌ event")).unwrap();
        // The place (its folder shortened to fit), its line number whole.
        let name = places[k].rsplit('/').next().unwrap();
        assert!(
            title.contains(&format!("copy {k}/{}", places.len() - 1))
                && title.contains(&format!("/{name} ")),
            "{title}"
        );
        // The footer names the key, from the live keymap.
        assert!(s.contains("}  copies"), "{s}");
    }
    // The UAL and Entra records of the event read as what they are, not as its row.
    assert!(seen[1..].iter().any(|c| *c != own), "{places:?}");
    // Round the end: the event's own record again; `{` goes back to the last copy.
    keys(&mut app, "}");
    assert_eq!(shown(&app), own);
    keys(&mut app, "{");
    assert_eq!(&shown(&app), seen.last().unwrap());
    // Esc: the event's own record, then the table.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(&app.overlay, Overlay::Drill(d) if d.copy == 0));
    assert_eq!(shown(&app), own);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
}

/// The drill-down title counted the event's copies as `+n more`, which read as more events
/// of the row: it says `+n copies`, and the footer names the key that walks them.
#[test]
fn a_cut_drill_down_title_counts_copies_as_copies() {
    for (w, h) in [(60, 20), (80, 24)] {
        let report = crate::support::scan(&["assets/samples"]);
        let mut app = sized(crate::support::workbench("j.jsonl", "a", report), w, h);
        keys(&mut app, "gg");
        press(&mut app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!()
        };
        let copies = app.report.events[d.events[d.current]].sources().count() - 1;
        let s = crate::support::screen(&app, w, h);
        let title = s.lines().find(|l| l.starts_with("┌ event")).unwrap();
        assert!(
            title.contains(&format!("+{copies} copies")),
            "{w}x{h}: {title}"
        );
        assert!(!s.contains(" more"), "{w}x{h}:\n{s}");
    }
}

/// A row read from an export of the query's result has no raw events: at 60 and 100 columns
/// the drill-down says so first and wraps where the row came from, whole (it was cut at the
/// panel's edge with no `…`, `it has no raw events` lost below 250 columns).
#[test]
fn a_query_result_rows_drill_down_wraps_and_says_it_has_no_raw_events() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir
        .path()
        .join("a-rather-long-folder-name-for-the-query-results-of-case-4711");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("query-result-sentinel.csv");
    std::fs::copy("assets/samples/query-result-sentinel.csv", &file).unwrap();
    let report = scan_paths(std::slice::from_ref(&file), &ScanOptions::default()).unwrap();
    for (w, h) in [(60, 20), (100, 24)] {
        let mut app = sized(
            App::new("j.sts-triage.jsonl", "alice", HashMap::new()).with_report(report.clone()),
            w,
            h,
        );
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.overlay, Overlay::Drill(_)));
        let shown = text(&screen(&app, w, h, false));
        assert!(shown.contains("This row has no raw events"), "{shown}");
        let joined: String = shown
            .lines()
            .filter_map(|l| l.strip_prefix('│'))
            .map(|l| l.trim_end().trim_end_matches('│'))
            .collect::<String>()
            .split_whitespace()
            .collect();
        let path = file.display().to_string();
        assert!(joined.contains(&path), "{path} not in {joined}");
    }
}
