#![allow(clippy::panic, clippy::unwrap_used)]

//! The related records read after the rows (the loader's second pass over the files,
//! `load::context_pass`): until they are in, the screen shows no hint and no context made
//! without them (the Hints column's pending mark, the header's `indexing related records
//! N%…`, the context panel refused, a report waiting); once they are in, every hint, drill-
//! down and context panel is the one-pass load's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;
use sts_triage::context::{ContextIndex, Coverage};
use sts_triage::load::ScanOptions;
use sts_triage::load::context_pass::{context_only_options, read_file_context};
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Effect, Overlay};
use sts_triage::tui::columns::{Column, finding};

mod support;
use support::{press, screen, sized};

fn samples() -> Vec<PathBuf> {
    support::export_files("assets/samples")
}

/// A workbench given the first pass's messages for `paths` (`context` off when
/// `two_passes`, the loader then saying first that the related records come after) and
/// the load's end.
fn first_pass(paths: &[PathBuf], two_passes: bool) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    if two_passes {
        app.apply(Action::ContextLater);
    }
    app.apply(Action::LoadPlan {
        files: paths.len(),
        bytes: 0,
        names: paths.iter().map(|p| p.display().to_string()).collect(),
    });
    let opts = ScanOptions {
        context: !two_passes,
        ..ScanOptions::default()
    };
    sts_triage::scan::scan_paths_with(paths, &opts, &mut |m| {
        app.apply(Action::Scan(m));
        app.apply(Action::Tick);
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    sized(app, 160, 45)
}

/// The second pass as the loader makes it: every file read again for its context.
fn second_pass(app: &App) -> ContextIndex {
    let opts = context_only_options(&ScanOptions {
        context: false,
        ..ScanOptions::default()
    });
    let mut index = ContextIndex::default();
    for f in &app.report.files {
        read_file_context(Path::new(&f.path), &opts, &mut index, &mut |_| {}).unwrap();
    }
    index
}

fn settle(app: &mut App) {
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
}

/// Each flagged row's Hints cell as the table shows it.
fn hint_cells(app: &App) -> Vec<String> {
    let col = finding(Column::Hint);
    (0..app.findings.items.len())
        .map(|i| app.cell(&app.findings, i, col))
        .collect()
}

/// Each flagged row's drill-down (hints, screen) and context panel (its timeline, or the
/// status that refused it).
fn drill_downs(app: &mut App) -> Vec<String> {
    let mut out = Vec::new();
    for pos in 0..app.findings.order.len() {
        app.findings.cursor = pos;
        press(app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down opens on row {pos}")
        };
        let mut text = format!("{:?}\n{}", d.hints, screen(app, 160, 45));
        press(app, KeyCode::Char('x'));
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down stays open on row {pos}")
        };
        match &d.context {
            Some(p) => {
                for i in 0..p.rows.len() {
                    let t = p.row_text(&app.report, i);
                    text.push_str(&format!("\n{} {} {}", t.offset, t.why, t.what));
                }
                press(app, KeyCode::Char('x'));
            }
            None => text.push_str(&format!("\nno panel: {}", app.status)),
        }
        press(app, KeyCode::Esc);
        out.push(text);
    }
    out
}

#[test]
fn the_context_read_after_the_rows_gives_the_one_pass_hints_and_panels_and_none_before() {
    let paths = samples();
    let mut once = first_pass(&paths, false);
    settle(&mut once);
    let mut app = first_pass(&paths, true);
    settle(&mut app);
    // Every row is in and the load is done; the related records are not.
    assert!(app.loading.done);
    assert!(app.context_reading());
    assert_eq!(app.findings.items.len(), once.findings.items.len());
    assert!(app.report.context.is_empty());
    // No hint is made: each Hints cell shows the pending mark, never a blank that reads as
    // "no hint"; the header says the related records are being read.
    let cells = hint_cells(&app);
    assert!(cells.iter().all(|c| c.ends_with('…')), "{cells:?}");
    app.apply(Action::ContextProgress {
        bytes: 40,
        total: 100,
    });
    settle(&mut app);
    let top = screen(&app, 160, 45);
    assert!(top.contains("indexing related records 40%…"), "{top}");
    assert!(top.contains('…'));
    // The drill-down opens and says that hints may come; its context panel is refused
    // with a word, never made from an index not read.
    for d in drill_downs(&mut app) {
        assert!(d.contains("hints not made yet"), "{d}");
        assert!(
            d.contains("no panel: related records are being read (40%"),
            "{d}"
        );
    }
    // A report asked for now waits for the related records, and says so.
    press(&mut app, KeyCode::Char('Y'));
    assert!(
        app.status
            .contains("the report waits for the related records (40% read)"),
        "{}",
        app.status
    );
    assert!(
        !app.effects
            .iter()
            .any(|e| matches!(e, Effect::Report { .. })),
        "no report is made before the related records are in"
    );
    app.effects.clear();

    // The second pass ends: its index comes prepared.
    let index = second_pass(&app);
    app.apply(Action::ContextRead {
        index: Some(Box::new(index)),
        missing: None,
        unread: Vec::new(),
    });
    settle(&mut app);
    assert!(!app.context_reading());
    assert!(
        app.effects
            .iter()
            .any(|e| matches!(e, Effect::Report { .. })),
        "the waiting report is made once they are in"
    );
    app.effects.clear();
    app.report_writing = None;
    assert_eq!(app.report.context.len(), once.report.context.len());
    assert_eq!(hint_cells(&app), hint_cells(&once));
    assert!(!hint_cells(&app).iter().any(|c| c.ends_with('…')));
    // The status line said the report's start: the drill-downs are compared from the
    // status the one-pass workbench shows.
    app.status.clone_from(&once.status);
    let (a, b) = (drill_downs(&mut app), drill_downs(&mut once));
    assert_eq!(a, b);
    // Not vacuous: context hints and related records are among them.
    let all = b.join("\n");
    for badge in ["reset", "signin", "first"] {
        assert!(all.contains(&format!("\"{badge}: ")), "no {badge} hint");
    }
    assert!(
        b.iter().any(|d| !d.contains("no panel:")),
        "a context panel"
    );
}

#[test]
fn a_report_made_during_the_first_pass_says_the_related_records_were_not_read() {
    let paths = samples();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.apply(Action::ContextLater);
    app.apply(Action::LoadPlan {
        files: paths.len(),
        bytes: 0,
        names: paths.iter().map(|p| p.display().to_string()).collect(),
    });
    let gaps = app.load_gaps().unwrap();
    assert!(gaps.context_unread);
    assert!(
        gaps.describe().contains("related records not read"),
        "{}",
        gaps.describe()
    );
    // A stopped load never reads them: said too.
    app.apply(Action::ContextRead {
        index: None,
        missing: None,
        unread: Vec::new(),
    });
    assert!(!app.context_reading());
    assert!(app.load_gaps().unwrap().context_unread);
}

/// The workbench's load of `path` as its loader makes it, with `between` run after the rows
/// pass and before what follows it (the related records, the hashes): the state after both.
fn loaded_in_two_passes(path: &Path, between: impl FnOnce()) -> App {
    let paths = [path.to_owned()];
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.apply(Action::ContextLater);
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: 0,
        names: vec![path.display().to_string()],
    });
    let opts = ScanOptions {
        context: false,
        ..ScanOptions::default()
    };
    let mut files = sts_triage::tui::FilesRead::default();
    sts_triage::scan::scan_paths_with(&paths, &opts, &mut |m| {
        files.note(&m);
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    between();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    sts_triage::tui::after_rows(&files, true, true, &opts, &cancel, &mut |a| app.apply(a));
    settle(&mut app);
    app
}

/// Breaker 13 #5: a line appended to the input while the workbench loaded it (an export
/// still being written). Its related records are not read (they could be of other bytes
/// than the rows'), and the report said `no related records` on every row with nothing to
/// say why, and a SHA-256 of the file as it was when the report was made beside the size
/// it had when the load opened it. The report says first that they were not read, naming
/// the file and why, and gives no hash of bytes it did not read.
#[test]
fn a_file_grown_during_the_load_is_reported_without_its_related_records_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.jsonl");
    let sample = std::fs::read("assets/samples/ual-management-api.jsonl").unwrap();
    std::fs::write(&path, &sample).unwrap();
    let name = path.display().to_string();
    let file_line = |report: &str| {
        report
            .lines()
            .find(|l| l.starts_with("  - ") && l.contains("export.jsonl"))
            .unwrap_or_else(|| panic!("no line for the file:\n{report}"))
            .to_owned()
    };

    // Unchanged: no banner, the hash of the bytes read, context from its related records.
    let app = loaded_in_two_passes(&path, || {});
    let report = sts_triage::tui::report_markdown(&app);
    assert!(!report.contains("RELATED RECORDS NOT READ"), "{report}");
    let whole = sts_triage::load::sha256_file(&path).unwrap();
    assert!(file_line(&report).contains(&whole), "{report}");
    assert!(app.related_not_read().is_empty());

    // A record appended between the rows and the related records.
    let last = sample[..sample.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let app = loaded_in_two_passes(&path, || {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, &sample[last..]).unwrap();
    });
    let report = sts_triage::tui::report_markdown(&app);
    let banner = report
        .lines()
        .skip_while(|l| !l.contains("RELATED RECORDS NOT READ"))
        .take_while(|l| l.starts_with('>'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        banner.contains("from 1 file:") && banner.contains("is no finding"),
        "{report}"
    );
    assert!(
        banner.contains(&name) && banner.contains("the file changed during the load"),
        "names the file and why: {banner}"
    );
    // Said before the rows, under the title.
    assert!(report.find("RELATED RECORDS NOT READ") < report.find("- Files:"));
    // No hash of the file as it is now (not the bytes read), nor of it as it was.
    let now = sts_triage::load::sha256_file(&path).unwrap();
    let line = file_line(&report);
    assert!(
        !line.contains(&now) && !line.contains(&whole),
        "no hash of other bytes: {line}"
    );
    assert!(
        line.contains("SHA-256 unavailable") && line.contains("changed during the load"),
        "{line}"
    );
    assert!(
        line.contains(&format!("{} bytes", sample.len()))
            && line.contains("its size is the one it had when the load opened it"),
        "the size says what it is: {line}"
    );
}

/// The samples loaded in two passes and stopped: before the related records were read
/// (`rows_complete` false: Ctrl+C during the rows, as the loader then skips the second
/// pass), or while they were read (the rows all in, the stop seen by the second pass).
fn stopped_in_two_passes(rows_complete: bool) -> App {
    let paths = samples();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.apply(Action::ContextLater);
    app.apply(Action::LoadPlan {
        files: paths.len(),
        bytes: 0,
        names: paths.iter().map(|p| p.display().to_string()).collect(),
    });
    let opts = ScanOptions {
        context: false,
        ..ScanOptions::default()
    };
    let mut files = sts_triage::tui::FilesRead::default();
    sts_triage::scan::scan_paths_with(&paths, &opts, &mut |m| {
        files.note(&m);
        app.apply(Action::Scan(m));
    })
    .unwrap();
    if !rows_complete {
        app.apply(Action::Intent(
            sts_triage::tui::action::Intent::CancelOrQuit,
        ));
    }
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    let cancel = std::sync::atomic::AtomicBool::new(true);
    sts_triage::tui::after_rows(&files, rows_complete, true, &opts, &cancel, &mut |a| {
        app.apply(a);
    });
    settle(&mut app);
    sized(app, 160, 45)
}

/// Newbie 15 #1: Ctrl+C stopped the load before the related records were read, and `x`
/// said `context: 0 related` and "none shares the event's correlation, target or actor"
/// of an event with thousands; each report row's Context said `no related records`. The
/// index says what it lacks, and every reader says it: the panel, the status, the report's
/// Context cells, a copied row; no context hint that reads them is claimed or denied.
#[test]
fn after_a_stopped_load_nothing_says_no_related_record_and_no_context_hint_is_made() {
    let mut once = first_pass(&samples(), false);
    settle(&mut once);
    let badges = |app: &App| hint_cells(app).join(" ");
    let whole = badges(&once);
    for badge in ["reset", "signin", "first", "bulk"] {
        assert!(
            whole.contains(badge),
            "the whole load gives {badge}: {whole}"
        );
    }
    let whole_report = sts_triage::tui::report_markdown(&once);
    assert!(whole_report.contains("related record"), "{whole_report}");
    for (rows_complete, coverage, words) in [
        (
            false,
            Coverage::NotRead,
            "related records not read: the load was stopped before they were read",
        ),
        (
            true,
            Coverage::Part,
            "related records read in part: the load was stopped while they were read",
        ),
    ] {
        let mut app = stopped_in_two_passes(rows_complete);
        assert_eq!(app.report.context.coverage(), coverage);
        assert!(!app.context_reading(), "not waited for forever");
        assert_eq!(app.findings.items.len(), once.findings.items.len());
        // `bulk` reads the STS events alone; `reset`, `signin` and `first` read the related
        // records: none is claimed (nor, by its absence, denied from them).
        let cells = badges(&app);
        assert!(cells.contains("bulk"), "{cells}");
        for badge in ["reset", "signin", "first"] {
            assert!(
                !cells.contains(badge),
                "{badge} from an index not read: {cells}"
            );
        }
        assert!(!cells.contains('…'), "the hints are made: {cells}");
        // The context panel opens and says it, never "no related record".
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char('x'));
        let Overlay::Drill(d) = &app.overlay else {
            panic!("the drill-down is open")
        };
        assert!(d.context.is_some(), "the panel opens: {}", app.status);
        assert!(app.status.starts_with(words), "{}", app.status);
        for (w, h) in [(160, 45), (80, 24)] {
            let s = screen(&app, w, h);
            assert!(s.contains("context: related records not read"), "{s}");
            assert!(s.contains("Related records"), "{s}");
            assert!(!s.contains("No related record"), "{s}");
            assert!(!s.contains("0 related"), "{s}");
        }
        // A row copied on its own (`y`) carries it without the report's banner.
        press(&mut app, KeyCode::Esc);
        app.effects.clear();
        press(&mut app, KeyCode::Char('y'));
        let copied = app
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::Copy { text, .. } => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("y copies: {}", app.status));
        assert!(copied.contains(words), "{copied}");
        assert!(!copied.contains("no related record"), "{copied}");
        // Every row of the report says it in its Context cell.
        let report = sts_triage::tui::report_markdown(&app);
        assert!(!report.contains("no related record"), "{report}");
        let rows: Vec<&str> = report.lines().filter(|l| l.starts_with("| 20")).collect();
        let whole_rows = whole_report
            .lines()
            .filter(|l| l.starts_with("| 20"))
            .count();
        assert_eq!(rows.len(), whole_rows, "{report}");
        for row in rows {
            assert!(row.contains(words), "{row}");
        }
    }
}
