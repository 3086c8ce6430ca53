//! A followed file replaced under its name (logrotate: renamed and recreated, or truncated
//! and written again) is never mixed with what was read before (trust12 #2): the rows read
//! keep the old file's name, line numbers and SHA-256, the new file is read from its start
//! as a new input (`<path> (after rotation 1)`), it is said, and a report of the session
//! passes `verify` given the old file and the new one.

use std::collections::HashMap;

use super::tests::append_to;
use super::*;
use std::io::Write;

fn sts(id: &str, user: &str) -> String {
    format!(
        r#"{{"CreationTime":"2021-02-04T16:32:42","Id":"{id}","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"{user}","ModifiedProperties":[],"Actor":[]}}"#
    )
}

/// What the polls sent: each event's `file:line`, the summaries (last one per name), the
/// problems' messages; and every message, for a scan report.
#[derive(Default)]
struct Sent {
    events: Vec<String>,
    summaries: Vec<FileSummary>,
    problems: Vec<String>,
    all: Vec<ScanMessage>,
}

impl Sent {
    fn poll(&mut self, tail: &mut Tail) {
        tail.poll(&mut |m| {
            match &m {
                ScanMessage::Event(e) => self.events.push(e.source.to_string()),
                ScanMessage::FileSoFar(s) => {
                    self.summaries.retain(|o| o.path != s.path);
                    self.summaries.push(s.clone());
                }
                ScanMessage::Problem(p) => self.problems.push(p.message.clone()),
                _ => {}
            }
            self.all.push(m);
        })
        .expect("poll");
    }

    fn summary(&self, path: &str) -> &FileSummary {
        self.summaries
            .iter()
            .find(|s| s.path == path)
            .unwrap_or_else(|| panic!("no summary of {path}: {:?}", self.summaries))
    }
}

const FIXTURE: &str = include_str!("../../../tests/fixtures/workbench.jsonl");

fn sha256_hex(bytes: &[u8]) -> String {
    super::super::hex(&Sha256::digest(bytes))
}

#[test]
fn a_file_renamed_and_recreated_is_read_as_a_new_input_and_the_report_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let name = path.display().to_string();
    // The workbench fixture's flagged rows: its first 6 lines before the rotation, the
    // others after.
    let fixture: Vec<&str> = FIXTURE.lines().collect();
    let old_text = format!("{}\n", fixture[..6].join("\n"));
    std::fs::write(&path, &old_text).expect("write");
    let mut tail = Tail::new(&path);
    let mut sent = Sent::default();
    sent.poll(&mut tail);
    // logrotate's default: the file renamed, then a new one created under the name.
    let rotated = dir.path().join("live.1.jsonl");
    std::fs::rename(&path, &rotated).expect("rename");
    sent.poll(&mut tail);
    sent.poll(&mut tail);
    let gone: Vec<_> = sent
        .problems
        .iter()
        .filter(|p| p.starts_with("the file is gone"))
        .collect();
    assert_eq!(gone.len(), 1, "said once: {:?}", sent.problems);
    let new_text = format!("{}\n", fixture[6..9].join("\n"));
    std::fs::write(&path, &new_text).expect("write");
    sent.poll(&mut tail);
    let mut f = append_to(&path);
    writeln!(f, "{}", fixture[9..].join("\n")).expect("append");
    sent.poll(&mut tail);
    let new_name = format!("{name} (after rotation 1)");
    let lines = |file: &str| -> Vec<u64> {
        sent.events
            .iter()
            .filter_map(|e| e.strip_prefix(&format!("{file}:"))?.parse().ok())
            .collect()
    };
    let (before, after) = (lines(&name), lines(&new_name));
    assert!(
        !before.is_empty() && before.iter().all(|&n| n <= 6),
        "{:?}",
        sent.events
    );
    assert!(
        !after.is_empty()
            && after.iter().all(|&n| n <= 6)
            && after.len() + before.len() == sent.events.len(),
        "the new file's rows at its own lines, under its own name: {:?}",
        sent.events
    );
    let old = sent.summary(&name);
    assert_eq!(
        old.sha256.as_deref(),
        Some(sha256_hex(old_text.as_bytes()).as_str())
    );
    assert_eq!(old.records, 6);
    assert!(old.format.ends_with("until replaced"), "{}", old.format);
    let all_new = std::fs::read(&path).expect("read");
    let new = sent.summary(&new_name);
    assert_eq!(new.sha256.as_deref(), Some(sha256_hex(&all_new).as_str()));
    assert_eq!(new.records, 6);
    assert!(
        sent.problems
            .iter()
            .any(|p| p.contains("another file now has its name")
                && p.contains(&format!("{new_name:?}"))),
        "{:?}",
        sent.problems
    );

    // The session's report, as the workbench writes it, verifies against both files.
    let mut report = crate::scan::ScanReport::default();
    for m in std::mem::take(&mut sent.all) {
        report.apply(m);
    }
    let journal = dir.path().join("j.jsonl");
    std::fs::write(&journal, "").expect("journal");
    let ctx = crate::report::ReportContext::new(&report, &journal.display().to_string(), true);
    let md = crate::report::markdown_report(&report, &HashMap::new(), &ctx);
    assert!(
        md.contains(&format!("{name}:1` ")) && md.contains(&format!("{new_name}:")),
        "{md}"
    );
    let report_path = dir.path().join("report.md");
    std::fs::write(&report_path, &md).expect("report");
    let mut out = Vec::new();
    let status = crate::verify::run(
        &journal,
        Some(&report_path),
        &[rotated, path.clone()],
        &super::super::ScanOptions::default(),
        &mut out,
    )
    .expect("verify");
    let out = String::from_utf8(out).expect("utf-8");
    assert_eq!(status, 0, "{out}\n{md}");
}

#[test]
fn a_file_truncated_or_rewritten_in_place_is_a_new_input_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let name = path.display().to_string();
    std::fs::write(
        &path,
        format!("{}\n{}\n", sts("o1", "a@x"), sts("o2", "b@x")),
    )
    .expect("w");
    let mut tail = Tail::new(&path);
    let mut sent = Sent::default();
    sent.poll(&mut tail);
    // Truncated and written again, shorter (copytruncate, then one record).
    std::fs::write(&path, format!("{}\n", sts("n1", "c@x"))).expect("w");
    sent.poll(&mut tail);
    // Written again in place, longer than what was read (the shrink is never seen).
    let text = format!(
        "{}\n{}\n{}\n",
        sts("m1", "d@x"),
        sts("m2", "e@x"),
        sts("m3", "f@x")
    );
    std::fs::write(&path, &text).expect("w");
    sent.poll(&mut tail);
    assert_eq!(
        sent.events,
        [
            format!("{name}:1"),
            format!("{name}:2"),
            format!("{name} (after rotation 1):1"),
            format!("{name} (after rotation 2):1"),
            format!("{name} (after rotation 2):2"),
            format!("{name} (after rotation 2):3"),
        ]
    );
    let why: Vec<&str> = sent
        .problems
        .iter()
        .filter_map(|p| p.strip_prefix("the followed file was replaced: "))
        .collect();
    assert_eq!(why.len(), 2, "{:?}", sent.problems);
    assert!(why[0].starts_with("it is now shorter than what was read"));
    assert!(why[1].starts_with("its first bytes changed"));
    let last = sent.summary(&format!("{name} (after rotation 2)"));
    assert_eq!(
        last.sha256.as_deref(),
        Some(sha256_hex(text.as_bytes()).as_str())
    );
    // Appending is no rotation.
    let mut f = append_to(&path);
    writeln!(f, "{}", sts("m4", "g@x")).expect("append");
    sent.poll(&mut tail);
    assert_eq!(
        sent.events.last().unwrap(),
        &format!("{name} (after rotation 2):4")
    );
    assert_eq!(sent.problems.len(), 2, "{:?}", sent.problems);
}

/// Breaker 13 #3: an export job run again with `>` between two polls wrote the same first
/// line and a file not smaller: the row of the old second line stayed on screen (a verdict
/// landed on it) and the new second line was never read. The last bytes read are compared
/// too.
#[test]
fn a_rewrite_keeping_the_first_bytes_and_the_size_is_a_rotation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let name = path.display().to_string();
    // A first line longer than the first bytes kept, so that they are all of it.
    let long = format!("{}@x", "a".repeat(HEAD_BYTES));
    let first = sts("o1", &long);
    std::fs::write(&path, format!("{first}\n{}\n", sts("o2", "b@x"))).expect("w");
    let mut tail = Tail::new(&path);
    let mut sent = Sent::default();
    sent.poll(&mut tail);
    // The same first line, another second line of the same length, one more line.
    let text = format!("{first}\n{}\n{}\n", sts("p2", "c@x"), sts("p3", "d@x"));
    std::fs::write(&path, &text).expect("w");
    sent.poll(&mut tail);
    assert_eq!(
        sent.events,
        [
            format!("{name}:1"),
            format!("{name}:2"),
            format!("{name} (after rotation 1):1"),
            format!("{name} (after rotation 1):2"),
            format!("{name} (after rotation 1):3"),
        ]
    );
    assert!(
        sent.problems.iter().any(|p| p.starts_with(
            "the followed file was replaced: the last bytes read changed (rewritten in place)"
        )),
        "{:?}",
        sent.problems
    );
    let now = sent.summary(&format!("{name} (after rotation 1)"));
    assert_eq!(
        now.sha256.as_deref(),
        Some(sha256_hex(text.as_bytes()).as_str())
    );
}

/// The last tester's #3: a record held without its line's end when the file was replaced was
/// said not read, but not where: the message names its byte offset and line.
#[test]
fn a_record_not_read_at_a_rotation_is_named_by_its_byte_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let first = format!("{}\n", sts("o1", "a@x"));
    std::fs::write(&path, format!("{first}{}", &sts("o2", "b@x")[..40])).expect("w");
    let mut tail = Tail::new(&path);
    let mut sent = Sent::default();
    sent.poll(&mut tail);
    std::fs::write(&path, "{}\n").expect("w");
    sent.poll(&mut tail);
    let said = sent
        .problems
        .iter()
        .find(|p| p.starts_with("the followed file was replaced"))
        .expect("the rotation is said");
    assert!(
        said.contains(&format!(
            "(a last record it held without its line's end, from byte {} on line 2, was not read)",
            first.len()
        )),
        "{said}"
    );
}
