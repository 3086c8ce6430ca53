//! Standard input and pipes in the tests: the fixture as two inputs, where `-` keeps the
//! journal of some bytes, and a command that reads piped bytes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::Digest as _;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

/// The workbench fixture (7 flagged rows), and the same without its first line (6, all in
/// the first too): two inputs.
pub fn two_inputs() -> [Vec<u8>; 2] {
    let a = std::fs::read(FIXTURE).unwrap();
    let first = a.iter().position(|&b| b == b'\n').unwrap();
    let b = a[first + 1..].to_vec();
    [a, b]
}

/// Where `-` of these bytes keeps its decisions under `data_home` (README: `stdin-` and the
/// first 32 hex digits of their SHA-256).
pub fn stdin_journal(data_home: &Path, input: &[u8]) -> PathBuf {
    let hash = sts_triage::load::hex(&sha2::Sha256::digest(input));
    data_home.join(format!("sts-triage/stdin-{}.sts-triage.jsonl", &hash[..32]))
}

/// The binary run with `args` and `input` piped into its standard input (`XDG_DATA_HOME`
/// at `data_home`), which must succeed: stdout and stderr.
pub fn run_piped(args: &[&str], input: &[u8], data_home: &Path) -> (String, String) {
    let mut child = Command::new(super::BIN)
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = input.to_vec();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{err}");
    (String::from_utf8(out.stdout).unwrap(), err)
}

/// A Markdown report's `- Journal:` line.
pub fn journal_line(md: &str) -> &str {
    md.lines().find(|l| l.starts_with("- Journal: ")).unwrap()
}
