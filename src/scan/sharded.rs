//! A hash table of 4-byte event references that grows a little at a time: split into
//! [`SHARDS`] tables by bits of the hash, so that a growth rehashes one shard (a 256th of
//! the events), never every event at once.
//!
//! Why: the scan's id and twin tables hold every STS event, and the workbench applies events
//! on its screen thread; one table doubling at 1,000,000 events rehashed all of them in one
//! event's `ScanReport::apply` (each hash read from the event's id or labels): single
//! frames of 0.3-1.6 s that doubled with the input. Shards fill evenly and cross their
//! growth points at different events, so the same total work comes in slices of
//! milliseconds. Lookups cost one more index.

use hashbrown::HashTable;

/// How many tables (a power of two).
const SHARDS: usize = 256;

/// The shard of a hash: bits 48-55, which hashbrown uses for neither the bucket (the low
/// bits) nor the control byte (the top seven), so each shard's table still spreads its
/// entries by the full hash.
fn shard(hash: u64) -> usize {
    // Masked to SHARDS - 1 first: the cast keeps every bit.
    ((hash >> 48) as usize) & (SHARDS - 1)
}

/// Entries hashed by the caller: packed references (the table keeps no key: the hasher
/// reads it from the event each reference points to), or references beside their key's
/// hash (growing then hashes nothing).
#[derive(Clone)]
pub(super) struct ShardedTable<T> {
    shards: Vec<HashTable<T>>,
    len: usize,
}

impl<T> Default for ShardedTable<T> {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
            len: 0,
        }
    }
}

impl<T> ShardedTable<T> {
    /// References filed under `hash` (others may share it: the caller compares).
    pub(super) fn iter_hash(&self, hash: u64) -> impl Iterator<Item = &T> {
        self.shards[shard(hash)].iter_hash(hash)
    }

    /// The first reference filed under `hash` that `eq` accepts.
    #[cfg(test)]
    pub(super) fn find(&self, hash: u64, eq: impl FnMut(&T) -> bool) -> Option<&T> {
        self.shards[shard(hash)].find(hash, eq)
    }

    /// Files `value` under `hash`; `hasher` gives the hash of a filed reference when its
    /// shard grows (the same function that gave `hash`).
    pub(super) fn insert_unique(&mut self, hash: u64, value: T, hasher: impl Fn(&T) -> u64) {
        self.shards[shard(hash)].insert_unique(hash, value, hasher);
        self.len += 1;
    }

    /// References filed.
    pub(super) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A spreading hash of a number (as the tables' SipHash spreads ids).
    fn hash(x: u32) -> u64 {
        u64::from(x)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17)
    }

    #[test]
    fn every_reference_is_found_under_its_hash_as_the_shards_grow() {
        let mut t = ShardedTable::default();
        for x in 0..100_000u32 {
            t.insert_unique(hash(x), x, |&y| hash(y));
        }
        assert_eq!(t.len(), 100_000);
        for x in (0..100_000u32).step_by(7) {
            assert_eq!(t.iter_hash(hash(x)).filter(|&&y| y == x).count(), 1, "{x}");
            assert_eq!(t.find(hash(x), |&y| y == x), Some(&x));
        }
        assert_eq!(t.find(hash(100_001), |&y| y == 100_001), None);
        // The entries are spread over the shards, none holding more than a few times its share.
        let most = t.shards.iter().map(HashTable::len).max().unwrap();
        assert!(most < 3 * 100_000 / SHARDS, "{most}");
    }
}
