//! The index's lookups by correlation, target and actor: each key's records side by side in
//! one list, in time order, with the places of the records that have an identical record
//! before them, so that a stretch of a list can be counted from its length.

use std::collections::HashMap;

use super::index::FxBuild;

/// Entries by key: each key's entries side by side in one list, in time order (no `Vec`
/// per key: a correlation id is often on one or two records only).
#[derive(Debug, Clone)]
pub(super) struct Lookup<K> {
    ranges: HashMap<K, (u32, u32), FxBuild>,
    list: Vec<u32>,
    /// The places in `list` (ascending) of the entries that have an identical entry before
    /// them (`Twins`): few, so a stretch of a list counts its records without walking it.
    twinned: Vec<u32>,
}

impl<K> Default for Lookup<K> {
    fn default() -> Self {
        Self {
            ranges: HashMap::default(),
            list: Vec::new(),
            twinned: Vec::new(),
        }
    }
}

/// A stretch of one key's records in a lookup (in time order), and those of them that have
/// an identical record before them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stretch<'a> {
    pub records: &'a [u32],
    /// The whole lookup's list, and the places in it of the stretch's twinned records.
    list: &'a [u32],
    twinned: &'a [u32],
}

impl<'a> Stretch<'a> {
    pub(super) const EMPTY: Self = Self {
        records: &[],
        list: &[],
        twinned: &[],
    };

    /// The stretch's records that have an identical record before them.
    pub(super) fn twinned(&self) -> impl Iterator<Item = u32> + 'a {
        let list = self.list;
        self.twinned.iter().map(move |&p| list[p as usize])
    }
}

impl<K: std::hash::Hash + Eq + Copy> Lookup<K> {
    /// From the entries in time order (`order`), the key of each (None: not indexed), and
    /// whether each has an identical entry before it.
    pub(super) fn build(
        order: &[u32],
        key: impl Fn(u32) -> Option<K>,
        twinned: impl Fn(u32) -> bool,
    ) -> Self {
        let mut ranges: HashMap<K, (u32, u32), FxBuild> = HashMap::default();
        for &i in order {
            if let Some(k) = key(i) {
                ranges.entry(k).or_default().1 += 1;
            }
        }
        let mut start = 0u32;
        for r in ranges.values_mut() {
            let n = r.1;
            *r = (start, 0);
            start += n;
        }
        let mut list = vec![0u32; start as usize];
        for &i in order {
            if let Some(k) = key(i)
                && let Some(r) = ranges.get_mut(&k)
            {
                list[(r.0 + r.1) as usize] = i;
                r.1 += 1;
            }
        }
        let twinned = (0..list.len() as u32)
            .filter(|&p| twinned(list[p as usize]))
            .collect();
        Self {
            ranges,
            list,
            twinned,
        }
    }

    /// Every record of a key, in time order.
    pub(super) fn get(&self, k: &K) -> &[u32] {
        let (s, n) = self.span(k);
        &self.list[s..s + n]
    }

    fn span(&self, k: &K) -> (usize, usize) {
        self.ranges
            .get(k)
            .map_or((0, 0), |&(s, n)| (s as usize, n as usize))
    }

    /// The records of a key from its `start`-th to before its `end`-th (in time order).
    pub(super) fn stretch(&self, k: &K, start: usize, end: usize) -> Stretch<'_> {
        let (s, n) = self.span(k);
        let (from, to) = (s + start.min(n), s + end.min(n).max(start.min(n)));
        let twins = self.twinned.partition_point(|&p| (p as usize) < from)
            ..self.twinned.partition_point(|&p| (p as usize) < to);
        Stretch {
            records: &self.list[from..to],
            list: &self.list,
            twinned: &self.twinned[twins],
        }
    }
}
