//! A table's items by key (split out of `table`): item numbers hashed and compared by the
//! items' own keys, so no second copy of every key is kept.

use std::hash::BuildHasher;

use super::items::ItemText;

/// The items by key, as a table of item numbers hashed and compared by the items' own keys.
/// Two items with one key: the later one is found (as a map's insert would keep it).
#[derive(Default, Clone)]
pub(super) struct KeyIndex {
    table: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl std::fmt::Debug for KeyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyIndex({} keys)", self.table.len())
    }
}

impl KeyIndex {
    pub(super) fn get(&self, items: &[ItemText], key: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |&i| items[i as usize].key == key)
            .map(|&i| i as usize)
    }

    /// Files item `i` (not yet in `items`) under `key`.
    pub(super) fn insert(&mut self, items: &[ItemText], key: &str, i: usize) {
        let Ok(n) = u32::try_from(i) else {
            return;
        };
        let Self { table, hasher } = self;
        let hash = hasher.hash_one(key);
        match table.find_mut(hash, |&j| items[j as usize].key == key) {
            Some(slot) => *slot = n,
            None => {
                table.insert_unique(hash, n, |&j| {
                    hasher.hash_one(items[j as usize].key.as_str())
                });
            }
        }
    }
}
