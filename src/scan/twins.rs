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
use crate::model::{EventParties, copies};

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

/// What twins share: the second, the target and the actor labels. The target is compared
/// by object id too ([`crate::model::copies::same_target`]): an event that names its target
/// by UPN and object id is filed under both ([`TwinKey::id_hash_in`]), so that the Entra
/// copy naming it by the id alone, filed under the id, is found from either side.
#[derive(Clone, Copy)]
pub(super) struct TwinKey<'a> {
    secs: i64,
    /// The target as shown: its UPN, else its object id (without `User_`).
    target: &'a str,
    /// The target's object id (without `User_`) where the target has a UPN too, else "";
    /// "" too where not known (a lean event keeps its label alone).
    target_id: &'a str,
    actor: &'a str,
}

impl<'a> TwinKey<'a> {
    /// None for an event with no time, target or actor: nobody's twin.
    pub(super) fn of(time: Option<KqlDateTime>, parties: &'a EventParties) -> Option<Self> {
        let id = copies::target_object_id(parties);
        let (target, target_id) = if parties.target.is_empty() {
            (id, "")
        } else {
            (&*parties.target, id)
        };
        Self::of_labels(time, target, target_id, parties.actor_label())
    }

    /// From the labels alone (a lean event's): the target as shown, its object id ("":
    /// none or not known), the actor as shown.
    pub(super) fn of_labels(
        time: Option<KqlDateTime>,
        target: &'a str,
        target_id: &'a str,
        actor: &'a str,
    ) -> Option<Self> {
        let t = time?;
        let target = target.strip_prefix("User_").unwrap_or(target);
        (!target.is_empty() && !actor.is_empty()).then_some(Self {
            secs: t.timestamp(),
            target,
            target_id,
            actor,
        })
    }

    /// Whether `known` (a filed event's key) may be the same change as `self`: the same
    /// second and actor, and a target that may be one (the same label, or the same object
    /// id as far as the keys know it; the copy rule then compares the targets whole, or
    /// by the hash of a lean event's object id).
    fn same(&self, known: &TwinKey) -> bool {
        let eq = |a: &str, b: &str| !a.is_empty() && a.eq_ignore_ascii_case(b);
        self.secs == known.secs
            && self.actor.eq_ignore_ascii_case(known.actor)
            && (eq(self.target, known.target)
                || eq(self.target_id, known.target)
                || eq(self.target, known.target_id)
                || eq(self.target_id, known.target_id)
                || (self.target_id.is_empty() && known.target_id.is_empty()))
    }

    /// The key's hash in `index` (see [`TwinHash`]).
    pub(super) fn hash_in(&self, index: &TwinIndex) -> TwinHash {
        Self::hash_of(index, self.secs, self.target, self.actor)
    }

    /// The hash of the key by the target's object id, for an event whose target has a UPN
    /// and an id (None otherwise: its [`Self::hash_in`] is by the id already, or it has
    /// none): what the Entra copy naming the target by the id alone is filed under.
    pub(super) fn id_hash_in(&self, index: &TwinIndex) -> Option<TwinHash> {
        (!self.target_id.is_empty())
            .then(|| Self::hash_of(index, self.secs, self.target_id, self.actor))
    }

    fn hash_of(index: &TwinIndex, secs: i64, target: &str, actor: &str) -> TwinHash {
        let h = index.hasher.hash_one((secs, Folded(target), Folded(actor)));
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
            let key = TwinKey::of(e.time, &e.parties)?;
            Some((key, &e.source.file))
        }
        (None, EventRef::Lean(j)) => {
            let l = events.lean.labels(j);
            Some((
                TwinKey::of_labels(l.time, l.target, "", l.actor)?,
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

    /// An event filed with `key` (whose hash is `hash`), read from another file than
    /// `file`, that `same` says the record is a copy of: among several, the first in
    /// [`Events::order`].
    pub(super) fn find(
        &self,
        events: &Events,
        key: TwinKey,
        hash: TwinHash,
        file: &str,
        mut same: impl FnMut(EventRef) -> bool,
    ) -> Option<EventRef> {
        self.table
            .iter_hash(hash.table())
            .filter(|&&(h, _)| h == hash.0)
            .map(|&(_, r)| EventRef::unpack(r))
            .filter(|&r| {
                key_at(events, r).is_some_and(|(k, f)| key.same(&k) && f != file) && same(r)
            })
            .fold(None, |first, r| Some(events.earlier(first, r)))
    }
}
