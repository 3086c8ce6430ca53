#![allow(clippy::panic, clippy::unwrap_used)]

//! The workbench keeps most flagged events lean (a few numbers each, `scan::lean`) and makes
//! them whole when they are shown. What the analyst sees must not change: on every bundled
//! sample, the fixtures, the cases and inputs of many events behind few rows (plain, gzip,
//! JSON documents, CSV, a repeated record), a workbench loaded as the loader loads it shows
//! the same rows, counts, hints, drill-down screens (raw text, why panel) for every event,
//! problems view and report as a workbench opened on a scan that keeps every event whole.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};

use ratatui::crossterm::event::KeyCode;
use sts_triage::load::ScanOptions;
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay, View};

use crate::support::{keys, loaded, press, screen, sized};

/// A workbench opened on `report`, a scan that keeps every event whole.
fn whole(report: sts_triage::scan::ScanReport) -> App {
    assert!(!report.headless);
    let mut app = App::new("j.jsonl", "a", HashMap::new()).with_report(report);
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    sized(app, 160, 45)
}

/// The screen without its first line (the header says how long the load took).
fn body(app: &App) -> String {
    let s = screen(app, 160, 45);
    s.lines().skip(1).collect::<Vec<_>>().join("\n")
}

/// Everything shown of the table on screen, and of every row's drill-down: each event's
/// screen (raw text and why panel), stepping through all of them.
fn seen(app: &mut App) -> Vec<String> {
    let mut out = vec![body(app)];
    // The first rows and events of each (drawing is slow in a debug build).
    let n = app.table().order.len().min(ROWS_SEEN);
    for pos in 0..n {
        match app.view {
            View::Findings => app.findings.cursor = pos,
            View::NearMisses => app.near.cursor = pos,
        }
        press(app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down opens on row {pos}")
        };
        let events = d.events.len().clamp(1, EVENTS_SEEN);
        out.push(format!("row {pos}: {events} events, hints {:?}", d.hints));
        for _ in 0..events {
            let Overlay::Drill(d) = &app.overlay else {
                panic!()
            };
            let raw = d
                .events
                .get(d.current)
                .map(|&e| app.report.events[e].raw_text());
            out.push(format!("{raw:?}"));
            out.push(body(app));
            keys(app, "]");
        }
        press(app, KeyCode::Esc);
    }
    out
}

const ROWS_SEEN: usize = 8;
const EVENTS_SEEN: usize = 24;

/// What both workbenches show, compared piece by piece (the first difference is named).
fn same_as_whole(paths: &[PathBuf]) -> usize {
    let report = sts_triage::scan::scan_paths(paths, &ScanOptions::default()).unwrap();
    same_as_whole_of(paths, report)
}

/// As [`same_as_whole`], with the whole scan of `paths` already made.
fn same_as_whole_of(paths: &[PathBuf], report: sts_triage::scan::ScanReport) -> usize {
    let mut lean = loaded(paths);
    let mut full = whole(report);
    let what = format!("{paths:?}");
    // How many flagged events the lean workbench did not keep whole (before the
    // drill-downs below make those they show whole).
    let kept_lean = full.report.events.len() - lean.report.events.len();
    assert_eq!(lean.review_counts(), full.review_counts(), "{what}");
    assert_eq!(lean.near_miss_counts(), full.near_miss_counts(), "{what}");
    assert_eq!(lean.report.sts_events(), full.report.sts_events(), "{what}");
    for i in 0..full.report.findings.len() {
        assert_eq!(
            lean.hints_of(i),
            full.hints_of(i),
            "{what}: hints of row {i}"
        );
        assert_eq!(
            lean.report.findings[i].totals.events, full.report.findings[i].totals.events,
            "{what}"
        );
        assert_eq!(
            lean.report.row_sources(&lean.report.findings[i]),
            full.report.row_sources(&full.report.findings[i]),
            "{what}: row {i}'s records"
        );
    }
    // The workbench's pass over every event gives each row what its events give it one
    // row at a time (the report's way, and the drill-down's while the pass runs).
    let inputs = sts_triage::hints::Inputs::new(&lean.report, lean.hint_config);
    for (i, f) in lean.report.findings.iter().enumerate() {
        assert_eq!(
            lean.hints_of(i),
            inputs.finding_hints(f),
            "{what}: row {i}'s hints, from the pass and alone"
        );
    }
    for view in [View::Findings, View::NearMisses] {
        lean.view = view;
        full.view = view;
        let (a, b) = (seen(&mut lean), seen(&mut full));
        assert_eq!(a.len(), b.len(), "{what}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{what}");
        }
    }
    let problems = |app: &App| -> Vec<String> {
        sts_triage::tui::problems::entries(&app.report, &app.loading)
            .into_iter()
            .map(|e| e.text)
            .collect()
    };
    assert_eq!(problems(&lean), problems(&full), "{what}");
    assert_eq!(
        sts_triage::tui::report_markdown(&lean),
        sts_triage::tui::report_markdown(&full),
        "{what}"
    );
    kept_lean
}

fn files_in(dir: &str) -> Vec<PathBuf> {
    crate::support::export_files(dir)
}

/// One CloudAppEvents record of an STS event: the same account and address on other days
/// give the same row (the valid-from time moves with the event); every event has a target
/// of its own (a per-event object id).
fn sts_line(id: usize, account: &str, ip: &str, day: usize) -> String {
    let t = Utc.with_ymd_and_hms(2021, 3, 1, 9, 0, 0).unwrap()
        + Duration::days(i64::try_from(day).unwrap())
        + Duration::minutes(i64::try_from(id % 60).unwrap());
    let from = t - Duration::minutes(2);
    let old = from - Duration::days(1);
    let f = |d: chrono::DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    serde_json::json!({
        "Timestamp": f(t),
        "ActionType": "Update StsRefreshTokenValidFrom Timestamp.",
        "AccountObjectId": format!("obj-{account}"),
        "AccountDisplayName": format!("{account}@contoso.com"),
        "IPAddress": ip,
        "IsAnonymousProxy": false,
        "ISP": "Contoso ISP",
        "RawEventData": {
            "CreationTime": t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "Id": format!("{id:08}-aaaa-bbbb-cccc-000000000000"),
            "Operation": "Update StsRefreshTokenValidFrom Timestamp.",
            "RecordType": 8,
            "UserId": format!("{account}@contoso.com"),
            "CorrelationId": format!("c{}", id % 5),
            "ModifiedProperties": [{
                "Name": "StsRefreshTokensValidFrom",
                "OldValue": format!("[\r\n  \"{}\"\r\n]", f(old)),
                "NewValue": format!("[\r\n  \"{}\"\r\n]", f(from)),
            }],
            "Actor": [{"ID": format!("{account}@contoso.com"), "Type": 5}, {"ID": "User", "Type": 2}],
            "Target": [{"ID": format!("User_{id:04}-0000-4000-8000-000000000000"), "Type": 2},
                       {"ID": format!("user{}@contoso.com", id % 13), "Type": 5}],
            "ActorIpAddress": ip,
            "Workload": "AzureActiveDirectory",
        }
    })
    .to_string()
}

/// Many events behind few rows, with a password reset beside some and one record twice.
fn many_events() -> String {
    events_behind_few_rows(90)
}

/// `n` events behind a few rows, with a password reset beside some and one record twice.
fn events_behind_few_rows(n: usize) -> String {
    let accounts = ["alice", "bob", "carol"];
    let ips = ["203.0.113.5", "198.51.100.7"];
    let mut lines = Vec::new();
    for k in 0..n {
        lines.push(sts_line(k, accounts[k % 3], ips[(k / 4) % 2], k % 3));
        if k % 17 == 0 {
            lines.push(
                serde_json::json!({
                    "Timestamp": format!("2021-03-{:02}T09:{:02}:30Z", 1 + k % 3, k % 60),
                    "ActionType": "Reset user password.",
                    "AccountDisplayName": "helpdesk@contoso.com",
                    "RawEventData": {
                        "Id": format!("{k:08}-dddd-bbbb-cccc-000000000000"),
                        "Operation": "Reset user password.",
                        "UserId": "helpdesk@contoso.com",
                        "CorrelationId": format!("c{}", k % 5),
                        "Target": [{"ID": format!("user{}@contoso.com", k % 13), "Type": 5}],
                    }
                })
                .to_string(),
            );
        }
    }
    lines.push(lines[5].clone());
    lines.join("\n") + "\n"
}

#[test]
fn lean_events_show_the_same_as_whole_ones_on_many_events_behind_few_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = many_events();
    let plain = dir.path().join("many.jsonl");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("many.jsonl.gz");
    let mut enc =
        flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), Default::default());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let doc = dir.path().join("many.json");
    let values: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    std::fs::write(&doc, serde_json::to_string_pretty(&values).unwrap()).unwrap();
    for paths in [
        vec![plain.clone()],
        vec![gz.clone()],
        vec![doc.clone()],
        vec![plain.clone(), gz.clone()],
    ] {
        let lean = same_as_whole(&paths);
        assert!(lean > 50, "{paths:?}: only {lean} events kept lean");
    }
}

#[test]
fn lean_events_show_the_same_as_whole_ones_on_the_samples_fixtures_and_cases() {
    let mut inputs: Vec<PathBuf> = files_in("assets/samples");
    inputs.extend(files_in("tests/fixtures"));
    inputs.extend(files_in("tests/cases/formats"));
    let mut checked = 0;
    for p in &inputs {
        // An input that is no export (a README, a script) is an error: passed over. The scan
        // that tells is the whole workbench's.
        if let Ok(report) =
            sts_triage::scan::scan_paths(std::slice::from_ref(p), &ScanOptions::default())
        {
            same_as_whole_of(std::slice::from_ref(p), report);
            checked += 1;
        }
    }
    assert!(checked >= 18, "only {checked} inputs checked");
    // All the samples together: events of one row from several files.
    same_as_whole(&files_in("assets/samples"));
}

/// The hints each row's drill-down shows, row by row (each opened and closed).
fn drill_hints(app: &mut App) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for pos in 0..app.findings.order.len() {
        app.findings.cursor = pos;
        press(app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down opens on row {pos}")
        };
        out.push(d.hints.clone());
        press(app, KeyCode::Esc);
    }
    out
}

#[test]
fn a_drill_down_opened_while_the_hints_are_made_shows_its_rows_final_hints() {
    // As the event loop runs it, the pass a few events a frame (none: the least a step
    // does), over every sample (rows of events from several files).
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.hint_budget = Some(std::time::Duration::ZERO);
    let samples = files_in("assets/samples");
    sts_triage::scan::scan_paths_with(&samples, &ScanOptions::default(), &mut |m| {
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    let mut app = sized(app, 160, 45);
    assert!(app.hints_progress().is_some());
    // Until the pass ends the screen says that the hints are not all made.
    assert!(screen(&app, 160, 45).contains("making hints"));
    // The pass first makes the tables the hints read (a frame or more of its own).
    while !app.hint_tables_made() {
        app.apply(Action::Tick);
    }
    let during = drill_hints(&mut app);
    assert!(
        app.hints_progress().is_some(),
        "the pass ended too early to test"
    );
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    assert!(app.hints_progress().is_none());
    assert!(!screen(&app, 160, 45).contains("making hints"));
    let after = drill_hints(&mut app);
    assert_eq!(during, after);
    // Not vacuous: context hints of lean events are among them.
    let badges: Vec<&str> = after
        .iter()
        .flatten()
        .filter_map(|h| h.split(':').next())
        .collect();
    for b in ["reset", "signin", "first", "bulk"] {
        assert!(badges.contains(&b), "no {b} hint in {after:?}");
    }
}

/// The badges of a row's own hints (not read from the context).
const OWN: [&str; 5] = ["back", "far", "proxy", "app", "ctrl"];

#[test]
fn the_hint_tables_are_made_over_several_frames_keys_meanwhile_see_the_hints_as_they_are() {
    // Enough events that the tables (sign-ins of every record, `bulk` windows over every
    // event) take several frames at the least a step does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    std::fs::write(&path, events_behind_few_rows(700)).unwrap();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.hint_budget = Some(std::time::Duration::ZERO);
    sts_triage::scan::scan_paths_with(&[path], &ScanOptions::default(), &mut |m| {
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    let mut app = sized(app, 160, 45);
    // The load's end made no table: the rows are shown, the header says what is under way.
    assert!(!app.hint_tables_made());
    assert!(screen(&app, 160, 45).contains("making hints"));
    let mut frames = 0;
    let mut seen_during = Vec::new();
    while !app.hint_tables_made() {
        // A key between two slices is answered from the state as it is: each row's
        // drill-down shows its own hints (none were made from the context before).
        if frames % 4 == 0 {
            seen_during.push(drill_hints(&mut app));
        }
        app.apply(Action::Tick);
        frames += 1;
    }
    assert!(frames > 3, "the tables were made in {frames} frame(s)");
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    let after = drill_hints(&mut app);
    for during in &seen_during {
        // Until the tables are made, the drill-down says that more hints may come.
        let during: Vec<Vec<String>> = during
            .iter()
            .map(|hints| {
                assert!(
                    hints
                        .last()
                        .is_some_and(|l| l.starts_with("…: hints not made yet")),
                    "{hints:?}"
                );
                hints[..hints.len() - 1].to_vec()
            })
            .collect();
        let own: Vec<Vec<String>> = after
            .iter()
            .map(|hints| {
                hints
                    .iter()
                    .filter(|h| OWN.iter().any(|b| h.starts_with(&format!("{b}:"))))
                    .cloned()
                    .collect()
            })
            .collect();
        assert_eq!(during, own);
    }
    // The hints made with tables made a slice a frame are those made in one go.
    let inputs = sts_triage::hints::Inputs::new(&app.report, app.hint_config);
    for (i, f) in app.report.findings.iter().enumerate() {
        assert_eq!(app.hints_of(i), inputs.finding_hints(f), "row {i}");
    }
    // Not vacuous: the context hints that read the tables are there.
    let badges: Vec<&str> = after
        .iter()
        .flatten()
        .filter_map(|h| h.split(':').next())
        .collect();
    for b in ["bulk", "first"] {
        assert!(badges.contains(&b), "no {b} hint in {after:?}");
    }
}
