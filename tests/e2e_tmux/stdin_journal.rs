#![allow(clippy::panic, clippy::unwrap_used)]
//! Standard input's journal is named by its content (`stdin-<SHA-256>.sts-triage.jsonl` in
//! the data folder): two different exports piped in get two journals, the same export piped
//! in again finds its own, and its verdicts come back, in `report -` and in the workbench
//! reading `-`. `--journal` still overrides it.

use std::path::Path;

use sts_triage::journal::{Decision, Entry, Journal, Verdict};

use super::{BIN, Tmux, report_of_stdin};

use crate::support::stdin::{journal_line, stdin_journal, two_inputs};

#[test]
fn report_of_standard_input_uses_a_journal_named_by_its_content() {
    let data = tempfile::tempdir().unwrap();
    let [a, b] = two_inputs();
    let (ja, jb) = (
        stdin_journal(data.path(), &a),
        stdin_journal(data.path(), &b),
    );
    assert_ne!(ja, jb);
    let (md, err) = report_of_stdin(&a, &[], data.path());
    assert!(
        journal_line(&md).contains(&ja.display().to_string()),
        "{md}"
    );
    assert!(!err.contains("shared by"), "not shared any more: {err}");
    let (md, _) = report_of_stdin(&b, &[], data.path());
    assert!(
        journal_line(&md).contains(&jb.display().to_string()),
        "{md}"
    );
    assert!(
        !ja.exists() && !jb.exists(),
        "report never creates a journal"
    );

    // A verdict in A's journal comes back for A, and only for A.
    let (json, _) = report_of_stdin(&a, &["--format", "json"], data.path());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let key = v["findings"][0]["key"].as_str().unwrap().to_owned();
    std::fs::create_dir_all(ja.parent().unwrap()).unwrap();
    let (mut journal, _) = Journal::open(&ja).unwrap();
    let decision = Decision {
        verdict: Verdict::Suspicious,
        note: "piped".into(),
        ..Decision::default()
    };
    journal
        .append(&[Entry::new(&key, &decision, "ana", "set")])
        .unwrap();
    drop(journal);
    let (md, _) = report_of_stdin(&a, &[], data.path());
    assert!(md.contains("suspicious 1,"), "{md}");
    let (md, _) = report_of_stdin(&b, &[], data.path());
    assert!(md.contains("suspicious 0,"), "B is not A: {md}");

    // --journal overrides it, with no warning.
    let own = data.path().join("own.jsonl");
    let (md, err) = report_of_stdin(&a, &["--journal", own.to_str().unwrap()], data.path());
    assert!(journal_line(&md).contains("own.jsonl"), "{md}");
    assert!(md.contains("suspicious 0,"), "{md}");
    assert!(!err.contains("shared by"), "{err}");
}

/// The workbench in tmux on `cat INPUT | sts-triage -` (`XDG_DATA_HOME` at `data_home`).
fn start(name: &str, input: &Path, data_home: &Path) -> Tmux {
    let t = Tmux::new(name);
    t.start_shell(&format!(
        "cat {} | XDG_DATA_HOME={} exec {BIN} -",
        input.display(),
        data_home.display()
    ));
    t
}

/// Quits with `q` and waits for the workbench to end.
fn quit(t: &Tmux) {
    t.keys(&["q"]);
    t.wait_gone();
}

#[test]
fn the_workbench_on_standard_input_keeps_each_inputs_verdicts_apart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let [a, b] = two_inputs();
    let (pa, pb) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&pa, &a).unwrap();
    std::fs::write(&pb, &b).unwrap();
    let (ja, jb) = (stdin_journal(&data, &a), stdin_journal(&data, &b));

    let w = start("stdin-a", &pa, &data);
    let s = w.wait_for("reviewed 0/7");
    let name = ja.file_name().unwrap().to_str().unwrap();
    assert!(s.contains(&format!("{name} (created at")), "{s}");
    w.keys(&["1"]);
    w.wait_for("saved ✓");
    quit(&w);
    assert_eq!(std::fs::read_to_string(&ja).unwrap().lines().count(), 1);

    // Another input piped in: its own journal, no decision of A's.
    let w = start("stdin-b", &pb, &data);
    w.wait_for("reviewed 0/6");
    quit(&w);
    assert!(!jb.exists(), "created at the first decision only");

    // A again: its decision is back; `report -` of A finds it too.
    let w = start("stdin-a2", &pa, &data);
    let s = w.wait_for("reviewed 1/7");
    assert!(s.contains("1 earlier decision replayed"), "{s}");
    quit(&w);
    let (md, _) = report_of_stdin(&a, &[], &data);
    assert!(md.contains("suspicious 1,"), "{md}");
}
