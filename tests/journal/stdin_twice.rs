#![allow(clippy::panic, clippy::unwrap_used)]
//! `-` named twice: standard input can be read once. `scan`, `report` and the workbench
//! refuse it in one clear line, before reading anything (not "the file is empty").

use std::io::Write as _;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");

#[test]
fn stdin_given_twice_is_refused_by_scan_report_and_the_workbench() {
    let journal = tempfile::tempdir().unwrap();
    let j = journal.path().join("j.jsonl").display().to_string();
    for args in [
        vec!["scan", "-", "-"],
        vec!["report", "--journal", &j, "-", "-"],
        vec!["report", "-", "-"],
        vec!["--journal", &j, "-", "-"],
    ] {
        let mut child = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = std::fs::read("tests/fixtures/workbench.jsonl").unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The refusal may come before the input is read: a closed pipe is fine.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("- given twice: standard input can be read once"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("empty"), "{args:?}: {err}");
        // Refused first: nothing said of a journal it would have used.
        assert!(!err.contains("journal"), "{args:?}: {err}");
    }
    assert!(!journal.path().join("j.jsonl").exists(), "nothing created");
}
