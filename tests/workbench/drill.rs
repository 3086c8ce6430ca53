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
        text.contains("proxy:") && text.contains("app: the actor is a ServicePrincipal"),
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
