#![allow(clippy::panic, clippy::unwrap_used)]
//! End to end: the real binary in a real terminal (tmux), driven by keys, read from the
//! screen. Each test has its own tmux server socket. Waits are bounded polls for what the
//! screen must show, never fixed sleeps.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");

struct Tmux {
    socket: String,
    _conf: tempfile::NamedTempFile,
    conf_path: PathBuf,
}

impl Tmux {
    fn new(name: &str) -> Self {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is needed for the end-to-end tests (.ci/run installs it)"
        );
        let conf = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            conf.path(),
            "set -g set-clipboard on\nset -g remain-on-exit off\n",
        )
        .unwrap();
        let socket = format!("sts-{name}-{}", std::process::id());
        let conf_path = conf.path().to_owned();
        Self {
            socket,
            _conf: conf,
            conf_path,
        }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg(&self.conf_path)
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn start(&self, cwd: &Path, args: &str) {
        self.start_env(cwd, "", args);
    }

    fn start_env(&self, cwd: &Path, env: &str, args: &str) {
        self.start_shell(&format!("cd {} && {env} exec {BIN} {args}", cwd.display()));
    }

    /// Runs a shell command line in the session (the session ends when it does).
    fn start_shell(&self, cmd: &str) {
        self.tmux(&["new-session", "-d", "-s", "t", "-x", "120", "-y", "35", cmd]);
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "t", k]);
        }
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// Polls the screen until it shows `text` and has finished drawing (the same in two
    /// captures 50 ms apart: a capture can fall in the middle of a frame on a busy
    /// machine), at most 20 s.
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_all(&[text])
    }

    /// As [`Tmux::wait_for`], for a screen that shows every one of `texts` at once.
    fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("{texts:?}"), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    /// Waits until the screen, the same on two looks in a row, passes `test` (`what` says
    /// what was waited for when it never does).
    fn wait_until(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            let s = self.screen();
            if test(&s) && s == last {
                return s;
            }
            last = s.clone();
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the screen never showed {what}; it shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pane_pid(&self) -> Option<i32> {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_pid}"])
            .trim()
            .parse()
            .ok()
    }

    /// Waits for the session to end (the program quit or was killed).
    fn wait_gone(&self) {
        let start = Instant::now();
        while Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "t"])
            .output()
            .is_ok_and(|o| o.status.success())
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the program did not end"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        dir.path().join("export.jsonl"),
    )
    .unwrap();
    dir
}

#[test]
fn sort_filter_mark_quit_restart_and_the_marks_are_there() {
    let dir = workdir();
    let t = Tmux::new("marks");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 0/7");
    // Sort by the account column, then filter to the 203.0 addresses.
    t.keys(&["s"]);
    t.wait_for("Account▲");
    t.keys(&["/", "ip:203.0", "Enter"]);
    t.wait_for("4 of 7 shown");
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
    t.start(dir.path(), "export.jsonl");
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

#[test]
fn copy_goes_through_osc52_into_the_tmux_buffer() {
    let dir = workdir();
    let t = Tmux::new("osc52");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 0/7");
    t.keys(&["/", "helpdesk", "Enter", "y"]);
    let s = t.wait_for("sent through tmux");
    assert!(s.contains("OSC 52"), "{s}");
    let start = Instant::now();
    let buffer = loop {
        let b = t.tmux(&["show-buffer"]);
        if b.contains("helpdesk@contoso.com") || start.elapsed() > Duration::from_secs(10) {
            break b;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        buffer.contains("| `helpdesk@contoso.com` |"),
        "tmux buffer: {buffer:?}"
    );
    assert!(
        buffer.starts_with("| First seen (UTC) | Account |"),
        "{buffer:?}"
    );
}

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
fn follow_mode_adds_rows_written_after_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let all = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    let lines: Vec<&str> = all.lines().collect();
    let live = dir.path().join("live.jsonl");
    std::fs::write(&live, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let t = Tmux::new("follow");
    t.start(dir.path(), "--follow live.jsonl");
    t.wait_for("reviewed 0/2");
    t.wait_for("following 1 file(s)");
    // The export goes on: a line in two writes, as a writer flushes.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&live)
        .unwrap();
    let (head, tail) = lines[2].split_at(40);
    write!(f, "{head}").unwrap();
    f.flush().unwrap();
    write!(f, "{tail}\n{}\n", lines[4]).unwrap();
    f.flush().unwrap();
    let s = t.wait_for("reviewed 0/4");
    assert!(
        s.contains("helpdesk@contoso.com") && s.contains("alice.admin@contoso.com"),
        "{s}"
    );
    assert!(
        !s.contains("skipped 1"),
        "the line written in two parts is read whole: {s}"
    );
}

#[test]
fn follow_mode_counts_what_it_read_and_its_report_passes_verify() {
    let dir = tempfile::tempdir().unwrap();
    let all = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    let lines: Vec<&str> = all.lines().collect();
    let live = dir.path().join("live.jsonl");
    std::fs::write(&live, format!("{}\n", lines[0])).unwrap();
    let t = Tmux::new("followverify");
    t.start(dir.path(), "--follow live.jsonl");
    t.wait_for("following 1 file(s)");
    t.wait_for("files 1 · records 1 ");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&live)
        .unwrap();
    write!(f, "{}\n{}\n{}\n", lines[1], lines[2], lines[4]).unwrap();
    f.flush().unwrap();
    t.wait_for("reviewed 0/4");
    t.wait_for("files 1 · records 4 ");
    // A decision (the journal is made), then the report written beside the journal.
    t.keys(&["1"]);
    t.wait_for("saved ✓");
    t.keys(&["E"]);
    t.wait_for("report written");
    let report_path = dir.path().join("live.jsonl.sts-triage.report.md");
    let report = std::fs::read_to_string(&report_path).unwrap();
    let size = std::fs::metadata(&live).unwrap().len();
    let files: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("  - ") && l.contains("live.jsonl"))
        .collect();
    assert_eq!(files.len(), 1, "{report}");
    assert!(
        files[0].contains(&format!("{size} bytes, 4 records"))
            && files[0].contains("bytes read so far"),
        "the followed file is listed with what was read, its hash labelled: {report}"
    );
    let verify = || {
        Command::new(BIN)
            .current_dir(dir.path())
            .args([
                "verify",
                "--journal",
                "live.jsonl.sts-triage.jsonl",
                "--report",
                "live.jsonl.sts-triage.report.md",
                "live.jsonl",
            ])
            .output()
            .unwrap()
    };
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("OK: "), "{text}");
    assert!(
        text.contains("note: input live.jsonl: SHA-256 ") && text.contains(", as the report says"),
        "verify names the input it checked: {text}"
    );
    // The export goes on after the report: verify says the file grew past what was covered.
    writeln!(f, "{}", lines[5]).unwrap();
    f.flush().unwrap();
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "DIFFERS input live.jsonl: grew since the report: its first {size} bytes are the ones the report covers"
        )),
        "{text}"
    );
}

#[test]
fn a_file_passed_over_is_named_in_the_header_and_the_problems_view() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    std::fs::create_dir(&evidence).unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        evidence.join("export.jsonl"),
    )
    .unwrap();
    std::fs::write(evidence.join("more.zip"), b"PK\x03\x04zipzip").unwrap();
    let t = Tmux::new("problems");
    t.start(dir.path(), "evidence");
    t.wait_for("reviewed 0/7");
    t.wait_for("1 file passed over · flagged rows");
    t.keys(&["p"]);
    let s = t.wait_for("Files passed over (1)");
    assert!(
        s.contains("evidence/more.zip") && s.contains("a zip archive: extract it first"),
        "{s}"
    );
    t.keys(&["Escape"]);
    t.wait_for("7 of 7 shown");
}

/// A CloudAppEvents row whose every shown string carries a terminal attack.
fn hostile_row() -> String {
    let raw = serde_json::json!({
        "CreationTime": "2021-06-01T10:00:00", "Id": "hostile-1",
        "Operation": "Update StsRefreshTokenValidFrom Timestamp.",
        "UserId": "title\u{1b}]0;pwned\u{7}@contoso.com",
        "ModifiedProperties": [{"Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\"2021-06-01T09:00:00Z\"]", "NewValue": "[\"2021-06-01T10:00:00Z\"]"}],
        "Actor": [{"ID": "x", "Type": 5}, {"ID": "\u{9b}31mRole\u{202e}", "Type": 2}]
    });
    serde_json::json!({
        "Timestamp": "2021-06-01T10:00:00Z",
        "ActionType": "Update StsRefreshTokenValidFrom Timestamp.",
        "AccountObjectId": "oid-\u{1b}P+q\u{1b}\\",
        "AccountDisplayName": "clip\u{1b}]52;c;cHduZWQ=\u{7}board",
        "IPAddress": "\u{1b}[31m203.0.113.66",
        "IsAnonymousProxy": false,
        "ISP": "\u{1b}]8;;http://evil.example/\u{7}link\u{1b}]8;;\u{7}\u{7f}",
        "RawEventData": raw
    })
    .to_string()
}

#[test]
fn hostile_strings_show_escaped_and_leave_the_terminal_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hostile.jsonl"),
        format!("{}\n", hostile_row()),
    )
    .unwrap();
    let t = Tmux::new("hostile");
    t.start(dir.path(), "hostile.jsonl");
    let title_before = t.tmux(&["display-message", "-p", "-t", "t", "#{pane_title}"]);
    let s = t.wait_for("reviewed 0/1");
    assert!(
        s.contains("clip\\x1b]52;c;cHduZWQ=\\x07bo"),
        "the OSC 52 payload is visible:\n{s}"
    );
    assert!(s.contains("\\x1b[31m203.0."), "{s}");
    assert!(s.contains("\\x9b31mRole"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("why flagged");
    // The screen is drawn in pieces: wait for the event's line itself.
    let s = t.wait_for("0;pwned");
    assert!(
        s.contains("\\u001b]0;pwned") || s.contains("\\x1b]0;pwned"),
        "{s}"
    );
    // The `app:` hint quotes the role read from the event: escaped like every other string.
    assert!(s.contains("app: the actor is a \\x9b31mRole"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("reviewed 0/1");
    let title_after = t.tmux(&["display-message", "-p", "-t", "t", "#{pane_title}"]);
    assert_eq!(title_before, title_after, "no title change");
    assert!(!title_after.contains("pwned"));
    assert!(
        t.tmux(&["list-buffers"]).trim().is_empty(),
        "no clipboard write reached tmux"
    );
    // No colour bleeds: with colours captured, every cell of the IP column's row is drawn
    // in the table's own styles, and the escape text is plain text.
    let styled = t.tmux(&["capture-pane", "-p", "-e", "-t", "t"]);
    assert!(
        !styled.contains("\u{1b}[31m203.0.113.66"),
        "the attacker's colour never applies"
    );
    assert!(
        !styled.contains("\u{1b}]8;;http"),
        "no hyperlink escape reached the terminal"
    );
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
    let expected = data.path().join("sts-triage/0.sts-triage.jsonl");
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
    t.wait_for("quit and lose 2 decision(s) NOT saved? q or y quits, any other key returns");
    // Any other key returns to the workbench, and does nothing else.
    t.keys(&["j"]);
    let s = t.wait_for("not quit: 2 decision(s) still NOT saved");
    assert!(
        s.contains("reviewed 0/7") && s.contains("2 NOT SAVED"),
        "{s}"
    );
    assert!(!status.exists(), "the workbench ended:\n{s}");
    t.keys(&["q"]);
    t.wait_for("quit and lose 2 decision(s)");
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

#[test]
fn the_journal_is_created_at_the_first_decision_beside_the_folder_however_it_is_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    std::fs::create_dir(&evidence).unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        evidence.join("export.jsonl"),
    )
    .unwrap();
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
    assert!(s.contains("1 earlier decisions replayed"), "{s}");
}

#[test]
fn without_a_terminal_the_workbench_says_so_and_creates_nothing() {
    let dir = workdir();
    let out = Command::new(BIN)
        .arg("export.jsonl")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("needs a terminal") && err.contains("sts-triage scan"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("export.jsonl.sts-triage.jsonl").exists());
}

#[test]
fn a_file_of_no_known_format_is_an_error_before_the_workbench_opens() {
    let dir = workdir();
    // A PNG signature and a few bytes of a header.
    std::fs::write(
        dir.path().join("picture.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    )
    .unwrap();
    let t = Tmux::new("png");
    let cmd = format!(
        "cd {} && {BIN} picture.png; echo EXIT=$?; sleep 30",
        dir.path().display()
    );
    t.tmux(&["new-session", "-d", "-s", "t", "-x", "80", "-y", "24", &cmd]);
    let s = t.wait_for("EXIT=");
    assert!(
        s.contains("picture.png") && s.contains("not a file of any known format"),
        "{s}"
    );
    assert!(s.contains("EXIT=2"), "{s}");
    assert!(!dir.path().join("picture.png.sts-triage.jsonl").exists());
}

#[test]
fn a_copy_too_large_for_osc52_is_written_beside_the_journal_and_never_claimed() {
    let dir = tempfile::tempdir().unwrap();
    // 900 flagged rows: a report of well over 100 kB.
    let line = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    let first = line.lines().next().unwrap().to_owned();
    let mut text = String::new();
    for i in 0..900 {
        text.push_str(
            &first
                .replace("5b4c-0001", &format!("big-{i:04}"))
                .replace("admin@contoso.com", &format!("user{i}@contoso.com")),
        );
        text.push('\n');
    }
    std::fs::write(dir.path().join("big.jsonl"), text).unwrap();
    let t = Tmux::new("bigcopy");
    t.start(dir.path(), "big.jsonl");
    t.wait_for("reviewed 0/900");
    t.keys(&["Y"]);
    let s = t.wait_for("the findings report written to");
    let path = dir.path().join("big.jsonl.sts-triage.copy.md");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.len() > 74_997, "{}", written.len());
    assert!(written.starts_with("# Findings"), "{written:.80}");
    assert!(s.contains("big.jsonl.sts-triage.copy.md"), "{s}");
    assert!(!s.contains("sent to"), "{s}");
    assert!(
        t.tmux(&["list-buffers"]).trim().is_empty(),
        "nothing sent to tmux's buffer"
    );
}

#[test]
fn a_bracketed_paste_in_the_note_editor_runs_no_key() {
    let dir = workdir();
    let t = Tmux::new("paste");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 0/7");
    let fixture = std::fs::canonicalize("tests/fixtures/note-paste-with-newline.txt").unwrap();
    t.tmux(&["load-buffer", &fixture.display().to_string()]);
    t.keys(&["n"]);
    t.wait_for("note for 1 row ");
    t.tmux(&["paste-buffer", "-p", "-t", "t"]);
    let s = t.wait_for("looks fine 2j2j2q");
    assert!(
        s.contains("note for 1 row "),
        "the editor is still open:\n{s}"
    );
    t.keys(&["Enter"]);
    let s = t.wait_for("saved ✓");
    assert!(s.contains("reviewed 0/7"), "no row was marked:\n{s}");
    let journal =
        std::fs::read_to_string(dir.path().join("export.jsonl.sts-triage.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");
    assert!(
        journal.contains("\"note\":\"looks fine 2j2j2q\""),
        "{journal}"
    );
}

#[test]
fn e_never_writes_over_an_input_named_like_its_report() {
    // The input is named as `E`'s report of journal j.jsonl would be: `E` refuses it (by
    // file identity, as `report -o` does) and says nothing was written.
    let dir = workdir();
    std::fs::rename(
        dir.path().join("export.jsonl"),
        dir.path().join("j.report.md"),
    )
    .unwrap();
    let before = std::fs::read(dir.path().join("j.report.md")).unwrap();
    let t = Tmux::new("einput");
    t.start(dir.path(), "--journal ./j.jsonl ./j.report.md");
    t.wait_for("reviewed 0/7");
    t.keys(&["E"]);
    let s = t.wait_for("report NOT written");
    assert!(s.contains("is an input or the journal"), "{s}");
    assert_eq!(
        std::fs::read(dir.path().join("j.report.md")).unwrap(),
        before
    );
}
