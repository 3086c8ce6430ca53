#![allow(clippy::panic, clippy::unwrap_used)]
//! A report made before the load is complete (`Y`/`E` during a load, or after Ctrl+C while
//! the loader winds down) says so in its header, from the load state the screen shows.

use std::collections::HashMap;
use std::path::PathBuf;

use sts_triage::load::ScanMessage;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::App;

use crate::support::{render as screen, sized, text};

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

/// A workbench whose load of FIXTURE and `second.jsonl` has read FIXTURE's first five
/// records (700 bytes) and no more.
fn half_loaded(journal: &str) -> (App, u64) {
    let mut app = App::new(journal, "a", HashMap::new());
    let size = std::fs::metadata(FIXTURE).unwrap().len();
    app.apply(Action::LoadPlan {
        files: 2,
        bytes: size + 1000,
        names: vec![FIXTURE.into(), "second.jsonl".into()],
    });
    let msgs = crate::support::scan_messages(&[PathBuf::from(FIXTURE)]);
    let mut events = 0;
    for m in msgs {
        match m {
            ScanMessage::Event(_) if events >= 5 => continue,
            ScanMessage::Event(_) => events += 1,
            ScanMessage::Progress { .. } | ScanMessage::Context(_) => continue,
            ScanMessage::FileDone(_) => break,
            _ => {}
        }
        app.apply(Action::Scan(m));
    }
    app.apply(Action::Scan(ScanMessage::Progress {
        bytes: 700,
        records: 5,
    }));
    (app, size)
}

#[test]
fn a_report_made_during_the_load_says_it_is_partial_and_names_the_files_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let (app, size) = half_loaded(&journal);
    assert!(!app.report.findings.is_empty(), "rows were read");
    let report = sts_triage::tui::report_markdown(&app);
    let head: String = report.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("> **PARTIAL LOAD.** `still loading"),
        "{head}"
    );
    assert!(head.contains("0 of 2 files read"), "{head}");
    assert!(
        head.contains(&format!("700 of {} bytes read", size + 1000)),
        "{head}"
    );
    assert!(
        head.contains(&format!(
            "{FIXTURE} being read, to about byte 700 of {size} (5 records)"
        )),
        "{head}"
    );
    assert!(head.contains("1 file not read yet: second.jsonl"), "{head}");
    assert!(
        head.contains(&format!("> - `{FIXTURE}` (read in part)")),
        "{head}"
    );
    assert!(head.contains("> - `second.jsonl` (not read)"), "{head}");
}

#[test]
fn after_ctrl_c_the_header_and_the_report_say_partial_before_the_loader_has_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let (mut app, _) = half_loaded(&journal);
    app.apply(Action::Intent(Intent::CancelOrQuit));
    // The loader has not answered yet (no LoadFinished): the screen says it already.
    let app = sized(app, 80, 24);
    let s = text(&screen(&app, 80, 24, false));
    assert!(s.contains("PARTIAL LOAD"), "{s}");
    let report = sts_triage::tui::report_markdown(&app);
    assert!(
        report.contains("> **PARTIAL LOAD.** `load stopped by the analyst"),
        "{report}"
    );
    assert!(report.contains("> - `second.jsonl` (not read)"), "{report}");
}
