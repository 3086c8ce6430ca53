//! Breaker15 #1: a followed file is decoded exactly as a first load decodes it, so each
//! event read under `--follow` has the text and the key it has without (a verdict carries
//! over), and the summary's size and SHA-256 are of the file's bytes.

use super::tests::append_to;
use super::*;
use std::io::Write;

fn sts(id: &str, user: &str) -> String {
    format!(
        r#"{{"CreationTime":"2021-02-04T16:32:42","Id":"{id}","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"{user}","ModifiedProperties":[],"Actor":[]}}"#
    )
}

/// What tells an event apart and what the analyst reads of it: its line, id, account, and
/// the fingerprint of its content (its journal key when its id is shared).
type Seen = (u64, String, String, u32);

fn seen(e: &crate::model::StsEvent) -> Seen {
    (
        e.source.line,
        e.id.clone(),
        e.actor.as_str().to_owned(),
        e.content_fingerprint(),
    )
}

/// What the polls sent: the events and the problems' messages.
#[derive(Default)]
struct Polled {
    events: Vec<Seen>,
    problems: Vec<String>,
}

impl Polled {
    fn poll(&mut self, tail: &mut Tail) {
        tail.poll(&mut |m| match m {
            ScanMessage::Event(e) => self.events.push(seen(&e)),
            ScanMessage::Problem(p) => self.problems.push(p.message),
            _ => {}
        })
        .expect("poll");
    }
}

/// The events a first load (no `--follow`) reads from the file as it is now, and its
/// problems.
fn first_load(path: &std::path::Path) -> Polled {
    let mut out = Polled::default();
    crate::load::scan_file(
        path,
        &crate::load::ScanOptions::default(),
        &mut |m| match m {
            ScanMessage::Event(e) => out.events.push(seen(&e)),
            ScanMessage::Problem(p) => out.problems.push(p.message),
            _ => {}
        },
    )
    .expect("scan");
    out
}

/// The tail counted and hashed every byte of the file (its records all end with a line).
fn every_byte_hashed(tail: &Tail, path: &std::path::Path) {
    let bytes = std::fs::read(path).expect("read");
    assert_eq!(
        tail.summary.bytes,
        bytes.len() as u64,
        "size of what was read"
    );
    assert_eq!(
        tail.hasher.clone().finalize().as_slice(),
        Sha256::digest(&bytes).as_slice(),
        "SHA-256 of what was read"
    );
}

/// Latin-1 letters as Windows-1252 writes them (one byte each).
fn cp1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

/// Follows `start`, then `more` appended in two writes cut at `cut` (inside a record, and
/// for UTF-16 inside a character); the events and problems must be a first load's.
fn follow_then_compare(name: &str, start: &[u8], more: &[u8], cut: usize) -> Polled {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, start).expect("write");
    assert!(can_follow(&path), "{name} is followed");
    assert_eq!(not_followed(&path), None);
    let mut tail = Tail::new(&path);
    let mut polled = Polled::default();
    polled.poll(&mut tail);
    let mut f = append_to(&path);
    f.write_all(&more[..cut]).expect("append");
    polled.poll(&mut tail);
    f.write_all(&more[cut..]).expect("append");
    polled.poll(&mut tail);
    let first = first_load(&path);
    assert_eq!(
        polled.events, first.events,
        "{name}: as a first load reads it"
    );
    assert_eq!(polled.problems, first.problems, "{name}: the same notices");
    every_byte_hashed(&tail, &path);
    polled
}

#[test]
fn a_windows_1252_file_is_followed_as_a_first_load_decodes_it() {
    let lines = |ids: &[&str]| {
        let text: String = ids
            .iter()
            .map(|id| format!("{}\n", sts(id, &format!("J\u{fc}rgen{id}@contoso.com"))))
            .collect();
        cp1252(&text)
    };
    let polled = follow_then_compare("w.jsonl", &lines(&["1", "2"]), &lines(&["3", "4"]), 100);
    let accounts: Vec<&str> = polled.events.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(
        accounts,
        [
            "J\u{fc}rgen1@contoso.com",
            "J\u{fc}rgen2@contoso.com",
            "J\u{fc}rgen3@contoso.com",
            "J\u{fc}rgen4@contoso.com"
        ]
    );
    assert_eq!(polled.problems.len(), 1, "{:?}", polled.problems);
    assert!(polled.problems[0].starts_with("decoded as Windows-1252"));
}

#[test]
fn a_utf8_byte_order_mark_is_not_read_as_part_of_the_first_record() {
    let start = format!("\u{feff}{}\n{}\n", sts("1", "a@b"), sts("2", "a@b"));
    let more = format!("{}\n", sts("3", "a@b"));
    let polled = follow_then_compare("b8.jsonl", start.as_bytes(), more.as_bytes(), 20);
    assert_eq!(polled.events.len(), 3, "the first record is read");
    assert!(polled.problems.is_empty(), "{:?}", polled.problems);
}

#[test]
fn utf16_json_lines_with_or_without_a_byte_order_mark_are_followed() {
    for (big_endian, bom) in [(false, true), (true, false), (false, false)] {
        let mut start = Vec::new();
        if bom {
            start.extend(utf16("\u{feff}", big_endian));
        }
        let line = |id: &str| {
            utf16(
                &format!("{}\r\n", sts(id, "us\u{e9}r@contoso.com")),
                big_endian,
            )
        };
        start.extend(line("1"));
        start.extend(line("2"));
        let mut more = line("3");
        more.extend(line("4"));
        // Cut at an odd byte: inside a record and inside a UTF-16 character.
        let polled = follow_then_compare("u.jsonl", &start, &more, 201);
        assert_eq!(polled.events.len(), 4, "{big_endian} {bom}");
        assert_eq!(polled.events[3].2, "us\u{e9}r@contoso.com");
        assert!(polled.problems[0].starts_with("decoded as UTF-16"));
    }
}

#[test]
fn a_utf16_csv_export_is_followed() {
    let audit = |id: &str| format!("\"{}\"", sts(id, "a@b").replace('"', "\"\""));
    let row = |id: &str| {
        format!(
            "9/26/2023 1:43:41 AM,a@b,Update StsRefreshTokenValidFrom Timestamp.,{}\r\n",
            audit(id)
        )
    };
    let start = utf16(
        &format!(
            "\u{feff}CreationDate,UserIds,Operations,AuditData\r\n{}",
            row("one")
        ),
        false,
    );
    let more = utf16(&format!("{}{}", row("two"), row("three")), false);
    let polled = follow_then_compare("c16.csv", &start, &more, 151);
    let ids: Vec<&str> = polled.events.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(ids, ["one", "two", "three"]);
}

/// The encoding is decided when the first byte that is not ASCII comes: the ASCII records
/// before it read alike in every encoding.
#[test]
fn an_accented_record_after_ascii_ones_is_decoded_as_the_whole_file_is() {
    let start = format!("{}\n", sts("1", "a@b"));
    let more = cp1252(&format!(
        "{}\n{}\n",
        sts("2", "J\u{fc}rgen@contoso.com"),
        sts("3", "M\u{fc}ller@contoso.com")
    ));
    let polled = follow_then_compare("late.jsonl", start.as_bytes(), &more, 40);
    assert_eq!(polled.events[2].2, "M\u{fc}ller@contoso.com");
}

/// Issue 10 in UTF-16: a line that never ends is held neither as bytes nor as text beyond
/// the record limit; it is reported, and the record after it is read at its line.
#[test]
fn a_utf16_line_over_the_record_limit_is_passed_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("u.jsonl");
    let endless = "x".repeat(20_000);
    let mut start = utf16(
        &format!("\u{feff}{}\r\n{{\"Junk\":\"", sts("1", "a@b")),
        false,
    );
    start.extend(utf16(&endless, false));
    std::fs::write(&path, &start).expect("write");
    let mut tail = Tail::new(&path);
    tail.opts.max_record_bytes = 4096;
    let mut polled = Polled::default();
    polled.poll(&mut tail);
    let mut f = append_to(&path);
    f.write_all(&utf16(
        &format!("{endless}\"}}\r\n{}\r\n", sts("2", "a@b")),
        false,
    ))
    .expect("append");
    polled.poll(&mut tail);
    let lines: Vec<u64> = polled.events.iter().map(|e| e.0).collect();
    assert_eq!(
        lines,
        [1, 3],
        "the records before and after, at their lines"
    );
    assert!(
        polled
            .problems
            .iter()
            .any(|p| p.contains("over the 4096 byte limit")),
        "{:?}",
        polled.problems
    );
    every_byte_hashed(&tail, &path);
}

/// The last tester's #2: UTF-8 records appended to a UTF-16 file (PowerShell 7's `>>` to a
/// Windows PowerShell 5.1 export) had no newline the UTF-16 decoder knows: held unsaid up to
/// the record limit, never read. They are read as UTF-8, and said from which byte and line,
/// as a first load reads and says them.
#[test]
fn utf8_records_appended_to_a_utf16_file_are_read_and_named_by_their_byte() {
    let mut start = utf16("\u{feff}", false);
    start.extend(utf16(&format!("{}\r\n", sts("1", "a@b")), false));
    let more = format!("{}\n{}\n", sts("2", "c@d"), sts("3", "J\u{fc}rgen@e"));
    // Cut inside the first UTF-8 record: its line is not known to be UTF-8 yet.
    let polled = follow_then_compare("mixed.jsonl", &start, more.as_bytes(), 40);
    let read: Vec<(u64, &str)> = polled.events.iter().map(|e| (e.0, e.2.as_str())).collect();
    assert_eq!(read, [(1, "a@b"), (2, "c@d"), (3, "J\u{fc}rgen@e")]);
    assert!(
        polled
            .problems
            .contains(&crate::load::decode::utf8_after_notice(
                start.len() as u64,
                "UTF-16LE"
            )),
        "{:?}",
        polled.problems
    );
}

/// Breaker16 #1: the UTF-16 export's last line has no line end, and UTF-8 records were
/// appended straight after it, or after a `\n` or `\r\n` of their own. Decoded as UTF-16 they
/// were one line of CJK-looking text, glued to the last record: lost with no word. They are
/// read as UTF-8 and named by their byte, as a first load reads and names them.
#[test]
fn utf8_records_appended_after_a_utf16_line_with_no_end_are_read() {
    for join in ["", "\n", "\r\n"] {
        let mut start = utf16("\u{feff}", false);
        start.extend(utf16(
            &format!("{}\r\n{}", sts("1", "a@b"), sts("2", "a@b")),
            false,
        ));
        let more = format!("{join}{}\n{}\n", sts("3", "c@d"), sts("4", "J\u{fc}rgen@e"));
        // Cut inside the first UTF-8 record.
        let polled = follow_then_compare("glued.jsonl", &start, more.as_bytes(), 40);
        let read: Vec<(u64, &str)> = polled.events.iter().map(|e| (e.0, e.2.as_str())).collect();
        assert_eq!(
            read,
            [(1, "a@b"), (2, "a@b"), (3, "c@d"), (4, "J\u{fc}rgen@e")],
            "joined by {join:?}"
        );
        let notice = crate::load::decode::utf8_after_notice(start.len() as u64, "UTF-16LE");
        assert!(polled.problems.contains(&notice), "{:?}", polled.problems);
    }
}

/// Breaker16 #9: a UTF-16 record appended (in two writes) after UTF-8 ones appended to a
/// UTF-16 file is read, decoded, as a first load reads it, and counted as a first load
/// counts it: decoded, not "read with invalid characters replaced".
#[test]
fn a_utf16_record_after_utf8_ones_is_counted_decoded_not_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("u.jsonl");
    let mut start = utf16("\u{feff}", false);
    start.extend(utf16(&format!("{}\n", sts("1", "a@b")), false));
    start.extend(format!("{}\n", sts("2", "c@d")).as_bytes());
    std::fs::write(&path, &start).expect("write");
    let mut tail = Tail::new(&path);
    let mut polled = Polled::default();
    polled.poll(&mut tail);
    let last = utf16(&format!("{}\n", sts("3", "e@f")), false);
    let mut f = append_to(&path);
    for half in [&last[..51], &last[51..]] {
        f.write_all(half).expect("append");
        polled.poll(&mut tail);
    }
    let first = crate::load::scan_file(&path, &crate::load::ScanOptions::default(), &mut |_| {})
        .expect("scan");
    assert_eq!(polled.events.len(), 3, "{:?}", polled.problems);
    assert_eq!(
        (tail.summary.replaced, tail.summary.controls_kept),
        (first.replaced, first.controls_kept),
        "counted as a first load counts it"
    );
    assert_eq!(tail.summary.replaced, 0, "nothing was replaced");
    assert!(
        polled
            .problems
            .iter()
            .any(|p| p.ends_with("decoded as UTF-16; the record was read")),
        "{:?}",
        polled.problems
    );
}
