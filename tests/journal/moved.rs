//! Breaker 12 #2: a journal renamed or deleted while a workbench held it open. Each save
//! said `saved ✓ … to <path>` and the quit line `decisions saved in <path>` (exit 0), while
//! the decisions went into the renamed file or were lost, and a second workbench on the
//! path started a journal of its own. Now every save checks that the path names the file
//! held open: a journal moved or deleted is written again at its path whole (chain intact)
//! and the save says so; a copy put in its place is taken over; another journal at the path
//! is never written, and the error says where the decisions are.

use std::path::Path;

use sts_triage::journal::{Decision, Entry, Journal, Verdict, chain, read_decisions};

fn entry(key: &str, analyst: &str) -> Entry {
    let d = Decision {
        verdict: Verdict::Suspicious,
        ..Decision::default()
    };
    Entry::new(key, &d, analyst, "set")
}

/// The journal at `path` read back: its keys in order, and whether its chain is whole.
fn keys_and_chain(path: &Path) -> (Vec<String>, bool) {
    let text = std::fs::read(path).unwrap();
    let parsed = chain::parse("j", &text, 1).unwrap();
    let check = chain::check(&parsed.lines);
    let keys = parsed.lines.iter().map(|l| l.entry.key.clone()).collect();
    (keys, check.breaks.is_empty() && check.unchained == 0)
}

#[test]
fn a_journal_moved_away_is_written_again_at_its_path_and_the_save_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.j.jsonl");
    let moved = dir.path().join("m.moved.jsonl");
    let (mut alice, _) = Journal::open(&path).unwrap();
    alice.append(&[entry("row:a", "alice")]).unwrap();
    assert_eq!(alice.take_notice(), None, "nothing moved: nothing said");
    std::fs::rename(&path, &moved).unwrap();
    alice.append(&[entry("row:b", "alice")]).unwrap();
    let said = alice.take_notice().expect("the save says what it did");
    assert!(
        said.contains(&format!("moved to {}", moved.display())),
        "{said}"
    );
    assert!(
        said.contains("written again at") && said.contains("chain intact"),
        "{said}"
    );
    assert_eq!(
        keys_and_chain(&path),
        (vec!["row:a".into(), "row:b".into()], true)
    );
    // A second workbench started on the path now sees alice's decisions, and alice his.
    let (mut bob, replay) = Journal::open(&path).unwrap();
    assert_eq!(replay.decisions.len(), 2);
    bob.append(&[entry("row:x", "bob")]).unwrap();
    alice.append(&[entry("row:c", "alice")]).unwrap();
    assert_eq!(alice.take_foreign()[0].key, "row:x");
    assert_eq!(read_decisions(&path).unwrap().decisions.len(), 4);
    assert!(keys_and_chain(&path).1);
    // The moved file keeps what it had; it is not written any more.
    assert_eq!(keys_and_chain(&moved).0, ["row:a"]);
}

#[test]
fn a_deleted_journal_is_written_again_whole_from_the_open_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.j.jsonl");
    let (mut alice, _) = Journal::open(&path).unwrap();
    alice
        .append(&[entry("row:a", "alice"), entry("row:b", "alice")])
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    // On quitting (no entry to append): put back, said.
    alice.keep_at_path().unwrap();
    let said = alice.take_notice().unwrap();
    assert!(said.contains("deleted"), "{said}");
    assert_eq!(
        keys_and_chain(&path),
        (vec!["row:a".into(), "row:b".into()], true)
    );
    alice.append(&[entry("row:c", "alice")]).unwrap();
    assert_eq!(alice.take_notice(), None);
    assert_eq!(read_decisions(&path).unwrap().entries, 3);
}

#[test]
fn a_copy_put_in_place_of_the_journal_is_written_from_then_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.j.jsonl");
    let (mut alice, _) = Journal::open(&path).unwrap();
    alice.append(&[entry("row:a", "alice")]).unwrap();
    // A sync client: a copy written aside, renamed over the journal.
    let tmp = dir.path().join(".c.j.jsonl.sync");
    std::fs::copy(&path, &tmp).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    alice.append(&[entry("row:b", "alice")]).unwrap();
    let said = alice.take_notice().unwrap();
    assert!(said.contains("is a copy holding all its entries"), "{said}");
    assert_eq!(
        keys_and_chain(&path),
        (vec!["row:a".into(), "row:b".into()], true)
    );
}

#[test]
fn another_journal_at_the_path_is_never_written_and_the_error_says_where_ours_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.j.jsonl");
    let moved = dir.path().join("s.moved.jsonl");
    let (mut alice, _) = Journal::open(&path).unwrap();
    alice.append(&[entry("row:a", "alice")]).unwrap();
    std::fs::rename(&path, &moved).unwrap();
    // bob starts on the path meanwhile: a journal of his own.
    let mut bob = Journal::join(&path).unwrap();
    bob.append(&[entry("row:x", "bob")]).unwrap();
    let before = std::fs::read(&path).unwrap();
    let e = alice
        .append(&[entry("row:b", "alice")])
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("moved to {}", moved.display())), "{e}");
    assert!(
        e.contains("is now another journal") && e.contains("nothing written"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "bob's journal untouched"
    );
    assert_eq!(keys_and_chain(&moved).0, ["row:a"]);
    assert!(alice.keep_at_path().is_err(), "quitting says it too");
    // Put back by hand: saves go on.
    std::fs::rename(&path, dir.path().join("bob.jsonl")).unwrap();
    std::fs::rename(&moved, &path).unwrap();
    alice.append(&[entry("row:b", "alice")]).unwrap();
    assert_eq!(alice.take_notice(), None);
    assert_eq!(
        keys_and_chain(&path),
        (vec!["row:a".into(), "row:b".into()], true)
    );
}
