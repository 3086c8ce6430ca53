#![allow(clippy::panic, clippy::unwrap_used)]
//! An input that can be read only once, given by its path (breaker 13 #1): `<(zcat x.gz)`
//! is `/dev/fd/63` in every case, a named pipe keeps its name, `/dev/stdin` is the same
//! path whatever is piped in. Each gets the protection of `-`: its journal is named by its
//! content, so two different exports through the same path never see each other's
//! decisions, and no journal is ever made beside `/dev/stdin` in `/dev`.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use sts_triage::journal::{Decision, Entry, Journal, Verdict};

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");
use crate::support::stdin::{journal_line, run_piped, stdin_journal, two_inputs};

/// `sts-triage report -q EXTRA PATH` with `input` written into the named pipe `fifo`
/// (`XDG_DATA_HOME` at `data_home`): its standard output and error.
fn report_through_fifo(
    fifo: &Path,
    input: &[u8],
    extra: &[&str],
    data_home: &Path,
) -> (String, String) {
    let child = Command::new(BIN)
        .args(["report", "-q"])
        .args(extra)
        .arg(fifo)
        .env("XDG_DATA_HOME", data_home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (fifo, input) = (fifo.to_owned(), input.to_vec());
    // Opening a FIFO for writing waits for its reader: the report.
    let writer = std::thread::spawn(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(fifo)
            .unwrap()
            .write_all(&input)
            .unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{err}");
    (String::from_utf8(out.stdout).unwrap(), err)
}

/// `sts-triage report -q /dev/stdin` with `input` piped into standard input.
fn report_of_dev_stdin(input: &[u8], data_home: &Path) -> (String, String) {
    run_piped(&["report", "-q", "/dev/stdin"], input, data_home)
}

/// The key of B's first flagged row (a row of A too), from the JSON report.
fn first_key_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["findings"][0]["key"].as_str().unwrap().to_owned()
}

fn decide_suspicious(journal: &Path, key: &str) {
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let (mut j, _) = Journal::open(journal).unwrap();
    let decision = Decision {
        verdict: Verdict::Suspicious,
        note: "case A".into(),
        ..Decision::default()
    };
    j.append(&[Entry::new(key, &decision, "alice", "set")])
        .unwrap();
}

#[cfg(unix)]
#[test]
fn two_exports_through_one_named_pipe_never_see_each_others_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fifo = dir.path().join("export.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let [a, b] = two_inputs();
    let (ja, jb) = (stdin_journal(&data, &a), stdin_journal(&data, &b));

    // Each input's journal is named by its bytes, as `-`'s is: not `export.pipe.sts-triage.jsonl`.
    let (md, _) = report_through_fifo(&fifo, &a, &[], &data);
    assert!(
        journal_line(&md).contains(&ja.display().to_string()),
        "{md}"
    );
    let (json, _) = report_through_fifo(&fifo, &b, &["--format", "json"], &data);
    let key = first_key_of(&json);
    decide_suspicious(&ja, &key);

    // A's verdict shows on A's row, and never on the same row of B read through the pipe.
    let (md, _) = report_through_fifo(&fifo, &a, &[], &data);
    assert!(md.contains("suspicious 1,"), "{md}");
    let (md, _) = report_through_fifo(&fifo, &b, &[], &data);
    assert!(md.contains("suspicious 0,"), "B is not A: {md}");
    assert!(
        journal_line(&md).contains(&jb.display().to_string()),
        "{md}"
    );
    assert!(!dir.path().join("export.pipe.sts-triage.jsonl").exists());

    // The same bytes through standard input's path find the same journal; B's does not.
    let (md, _) = report_of_dev_stdin(&a, &data);
    assert!(md.contains("suspicious 1,"), "{md}");
    let (md, _) = report_of_dev_stdin(&b, &data);
    assert!(md.contains("suspicious 0,"), "{md}");
    assert!(
        journal_line(&md).contains(&jb.display().to_string()),
        "not in /dev: {md}"
    );
}
