#![allow(clippy::panic, clippy::unwrap_used)]
//! The default journal of several inputs does not depend on the order they are given in
//! (`b.jsonl a.jsonl` and `a.jsonl b.jsonl` read one journal), and a journal named by the
//! older rule (after the first input as given) is still found.

use crate::support::run_bin;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";
const JOURNAL: &str = "tests/fixtures/workbench.journal.jsonl";

/// `report --format json` on `inputs`: the journal's path and whether it was found.
fn journal_of(inputs: &[&std::path::Path]) -> (String, bool) {
    let mut args: Vec<&std::ffi::OsStr> = vec![std::ffi::OsStr::new("report")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend(["--format", "json"].map(std::ffi::OsStr::new));
    let out = run_bin(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v["journal"]["path"].as_str().unwrap().to_owned(),
        v["journal"]["found"].as_bool().unwrap(),
    )
}

#[test]
fn both_orders_of_two_inputs_read_one_journal_and_an_older_name_is_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    let all = std::fs::read_to_string(FIXTURE).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    let half = lines.len() / 2;
    std::fs::write(&a, lines[..half].join("\n") + "\n").unwrap();
    std::fs::write(&b, lines[half..].join("\n") + "\n").unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();

    // No journal yet: both orders name the same one, after the first input sorted.
    let (ab, found) = journal_of(&[&a, &b]);
    assert!(!found);
    assert_eq!(
        ab,
        base.join("a.jsonl.sts-triage.jsonl").display().to_string()
    );
    assert_eq!(journal_of(&[&b, &a]), (ab.clone(), false));

    // A journal made by an older version for `b.jsonl a.jsonl` (named after b): found from
    // either order.
    let older = base.join("b.jsonl.sts-triage.jsonl");
    std::fs::copy(JOURNAL, &older).unwrap();
    let older = older.display().to_string();
    assert_eq!(journal_of(&[&b, &a]), (older.clone(), true));
    assert_eq!(journal_of(&[&a, &b]), (older, true));
}
