#![allow(clippy::panic, clippy::unwrap_used)]
//! The journal on a bad day: a write that fails half-way (a file-size limit, a full tmpfs)
//! is cut back so the journal stays readable and the next decision is saved; a line cut in
//! the middle of a journal is an error naming it (only the last line can be torn by a crash).
//!
//! The writers run in child processes (this test binary again, asked through an environment
//! variable): under `ulimit -f` with SIGXFSZ ignored, so a write past the limit fails with
//! EFBIG; and, where the machine allows a private mount namespace, on a 16 KiB tmpfs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sts_triage::journal::{Decision, Entry, Journal, JournalError, Verdict, chain, replay};

const CHILD_ENV: &str = "STS_TRIAGE_FILL_CHILD";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn big_entry(i: usize) -> Entry {
    let d = Decision {
        verdict: Verdict::Suspicious,
        // About 1 KB a line: no multiple of it meets a 4 KiB boundary, so the failing write
        // is a short one (part of the line reaches the file).
        note: format!("decision {i}: {}", "n".repeat(900 + i % 3)),
        ..Decision::default()
    };
    Entry::new(&format!("row:fill{i}"), &d, "ana", "set")
}

/// Not a test of its own: the writer in the child (does nothing unless asked to). Appends
/// until a write fails, then checks the journal from inside (a tmpfs in a private mount
/// namespace is invisible to the parent): it must replay with exactly the confirmed entries.
/// With a filler file given, it then frees that space and appends once more.
#[test]
fn journal_fill_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (path, filler) = spec.split_once('|').unwrap();
    let path = Path::new(path);
    if !filler.is_empty() {
        // Leave little room, so the journal meets the end of the disk soon.
        let _ = std::fs::write(filler, vec![b'f'; 8 << 10]);
    }
    let (mut journal, _) = Journal::open(path).unwrap();
    let mut confirmed = 0;
    let failure = loop {
        match journal.append(&[big_entry(confirmed)]) {
            Ok(()) => confirmed += 1,
            Err(e) => break e.to_string(),
        }
        assert!(confirmed < 10_000, "the writes never failed");
    };
    println!("confirmed {confirmed}");
    println!("failed {failure}");
    let text = std::fs::read(path).unwrap();
    match replay("j", &text) {
        Ok(r) => println!(
            "replayed {} ends-with-newline {}",
            r.entries,
            text.ends_with(b"\n")
        ),
        Err(e) => println!("unreadable {e}"),
    }
    if !filler.is_empty() {
        std::fs::remove_file(filler).unwrap();
        journal.append(&[big_entry(confirmed)]).unwrap();
        let text = std::fs::read(path).unwrap();
        let r = replay("j", &text).unwrap();
        let parsed = chain::parse("j", &text, 1).unwrap();
        println!(
            "after-space {} breaks {}",
            r.entries,
            chain::check(&parsed.lines).breaks.len()
        );
    }
}

fn child(shell: &str, path: &Path, filler: Option<&Path>) -> Output {
    let exe = std::env::current_exe().unwrap();
    Command::new("sh")
        .args(["-c", shell, "sh"])
        .arg(exe)
        .args([
            "--exact",
            "faults::journal_fill_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            CHILD_ENV,
            format!(
                "{}|{}",
                path.display(),
                filler.map(|f| f.display().to_string()).unwrap_or_default()
            ),
        )
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn field<'a>(stdout: &'a str, name: &str) -> &'a str {
    stdout
        .lines()
        // The test harness prints `test NAME ... ` before the child's first line.
        .find_map(|l| l.find(name).map(|i| &l[i + name.len()..]))
        .unwrap_or_else(|| panic!("no `{name}` in the child's output:\n{stdout}"))
        .trim()
}

#[test]
fn a_write_past_the_file_size_limit_is_cut_back_and_the_next_save_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sts-triage.jsonl");
    // SIGXFSZ ignored (as an exec keeps it), so the write returns EFBIG instead of killing.
    let out = child("trap '' XFSZ; ulimit -f 8 && exec \"$@\"", &path, None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let confirmed: usize = field(&stdout, "confirmed ").parse().unwrap();
    assert!(confirmed >= 3, "{stdout}");
    assert!(
        field(&stdout, "failed ").contains("too large"),
        "the write failed on the size limit: {stdout}"
    );
    assert_eq!(
        field(&stdout, "replayed "),
        format!("{confirmed} ends-with-newline true")
    );
    // Without the limit, the next decision is saved and the journal reads whole.
    let (mut journal, r) = Journal::open(&path).unwrap();
    assert_eq!((r.entries, r.warning), (confirmed, None));
    journal.append(&[big_entry(confirmed)]).unwrap();
    let text = std::fs::read(&path).unwrap();
    assert_eq!(replay("j", &text).unwrap().entries, confirmed + 1);
    let parsed = chain::parse("j", &text, 1).unwrap();
    assert!(chain::check(&parsed.lines).breaks.is_empty());
}

#[test]
fn a_full_tmpfs_cuts_the_write_back_or_the_test_says_it_was_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let path = mount.join("j.sts-triage.jsonl");
    let filler = mount.join("filler");
    let probe = Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs \"$0\""])
        .arg(&mount)
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        other => {
            // Visible in the test's output (cargo test shows it with --nocapture, and in
            // the summary of a failing run): the machine does not allow the mount.
            eprintln!(
                "SKIPPED a_full_tmpfs...: cannot mount a tmpfs in a private namespace here ({})",
                other.map_or_else(
                    |e| e.to_string(),
                    |o| String::from_utf8_lossy(&o.stderr).trim().to_owned()
                )
            );
            return;
        }
    }
    // The mount exists only inside the child's namespace: the child checks the journal.
    let shell = format!(
        "exec unshare -rm sh -c 'mount -t tmpfs -o size=16k tmpfs \"$0\" && exec \"$@\"' '{}' \"$@\"",
        mount.display()
    );
    let out = child(&shell, &path, Some(&filler));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let confirmed: usize = field(&stdout, "confirmed ").parse().unwrap();
    assert!(
        field(&stdout, "failed ").contains("No space"),
        "the write failed on the full disk: {stdout}"
    );
    assert_eq!(
        field(&stdout, "replayed "),
        format!("{confirmed} ends-with-newline true")
    );
    assert_eq!(
        field(&stdout, "after-space "),
        format!("{} breaks 0", confirmed + 1)
    );
}

fn report_with_journal(journal: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "tests/fixtures/workbench.jsonl", "--journal"])
        .arg(journal)
        .current_dir(manifest_dir())
        .output()
        .unwrap()
}

#[test]
fn a_line_cut_in_the_middle_is_an_error_naming_it() {
    // The case as found: line 2 of 3 cut short, the verdict it held silently lost before.
    let out = report_with_journal(Path::new("tests/data/journal/torn-middle-line.jsonl"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("cut short"), "{stderr}");
    // A journal left by a full disk before this fix (a cut entry glued to the next) stays
    // an error naming its line, for the analyst to repair by hand.
    let out = report_with_journal(Path::new("tests/data/journal/after-enospc.jsonl"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 27"), "{stderr}");
}

#[test]
fn a_chained_journal_cut_in_the_middle_of_its_hash_is_refused_by_the_workbench_too() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("j.jsonl");
    let (mut j, _) = Journal::open(&path).unwrap();
    for i in 0..4 {
        j.append(&[big_entry(i)]).unwrap();
    }
    drop(j);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 3 loses its end inside the `prev` string (a synthetic shape: the cut falls in
    // the chain's field, not in the note).
    let cut = lines[2].find("\"prev\":\"").unwrap() + 20;
    lines[2].truncate(cut);
    let mut f = std::fs::File::create(&path).unwrap();
    for l in &lines {
        writeln!(f, "{l}").unwrap();
    }
    drop(f);
    match Journal::open(&path) {
        Err(JournalError::Corrupt { line, why, .. }) => {
            assert_eq!(line, 3);
            assert!(why.contains("only the last line"), "{why}");
        }
        other => panic!("expected an error naming line 3, got {other:?}"),
    }
    // Nothing was changed by the refused open.
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
}
