//! `--follow`: rows written after the start, and what it read counted and verified.

use super::*;

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
    t.wait_for("following 1 file");
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
        // (at 120 columns the Account has 20: `alice.admin@contoso…`)
        s.contains("helpdesk@contoso.com") && s.contains("alice.admin@contoso"),
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
    t.wait_for("following 1 file");
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
    // The growth only: the rest is checked against the bytes the report covers (breaker 16
    // #7: it was followed by ~16 differences that restated it).
    assert_eq!(
        text.lines().filter(|l| l.starts_with("DIFFERS")).count(),
        1,
        "{text}"
    );
}
