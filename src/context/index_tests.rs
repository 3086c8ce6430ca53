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
            ..Fields::default()
        };
        if let Some(b) = c.push(&f, line, line * 100) {
            index.absorb(&b);
        }
    }
    index.absorb(&c.take());
}

#[test]
fn a_record_is_kept_in_56_bytes_with_its_offset_and_line() {
    // The byte offset that keys a record took the place of the line, and the line the
    // padding: the index is no larger than when records were keyed by line.
    assert_eq!(std::mem::size_of::<Entry>(), 56);
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
    let places: Vec<(u32, u64)> = index.entries.iter().map(|e| (e.file, e.offset)).collect();
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
