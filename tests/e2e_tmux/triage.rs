//! A session end to end: sort, filter, mark, quit and restart; quitting asks first while a
//! decision is not saved.

use super::*;

/// The workbench on `export.jsonl` at 160 columns, where the IP column the rows are read by
/// is drawn (from 136).
fn start_wide(t: &Tmux, dir: &std::path::Path) {
    t.start_sized(
        &format!("cd {} && exec {BIN} export.jsonl", dir.display()),
        160,
        40,
    );
}

#[test]
fn sort_filter_mark_quit_restart_and_the_marks_are_there() {
    let dir = workdir();
    let t = Tmux::new("marks");
    start_wide(&t, dir.path());
    t.wait_for("reviewed 0/7");
    // Sort by the account column, then filter to the 203.0 addresses.
    t.keys(&["s"]);
    t.wait_for("Account (actor)▲");
    t.keys(&["/", "ip:203.0", "Enter"]);
    t.wait_for("4 of 7 shown");
    // The cursor stayed on its row, which the filter shows: to the first row shown.
    t.keys(&["g"]);
    t.keys(&["1"]);
    t.wait_for("suspicious 1");
    t.keys(&["2"]);
    // The screen shows a decision only after the journal write returned.
    let s = t.wait_for("reviewed 2/7 · suspicious 1 · legitimate 1");
    assert!(s.contains("saved ✓"), "{s}");
    t.keys(&["q"]);
    t.wait_gone();
    let journal =
        std::fs::read_to_string(dir.path().join("export.jsonl.sts-triage.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 2, "{journal}");

    let t = Tmux::new("marks2");
    start_wide(&t, dir.path());
    let s = t.wait_for("reviewed 2/7 · suspicious 1 · legitimate 1");
    assert!(s.contains("2 earlier decisions replayed"), "{s}");
    // The marked rows are the first two 203.0 rows in account order.
    t.keys(&["s", "/", "ip:203.0", "Enter"]);
    let s = t.wait_for("4 of 7 shown");
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("203.0.113")).collect();
    assert!(
        rows[0].contains("suspicious") && rows[0].contains("admin@contoso"),
        "{s}"
    );
    assert!(
        rows[1].contains("legitimate") && rows[1].contains("bob.ops"),
        "{s}"
    );
}

/// The breaker tester's finding: with two decisions the journal refused (a full disk), `q`
/// quit at once with status 0 and both decisions were lost without a word.
#[test]
fn quitting_with_decisions_not_saved_asks_first_and_ends_with_status_1() {
    let dir = workdir();
    let t = Tmux::new("quitunsaved");
    let status = dir.path().join("status");
    // A file-size limit of 0 stands in for a full disk: every append fails (EFBIG).
    t.start_shell(&format!(
        "cd {} && (trap '' XFSZ; ulimit -f 0; {BIN} export.jsonl); echo $? > {}",
        dir.path().display(),
        status.display()
    ));
    t.wait_for_all(&["reviewed 0/7", "7 of 7 shown"]);
    t.keys(&["1"]);
    // Decisions the journal refused are not counted as reviewed: shown apart.
    t.wait_for_all(&["reviewed 0/7", "1 NOT SAVED"]);
    t.keys(&["2"]);
    t.wait_for_all(&["reviewed 0/7", "2 NOT SAVED"]);
    t.keys(&["q"]);
    // Whole on the status line of a 120-column screen, the question first.
    t.wait_for("quit and lose 2 decisions NOT saved? q or y quits, any other key returns");
    // Any other key returns to the workbench, and does nothing else.
    t.keys(&["j"]);
    let s = t.wait_for("not quit: 2 decisions still NOT saved");
    assert!(
        s.contains("reviewed 0/7") && s.contains("2 NOT SAVED"),
        "{s}"
    );
    assert!(!status.exists(), "the workbench ended:\n{s}");
    t.keys(&["q"]);
    t.wait_for("quit and lose 2 decisions");
    t.keys(&["y"]);
    t.wait_gone();
    let code = std::fs::read_to_string(&status).unwrap();
    assert_eq!(
        code.trim(),
        "1",
        "the exit status of a quit with decisions not saved"
    );
}

/// Every decision saved: `q` quits at once, status 0.
#[test]
fn quitting_with_every_decision_saved_asks_nothing_and_ends_with_status_0() {
    let dir = workdir();
    let t = Tmux::new("quitsaved");
    let status = dir.path().join("status");
    t.start_shell(&format!(
        "cd {} && {BIN} export.jsonl; echo $? > {}",
        dir.path().display(),
        status.display()
    ));
    t.wait_for_all(&["reviewed 0/7", "7 of 7 shown"]);
    t.keys(&["1"]);
    t.wait_for("saved ✓");
    t.keys(&["q"]);
    t.wait_gone();
    let code = std::fs::read_to_string(&status).unwrap();
    assert_eq!(code.trim(), "0");
}
