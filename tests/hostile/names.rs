//! Two file names never display alike: a real ESC in a name and the four characters `\x1b`
//! as text both read `ev\x1b.jsonl` once neutralised. The report's file list and Source
//! cells, the scan summary and `verify` keep them apart (the text's backslash doubled).

use crate::support::run_bin;

#[test]
fn a_name_with_a_real_escape_and_one_with_its_text_show_apart() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("D2");
    std::fs::create_dir(&cases).unwrap();
    let text = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(cases.join("ev\x1b.jsonl"), format!("{}\n", lines[0])).unwrap();
    // With a bad second line: its warning names the file as the summary does.
    std::fs::write(
        cases.join("ev\\x1b.jsonl"),
        format!("{}\n{{not json\n", lines[1]),
    )
    .unwrap();
    let report = dir.path().join("r.md");
    let journal = dir.path().join("empty.jsonl");
    std::fs::write(&journal, "").unwrap();
    let out = run_bin(&[
        "report".as_ref(),
        "--journal".as_ref(),
        journal.as_os_str(),
        cases.as_os_str(),
        "--output".as_ref(),
        report.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = std::fs::read_to_string(&report).unwrap();
    let listed: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("  - `") && l.contains("ev"))
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(listed.len(), 2, "{md}");
    assert_ne!(listed[0], listed[1], "{md}");
    assert!(
        listed.iter().any(|n| n.ends_with("D2/ev\\x1b.jsonl")),
        "{listed:?}"
    );
    assert!(
        listed.iter().any(|n| n.ends_with("D2/ev\\\\x1b.jsonl")),
        "{listed:?}"
    );
    // The scan summary on standard error names them apart too.
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(
        summary.contains("D2/ev\\x1b.jsonl:") && summary.contains("D2/ev\\\\x1b.jsonl:"),
        "{summary}"
    );
    assert!(
        summary.contains("warning: ") && summary.contains("D2/ev\\\\x1b.jsonl:2: "),
        "{summary}"
    );
    assert!(!summary.contains("D2/ev\\x1b.jsonl:2"), "{summary}");
    assert!(!summary.contains('\x1b') && !md.contains('\x1b'));

    // verify names each input as it names it.
    let out = run_bin(&[
        "verify".as_ref(),
        "--journal".as_ref(),
        journal.as_os_str(),
        "--report".as_ref(),
        report.as_os_str(),
        cases.as_os_str(),
    ]);
    let said = String::from_utf8(out.stdout).unwrap();
    let notes: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("note: input"))
        .collect();
    assert_eq!(notes.len(), 2, "{said}");
    assert_ne!(
        notes[0].split(": SHA").next(),
        notes[1].split(": SHA").next(),
        "{said}"
    );
}
