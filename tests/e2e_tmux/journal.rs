//! The journal under faults: SIGKILL, a panic, a full disk, an unwritable input folder, and where
//! it is created.

use super::*;

#[test]
fn sigkill_right_after_decisions_loses_nothing_confirmed() {
    let dir = workdir();
    let t = Tmux::new("kill");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 0/7");
    t.keys(&["1", "1", "2"]);
    t.wait_for("reviewed 3/7");
    t.wait_for("saved ✓");
    let pid = t.pane_pid().unwrap();
    Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    t.wait_gone();

    let t = Tmux::new("kill2");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 3/7 · suspicious 2 · legitimate 1");
}

#[test]
fn a_panic_restores_the_terminal_says_where_the_journal_is_and_loses_nothing() {
    let dir = workdir();
    let t = Tmux::new("panic");
    // Keep the pane after the process dies, to read what it printed.
    t.tmux(&["set-option", "-g", "remain-on-exit", "on"]);
    t.start_env(dir.path(), "STS_TRIAGE_TEST_PANIC=1", "export.jsonl");
    t.wait_for("reviewed 0/7");
    t.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
    t.keys(&["1", "2"]);
    t.wait_for("reviewed 2/7");
    t.keys(&["F12"]);
    let s = t.wait_for("every decision confirmed on screen is saved in");
    assert!(s.contains("export.jsonl.sts-triage.jsonl"), "{s}");
    assert!(
        !s.contains("flagged rows ·"),
        "the workbench screen is gone:\n{s}"
    );
    let alt = t.tmux(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0", "the alternate screen was left");
    t.tmux(&["kill-session", "-t", "t"]);
    t.wait_gone();

    let t = Tmux::new("panic2");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 2/7 · suspicious 1 · legitimate 1");
}

#[test]
fn a_journal_beside_an_unwritable_input_goes_to_the_data_directory_and_the_screen_says_so() {
    let dir = workdir();
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::new("datadir");
    // /proc/self/fd/0 is a pipe carrying the export, in a folder no one can create files in.
    let env = format!("cat export.jsonl | XDG_DATA_HOME={}", data.path().display());
    t.start_env(dir.path(), &env, "/proc/self/fd/0");
    let s = t.wait_for("reviewed 0/7");
    // A pipe's journal is named by its content, as `-`'s (breaker 13 #1: `0.sts-triage.jsonl`,
    // named after the descriptor, was shared by everything ever piped in so).
    let bytes = std::fs::read(dir.path().join("export.jsonl")).unwrap();
    let hash = sts_triage::load::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let expected = data
        .path()
        .join(format!("sts-triage/stdin-{}.sts-triage.jsonl", &hash[..32]));
    assert!(s.contains("journal"), "{s}");
    t.keys(&["1"]);
    t.wait_for("reviewed 1/7");
    let journal = std::fs::read_to_string(&expected).unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");
    let status = t.wait_for("saved ✓");
    assert!(status.contains(&expected.display().to_string()), "{status}");
}

#[test]
fn a_full_disk_is_reported_and_the_decision_is_not_shown_as_saved() {
    let dir = workdir();
    let t = Tmux::new("full");
    // A file-size limit of 1 KiB stands in for a full disk: the journal's first few entries
    // fit, the next append fails (EFBIG) and must be reported, not shown as saved.
    t.start_env(dir.path(), "trap '' XFSZ; ulimit -f 1;", "export.jsonl");
    // The load is over (the second line names the rows shown, not the gauge): a key taken
    // while the rows are still in the order read leaves the cursor on its row through the
    // load's one sort, so the next `1` could fall on a row already decided, written twice.
    t.wait_for_all(&["reviewed 0/7", "7 of 7 shown"]);
    for _ in 0..7 {
        t.keys(&["1"]);
    }
    // The frame that took the last key: the workbench writes a decision's entry before it
    // draws the frame, so from then on neither the journal nor the screen changes.
    // Every row shows its verdict; the header counts only what the journal holds and the
    // refused decisions apart (`reviewed 4/7 · … · 3 NOT SAVED`).
    let s = t.wait_until("every row decided, some NOT SAVED", |s| {
        s.contains("NOT SAVED │") && s.contains("NOT SAVED: ") && !s.contains("unreviewed")
    });
    assert!(
        s.contains("export.jsonl.sts-triage.jsonl"),
        "the message names the journal:\n{s}"
    );
    let unsaved_rows = s.lines().filter(|l| l.starts_with('!')).count();
    assert!(
        unsaved_rows >= 1,
        "rows not saved are marked in the gutter:\n{s}"
    );
    let journal =
        std::fs::read_to_string(dir.path().join("export.jsonl.sts-triage.jsonl")).unwrap();
    let entries: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(entries.len() < 7, "the limit was hit: {journal}");
    // Rows, not lines: each row decided once.
    let keys: std::collections::HashSet<&str> =
        entries.iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), entries.len(), "a row decided twice:\n{journal}");
    let saved = keys.len();
    // Every row the screen shows as saved (no `!`) is in the journal.
    let marked = s
        .lines()
        .filter(|l| l.starts_with("  20") && l.contains(" suspicious"))
        .count();
    assert_eq!(marked, saved, "{marked} shown saved, {saved} written:\n{s}");
    let header = s.lines().next().unwrap();
    assert!(
        header.starts_with(&format!(
            "reviewed {saved}/7 · suspicious {saved} · legitimate 0 · {} NOT SAVED │",
            7 - saved
        )),
        "the header counts the saved decisions only:\n{s}"
    );
    assert_eq!(
        t.screen(),
        s,
        "the screen changed after the journal was read"
    );
}

#[test]
fn the_journal_is_created_at_the_first_decision_beside_the_folder_however_it_is_spelled() {
    let (dir, evidence) = evidence_dir();
    let expected = dir.path().join("evidence.sts-triage.jsonl");
    let t = Tmux::new("lazyjournal");
    t.start(&evidence, ".");
    let s = t.wait_for("reviewed 0/7");
    assert!(s.contains("created at the first decision"), "{s}");
    t.keys(&["q"]);
    t.wait_gone();
    assert!(!expected.exists(), "looking creates no journal");
    assert_eq!(
        std::fs::read_dir(&evidence).unwrap().count(),
        1,
        "nothing inside the evidence"
    );

    let t = Tmux::new("lazyjournal2");
    t.start(&evidence, ".");
    t.wait_for("reviewed 0/7");
    t.keys(&["1"]);
    let s = t.wait_for("saved ✓");
    assert!(s.contains("evidence.sts-triage.jsonl"), "{s}");
    t.keys(&["q"]);
    t.wait_gone();
    assert!(expected.exists());
    assert_eq!(
        std::fs::read_dir(&evidence).unwrap().count(),
        1,
        "nothing inside the evidence"
    );

    // The absolute spelling finds the same journal.
    let t = Tmux::new("lazyjournal3");
    t.start(dir.path(), &evidence.display().to_string());
    let s = t.wait_for("reviewed 1/7");
    assert!(s.contains("1 earlier decision replayed"), "{s}");
}
