//! Breaker 12 #1: alice's decision refused by a full disk, bob's later decision on the same
//! row saved, then alice's next save wrote her old decision after bob's: the journal, the
//! report and every restart showed hers while both screens showed bob's, and nothing was
//! said. Now the later decision stands everywhere, alice is asked (`k` keeps bob's, `w`
//! writes hers again), and a retry without a conflict keeps the time it was made.

use std::path::{Path, PathBuf};

use sts_triage::journal::{self, Decision, Entry, Journal, Verdict};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect};
use sts_triage::tui::lazy_journal::write_entries;

use crate::support::run_bin;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn workbench(analyst: &str, journal: &Path) -> App {
    let decisions = journal::read_decisions(journal)
        .map(|r| r.decisions)
        .unwrap_or_default();
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    App::new(&journal.display().to_string(), analyst, decisions).with_report(report)
}

/// The journal effects queued now written, and the answers applied, as the event loop
/// does (one effect after another; an answer may queue more, carried out next time).
fn carry_out(app: &mut App, journal: &mut Journal) {
    for effect in std::mem::take(&mut app.effects) {
        if let Effect::Journal(entries) = effect {
            for answer in write_entries(Ok(journal), &entries) {
                app.apply(answer);
            }
        }
    }
}

fn current_key(app: &App) -> String {
    let t = app.table();
    t.items[t.current().unwrap()].key.clone()
}

fn bob_marks(path: &Path, key: &str, verdict: Verdict) {
    let (mut bob, _) = Journal::open(path).unwrap();
    let d = Decision {
        verdict,
        ..Decision::default()
    };
    bob.append(&[Entry::new(key, &d, "bob", "set")]).unwrap();
}

/// The verdict `sts-triage report` gives the row, and its analyst.
fn reported(path: &Path, key: &str) -> (String, String) {
    let out = run_bin(&[
        "report",
        FIXTURE,
        "--journal",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--no-context",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap()
        .clone();
    (
        row["verdict"].as_str().unwrap().to_owned(),
        row["analyst"].as_str().unwrap().to_owned(),
    )
}

/// alice (journal open) marks the current row legitimate and the disk refuses it: the
/// folder, the journal's path, her journal, her workbench and the row's key.
fn refused_decision() -> (tempfile::TempDir, PathBuf, Journal, App, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.sts-triage.jsonl");
    let (journal, _) = Journal::open(&path).unwrap();
    let mut app = workbench("alice", &path);
    let key = current_key(&app);
    app.apply(Action::Intent(Intent::MarkLegitimate));
    app.effects.clear();
    app.apply(Action::SaveFailed {
        keys: vec![key.clone()],
        error: "No space left on device (os error 28)".into(),
    });
    (dir, path, journal, app, key)
}

/// What both screens, a restart and the report show of the row, and what alice is told.
fn assert_bobs_stands(app: &App, path: &Path, key: &str) {
    assert_eq!(
        (
            app.decision(key).verdict,
            app.decision(key).analyst.as_str()
        ),
        (Verdict::Suspicious, "bob"),
        "alice's screen shows the journal's decision"
    );
    for said in [
        "CONFLICT k keeps bob's suspicious · w writes your legitimate again · row ",
        "bob's at ",
        "is later than yours (alice's at ",
        "NOT SAVED",
    ] {
        assert!(app.status.contains(said), "{said:?} in {}", app.status);
    }
    assert!(app.status_error);
    let restart = journal::read_decisions(path).unwrap().decisions;
    assert_eq!(
        restart[key].verdict,
        Verdict::Suspicious,
        "a restart shows bob's"
    );
    assert_eq!(reported(path, key), ("suspicious".into(), "bob".into()));
    assert!(
        !app.unsaved.contains(key),
        "no retry is waiting to overwrite it"
    );
}

#[test]
fn a_refused_decision_never_overturns_a_later_one_read_with_the_next_save() {
    let (_dir, path, mut journal, mut app, key) = refused_decision();
    bob_marks(&path, &key, Verdict::Suspicious);
    // alice decides another row: that save reads bob's entry.
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkSuspicious));
    carry_out(&mut app, &mut journal);
    carry_out(&mut app, &mut journal);
    assert_bobs_stands(&app, &path, &key);
    assert_eq!(app.conflicts.len(), 1);
    // Keys other than k and w ask again and do nothing else.
    app.apply(Action::ConflictAnswer { write_mine: None });
    assert!(
        app.status.starts_with("answer first: CONFLICT"),
        "{}",
        app.status
    );
    assert!(app.effects.is_empty());
    // k keeps bob's: nothing is written, nothing is left to say on quitting.
    let entries = journal::read_decisions(&path).unwrap().entries;
    app.apply(Action::ConflictAnswer {
        write_mine: Some(false),
    });
    carry_out(&mut app, &mut journal);
    assert_eq!(journal::read_decisions(&path).unwrap().entries, entries);
    assert!(app.status.contains("kept bob's"), "{}", app.status);
    assert_eq!(app.not_written(), 0);
    assert_bobs_stands_quietly(&app, &path, &key);
}

fn assert_bobs_stands_quietly(app: &App, path: &Path, key: &str) {
    assert_eq!(app.decision(key).analyst, "bob");
    assert_eq!(reported(path, key), ("suspicious".into(), "bob".into()));
    assert!(app.quit_summary(true).contains("decisions saved in"));
}

/// bob's entry lands between the retry being queued and written: the journal holds the
/// retry back under its lock, and alice is asked; `w` then writes hers as a decision made
/// after bob's, which the report and a restart show.
#[test]
fn a_retry_is_held_back_when_a_later_entry_lands_just_before_it() {
    let (_dir, path, mut journal, mut app, key) = refused_decision();
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkSuspicious));
    carry_out(&mut app, &mut journal);
    assert!(
        matches!(&app.effects[..], [Effect::Journal(e)] if e[0].key == key),
        "the retry is queued"
    );
    bob_marks(&path, &key, Verdict::Suspicious);
    carry_out(&mut app, &mut journal);
    assert_bobs_stands(&app, &path, &key);
    // Quitting now would lose alice's decision: asked, and the exit is not clean.
    assert_eq!(app.not_written(), 1);
    assert!(!app.quit_summary(true).contains("decisions saved in"));
    app.apply(Action::ConflictAnswer {
        write_mine: Some(true),
    });
    carry_out(&mut app, &mut journal);
    let restart = journal::read_decisions(&path).unwrap().decisions;
    let bob_time = journal::read_text(&path).unwrap();
    let bob_time = String::from_utf8(bob_time).unwrap();
    let bob_time = bob_time
        .lines()
        .map(|l| serde_json::from_str::<Entry>(l).unwrap())
        .find(|e| e.analyst == "bob")
        .unwrap()
        .time;
    assert_eq!(
        (restart[&key].verdict, restart[&key].analyst.as_str()),
        (Verdict::Legitimate, "alice")
    );
    assert!(restart[&key].time > bob_time, "a decision made after bob's");
    assert_eq!(app.decision(&key), restart[&key]);
    assert_eq!(reported(&path, &key), ("legitimate".into(), "alice".into()));
    assert_eq!(app.not_written(), 0);
}

/// Without a later decision, the retry writes alice's decision with the time she made it
/// (its place in her sequence), as a `retry` entry.
#[test]
fn a_retry_keeps_the_time_the_decision_was_made() {
    let (_dir, path, mut journal, mut app, key) = refused_decision();
    let made = app.decision(&key).time.clone();
    assert!(!made.is_empty());
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkSuspicious));
    carry_out(&mut app, &mut journal);
    carry_out(&mut app, &mut journal);
    assert!(app.unsaved.is_empty() && app.conflicts.is_empty());
    let restart = journal::read_decisions(&path).unwrap().decisions;
    assert_eq!(
        (restart[&key].verdict, restart[&key].time.as_str()),
        (Verdict::Legitimate, made.as_str())
    );
    let text = String::from_utf8(journal::read_text(&path).unwrap()).unwrap();
    let last: Entry = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(
        (last.key.as_str(), last.action.as_str()),
        (key.as_str(), "retry")
    );
}
