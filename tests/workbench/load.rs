//! The load as the analyst sees it: rows appearing while it runs, Ctrl+C stopping it, and a
//! stopped load called partial on screen and in the report.

use super::*;

#[test]
fn ctrl_c_cancels_a_load_first_and_quits_after() {
    let mut app = App::new("j", "a", HashMap::new());
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: 100,
        names: vec!["never.jsonl".into()],
    });
    app.apply(Action::Intent(Intent::CancelOrQuit));
    assert_eq!(app.effects, vec![Effect::CancelLoad]);
    app.apply(Action::LoadFinished { error: None });
    assert!(
        app.status
            .starts_with("load stopped: never.jsonl not read (p: where); kept 0 flagged rows"),
        "{}",
        app.status
    );
    app.effects.clear();
    app.apply(Action::Intent(Intent::CancelOrQuit));
    assert_eq!(app.effects, vec![Effect::Quit]);
}

#[test]
fn a_stopped_load_says_it_is_partial_on_screen_and_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.sts-triage.jsonl");
    let mut app = App::new(&journal.display().to_string(), "a", HashMap::new());
    let size = std::fs::metadata(FIXTURE).unwrap().len();
    app.apply(Action::LoadPlan {
        files: 2,
        bytes: size * 2,
        names: vec![FIXTURE.into(), "second.jsonl".into()],
    });
    // The first five records are read, then the analyst stops the load.
    let msgs = support::scan_messages(&[PathBuf::from(FIXTURE)]);
    let mut events = 0;
    for m in msgs {
        match m {
            ScanMessage::Event(_) if events >= 5 => continue,
            ScanMessage::Event(_) => events += 1,
            ScanMessage::Progress { .. } => continue,
            ScanMessage::FileDone(mut summary) => {
                app.apply(Action::Intent(Intent::CancelOrQuit));
                app.apply(Action::Scan(ScanMessage::Progress {
                    bytes: 700,
                    records: 5,
                }));
                summary.records = 5;
                app.apply(Action::Scan(ScanMessage::FileDone(summary)));
                continue;
            }
            _ => {}
        }
        app.apply(Action::Scan(m));
    }
    app.apply(Action::LoadFinished { error: None });
    let expected = format!(
        "load stopped by the analyst: {FIXTURE} read to about byte 700 of {size} (5 records); 1 file not read: second.jsonl"
    );
    // The status says it short, first what was not read (the problems view says it whole).
    let said = format!(
        "load stopped: workbench.jsonl read to about {}%, second.jsonl not read (p: where); kept ",
        700 * 100 / size
    );
    assert!(app.status.starts_with(&said), "{}", app.status);
    let app = sized(app, 160, 45);
    let s = text(&screen(&app, 160, 45, false));
    assert!(s.contains("PARTIAL LOAD (stopped)"), "{s}");
    let narrow = sized(app, 60, 20);
    let s = text(&screen(&narrow, 60, 20, false));
    assert!(
        s.contains("PARTIAL LOAD"),
        "seen on a narrow screen too:\n{s}"
    );
    let report = sts_triage::tui::report_markdown(&narrow);
    assert!(
        report.contains("> **PARTIAL LOAD.**") && report.contains(&expected),
        "{report}"
    );
    assert!(
        report.contains("SHA-256 unavailable (`read in part, to about byte 700 of")
            && report.contains("which the findings do not cover"),
        "{report}"
    );
    // `verify` on that report never says the unchanged input "changed": the report states
    // no hash for a file read in part.
    let report_path = dir.path().join("partial.report.md");
    std::fs::write(&report_path, &report).unwrap();
    // No decision was made: an empty journal.
    std::fs::write(&journal, "").unwrap();
    let mut out = Vec::new();
    sts_triage::verify::run(
        &journal,
        Some(&report_path),
        &[PathBuf::from(FIXTURE)],
        &sts_triage::load::ScanOptions::default(),
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    // Said first: the report covers a stopped load (`partial_report.rs` checks the rest).
    assert!(
        out.starts_with("PARTIAL: this report covers a stopped load"),
        "{out}"
    );
    assert!(!out.contains("the file changed"), "{out}");
    let whole = sts_triage::load::sha256_file(std::path::Path::new(FIXTURE)).unwrap();
    assert!(
        out.contains(&format!(
            "SHA-256 {} of the whole file, as the report says",
            &whole[..12]
        )),
        "{out}"
    );
}

#[test]
fn rows_appear_while_the_load_runs() {
    let mut app = App::new("j", "a", HashMap::new());
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: 1000,
        names: Vec::new(),
    });
    let msgs = support::scan_messages(&[PathBuf::from(FIXTURE)]);
    let mut seen = Vec::new();
    for m in msgs {
        let is_event = matches!(m, ScanMessage::Event(_));
        app.apply(Action::Scan(m));
        app.apply(Action::Tick);
        if is_event {
            seen.push(app.findings.order.len());
        }
    }
    assert!(
        seen.first() == Some(&1) && seen.last() == Some(&7),
        "{seen:?}"
    );
}
