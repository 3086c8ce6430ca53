//! Tests of the index: records kept once in place order, lookups by key and time.

use super::*;
use crate::context::Collector;
use crate::context::extract::Fields;
use crate::context::interner::{ascii_lower_word, fx_folded};

/// Hands records on as the loader does (batches of `context::BATCH`).
fn absorb(index: &mut ContextIndex, file: &str, lines: &[(u64, &str, &str)]) {
    let mut c = Collector::new(file.into(), true);
    for &(line, actor, corr) in lines {
        let f = Fields {
            time: Some(i64::try_from(line).unwrap() * TICKS_PER_SEC),
            operation: b"Update user."[..].into(),
            actor: actor.as_bytes().into(),
            correlation: corr.as_bytes().into(),
            // Every third an address as text (an id of the strings), the others IPv4.
            ip: if line % 3 == 0 {
                format!("2001:db8::{line:x}").into_bytes().into()
            } else {
                format!("10.0.{}.{}", line / 256 % 256, line % 256)
                    .into_bytes()
                    .into()
            },
            result: if line % 2 == 0 { &b"Success"[..] } else { b"" }.into(),
            ..Fields::default()
        };
        if let Some(b) = c.push(&f, line, line * 100) {
            index.absorb(&b);
        }
    }
    index.absorb(&c.take());
}

#[test]
fn a_record_is_kept_in_memory_in_32_bytes() {
    // Its time, keys and line; its file as runs, its offset, IP address and result apart
    // (on a temporary file in a headless report).
    assert_eq!(std::mem::size_of::<Compact>(), 32);
}

#[test]
fn records_out_of_order_or_read_twice_are_kept_once_in_place_order() {
    let mut index = ContextIndex::default();
    // More than one chunk, handed on out of order, the last stretch read twice.
    let n = Entries::CHUNK as u64 + 10;
    let mut lines: Vec<(u64, String)> = (1..=n).map(|l| (l, format!("a{}@x", l % 3))).collect();
    lines.reverse();
    let refs: Vec<(u64, &str, &str)> = lines.iter().map(|(l, a)| (*l, a.as_str(), "")).collect();
    absorb(&mut index, "f", &refs);
    absorb(&mut index, "f", &refs[..5]);
    absorb(
        &mut index,
        "g",
        &[(1, "A0@X", "corr-1"), (2, "b@x", "corr-1")],
    );
    index.prepare();
    assert_eq!(index.len() as u64, n + 2);
    let places: Vec<(u32, u64)> = (0..index.len())
        .map(|i| index.record(i))
        .map(|e| (e.file, e.offset))
        .collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]));
    // Lookups by actor (case ignored), in time order, within a window.
    let near = index.by_actor_within("a0@x", 30 * TICKS_PER_SEC, 10);
    let times: Vec<i64> = near
        .iter()
        .map(|&i| index.entries[i as usize].time / TICKS_PER_SEC)
        .collect();
    assert_eq!(times, [21, 24, 27, 30, 33, 36, 39]);
    assert_eq!(index.by_correlation("corr-1").len(), 2);
    assert!(index.by_correlation("").is_empty());
    assert_eq!(index.first_time_of_actor("A1@x"), Some(TICKS_PER_SEC));
}

#[test]
fn ascii_case_is_ignored_by_the_folded_hash_and_nothing_else() {
    for b in 0..=255u8 {
        for at in 0..8 {
            let mut w = [b'x'; 8];
            w[at] = b;
            let mut lower = w;
            lower.make_ascii_lowercase();
            assert_eq!(
                ascii_lower_word(u64::from_le_bytes(w)),
                u64::from_le_bytes(lower),
                "byte {b:#x} at {at}"
            );
        }
    }
    for s in [
        "",
        "a",
        "Victim.User@Contoso.COM",
        "0E0E0E0E-AAAA-4000-8000-0000000000AA",
    ] {
        assert_eq!(
            fx_folded(s.as_bytes()),
            fx_folded(s.to_ascii_lowercase().as_bytes())
        );
    }
}

#[test]
fn the_correlation_hash_ignores_ascii_case_and_nothing_else() {
    // Ids of every length around the 8-byte steps, in both cases; the same id with one
    // byte changed anywhere, a byte more (a zero too) or less, must hash apart.
    let id = "0E0E0E0E-AAAA-4000-8000-0000000000AA-Victim.User@Contoso.COM";
    let mut seen = std::collections::HashSet::new();
    for len in 1..=id.len() {
        let s = &id.as_bytes()[..len];
        let h = correlation_hash_bytes(s);
        assert_ne!(h, 0);
        assert_eq!(h, correlation_hash_bytes(&s.to_ascii_lowercase()), "{len}");
        assert!(
            seen.insert(h),
            "prefix of {len} bytes hashes as a shorter one"
        );
        let mut zero = s.to_vec();
        zero.push(0);
        assert_ne!(h, correlation_hash_bytes(&zero), "{len} and a zero byte");
        for at in 0..len {
            let mut other = s.to_vec();
            other[at] ^= 0x01;
            assert_ne!(h, correlation_hash_bytes(&other), "{len}, byte {at}");
        }
    }
    assert_eq!(correlation_hash_bytes(b""), 0);
    assert_eq!(principal_hash(b"  "), 0);
    assert_eq!(principal_hash(b" AbC "), principal_hash(b"abc"));
}

#[test]
fn actors_and_targets_keep_their_first_spelling_and_match_any_other() {
    let mut index = ContextIndex::default();
    absorb(
        &mut index,
        "f",
        &[
            (1, "Megan.Bowen@Contoso.com", ""),
            (2, "megan.bowen@contoso.com", ""),
            (3, "MEGAN.BOWEN@CONTOSO.COM", ""),
        ],
    );
    index.prepare();
    let ids: Vec<u32> = index.entries.iter().map(|e| e.actor).collect();
    assert!(ids.iter().all(|&id| id == ids[0]), "{ids:?}");
    assert_eq!(index.text(ids[0]), "Megan.Bowen@Contoso.com");
    assert_eq!(
        index
            .by_actor_within("megan.BOWEN@contoso.com", 2 * TICKS_PER_SEC, 5)
            .len(),
        3
    );
    // The operation keeps its own case: another table.
    assert!(index.strings.get(b"update user.").is_none());
}

#[test]
fn records_held_on_disk_until_prepared_give_the_same_index() {
    // A headless report's records wait on a temporary file: after `prepare` the index is
    // the one kept in memory throughout, over several files, records out of order and read
    // twice, and a copy taken while records were on the file.
    let n = Entries::CHUNK as u64 + 10;
    let lines: Vec<(u64, String, String)> = (1..=n)
        .rev()
        .map(|l| (l, format!("a{}@x", l % 3), format!("c{}", l % 5)))
        .collect();
    let refs: Vec<(u64, &str, &str)> = lines
        .iter()
        .map(|(l, a, c)| (*l, a.as_str(), c.as_str()))
        .collect();
    let fill = |index: &mut ContextIndex, held: bool| -> ContextIndex {
        if held {
            index.hold_on_disk();
        }
        absorb(index, "f", &refs);
        absorb(index, "f", &refs[..5]);
        let copy = index.clone();
        index.prepare();
        absorb(index, "g", &[(1, "A0@X", "c1"), (2, "b@x", "c1")]);
        if held {
            // Held, not yet in memory.
            assert_eq!(index.len() as u64, n);
        }
        index.prepare();
        copy
    };
    let (mut memory, mut held) = (ContextIndex::default(), ContextIndex::default());
    let mut copies = [fill(&mut memory, false), fill(&mut held, true)];
    assert!(held.take_disk_error().is_none());
    assert_eq!(held.len() as u64, n + 2);
    let all = |i: &ContextIndex| (0..i.len()).map(|k| i.record(k)).collect::<Vec<_>>();
    assert_eq!(all(&held), all(&memory));
    for c in &mut copies {
        c.prepare();
    }
    assert_eq!(all(&copies[1]), all(&copies[0]));
    for actor in ["a0@x", "A1@X", "b@x"] {
        assert_eq!(
            held.by_actor_within(actor, 30 * TICKS_PER_SEC, 10),
            memory.by_actor_within(actor, 30 * TICKS_PER_SEC, 10)
        );
    }
    for c in ["c1", "c4", "c9"] {
        assert_eq!(held.by_correlation(c), memory.by_correlation(c));
    }
    // The details came back from the file: addresses and results as absorbed.
    let e = held.record(held.entries_at_line("f", 257));
    assert_eq!(held.ip_text(&e), "10.0.1.1");
    assert_eq!(held.text(e.result), "");
    let e = held.record(held.entries_at_line("f", 300));
    assert_eq!(held.ip_text(&e), "2001:db8::12c");
    assert_eq!(held.text(e.result), "Success");
    assert_eq!(e.offset, 30_000);
    assert!(held.entries.read_error().is_none());
    let c1 = (1..=n).filter(|l| l % 5 == 1).count();
    assert_eq!(held.by_correlation("c1").len(), c1 + 2);
}

impl ContextIndex {
    /// The record at a file's line (the first of them).
    fn entries_at_line(&self, file: &str, line: u32) -> usize {
        (0..self.len())
            .find(|&i| &*self.source_at(i).file == file && self.entries.line(i) == line)
            .expect("a record at that line")
    }
}
