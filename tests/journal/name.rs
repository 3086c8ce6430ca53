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

/// `report IN... --format json` with `stdin` piped in and the data folder in `data`: the
/// journal's path, whether it was found, and the counts of the flagged rows and near misses
/// by verdict (with the decisions the journal could not apply).
fn report_with_stdin(
    inputs: &[&std::path::Path],
    stdin: &[u8],
    data: &std::path::Path,
) -> (String, bool, serde_json::Value) {
    use std::io::Write as _;
    let mut child = std::process::Command::new(crate::support::BIN)
        .arg("report")
        .args(inputs)
        .args(["--format", "json"])
        .env("XDG_DATA_HOME", data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v["journal"]["path"].as_str().unwrap().to_owned(),
        v["journal"]["found"].as_bool().unwrap(),
        serde_json::json!([v["counts"], v["decisions_not_applied"]]),
    )
}

#[test]
fn standard_input_beside_a_file_has_a_journal_of_both_and_single_input_journals_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let all = std::fs::read(FIXTURE).unwrap();
    let text = String::from_utf8(all.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (b, c) = (dir.path().join("b.jsonl"), dir.path().join("c.jsonl"));
    std::fs::write(&b, lines[6..].join("\n") + "\n").unwrap();
    std::fs::write(&c, lines[6..].join("\n") + "\n").unwrap();
    let piped = (lines[..6].join("\n") + "\n").into_bytes();
    let dash = std::path::Path::new("-");
    std::fs::create_dir_all(data.join("sts-triage")).unwrap();

    // What the journal (as an earlier version wrote it) gives the fixture, read by name.
    let (_, _, expected) = report_with_stdin(
        &[
            std::path::Path::new(FIXTURE),
            "--journal".as_ref(),
            JOURNAL.as_ref(),
        ],
        b"",
        &data,
    );
    assert_eq!(expected[0]["findings"]["suspicious"], 2, "{expected}");

    // `-` alone: its journal is still named by its content, and applies every decision.
    let (alone, found, _) = report_with_stdin(&[dash], &all, &data);
    assert!(!found && alone.contains("/sts-triage/stdin-"), "{alone}");
    std::fs::copy(JOURNAL, &alone).unwrap();
    assert_eq!(
        report_with_stdin(&[dash], &all, &data),
        (alone, true, expected.clone())
    );

    // Files alone: the journal beside the first, unchanged.
    let whole = dir.path().join("whole.jsonl");
    std::fs::write(&whole, &all).unwrap();
    let beside = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("whole.jsonl.sts-triage.jsonl");
    std::fs::copy(JOURNAL, &beside).unwrap();
    let (path, found, counts) = report_with_stdin(&[&whole], b"", &data);
    assert_eq!(
        (path, found, counts),
        (beside.display().to_string(), true, expected)
    );

    // `-` beside b.jsonl: not the journal of what was piped alone (which holds decisions
    // now), and another file beside the same bytes gets another journal.
    let (piped_alone, _, _) = report_with_stdin(&[dash], &piped, &data);
    std::fs::copy(JOURNAL, &piped_alone).unwrap();
    let (with_b, found_b, _) = report_with_stdin(&[dash, &b], &piped, &data);
    let (with_c, found_c, _) = report_with_stdin(&[dash, &c], &piped, &data);
    assert!(!found_b && !found_c, "{with_b} {with_c}");
    assert_ne!(with_b, piped_alone);
    assert_ne!(with_b, with_c);
    assert!(with_b.contains("/sts-triage/stdin+files-"), "{with_b}");
    // The same inputs again, in either order, find the same journal.
    assert_eq!(report_with_stdin(&[&b, dash], &piped, &data).0, with_b);
}
