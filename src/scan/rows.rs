//! `distinct`: the query's distinct rows, each with the totals of the events behind it.

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;

use super::lean::EventRef;
use crate::kql::KqlDateTime;
use crate::model::{Finding, ResultRow, RowTotals, StsEvent};

/// An event joining a row: what the row's totals take of it.
pub(super) struct Member<'a> {
    pub r: EventRef,
    pub time: Option<KqlDateTime>,
    pub target: &'a str,
    pub actor: &'a str,
    pub actor_kind: crate::model::ActorKind,
    /// The event's record names two targets ([`crate::model::Parties::targets_differ`]).
    pub targets_differ: bool,
}

impl<'a> Member<'a> {
    pub fn whole(i: usize, e: &'a StsEvent) -> Self {
        Self {
            r: EventRef::Whole(i),
            time: e.time,
            target: e.parties.target_label(),
            actor: e.parties.actor_label(),
            actor_kind: e.parties.actor_kind,
            targets_differ: e.parties.targets_differ,
        }
    }
}

/// The findings by their row: indexes into `findings`, hashed and compared by the findings'
/// own rows, so that a row is kept once (a map keyed by the row held a second copy of every
/// row: about 2 MiB of the report's peak on the 1%-STS file, 5,769 rows).
#[derive(Default, Clone)]
pub(super) struct RowIndex {
    table: HashTable<usize>,
    hasher: std::hash::RandomState,
}

impl std::fmt::Debug for RowIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RowIndex({} rows)", self.table.len())
    }
}

impl RowIndex {
    /// The finding whose row is `row`.
    pub fn get(&self, findings: &[Finding], row: &ResultRow) -> Option<usize> {
        let hash = self.hasher.hash_one(row);
        self.table.find(hash, |&i| findings[i].row == *row).copied()
    }

    /// Files finding `i` (its row not filed yet) under its row.
    fn insert(&mut self, findings: &[Finding], i: usize) {
        let Self { table, hasher } = self;
        let hash = hasher.hash_one(&findings[i].row);
        table.insert_unique(hash, i, |&j| hasher.hash_one(&findings[j].row));
    }
}

/// The distinct rows found so far: each finding's row, indexed.
pub(super) struct Distinct<'a> {
    pub findings: &'a mut Vec<Finding>,
    pub index: &'a mut RowIndex,
    pub rows: &'a mut Vec<Arc<[ResultRow]>>,
    pub headless: bool,
}

impl Distinct<'_> {
    /// `distinct`: the row joins its finding, or makes a new one (the only time it is copied).
    pub fn merge(
        &mut self,
        row: &ResultRow,
        event: Option<Member>,
        imported_from: Option<crate::model::SourceRef>,
        replaced: bool,
    ) -> usize {
        let i = match self.index.get(self.findings, row) {
            Some(i) => {
                let f = &mut self.findings[i];
                f.replaced |= replaced;
                if f.imported_from.is_none() {
                    f.imported_from = imported_from;
                }
                i
            }
            None => {
                let i = self.findings.len();
                self.rows.push(Arc::from([row.clone()]));
                self.findings.push(Finding {
                    row: row.clone(),
                    events: Vec::new(),
                    totals: RowTotals::default(),
                    imported_from,
                    replaced,
                    targets_differ: false,
                });
                self.index.insert(self.findings, i);
                i
            }
        };
        if let Some(m) = event {
            self.join(i, m);
        }
        i
    }

    /// An event joins finding `i` (whose row it gives).
    pub fn join(&mut self, i: usize, m: Member) {
        let f = &mut self.findings[i];
        // An event's rows are added one after the other: a repeat is the last one.
        if f.totals.last_member != Some(m.r.pack()) {
            f.totals.last_member = Some(m.r.pack());
            if let EventRef::Whole(e) = m.r {
                f.events.push(e);
            }
            if self.headless {
                f.totals.members.push(m.r.pack());
            }
            f.totals.add(m.time, m.target, m.actor, m.actor_kind);
            f.targets_differ |= m.targets_differ;
        }
    }
}
