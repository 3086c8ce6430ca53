#![allow(clippy::panic, clippy::unwrap_used)]
//! `E` and `Y` never freeze the workbench: the report is made off the key path. Driven as
//! the event loop drives it (`tui::frame` with a shell, keys through the inbox), with the
//! report's worker held at its start (`Shell::hold_report`) so that what is seen while it
//! is in progress does not depend on how fast it is made: the key is answered at once with
//! `writing report… 0%`, keys are answered meanwhile, a second `E` says one runs, the file
//! is the bytes `sts-triage report` writes for the journal as it was at the key press, and
//! quitting waits for the report and says what became of it.

use crate::support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::app::App;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::Theme;
use sts_triage::tui::wake::{self, Inbox, InputSender};
use sts_triage::tui::{Flow, Shell, frame};

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

struct Bench {
    terminal: Terminal<TestBackend>,
    input: InputSender,
    inbox: Inbox,
    data_left: bool,
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        let (input, _data, inbox) = wake::channels(4);
        Self {
            terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
            input,
            inbox,
            data_left: false,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn journal(&self) -> PathBuf {
        self.dir.path().join("w.sts-triage.jsonl")
    }

    /// The workbench on the fixture (copied beside the journal), loaded.
    fn app(&self) -> (App, PathBuf) {
        let input = self.dir.path().join("workbench.jsonl");
        std::fs::copy(FIXTURE, &input).unwrap();
        let report = scan_paths(std::slice::from_ref(&input), &ScanOptions::default()).unwrap();
        let app = App::new(
            &self.journal().display().to_string(),
            "alice",
            HashMap::new(),
        )
        .with_report(report);
        (app, input)
    }

    /// The workbench loaded and its shell, with a decision made first (`1`: the report holds
    /// it, and names the journal's one entry); the input, and what `sts-triage report`
    /// writes for the journal as it is then.
    fn decided_once<'k>(&mut self, keymap: &'k Keymap) -> (App, Shell<'k>, PathBuf, String) {
        let (mut app, input) = self.app();
        let mut shell = Shell::new(
            keymap,
            Theme { color: false },
            self.journal(),
            Arc::new(AtomicBool::new(false)),
        );
        self.key(&mut app, &mut shell, '1');
        let expected = cli_report(&input, &self.journal());
        (app, shell, input, expected)
    }

    /// Types `c` and runs one frame; what the frame did.
    fn key(&mut self, app: &mut App, shell: &mut Shell, c: char) -> Flow {
        let k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert!(self.input.send(Ok(Event::Key(k))));
        frame(
            &mut self.terminal,
            app,
            shell,
            &self.inbox,
            &mut self.data_left,
        )
        .unwrap()
    }

    /// Frames until the report is done (each waits at most the progress interval).
    fn until_done(&mut self, app: &mut App, shell: &mut Shell) {
        for _ in 0..6_000 {
            if !shell.writing_report() {
                return;
            }
            let flow = frame(
                &mut self.terminal,
                app,
                shell,
                &self.inbox,
                &mut self.data_left,
            )
            .unwrap();
            assert_ne!(flow, Flow::Quit);
        }
        panic!("the report was never done");
    }
}

/// `sts-triage report` on the input with the journal as it is now.
fn cli_report(input: &Path, journal: &Path) -> String {
    support::stdout_of(&[
        "report".as_ref(),
        input.as_os_str(),
        "--journal".as_ref(),
        journal.as_os_str(),
    ])
}

#[test]
fn e_is_answered_at_once_and_keys_move_while_the_report_is_written() {
    let mut bench = Bench::new();
    let keymap = Keymap::default_map().unwrap();
    let (mut app, mut shell, input, expected) = bench.decided_once(&keymap);
    let (open, gate) = mpsc::channel();
    shell.hold_report(gate);

    bench.key(&mut app, &mut shell, 'E');
    assert!(
        app.status.starts_with("writing report… 0%"),
        "{}",
        app.status
    );
    assert!(shell.writing_report());
    let screen = support::text(&bench.terminal);
    assert!(screen.contains("writing report… 0%"), "{screen}");

    // Keys are answered while it is made: moves, and a decision (not in this report).
    let cursor = app.findings.cursor;
    bench.key(&mut app, &mut shell, 'j');
    bench.key(&mut app, &mut shell, 'j');
    assert_eq!(app.findings.cursor, cursor + 2);
    bench.key(&mut app, &mut shell, '2');
    assert!(shell.writing_report(), "held: still in progress");

    // A second E while one runs says so and starts nothing.
    bench.key(&mut app, &mut shell, 'E');
    assert!(
        app.status
            .contains("one report at a time: this export was not started"),
        "{}",
        app.status
    );

    open.send(()).unwrap();
    bench.until_done(&mut app, &mut shell);
    let path = bench.dir.path().join("w.sts-triage.report.md");
    assert!(
        app.status
            .starts_with(&format!("report written: {}", path.display())),
        "{}",
        app.status
    );
    assert!(
        app.status
            .contains("it holds the decisions as of the key press (1 made since are not in it)"),
        "{}",
        app.status
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written, expected,
        "E's file and `sts-triage report` at the key press differ"
    );
    // The decision made meanwhile is in the journal, and in the next report.
    assert_ne!(cli_report(&input, &bench.journal()), expected);
    bench.key(&mut app, &mut shell, 'E');
    bench.until_done(&mut app, &mut shell);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        cli_report(&input, &bench.journal())
    );
    assert!(!app.status.contains("made since"), "{}", app.status);
}

#[test]
fn quitting_while_the_report_is_written_waits_for_it_and_says_where_it_went() {
    let mut bench = Bench::new();
    let keymap = Keymap::default_map().unwrap();
    let (mut app, mut shell, _input, expected) = bench.decided_once(&keymap);
    let (open, gate) = mpsc::channel::<()>();
    shell.hold_report(gate);
    bench.key(&mut app, &mut shell, 'E');
    assert!(shell.writing_report());
    // The worker starts once the gate's sender is gone; the quit does not wait for the
    // loop's next frame to find it.
    drop(open);
    assert_eq!(bench.key(&mut app, &mut shell, 'q'), Flow::Quit);
    assert!(!shell.writing_report());
    let path = bench.dir.path().join("w.sts-triage.report.md");
    let said = shell.farewell().unwrap_or_default();
    assert!(
        said.starts_with(&format!("report written: {}", path.display())),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}

#[test]
fn y_says_copying_at_once_and_a_second_y_is_not_started() {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.apply(sts_triage::tui::action::Action::Intent(
        sts_triage::tui::action::Intent::CopyReport,
    ));
    assert_eq!(app.status, "copying report… 0%");
    assert_eq!(app.effects.len(), 1, "one report asked of the shell");
    app.apply(sts_triage::tui::action::Action::ReportProgress {
        percent: 40,
        quitting: false,
    });
    assert_eq!(app.status, "copying report… 40%");
    app.apply(sts_triage::tui::action::Action::Intent(
        sts_triage::tui::action::Intent::CopyReport,
    ));
    assert_eq!(
        app.status,
        "copying report… 40% · one report at a time: this copy was not started"
    );
    assert_eq!(app.effects.len(), 1, "the second Y asked nothing more");
    // The figure goes on changing; the words stay.
    app.apply(sts_triage::tui::action::Action::ReportProgress {
        percent: 41,
        quitting: false,
    });
    assert_eq!(
        app.status,
        "copying report… 41% · one report at a time: this copy was not started"
    );
}
