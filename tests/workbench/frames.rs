#![allow(clippy::panic, clippy::unwrap_used)]

//! The event loop's frames (`sts_triage::tui::frame`) on a test terminal, fed as the
//! terminal reader and the loader feed them: a key is answered (drawn) before the loader's
//! batches waiting beside it are taken, and a filter typed while batches arrive ends with
//! exactly the rows a workbench opened on the finished scan shows.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use sts_triage::load::ScanMessage;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, View};
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::Theme;
use sts_triage::tui::wake::{self, Inbox, InputSender};
use sts_triage::tui::{Flow, Shell, frame};
use tui_input::InputRequest;

use crate::support::{keys_of, scan_messages};

/// Synthetic CloudAppEvents STS records: six accounts, three addresses, one in seven a
/// near miss (the operation without its final period).
fn messages() -> Vec<ScanMessage> {
    let accounts = ["alice", "bob", "carol", "dave", "erin", "frank"];
    let ips = ["203.0.113.5", "198.51.100.7", "192.0.2.44"];
    let mut lines = Vec::new();
    for k in 0..300usize {
        let account = accounts[k % accounts.len()];
        let ip = ips[(k / 5) % ips.len()];
        let op = if k % 7 == 0 {
            "Update StsRefreshTokenValidFrom Timestamp"
        } else {
            "Update StsRefreshTokenValidFrom Timestamp."
        };
        let day = 1 + (k * 13) % 28;
        let t = format!("2021-03-{day:02}T09:30:00Z");
        lines.push(
            serde_json::json!({
                "Timestamp": t,
                "ActionType": op,
                "AccountObjectId": format!("0000000{}-0000-0000-0000-000000000000", k % 6),
                "AccountDisplayName": format!("{account}@contoso.com"),
                "IPAddress": ip,
                "ISP": "Contoso Telecom",
                "IsAnonymousProxy": false,
                "ReportId": format!("r-{k}"),
                "RawEventData": {
                    "Id": format!("00000000-0000-0000-0000-{k:012}"),
                    "Operation": op,
                    "ModifiedProperties": [{
                        "Name": "StsRefreshTokensValidFrom",
                        "NewValue": format!("[\r\n  \"2021-03-{day:02}T09:28:00Z\"\r\n]"),
                        "OldValue": format!("[\r\n  \"2021-02-{day:02}T09:28:00Z\"\r\n]"),
                    }],
                    "Actor": [{"ID": format!("{account}@contoso.com"), "Type": 5}],
                    "Target": [{"ID": format!("user{}@contoso.com", k % 9), "Type": 5}],
                },
            })
            .to_string(),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sts.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    scan_messages(&[path])
}

fn key(code: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The workbench opened on the finished scan, with the filter typed.
fn from_scratch(app: &App, filter: &str) -> App {
    let mut fresh = App::new("j.jsonl", "a", HashMap::new()).with_report(app.report.clone());
    fresh.apply(Action::Intent(Intent::StartFilter));
    for c in filter.chars() {
        fresh.apply(Action::Edit(InputRequest::InsertChar(c)));
    }
    fresh.apply(Action::Submit);
    while fresh.filtering() {
        fresh.apply(Action::Tick);
    }
    fresh
}

struct Bench {
    terminal: Terminal<TestBackend>,
    keymap: Keymap,
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        Self {
            terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
            keymap: Keymap::default_map().unwrap(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// One frame; how many terminal events it took.
    fn frame(&mut self, app: &mut App, inbox: &Inbox, data_left: &mut bool) -> usize {
        let journal = self.dir.path().join("j.jsonl");
        let mut shell = Shell::new(
            &self.keymap,
            Theme { color: false },
            journal,
            Arc::new(AtomicBool::new(false)),
        );
        match frame(&mut self.terminal, app, &mut shell, inbox, data_left).unwrap() {
            Flow::Continue { inputs } => inputs,
            Flow::Quit => panic!("the workbench quit"),
        }
    }
}

#[test]
fn a_key_is_drawn_before_the_batches_waiting_beside_it_are_taken() {
    let msgs = messages();
    let half = msgs.len() / 2;
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    let mut msgs = msgs.into_iter();
    for m in msgs.by_ref().take(half) {
        app.apply(Action::Scan(m));
    }
    app.apply(Action::Tick);
    let rows = app.findings.items.len() + app.near.items.len();
    assert!(app.findings.order.len() > 2);
    let (input, data, inbox): (InputSender, _, Inbox) = wake::channels(4);
    let rest: Vec<Action> = msgs.map(Action::Scan).collect();
    assert!(data.send(rest));
    assert!(input.send(key(KeyCode::Char('j'))));
    let mut bench = Bench::new();
    let mut data_left = false;
    assert_eq!(bench.frame(&mut app, &inbox, &mut data_left), 1);
    // The key moved the highlight, and that frame took none of the rows waiting.
    assert_eq!(app.findings.cursor, 1);
    assert_eq!(app.findings.items.len() + app.near.items.len(), rows);
    assert!(data_left, "the next frame starts at once for what waits");
    assert_eq!(bench.frame(&mut app, &inbox, &mut data_left), 0);
    assert!(app.findings.items.len() + app.near.items.len() > rows);
    assert_eq!(app.findings.cursor, 1, "the highlighted row stays put");
}

#[test]
fn a_filter_typed_in_frames_while_batches_arrive_shows_exactly_the_matching_rows() {
    let msgs = messages();
    let (input, data, inbox) = wake::channels(64);
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.filter_step = 3;
    let mut bench = Bench::new();
    let mut data_left = false;
    assert!(input.send(key(KeyCode::Char('/'))));
    let typed = "bob 198";
    let mut chars = typed.chars();
    let mut msgs = msgs.into_iter().peekable();
    while msgs.peek().is_some() {
        let chunk: Vec<Action> = msgs.by_ref().take(7).map(Action::Scan).collect();
        assert!(data.send(chunk));
        if let Some(c) = chars.next() {
            assert!(input.send(key(KeyCode::Char(c))));
        }
        bench.frame(&mut app, &inbox, &mut data_left);
        // What is shown while rows and keys arrive matches the filter applied so far.
        let scratch = from_scratch(&app, &app.filter.clone());
        for view in [View::Findings, View::NearMisses] {
            let want = keys_of(&scratch, view);
            for k in keys_of(&app, view) {
                assert!(
                    want.contains(&k),
                    "{view:?}: {k} shown, filter {:?}",
                    app.filter
                );
            }
        }
    }
    assert!(input.send(key(KeyCode::Enter)));
    assert!(data.send(vec![Action::LoadFinished { error: None }]));
    let mut frames = 0;
    while data_left || app.filtering() || !app.loading.done {
        bench.frame(&mut app, &inbox, &mut data_left);
        frames += 1;
        assert!(frames < 10_000, "the filter never ends");
    }
    assert_eq!(app.filter, typed);
    let scratch = from_scratch(&app, typed);
    for view in [View::Findings, View::NearMisses] {
        assert_eq!(keys_of(&app, view), keys_of(&scratch, view), "{view:?}");
    }
    assert!(!keys_of(&app, View::Findings).is_empty());
}
