//! How an STS event relates to the records around it: the relation rules, apart from how
//! the index is built and stored (`index.rs`).
//!
//! A record is related to an STS event by
//! - the same correlation id (UAL `InterSystemsId`, AuditLogs `CorrelationId`);
//! - the same target within [`ContextOptions::target_window_secs`]: a record whose target is
//!   the event's target, or whose actor is (the target's own sign-ins and changes: a sign-in
//!   record names the user as its actor and has no target). UPNs and object ids are compared
//!   with ASCII case ignored, as the index keeps them;
//! - the same actor within [`ContextOptions::actor_window_secs`].
//!
//! A record found identical at several places (every kept field the same, to the second) is
//! one related record with its `repeats` counted: the index keeps no record id, and the
//! analyst could not tell such records apart anyway.
//!
//! Copies of the event itself — the same event id read again (`StsEvent::duplicates`: the
//! same export loaded twice, a `.gz` beside its file, a CloudAppEvents row and the UAL
//! record it carries) — are never related records: [`ContextIndex::copies`] lists them apart,
//! and no hint counts them.

use super::ContextOptions;
use super::index::{ContextIndex, TICKS_PER_SEC};
use crate::model::StsEvent;

/// Why a record is related to an STS event (any of them may hold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Why {
    pub correlation: bool,
    /// The record's target is the event's target, or its actor is.
    pub target: bool,
    pub actor: bool,
}

impl Why {
    /// `same correlation, same target`.
    pub fn label(self) -> String {
        let mut parts = Vec::new();
        if self.correlation {
            parts.push("same correlation");
        }
        if self.target {
            parts.push("same target");
        }
        if self.actor {
            parts.push("same actor");
        }
        parts.join(", ")
    }
}

/// A record related to an STS event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Related {
    /// Index into [`ContextIndex::entries`].
    pub entry: usize,
    pub why: Why,
    /// The record's time minus the event's, in whole seconds as the two times read
    /// ([`offset_secs`]; None when either is unknown).
    pub offset_secs: Option<i64>,
    /// Further records identical to this one in every kept field (second, operation, actor,
    /// target, IP address, result, correlation) read at other places: the same record in
    /// several exports (a `.gz` beside its file, a CloudAppEvents row and its UAL record).
    /// Listed once, counted once.
    pub repeats: u32,
}

/// A record's time (ticks, `i64::MIN` unknown) minus an event's, in whole seconds as the two
/// times read to the second: a reset at `09:00:04` is 1 s before an event at `09:00:05.555`,
/// and a copy of the event written without the fraction is at the same second.
pub fn offset_secs(record: i64, event: i64) -> Option<i64> {
    (record != i64::MIN && event != i64::MIN)
        .then(|| record.div_euclid(TICKS_PER_SEC) - event.div_euclid(TICKS_PER_SEC))
}

impl ContextIndex {
    /// The records related to an STS event, oldest first; the event's own record and its
    /// copies ([`Self::copies`]) left out.
    pub fn related(&self, event: &StsEvent, opts: &ContextOptions) -> Vec<Related> {
        let time = event.time.as_ref().map_or(i64::MIN, crate::kql::ticks);
        let mut skip = self.copies(event);
        skip.extend(self.entry_of(event));
        skip.sort_unstable();
        let mut found = self.candidates(event, time, opts);
        found.retain(|(i, _)| skip.binary_search(&(*i as usize)).is_err());
        self.merge(found, time)
    }

    /// The entries of the event's other copies (the same event id read at other places), in
    /// place order.
    pub fn copies(&self, event: &StsEvent) -> Vec<usize> {
        let own = self.entry_of(event);
        let mut out: Vec<usize> = event
            .duplicates
            .iter()
            .flat_map(|d| d.iter())
            .filter_map(|at| self.entry_at(at, event))
            .filter(|&i| Some(i) != own)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// (entry, why) pairs, each entry as often as a relation finds it.
    fn candidates(&self, event: &StsEvent, time: i64, opts: &ContextOptions) -> Vec<(u32, Why)> {
        let p = &event.parties;
        let why = |correlation, target, actor| Why {
            correlation,
            target,
            actor,
        };
        let mut found: Vec<(u32, Why)> = self
            .by_correlation_hash(event.correlation)
            .iter()
            .map(|&i| (i, why(true, false, false)))
            .collect();
        for t in [&p.target, &p.target_id] {
            let w = opts.target_window_secs;
            let near = self.by_target_within(t, time, w);
            found.extend(near.iter().map(|&i| (i, why(false, true, false))));
            // The target acting: its own sign-ins and changes (no target field of theirs).
            let acting = self.by_actor_within(t, time, w);
            found.extend(acting.iter().map(|&i| (i, why(false, true, false))));
        }
        for a in [&p.actor, &p.actor_id] {
            let near = self.by_actor_within(a, time, opts.actor_window_secs);
            found.extend(near.iter().map(|&i| (i, why(false, false, true))));
        }
        found
    }

    /// One [`Related`] per entry, its reasons merged, oldest first (no map per event: a sort).
    fn merge(&self, mut found: Vec<(u32, Why)>, time: i64) -> Vec<Related> {
        found.sort_unstable_by_key(|&(i, _)| i);
        let mut out: Vec<Related> = Vec::with_capacity(found.len());
        for (i, w) in found {
            match out.last_mut() {
                Some(last) if last.entry == i as usize => {
                    last.why.correlation |= w.correlation;
                    last.why.target |= w.target;
                    last.why.actor |= w.actor;
                }
                _ => out.push(Related {
                    entry: i as usize,
                    why: w,
                    offset_secs: offset_secs(self.entries[i as usize].time, time),
                    repeats: 0,
                }),
            }
        }
        out.sort_by_key(|r| (self.entries[r.entry].time, r.entry));
        self.fold_repeats(out)
    }

    /// Records identical in every kept field (see [`Related::repeats`]) folded into the first
    /// (in time, then place order), their reasons merged.
    fn fold_repeats(&self, related: Vec<Related>) -> Vec<Related> {
        let key = |r: &Related| {
            let e = &self.entries[r.entry];
            let second = if e.time == i64::MIN {
                i64::MIN
            } else {
                e.time.div_euclid(TICKS_PER_SEC)
            };
            (
                second,
                e.operation,
                e.actor,
                e.target,
                e.ip,
                e.result,
                e.correlation,
            )
        };
        // The index's fast hash, not SipHash: a busy target's day can relate thousands of
        // records to each of its events, and this map is built once per event.
        let mut first: std::collections::HashMap<_, usize, super::index::FxBuild> =
            std::collections::HashMap::with_capacity_and_hasher(related.len(), Default::default());
        let mut out: Vec<Related> = Vec::with_capacity(related.len());
        for r in related {
            match first.entry(key(&r)) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    let kept = &mut out[*at.get()];
                    kept.repeats += 1;
                    kept.why.correlation |= r.why.correlation;
                    kept.why.target |= r.why.target;
                    kept.why.actor |= r.why.actor;
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(out.len());
                    out.push(r);
                }
            }
        }
        out
    }
}
