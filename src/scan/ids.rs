//! The events by id, exact: a hash table of 4-byte event references, hashed and compared by
//! the events' own ids (no copy of the id in the table). A lean event of the headless
//! commands (`scan::lean`) keeps its id as the 16 bytes of its GUID when it is a GUID in the
//! canonical lowercase form: that form and the 16 bytes map one to one, so two ids are never
//! taken for one (any other id is kept and compared as its text).

use std::hash::BuildHasher;

use super::lean::{EventRef, LeanEvents};
use super::sharded::ShardedTable;
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

impl Guid {
    pub(crate) fn bytes(self) -> [u8; 16] {
        self.0
    }
    pub(crate) fn from_bytes(b: [u8; 16]) -> Self {
        Self(b)
    }
    /// The canonical lowercase text (what [`Guid::parse`] read).
    pub(crate) fn text(self) -> String {
        let hex: String = self.0.iter().map(|x| format!("{x:02x}")).collect();
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

/// The events an id is looked up among: those kept whole and the lean ones.
pub(super) struct Events<'a> {
    pub whole: &'a [StsEvent],
    pub lean: &'a LeanEvents,
}

impl<'a> Events<'a> {
    /// Where event `r` was first read (its canonical record's file and line), then its
    /// reference: the order in which the events sharing an id, or a twin key, are compared
    /// with a record, so that which one a record is a copy of (or named beside, `same id,
    /// different content`) does not depend on the hash table's order (the process's random
    /// hash seed).
    pub(super) fn order(&self, r: EventRef) -> (std::sync::Arc<str>, u64, u32) {
        let whole = match r {
            EventRef::Whole(i) => Some(i),
            EventRef::Lean(j) => self.lean.promoted(j),
        };
        let place = match (whole, r) {
            (Some(i), _) => self.whole[i].source.clone(),
            (None, EventRef::Lean(j)) => self.lean.canonical(j).1,
            (None, EventRef::Whole(_)) => crate::model::SourceRef {
                file: "".into(),
                line: 0,
            },
        };
        (place.file, place.line, r.pack())
    }

    /// The earlier of two events in [`Events::order`].
    pub(super) fn earlier(&self, a: Option<EventRef>, b: EventRef) -> EventRef {
        match a {
            Some(a) if self.order(a) <= self.order(b) => a,
            _ => b,
        }
    }

    fn key(&self, r: u32) -> Key<'a> {
        match EventRef::unpack(r) {
            EventRef::Whole(i) => Key::of(&self.whole[i].id),
            EventRef::Lean(j) => match self.lean.id(j) {
                Ok(g) => Key::Guid(g),
                Err(t) => Key::Text(t),
            },
        }
    }
}

#[derive(Default, Clone)]
pub(super) struct EventIndex {
    /// Packed [`EventRef`]s.
    table: ShardedTable<u32>,
    hasher: std::hash::RandomState,
}

impl std::fmt::Debug for EventIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EventIndex({} ids)", self.table.len())
    }
}

/// What the events filed under an id say of another record of that id.
pub(super) enum Found {
    /// None is filed under it.
    None,
    /// This one has the record's content (`same` said so): the record is a copy of it.
    Copy(EventRef),
    /// Some are, none with the record's content (this one among them): another event.
    Other(EventRef),
}

impl EventIndex {
    /// The hash of `id` in this index, made once per record ([`EventIndex::find`] and
    /// [`EventIndex::insert`] take it).
    pub(super) fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(Key::of(id))
    }

    /// The event filed under `id` (whose [`EventIndex::hash`] is `hash`) that `same` says
    /// the record is a copy of, else one of the others filed under it, if any (several
    /// events may share an id: records of one id whose content differs are each an event);
    /// among several, the first in [`Events::order`].
    pub(super) fn find(
        &self,
        events: &Events,
        id: &str,
        hash: u64,
        mut same: impl FnMut(EventRef) -> bool,
    ) -> Found {
        let key = Key::of(id);
        let (mut copy, mut other) = (None, None);
        for &r in self.table.iter_hash(hash) {
            if events.key(r) != key {
                continue;
            }
            let r = EventRef::unpack(r);
            if same(r) {
                copy = Some(events.earlier(copy, r));
            } else if copy.is_none() {
                other = Some(events.earlier(other, r));
            }
        }
        match (copy, other) {
            (Some(r), _) => Found::Copy(r),
            (None, Some(r)) => Found::Other(r),
            (None, None) => Found::None,
        }
    }

    /// Every event filed under `id`, in [`Events::order`] (not the table's, which follows
    /// the run's random hash seed: the workbench remakes their rows in this order).
    pub(super) fn all(&self, events: &Events, id: &str) -> Vec<EventRef> {
        let key = Key::of(id);
        let hash = self.hasher.hash_one(&key);
        let mut all: Vec<EventRef> = self
            .table
            .iter_hash(hash)
            .filter(|&&r| events.key(r) == key)
            .map(|&r| EventRef::unpack(r))
            .collect();
        all.sort_by_cached_key(|&r| events.order(r));
        all
    }

    /// The first event filed under `id`.
    #[cfg(test)]
    pub(super) fn get(&self, events: &Events, id: &str) -> Option<EventRef> {
        let key = Key::of(id);
        let hash = self.hasher.hash_one(&key);
        self.table
            .find(hash, |&r| events.key(r) == key)
            .map(|&r| EventRef::unpack(r))
    }

    /// Files `r` under its id, whose [`EventIndex::hash`] is `hash`.
    pub(super) fn insert(&mut self, events: &Events, r: EventRef, hash: u64) {
        let Self { table, hasher } = self;
        table.insert_unique(hash, r.pack(), |&x| hasher.hash_one(events.key(x)));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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

    fn event(id: &str, line: u64) -> StsEvent {
        let file: std::sync::Arc<str> = "f.jsonl".into();
        let origin = crate::load::record::Origin {
            file: &file,
            line,
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
    fn lean_and_whole_ids_are_found_exactly() {
        let ids = [
            "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb4",
            "DC5FB7D6-8E0E-35E7-BEF9-220E32A40BB4",
            "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb5",
            "not-a-guid",
            "00000000-0000-0000-0000-000000000000",
            "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb6",
        ];
        let mut index = EventIndex::default();
        let mut whole = Vec::new();
        let mut lean = LeanEvents::default();
        assert!(lean.accepts(false));
        let mut refs = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let e = event(id, i as u64 + 1);
            // Every other event is lean, as the headless commands keep most flagged events.
            let r = if i % 2 == 0 {
                let j = lean.push(&e, Some(0), i as u32, false).unwrap();
                EventRef::Lean(j)
            } else {
                whole.push(e);
                EventRef::Whole(whole.len() - 1)
            };
            refs.push(r);
            let events = Events {
                whole: &whole,
                lean: &lean,
            };
            let hash = index.hash(id);
            index.insert(&events, r, hash);
        }
        let events = Events {
            whole: &whole,
            lean: &lean,
        };
        for (id, r) in ids.iter().zip(&refs) {
            assert_eq!(index.get(&events, id), Some(*r), "{id}");
            if let EventRef::Lean(j) = r {
                let back = match lean.id(*j) {
                    Ok(g) => g.text(),
                    Err(t) => t.to_owned(),
                };
                assert_eq!(back, *id);
            }
        }
        assert_eq!(
            index.get(&events, "dc5fb7d6-8e0e-35e7-bef9-220e32a40bb7"),
            None
        );
        assert_eq!(
            index.get(&events, "Dc5fb7d6-8e0e-35e7-bef9-220e32a40bb4"),
            None
        );
    }
}
