//! One change under two ids: an Entra audit record (AuditLogs, Graph directoryAudits) has
//! an id of its own beside the UAL record and the CloudAppEvents row of the same change.
//! The context index calls such records twins (`context::twins`): the same second, actor
//! and target in another file. The scan uses that rule for STS events too, with the copy
//! rule of same-id records (`ScanReport::same_content`: time, StsRefreshTokensValidFrom
//! values, IP where both have one), so that one change is one event and gives one row, and
//! the context panel's copies of an event are the scan's.

use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::HashTable;

use super::ids::Events;
use super::lean::EventRef;
use crate::kql::KqlDateTime;

/// A label hashed with ASCII case ignored (a UPN is written in either case by the exports).
struct Folded<'a>(&'a str);

impl Hash for Folded<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

/// What twins share: the second, the target and the actor labels.
#[derive(Clone, Copy)]
pub(super) struct TwinKey<'a> {
    secs: i64,
    target: &'a str,
    actor: &'a str,
}

impl<'a> TwinKey<'a> {
    /// None for an event with no time, target or actor: nobody's twin.
    pub(super) fn of(time: Option<KqlDateTime>, target: &'a str, actor: &'a str) -> Option<Self> {
        let t = time?;
        (!target.is_empty() && !actor.is_empty()).then_some(Self {
            secs: t.timestamp(),
            target,
            actor,
        })
    }

    fn same(&self, other: &TwinKey) -> bool {
        self.secs == other.secs
            && self.target.eq_ignore_ascii_case(other.target)
            && self.actor.eq_ignore_ascii_case(other.actor)
    }

    fn hash_with(&self, hasher: &impl BuildHasher) -> u64 {
        hasher.hash_one((self.secs, Folded(self.target), Folded(self.actor)))
    }
}

/// STS events by their twin key: 4-byte references, compared through the events' labels.
#[derive(Default, Clone)]
pub(super) struct TwinIndex {
    table: HashTable<u32>,
    hasher: std::hash::RandomState,
}

impl std::fmt::Debug for TwinIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TwinIndex({} events)", self.table.len())
    }
}

/// The twin key and the first file of an event.
fn key_at<'a>(events: &Events<'a>, r: EventRef) -> Option<(TwinKey<'a>, &'a str)> {
    let whole = match r {
        EventRef::Whole(i) => Some(i),
        EventRef::Lean(j) => events.lean.promoted(j),
    };
    match (whole, r) {
        (Some(i), _) => {
            let e = &events.whole[i];
            let key = TwinKey::of(e.time, e.parties.target_label(), e.parties.actor_label())?;
            Some((key, &e.source.file))
        }
        (None, EventRef::Lean(j)) => {
            let l = events.lean.labels(j);
            Some((
                TwinKey::of(l.time, l.target, l.actor)?,
                events.lean.file_of(j),
            ))
        }
        (None, EventRef::Whole(_)) => None,
    }
}

impl TwinIndex {
    /// Files event `r` under its twin key (an event without one is not filed).
    pub(super) fn insert(&mut self, events: &Events, r: EventRef) {
        let Some((key, _)) = key_at(events, r) else {
            return;
        };
        let Self { table, hasher } = self;
        let hash = key.hash_with(hasher);
        table.insert_unique(hash, r.pack(), |&x| {
            key_at(events, EventRef::unpack(x)).map_or(0, |(k, _)| k.hash_with(hasher))
        });
    }

    /// An event filed with `key`, read from another file than `file`, that `same` says the
    /// record is a copy of.
    pub(super) fn find(
        &self,
        events: &Events,
        key: TwinKey,
        file: &str,
        mut same: impl FnMut(EventRef) -> bool,
    ) -> Option<EventRef> {
        let hash = key.hash_with(&self.hasher);
        self.table
            .iter_hash(hash)
            .map(|&r| EventRef::unpack(r))
            .find(|&r| key_at(events, r).is_some_and(|(k, f)| k.same(&key) && f != file) && same(r))
    }
}
