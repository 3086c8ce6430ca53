//! The conventions of the shell: completion scripts, the man page, the exit statuses in
//! `--help`, no progress drawing when standard error is not a terminal, and `--quiet`.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

mod support;
use support::run_status as run;

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");

fn sample() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/query-raw/defender-portal.csv")
        .display()
        .to_string()
}

#[test]
fn completion_scripts_know_the_subcommands_and_the_engines() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, script, stderr) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for word in ["scan", "report", "query", "near-misses", "--for"] {
            let word = if shell == "fish" {
                word.trim_start_matches("--")
            } else {
                word
            };
            assert!(script.contains(word), "{shell} completes {word}");
        }
        // PowerShell's script completes names, not values.
        if shell != "powershell" {
            assert!(
                script.contains("auditlogs") && script.contains("sentinel"),
                "{shell}"
            );
        }
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error");
    assert!(stderr.contains("bash"), "{stderr}");
}

#[test]
fn the_man_page_is_roff_with_the_exit_statuses_and_a_page_per_command() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH sts-triage 1"), "{page}");
    assert!(page.contains("Exit status"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    for name in ["sts-triage.1", "sts-triage-scan.1", "sts-triage-query.1"] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(text.contains(".TH"), "{name}");
    }
}

#[test]
fn help_lists_every_exit_status() {
    for args in [
        &["--help"][..],
        &["scan", "--help"],
        &["report", "--help"],
        &["query", "--help"],
        &["verify", "--help"],
    ] {
        let (code, help, _) = run(args);
        assert_eq!(code, 0);
        let table = &help[help
            .find("Exit status:")
            .unwrap_or_else(|| panic!("{args:?}: {help}"))..];
        for status in ["  0  ", "  1  ", "  2  "] {
            assert!(table.contains(status), "{args:?}: {table}");
        }
    }
}

#[test]
fn a_piped_standard_error_gets_the_summary_and_no_progress_drawing() {
    let (code, _, stderr) = run(&["scan", "--format", "csv", &sample()]);
    assert_eq!(code, 0);
    // Exactly the summary lines: no bar, no carriage return, no escape sequence.
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].ends_with("5 records, 5 STS events, 0 skipped"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("files: 1 · records read: 5"),
        "{stderr}"
    );
}

#[test]
fn quiet_silences_the_summary_but_never_a_warning() {
    let (code, stdout, stderr) = run(&["scan", "--quiet", "--format", "csv", &sample()]);
    assert_eq!(code, 0);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.contains("mallory@contoso.com"));
    let (code, _, stderr) = run(&["report", "-q", &sample(), "--journal", "/nonexistent/j"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("files: 1"), "{stderr}");
    // A record that cannot be read is still reported under --quiet.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    let good = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/query-raw/auditlogs-api.jsonl"),
    )
    .unwrap();
    std::fs::write(
        &bad,
        format!("{good}{{\"OperationName\": \"Update StsRefreshTokenValidFrom\n"),
    )
    .unwrap();
    let (_, _, stderr) = run(&["scan", "--quiet", "--format", "csv", bad.to_str().unwrap()]);
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(!stderr.contains("files: 1"), "{stderr}");
}

/// Runs the workbench in a terminal (a tmux pane on a server of its own) with `env` set, and
/// returns what it printed once it has exited.
fn workbench_output(env: &[(&str, &std::path::Path)], unset: &[&str], path: &str) -> String {
    let socket = format!("sts-shell-{}-{}", std::process::id(), env.len());
    let mut cmd = String::from("env");
    for u in unset {
        cmd.push_str(&format!(" -u {u}"));
    }
    for (k, v) in env {
        cmd.push_str(&format!(" {k}='{}'", v.display()));
    }
    cmd.push_str(&format!(" '{BIN}' '{path}' 2>&1; echo \"exit=$?\"; read x"));
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap()
    };
    tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "160",
        "-y",
        "20",
        "sh",
        "-c",
        &cmd,
    ]);
    let screen = support::poll_until("the workbench to exit", || {
        let screen = String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
        if screen.contains("exit=") {
            Ok(screen)
        } else {
            Err(screen)
        }
    });
    tmux(&["kill-server"]);
    screen
}

#[test]
fn the_keymap_is_read_from_the_config_folder() {
    // A broken keymap stops the workbench with its path: that shows which file was read.
    let dir = tempfile::tempdir().unwrap();
    let xdg = dir.path().join("xdg");
    let home = dir.path().join("home");
    for folder in [xdg.join("sts-triage"), home.join(".config/sts-triage")] {
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("keymap.toml"), "not = = toml\n").unwrap();
    }
    let s = workbench_output(
        &[("XDG_CONFIG_HOME", &xdg), ("HOME", &home)],
        &[],
        &sample(),
    );
    let expected = format!("keymap {}", xdg.join("sts-triage/keymap.toml").display());
    assert!(s.contains(&expected) && s.contains("exit=2"), "{s}");
    // Without XDG_CONFIG_HOME: ~/.config.
    let s = workbench_output(&[("HOME", &home)], &["XDG_CONFIG_HOME"], &sample());
    let expected = format!(
        "keymap {}",
        home.join(".config/sts-triage/keymap.toml").display()
    );
    assert!(s.contains(&expected) && s.contains("exit=2"), "{s}");
}

#[test]
fn a_terminal_sees_the_progress_bar_and_then_only_the_summary() {
    // A FIFO held open by the test keeps the scan inside its file, so the bar is on screen
    // for as long as the test needs to read it.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("export.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let socket = format!("sts-shell-bar-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap()
    };
    let cmd = format!(
        "'{BIN}' scan --format csv '{}' > /dev/null; echo \"exit=$?\"; read x",
        fifo.display()
    );
    tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "10",
        "sh",
        "-c",
        &cmd,
    ]);
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    // Until the screen shows `what` and has finished drawing (the same in two captures
    // 50 ms apart: a capture can fall in the middle of a redraw on a busy machine).
    let wait_for = |what: &str| {
        let mut last = String::new();
        support::poll_until(&format!("the screen to show {what:?}"), || {
            let s = screen();
            if s.contains(what) && s == last {
                return Ok(s);
            }
            last.clone_from(&s);
            Err(s)
        })
    };
    // Opening a FIFO waits for its reader: done on a thread, bounded.
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::OpenOptions::new().write(true).open(path));
    });
    let mut writer = rx.recv_timeout(support::HANG_GUARD).unwrap().unwrap();
    let records = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/query-raw/auditlogs-api.jsonl"),
    )
    .unwrap();
    std::io::Write::write_all(&mut writer, records.as_bytes()).unwrap();
    let during = wait_for("file 1/1");
    drop(writer);
    let after = wait_for("exit=");
    tmux(&["kill-server"]);
    assert!(
        during.contains("file 1/1") && during.contains("export.jsonl"),
        "{during}"
    );
    assert!(after.contains("exit=0"), "{after}");
    assert!(!after.contains("file 1/1"), "the bar is cleared: {after}");
    assert!(after.contains("files: 1 · records read: 2"), "{after}");
}

/// `sts-triage completions bash | head -1`, `man | head`: a reader that stopped reading is
/// not an error (exit 0, no panic), as for `scan` and `query`.
#[test]
fn output_into_a_closed_pipe_is_not_a_crash() {
    for args in [&["completions", "bash"][..], &["man"][..]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
