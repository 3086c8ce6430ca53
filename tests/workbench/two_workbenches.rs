#![allow(clippy::panic, clippy::unwrap_used)]
//! Two workbenches on one journal, driven as the event loop drives them (the journal
//! effect appended, then `Saved` and `Foreign` applied): Alice decides a row Bob marked two
//! minutes earlier and is told so; Bob's decision on another row reaches her screen; both
//! decisions are in the journal, chained, and the later one wins on replay.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{Duration, SecondsFormat, Utc};

use sts_triage::journal::{Decision, Entry, Journal, Verdict, chain, read_decisions};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect};
use sts_triage::tui::lazy_journal::LazyJournal;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

/// What the event loop does with the journal effects of one step.
fn run_effects(app: &mut App, journal: &mut Journal) {
    for effect in std::mem::take(&mut app.effects) {
        if let Effect::Journal(entries) = effect {
            let keys: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
            let appended = journal.append(&entries);
            let foreign = journal.take_foreign();
            match appended {
                Ok(()) => app.apply(Action::Saved { keys: keys.clone() }),
                Err(e) => app.apply(Action::SaveFailed {
                    keys: keys.clone(),
                    error: e.to_string(),
                }),
            }
            if !foreign.is_empty() {
                app.apply(Action::Foreign {
                    entries: foreign,
                    own: keys,
                    now: Utc::now(),
                });
            }
        }
    }
}

fn bob_marks(journal: &Path, key: &str, verdict: Verdict, minutes_ago: i64) {
    let (mut bob, _) = Journal::open(journal).unwrap();
    let mut e = Entry::new(
        key,
        &Decision {
            verdict,
            ..Decision::default()
        },
        "bob",
        "set",
    );
    e.time =
        (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339_opts(SecondsFormat::Millis, true);
    bob.append(&[e]).unwrap();
}

#[test]
fn a_decision_another_analyst_made_meanwhile_is_shown_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("shared.sts-triage.jsonl");
    let (mut journal, replay) = Journal::open(&path).unwrap();
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let mut app =
        App::new(&path.display().to_string(), "alice", replay.decisions).with_report(report);
    let items: Vec<String> = app.findings.items.iter().map(|i| i.key.clone()).collect();
    let current = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    let other = items.iter().find(|k| **k != current).unwrap().clone();

    // Bob, in his own workbench, marks Alice's current row and another one.
    bob_marks(&path, &current, Verdict::Legitimate, 2);
    bob_marks(&path, &other, Verdict::Suspicious, 1);

    // Alice marks her current row suspicious.
    app.apply(Action::Intent(Intent::MarkSuspicious));
    run_effects(&mut app, &mut journal);
    assert!(
        app.status
            .starts_with("bob marked this legitimate 2 min ago; yours is saved ✓ after it"),
        "{}",
        app.status
    );
    // Whose and when: Bob's other decision, the minute he made it.
    let bobs_minute = read_decisions(&path).unwrap().decisions[&other]
        .time
        .get(..16)
        .unwrap()
        .replace('T', " ");
    assert!(
        app.status.contains(&format!(
            "1 decision by another workbench read from the journal: 1 by bob ({bobs_minute} UTC)"
        )),
        "{}",
        app.status
    );
    assert!(!app.status_error);
    // Her decision stands on her row; Bob's other decision is on her screen.
    assert_eq!(app.decision(&current).verdict, Verdict::Suspicious);
    let bobs = app.decision(&other);
    assert_eq!(
        (bobs.verdict, bobs.analyst.as_str()),
        (Verdict::Suspicious, "bob")
    );
    assert!(app.unsaved.is_empty());

    // The journal holds all three, chained, and replays to the same state.
    let text = std::fs::read(&path).unwrap();
    let parsed = chain::parse("j", &text, 1).unwrap();
    assert_eq!(parsed.lines.len(), 3);
    assert!(chain::check(&parsed.lines).breaks.is_empty());
    let r = read_decisions(&path).unwrap();
    let mine: HashMap<_, _> = [
        (&current, Verdict::Suspicious),
        (&other, Verdict::Suspicious),
    ]
    .into_iter()
    .collect();
    for (k, v) in mine {
        assert_eq!(r.decisions[k].verdict, v);
    }
}

#[test]
fn nothing_is_said_when_nobody_else_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alone.jsonl");
    let (mut journal, _) = Journal::open(&path).unwrap();
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let mut app = App::new("alone.jsonl", "alice", HashMap::new()).with_report(report);
    app.apply(Action::Intent(Intent::MarkLegitimate));
    run_effects(&mut app, &mut journal);
    assert!(app.status.starts_with("saved ✓"), "{}", app.status);
}

#[test]
fn the_workbench_report_reads_the_others_first_and_verifies_against_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("workbench.jsonl");
    std::fs::copy(FIXTURE, &input).unwrap();
    let path = dir.path().join("shared.sts-triage.jsonl");
    let (mut journal, _) = Journal::open(&path).unwrap();
    let report = scan_paths(std::slice::from_ref(&input), &ScanOptions::default()).unwrap();
    let mut app =
        App::new(&path.display().to_string(), "alice", HashMap::new()).with_report(report);
    app.apply(Action::Intent(Intent::MarkSuspicious));
    run_effects(&mut app, &mut journal);
    // Bob decides another row after Alice's last write; then Alice copies the report.
    let other = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    bob_marks(&path, &other, Verdict::Legitimate, 0);
    let text = sts_triage::tui::report_of_journal(&mut app, Some(&mut journal));
    assert_eq!(app.decision(&other).analyst, "bob");
    assert!(text.contains("; 2 entries; head SHA-256"), "{text}");
    let md = dir.path().join("report.md");
    std::fs::write(&md, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .arg("verify")
        .arg("--report")
        .arg(&md)
        .arg("--journal")
        .arg(&path)
        .arg(&input)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

/// Two analysts open the same evidence folder before either decided anything: neither has a
/// journal at start. Bob decides first, creating it; Alice's first decision then reads and
/// keeps Bob's entries, exactly as her later appends would, and never writes over them.
#[test]
fn a_journal_created_by_another_workbench_after_our_start_is_read_at_our_first_decision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evidence.sts-triage.jsonl");
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let shown = path.display().to_string();
    let mut alice = App::new(&shown, "alice", HashMap::new()).with_report(report.clone());
    let mut alice_journal = LazyJournal::new(path.clone(), None);
    let mut bob = App::new(&shown, "bob", HashMap::new()).with_report(report);
    let mut bob_journal = LazyJournal::new(path.clone(), None);
    assert!(!path.exists());

    let first = bob.findings.items[bob.findings.current().unwrap()]
        .key
        .clone();
    bob.apply(Action::Intent(Intent::MarkLegitimate));
    let second = bob.findings.items[bob.findings.current().unwrap()]
        .key
        .clone();
    bob.apply(Action::Intent(Intent::MarkSuspicious));
    run_effects(&mut bob, bob_journal.get().unwrap());
    assert_eq!(read_decisions(&path).unwrap().entries, 2);

    // Alice, on the same first row, decides for the first time.
    assert_eq!(
        alice.findings.items[alice.findings.current().unwrap()].key,
        first
    );
    alice.apply(Action::Intent(Intent::MarkSuspicious));
    run_effects(&mut alice, alice_journal.get().unwrap());
    assert!(
        alice.status.starts_with("bob marked this legitimate"),
        "told who decided her row first: {}",
        alice.status
    );
    assert_eq!(alice.decision(&first).verdict, Verdict::Suspicious);
    let bobs = alice.decision(&second);
    assert_eq!(
        (bobs.verdict, bobs.analyst.as_str()),
        (Verdict::Suspicious, "bob"),
        "Bob's other decision reached her screen"
    );
    assert!(alice.unsaved.is_empty());

    let text = std::fs::read(&path).unwrap();
    let parsed = chain::parse("j", &text, 1).unwrap();
    let analysts: Vec<&str> = parsed
        .lines
        .iter()
        .map(|l| l.entry.analyst.as_str())
        .collect();
    assert_eq!(analysts, ["bob", "bob", "alice"]);
    assert!(chain::check(&parsed.lines).breaks.is_empty());
    let r = read_decisions(&path).unwrap();
    assert_eq!(r.decisions[&first].verdict, Verdict::Suspicious);
    assert_eq!(r.decisions[&second].verdict, Verdict::Suspicious);
    // The report Alice makes now names the journal as it is: three entries, its head.
    let md = sts_triage::tui::report_of_journal(&mut alice, alice_journal.journal.as_mut());
    assert!(
        md.contains(&format!("; 3 entries; head SHA-256 `{}`", r.head.unwrap())),
        "{md}"
    );
}

#[test]
fn an_undo_never_erases_a_decision_another_analyst_made_after() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("j2.jsonl");
    let (mut journal, replay) = Journal::open(&path).unwrap();
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let mut app =
        App::new(&path.display().to_string(), "alice", replay.decisions).with_report(report);
    let row = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    // Alice marks the row suspicious; then Bob, in his workbench, marks it legitimate.
    app.apply(Action::Intent(Intent::MarkSuspicious));
    run_effects(&mut app, &mut journal);
    bob_marks(&path, &row, Verdict::Legitimate, 0);
    // Alice presses `u`: the shell reads the journal first, as before every undo.
    sts_triage::tui::read_foreign(&mut app, &mut journal);
    app.apply(Action::Intent(Intent::Undo));
    assert!(
        app.status
            .contains("not undone: bob marked this legitimate after you"),
        "{}",
        app.status
    );
    assert!(app.status_error);
    assert!(
        !app.effects.iter().any(|e| matches!(e, Effect::Journal(_))),
        "nothing written"
    );
    run_effects(&mut app, &mut journal);
    assert_eq!(app.decision(&row).verdict, Verdict::Legitimate);
    let r = read_decisions(&path).unwrap();
    assert_eq!(
        (
            r.decisions[&row].verdict,
            r.decisions[&row].analyst.as_str()
        ),
        (Verdict::Legitimate, "bob")
    );
}

/// Bob's workbench starts before any journal exists; Alice's decision creates it. Bob's
/// `E`/`Y` report, his undo and his quit line must see her verdict (before, a workbench that
/// found no journal at start never looked again until its own first decision, and its report
/// said "Rows flagged: n (suspicious 0 …)" under the journal's own entry count and head).
#[test]
fn a_journal_another_workbench_created_after_our_start_reaches_our_report_and_quit_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evidence.sts-triage.jsonl");
    let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let shown = path.display().to_string();
    let mut bob = App::new(&shown, "bob", HashMap::new()).with_report(report.clone());
    let mut bob_journal = LazyJournal::new(path.clone(), None);
    // Looking never creates the journal.
    assert!(bob_journal.existing().is_none());
    assert!(!path.exists());

    let mut alice = App::new(&shown, "alice", HashMap::new()).with_report(report);
    let mut alice_journal = LazyJournal::new(path.clone(), None);
    let key = alice.findings.items[alice.findings.current().unwrap()]
        .key
        .clone();
    alice.apply(Action::Intent(Intent::MarkSuspicious));
    run_effects(&mut alice, alice_journal.get().unwrap());

    let md = sts_triage::tui::report_of_journal(&mut bob, bob_journal.existing());
    let head = read_decisions(&path).unwrap().head.unwrap();
    assert!(
        md.contains(&format!("; 1 entry; head SHA-256 `{head}`")),
        "{md}"
    );
    assert!(md.contains("(suspicious 1, legitimate 0,"), "{md}");
    let d = bob.decision(&key);
    assert_eq!(
        (d.verdict, d.analyst.as_str()),
        (Verdict::Suspicious, "alice")
    );
    assert!(
        bob.quit_summary(bob_journal.journal.is_some())
            .contains("(suspicious 1, legitimate 0)"),
        "{}",
        bob.quit_summary(true)
    );
}
