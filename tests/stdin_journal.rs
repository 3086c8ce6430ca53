#![allow(clippy::panic, clippy::unwrap_used)]
//! Standard input's default journal is one file whatever was piped in: `report -` says so,
//! and names `--journal` to keep an input's decisions apart; with `--journal` it says nothing.

use std::io::Write as _;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");

fn report_of_stdin(extra: &[&str], data_home: &std::path::Path) -> String {
    let mut child = Command::new(BIN)
        .args(["report", "-q"])
        .args(extra)
        .arg("-")
        .env("XDG_DATA_HOME", data_home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read("tests/fixtures/workbench.jsonl").unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn standard_input_without_a_journal_is_told_its_journal_is_shared() {
    let data = tempfile::tempdir().unwrap();
    let err = report_of_stdin(&[], data.path());
    assert!(
        err.contains("shared by everything ever read from standard input")
            && err.contains("--journal FILE"),
        "{err}"
    );
    let journal = data.path().join("j.jsonl");
    let err = report_of_stdin(&["--journal", journal.to_str().unwrap()], data.path());
    assert!(!err.contains("shared by"), "{err}");
}
