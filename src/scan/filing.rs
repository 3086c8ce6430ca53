//! Filing an STS event in the scan's two indexes (`scan::ids`: by id; `scan::twins`: the
//! same change under another export's id): each record's two hashes are made once, given to
//! the lookups and then to the inserts.

use super::ScanReport;
use super::ids::{EventIndex, Events};
use super::lean::EventRef;
use super::twins::{TwinHash, TwinIndex, TwinKey, key_at};
use crate::model::StsEvent;

/// A record's hashes in the event index and the twin index ([`ScanReport::hashes`]).
pub(super) struct Hashes {
    pub id: u64,
    pub twin: Option<TwinHash>,
}

impl Hashes {
    /// Files event `r` under its id and its twin key.
    pub fn file(
        &self,
        ids: &mut EventIndex,
        twin_index: &mut TwinIndex,
        events: &Events,
        r: EventRef,
    ) {
        ids.insert(events, r, self.id);
        if let Some(h) = self.twin {
            twin_index.insert(r, h);
        }
    }
}

/// An event's twin key (`scan::twins`), if it has one.
fn twin_key(event: &StsEvent) -> Option<TwinKey<'_>> {
    TwinKey::of(
        event.time,
        event.parties.target_label(),
        event.parties.actor_label(),
    )
}

impl ScanReport {
    /// An event's hashes in the two indexes, made once per record.
    pub(super) fn hashes(&self, event: &StsEvent) -> Hashes {
        Hashes {
            id: self.event_index.hash(&event.id),
            twin: twin_key(event).map(|k| k.hash_in(&self.twin_index)),
        }
    }

    /// The event read earlier that `event`, under another id, is the same change of: its
    /// twin (`scan::twins`) with the content of a copy. `hash` is its key's.
    pub(super) fn twin_of(&self, event: &StsEvent, hash: Option<TwinHash>) -> Option<EventRef> {
        let key = twin_key(event)?;
        let events = Events {
            whole: &self.events,
            lean: &self.lean,
        };
        self.twin_index.find(
            &events,
            key,
            hash?,
            (&event.source.file, event.kind.rank()),
            |r| self.same_content(r, event),
        )
    }

    /// The twin key's hash of event `r` as it is now.
    pub(super) fn twin_hash_at(&self, r: EventRef) -> Option<TwinHash> {
        let events = Events {
            whole: &self.events,
            lean: &self.lean,
        };
        key_at(&events, r).map(|(k, _)| k.hash_in(&self.twin_index))
    }

    /// Event `r`'s record was replaced by another copy (its canonical record, or a whole
    /// copy of a damaged one) whose labels may be written otherwise: when its twin key's
    /// hash is no longer `before`, it is filed under the new one too, so that a later twin
    /// of the record that stands for it is found.
    pub(super) fn refile_twin(&mut self, r: EventRef, before: Option<TwinHash>) {
        let now = self.twin_hash_at(r);
        if let Some(now) = now
            && Some(now) != before
        {
            self.twin_index.insert(r, now);
        }
    }
}
