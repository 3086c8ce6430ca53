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

/// `verify` of the report of a stopped load, made truthfully: the load read the first
/// `kept` lines of `evidence-100k.jsonl` (a name with digits, which `verify` once showed
/// as `evidence-k.jsonl`), then the analyst stopped it; the file holds more after them.
/// Returns the report, the journal (no decision: empty) and the file.
fn stopped_report(dir: &std::path::Path, kept: usize) -> (String, PathBuf, PathBuf) {
    let path = dir.join("evidence-100k.jsonl");
    let all = std::fs::read_to_string(FIXTURE).unwrap();
    let lines: Vec<&str> = all.split_inclusive('\n').collect();
    // The loader's messages for the first `kept` lines, as it sent them before the stop.
    std::fs::write(&path, lines[..kept].concat()).unwrap();
    let msgs = crate::support::scan_messages(std::slice::from_ref(&path));
    std::fs::write(&path, &all).unwrap();
    let journal = dir.join("j.jsonl");
    std::fs::write(&journal, "").unwrap();
    let mut app = App::new(&journal.display().to_string(), "a", HashMap::new());
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: all.len() as u64,
        names: vec![path.display().to_string()],
    });
    for m in msgs {
        match m {
            ScanMessage::FileDone(mut summary) => {
                app.apply(Action::Intent(Intent::CancelOrQuit));
                app.apply(Action::Scan(ScanMessage::Progress {
                    bytes: summary.bytes + 100,
                    records: summary.records,
                }));
                // The loader names the file's size on disk, not the bytes read.
                summary.bytes = all.len() as u64;
                app.apply(Action::Scan(ScanMessage::FileDone(summary)));
            }
            m => app.apply(Action::Scan(m)),
        }
    }
    app.apply(Action::LoadFinished { error: None });
    (sts_triage::tui::report_markdown(&app), journal, path)
}

fn verify(report: &str, journal: &std::path::Path, input: &std::path::Path) -> (u8, String) {
    let report_path = journal.with_file_name("partial.report.md");
    std::fs::write(&report_path, report).unwrap();
    let mut out = Vec::new();
    let code = sts_triage::verify::run(
        journal,
        Some(&report_path),
        &[input.to_path_buf()],
        &sts_triage::load::ScanOptions::default(),
        &mut out,
    )
    .unwrap();
    (code, String::from_utf8(out).unwrap())
}

#[test]
fn verify_says_first_and_once_that_a_stopped_loads_report_is_partial_and_checks_the_records_read() {
    let dir = tempfile::tempdir().unwrap();
    let (report, journal, input) = stopped_report(dir.path(), 7);
    assert!(report.contains("> **PARTIAL LOAD.**"), "{report}");
    let name = input.display().to_string();
    let (code, out) = verify(&report, &journal, &input);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(
            "PARTIAL: this report covers a stopped load (load stopped by the analyst: "
        ) && lines[0].contains(&format!(
            "its rows and counts are checked against a scan of the first 7 records of {name}"
        )),
        "{out}"
    );
    assert_eq!(out.matches("PARTIAL:").count(), 1, "{out}");
    // Everything checkable matches: no difference, and a status of its own (not 0).
    assert!(!out.contains("DIFFERS"), "{out}");
    assert!(
        out.contains("of the whole file, as the report says"),
        "{out}"
    );
    assert!(lines.last().unwrap().starts_with("PARTIAL OK: "), "{out}");
    assert_eq!(code, 3, "{out}");

    // A verdict rewritten in the report is one difference of that row, said after the
    // PARTIAL line; the report's quoted lines are never shown garbled.
    let row = report
        .lines()
        .find(|l| l.starts_with("| 20") && l.contains("| unreviewed |"))
        .unwrap();
    let forged = report.replacen(row, &row.replace("| unreviewed |", "| legitimate |"), 1);
    let (code, out) = verify(&forged, &journal, &input);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("PARTIAL: "), "{out}");
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("DIFFERS row "))
        .collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(
        rows[0]
            .contains("verdict: the report says \"legitimate\", the journal gives \"unreviewed\""),
        "{out}"
    );
    assert!(
        !out.contains("evidence-k.jsonl") && !out.contains(": the report says >"),
        "{out}"
    );
}

#[test]
fn verify_of_a_report_made_while_the_load_ran_says_its_rows_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    std::fs::write(&journal, "").unwrap();
    let (app, _) = half_loaded(&journal.display().to_string());
    let report = sts_triage::tui::report_markdown(&app);
    let (code, out) = verify(&report, &journal, std::path::Path::new(FIXTURE));
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("PARTIAL: this report covers a load not finished when it was made")
            && first.contains("its rows and counts are not checked"),
        "{out}"
    );
    // No false difference row by row: the journal (empty, as the report says) matches.
    assert!(!out.contains("DIFFERS"), "{out}");
    assert_eq!(code, 3, "{out}");
}
