#![allow(clippy::panic, clippy::unwrap_used)]
//! End to end: the real binary in a real terminal (tmux), driven by keys, read from the
//! screen. Each test has its own tmux server socket. Waits are polls for what must come (a
//! screen line, a file, the program's exit), never fixed sleeps, and never a bound the test
//! passes by: the one bound, `support::HANG_GUARD`, only stops a hung test.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../support/mod.rs"]
mod support;

mod copy;
mod follow;
mod hostile;
mod inputs;
mod journal;
mod stdin_context;
mod stdin_journal;
mod triage;

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
            // A login name, as an analyst's shell has: without one the start's status line
            // says first that decisions are signed `unknown` (tests/journal/unsigned.rs,
            // tests/workbench/narrow_screens.rs), and the journal's words these tests read
            // come after it, off a 120-column line.
            .env("USER", "e2e-analyst")
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
        self.start_sized(cmd, 120, 35);
    }

    /// As [`Tmux::start_shell`], on a `w`×`h` screen.
    fn start_sized(&self, cmd: &str, w: u16, h: u16) {
        let (w, h) = (w.to_string(), h.to_string());
        self.tmux(&["new-session", "-d", "-s", "t", "-x", &w, "-y", &h, cmd]);
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
    /// machine); fails only past the hang guard (`support::HANG_GUARD`).
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
        let mut last = String::new();
        support::poll_until(&format!("the screen to show {what}"), || {
            let s = self.screen();
            if test(&s) && s == last {
                return Ok(s);
            }
            last.clone_from(&s);
            Err(s)
        })
    }

    fn pane_pid(&self) -> Option<i32> {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_pid}"])
            .trim()
            .parse()
            .ok()
    }

    /// Waits for the session to end (the program quit or was killed).
    fn wait_gone(&self) {
        support::poll_until("the program to end", || {
            let alive = Command::new("tmux")
                .args(["-L", &self.socket, "has-session", "-t", "t"])
                .output()
                .is_ok_and(|o| o.status.success());
            if alive { Err(self.screen()) } else { Ok(()) }
        });
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// `report -q ARGS -` with `input` piped in (`XDG_DATA_HOME` at `data_home`), which must
/// succeed: stdout (the report) and stderr.
fn report_of_stdin(input: &[u8], extra: &[&str], data_home: &Path) -> (String, String) {
    let args = [&["report", "-q"][..], extra, &["-"]].concat();
    support::stdin::run_piped(&args, input, data_home)
}

/// A temporary folder holding the folder `evidence` with the workbench fixture in it
/// (`evidence/export.jsonl`), and that folder's path.
fn evidence_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    std::fs::create_dir(&evidence).unwrap();
    std::fs::copy(
        "tests/fixtures/workbench.jsonl",
        evidence.join("export.jsonl"),
    )
    .unwrap();
    (dir, evidence)
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
