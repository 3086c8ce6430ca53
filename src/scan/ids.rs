//! The events by id, exact: a hash table of indexes into the events, hashed and compared by
//! the events' own ids (no copy of the id in the table). Where only the headless outputs are
//! made (`ScanReport::labels_only`), a flagged event's id (never printed) is kept as the 16
//! bytes of its GUID instead of a 36-character string, when it is a GUID in the canonical
//! lowercase form: that form and the 16 bytes map one to one, so two ids are never taken for
//! one (any other id is kept and compared as its text).

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::model::StsEvent;

/// A GUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lowercase hex, as its 16 bytes in
/// the order written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Guid([u8; 16]);

impl Guid {
    /// The GUID of `text` when it is exactly the canonical lowercase form (no braces, no
    /// uppercase: those are kept as text, so that the bytes give back the very string).
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 36 {
            return None;
        }
        let mut out = [0u8; 16];
        let mut nibbles = 0;
        for (i, &c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if c != b'-' {
                    return None;
                }
                continue;
            }
            let v = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                _ => return None,
            };
            out[nibbles / 2] |= if nibbles % 2 == 0 { v << 4 } else { v };
            nibbles += 1;
        }
        Some(Self(out))
    }
}

/// An id as the table hashes and compares it.
#[derive(PartialEq, Eq, Hash)]
enum Key<'a> {
    Guid(Guid),
    Text(&'a str),
}

impl<'a> Key<'a> {
    fn of(id: &'a str) -> Self {
        Guid::parse(id).map_or(Key::Text(id), Key::Guid)
    }
}

#[derive(Default, Clone)]
pub(super) struct EventIndex {
    table: HashTable<u32>,
    hasher: std::hash::RandomState,
    /// Per event (by index), its id as a GUID when the event's `id` was emptied for it.
    guids: Vec<Option<Guid>>,
}

impl std::fmt::Debug for EventIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EventIndex({} ids)", self.table.len())
    }
}

impl EventIndex {
    fn key<'e>(&self, events: &'e [StsEvent], i: usize) -> Key<'e> {
        match self.guids.get(i) {
            Some(Some(g)) => Key::Guid(*g),
            _ => Key::of(&events[i].id),
        }
    }

    /// The first event filed under `id`.
    pub(super) fn get(&self, events: &[StsEvent], id: &str) -> Option<usize> {
        let key = Key::of(id);
        let hash = self.hasher.hash_one(&key);
        self.table
            .find(hash, |&i| self.key(events, i as usize) == key)
            .map(|&i| i as usize)
    }

    /// Files `events[idx]` under its id.
    pub(super) fn insert(&mut self, events: &[StsEvent], idx: usize) {
        let Self {
            table,
            hasher,
            guids,
        } = self;
        let key_of = |i: usize| match guids.get(i) {
            Some(Some(g)) => Key::Guid(*g),
            _ => Key::of(&events[i].id),
        };
        let hash = hasher.hash_one(key_of(idx));
        let index = u32::try_from(idx).unwrap_or(u32::MAX);
        table.insert_unique(hash, index, |&i| hasher.hash_one(key_of(i as usize)));
    }

    /// Keeps the id of `event` (to be filed at `idx`) as its 16 bytes when it is a canonical
    /// GUID, and empties the event's `id`. The event's id is no longer readable from it.
    pub(super) fn compact(&mut self, event: &mut StsEvent, idx: usize) -> bool {
        let Some(g) = Guid::parse(&event.id) else {
            return false;
        };
        if self.guids.len() <= idx {
            self.guids.resize(idx + 1, None);
        }
        self.guids[idx] = Some(g);
        event.id = String::new();
        true
    }

    /// The id of `events[i]` as filed (the GUID written back when it was compacted).
    #[cfg(test)]
    fn id_of(&self, events: &[StsEvent], i: usize) -> String {
        match self.key(events, i) {
            Key::Text(t) => t.to_owned(),
            Key::Guid(Guid(b)) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                format!(
                    "{}-{}-{}-{}-{}",
                    &hex[0..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..32]
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_canonical_lowercase_form_is_a_guid() {
        let g = "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb4";
        assert!(Guid::parse(g).is_some());
        for other in [
            "DC5FB7D6-8E0E-35E7-BEF9-220E32A40BB4",
            "{dc5fb7d6-8e0e-35e7-bef9-220e32a40bb4}",
            "dc5fb7d68e0e35e7bef9220e32a40bb4",
            "dc5fb7d6-8e0e-35e7-bef9-220e32a40bbg",
            "dc5fb7d6_8e0e-35e7-bef9-220e32a40bb4",
            "",
        ] {
            assert!(Guid::parse(other).is_none(), "{other}");
        }
        assert_ne!(
            Guid::parse(g),
            Guid::parse("dc5fb7d6-8e0e-35e7-bef9-220e32a40bb5")
        );
    }

    fn event(id: &str) -> StsEvent {
        let file: std::sync::Arc<str> = "f.jsonl".into();
        let origin = crate::load::record::Origin {
            file: &file,
            line: 1,
            raw: "{}",
        };
        let head = crate::load::record::EventHead {
            id: id.to_owned(),
            kind: crate::model::SourceKind::UnifiedAuditLog,
            time: None,
            operation: String::new(),
            actor: String::new(),
        };
        let outcome = crate::model::Outcome::Flagged(Vec::new().into());
        match crate::load::record::sts_event(head, Default::default(), outcome, &origin) {
            crate::load::record::Classified::Sts(e) => *e,
            _ => unreachable!("sts_event makes an STS event"),
        }
    }

    #[test]
    fn compacted_and_textual_ids_are_found_exactly() {
        let ids = [
            "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb4",
            "DC5FB7D6-8E0E-35E7-BEF9-220E32A40BB4",
            "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb5",
            "not-a-guid",
            "00000000-0000-0000-0000-000000000000",
        ];
        let mut index = EventIndex::default();
        let mut events = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let mut e = event(id);
            // Every other event keeps its id as text, as the workbench's do.
            let compacted = i % 2 == 0 && index.compact(&mut e, i);
            assert_eq!(compacted, i % 2 == 0 && Guid::parse(id).is_some());
            assert_eq!(e.id.is_empty(), compacted);
            events.push(e);
            index.insert(&events, i);
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.get(&events, id), Some(i), "{id}");
            assert_eq!(index.id_of(&events, i), *id);
        }
        assert_eq!(
            index.get(&events, "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb6"),
            None
        );
        assert_eq!(
            index.get(&events, "Dc5fb7d6-8e0e-35e7-bef9-220e32a40bb4"),
            None
        );
    }
}
