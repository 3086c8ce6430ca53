//! Records identical in every kept field, found once when the index's lookups are built.

use std::collections::HashMap;

use super::index::{Entries, Entry, FxBuild, TICKS_PER_SEC};

/// Records identical in every kept field — the second, operation, actor, target, IP address,
/// result and correlation — read at several places (the same record in two exports), found
/// once when the lookups are built: a related record's repeats are then counted without a
/// map per STS event. Few records have a twin, so a bit per record says whether to look.
#[derive(Debug, Default, Clone)]
pub(super) struct Twins {
    /// Bit `i`: entry `i` has an identical entry before it.
    has_earlier: Vec<u64>,
    /// Bit `i`: entry `i` has an identical entry after it.
    has_later: Vec<u64>,
    /// Entry → the identical entry just before it (in time, then place order).
    earlier: HashMap<u32, u32, FxBuild>,
}

impl Twins {
    /// From the entries in time order (`order`; equal times in place order).
    pub(super) fn build(order: &[u32], entries: &Entries) -> Self {
        let mut out = Self {
            has_earlier: vec![0; entries.len().div_ceil(64)],
            has_later: vec![0; entries.len().div_ceil(64)],
            earlier: HashMap::default(),
        };
        let second = |e: &Entry| {
            if e.time == i64::MIN {
                i64::MIN
            } else {
                e.time.div_euclid(TICKS_PER_SEC)
            }
        };
        let key = |e: &Entry| {
            (
                e.operation,
                e.actor,
                e.target,
                e.ip,
                e.result,
                e.correlation,
            )
        };
        // Identical records share their second: each second's records apart.
        let mut last: HashMap<(u32, u32, u32, u64, u32, u64), u32, FxBuild> = HashMap::default();
        let mut start = 0;
        while start < order.len() {
            let s = second(&entries[order[start] as usize]);
            let mut end = start + 1;
            while end < order.len() && second(&entries[order[end] as usize]) == s {
                end += 1;
            }
            if end - start > 1 {
                last.clear();
                for &i in &order[start..end] {
                    if let Some(prev) = last.insert(key(&entries[i as usize]), i) {
                        out.has_earlier[i as usize / 64] |= 1 << (i % 64);
                        out.has_later[prev as usize / 64] |= 1 << (prev % 64);
                        out.earlier.insert(i, prev);
                    }
                }
            }
            start = end;
        }
        out
    }

    pub(super) fn earlier(&self, entry: u32) -> Option<u32> {
        if !bit(&self.has_earlier, entry) {
            return None;
        }
        self.earlier.get(&entry).copied()
    }

    pub(super) fn has_later(&self, entry: u32) -> bool {
        bit(&self.has_later, entry)
    }
}

fn bit(bits: &[u64], i: u32) -> bool {
    bits.get(i as usize / 64)
        .is_some_and(|w| w >> (i % 64) & 1 == 1)
}
