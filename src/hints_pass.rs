//! Every flagged row's hints in one pass over the events behind them (the workbench's Hints
//! column), a slice at a time (split out of `hints`).
//!
//! [`Inputs::finding_hints`] reads one row's events, its lean ones each with a positioned
//! read of the spill file. Over every row of 2,000,000 lean events those reads cost more
//! than the hints themselves (seconds of CPU after the load). This pass reads the events
//! kept whole row by row, then every lean event in the order kept, a run at a time (one
//! read of the spill file per run), and gives each row exactly what `finding_hints` gives:
//! its own hints, then each context badge once, from the first event behind the row that
//! has it (the events joined a row in the order they arrived: by arrival number).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::tables::TablesBuild;
use super::{Hint, HintConfig, Inputs, Tables};
use crate::scan::{RowMember, RunEvent, ScanReport};

/// Lean events read back at once: about a quarter of a MiB of the spill file, a few
/// milliseconds of hints.
const RUN: usize = 1024;

/// The context badges, in the order one event's hints give them.
const CONTEXT: [&str; 6] = ["conflict", "reset", "self", "bulk", "first", "signin"];

/// `RowHintsPass::places` of a lean event behind no row the pass reads.
const NO_PLACE: u32 = u32::MAX;

/// Where the pass is.
enum Stage {
    /// The tables every row's hints read, being made.
    Tables(Box<TablesBuild>),
    /// The events kept whole, row by row: the next row.
    Whole(usize),
    /// The lean events, in the order kept: the next one not read, and those read and not
    /// yet looked at (row, arrival number, event).
    Lean {
        next: usize,
        read: std::vec::IntoIter<(usize, u32, RunEvent)>,
    },
    Done,
}

/// A pass making every flagged row's hints ([`RowHintsPass::step`] until it says done,
/// then [`RowHintsPass::finish`]). Valid for the report as it was when the pass began
/// (rows and events added since are not read).
pub struct RowHintsPass {
    /// Made in the pass's first stage.
    tables: Option<Arc<Tables>>,
    /// The work of that stage, once made (for the progress).
    tables_work: usize,
    /// Per row: each context badge found so far, with the place among the row's events of
    /// the event that gave it (the first such event wins).
    found: Vec<Vec<(u32, Hint)>>,
    /// Per lean event: its row's and its place among the row's events (found while the
    /// events kept whole are read; `NO_PLACE`: behind no row the pass reads).
    places: Vec<(u32, u32)>,
    stage: Stage,
    /// Lean events there were when the pass began.
    lean: usize,
}

impl std::fmt::Debug for RowHintsPass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (done, of) = self.progress();
        write!(f, "RowHintsPass {{ {done} of {of} }}")
    }
}

impl RowHintsPass {
    /// A pass over `report`'s rows, whose first stage makes the tables every row's hints
    /// read (the `bulk` counts over every event, the sign-ins and password operations of
    /// the index: one pass over each), a slice at a time as the rest.
    pub fn new(report: &ScanReport, config: HintConfig) -> Self {
        Self {
            tables: None,
            tables_work: 0,
            found: vec![Vec::new(); report.findings.len()],
            stage: Stage::Tables(Box::new(TablesBuild::new(report, config))),
            lean: report.lean_events(),
            places: vec![(NO_PLACE, NO_PLACE); report.lean_events()],
        }
    }

    /// The tables the pass reads, once its first stage made them (None before): one
    /// row's hints made with them ([`Inputs::with_tables`]) are those the pass will give it.
    pub fn tables(&self) -> Option<Arc<Tables>> {
        self.tables.clone()
    }

    /// How far the pass is, in events of a sort: (done, of).
    pub fn progress(&self) -> (usize, usize) {
        let rows = self.found.len();
        let of = self.tables_work + rows + self.lean;
        let t = self.tables_work;
        match &self.stage {
            Stage::Tables(build) => {
                let (done, tables) = build.progress();
                (done, tables + rows + self.lean)
            }
            Stage::Whole(r) => (t + *r, of),
            Stage::Lean { next, read } => (t + rows + next.saturating_sub(read.len()), of),
            Stage::Done => (of, of),
        }
    }

    /// Works on for at most about `budget` (None: to the end); true once every event was
    /// read.
    pub fn step(&mut self, report: &ScanReport, budget: Option<Duration>) -> bool {
        let started = Instant::now();
        let out_of_time = || budget.is_some_and(|b| started.elapsed() >= b);
        if let Stage::Tables(build) = &mut self.stage {
            if !build.step(report, &out_of_time) {
                return false;
            }
            let Stage::Tables(build) = std::mem::replace(&mut self.stage, Stage::Whole(0)) else {
                return false;
            };
            self.tables_work = build.progress().1;
            self.tables = Some(Arc::new(build.finish(report)));
            // The rows' hints in the next frames: the frame that made the tables is drawn.
            if budget.is_some() {
                return false;
            }
        }
        let Some(tables) = self.tables.clone() else {
            return false;
        };
        let inputs = Inputs::with_tables(report, tables.clone());
        let mut k = 0usize;
        loop {
            // The clock is read every few events (a few microseconds each).
            k += 1;
            if k.is_multiple_of(32) && out_of_time() {
                return false;
            }
            match &mut self.stage {
                Stage::Whole(r) => {
                    let at = *r;
                    if at >= self.found.len() {
                        self.stage = Stage::Lean {
                            next: 0,
                            read: Vec::new().into_iter(),
                        };
                        continue;
                    }
                    *r += 1;
                    self.whole_events_of(&inputs, at);
                }
                Stage::Lean { next, read } => match read.next() {
                    Some((j, seq, event)) => {
                        let (row, place) = self.places.get(j).copied().unwrap_or((NO_PLACE, 0));
                        if let Some(found) = self.found.get_mut(row as usize) {
                            let row = row as usize;
                            // As `Inputs::finding_hints` counts each kind of event's bulk.
                            let (e, bulk) = match &event {
                                RunEvent::Whole(i) => (&report.events[*i], tables.bulk.get(&seq)),
                                RunEvent::Lean(e) if report.lean_shown => {
                                    (&**e, tables.bulk.get(&seq))
                                }
                                RunEvent::Lean(e) => (&**e, tables.bulk_rows.get(&row)),
                            };
                            take(found, place, |have| inputs.hints_of(e, bulk.copied(), have));
                        }
                    }
                    None if *next >= self.lean => self.stage = Stage::Done,
                    None => {
                        let count = RUN.min(self.lean - *next);
                        *read = report.lean_row_events(*next, count).into_iter();
                        *next += count;
                    }
                },
                Stage::Tables(_) => return false,
                Stage::Done => return true,
            }
        }
    }

    /// The hints of row `at`'s events kept whole from the start, and the places of its
    /// lean ones (read in the next stage: made whole since or not, each is read once).
    fn whole_events_of(&mut self, inputs: &Inputs<'_>, at: usize) {
        let report = inputs.report;
        let Some(f) = report.findings.get(at) else {
            return;
        };
        let row = u32::try_from(at).unwrap_or(NO_PLACE);
        for (place, member) in report.row_members(f).into_iter().enumerate() {
            let place = u32::try_from(place).unwrap_or(NO_PLACE);
            match member {
                RowMember::Whole(i) => {
                    let bulk = inputs.tables.bulk.get(&report.arrival(i)).copied();
                    take(&mut self.found[at], place, |have| {
                        inputs.hints_of(&report.events[i], bulk, have)
                    });
                }
                RowMember::Lean(j) => {
                    if let Some(p) = self.places.get_mut(j) {
                        *p = (row, place);
                    }
                }
            }
        }
    }

    /// Every row's hints, as [`Inputs::finding_hints`] gives them: the row's own, then the
    /// context badges in their one order (`CONTEXT`), whatever the order of the row's events
    /// (each badge is the earliest event's that gave it). Call once
    /// [`RowHintsPass::step`] said done.
    pub fn finish(self, report: &ScanReport) -> Vec<Vec<Hint>> {
        let Some(tables) = self.tables.as_ref() else {
            return Vec::new();
        };
        self.found
            .into_iter()
            .zip(&report.findings)
            .map(|(mut found, f)| {
                let mut out = tables.own_hints(f, &report.context);
                let order = |h: &Hint| CONTEXT.iter().position(|b| *b == h.badge());
                found.sort_by_key(|(_, h)| order(h));
                out.extend(found.into_iter().map(|(_, h)| h));
                out
            })
            .collect()
    }
}

/// The context hints of the event at `seq` among a row's events, for a row that has
/// `found`: those it gives before the row's first event with the same badge replace it. `hints` makes
/// them, told which badges it may leave out (found from an earlier event).
fn take(
    found: &mut Vec<(u32, Hint)>,
    seq: u32,
    hints: impl FnOnce(&dyn Fn(&str) -> bool) -> Vec<Hint>,
) {
    let had = |badge: &str| found.iter().any(|(s, h)| *s < seq && h.badge() == badge);
    if CONTEXT.iter().all(|b| had(b)) {
        return;
    }
    let new = hints(&had);
    for h in new {
        match found.iter_mut().find(|(_, o)| o.badge() == h.badge()) {
            Some(o) if o.0 > seq => *o = (seq, h),
            Some(_) => {}
            None => found.push((seq, h)),
        }
    }
}
