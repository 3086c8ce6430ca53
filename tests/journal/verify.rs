#![allow(clippy::panic, clippy::unwrap_used)]
//! `sts-triage verify`: the journal's chain caught for each tampering (a line removed,
//! edited, reordered, appended by hand without `prev`), a report checked against its journal
//! and inputs (an input changed by one byte, decisions added after the report said apart,
//! the last line removed), exit statuses 0, 1 and 2.

use std::path::{Path, PathBuf};

use sts_triage::journal::{Entry, Journal};

use crate::support::run_bin;

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    run_bin(args)
}

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";
const FIXTURE_JOURNAL: &str = "tests/fixtures/workbench.journal.jsonl";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(super) struct Case {
    _dir: tempfile::TempDir,
    pub(super) input: PathBuf,
    pub(super) journal: PathBuf,
}

/// A copy of the fixture input and a journal written by this version (chained) holding the
/// fixture journal's decisions.
pub(super) fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("workbench.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let journal = dir.path().join("workbench.jsonl.sts-triage.jsonl");
    let (mut j, _) = Journal::open(&journal).unwrap();
    let old = std::fs::read_to_string(manifest_dir().join(FIXTURE_JOURNAL)).unwrap();
    for line in old.lines() {
        let e: Entry = serde_json::from_str(line).unwrap();
        j.append(&[e]).unwrap();
    }
    Case {
        _dir: dir,
        input,
        journal,
    }
}

impl Case {
    /// `sts-triage report --format FORMAT --journal <journal> <input>`: the hand-over a
    /// journal test reads back.
    pub(super) fn report(&self, format: &str) -> std::process::Output {
        run_bin(&[
            "report".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "--journal".as_ref(),
            self.journal.as_os_str(),
            self.input.as_os_str(),
        ])
    }
}

fn verify_journal(journal: &Path) -> (Option<i32>, String) {
    let out = run(&["verify".as_ref(), "--journal".as_ref(), journal.as_os_str()]);
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// Writes `lines` as the journal and verifies it, which must fail (exit status 1): what
/// `verify` printed.
fn verify_tampered(journal: &Path, lines: &[String]) -> String {
    write_lines(journal, lines);
    let (code, out) = verify_journal(journal);
    assert_eq!(code, Some(1), "{out}");
    out
}

/// The one difference `verify` printed (it must print exactly one).
fn only_difference(out: &str) -> &str {
    let d = differences(out);
    assert_eq!(d.len(), 1, "{out}");
    d[0]
}

pub(super) fn differences(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("DIFFERS "))
        .collect()
}

#[test]
fn an_untouched_journal_verifies() {
    let c = case();
    let (code, out) = verify_journal(&c.journal);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("9 entries"), "{out}");
    assert!(differences(&out).is_empty());
}

#[test]
fn a_removed_line_breaks_the_chain_at_the_next_one() {
    let c = case();
    let mut l = lines(&c.journal);
    l.remove(3);
    let out = verify_tampered(&c.journal, &l);
    assert!(
        only_difference(&out).starts_with("journal line 4:"),
        "{out}"
    );
}

#[test]
fn an_edited_line_breaks_the_chain_at_the_next_one() {
    let c = case();
    let mut l = lines(&c.journal);
    assert!(l[1].contains("\"suspicious\""));
    l[1] = l[1].replace("\"suspicious\"", "\"legitimate\"");
    let out = verify_tampered(&c.journal, &l);
    let d = only_difference(&out);
    assert!(
        d.starts_with("journal line 3:") && d.contains("edited"),
        "{out}"
    );
}

#[test]
fn reordered_lines_break_the_chain() {
    let c = case();
    let mut l = lines(&c.journal);
    l.swap(4, 5);
    let out = verify_tampered(&c.journal, &l);
    assert!(
        differences(&out)
            .iter()
            .any(|d| d.starts_with("journal line 5:") && d.contains("reordered")),
        "{out}"
    );
}

#[test]
fn a_line_appended_by_hand_without_prev_is_caught() {
    let c = case();
    let mut l = lines(&c.journal);
    l.push(
        r#"{"key":"row:0000","verdict":"legitimate","note":"","analyst":"mallory","time":"2024-03-02T00:00:00Z"}"#
            .to_owned(),
    );
    let out = verify_tampered(&c.journal, &l);
    let d = only_difference(&out);
    assert!(
        d.starts_with("journal line 10:") && d.contains("no prev"),
        "{out}"
    );
}

#[test]
fn an_older_journal_is_checked_from_where_its_chain_starts() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("old.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE_JOURNAL), &journal).unwrap();
    let (mut j, _) = Journal::open(&journal).unwrap();
    let first: Entry = serde_json::from_str(&lines(&journal)[0]).unwrap();
    j.append(&[first]).unwrap();
    let (code, out) = verify_journal(&journal);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("lines 1-9: written before the chain"), "{out}");
    // Editing the last line before the chain breaks it.
    let mut l = lines(&journal);
    l[8] = l[8].replace("\"note\":\"", "\"note\":\"x");
    let out = verify_tampered(&journal, &l);
    assert!(
        differences(&out)[0].starts_with("journal line 10:"),
        "{out}"
    );
}

pub(super) fn make_report(c: &Case, format: &str) -> PathBuf {
    let path = c.journal.with_file_name(format!("report.{format}"));
    let out = run(&[
        "report".as_ref(),
        "--format".as_ref(),
        format.as_ref(),
        "--journal".as_ref(),
        c.journal.as_os_str(),
        "--output".as_ref(),
        path.as_os_str(),
        c.input.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

pub(super) fn verify_report(c: &Case, report: &Path) -> (Option<i32>, String) {
    let out = run(&[
        "verify".as_ref(),
        "--report".as_ref(),
        report.as_os_str(),
        "--journal".as_ref(),
        c.journal.as_os_str(),
        c.input.as_os_str(),
    ]);
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn a_report_matches_its_journal_and_inputs_in_both_formats() {
    let c = case();
    for format in ["md", "json"] {
        let report = make_report(&c, format);
        let (code, out) = verify_report(&c, &report);
        assert_eq!(code, Some(0), "{format}: {out}");
        assert!(out.contains("OK: the report matches"), "{out}");
    }
}

#[test]
fn an_input_changed_by_one_byte_is_caught() {
    let c = case();
    let reports = [make_report(&c, "md"), make_report(&c, "json")];
    let text = std::fs::read_to_string(&c.input).unwrap();
    std::fs::write(&c.input, text.replacen("Contoso ISP", "Contoso ISQ", 1)).unwrap();
    for report in &reports {
        let (code, out) = verify_report(&c, report);
        assert_eq!(code, Some(1), "{out}");
        let d = differences(&out);
        assert!(
            d.iter()
                .any(|d| d.starts_with("input ") && d.contains("the file changed")),
            "{out}"
        );
        // The changed ISP is another row: a decided row is gone, an unreviewed one appears.
        assert!(
            d.iter().any(|d| d.starts_with("counts of rows flagged")),
            "{out}"
        );
    }
}

#[test]
fn decisions_after_the_report_are_said_apart_and_a_removed_last_line_is_caught_by_the_head() {
    let c = case();
    let reports = [make_report(&c, "md"), make_report(&c, "json")];
    // Two decisions after the reports were made: the first row turned legitimate with
    // another note, then the same again. Checked against the journal as it is now, each
    // row decided since was listed as a difference of the report's.
    let (mut j, _) = Journal::open(&c.journal).unwrap();
    let mut later: Entry = serde_json::from_str(&lines(&c.journal)[0]).unwrap();
    later.verdict = sts_triage::journal::Verdict::Legitimate;
    later.note = "decided again after the hand-over".to_owned();
    later.time = "2024-03-02T10:00:00.000Z".to_owned();
    j.append(&[later.clone()]).unwrap();
    j.append(&[later]).unwrap();
    drop(j);
    for report in &reports {
        let (code, out) = verify_report(&c, report);
        assert_eq!(code, Some(0), "{out}");
        assert!(differences(&out).is_empty(), "{out}");
        assert!(
            out.contains(
                "note: journal: 2 decisions made after this report (entries 10-11, after its \
                 head, entry 9): the report is checked against the journal as of its head"
            ),
            "{out}"
        );
    }
    // The last two lines removed: the chain alone cannot tell, the report's head does.
    let report = &reports[0];
    let mut l = lines(&c.journal);
    l.truncate(l.len() - 4);
    write_lines(&c.journal, &l);
    assert_eq!(verify_journal(&c.journal).0, Some(0));
    let (code, out) = verify_report(&c, report);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        differences(&out)
            .iter()
            .any(|d| d.contains("is no line of this journal")),
        "{out}"
    );
}

#[test]
fn a_decision_on_a_row_the_inputs_do_not_give_is_said_by_report_and_verify() {
    // A row of a file since changed, or of a followed file not yet written that far: kept
    // in the journal, in no total, and said nowhere before (follow16 #1).
    let c = case();
    let (mut j, _) = Journal::open(&c.journal).unwrap();
    let mut gone: Entry = serde_json::from_str(&lines(&c.journal)[0]).unwrap();
    gone.key = "row:000000000000000000000000".to_owned();
    j.append(&[gone]).unwrap();
    drop(j);
    let said = "1 decision in the journal matches no loaded row (rows these inputs do not \
                give, or not yet: an input changed, replaced, or still being written?); kept \
                in the journal, counted in no total";
    let out = c.report("md");
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("sts-triage: warning: {said}")),
        "{stderr}"
    );
    let report = make_report(&c, "md");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("note: journal: {said}")), "{out}");
}

#[test]
fn unreadable_input_is_exit_status_2() {
    let c = case();
    let missing = c.journal.with_file_name("missing.jsonl");
    let (code, out) = verify_journal(&missing);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.starts_with("unreadable: "), "{out}");
    let (code, out) = verify_report(&c, &missing);
    assert_eq!(code, Some(2), "{out}");
    // Not a report at all.
    let (code, out) = verify_report(&c, &c.input);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("not a findings report"), "{out}");
}

/// A journal with one unreadable line in the middle (a failed save on a full disk): the
/// line is named, and the sound entries before it are counted, not reported as none.
#[test]
fn a_bad_middle_line_is_named_and_the_entries_before_it_still_count() {
    let out = run(&[
        "verify".as_ref(),
        "--journal".as_ref(),
        "tests/data/journal/after-enospc.jsonl".as_ref(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("DIFFERS journal line 27"), "{text}");
    assert!(text.contains(": 26 entries, head SHA-256 "), "{text}");
    assert!(!text.contains("head SHA-256 none"), "{text}");
}
