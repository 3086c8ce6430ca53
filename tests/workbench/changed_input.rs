#![allow(clippy::panic, clippy::unwrap_used)]

//! A tester replaced an input while the workbench was open (another export written over
//! it, or its lines reordered at the same size): Enter on the first row showed the tail of
//! one record and then another event's JSON under the first row's title, and the context
//! panel's related records showed whatever now lay at their byte offsets. The evidence is
//! read back by place; the read-back must prove it is the record loaded, or say the file
//! changed. Appends (`--follow`) still read back.

use std::io::Write;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;
use sts_triage::evidence::CHANGED_SINCE_LOAD;
use sts_triage::tui::app::App;

use crate::support::context::doc_text;
use crate::support::{keys, press};

const SAMPLE: &str = "assets/samples/cloudappevents-ah-api.jsonl";

/// A workbench loaded message by message as the loader sends them (events kept lean).
fn loaded(path: &Path) -> App {
    crate::support::loaded(&[path.to_path_buf()])
}

fn copy_of_sample(dir: &Path) -> PathBuf {
    let path = dir.join("e.jsonl");
    std::fs::copy(SAMPLE, &path).unwrap();
    path
}

/// The first row's drill-down text, and the text of its first related record (the
/// context panel's first row, opened with Enter).
fn first_row_evidence(app: &mut App) -> (String, String) {
    keys(app, "gg");
    press(app, KeyCode::Enter);
    let own = doc_text(app);
    keys(app, "x");
    keys(app, "gg");
    press(app, KeyCode::Enter);
    let related = doc_text(app);
    press(app, KeyCode::Esc);
    keys(app, "x");
    press(app, KeyCode::Char('q'));
    (own, related)
}

#[test]
fn an_input_rewritten_since_the_load_shows_no_other_records_bytes() {
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let ual = std::fs::read_to_string("assets/samples/ual-management-api.jsonl").unwrap();
    let head: String = ual.lines().take(3).map(|l| format!("{l}\n")).collect();
    let reversed: String = sample.lines().rev().map(|l| format!("{l}\n")).collect();
    assert_eq!(reversed.len(), sample.len());
    for (how, rewrite) in [
        (
            "another export's lines before it",
            format!("{head}{sample}"),
        ),
        ("its lines reordered at the same size", reversed),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of_sample(dir.path());
        let mut app = loaded(&path);
        let (own, related) = first_row_evidence(&mut app);
        assert!(own.contains("StsRefreshTokenValidFrom"), "{how}: {own}");
        assert!(
            !related.contains("could not be read back"),
            "{how}: {related}"
        );

        // `cat r > e.jsonl`: the same file (inode), other bytes.
        std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap()
            .write_all(rewrite.as_bytes())
            .unwrap();
        let (own, related) = first_row_evidence(&mut app);
        assert!(own.contains(CHANGED_SINCE_LOAD), "{how}: {own}");
        assert!(
            !own.contains('{'),
            "{how}: no JSON of another record: {own}"
        );
        assert!(related.contains(CHANGED_SINCE_LOAD), "{how}: {related}");
    }
}

#[test]
fn an_input_appended_to_since_the_load_still_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut app = loaded(&path);
    let before = first_row_evidence(&mut app);
    let more = std::fs::read_to_string("assets/samples/ual-management-api.jsonl").unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(more.as_bytes())
        .unwrap();
    assert_eq!(first_row_evidence(&mut app), before);
}

/// Breaker 12 #5: after the input changed, the why-panel ticked every clause beside `null`
/// values and said `returned by the query`, and the problems view said nothing. Now no
/// clause is marked that the record cannot back, and `p` names the record.
#[test]
fn after_the_input_changed_the_why_panel_ticks_nothing_and_problems_say_so() {
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let reversed: String = sample.lines().rev().map(|l| format!("{l}\n")).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut app = loaded(&path);
    let e = app.report.findings[0].events[0];
    let ticked = |app: &App| {
        sts_triage::tui::app::why_lines(&app.report, e)
            .iter()
            .filter(|(_, _, ok)| ok.is_some())
            .count()
    };
    assert!(
        ticked(&app) > 3,
        "the clauses are walked while the file is as loaded"
    );
    std::fs::write(&path, reversed.as_bytes()).unwrap();
    let lines = sts_triage::tui::app::why_lines(&app.report, e);
    assert_eq!(ticked(&app), 0, "{lines:?}");
    assert!(lines[0].1.contains(CHANGED_SINCE_LOAD), "{lines:?}");
    assert!(
        !lines
            .iter()
            .any(|(c, v, _)| c == "Result" || v.contains("returned"))
    );
    let before = app.report.problems.len();
    first_row_evidence(&mut app);
    let problems: Vec<String> = app
        .report
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), before + 1, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("could not be read back") && p.contains(CHANGED_SINCE_LOAD)),
        "{problems:?}"
    );
}

/// Breaker 13 #6: a related record rewritten in place with its time and correlation id
/// kept, but another activity, was shown under its old title. The read-back compares the
/// operation, the actor and the target the index holds as well.
#[test]
fn a_related_record_rewritten_with_its_time_and_correlation_kept_is_said_changed() {
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    // Every operation's text upper-cased, at the same length: times, correlation ids and
    // offsets unchanged.
    let mut rewritten = String::new();
    for line in sample.lines() {
        let mut out = line.to_owned();
        for key in ["\"ActionType\":\"", "\"Operation\":\""] {
            let mut from = 0;
            while let Some(at) = out[from..].find(key) {
                let start = from + at + key.len();
                let end = start + out[start..].find('"').unwrap();
                let upper = out[start..end].to_ascii_uppercase();
                out.replace_range(start..end, &upper);
                from = end;
            }
        }
        rewritten.push_str(&out);
        rewritten.push('\n');
    }
    assert_eq!(rewritten.len(), sample.len());
    assert_ne!(rewritten, sample);
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut app = loaded(&path);
    let (_, related) = first_row_evidence(&mut app);
    assert!(!related.contains("could not be read back"), "{related}");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .write_all(rewritten.as_bytes())
        .unwrap();
    let (_, related) = first_row_evidence(&mut app);
    assert!(related.contains(CHANGED_SINCE_LOAD), "{related}");
}
