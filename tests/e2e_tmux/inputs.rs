//! Inputs the workbench cannot show: a file passed over, no terminal, a file of no known format.

use super::*;

#[test]
fn a_file_passed_over_is_named_in_the_header_and_the_problems_view() {
    let (dir, evidence) = evidence_dir();
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
        // `read` keeps the pane (and what it shows) until the test ends the server.
        "cd {} && {BIN} picture.png; echo EXIT=$?; read x",
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
