//! Lean events made whole again: read back from the spill file (`scan::spill`) and
//! assembled into `StsEvent`s, for the report's context, the workbench's hints and
//! drill-down. Apart from the store (`scan::lean`) because only these readers know how
//! a lean event's numbers and spilled context fields become a whole event again.

use std::io;
use std::sync::{Arc, PoisonError};

use super::super::spill::{self, Extras};
use super::{LeanEvents, NO_ROW, REPLACED, TARGETS_DIFFER};
use crate::evidence::RawText;
use crate::model::{EventParties, Outcome, ResultRow, Rows, StsEvent};

/// A lean event read back in a run ([`LeanEvents::flagged_run`]).
#[derive(Debug)]
pub enum RunEvent {
    /// Made whole again since: its index in `ScanReport::events`.
    Whole(usize),
    /// Read back from its context fields.
    Lean(Box<StsEvent>),
}

impl LeanEvents {
    /// Lean event `j` as a whole event again (for the report: a copy read later gives a row
    /// of its own, of which this event is the first), recorded as `events[whole_index]`.
    /// `row` is the row of a flagged event (None for a near miss, whose reason is rebuilt
    /// from its kind: [`reason_of_code`]). Errors: the spill file cannot be read.
    pub(crate) fn make_whole(
        &mut self,
        j: usize,
        row: Option<Arc<[ResultRow]>>,
        whole_index: usize,
    ) -> io::Result<StsEvent> {
        let event = self.whole_event(j, row)?;
        let idx = u32::try_from(j).unwrap_or(u32::MAX);
        self.duplicates.remove(&idx);
        self.promoted.insert(idx, whole_index);
        Ok(event)
    }

    /// Lean event `j` as a whole event, for its row's hints (what [`Self::make_whole`] makes,
    /// leaving it lean); its row is `row`. Errors: the spill file cannot be read.
    pub(crate) fn event(&self, j: usize, row: Arc<[ResultRow]>) -> io::Result<StsEvent> {
        self.whole_event(j, Some(row))
    }

    /// Lean event `j` as the whole event it was read as, for reading (the workbench's hints
    /// and drill-down): its raw text where it was kept (`RawText::Stored`, whose place the
    /// spill file holds; the headless commands keep none: then empty), every record of it
    /// as its duplicates. `row` as for [`Self::make_whole`]. Errors: the spill file cannot
    /// be read.
    pub(crate) fn whole_event(
        &self,
        j: usize,
        row: Option<Arc<[ResultRow]>>,
    ) -> io::Result<StsEvent> {
        let Some(spilled) = &self.spill else {
            return Err(io::Error::other("the lean events' spill file is gone"));
        };
        let (extras, target_id) = spilled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .read_shared(j)?;
        Ok(self.assemble(j, extras, target_id, row, true))
    }

    /// The flagged lean events among `from..from + count`, with the index and arrival
    /// number of each: those made whole again by their index in `events`, the others as
    /// [`Self::event`] makes them but for their id (a canonical GUID is left empty: the
    /// hints do not read it), read from the spill file in one run (see
    /// [`Spill::read_run`]); `row` gives a row's values by index. Errors: the spill file
    /// cannot be read.
    pub(crate) fn flagged_run(
        &self,
        from: usize,
        count: usize,
        row: impl Fn(usize) -> Option<Arc<[ResultRow]>>,
    ) -> io::Result<Vec<(usize, u32, RunEvent)>> {
        let Some(spilled) = &self.spill else {
            return Err(io::Error::other("the lean events' spill file is gone"));
        };
        let run = spilled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .read_run(from, count)?;
        let mut out = Vec::with_capacity(run.len());
        for (k, (extras, target_id)) in run.into_iter().enumerate() {
            let j = from + k;
            let e = self.events.get(j);
            if e.finding == NO_ROW {
                continue;
            }
            if let Some(i) = self.promoted(j) {
                out.push((j, e.seq, RunEvent::Whole(i)));
                continue;
            }
            let Some(values) = row(e.finding as usize) else {
                continue;
            };
            let event = self.assemble(j, extras, target_id, Some(values), false);
            out.push((j, e.seq, RunEvent::Lean(Box::new(event))));
        }
        Ok(out)
    }

    /// Lean event `j` whole again from its context fields read back (see
    /// [`Self::whole_event`]); `with_id`: its id written out when it is a canonical GUID.
    fn assemble(
        &self,
        j: usize,
        extras: Extras,
        target_id: String,
        row: Option<Arc<[ResultRow]>>,
        with_id: bool,
    ) -> StsEvent {
        let outcome = match row {
            Some(row) => Outcome::Flagged(Rows::one(row)),
            None => Outcome::NearMiss(Box::new(spill::reason_of_code(extras.reason))),
        };
        let (target_id, near_row) = spill::split_texts(target_id, extras.near_row);
        let e = *self.events.get(j);
        let sources = self.sources(j);
        let id = match self.id(j) {
            // The hints read no id: not written out for them (a tenth of their pass).
            Ok(_) if !with_id => String::new(),
            Ok(g) => g.text(),
            Err(t) => t.to_owned(),
        };
        let text = |id: u32| self.labels.get(id).clone();
        let raw = match extras.raw {
            Some(at) => match self.evidence.get(at.file as usize) {
                Some(file) => RawText::Stored {
                    file: file.0.clone(),
                    offset: at.offset,
                    len: at.len,
                    replaced: e.flags & REPLACED != 0,
                    fingerprint: at.fingerprint,
                },
                None => RawText::Text("".into()),
            },
            None => RawText::Text("".into()),
        };
        StsEvent {
            id,
            source: sources[0].clone(),
            duplicates: (sources.len() > 1).then(|| Box::new(sources[1..].to_vec())),
            kind: extras.kind,
            raw,
            time: Self::time_of(&e),
            operation: text(extras.operation),
            actor: text(extras.event_actor),
            parties: Arc::new(EventParties {
                target: text(extras.target),
                target_id: target_id.into(),
                actor: text(extras.actor),
                actor_id: text(extras.actor_id),
                actor_kind: extras.actor_kind,
                targets_differ: e.flags & TARGETS_DIFFER != 0,
            }),
            correlation: extras.correlation,
            trace_kept: None,
            outcome,
            valid_from: e.valid_from,
            // A lean near miss is one the journal does not name: its key is not looked up.
            shares_id: false,
            shares_legacy_key: false,
            shares_content_key: false,
            near_row,
        }
    }
}
