#![allow(clippy::panic, clippy::unwrap_used)]

//! The whole-table work at a load's end is done off the key path, and what it ends with is
//! what one go gives. The last file's context index is prepared off the screen thread
//! (`App::context_off_thread`, as the event loop runs the workbench): sorting and indexing
//! every record took seconds at 2,000,000 events, in the one frame that took the file's
//! end, and a key typed then waited for it. The load ends without waiting for it (every
//! row is in); what reads it (the hints, the drill-down, the report) waits for it. The rows' text is made again a slice a frame
//! (`App::hint_budget`): every row's targets and actors, each checked for look-alikes, took
//! up to a second of one frame at 1,000,000 events on a loaded machine. Meanwhile the rows
//! read are shown and keys answered from the state as it is.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;
use sts_triage::load::{ScanMessage, ScanOptions};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Overlay};

mod support;
use support::{press, screen, sized};

/// The bundled samples (several files, with sign-ins, resets and STS events of one actor).
fn samples() -> Vec<PathBuf> {
    support::export_files("assets/samples")
}

/// What the loader sends for `paths`: the plan, every message of the scan, not the end.
fn messages(paths: &[PathBuf]) -> Vec<Action> {
    let mut out = vec![Action::LoadPlan {
        files: paths.len(),
        bytes: 0,
        names: paths.iter().map(|p| p.display().to_string()).collect(),
    }];
    sts_triage::scan::scan_paths_with(paths, &ScanOptions::default(), &mut |m| {
        out.push(Action::Scan(m));
    })
    .unwrap();
    out
}

/// A workbench given the loader's messages for `paths` and the load's end, `off_thread`
/// or not.
fn taken(paths: &[PathBuf], off_thread: bool, error: Option<String>) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.context_off_thread = off_thread;
    for m in messages(paths) {
        app.apply(m);
        // A frame after each message, as the event loop draws rows while they arrive; none
        // once the index is away (a frame takes it back when it is ready).
        if !app.context_preparing() {
            app.apply(Action::Tick);
        }
    }
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error });
    sized(app, 160, 45)
}

fn settle(app: &mut App) {
    app.wait_for_context();
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
}

/// Each flagged row's drill-down screen (its hints and context panel among it).
fn drill_downs(app: &mut App) -> Vec<String> {
    let mut out = Vec::new();
    for pos in 0..app.findings.order.len() {
        app.findings.cursor = pos;
        press(app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down opens on row {pos}")
        };
        out.push(format!("{:?}\n{}", d.hints, screen(app, 160, 45)));
        press(app, KeyCode::Esc);
    }
    out
}

#[test]
fn keys_are_answered_while_the_index_is_prepared_and_the_end_equals_one_made_in_one_frame() {
    let paths = samples();
    assert!(
        messages(&paths)
            .iter()
            .any(|m| matches!(m, Action::Scan(ScanMessage::FileDone(_)))),
        "the samples are read"
    );
    let mut app = taken(&paths, true, None);
    // The last file's index is away (no frame has taken it back): the load has ended
    // (every row is in and sorted) and the header says the related records are being
    // indexed.
    assert!(app.context_preparing());
    assert!(app.loading.done);
    let first = screen(&app, 160, 45);
    assert!(first.contains("indexing related records…"), "{first}");
    assert!(!first.contains("indexing and sorting"), "{first}");
    let rows = app.findings.order.len();
    assert!(rows > 1);
    // A key is answered from the state as it is (no waiting for the index).
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.findings.cursor, 1);
    assert!(app.context_preparing());
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.findings.cursor, 0);
    let mut once = taken(&paths, false, None);
    assert!(!once.context_preparing());
    settle(&mut once);
    // The drill-down opened while the index is away opens at once (it reads no index);
    // its context panel is refused while the index is away, never made from one read in
    // part.
    assert!(app.context_preparing());
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    press(&mut app, KeyCode::Char('x'));
    if app.context_preparing() {
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down stays open")
        };
        assert!(d.context.is_none());
        assert!(
            app.status.contains("indexed once the load is done"),
            "{}",
            app.status
        );
    }
    app.wait_for_context();
    assert_eq!(app.report.context.len(), once.report.context.len());
    press(&mut app, KeyCode::Esc);
    settle(&mut app);
    assert!(app.loading.done);
    assert!(!screen(&app, 160, 45).contains("indexing related records"));
    assert_eq!(screen(&app, 160, 45), screen(&once, 160, 45));
    let (a, b) = (drill_downs(&mut app), drill_downs(&mut once));
    assert_eq!(a, b);
    // Not vacuous: hints read from the context index are among them.
    for badge in ["reset", "signin", "first"] {
        assert!(
            a.iter().any(|d| d.contains(&format!("\"{badge}"))),
            "no {badge} hint in {a:?}"
        );
    }
}

#[test]
fn a_load_stopped_by_an_error_says_so_at_once_while_the_index_is_prepared() {
    let mut app = taken(&samples(), true, Some("disk gone".to_owned()));
    assert!(app.loading.done);
    assert_eq!(app.loading.error.as_deref(), Some("disk gone"));
    assert!(screen(&app, 160, 45).contains("load stopped: disk gone"));
    settle(&mut app);
    assert!(!app.context_preparing());
    assert_eq!(app.loading.error.as_deref(), Some("disk gone"));
}

#[test]
fn a_report_asked_for_while_the_index_is_prepared_waits_for_it() {
    let paths = samples();
    let mut app = taken(&paths, true, None);
    let mut once = taken(&paths, false, None);
    settle(&mut once);
    assert!(app.context_preparing());
    app.apply(Action::Intent(Intent::CopyReport));
    assert!(!app.context_preparing(), "the report reads the whole index");
    assert_eq!(app.report.context.len(), once.report.context.len());
    assert_ne!(app.report.context.len(), 0);
}

/// An STS event of `account` changing `target`'s refresh token.
fn sts_line(id: usize, account: &str, target: usize) -> String {
    serde_json::json!({
        "Timestamp": format!("2021-03-01T09:{:02}:00Z", id % 60),
        "ActionType": "Update StsRefreshTokenValidFrom Timestamp.",
        "AccountObjectId": format!("obj-{account}"),
        "AccountDisplayName": format!("{account}@contoso.com"),
        "IPAddress": "203.0.113.5",
        "IsAnonymousProxy": false,
        "ISP": "Contoso ISP",
        "RawEventData": {
            "CreationTime": format!("2021-03-01T09:{:02}:00", id % 60),
            "Id": format!("{id:08}-aaaa-bbbb-cccc-000000000000"),
            "Operation": "Update StsRefreshTokenValidFrom Timestamp.",
            "RecordType": 8,
            "UserId": format!("{account}@contoso.com"),
            "ModifiedProperties": [{
                "Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\r\n  \"2021-02-28T08:58:00Z\"\r\n]",
                "NewValue": "[\r\n  \"2021-03-01T08:58:00Z\"\r\n]",
            }],
            "Actor": [{"ID": format!("{account}@contoso.com"), "Type": 5}],
            "Target": [{"ID": format!("user{target}@contoso.com"), "Type": 5}],
            "ActorIpAddress": "203.0.113.5",
            "Workload": "AzureActiveDirectory",
        }
    })
    .to_string()
}

#[test]
fn rows_text_made_a_slice_a_frame_ends_as_made_at_once_and_keys_are_answered_meanwhile() {
    // 60 rows of 4 events each, every event of another target: each row's text changes as
    // its events arrive.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.jsonl");
    let lines: Vec<String> = (0..240)
        .map(|k| sts_line(k, &format!("acct{}", k % 60), k))
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let paths = [path];
    let load = |budget: Option<std::time::Duration>| {
        let mut app = App::new("j.jsonl", "a", HashMap::new());
        app.hint_budget = budget;
        for m in messages(&paths) {
            app.apply(m);
            app.apply(Action::Tick);
        }
        app.apply(Action::Sorting);
        app.apply(Action::LoadFinished { error: None });
        sized(app, 160, 45)
    };
    // The least a slice does (16 rows a frame).
    let mut sliced = load(Some(std::time::Duration::ZERO));
    assert_eq!(sliced.findings.order.len(), 60);
    let counts = |app: &App| -> Vec<String> {
        let col = app
            .findings
            .columns
            .iter()
            .position(|c| *c == sts_triage::tui::columns::Column::Events)
            .unwrap();
        app.findings
            .items
            .iter()
            .map(|it| it.cells.get(col).unwrap_or_default().to_owned())
            .collect()
    };
    // Some rows show their text as last made (one event) until their slice comes.
    assert!(sliced.has_pending_work());
    assert!(
        counts(&sliced).iter().any(|c| c == "1"),
        "{:?}",
        counts(&sliced)
    );
    assert!(
        counts(&sliced).iter().any(|c| c == "4"),
        "{:?}",
        counts(&sliced)
    );
    // A key is answered meanwhile.
    press(&mut sliced, KeyCode::Char('j'));
    assert_eq!(sliced.findings.cursor, 1);
    press(&mut sliced, KeyCode::Char('k'));
    settle(&mut sliced);
    assert!(
        counts(&sliced).iter().all(|c| c == "4"),
        "{:?}",
        counts(&sliced)
    );
    let mut once = load(None);
    settle(&mut once);
    let cells = |app: &App| -> Vec<Vec<String>> {
        app.findings
            .items
            .iter()
            .map(|it| {
                (0..it.cells.len())
                    .map(|c| it.cells.get(c).unwrap_or_default().to_owned())
                    .collect()
            })
            .collect()
    };
    assert_eq!(cells(&sliced), cells(&once));
    assert_eq!(screen(&sliced, 160, 45), screen(&once, 160, 45));
    assert_eq!(drill_downs(&mut sliced), drill_downs(&mut once));
}

/// During the load the related records are not indexed yet: the context panel is refused
/// (it would say "no related record" of an event that has some), and opens after the load.
#[test]
fn the_context_panel_is_refused_while_the_files_are_read() {
    let paths = samples();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    let all = messages(&paths);
    let half = all.len() / 2;
    for m in all.into_iter().take(half) {
        app.apply(m);
        app.apply(Action::Tick);
    }
    assert!(!app.loading.done);
    let mut app = sized(app, 160, 45);
    assert!(
        !app.findings.order.is_empty(),
        "rows arrived in the first half"
    );
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Drill(_)));
    press(&mut app, KeyCode::Char('x'));
    let Overlay::Drill(d) = &app.overlay else {
        panic!("the drill-down stays open")
    };
    assert!(d.context.is_none(), "no panel from an index not read yet");
    assert!(
        app.status.contains("indexed once the load is done"),
        "{}",
        app.status
    );
    assert!(!screen(&app, 160, 45).contains("No related record"));
}
