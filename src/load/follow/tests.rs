use super::*;
use std::io::Write;

const STS: &str = r#"{"CreationTime":"2021-02-04T16:32:42","Id":"x1","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"a@b","ModifiedProperties":[],"Actor":[]}"#;

#[test]
fn every_appended_record_feeds_the_context_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let reset = r#"{"CreationTime":"2021-02-04T16:32:41","Id":"r1","Operation":"Reset user password.","UserId":"a@b","ObjectId":"v@b"}"#;
    std::fs::write(&path, format!("{STS}\n{reset}\n")).expect("write");
    let mut tail = Tail::new(&path);
    let mut lines = Vec::new();
    let mut take = |m: ScanMessage| {
        if let ScanMessage::Context(b) = m {
            lines.extend(b.entries.iter().map(|e| e.line));
        }
    };
    tail.poll(&mut take).expect("poll");
    let mut f = append_to(&path);
    writeln!(f, "{}", reset.replace("r1", "r2")).expect("append");
    tail.poll(&mut take).expect("poll");
    assert_eq!(
        lines,
        [1, 2, 3],
        "STS or not, each record once, with its line"
    );
}

/// Issue 10: no buffer outgrows the record limit, even a line that never ends; the
/// record is reported and the records after it are read at their own lines.
#[test]
fn a_line_over_the_record_limit_is_passed_over_and_never_held_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let endless = "x".repeat(20_000);
    std::fs::write(&path, format!("{STS}\n{{\"Junk\":\"{endless}")).expect("write");
    let mut tail = Tail::new(&path);
    tail.opts.max_record_bytes = 4096;
    let mut seen = Seen::default();
    seen.poll(&mut tail);
    assert!(tail.partial.len() <= 4096, "held {}", tail.partial.len());
    let mut f = append_to(&path);
    write!(f, "{endless}").expect("append");
    seen.poll(&mut tail);
    assert!(tail.partial.len() <= 4096, "held {}", tail.partial.len());
    writeln!(f, "{endless}\"}}\n{}", STS.replace("x1", "x2")).expect("append");
    seen.poll(&mut tail);
    assert_eq!(
        seen.events,
        [1, 3],
        "the records before and after, at their lines"
    );
    seen.one_problem_over_4096_bytes_at(2);
    every_byte_counted(&tail, &path);
}

#[test]
fn appended_whole_lines_are_read_once_and_a_partial_line_waits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    std::fs::write(&path, format!("{STS}\n{{\"Operation\":\"x\"")).expect("write");
    let mut tail = Tail::new(&path);
    let (n, events) = poll_lines(&mut tail);
    assert_eq!((n, events.as_slice()), (1, &[1u64][..]));
    let mut f = append_to(&path);
    writeln!(
        f,
        ",\"CreationTime\":\"2021\"}}\n{}",
        STS.replace("x1", "x2")
    )
    .expect("append");
    let (n, events) = poll_lines(&mut tail);
    assert_eq!(n, 2);
    assert_eq!(
        events,
        [3],
        "the completed line 2 is no STS event; line 3 is"
    );
    assert_eq!(tail.poll(&mut |_| {}).expect("poll"), 0, "nothing new");
}

fn sha256_hex(bytes: &[u8]) -> String {
    super::super::hex(&Sha256::digest(bytes))
}

/// The file opened for appending, as an export still being written is.
pub(super) fn append_to(path: &std::path::Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open")
}

/// What the polls of a tail sent: the lines of its STS events, each problem's line and
/// message.
#[derive(Default)]
struct Seen {
    events: Vec<u64>,
    problems: Vec<(Option<u64>, String)>,
}

impl Seen {
    fn poll(&mut self, tail: &mut Tail) {
        tail.poll(&mut |m| match m {
            ScanMessage::Event(e) => self.events.push(e.source.line),
            ScanMessage::Problem(p) => self.problems.push((p.line, p.message)),
            _ => {}
        })
        .expect("poll");
    }

    /// One problem was said, at `line`: a record over the 4096 byte limit.
    fn one_problem_over_4096_bytes_at(&self, line: u64) {
        let problems = &self.problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, Some(line));
        assert!(problems[0].1.contains("over the 4096 byte limit"));
    }
}

/// Every byte of the file was read, counted and hashed.
fn every_byte_counted(tail: &Tail, path: &std::path::Path) {
    let len = std::fs::metadata(path).expect("len").len();
    assert_eq!(
        tail.summary.bytes, len,
        "every byte read is counted and hashed"
    );
}

/// One poll: what it returned (the records read) and the lines of the STS events.
fn poll_lines(tail: &mut Tail) -> (u64, Vec<u64>) {
    let mut events = Vec::new();
    let n = tail
        .poll(&mut |m| {
            if let ScanMessage::Event(e) = m {
                events.push(e.source.line);
            }
        })
        .expect("poll");
    (n, events)
}

/// The summaries so far one poll sent.
pub(super) fn summaries(tail: &mut Tail) -> Vec<FileSummary> {
    let mut out = Vec::new();
    tail.poll(&mut |m| {
        if let ScanMessage::FileSoFar(s) = m {
            out.push(s);
        }
    })
    .expect("poll");
    out
}

#[test]
fn the_summary_so_far_counts_and_hashes_the_whole_records_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    std::fs::write(&path, "").expect("write");
    let mut tail = Tail::new(&path);
    let first = summaries(&mut tail);
    assert_eq!(first.len(), 1, "an empty file is listed too");
    assert_eq!((first[0].bytes, first[0].records), (0, 0));
    assert!(first[0].followed);

    let whole = format!("{STS}\n{{\"Operation\":\"StsRefreshTokenValidFrom\n\n");
    let cut = "{\"Operation\":";
    std::fs::write(&path, format!("{whole}{cut}")).expect("write");
    let s = summaries(&mut tail);
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert_eq!(
        s.bytes,
        whole.len() as u64,
        "the half-written record is not counted"
    );
    assert_eq!(
        s.sha256.as_deref(),
        Some(sha256_hex(whole.as_bytes()).as_str())
    );
    assert_eq!((s.records, s.sts_events, s.skipped), (2, 1, 1));
    assert_eq!(s.format, "JSON lines (followed)");
    assert!(summaries(&mut tail).is_empty(), "nothing new, nothing sent");

    let rest = format!("\"x\"}}\n{}\n", STS.replace("x1", "x2"));
    let mut f = append_to(&path);
    f.write_all(rest.as_bytes()).expect("append");
    let s = summaries(&mut tail);
    let all = std::fs::read(&path).expect("read");
    assert_eq!(s[0].bytes, all.len() as u64);
    assert_eq!(
        s[0].sha256.as_deref(),
        Some(sha256_hex(&all).as_str()),
        "read to the end: the hash is the whole file's, as `verify` computes it"
    );
    assert_eq!((s[0].records, s[0].sts_events), (4, 2));
}

/// A line of blanks over the record limit is a blank line, as in the other readers
/// (tests/blank_long_lines.rs), even when it arrives in several appends; blanks that end in
/// something else are a record over the limit, reported at its line.
#[test]
fn a_line_of_blanks_over_the_record_limit_is_a_blank_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    let blanks = " \t".repeat(3000);
    std::fs::write(&path, format!("{STS}\n{blanks}")).expect("write");
    let mut tail = Tail::new(&path);
    tail.opts.max_record_bytes = 4096;
    let mut seen = Seen::default();
    seen.poll(&mut tail);
    let mut f = append_to(&path);
    write!(f, "{blanks}\r\n{}\n", STS.replace("x1", "x2")).expect("append");
    seen.poll(&mut tail);
    // Blanks past the limit, then (in a later append) a record on the same line: a record
    // over the limit. (Read whole in one step, the line is measured without its blanks, as
    // the JSON-lines reader measures every line.)
    write!(f, "{blanks}{blanks}").expect("append");
    seen.poll(&mut tail);
    assert_eq!(tail.summary.skipped, 0, "blanks so far: not skipped");
    writeln!(f, "{}", STS.replace("x1", "x3")).expect("append");
    writeln!(f, "{}", STS.replace("x1", "x4")).expect("append");
    seen.poll(&mut tail);
    assert_eq!(seen.events, [1, 3, 5], "the records at their lines");
    seen.one_problem_over_4096_bytes_at(4);
    assert_eq!(tail.summary.skipped, 1);
    every_byte_counted(&tail, &path);
}

/// Breaker finding 7: a file of envelope lines (Defender's streaming export, one
/// `{"records":[…]}` a line) is followed as lines, and the records of an appended envelope
/// line come at its line; a pretty-printed JSON document is read once, and that is said.
#[test]
fn envelope_lines_are_followed_and_a_document_is_said_read_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stream.jsonl");
    let envelope = |ids: &[&str]| {
        let records: Vec<String> = ids.iter().map(|id| STS.replace("x1", id)).collect();
        format!("{{\"records\":[{}]}}\n", records.join(","))
    };
    std::fs::write(&path, envelope(&["e1", "e2"])).expect("write");
    assert!(can_follow(&path), "a file of envelope lines is followed");
    let mut tail = Tail::new(&path);
    let mut seen = Seen::default();
    seen.poll(&mut tail);
    assert_eq!(seen.events, [1, 1], "both records of line 1");
    let mut f = append_to(&path);
    write!(f, "{}", envelope(&["e3"])).expect("append");
    writeln!(f, "[{}]", STS.replace("x1", "e4")).expect("append");
    seen.poll(&mut tail);
    assert_eq!(seen.events, [1, 1, 2, 3], "the appended lines' records");
    assert_eq!(tail.summary.records, 4, "records, not lines, are counted");
    assert!(seen.problems.is_empty(), "{:?}", seen.problems);

    let doc = dir.path().join("pretty.json");
    std::fs::write(&doc, format!("[\n  {STS}\n]\n")).expect("write");
    assert!(!can_follow(&doc));
    assert_eq!(
        not_followed(&doc),
        Some("a JSON document (not one JSON value a line): read once, not followed")
    );
}

/// Trust12 #5: a followed envelope line gives the related-events index its records, each
/// once at the line's number, and not itself (before, the index had the line as one record
/// and none of its records: a followed STS event's context panel said 1 related record
/// where the same file loaded without --follow said 4).
#[test]
fn an_envelope_lines_records_are_each_indexed_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stream.jsonl");
    let related = |id: &str, op: &str| {
        format!(
            r#"{{"CreationTime":"2021-02-04T16:32:4{id}","Id":"r{id}","Operation":"{op}","UserId":"a@b","ObjectId":"v@b"}}"#
        )
    };
    let envelope = format!(
        "{{\"records\":[{},{}]}}",
        related("0", "Update user."),
        related("1", "Reset user password.")
    );
    std::fs::write(
        &path,
        format!("{}\n{envelope}\n{STS}\n", related("0", "Add user.")),
    )
    .expect("write");
    let mut tail = Tail::new(&path);
    let mut entries = Vec::new();
    tail.poll(&mut |m| {
        if let ScanMessage::Context(b) = m {
            entries.extend(b.entries.iter().map(|e| (e.line, e.offset)));
        }
    })
    .expect("poll");
    let lines: Vec<u64> = entries.iter().map(|e| e.0).collect();
    assert_eq!(lines, [1, 2, 2, 3], "{entries:?}");
    // Each record of the line at its own place in it.
    assert!(entries[1].1 < entries[2].1, "{entries:?}");
}
