//! The index's lookups by correlation, target and actor: each key's records side by side in
//! one list, in time order, with the places of the records that have an identical record
//! before them, so that a stretch of a list can be counted from its length.

use std::sync::Arc;

#[path = "lookup_dense.rs"]
mod dense;
pub(super) use dense::Dense;

/// Entries by key: each key's entries side by side in one list, in time order (no `Vec`
/// per key: a correlation id is often on one or two records only), found through the keys
/// sorted (no hash map: with a correlation id on most records, a map of 16-byte slots at
/// most 7/8 full held more than the lists themselves).
#[derive(Debug, Clone)]
pub(super) struct Lookup<K> {
    /// Every key once, ascending. Shared with the lookup it was regrouped from, if any
    /// ([`Self::regrouped_from`] keeps the keys and where each starts): memory at the report's
    /// peak.
    keys: Arc<Vec<K>>,
    /// Where each key's entries start in `list` (one more than `keys`: the last is the end).
    starts: Arc<Vec<u32>>,
    /// Where a key is among `keys` ([`Directory`]), shared as `keys` is: every related count
    /// looks up the event's correlation id among about 131,000 (the 1%-STS file), and a
    /// binary search of them read a cache line at each of its last ~8 steps.
    directory: Arc<Directory>,
    list: Vec<u32>,
    /// The places in `list` (ascending) of the entries that have an identical entry before
    /// them (`Twins`): few, so a stretch of a list counts its records without walking it.
    twinned: Vec<u32>,
    /// A regrouped lookup's ([`Self::regrouped_from`]) `sub` of every [`SUB_STEP`]-th record of
    /// `list` (empty otherwise): a key's stretch of one `sub` is found in these, then among
    /// at most [`SUB_STEP`] records, instead of reading a record at each of ~16 steps of a
    /// binary search over a busy key's list (each read a cache miss in the index's records).
    subs: Vec<u32>,
}

/// One record in this many of a regrouped lookup's list has its `sub` kept beside it.
const SUB_STEP: usize = 16;

impl<K> Default for Lookup<K> {
    fn default() -> Self {
        Self {
            keys: Arc::default(),
            starts: Arc::new(vec![0]),
            directory: Arc::default(),
            list: Vec::new(),
            twinned: Vec::new(),
            subs: Vec::new(),
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

/// Keys gathered this many entries at a time, sorted and merged: the keys of every entry
/// are never all in memory at once, only the distinct ones.
const KEYS_AT_A_TIME: usize = 1 << 16;

/// The distinct keys of the entries, ascending.
fn distinct_keys<K: Key>(order: &[u32], key: &impl Fn(u32) -> Option<K>) -> Vec<K> {
    let mut keys: Vec<K> = Vec::new();
    let mut part: Vec<K> = Vec::with_capacity(KEYS_AT_A_TIME.min(order.len()));
    for chunk in order.chunks(KEYS_AT_A_TIME) {
        part.clear();
        part.extend(chunk.iter().filter_map(|&i| key(i)));
        part.sort_unstable();
        part.dedup();
        if part.iter().all(|k| keys.binary_search(k).is_ok()) {
            continue;
        }
        let mut merged = Vec::with_capacity(keys.len() + part.len());
        let (mut a, mut b) = (keys.iter().peekable(), part.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) if x < y => a.next(),
                (Some(&&x), Some(&&y)) if y < x => b.next(),
                (Some(_), Some(_)) => {
                    b.next();
                    a.next()
                }
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            merged.extend(next.copied());
        }
        keys = merged;
    }
    keys
}

/// A key as a number, for [`Directory`]: its order is the key's order.
pub(super) trait Key: Ord + Copy {
    fn number(self) -> u64;
}

impl Key for u32 {
    fn number(self) -> u64 {
        u64::from(self)
    }
}

impl Key for u64 {
    fn number(self) -> u64 {
        self
    }
}

/// Where a key is among sorted distinct keys, found from its number's high bits (a
/// table of about one slot per 4 keys over the keys' range) and then a binary search of
/// the few keys of its slot: [`Lookup::build`] places every keyed record, and a binary
/// search of all the keys (about 17 steps over 131,000 correlation ids on the 1%-STS
/// file) cost more than the rest of the build. Kept with the lookup for [`Lookup::get`].
#[derive(Debug)]
struct Directory {
    min: u64,
    shift: u32,
    /// Where each slot's keys start (one more than the slots: the last is the end).
    starts: Vec<u32>,
}

impl Default for Directory {
    /// The directory of no keys.
    fn default() -> Self {
        Self::new::<u64>(&[])
    }
}

impl Directory {
    fn new<K: Key>(keys: &[K]) -> Self {
        let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
            return Self {
                min: 0,
                shift: 63,
                starts: vec![0, 0],
            };
        };
        let (min, range) = (first.number(), last.number() - first.number());
        // A power of two, at least 2 (so the shift is at most 63).
        let slots = (keys.len() / 4).max(2).next_power_of_two() as u64;
        // The fewest low bits dropped from the range that leave at most `slots` slots.
        let shift = (64 - range.leading_zeros()).saturating_sub(slots.trailing_zeros());
        let count = (range >> shift) as usize + 1;
        let mut starts = Vec::with_capacity(count + 1);
        for (p, k) in keys.iter().enumerate() {
            let slot = ((k.number() - min) >> shift) as usize;
            while starts.len() <= slot {
                starts.push(p as u32);
            }
        }
        while starts.len() <= count {
            starts.push(keys.len() as u32);
        }
        Self { min, shift, starts }
    }

    /// `keys.binary_search(&k).ok()`, for the keys the directory was made from.
    fn place<K: Key>(&self, keys: &[K], k: K) -> Option<usize> {
        let slot = (k.number().checked_sub(self.min)? >> self.shift) as usize;
        let (from, to) = (
            *self.starts.get(slot)? as usize,
            *self.starts.get(slot + 1)? as usize,
        );
        keys[from..to].binary_search(&k).ok().map(|p| from + p)
    }
}

impl<K: Key> Lookup<K> {
    /// The lookup of `keys` (ascending), where each key's entries start in `list` (`starts`,
    /// one more than the keys) and the entries in time order within a key, with the places
    /// of the entries that have an identical entry before them: what every build ends with.
    pub(super) fn of_lists(
        keys: Vec<K>,
        starts: Vec<u32>,
        list: Vec<u32>,
        twinned: impl Fn(u32) -> bool,
    ) -> Self {
        let twinned = twinned_places(&list, twinned);
        Self {
            directory: Arc::new(Directory::new(&keys)),
            keys: Arc::new(keys),
            starts: Arc::new(starts),
            list,
            twinned,
            subs: Vec::new(),
        }
    }

    /// From the entries in time order (`order`), the key of each (None: not indexed), and
    /// whether each has an identical entry before it.
    pub(super) fn build(
        order: &[u32],
        key: impl Fn(u32) -> Option<K>,
        twinned: impl Fn(u32) -> bool,
    ) -> Self {
        let keys = distinct_keys(order, &key);
        let directory = Directory::new(&keys);
        let place = |k: &K| directory.place(&keys, *k);
        let mut starts = vec![0u32; keys.len() + 1];
        for &i in order {
            if let Some(p) = key(i).as_ref().and_then(place) {
                starts[p + 1] += 1;
            }
        }
        for p in 1..starts.len() {
            starts[p] += starts[p - 1];
        }
        let mut list = vec![0u32; starts[keys.len()] as usize];
        // Each key's next free place, taken in time order.
        let mut next = starts.clone();
        for &i in order {
            if let Some(p) = key(i).as_ref().and_then(place) {
                list[next[p] as usize] = i;
                next[p] += 1;
            }
        }
        Self::of_lists(keys, starts, list, twinned)
    }

    /// The same keys, each key's records ordered by `sub` (ascending) and, within one
    /// `sub`, in the order they had (time order): a stretch of one key and one `sub` is
    /// then side by side in the list ([`Self::stretch`] of its places). Each key's records
    /// are sorted apart, so nothing is searched per record. The reference
    /// [`Self::regrouped_from`] is tested against.
    #[cfg(test)]
    pub(super) fn regrouped(&self, sub: impl Fn(u32) -> u32, twinned: impl Fn(u32) -> bool) -> Self
    where
        K: Clone,
    {
        let mut list = self.list.clone();
        // (sub, place in the key's records) sorted as one number: no compare reads a record.
        let mut order: Vec<u64> = Vec::new();
        for w in self.starts.windows(2) {
            let records = &mut list[w[0] as usize..w[1] as usize];
            if records.is_sorted_by_key(|&i| sub(i)) {
                continue;
            }
            order.clear();
            order.extend(
                (0u64..)
                    .zip(records.iter())
                    .map(|(at, &i)| u64::from(sub(i)) << 32 | at),
            );
            order.sort_unstable();
            let was: Vec<u32> = records.to_vec();
            for (to, &o) in records.iter_mut().zip(&order) {
                *to = was[(o & 0xffff_ffff) as usize];
            }
        }
        let subs = list.iter().step_by(SUB_STEP).map(|&i| sub(i)).collect();
        self.with_list(list, twinned, subs)
    }

    /// In a lookup made by [`Self::regrouped_from`] with `sub`: where the records of key `k`
    /// whose `sub` is `value` start and end among the key's records (as
    /// [`Self::get`]`(k)` numbers them), as a binary search of the key's records by `sub`
    /// gives them.
    pub(super) fn sub_places(&self, k: &K, value: u32, sub: impl Fn(u32) -> u32) -> (usize, usize) {
        let (s, n) = self.span(k);
        let from = self.sub_partition(s, s + n, |v| v < value, &sub);
        // The end looked for next to the start first: a user's principal is on one or two of
        // its key's records where a fresh object id comes with every record (the 1%-STS
        // file), so one or two records read there, against a search of the kept `sub`s and
        // of the records between two of them. A longer stretch is searched as its start was.
        let near = &self.list[from..(s + n).min(from + SUB_STEP)];
        let to = match near.iter().position(|&i| sub(i) > value) {
            Some(p) => from + p,
            None if from + near.len() == s + n => s + n,
            None => self.sub_partition(from + near.len(), s + n, |v| v <= value, &sub),
        };
        (from - s, to - s)
    }

    /// The first place in `list[from..to]` (records ordered by `sub`) whose `sub` is not
    /// `before`, found first among the kept [`Self::subs`] of that stretch.
    fn sub_partition(
        &self,
        from: usize,
        to: usize,
        before: impl Fn(u32) -> bool,
        sub: &impl Fn(u32) -> u32,
    ) -> usize {
        // The kept places within from..to: j * SUB_STEP for j in first..last.
        let (first, last) = (
            from.div_ceil(SUB_STEP),
            to.div_ceil(SUB_STEP).min(self.subs.len()),
        );
        let (lo, hi) = if first < last {
            let j = first + self.subs[first..last].partition_point(|&v| before(v));
            (
                if j == first {
                    from
                } else {
                    (j - 1) * SUB_STEP + 1
                },
                if j == last { to } else { j * SUB_STEP },
            )
        } else {
            (from, to)
        };
        let records = &self.list[lo..hi];
        if records.len() <= SUB_STEP {
            // Every record of the few counted rather than searched: their reads do not wait
            // on each other, where each step of a search waits on a record read at random
            // (most of a principal's search, BENCHMARKS.md, issue 12, seventeenth round).
            lo + records.iter().filter(|&&i| before(sub(i))).count()
        } else {
            lo + records.partition_point(|&i| before(sub(i)))
        }
    }

    /// Every record of a key, in time order.
    pub(super) fn get(&self, k: &K) -> &[u32] {
        let (s, n) = self.span(k);
        &self.list[s..s + n]
    }

    fn span(&self, k: &K) -> (usize, usize) {
        self.directory.place(&self.keys, *k).map_or((0, 0), |p| {
            let s = self.starts[p] as usize;
            (s, self.starts[p + 1] as usize - s)
        })
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

impl<K> Lookup<K> {
    /// A lookup of the same keys (shared, not copied) over `list`, the same records
    /// regrouped within each key, with its twinned places and its sampled subs.
    pub(super) fn with_list(
        &self,
        list: Vec<u32>,
        twinned: impl Fn(u32) -> bool,
        subs: Vec<u32>,
    ) -> Self {
        Self {
            keys: Arc::clone(&self.keys),
            starts: Arc::clone(&self.starts),
            directory: Arc::clone(&self.directory),
            twinned: twinned_places(&list, twinned),
            list,
            subs,
        }
    }
}

/// The places in `list` whose record has an identical record before it.
fn twinned_places(list: &[u32], twinned: impl Fn(u32) -> bool) -> Vec<u32> {
    (0..list.len() as u32)
        .filter(|&p| twinned(list[p as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_gets_its_entries_in_the_given_order_across_many_gathering_steps() {
        // More entries than one gathering step, keys spread so that the steps' keys overlap
        // and differ: the lists must be those of a plain grouping.
        let n = KEYS_AT_A_TIME as u32 * 3 + 17;
        let key_of = |i: u32| {
            (!i.is_multiple_of(7)).then(|| u64::from(i.wrapping_mul(2_654_435_761) % 50_000))
        };
        let order: Vec<u32> = (0..n).rev().collect();
        let lookup = Lookup::build(&order, key_of, |i| i % 1000 == 1);
        let mut expected: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
        for &i in &order {
            if let Some(k) = key_of(i) {
                expected.entry(k).or_default().push(i);
            }
        }
        assert_eq!(*lookup.keys, expected.keys().copied().collect::<Vec<_>>());
        for (k, list) in &expected {
            assert_eq!(lookup.get(k), &list[..], "key {k}");
        }
        assert!(lookup.get(&50_001).is_empty());
        let all = lookup.stretch(&expected.keys().next().copied().unwrap(), 0, usize::MAX);
        assert!(all.twinned().all(|i| i % 1000 == 1));
        assert!(Lookup::<u64>::default().get(&1).is_empty());
    }

    use proptest::prelude::*;

    proptest! {
        /// The directory places every key where a binary search of the keys does, and
        /// finds no key that is not there: keys bunched (interned ids), spread over all of
        /// u64 (hashes) and at both ends of the range.
        #[test]
        fn the_directory_places_keys_as_a_binary_search_does(
            mut keys in prop::collection::vec(
                prop_oneof![0u64..64, any::<u64>(), Just(u64::MAX), Just(0)], 0..300),
            probes in prop::collection::vec(any::<u64>(), 0..50),
        ) {
            keys.sort_unstable();
            keys.dedup();
            let directory = Directory::new(&keys);
            for k in keys.iter().chain(&probes).copied().chain([0, 1, u64::MAX]) {
                prop_assert_eq!(directory.place(&keys, k), keys.binary_search(&k).ok(), "key {}", k);
            }
            let small: Vec<u32> = keys.iter().map(|&k| (k % 1000) as u32).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let directory = Directory::new(&small);
            for k in (0..1001u32).chain([u32::MAX]) {
                prop_assert_eq!(directory.place(&small, k), small.binary_search(&k).ok());
            }
        }

        /// A regrouped lookup finds a key's records of one `sub` where a binary search of
        /// the key's records by `sub` does, for keys of fewer and of many more records than
        /// the step between kept `sub`s, `sub`s repeated or not (a `sub` on one record, as a
        /// fresh object id is, and on many more than the step, whose end is searched past
        /// the records next to its start), present or not, at either end of a key.
        #[test]
        fn a_sub_is_found_where_a_binary_search_finds_it(
            entries in prop::collection::vec(
                (0u64..4, prop_oneof![0u32..40, 0u32..3, Just(7u32), 0u32..1000]), 0..600),
            probes in prop::collection::vec(prop_oneof![0u32..42, Just(0), Just(1000)], 1..20),
        ) {
            let order: Vec<u32> = (0..entries.len() as u32).collect();
            let key = |i: u32| Some(entries[i as usize].0).filter(|&k| k != 3);
            let sub = |i: u32| entries[i as usize].1;
            let lookup = Lookup::build(&order, key, |_| false).regrouped(sub, |_| false);
            for k in 0..5u64 {
                let list = lookup.get(&k);
                let ends = [list.first(), list.last()].into_iter().flatten().map(|&i| sub(i));
                for p in probes.iter().copied().chain(ends) {
                    let from = list.partition_point(|&i| sub(i) < p);
                    let to = from + list[from..].partition_point(|&i| sub(i) <= p);
                    prop_assert_eq!(lookup.sub_places(&k, p, sub), (from, to), "key {} sub {}", k, p);
                }
            }
        }

        /// A key's records are found through the directory kept with the keys as through a
        /// binary search of the keys: keys bunched (interned ids), spread over all of u64
        /// (correlation ids' hashes), at both ends of the range, absent keys below, between
        /// and above them, and no key at all.
        #[test]
        fn a_key_is_found_where_a_binary_search_of_the_keys_finds_it(
            entries in prop::collection::vec(
                prop_oneof![0u64..40, any::<u64>(), Just(1u64), Just(u64::MAX)], 0..500),
            probes in prop::collection::vec(any::<u64>(), 0..30),
        ) {
            let order: Vec<u32> = (0..entries.len() as u32).rev().collect();
            // 0: no key, as a record with no correlation id.
            let key = |i: u32| Some(entries[i as usize]).filter(|&k| k != 0);
            let mut expected: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
            for &i in &order {
                if let Some(k) = key(i) {
                    expected.entry(k).or_default().push(i);
                }
            }
            for lookup in [Lookup::build(&order, key, |_| false), Lookup::build_hashed(&order, key, |_| false)] {
                for k in entries.iter().chain(&probes).copied().chain([0, 1, 2, 41, u64::MAX - 1, u64::MAX]) {
                    let want = expected.get(&k).map_or(&[][..], Vec::as_slice);
                    prop_assert_eq!(lookup.get(&k), want, "key {}", k);
                    prop_assert_eq!(lookup.stretch(&k, 0, usize::MAX).records, want, "key {}", k);
                }
            }
        }
    }
}
