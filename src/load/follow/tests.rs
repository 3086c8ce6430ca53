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
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
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
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let mut take = |m: ScanMessage| match m {
        ScanMessage::Event(e) => events.push(e.source.line),
        ScanMessage::Problem(p) => problems.push((p.line, p.message)),
        _ => {}
    };
    tail.poll(&mut take).expect("poll");
    assert!(tail.partial.len() <= 4096, "held {}", tail.partial.len());
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    write!(f, "{endless}").expect("append");
    tail.poll(&mut take).expect("poll");
    assert!(tail.partial.len() <= 4096, "held {}", tail.partial.len());
    writeln!(f, "{endless}\"}}\n{}", STS.replace("x1", "x2")).expect("append");
    tail.poll(&mut take).expect("poll");
    assert_eq!(
        events,
        [1, 3],
        "the records before and after, at their lines"
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, Some(2));
    assert!(problems[0].1.contains("over the 4096 byte limit"));
    let len = std::fs::metadata(&path).expect("len").len();
    assert_eq!(
        tail.summary.bytes, len,
        "every byte read is counted and hashed"
    );
}

#[test]
fn appended_whole_lines_are_read_once_and_a_partial_line_waits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.jsonl");
    std::fs::write(&path, format!("{STS}\n{{\"Operation\":\"x\"")).expect("write");
    let mut tail = Tail::new(&path);
    let mut events = Vec::new();
    let n = tail
        .poll(&mut |m| {
            if let ScanMessage::Event(e) = m {
                events.push(e.source.line);
            }
        })
        .expect("poll");
    assert_eq!((n, events.as_slice()), (1, &[1u64][..]));
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    writeln!(
        f,
        ",\"CreationTime\":\"2021\"}}\n{}",
        STS.replace("x1", "x2")
    )
    .expect("append");
    let mut events = Vec::new();
    let n = tail
        .poll(&mut |m| {
            if let ScanMessage::Event(e) = m {
                events.push(e.source.line);
            }
        })
        .expect("poll");
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

fn summaries(tail: &mut Tail) -> Vec<FileSummary> {
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
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
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
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let mut take = |m: ScanMessage| match m {
        ScanMessage::Event(e) => events.push(e.source.line),
        ScanMessage::Problem(p) => problems.push((p.line, p.message)),
        _ => {}
    };
    tail.poll(&mut take).expect("poll");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    write!(f, "{blanks}\r\n{}\n", STS.replace("x1", "x2")).expect("append");
    tail.poll(&mut take).expect("poll");
    // Blanks past the limit, then (in a later append) a record on the same line: a record
    // over the limit. (Read whole in one step, the line is measured without its blanks, as
    // the JSON-lines reader measures every line.)
    write!(f, "{blanks}{blanks}").expect("append");
    tail.poll(&mut take).expect("poll");
    assert_eq!(tail.summary.skipped, 0, "blanks so far: not skipped");
    writeln!(f, "{}", STS.replace("x1", "x3")).expect("append");
    writeln!(f, "{}", STS.replace("x1", "x4")).expect("append");
    tail.poll(&mut take).expect("poll");
    assert_eq!(events, [1, 3, 5], "the records at their lines");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, Some(4));
    assert!(problems[0].1.contains("over the 4096 byte limit"));
    assert_eq!(tail.summary.skipped, 1);
    let len = std::fs::metadata(&path).expect("len").len();
    assert_eq!(
        tail.summary.bytes, len,
        "every byte read is counted and hashed"
    );
}
