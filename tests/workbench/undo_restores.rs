#![allow(clippy::panic, clippy::unwrap_used)]
//! Undo puts back exactly the earlier decision (verdict, note, who and when), or no decision
//! at all, everywhere the analyst looks: the screen's state, the journal read back after a
//! restart, and `sts-triage report`. The status line says it as the README does.

use std::path::{Path, PathBuf};

use sts_triage::journal::{self, Decision, Journal, Verdict};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::App;

use crate::support::{journal_effects, keys, press, run_bin};
use ratatui::crossterm::event::KeyCode;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn workbench(analyst: &str, journal: &Path) -> App {
    let decisions = journal::read_decisions(journal)
        .map(|r| r.decisions)
        .unwrap_or_default();
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    App::new(&journal.display().to_string(), analyst, decisions).with_report(report)
}

/// Writes the journal effects to the journal, as the shell does, and confirms them.
fn save(app: &mut App, journal: &Path) {
    let entries = journal_effects(app);
    let (mut j, _) = Journal::open(journal).unwrap();
    j.append(&entries).unwrap();
    app.apply(Action::Saved {
        keys: entries.iter().map(|e| e.key.clone()).collect(),
    });
}

fn current_key(app: &App) -> String {
    let t = app.table();
    t.items[t.current().unwrap()].key.clone()
}

/// alice's first decision (suspicious on the current row) saved to a new journal, then
/// undone (not saved yet): the folder (kept while the test runs), the journal, the
/// workbench and the row's key.
fn first_decision_undone() -> (tempfile::TempDir, PathBuf, App, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.sts-triage.jsonl");
    let mut app = workbench("alice", &path);
    let key = current_key(&app);
    app.apply(Action::Intent(Intent::MarkSuspicious));
    save(&mut app, &path);
    app.apply(Action::Intent(Intent::Undo));
    (dir, path, app, key)
}

/// The JSON report's row of `key`: (verdict, note, analyst, decided_at), and its analysts.
fn reported(journal: &Path, key: &str) -> (serde_json::Value, serde_json::Value) {
    let out = run_bin(&[
        "report",
        FIXTURE,
        "--journal",
        journal.to_str().unwrap(),
        "--format",
        "json",
        "--no-context",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {v}"))
        .clone();
    let row = serde_json::json!({
        "verdict": row["verdict"],
        "note": row["note"],
        "analyst": row["analyst"],
        "decided_at": row["decided_at"],
    });
    (row, v["analysts"].clone())
}

#[test]
fn undo_restores_the_earlier_analysts_decision_on_screen_after_restart_and_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.sts-triage.jsonl");

    // alice decides the row and writes a note.
    let mut alice = workbench("alice", &path);
    let key = current_key(&alice);
    keys(&mut alice, "nrevoked by helpdesk");
    press(&mut alice, KeyCode::Enter);
    save(&mut alice, &path);
    alice.apply(Action::Intent(Intent::MarkSuspicious));
    save(&mut alice, &path);
    let alices = alice.decision(&key);
    assert_eq!(alices.analyst, "alice");
    assert_eq!(alices.note, "revoked by helpdesk");
    assert!(!alices.time.is_empty());
    let before_report = reported(&path, &key);

    // bob, later, opens the journal, changes the verdict and undoes it.
    let mut bob = workbench("bob", &path);
    assert_eq!(bob.decision(&key), alices);
    assert_eq!(current_key(&bob), key);
    bob.apply(Action::Intent(Intent::MarkLegitimate));
    save(&mut bob, &path);
    assert_eq!(bob.decision(&key).analyst, "bob");
    bob.apply(Action::Intent(Intent::Undo));
    assert_eq!(bob.decision(&key), alices, "the screen: alice's decision");
    assert!(
        bob.status
            .starts_with("undone: legitimate on 1 row (back to suspicious by alice)"),
        "{}",
        bob.status
    );
    save(&mut bob, &path);

    // Read back after a restart: alice's decision, to the millisecond.
    let replay = journal::read_decisions(&path).unwrap();
    assert_eq!(replay.decisions[&key], alices, "the journal read back");
    assert_eq!(workbench("carol", &path).decision(&key), alices);
    // The journal still says who undid it, and when.
    let text = std::fs::read_to_string(&path).unwrap();
    let undo: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(undo["action"], "undo");
    assert_eq!(undo["analyst"], "bob");
    assert_eq!(undo["restores"]["analyst"], "alice");
    assert_eq!(undo["restores"]["time"], alices.time.as_str());

    // The report: as before bob touched it; bob decided nothing.
    let (row, analysts) = reported(&path, &key);
    assert_eq!((row.clone(), analysts.clone()), before_report);
    assert_eq!(row["analyst"], "alice");
    assert_eq!(row["decided_at"], alices.time.as_str());
    assert_eq!(analysts, serde_json::json!(["alice"]));

    // Redo puts bob's decision back as bob made it, not as a new one.
    let bobs_time = {
        let replayed = text.lines().nth(2).unwrap();
        serde_json::from_str::<serde_json::Value>(replayed).unwrap()["time"].clone()
    };
    bob.apply(Action::Intent(Intent::Redo));
    assert_eq!(bob.decision(&key).analyst, "bob");
    assert_eq!(bob.decision(&key).time, bobs_time.as_str().unwrap());
    save(&mut bob, &path);
    assert_eq!(
        journal::read_decisions(&path).unwrap().decisions[&key],
        bob.decision(&key)
    );
}

#[test]
fn undoing_a_first_decision_leaves_no_decision_anywhere() {
    let (_dir, path, mut app, key) = first_decision_undone();
    assert_eq!(app.decision(&key), Decision::default(), "the screen");
    assert_eq!(app.decision(&key).verdict, Verdict::Unreviewed);
    save(&mut app, &path);

    let replay = journal::read_decisions(&path).unwrap();
    assert!(
        !replay.decisions.contains_key(&key),
        "the journal read back: no decision, got {:?}",
        replay.decisions.get(&key)
    );
    assert_eq!(workbench("bob", &path).decision(&key), Decision::default());
    let (row, analysts) = reported(&path, &key);
    assert_eq!(
        row,
        serde_json::json!({"verdict": "unreviewed", "note": "", "analyst": "", "decided_at": null})
    );
    assert_eq!(analysts, serde_json::json!([]));
}

/// A retried write after a failed save writes the decision as the screen holds it: an undo
/// that failed to save still leaves no decision once saved.
#[test]
fn a_retried_undo_still_restores_no_decision() {
    let (_dir, path, mut app, key) = first_decision_undone();
    app.effects.clear();
    app.apply(Action::SaveFailed {
        keys: vec![key.clone()],
        error: "disk full".into(),
    });
    // The next decision (on another row: the undo put the cursor on the row it changed)
    // saves, then the retry of the failed key goes out.
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkLegitimate));
    save(&mut app, &path);
    save(&mut app, &path);
    let replay = journal::read_decisions(&path).unwrap();
    assert!(!replay.decisions.contains_key(&key), "{replay:?}");
    assert_eq!(app.decision(&key), Decision::default());
}

/// The README's example of what `u` says is what it says.
#[test]
fn the_undo_message_is_the_one_the_readme_shows() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("| `u` / Ctrl+R |"))
        .unwrap();
    let example = line
        .split('`')
        .find(|s| s.starts_with("undone:"))
        .unwrap_or_else(|| panic!("no example in {line}"));
    let example = example.trim_end_matches('…');
    let mut app = workbench("alice", Path::new("/nonexistent/j.jsonl"));
    for _ in 0..3 {
        app.apply(Action::Intent(Intent::ToggleSelect));
    }
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let confirm = |app: &mut App| {
        let keys = journal_effects(app).into_iter().map(|e| e.key).collect();
        app.apply(Action::Saved { keys });
    };
    confirm(&mut app);
    app.apply(Action::Intent(Intent::Undo));
    confirm(&mut app);
    assert!(
        app.status.starts_with(example),
        "README: {example:?}\nscreen: {:?}",
        app.status
    );
}
