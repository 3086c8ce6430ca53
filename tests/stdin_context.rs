#![allow(clippy::panic, clippy::unwrap_used)]
//! Related records of standard input (`cat export | sts-triage report -`): standard input
//! cannot be read again, so the content read from it is copied aside as it is read, and its
//! related records are read back from the copy: the JSON report gives their event ids, and
//! Enter in the workbench's context panel opens them. The inputs are those of
//! `context_shapes.rs` (a revocation after `Update user` and `Reset user password` of the
//! same user in one correlation).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::BIN;
use support::context::shapes_uid as uid;

const DIR: &str = "tests/fixtures/context-shapes";

/// `report --format json -` with `input` on standard input.
fn report_of_stdin(input: &[u8], data_home: &Path) -> Value {
    let mut child = Command::new(BIN)
        .args(["report", "--format", "json", "-q", "-"])
        .env("XDG_DATA_HOME", data_home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_json_report_gives_the_ids_of_related_records_read_from_standard_input() {
    let data = tempfile::tempdir().unwrap();
    let csv = std::fs::read(Path::new(DIR).join("purview-multiline.csv")).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let inputs = [
        (
            "gzip JSON lines",
            std::fs::read(Path::new(DIR).join("cae-lines.jsonl.gz")).unwrap(),
        ),
        (
            "JSON array on one line",
            std::fs::read(Path::new(DIR).join("cae-array-one-line.json")).unwrap(),
        ),
        ("CSV over lines", csv),
        ("UTF-16 CSV", utf16),
    ];
    for (what, input) in inputs {
        let r = report_of_stdin(&input, data.path());
        let related = r["findings"][0]["related"].as_array().unwrap();
        let ids: Vec<&str> = related
            .iter()
            .map(|r| r["id"].as_str().unwrap_or("(none)"))
            .collect();
        assert_eq!(ids, [uid(0), uid(1)], "{what}: {related:?}");
        assert_eq!(related[1]["file"], "(stdin)", "{what}");
        assert_eq!(related[1]["operation"], "Reset user password.", "{what}");
    }
}

/// The workbench in a real terminal (tmux, its own server), standard input a pipe.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until it shows every one of `texts`, at most 20 s.
    fn wait_for(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let s = self.run(&["capture-pane", "-p", "-t", "t"]);
            if texts.iter().all(|t| s.contains(t)) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the screen never showed {texts:?}; it shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

#[test]
fn enter_on_a_related_record_of_standard_input_opens_it_in_the_workbench() {
    assert!(
        Command::new("tmux").arg("-V").output().is_ok(),
        "tmux is needed for this test"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(DIR).join("purview-multiline.csv"),
        dir.path().join("export.csv"),
    )
    .unwrap();
    let t = Tmux {
        socket: format!("sts-stdin-{}", std::process::id()),
    };
    let cmd = format!(
        "cd {} && cat export.csv | XDG_DATA_HOME={} exec {BIN} -",
        dir.path().display(),
        dir.path().display()
    );
    t.run(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "160",
        "-y",
        "45",
        &cmd,
    ]);
    t.wait_for(&["flagged 1"]);
    t.run(&["send-keys", "-t", "t", "Enter"]);
    t.wait_for(&["StsRefreshTokensValidFrom"]);
    t.run(&["send-keys", "-t", "t", "x"]);
    t.wait_for(&["context: 2 related"]);
    t.run(&["send-keys", "-t", "t", "k"]);
    t.run(&["send-keys", "-t", "t", "Enter"]);
    t.wait_for(&["related -00:00:01 · Reset user password. · (stdin):35"]);
    let s = t.wait_for(&[&format!("\"Id\": \"{}\"", uid(1)), "\"AuditData\": {"]);
    for other in [0, 2, 3] {
        assert!(!s.contains(&uid(other)), "only the reset is shown: {s}");
    }
    assert!(!s.contains("could not be read back"), "{s}");
}
