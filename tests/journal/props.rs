#![allow(clippy::panic, clippy::unwrap_used)]
//! Property tests of the journal's promises (more cases: `PROPTEST_CASES=20000`):
//! - a journal cut at any byte (a crash at any moment) replays, keeps every whole line, its
//!   chain is intact, and the next append works;
//! - removing, reordering or editing any line but the last is caught: an error naming a line,
//!   or a break of the chain;
//! - any bytes at all are read without a panic.

use proptest::prelude::*;

use sts_triage::journal::{Decision, Entry, Journal, Verdict, chain, replay};

fn entries(notes: &[String]) -> Vec<Entry> {
    notes
        .iter()
        .enumerate()
        .map(|(i, note)| {
            let d = Decision {
                verdict: if i % 2 == 0 {
                    Verdict::Suspicious
                } else {
                    Verdict::Legitimate
                },
                note: note.clone(),
                ..Decision::default()
            };
            Entry::new(&format!("row:{i:04}"), &d, "ana", "set")
        })
        .collect()
}

/// A chained journal of the notes, written by `Journal::append`.
fn journal_text(notes: &[String]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let (mut j, _) = Journal::open(&path).unwrap();
    j.append(&entries(notes)).unwrap();
    std::fs::read(&path).unwrap()
}

fn notes() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z \"\\\\é\n\u{1b}]{0,24}", 2..8)
}

proptest! {
    #[test]
    fn a_cut_at_any_byte_replays_keeps_whole_lines_and_takes_the_next_append(
        notes in notes(),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = journal_text(&notes);
        let at = cut.index(text.len() + 1);
        let kept = &text[..at];
        let r = replay("j", kept).unwrap();
        let whole = kept.iter().filter(|&&b| b == b'\n').count();
        // A last line whose bytes are all there but its line feed counts too.
        prop_assert!(r.entries == whole || r.entries == whole + 1);
        let parsed = chain::parse("j", kept, 1).unwrap();
        prop_assert!(chain::check(&parsed.lines).breaks.is_empty());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        std::fs::write(&path, kept).unwrap();
        let (mut j, _) = Journal::open(&path).unwrap();
        j.append(&entries(&["after the crash".to_owned()])).unwrap();
        let after = std::fs::read(&path).unwrap();
        prop_assert_eq!(replay("j", &after).unwrap().entries, r.entries + 1);
        let parsed = chain::parse("j", &after, 1).unwrap();
        prop_assert!(chain::check(&parsed.lines).breaks.is_empty());
    }

    #[test]
    fn tampering_with_any_line_but_the_last_is_caught(
        notes in notes(),
        which in any::<prop::sample::Index>(),
        how in 0..3u8,
        byte in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let text = journal_text(&notes);
        let mut lines: Vec<Vec<u8>> = text
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
        let n = lines.len();
        let i = which.index(n - 1); // never the last line
        match how {
            0 => {
                lines.remove(i);
            }
            1 => lines.swap(i, i + 1),
            _ => {
                let at = byte.index(lines[i].len());
                prop_assume!(lines[i][at] != value && value != b'\n');
                lines[i][at] = value;
            }
        }
        let mut tampered = lines.join(&b'\n');
        tampered.push(b'\n');
        let caught = match chain::parse("j", &tampered, 1) {
            Err(_) => true,
            Ok(p) => !chain::check(&p.lines).breaks.is_empty(),
        };
        prop_assert!(caught, "not caught: how {how}, line {}", i + 1);
    }

    #[test]
    fn any_bytes_are_read_without_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = replay("j", &bytes);
        if let Ok(p) = chain::parse("j", &bytes, 1) {
            let _ = chain::check(&p.lines);
        }
    }
}
