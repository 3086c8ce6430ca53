//! One change under two ids: an Entra audit record (AuditLogs, Graph directoryAudits) has
//! an id of its own beside the UAL record and the CloudAppEvents row of the same change.
//! The context index calls such records twins (`context::twins`): the same second, actor
//! and target in another file. The scan uses that rule for STS events too, with the copy
//! rule of same-id records (`ScanReport::same_content`: time, StsRefreshTokensValidFrom
//! values, IP where both have one), so that one change is one event and gives one row, and
//! the context panel's copies of an event are the scan's.

use std::hash::{BuildHasher, Hash, Hasher};

use super::ids::Events;
use super::lean::EventRef;
use super::sharded::ShardedTable;
use crate::kql::KqlDateTime;

/// A label hashed with ASCII case ignored (a UPN is written in either case by the exports),
/// folded a stretch at a time: SipHash takes a slice far faster than byte by byte.
struct Folded<'a>(&'a str);

impl Hash for Folded<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut buf = [0u8; 64];
        for chunk in self.0.as_bytes().chunks(buf.len()) {
            let out = &mut buf[..chunk.len()];
            out.copy_from_slice(chunk);
            out.make_ascii_lowercase();
            state.write(out);
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

    /// The key's hash in `index` (see [`TwinHash`]).
    pub(super) fn hash_in(&self, index: &TwinIndex) -> TwinHash {
        let h = index
            .hasher
            .hash_one((self.secs, Folded(self.target), Folded(self.actor)));
        TwinHash((h >> 32) as u32)
    }
}

/// A twin key's hash, made once per record: the table keeps it beside each reference, so
/// that growing the table never hashes a label again and a lookup compares labels only
/// where the hashes agree. 32 bits are enough to place an entry (the table's 64-bit hash is
/// these twice: hashbrown takes the bucket from the low bits, the tag from the high ones).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct TwinHash(u32);

impl TwinHash {
    fn table(self) -> u64 {
        let h = u64::from(self.0);
        h << 32 | h
    }
}

/// STS events by their twin key: 4-byte references, each with its key's [`TwinHash`],
/// compared through the events' labels.
#[derive(Default, Clone)]
pub(super) struct TwinIndex {
    /// (the key's hash, the packed [`EventRef`]).
    table: ShardedTable<(u32, u32)>,
    hasher: std::hash::RandomState,
}

impl std::fmt::Debug for TwinIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TwinIndex({} events)", self.table.len())
    }
}

/// The twin key and the first file of an event.
pub(super) fn key_at<'a>(events: &Events<'a>, r: EventRef) -> Option<(TwinKey<'a>, &'a str)> {
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
    /// Files event `r` under `hash`, its twin key's (an event without a key is not filed).
    pub(super) fn insert(&mut self, r: EventRef, hash: TwinHash) {
        self.table
            .insert_unique(hash.table(), (hash.0, r.pack()), |&(h, _)| {
                TwinHash(h).table()
            });
    }

    /// An event filed with `key` (whose hash is `hash`), read from another export than the
    /// record's (`file`, whose export shape has `rank`: [`SourceKind::rank`]), that `same`
    /// says the record is a copy of: among several, the first in [`Events::order`].
    ///
    /// Another export: another file, or in one file another export shape. An export holds
    /// each record once (two alike in one export are two records), but exports of several
    /// tables joined in one file (`cat portal.csv entra.csv`, breaker16 #3) hold one change
    /// once in each, as the files given apart do.
    ///
    /// [`SourceKind::rank`]: crate::model::SourceKind::rank
    pub(super) fn find(
        &self,
        events: &Events,
        key: TwinKey,
        hash: TwinHash,
        (file, rank): (&str, u8),
        mut same: impl FnMut(EventRef) -> bool,
    ) -> Option<EventRef> {
        let other_export = |r: EventRef, f: &str| f != file || rank_at(events, r) != Some(rank);
        self.table
            .iter_hash(hash.table())
            .filter(|&&(h, _)| h == hash.0)
            .map(|&(_, r)| EventRef::unpack(r))
            .filter(|&r| {
                key_at(events, r).is_some_and(|(k, f)| k.same(&key) && other_export(r, f))
                    && same(r)
            })
            .fold(None, |first, r| Some(events.earlier(first, r)))
    }
}

/// The export shape's rank ([`crate::model::SourceKind::rank`]) of event `r`'s record (its
/// canonical copy's), as [`key_at`] takes its file.
fn rank_at(events: &Events, r: EventRef) -> Option<u8> {
    let whole = match r {
        EventRef::Whole(i) => Some(i),
        EventRef::Lean(j) => events.lean.promoted(j),
    };
    match (whole, r) {
        (Some(i), _) => events.whole.get(i).map(|e| e.kind.rank()),
        (None, EventRef::Lean(j)) => Some(events.lean.canonical(j).0),
        (None, EventRef::Whole(_)) => None,
    }
}
