//! The journal as `report` reads it: never created or written, the workbench's by default, an
//! error when corrupt or not a regular file.

use super::*;

#[test]
fn report_never_creates_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let before: BTreeSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    // The default journal, beside the input, does not exist.
    let out = run(&["report", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("no journal at "), "{err}");
    assert!(err.contains("export.jsonl.sts-triage.jsonl"), "{err}");
    assert!(
        err.contains("warning: 7 of 7 flagged rows and 3 of 3 near misses are still unreviewed"),
        "{err}"
    );
    let md = stdout(&out);
    assert!(md.contains("(not found: no decisions)"), "{md}");
    assert!(md.contains("unreviewed 7)"), "{md}");

    // A journal named with --journal that does not exist is not created either.
    let named = dir.path().join("sub").join("named.jsonl");
    let out = run(&[
        "report",
        input.to_str().unwrap(),
        "--journal",
        named.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["journal"]["found"], false);

    let after: BTreeSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "report wrote nothing beside the input");
    assert!(!named.exists() && !named.parent().unwrap().exists());
}

#[test]
fn the_default_journal_is_the_workbenchs_and_is_read_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let journal = journal::default_location(&input);
    assert_eq!(journal, dir.path().join("export.jsonl.sts-triage.jsonl"));
    std::fs::copy(manifest_dir().join(JOURNAL), &journal).unwrap();
    let before = std::fs::read(&journal).unwrap();
    let out = run(&["report", input.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["counts"]["findings"]["suspicious"], 2);
    assert_eq!(v["journal"]["found"], true);
    assert_eq!(std::fs::read(&journal).unwrap(), before);
}

#[test]
fn a_corrupt_journal_is_an_error_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "garbage\n").unwrap();
    let out = run(&["report", FIXTURE, "--journal", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), "garbage\n");
}

#[test]
fn a_journal_that_is_not_a_regular_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["report", FIXTURE, "--journal", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}
