//! An event moving to the row of its canonical record (`scan::again`): a copy read later
//! turns out to be the record that gives the event's row (a CloudAppEvents export read after
//! the UAL one), so the event leaves the rows of its former record and joins the new one's;
//! and the count of records folded into other rows kept as that happens. Apart from
//! `again.rs` so that each file keeps to one question: is this the same event (there), and
//! where does it stand now (here).

use super::ScanReport;
use super::again::CopyKey;
use super::lean::EventRef;
use crate::model::{Outcome, SourceRef, StsEvent};

impl ScanReport {
    /// One record of `file` more (`add`) or less folded into another row's event.
    pub(super) fn fold(&mut self, file: &std::sync::Arc<str>, add: bool) {
        let n = self.folded_from.entry(file.clone()).or_default();
        if add {
            self.folded_records += 1;
            *n += 1;
        } else {
            self.folded_records -= 1;
            *n -= 1;
            if *n == 0 {
                self.folded_from.remove(file);
            }
        }
    }

    /// `new`, a copy of an event read earlier, is its canonical record: it takes the
    /// event's place (kept whole; every record read before becomes its copy), the event
    /// leaves the rows of its former canonical record (`old_rows`, whose totals are made
    /// again; a row left with no event is folded, [`crate::model::Finding::is_folded`]) and
    /// joins the rows `new` gives. The rows it left are in [`ScanReport::regrouped`] for the
    /// workbench. Returns the last row joined.
    pub(super) fn move_event(
        &mut self,
        whole: Option<usize>,
        lean: Option<usize>,
        new: StsEvent,
        old_rows: &[usize],
    ) -> Option<usize> {
        let old_sources: Vec<SourceRef> = match (whole, lean) {
            (Some(i), _) => self.events[i].sources().cloned().collect(),
            (None, Some(j)) => self.lean.sources(j),
            (None, None) => Vec::new(),
        };
        // The former canonical record is a copy now: its row is kept as a copy's.
        if let (Some(first), Some(&at)) = (old_sources.first(), old_rows.first()) {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            self.copy_rows.insert(CopyKey::of(first, &new), (at, false));
        }
        // The new canonical record was never a copy of this event.
        if let Some((_, true)) = self.copy_rows.remove(&CopyKey::of(&new.source, &new)) {
            self.fold(&new.source.file, false);
        }
        let mut e = new;
        e.duplicates = Some(Box::new(old_sources));
        e.id = e.id.as_str().to_owned();
        if let Some(i) = whole {
            e.shares_id = self.events[i].shares_id;
        }
        self.texts.intern(&mut e.operation);
        self.texts.intern(&mut e.actor);
        if self.labels_only && e.is_flagged() {
            e.parties = std::sync::Arc::new(crate::model::EventParties {
                target: e.parties.target_label().into(),
                actor: e.parties.actor_label().into(),
                actor_kind: e.parties.actor_kind,
                targets_differ: e.parties.targets_differ,
                ..crate::model::EventParties::default()
            });
        }
        e.parties = self.share_parties(&e.parties);
        let near = !e.is_flagged();
        // Filed in the twin index as it was first kept (lean `j`, else whole `i`).
        let filed = lean.map(EventRef::Lean).or(whole.map(EventRef::Whole));
        let before = filed.and_then(|r| self.twin_hash_at(r));
        let idx = match (whole, lean) {
            (Some(i), _) => {
                self.events[i] = e;
                if near {
                    // The workbench makes the near miss's row again from its new record.
                    self.rewritten.push(i);
                }
                i
            }
            (None, Some(j)) => {
                let i = self.events.len();
                self.events.push(e);
                if self.headless {
                    self.whole_seq.push(self.lean.seq(j));
                }
                self.lean.replaced_by(j, i);
                if near {
                    self.near_misses.push(i);
                    self.lean_near_misses = self.lean_near_misses.saturating_sub(1);
                }
                i
            }
            (None, None) => return None,
        };
        if let Some(r) = filed {
            self.refile_twin(r, before);
        }
        for &at in old_rows {
            self.unjoin(at, idx, lean);
            self.regrouped.push(at);
        }
        let Outcome::Flagged(rows) = &self.events[idx].outcome else {
            return None;
        };
        let rows = rows.clone();
        let mut touched = None;
        let mut joined = Vec::new();
        for row in &rows {
            let at = self.add_row(row, Some(idx), None);
            joined.push(at);
            touched = Some(at);
        }
        if let (1, Some(at)) = (rows.len(), touched) {
            self.events[idx].outcome =
                Outcome::Flagged(crate::model::Rows::one(self.finding_rows[at].clone()));
        }
        // Every copy counted again against the rows of the new canonical record.
        let copies: Vec<CopyKey> = self.events[idx]
            .duplicate_sources()
            .iter()
            .map(|s| CopyKey::of(s, &self.events[idx]))
            .collect();
        for key in copies {
            if let Some(&(at, was)) = self.copy_rows.get(&key) {
                let now = !joined.contains(&(at as usize));
                if now != was {
                    let file = key.place.file.clone();
                    self.copy_rows.insert(key, (at, now));
                    self.fold(&file, now);
                }
            }
        }
        touched
    }

    /// Event `idx` (lean `lean` before it was made whole, if it was) leaves finding `at`:
    /// the row's totals are made again from the events left behind it (few: a move happens
    /// only when an event's canonical record is read after another of its copies).
    pub(super) fn unjoin(&mut self, at: usize, idx: usize, lean: Option<usize>) {
        let gone = |r: u32| {
            r == EventRef::Whole(idx).pack() || lean.is_some_and(|j| r == EventRef::Lean(j).pack())
        };
        let f = &mut self.findings[at];
        f.events.retain(|&e| e != idx);
        let members: Vec<u32> = std::mem::take(&mut f.totals.members)
            .into_iter()
            .filter(|&r| !gone(r))
            .collect();
        let refs: Vec<EventRef> = if self.headless {
            members.iter().map(|&r| EventRef::unpack(r)).collect()
        } else {
            f.events.iter().map(|&e| EventRef::Whole(e)).collect()
        };
        let mut totals = crate::model::RowTotals::default();
        for r in &refs {
            let whole = match *r {
                EventRef::Whole(i) => Some(i),
                EventRef::Lean(j) => self.lean.promoted(j),
            };
            match (whole, *r) {
                (Some(i), _) => {
                    let e = &self.events[i];
                    totals.add(
                        e.time,
                        e.parties.target_label(),
                        e.parties.actor_label(),
                        e.parties.actor_kind,
                    );
                }
                (None, EventRef::Lean(j)) => {
                    let l = self.lean.labels(j);
                    totals.add(l.time, l.target, l.actor, l.actor_kind);
                }
                (None, EventRef::Whole(_)) => {}
            }
        }
        totals.last_member = refs.last().map(|r| r.pack());
        totals.members = members;
        self.findings[at].totals = totals;
    }
}
