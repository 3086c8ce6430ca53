//! A journal replaced while a workbench holds it open: cut and written again in place, or
//! another file moved over it. What the path holds is read again whole at the next refresh
//! or save (not only at the save, which refused it: `the journal is shorter …; nothing
//! written`), and the decisions this workbench wrote that it lacks are written into it again,
//! each keeping who made it and when; one it holds a later decision of another writer on is
//! named, not written.

use std::path::Path;

use sts_triage::journal::{Decision, Entry, Journal, Verdict, chain, read_decisions};

fn entry(key: &str, v: Verdict, analyst: &str, time: &str) -> Entry {
    let d = Decision {
        verdict: v,
        ..Decision::default()
    };
    let mut e = Entry::new(key, &d, analyst, "set");
    if !time.is_empty() {
        e.time = time.to_owned();
    }
    e
}

fn chained(path: &Path) -> bool {
    let parsed = chain::parse("j", &std::fs::read(path).unwrap(), 1).unwrap();
    chain::check(&parsed.lines).breaks.is_empty()
}

#[test]
fn a_journal_cut_to_nothing_gets_this_sessions_decisions_again_at_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let (mut j, _) = Journal::open(&path).unwrap();
    j.append(&[entry("row:a", Verdict::Suspicious, "ana", "")])
        .unwrap();
    let made = read_decisions(&path).unwrap().decisions["row:a"]
        .time
        .clone();
    std::fs::write(&path, "").unwrap();
    j.append(&[entry("row:b", Verdict::Legitimate, "ana", "")])
        .unwrap();
    let r = j.take_reloaded().expect("read again");
    assert!(r.how.starts_with("cut to 0 bytes (it had "), "{}", r.how);
    assert_eq!(r.rewritten, ["row:a"]);
    assert!(r.superseded.is_empty() && r.failed.is_none());
    let now = read_decisions(&path).unwrap();
    assert_eq!(now.entries, 2);
    let a = &now.decisions["row:a"];
    assert_eq!(
        (a.verdict, a.analyst.as_str(), a.time.as_str()),
        (Verdict::Suspicious, "ana", made.as_str()),
        "written again as it was made"
    );
    assert_eq!(now.decisions["row:b"].verdict, Verdict::Legitimate);
    assert!(chained(&path));
    assert_eq!(j.take_reloaded(), None, "said once");
}

#[test]
fn a_journal_written_again_in_place_is_read_whole_at_a_refresh_and_a_later_decision_stands() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let other = dir.path().join("other.jsonl");
    let (mut j, _) = Journal::open(&path).unwrap();
    j.append(&[
        entry(
            "row:a",
            Verdict::Suspicious,
            "ana",
            "2026-01-01T10:00:00.000Z",
        ),
        entry(
            "row:b",
            Verdict::Suspicious,
            "ana",
            "2026-01-01T10:00:00.000Z",
        ),
    ])
    .unwrap();
    // Another journal (longer than ours): bob decided row:a after ana, row:c too.
    let (mut bob, _) = Journal::open(&other).unwrap();
    bob.append(&[
        entry(
            "row:c",
            Verdict::Legitimate,
            "bob",
            "2026-01-01T09:00:00.000Z",
        ),
        entry(
            "row:a",
            Verdict::Legitimate,
            "bob",
            "2026-01-01T11:00:00.000Z",
        ),
        entry(
            "row:d",
            Verdict::Legitimate,
            "bob",
            "2026-01-01T11:00:00.000Z",
        ),
    ])
    .unwrap();
    // Written over ours in place (same file, `cat other > j`).
    std::fs::write(&path, std::fs::read(&other).unwrap()).unwrap();
    j.refresh().unwrap();
    assert!(j.take_foreign().is_empty(), "not read as appended lines");
    let r = j.take_reloaded().expect("read again");
    assert_eq!(r.how, "written again in place");
    assert_eq!(r.rewritten, ["row:b"], "ana's row:b was not in it");
    assert_eq!(
        r.superseded
            .iter()
            .map(|e| (e.key.as_str(), e.analyst.as_str()))
            .collect::<Vec<_>>(),
        [("row:a", "bob")],
        "bob's later decision stands, said"
    );
    let now = read_decisions(&path).unwrap();
    assert_eq!(now.entries, 4);
    assert_eq!(now.decisions["row:a"].analyst, "bob");
    assert_eq!(now.decisions["row:b"].analyst, "ana");
    assert_eq!(now.decisions["row:c"].analyst, "bob");
    assert_eq!(r.decisions, now.decisions, "the screen gets what it holds");
    assert!(chained(&path));
    // The journal goes on from there.
    j.append(&[entry("row:e", Verdict::Legitimate, "ana", "")])
        .unwrap();
    assert!(j.take_reloaded().is_none() && j.take_foreign().is_empty());
    assert_eq!(read_decisions(&path).unwrap().entries, 5);
    assert!(chained(&path));
}

#[cfg(unix)]
#[test]
fn a_file_moved_over_the_journal_is_the_journal_from_then_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let other = dir.path().join("synced.jsonl");
    let (mut j, _) = Journal::open(&path).unwrap();
    j.append(&[entry("row:a", Verdict::Suspicious, "ana", "")])
        .unwrap();
    let (mut bob, _) = Journal::open(&other).unwrap();
    bob.append(&[entry("row:c", Verdict::Legitimate, "bob", "")])
        .unwrap();
    drop(bob);
    std::fs::rename(&other, &path).unwrap();
    j.refresh().unwrap();
    let r = j.take_reloaded().expect("read again");
    assert!(r.how.starts_with("replaced by another file"), "{}", r.how);
    assert_eq!(r.rewritten, ["row:a"]);
    let now = read_decisions(&path).unwrap();
    assert_eq!((now.entries, now.decisions.len()), (2, 2));
    assert!(chained(&path));
    j.append(&[entry("row:b", Verdict::Legitimate, "ana", "")])
        .unwrap();
    assert_eq!(read_decisions(&path).unwrap().entries, 3);
}

#[test]
fn what_is_not_a_journal_is_never_taken_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let (mut j, _) = Journal::open(&path).unwrap();
    j.append(&[entry("row:a", Verdict::Suspicious, "ana", "")])
        .unwrap();
    std::fs::write(&path, "not a journal\nat all\n").unwrap();
    let e = j.refresh().unwrap_err().to_string();
    assert!(
        e.contains("not a journal") && e.contains("nothing written"),
        "{e}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"not a journal\nat all\n");
    assert!(j.take_reloaded().is_none());
}
