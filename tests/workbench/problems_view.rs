#![allow(clippy::panic, clippy::unwrap_used)]
//! The problems view (issue 9, "what was not read is visible in the workbench"): every file
//! read with its format, records and STS events and each problem with `file:line` and the
//! cause, every file passed over with why; the header says how many in the warning colour.
//! Driven through the keymap and actions, drawn on ratatui's TestBackend.

use std::collections::HashMap;
use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay};

use crate::support::{drawn as screen, press, text};

/// A folder as analysts have them: an export, an export with a broken line and a repeated
/// record, a zip archive, a picture and an empty file.
fn evidence() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let all = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    std::fs::write(dir.path().join("a-export.jsonl"), &all).unwrap();
    let first = all.lines().next().unwrap();
    std::fs::write(
        dir.path().join("b-broken.jsonl"),
        format!(
            "{first}\n{{\"Operation\":\"Update StsRefreshTokenValidFrom Timestamp.\", broken\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("c-archive.bin"), b"PK\x03\x04zipzip").unwrap();
    std::fs::write(dir.path().join("d-picture.dat"), b"\x89PNG\r\n\x1a\nxxxx").unwrap();
    std::fs::write(dir.path().join("e-empty.jsonl"), b"").unwrap();
    dir
}

fn app_of(dir: &Path, w: u16, h: u16) -> App {
    let report = scan_paths(&[dir.to_owned()], &ScanOptions::default()).unwrap();
    let mut app = App::new("j.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report);
    app.apply(Action::Resize {
        width: w,
        height: h,
    });
    app
}

/// The text of the view's inside (between its borders), line by line.
fn view_lines(t: &Terminal<TestBackend>) -> Vec<String> {
    text(t)
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.trim_matches('│').trim_end().to_owned())
        .collect()
}

#[test]
fn the_header_warns_and_the_view_lists_each_file_and_problem() {
    let dir = evidence();
    let mut app = app_of(dir.path(), 160, 45);
    let t = screen(&app);
    let s = text(&t);
    let header = s.lines().nth(1).unwrap();
    assert!(
        header.starts_with("3 files passed over · 1 problem · "),
        "{header}"
    );
    // In the warning colour.
    let buf = t.backend().buffer();
    assert_eq!(buf[(0, 1)].fg, Color::Yellow);
    // The footer names the view's key at once.
    assert!(s.lines().nth(43).unwrap().contains("p  problems"), "{s}");

    press(&mut app, KeyCode::Char('p'));
    assert!(matches!(app.overlay, Overlay::Problems(_)));
    let s = text(&screen(&app));
    let d = dir.path().display().to_string();
    for want in [
        "Files read (2)".to_owned(),
        format!("{d}/a-export.jsonl"),
        "JSON lines (CloudAppEvents) · 12 records · 11 STS events".to_owned(),
        format!("{d}/b-broken.jsonl:2  not valid JSON"),
        format!("1 record of {d}/b-broken.jsonl is also in {d}/a-export.jsonl"),
        format!("{d}/b-broken.jsonl:1  the same event as {d}/a-export.jsonl:1"),
        "Files passed over (3)".to_owned(),
        format!("{d}/c-archive.bin"),
        "not a file of any known format (a zip archive: extract it first)".to_owned(),
        "not a file of any known format (the file is empty)".to_owned(),
        "SHA-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_owned(),
    ] {
        assert!(s.contains(&want), "{want:?} not on screen:\n{s}");
    }
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
}

#[test]
fn a_clean_load_says_nothing_in_the_header_and_the_view_says_no_problems() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        dir.path().join("export.jsonl"),
    )
    .unwrap();
    let mut app = app_of(dir.path(), 80, 24);
    let s = text(&screen(&app));
    assert!(!s.contains("passed over") && !s.contains("problem"), "{s}");
    press(&mut app, KeyCode::Char('p'));
    let lines = view_lines(&screen(&app));
    assert!(
        lines.contains(&"Files passed over (0)".to_owned()),
        "{lines:?}"
    );
    assert_eq!(lines[..2], ["Problems (0)", "  none"], "{lines:?}");
}

#[test]
fn every_line_is_reachable_by_scrolling_at_each_size() {
    let dir = evidence();
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = app_of(dir.path(), w, h);
        // All of it, unclipped, on a screen tall enough.
        let mut tall = app_of(dir.path(), w, 200);
        press(&mut tall, KeyCode::Char('p'));
        let all = view_lines(&screen(&tall));
        let all: Vec<&String> = all.iter().filter(|l| !l.trim().is_empty()).collect();

        press(&mut app, KeyCode::Char('p'));
        let mut seen: Vec<String> = Vec::new();
        let mut last = Vec::new();
        for _ in 0..200 {
            let lines = view_lines(&screen(&app));
            for l in &lines {
                if !seen.contains(l) {
                    seen.push(l.clone());
                }
            }
            if lines == last {
                break;
            }
            last = lines;
            press(&mut app, KeyCode::Char('j'));
        }
        for l in &all {
            assert!(seen.contains(l), "{w}x{h}: {l:?} never shown");
        }
        assert!(
            last.iter().any(|l| l.contains("the same event as")),
            "{w}x{h}: the end is reached and scrolling stops there: {last:?}"
        );
        // Top and bottom, and a resize keeps the view within its lines.
        press(&mut app, KeyCode::Char('g'));
        assert_eq!(view_lines(&screen(&app))[0], "Problems (1)");
        press(&mut app, KeyCode::Char('G'));
        app.apply(Action::Resize {
            width: w,
            height: 200,
        });
        assert_eq!(view_lines(&screen(&app))[0], "Problems (1)", "{w}x{h}");
    }
}

#[test]
fn names_and_causes_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        dir.path().join("export.jsonl"),
    )
    .unwrap();
    std::fs::write(dir.path().join("evil\x1b]0;pwned\x07.dat"), b"\x89PNG\r\n").unwrap();
    let mut app = app_of(dir.path(), 120, 35);
    press(&mut app, KeyCode::Char('p'));
    let s = text(&screen(&app));
    assert!(s.contains("evil\\x1b]0;pwned\\x07.dat"), "{s}");
    assert!(!s.contains('\x1b') && !s.contains('\x07'), "{s:?}");
}

#[test]
fn help_lists_the_key_and_the_views_keys() {
    let dir = evidence();
    let mut app = app_of(dir.path(), 120, 120);
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Char('?'));
    let s = text(&screen(&app));
    assert!(s.contains("Problems (files read and passed over)"), "{s}");
    assert!(
        s.contains("p  problems: each file read and passed over"),
        "{s}"
    );
    // Help returns to the view it was opened from.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::Problems(_)));
}

#[test]
fn the_view_follows_a_load_still_running() {
    use sts_triage::load::{NotRead, ScanMessage};
    use sts_triage::model::{FileSummary, Problem};
    let mut app = App::new("j.sts-triage.jsonl", "analyst", HashMap::new());
    app.apply(Action::Resize {
        width: 100,
        height: 30,
    });
    app.apply(Action::LoadPlan {
        files: 2,
        bytes: 100,
        names: vec!["live/a.jsonl".to_owned(), "live/b.zip".to_owned()],
    });
    press(&mut app, KeyCode::Char('p'));
    let lines = view_lines(&screen(&app));
    assert!(lines[0].starts_with("still loading"), "{lines:?}");
    app.apply(Action::Scan(ScanMessage::Problem(Problem {
        file: "live/a.jsonl".into(),
        line: Some(7),
        message: "not valid JSON: EOF while parsing".to_owned(),
    })));
    app.apply(Action::Scan(ScanMessage::FileDone(FileSummary {
        path: "live/a.jsonl".to_owned(),
        format: "JSON lines (CloudAppEvents)".to_owned(),
        records: 9,
        skipped: 1,
        ..FileSummary::default()
    })));
    app.apply(Action::Scan(ScanMessage::NotRead(NotRead {
        path: "live/b.zip".to_owned(),
        reason: "not a file of any known format (a zip archive: extract it first)".to_owned(),
        sha256: None,
        other: None,
    })));
    app.apply(Action::Tick);
    let s = text(&screen(&app));
    for want in [
        "live/a.jsonl:7  not valid JSON: EOF while parsing",
        "JSON lines (CloudAppEvents) · 9 records · 0 STS events · 1 skipped",
        "Files passed over (1)",
        "live/b.zip",
        "SHA-256 unavailable",
    ] {
        assert!(s.contains(want), "{want:?} not on screen:\n{s}");
    }
    app.apply(Action::LoadFinished { error: None });
    let lines = view_lines(&screen(&app));
    assert_eq!(lines[0], "Problems (1)", "{lines:?}");
}

/// The bundled samples are many exports of the same tenant: nearly 300 records repeat
/// events read from another file. The view opens on the three real problems (dates read
/// one way), and the duplicates follow as one line a pair of files, each with its count;
/// the records one by one come last.
#[test]
fn real_problems_come_first_and_duplicates_are_counted_per_pair_of_files() {
    let report = scan_paths(&["assets/samples".into()], &ScanOptions::default()).unwrap();
    let duplicates = report.duplicate_records;
    let gz = report
        .files
        .iter()
        .find(|f| f.path.ends_with("cloudappevents-ah-api.jsonl.gz"))
        .unwrap()
        .sts_events;
    assert!(duplicates > 200, "{duplicates}");
    let mut app = App::new("j.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report);
    app.apply(Action::Resize {
        width: 160,
        height: 45,
    });
    press(&mut app, KeyCode::Char('p'));
    let lines = view_lines(&screen(&app));
    // Three date problems and the legacy API's dup_a, another record of its id (its
    // IsAnonymousProxy differs from every other CloudAppEvents export's).
    assert_eq!(lines[0], "Problems (4)", "{lines:?}");
    let first_duplicate = lines
        .iter()
        .position(|l| l.contains("same event"))
        .unwrap_or(lines.len());
    let problems = lines[..first_duplicate]
        .iter()
        .filter(|l| l.contains("every date reads both"))
        .count();
    assert_eq!(problems, 3, "the problems before any duplicate: {lines:?}");
    assert!(
        lines.contains(&"Files passed over (0)".to_owned()),
        "{lines:?}"
    );
    // The whole gzip copy of the AH API export: one line, not one a record.
    let pair = format!(
        "  {gz} records of assets/samples/cloudappevents-ah-api.jsonl.gz are also in \
         assets/samples/cloudappevents-ah-api.jsonl (same event ids): counted once"
    );
    assert!(lines.contains(&pair), "{pair:?} not in {lines:?}");

    // Every pair's count, summed over the pairs, is every duplicate record: none left out.
    let mut tall = app;
    tall.apply(Action::Resize {
        width: 160,
        height: 2000,
    });
    let all = view_lines(&screen(&tall));
    let heading = all
        .iter()
        .position(|l| l.starts_with("Duplicate records ("))
        .unwrap();
    let files_read = all
        .iter()
        .position(|l| l.starts_with("Files read"))
        .unwrap();
    let counted: u64 = all[heading + 1..files_read]
        .iter()
        .map(|l| l.trim().split(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(counted, duplicates, "{:?}", &all[heading..files_read]);
    assert!(
        all[..heading].iter().all(|l| !l.contains("same event as")),
        "no record-by-record line before the summary"
    );
}

/// Notes and scripts beside the exports (a README, a collection script, a `.txt` that is no
/// export): listed quietly. No warning in the header nor `p` in the footer: one dim line at
/// the header's end (the first to give way), each file with why in the problems view.
#[test]
fn notes_and_scripts_in_a_folder_are_listed_quietly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        dir.path().join("export.jsonl"),
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "# Case 7\n").unwrap();
    std::fs::write(dir.path().join("collect.ps1"), "Search-UnifiedAuditLog\n").unwrap();
    std::fs::write(dir.path().join("todo.txt"), "ask Lee about the reset\n").unwrap();
    let mut app = app_of(dir.path(), 160, 24);
    let s = text(&screen(&app));
    let header = s.lines().nth(1).unwrap();
    assert!(
        header.contains("3 other files passed over: notes, script (p)"),
        "{header}"
    );
    assert!(
        !header.contains("files passed over ·") && !header.contains("problem"),
        "{header}"
    );
    // Quiet: dim, never the warning colour, and dropped first on a narrow screen.
    let x = header[..header.find("3 other").unwrap()].chars().count();
    let buf = screen(&app);
    let cell = &buf.backend().buffer()[(u16::try_from(x).unwrap(), 1)];
    assert_eq!(cell.symbol(), "3");
    assert_ne!(cell.fg, Color::Yellow, "{header}");
    app.apply(Action::Resize {
        width: 60,
        height: 20,
    });
    let narrow = text(&screen(&app));
    assert!(
        !narrow.lines().nth(1).unwrap().contains("other"),
        "{narrow}"
    );
    press(&mut app, KeyCode::Char('p'));
    let lines = view_lines(&screen(&app));
    assert!(
        lines.contains(&"Files passed over (0)".to_owned()),
        "{lines:?}"
    );
    let at = lines
        .iter()
        .position(|l| l == "3 other files passed over: notes, script")
        .unwrap_or_else(|| panic!("{lines:?}"));
    let listed = lines[at..].join("\n");
    for name in ["README.md", "collect.ps1", "todo.txt"] {
        assert!(listed.contains(name), "{name}: {listed}");
    }
    assert!(
        listed.contains("a script by its name (.ps1), not an export"),
        "{listed}"
    );
}
