//! How the index's lookups are made ([`ContextIndex::prepare`]), in three steps so that a
//! caller can run other work on the second core while the lookups are made (split out of
//! `index`): after a headless report's scan that core is idle, and the hint tables read
//! only what the first step leaves ready (BENCHMARKS.md, issue 12, fifteenth round).

use std::collections::HashMap;

use super::actors::Principals;
use super::{ContextIndex, FxBuild, Lookup};
use crate::context::twins::{Twins, fold_operation};

/// The lookups [`ContextIndex::prepare_lookups`] made from the index as it was read, for
/// [`ContextIndex::prepare_finish`] to put in.
#[derive(Debug)]
pub struct PreparedLookups {
    principals: Principals,
    twins: Twins,
    by_correlation: Lookup<u64>,
    by_target: Lookup<u32>,
    by_actor: Lookup<u32>,
    by_actor_as: Lookup<u32>,
}

impl ContextIndex {
    /// Builds the lookups (again, when records came in since). Records read twice (a block
    /// read once by the fast path and once line by line) are kept once.
    pub fn prepare(&mut self) {
        if self.prepare_start() {
            let lookups = self.prepare_lookups();
            self.prepare_finish(lookups);
        }
    }

    /// [`Self::prepare`]'s first step: the records read back from their temporary file and
    /// put in place order (each place once), each actor's first time, the lookups of an
    /// earlier prepare dropped. From here on the records, their texts, each actor's first
    /// time and [`Self::acting_upns`] are as prepared: what the hint tables read. False when
    /// there is nothing to do (prepared, no record taken in since).
    pub fn prepare_start(&mut self) -> bool {
        if self.prepared {
            return false;
        }
        self.entries.read_back();
        self.entries.sort_by_place();
        // Dropped before the new ones are made rather than kept beside them.
        self.by_correlation = Lookup::default();
        self.by_target = Lookup::default();
        self.by_actor = Lookup::default();
        self.by_actor_as = Lookup::default();
        self.twins = Twins::default();
        self.principals = Principals::default();
        // The earliest known time of each actor: the first in time order of its records.
        self.first_of_actor.clear();
        for e in self.entries.iter() {
            if e.actor != 0 && e.time != i64::MIN {
                self.first_of_actor
                    .entry(e.actor)
                    .and_modify(|t| *t = (*t).min(e.time))
                    .or_insert(e.time);
            }
        }
        true
    }

    /// [`Self::prepare`]'s second step, which only reads the index (other readers may run
    /// beside it): the users' principals, the twins and the lookups by correlation, target
    /// and actor, each list in time order. [`Self::prepare_start`] must have been called.
    pub fn prepare_lookups(&self) -> PreparedLookups {
        let entries = &self.entries;
        let principals = Principals::build(entries);
        let mut order: Vec<u32> = (0..entries.len() as u32).collect();
        order.sort_by_key(|&i| entries[i as usize].time);
        let e = |i: u32| &entries[i as usize];
        // Each operation folded once ([`fold_operation`]), to a number.
        let mut folded_ids: HashMap<String, u32> = HashMap::new();
        let mut by_operation: HashMap<u32, u32, FxBuild> = HashMap::default();
        let strings = &self.strings;
        let operation = |op| {
            *by_operation.entry(op).or_insert_with(|| {
                let next = u32::try_from(folded_ids.len()).unwrap_or(u32::MAX);
                *folded_ids
                    .entry(fold_operation(strings.text(op)))
                    .or_insert(next)
            })
        };
        // A record's address, read (back) only for records alike in all the rest (few).
        let address = |i: u32| self.address(&self.record(i as usize));
        let twins = Twins::build(&order, entries, operation, address);
        let twinned = |i: u32| twins.earlier(i).is_some();
        let by_correlation = Lookup::build(
            &order,
            |i| Some(e(i).correlation).filter(|&c| c != 0),
            twinned,
        );
        let by_target = Lookup::build(&order, |i| Some(e(i).target).filter(|&t| t != 0), twinned);
        let by_actor = Lookup::build(&order, |i| Some(e(i).actor).filter(|&a| a != 0), twinned);
        // Memory: the order by time (4 bytes a record) is freed before the regrouped list (as
        // long) is made, so that the list takes its place instead of fresh pages at the
        // report's peak (BENCHMARKS.md, memory, twelfth round).
        drop(order);
        let by_actor_as = by_actor.regrouped(|i| e(i).principal, twinned);
        PreparedLookups {
            principals,
            twins,
            by_correlation,
            by_target,
            by_actor,
            by_actor_as,
        }
    }

    /// [`Self::prepare`]'s last step: the lookups put in; the index is prepared.
    pub fn prepare_finish(&mut self, lookups: PreparedLookups) {
        let PreparedLookups {
            principals,
            twins,
            by_correlation,
            by_target,
            by_actor,
            by_actor_as,
        } = lookups;
        self.principals = principals;
        self.twins = twins;
        self.by_correlation = by_correlation;
        self.by_target = by_target;
        self.by_actor = by_actor;
        self.by_actor_as = by_actor_as;
        self.prepared = true;
    }
}
