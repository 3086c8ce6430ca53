//! Breaker 12 #2 on the workbench's screen: a save after the journal was moved says where
//! it had gone and that the path holds the decisions again; when another journal took the
//! path, the save is NOT SAVED with where ours is, and the quit line never says "saved in".

use std::path::PathBuf;

use sts_triage::journal::{self, Journal};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect};
use sts_triage::tui::lazy_journal::write_entries;

fn save(app: &mut App, journal: &mut Journal) {
    for effect in std::mem::take(&mut app.effects) {
        if let Effect::Journal(entries) = effect {
            for answer in write_entries(Ok(journal), &entries) {
                app.apply(answer);
            }
        }
    }
}

#[test]
fn a_save_after_the_journal_moved_says_where_it_went_and_never_claims_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.j.jsonl");
    let moved = dir.path().join("m.moved.jsonl");
    let (mut journal, _) = Journal::open(&path).unwrap();
    let report = scan_paths(
        &[PathBuf::from("tests/fixtures/workbench.jsonl")],
        &ScanOptions::default(),
    )
    .unwrap();
    let mut app =
        App::new(&path.display().to_string(), "alice", Default::default()).with_report(report);
    app.apply(Action::Intent(Intent::MarkSuspicious));
    save(&mut app, &mut journal);
    std::fs::rename(&path, &moved).unwrap();
    app.apply(Action::Intent(Intent::MarkLegitimate));
    save(&mut app, &mut journal);
    assert!(app.status.starts_with("saved ✓"), "{}", app.status);
    assert!(
        app.status.contains(&format!(
            "the journal had been moved to {}",
            moved.display()
        )),
        "{}",
        app.status
    );
    assert_eq!(journal::read_decisions(&path).unwrap().decisions.len(), 2);
    // Another journal takes the path: not saved, and where ours is is said.
    std::fs::rename(&path, &moved).unwrap();
    let (mut bob, _) = Journal::open(&path).unwrap();
    bob.append(&[]).unwrap();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    save(&mut app, &mut journal);
    assert!(app.status.starts_with("NOT SAVED"), "{}", app.status);
    assert!(
        app.status
            .contains(&format!("moved to {}", moved.display())),
        "{}",
        app.status
    );
    assert_eq!(app.not_written(), 1);
    let error = journal.keep_at_path().unwrap_err().to_string();
    let line = app.quit_summary_misplaced(&error);
    assert!(
        line.contains("decisions NOT in") && !line.contains("saved in"),
        "{line}"
    );
}
