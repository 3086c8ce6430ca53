//! How the index's lookups are made ([`ContextIndex::prepare`]), in three steps so that a
//! caller can run other work on the second core while the lookups are made (split out of
//! `index`): after a headless report's scan that core is idle, and the hint tables read
//! only what the first step leaves ready (BENCHMARKS.md, issue 12, fifteenth round).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, mpsc};

use super::actors::Principals;
use super::{ContextIndex, FxBuild, Lookup};
use crate::context::lookup::Dense;
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

/// What the lookups are made from ([`ContextIndex::time_order`]).
#[derive(Debug)]
struct TimeOrder {
    principals: Principals,
    twins: Twins,
    /// Every record, in time order (equal times in place order).
    order: Vec<u32>,
}

/// Whether a lookup by keys numbered by `dense` is made by counting: when the array of
/// counts by key is no longer than twice the records (8 bytes a record, freed when the
/// lookup is made), else by sorting the keys.
fn counted(dense: &Dense, order: &[u32]) -> bool {
    dense.len() <= 2 * order.len()
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
        let TimeOrder {
            principals,
            twins,
            order,
        } = self.time_order();
        let by_correlation = self.lookup_by_correlation(&order, &twins);
        let by_target = self.lookup_by_target(&order, &twins);
        let by_actor = self.lookup_by_actor(&order, &twins);
        // Memory: the order by time (4 bytes a record) is freed before the regrouping, so that
        // its buffers take its place instead of fresh pages at the report's peak
        // (BENCHMARKS.md, memory, twelfth round).
        drop(order);
        let by_actor_as = self.regroup_by_principal(&by_actor, &twins);
        PreparedLookups {
            principals,
            twins,
            by_correlation,
            by_target,
            by_actor,
            by_actor_as,
        }
    }

    /// [`Self::prepare_lookups`] with `beside` run on a second thread, which then makes the
    /// lookup by actor once the order by time is made: `beside` (a headless report's hint
    /// tables) takes about as long as the principals, the order by time and the twins,
    /// which the calling thread makes meanwhile before the lookups by correlation and
    /// target (BENCHMARKS.md, issue 12, sixteenth round). A panic of `beside` is resumed
    /// here.
    pub fn prepare_lookups_beside<R: Send>(
        &self,
        beside: impl FnOnce() -> R + Send,
    ) -> (PreparedLookups, R) {
        // The twins for both threads; the order by time handed on, and freed by the thread
        // done with it last (memory: it is not kept beside the regrouped list).
        let twins_made: OnceLock<Twins> = OnceLock::new();
        let (ready, wait) = mpsc::channel::<Arc<Vec<u32>>>();
        let (principals, by_correlation, by_target, beside_made, out) = std::thread::scope(|s| {
            let twins_made = &twins_made;
            let other = s.spawn(move || {
                let out = beside();
                // None when the calling thread panicked before the order was made.
                let lookups = wait
                    .recv()
                    .ok()
                    .and_then(|order| Some(self.lookup_by_actor(&order, twins_made.get()?)));
                (out, lookups)
            });
            let TimeOrder {
                principals,
                twins,
                order,
            } = self.time_order();
            let twins = twins_made.get_or_init(|| twins);
            let order = Arc::new(order);
            // An error: the other thread has ended (panicked), which its join resumes.
            let _ = ready.send(Arc::clone(&order));
            let by_correlation = self.lookup_by_correlation(&order, twins);
            let by_target = self.lookup_by_target(&order, twins);
            drop(order);
            let (out, lookups) = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (principals, by_correlation, by_target, lookups, out)
        });
        // Both are made unless the calling thread panicked (which never comes here).
        let twins = twins_made.into_inner().unwrap_or_default();
        let by_actor =
            beside_made.unwrap_or_else(|| self.lookup_by_actor(&self.time_order().order, &twins));
        // Memory: regrouped here, last, when the order by time and the other lookups'
        // buffers are freed (on the other thread it was the report's peak: 61 MiB), each
        // record's principal read here (listed beside the actor lookup on the other thread,
        // it was held through the threads' peak).
        let by_actor_as = self.regroup_by_principal(&by_actor, &twins);
        let lookups = PreparedLookups {
            principals,
            twins,
            by_correlation,
            by_target,
            by_actor,
            by_actor_as,
        };
        (lookups, out)
    }

    /// The users' principals, every record in time order (equal times in place order) and
    /// the twins found in that order: what the lookups are made from.
    fn time_order(&self) -> TimeOrder {
        let entries = &self.entries;
        let principals = Principals::build(entries);
        let mut order: Vec<u32> = (0..entries.len() as u32).collect();
        order.sort_by_key(|&i| entries[i as usize].time);
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
        TimeOrder {
            principals,
            twins,
            order,
        }
    }

    /// The lookup by target, from the records in time order.
    fn lookup_by_target(&self, order: &[u32], twins: &Twins) -> Lookup<u32> {
        self.lookup_by_id(order, twins, |e| e.target)
    }

    /// The lookup by an interned id of each record (`id`; 0: none), from the records in
    /// time order: counted by key number when the ids are dense enough, else sorted.
    fn lookup_by_id(
        &self,
        order: &[u32],
        twins: &Twins,
        id: impl Fn(&super::Compact) -> u32,
    ) -> Lookup<u32> {
        let twinned = |i: u32| twins.earlier(i).is_some();
        let key = |i: u32| Some(id(&self.entries[i as usize])).filter(|&k| k != 0);
        let dense = Dense::of(self.entries.iter().map(&id));
        if counted(&dense, order) {
            Lookup::build_dense(order, key, &dense, twinned)
        } else {
            Lookup::build(order, key, twinned)
        }
    }

    /// The lookup by correlation, from the records in time order.
    fn lookup_by_correlation(&self, order: &[u32], twins: &Twins) -> Lookup<u64> {
        Lookup::build_hashed(
            order,
            |i| Some(self.entries[i as usize].correlation).filter(|&c| c != 0),
            |i| twins.earlier(i).is_some(),
        )
    }

    /// The lookup by actor, from the records in time order.
    fn lookup_by_actor(&self, order: &[u32], twins: &Twins) -> Lookup<u32> {
        self.lookup_by_id(order, twins, |e| e.actor)
    }

    /// The lookup by actor with each actor's records ordered by principal (in time order
    /// within one).
    fn regroup_by_principal(&self, by_actor: &Lookup<u32>, twins: &Twins) -> Lookup<u32> {
        let subs = by_actor.listed_subs(|i| self.entries[i as usize].principal);
        by_actor.regrouped_from(subs, |i| twins.earlier(i).is_some())
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
