//! Lookups made by counting (split out of `lookup`). The keys by actor and by target are
//! interned ids (an actor's with its kind in the top bits), few and close together, so
//! each key's count is kept at its number in a plain array: no sort of the keys, no
//! search of a key's place per record; correlation ids are numbered in a hash table
//! (BENCHMARKS.md, issue 12, sixteenth round).

use super::{Lookup, SUB_STEP};

/// The bits of a key above its id: its kind ([`crate::context::index`]'s actor keys).
const KIND_SHIFT: u32 = 30;
const ID_MASK: u32 = (1 << KIND_SHIFT) - 1;
const KINDS: usize = 4;

/// Numbers for u32 keys made of an id and a kind (the top two bits): each kind's ids after
/// the previous kind's highest, so that the numbers keep the keys' order with no room for
/// ids past a kind's highest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::context) struct Dense {
    /// Each kind's first number; the last is one past the highest number.
    starts: [usize; KINDS + 1],
}

impl Dense {
    /// Numbers for every key of `keys` (0, no key, included).
    pub(in crate::context) fn of(keys: impl Iterator<Item = u32>) -> Self {
        // Each kind's highest id plus one (0: no key of the kind).
        let mut ends = [0usize; KINDS];
        for k in keys {
            let (kind, id) = ((k >> KIND_SHIFT) as usize, (k & ID_MASK) as usize);
            ends[kind] = ends[kind].max(id + 1);
        }
        let mut starts = [0usize; KINDS + 1];
        for kind in 0..KINDS {
            starts[kind + 1] = starts[kind] + ends[kind];
        }
        Self { starts }
    }

    /// How many numbers there are: the length of an array by key.
    pub(in crate::context) fn len(&self) -> usize {
        self.starts[KINDS]
    }

    fn number(&self, k: u32) -> usize {
        self.starts[(k >> KIND_SHIFT) as usize] + (k & ID_MASK) as usize
    }

    fn key(&self, number: usize) -> u32 {
        let kind = self.starts[1..].partition_point(|&s| s <= number);
        ((kind as u32) << KIND_SHIFT) | (number - self.starts[kind]) as u32
    }
}

impl Lookup<u32> {
    /// [`Lookup::build`] for keys numbered by `dense` (made from every key `key` gives).
    pub(in crate::context) fn build_dense(
        order: &[u32],
        key: impl Fn(u32) -> Option<u32>,
        dense: &Dense,
        twinned: impl Fn(u32) -> bool,
    ) -> Self {
        // Each key's count, then where its next record goes in the list.
        let mut at = vec![0u32; dense.len()];
        for &i in order {
            if let Some(k) = key(i) {
                at[dense.number(k)] += 1;
            }
        }
        let (mut keys, mut starts) = (Vec::new(), vec![0u32]);
        let mut total = 0u32;
        for (number, count) in at.iter_mut().enumerate() {
            if *count > 0 {
                keys.push(dense.key(number));
                let c = *count;
                *count = total;
                total += c;
                starts.push(total);
            }
        }
        let mut list = vec![0u32; total as usize];
        for &i in order {
            if let Some(k) = key(i) {
                let next = &mut at[dense.number(k)];
                list[*next as usize] = i;
                *next += 1;
            }
        }
        drop(at);
        Self::of_lists(keys, starts, list, twinned)
    }
}

impl Lookup<u64> {
    /// [`Lookup::build`] with the keys numbered in a hash table as they come (each distinct
    /// key once) and only the distinct keys sorted: correlation ids, about one for five
    /// records, are hashes spread over all of u64 (no array by key), and sorting every
    /// record's key was most of the lookup's making.
    pub(in crate::context) fn build_hashed(
        order: &[u32],
        key: impl Fn(u32) -> Option<u64>,
        twinned: impl Fn(u32) -> bool,
    ) -> Self {
        // The distinct keys by number, each number's count (then its next place), and the
        // numbers by key's hash (4 bytes a slot: the key is read from `seen`).
        let (mut seen, mut at): (Vec<u64>, Vec<u32>) = (Vec::new(), Vec::new());
        let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
        // Any key, hash or not, spread to the high bits the table reads.
        let hash = |k: u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ k >> 29;
        for &i in order {
            let Some(k) = key(i) else { continue };
            let h = hash(k);
            if let Some(&n) = table.find(h, |&n| seen[n as usize] == k) {
                at[n as usize] += 1;
            } else {
                let n = seen.len() as u32;
                seen.push(k);
                at.push(1);
                table.insert_unique(h, n, |&m| hash(seen[m as usize]));
            }
        }
        // The numbers in their keys' order (4 bytes a key, not a copy of the keys).
        let mut by_key: Vec<u32> = (0..seen.len() as u32).collect();
        by_key.sort_unstable_by_key(|&n| seen[n as usize]);
        let (mut keys, mut starts) = (Vec::with_capacity(by_key.len()), vec![0u32]);
        starts.reserve(by_key.len());
        let mut total = 0u32;
        for &n in &by_key {
            keys.push(seen[n as usize]);
            let c = at[n as usize];
            at[n as usize] = total;
            total += c;
            starts.push(total);
        }
        drop(by_key);
        let mut list = vec![0u32; total as usize];
        for &i in order {
            let Some(k) = key(i) else { continue };
            if let Some(&n) = table.find(hash(k), |&n| seen[n as usize] == k) {
                let next = &mut at[n as usize];
                list[*next as usize] = i;
                *next += 1;
            }
        }
        drop((table, seen, at));
        Self::of_lists(keys, starts, list, twinned)
    }
}

/// A key's records with few distinct `sub`s are put in order by counting; more, by a radix
/// sort ([`sort_by_high_half`]).
const FEW_SUBS: usize = 8;

/// Sorts numbers by their high 32 bits, keeping the order of those with equal high bits: a
/// byte at a time from the lowest, each pass keeping the order the one before left (a
/// comparison sort of a busy actor's records by principal was most of the regrouping).
fn sort_by_high_half(v: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    for shift in [32, 40, 48, 56] {
        let digit = |x: u64| (x >> shift) as usize & 0xff;
        let mut at = [0usize; 256];
        for &x in v.iter() {
            at[digit(x)] += 1;
        }
        if at.contains(&v.len()) {
            continue;
        }
        let mut total = 0;
        for n in &mut at {
            let c = *n;
            *n = total;
            total += c;
        }
        scratch.clear();
        scratch.resize(v.len(), 0);
        for &x in v.iter() {
            let n = &mut at[digit(x)];
            scratch[*n] = x;
            *n += 1;
        }
        std::mem::swap(v, scratch);
    }
}

impl<K: Clone> Lookup<K> {
    /// Each listed record's `sub`, in the list's order: what [`Self::regrouped_from`] takes.
    pub(in crate::context) fn listed_subs(&self, sub: impl Fn(u32) -> u32) -> Vec<u32> {
        self.list.iter().map(|&i| sub(i)).collect()
    }

    /// The same keys, each key's records ordered by `sub` (ascending) and, within one `sub`,
    /// in the order they had (time order), as `regrouped` (kept for the tests) orders them,
    /// from each listed record's `sub` in the list's order (`subs`, [`Self::listed_subs`]).
    /// The regrouped list is written over `subs` (memory: no copy of the list beside it at
    /// the report's peak).
    pub(in crate::context) fn regrouped_from(
        &self,
        mut subs: Vec<u32>,
        twinned: impl Fn(u32) -> bool,
    ) -> Self {
        debug_assert_eq!(subs.len(), self.list.len());
        // The `sub` of every SUB_STEP-th place of the regrouped list.
        let mut kept = vec![0u32; subs.len().div_ceil(SUB_STEP)];
        let mut distinct: Vec<u32> = Vec::with_capacity(FEW_SUBS + 1);
        // A key's (sub, record) as one number, as they were: 8 bytes a record of the key
        // (and as many again to sort by radix), the most the regrouping holds at once.
        let (mut packed, mut scratch): (Vec<u64>, Vec<u64>) = (Vec::new(), Vec::new());
        let sub_of = |o: u64| (o >> 32) as u32;
        for w in self.starts.windows(2) {
            let (from, to) = (w[0] as usize, w[1] as usize);
            let records = &self.list[from..to];
            if subs[from..to].is_sorted() {
                for p in (from.next_multiple_of(SUB_STEP)..to).step_by(SUB_STEP) {
                    kept[p / SUB_STEP] = subs[p];
                }
                subs[from..to].copy_from_slice(records);
                continue;
            }
            packed.clear();
            packed.extend(
                records
                    .iter()
                    .zip(&subs[from..to])
                    .map(|(&i, &v)| u64::from(v) << 32 | u64::from(i)),
            );
            let mut put = |p: usize, o: u64| {
                subs[p] = o as u32;
                if p.is_multiple_of(SUB_STEP) {
                    kept[p / SUB_STEP] = sub_of(o);
                }
            };
            distinct.clear();
            for &o in &packed {
                if !distinct.contains(&sub_of(o)) {
                    distinct.push(sub_of(o));
                    if distinct.len() > FEW_SUBS {
                        break;
                    }
                }
            }
            if distinct.len() <= FEW_SUBS {
                // Each sub's first place, its records then taken in the order they had.
                distinct.sort_unstable();
                let mut next = [0usize; FEW_SUBS];
                for &o in &packed {
                    next[distinct.partition_point(|&d| d < sub_of(o))] += 1;
                }
                let mut total = from;
                for n in next.iter_mut().take(distinct.len()) {
                    let c = *n;
                    *n = total;
                    total += c;
                }
                for &o in &packed {
                    let n = &mut next[distinct.partition_point(|&d| d < sub_of(o))];
                    put(*n, o);
                    *n += 1;
                }
            } else {
                sort_by_high_half(&mut packed, &mut scratch);
                for (p, &o) in (from..to).zip(&packed) {
                    put(p, o);
                }
            }
        }
        self.with_list(subs, twinned, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Keys of every kind, ids bunched (a few interned ids) or not, 0 (no key) among them.
    fn key() -> impl Strategy<Value = u32> {
        prop_oneof![
            Just(0u32),
            (0u32..4, 0u32..40).prop_map(|(kind, id)| kind << KIND_SHIFT | id),
            (0u32..4, 0u32..3000).prop_map(|(kind, id)| kind << KIND_SHIFT | id),
        ]
    }

    proptest! {
        /// Counting gives the lookup the sorting build gives: the same keys, each key's
        /// records in the given order, the same twinned records.
        #[test]
        fn counting_builds_the_lookup_the_sort_builds(
            entries in prop::collection::vec((key(), 0u32..6, any::<bool>()), 0..500),
            shuffle in any::<u64>(),
        ) {
            let n = entries.len() as u32;
            // Some order of the entries (as the order by time is), not their places.
            let mut order: Vec<u32> = (0..n).collect();
            order.sort_by_key(|&j| u64::from(j).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ shuffle);
            let key = |i: u32| Some(entries[i as usize].0).filter(|&k| k != 0);
            let twinned = |i: u32| entries[i as usize].2;
            let sub = |i: u32| entries[i as usize].1;
            let sorted = Lookup::build(&order, key, twinned);
            let dense = Dense::of(entries.iter().map(|e| e.0));
            let counted = Lookup::build_dense(&order, key, &dense, twinned);
            prop_assert_eq!(&counted.keys, &sorted.keys);
            prop_assert_eq!(&counted.starts, &sorted.starts);
            prop_assert_eq!(&counted.list, &sorted.list);
            prop_assert_eq!(&counted.twinned, &sorted.twinned);
            prop_assert_eq!(counted.listed_subs(sub), sorted.list.iter().map(|&i| sub(i)).collect::<Vec<_>>());
        }

        /// Regrouping from the subs as listed gives what regrouping by reading the records
        /// gives, for keys of one sub, of a few (counted) and of many (sorted), equal subs
        /// keeping their order.
        #[test]
        fn regrouping_from_listed_subs_is_regrouping_by_records(
            entries in prop::collection::vec(
                (0u32..5, prop_oneof![0u32..3, 0u32..30, Just(7u32)], any::<bool>()), 0..600),
        ) {
            let order: Vec<u32> = (0..entries.len() as u32).collect();
            let key = |i: u32| Some(entries[i as usize].0).filter(|&k| k != 4);
            let twinned = |i: u32| entries[i as usize].2;
            let sub = |i: u32| entries[i as usize].1;
            let lookup = Lookup::build(&order, key, twinned);
            let by_records = lookup.regrouped(sub, twinned);
            let from_listed = lookup.regrouped_from(lookup.listed_subs(sub), twinned);
            prop_assert_eq!(&from_listed.list, &by_records.list);
            prop_assert_eq!(&from_listed.twinned, &by_records.twinned);
            prop_assert_eq!(&from_listed.subs, &by_records.subs);
            prop_assert!(std::sync::Arc::ptr_eq(&from_listed.keys, &lookup.keys));
        }
    }

    proptest! {
        /// The radix sort is a stable sort by the high half: spread and bunched high halves.
        #[test]
        fn the_radix_sort_is_a_stable_sort_by_the_high_half(
            v in prop::collection::vec(prop_oneof![any::<u64>(), (0u64..4, 0u64..9).prop_map(|(h, l)| h << 32 | l)], 0..700),
        ) {
            let mut expected = v.clone();
            expected.sort_by_key(|&x| x >> 32);
            let (mut got, mut scratch) = (v, Vec::new());
            sort_by_high_half(&mut got, &mut scratch);
            prop_assert_eq!(got, expected);
        }
    }

    proptest! {
        /// Numbering the keys in a hash table gives the lookup the sorting build gives:
        /// keys bunched (many records a key, ties in time) or spread over all of u64.
        #[test]
        fn hashing_builds_the_lookup_the_sort_builds(
            entries in prop::collection::vec(
                (prop_oneof![0u64..5, 0u64..300, any::<u64>(), Just(u64::MAX)], any::<bool>()), 0..700),
            shuffle in any::<u64>(),
        ) {
            let mut order: Vec<u32> = (0..entries.len() as u32).collect();
            order.sort_by_key(|&j| u64::from(j).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ shuffle);
            let key = |i: u32| Some(entries[i as usize].0).filter(|&k| k != 0);
            let twinned = |i: u32| entries[i as usize].1;
            let sorted = Lookup::build(&order, key, twinned);
            let hashed = Lookup::build_hashed(&order, key, twinned);
            prop_assert_eq!(&hashed.keys, &sorted.keys);
            prop_assert_eq!(&hashed.starts, &sorted.starts);
            prop_assert_eq!(&hashed.list, &sorted.list);
            prop_assert_eq!(&hashed.twinned, &sorted.twinned);
        }
    }

    #[test]
    fn numbers_keep_the_keys_order_and_come_back_to_the_keys() {
        let keys = [
            0,
            5,
            1 << KIND_SHIFT | 2,
            3 << KIND_SHIFT,
            3 << KIND_SHIFT | 9,
        ];
        let dense = Dense::of(keys.into_iter());
        // Users 0..=5, applications 0..=2, none of kind 2, kind 3 0..=9.
        assert_eq!(dense.len(), 6 + 3 + 10);
        let numbers: Vec<usize> = keys.iter().map(|&k| dense.number(k)).collect();
        assert!(numbers.is_sorted() && numbers.iter().all(|&n| n < dense.len()));
        for k in keys {
            assert_eq!(dense.key(dense.number(k)), k);
        }
        assert_eq!(Dense::of(std::iter::empty()).len(), 0);
    }
}
