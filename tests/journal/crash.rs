#![allow(clippy::panic, clippy::unwrap_used)]
//! The journal under SIGKILL: a child process appends decisions and reports each one as
//! confirmed only after `Journal::append` returned (as the workbench shows "saved" only
//! then); the parent kills it at a varying moment, 200 times, and checks that every
//! confirmed decision is in the journal and that the journal always loads. A second test has
//! two processes append to one journal at once.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sts_triage::journal::{Decision, Entry, Journal, Verdict, replay};

const CHILD_ENV: &str = "STS_TRIAGE_JOURNAL_CHILD";

/// Not a test of its own: the body of the child process (does nothing unless asked to).
#[test]
fn journal_child_writer() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (path, prefix) = spec.split_once('|').unwrap();
    let (mut journal, _) = Journal::open(Path::new(path)).unwrap();
    let stdout = std::io::stdout();
    for i in 0u64.. {
        let d = Decision {
            verdict: if i % 2 == 0 {
                Verdict::Suspicious
            } else {
                Verdict::Legitimate
            },
            note: format!(
                "note {i} with a long enough text to make the write take a little while {}",
                "x".repeat((i % 7) as usize * 40)
            ),
            ..Decision::default()
        };
        journal
            .append(&[Entry::new(&format!("row:{prefix}{i}"), &d, "child", "set")])
            .unwrap();
        let mut out = stdout.lock();
        writeln!(out, "confirmed {prefix}{i}").unwrap();
        out.flush().unwrap();
    }
}

fn spawn_child(path: &Path, prefix: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::journal_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{}|{prefix}", path.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_at_any_moment_never_loses_a_confirmed_decision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sts-triage.jsonl");
    let mut confirmed_total = 0usize;
    // A cheap deterministic spread of kill moments: 0..=N confirmations, then kill.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..200 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait_for = (seed % 25) as usize;
        let mut child = spawn_child(&path, &format!("r{round}-"));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut confirmed = Vec::new();
        let start = Instant::now();
        while confirmed.len() < wait_for && start.elapsed() < Duration::from_secs(20) {
            match lines.next() {
                Some(Ok(l)) => {
                    if let Some(key) = l.strip_prefix("confirmed ") {
                        confirmed.push(key.to_owned());
                    }
                }
                _ => break,
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // What the child printed before the kill also counts as confirmed.
        for l in lines.map_while(Result::ok) {
            if let Some(key) = l.strip_prefix("confirmed ") {
                confirmed.push(key.to_owned());
            }
        }
        let text = std::fs::read(&path).unwrap();
        let replayed = replay(&path.display().to_string(), &text)
            .unwrap_or_else(|e| panic!("round {round}: the journal does not load: {e}"));
        for key in &confirmed {
            assert!(
                replayed.decisions.contains_key(&format!("row:{key}")),
                "round {round}: confirmed decision {key} lost"
            );
        }
        // Reopening (as the workbench does on restart) must work too.
        Journal::open(&path).unwrap();
        confirmed_total += confirmed.len();
    }
    assert!(
        confirmed_total > 200,
        "the children confirmed decisions: {confirmed_total}"
    );
}

#[test]
fn two_processes_append_to_one_journal_without_interleaving() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.jsonl");
    Journal::open(&path).unwrap();
    let mut a = spawn_child(&path, "a");
    let mut b = spawn_child(&path, "b");
    let count = |child: &mut std::process::Child| {
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut n = 0;
        while n < 300 {
            match lines.next() {
                Some(Ok(l)) if l.starts_with("confirmed ") => n += 1,
                Some(Ok(_)) => {}
                _ => break,
            }
        }
        n
    };
    let (na, nb) = (count(&mut a), count(&mut b));
    a.kill().unwrap();
    b.kill().unwrap();
    a.wait().unwrap();
    b.wait().unwrap();
    assert_eq!((na, nb), (300, 300));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut from_a = 0;
    let mut from_b = 0;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let e: Entry = match serde_json::from_str(line) {
            Ok(e) => e,
            // Only the very last line may be cut by the kill.
            Err(_) if i + 1 == text.lines().count() => continue,
            Err(err) => panic!("line {} is interleaved or corrupt: {err}: {line}", i + 1),
        };
        if e.key.starts_with("row:a") {
            from_a += 1;
        } else {
            from_b += 1;
        }
    }
    assert!(from_a >= 300 && from_b >= 300, "{from_a} / {from_b}");
}
