//! What the outputs read of the events behind the rows, whether kept whole or lean.

use super::ScanReport;
use super::lean::EventRef;
pub use super::lean::RunEvent;
use crate::kql::KqlDateTime;
use crate::model::{Finding, SourceRef, StsEvent};

/// An event behind a row, as the row's hints read it: kept whole (an index into
/// `ScanReport::events`), or a lean event of the headless commands read back for the
/// occasion ([`ScanReport::row_events`]).
#[derive(Debug)]
pub enum RowEvent {
    Whole(usize),
    /// A lean event read back, the row (index into `findings`) it gives, and its arrival
    /// number (see [`ScanReport::arrival`]).
    Lean(Box<StsEvent>, usize, u32),
}

/// An event behind a row ([`ScanReport::row_members`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMember {
    /// Kept whole from the start: an index into `ScanReport::events`.
    Whole(usize),
    /// Kept lean: an index among the lean events (`0..ScanReport::lean_events()`).
    Lean(usize),
}

/// What the `bulk` hint reads of an STS event (see [`ScanReport::event_labels`]).
#[derive(Debug, Clone, Copy)]
pub struct EventLabels<'a> {
    pub seq: u32,
    pub time: Option<KqlDateTime>,
    pub target: &'a str,
    pub actor: &'a str,
    /// What kind of principal the actor is (an app named like a user is not that user).
    pub actor_kind: crate::model::ActorKind,
    pub whole: bool,
    /// The row (index into `findings`) a lean flagged event gives; None for an event kept
    /// whole and a near miss.
    pub finding: Option<usize>,
}

impl ScanReport {
    /// Every record of every event behind a row (`file:line`, each event's first record
    /// then its copies, the events in the order they joined), or the line of the
    /// query-result export the row was read from.
    pub fn row_sources(&self, f: &Finding) -> Vec<SourceRef> {
        if f.totals.events == 0 {
            return f.imported_from.iter().cloned().collect();
        }
        if !self.headless {
            return f
                .events
                .iter()
                .flat_map(|&i| self.events[i].sources())
                .cloned()
                .collect();
        }
        let mut out = Vec::new();
        for &r in &f.totals.members {
            match EventRef::unpack(r) {
                EventRef::Whole(i) => out.extend(self.events[i].sources().cloned()),
                EventRef::Lean(j) => match self.lean.promoted(j) {
                    Some(i) => out.extend(self.events[i].sources().cloned()),
                    None => out.extend(self.lean.sources(j)),
                },
            }
        }
        out
    }

    /// Every event behind a row, in the order they joined it: all of them whole in the
    /// workbench; for the headless commands, the lean ones read back one at a time as the
    /// iterator reaches them (their context fields from the spill file), so that a row's
    /// hints are those of all its events whether they were kept whole or not. A lean event
    /// whose fields cannot be read back (the spill file failed) is passed over.
    pub fn row_events<'a>(&'a self, f: &'a Finding) -> impl Iterator<Item = RowEvent> + 'a {
        let refs: Vec<EventRef> = if self.headless && !f.totals.members.is_empty() {
            f.totals
                .members
                .iter()
                .map(|&r| match EventRef::unpack(r) {
                    EventRef::Lean(j) => self
                        .lean
                        .promoted(j)
                        .map_or(EventRef::Lean(j), EventRef::Whole),
                    whole => whole,
                })
                .collect()
        } else {
            f.events.iter().map(|&i| EventRef::Whole(i)).collect()
        };
        let at = self.finding_index.get(&self.findings, &f.row);
        let row = at.and_then(|k| self.finding_rows.get(k)).cloned();
        refs.into_iter().filter_map(move |r| match r {
            EventRef::Whole(i) => Some(RowEvent::Whole(i)),
            EventRef::Lean(j) => {
                let (row, at) = (row.clone()?, at?);
                let e = self.lean.event(j, row).ok()?;
                Some(RowEvent::Lean(Box::new(e), at, self.lean.seq(j)))
            }
        })
    }

    /// Every event behind a row, in the order they joined it: kept whole from the start
    /// (an index into `events`), or lean (an index among the lean events, made whole
    /// again since or not: what [`Self::lean_row_events`] gives back).
    pub fn row_members(&self, f: &Finding) -> Vec<RowMember> {
        if !self.headless || f.totals.members.is_empty() {
            return f.events.iter().map(|&i| RowMember::Whole(i)).collect();
        }
        f.totals
            .members
            .iter()
            .map(|&r| match EventRef::unpack(r) {
                EventRef::Whole(i) => RowMember::Whole(i),
                EventRef::Lean(j) => RowMember::Lean(j),
            })
            .collect()
    }

    /// How many lean events the scan keeps (some perhaps made whole again since): the
    /// events [`Self::lean_row_events`] walks through, `0..lean_events()`.
    pub fn lean_events(&self) -> usize {
        self.lean.len()
    }

    /// The lean events among `from..from + count` behind rows, with the index (among the
    /// lean events) and the arrival number of each: those made whole again since by their
    /// index in `events`, the others read back as [`Self::row_events`] reads them (but for
    /// the id of one whose id is a GUID, left empty: the hints do not read it), with one
    /// read of the spill file for them all (the workbench's hint pass walks every lean
    /// event in order). A lean event whose fields cannot be read back is passed over, as
    /// `row_events` does.
    pub fn lean_row_events(&self, from: usize, count: usize) -> Vec<(usize, u32, RunEvent)> {
        let row = |at: usize| self.finding_rows.get(at).cloned();
        if let Ok(run) = self.lean.flagged_run(from, count, row) {
            return run;
        }
        // The run could not be read at once: each event on its own, as `row_events` does.
        let end = from.saturating_add(count).min(self.lean.len());
        (from..end)
            .filter_map(|j| {
                let at = self.lean.labels(j).finding?;
                let event = match self.lean.promoted(j) {
                    Some(i) => RunEvent::Whole(i),
                    None => RunEvent::Lean(Box::new(self.lean.event(j, row(at)?).ok()?)),
                };
                Some((j, self.lean.seq(j), event))
            })
            .collect()
    }

    /// The earliest and the latest time of all STS events (flagged and near misses).
    pub fn time_range(&self) -> Option<(KqlDateTime, KqlDateTime)> {
        let times = self
            .events
            .iter()
            .map(|e| e.time)
            .chain(self.lean.iter().map(|(_, _, t)| t))
            .flatten();
        times.fold(None, |acc, t| match acc {
            None => Some((t, t)),
            Some((a, b)) => Some((a.min(t), b.max(t))),
        })
    }

    /// Every distinct STS event's arrival number, time, target and actor labels
    /// ([`Parties::target_label`], [`Parties::actor_label`]) and whether it is kept whole
    /// (in `events`, at the index [`Self::arrival`] gives back) or lean; in no set order.
    pub fn event_labels(&self) -> impl Iterator<Item = EventLabels<'_>> {
        let whole = (0..self.events.len()).filter_map(|i| self.whole_labels(i));
        let lean = self.lean.iter().map(|(j, seq, time)| {
            let l = self.lean.labels(j);
            EventLabels {
                seq,
                time,
                target: l.target,
                actor: l.actor,
                actor_kind: l.actor_kind,
                whole: false,
                finding: l.finding,
            }
        });
        whole.chain(lean)
    }

    /// How many places [`ScanReport::event_label_at`] has: the events kept whole, then
    /// every lean event (made whole since or not).
    pub fn event_label_places(&self) -> usize {
        self.events.len() + self.lean.len()
    }

    /// [`ScanReport::event_labels`] one place at a time, so that a pass over them can stop
    /// and go on in a later frame: place `k < events.len()` is `events[k]`, place
    /// `events.len() + j` lean event `j`. A pass over `0..n` (n as
    /// [`ScanReport::event_label_places`] said when it began) gives each event once even
    /// when lean events are made whole meanwhile (the drill-down): one made whole before
    /// the pass began is given at its place among the events kept whole (below `whole`,
    /// the events kept whole when the pass began), one made whole since at its lean place.
    pub fn event_label_at(&self, k: usize, whole: usize) -> Option<EventLabels<'_>> {
        if k < whole {
            return self.whole_labels(k);
        }
        let j = k - whole;
        if j >= self.lean.len() {
            return None;
        }
        if let Some(i) = self.lean.promoted(j) {
            return (i >= whole).then(|| self.whole_labels(i)).flatten();
        }
        let l = self.lean.labels(j);
        Some(EventLabels {
            seq: self.lean.seq(j),
            time: l.time,
            target: l.target,
            actor: l.actor,
            actor_kind: l.actor_kind,
            whole: false,
            finding: l.finding,
        })
    }

    /// The labels of `events[i]`, an event kept whole.
    fn whole_labels(&self, i: usize) -> Option<EventLabels<'_>> {
        let e = self.events.get(i)?;
        Some(EventLabels {
            seq: self.arrival(i),
            time: e.time,
            target: e.parties.target_label(),
            actor: e.parties.actor_label(),
            actor_kind: e.parties.actor_kind,
            whole: true,
            finding: None,
        })
    }

    /// The arrival number of `events[i]` among all distinct events (`i` itself after a
    /// plain scan, which keeps every event whole).
    pub fn arrival(&self, i: usize) -> u32 {
        match self.whole_seq.get(i) {
            Some(&s) if self.headless => s,
            _ => u32::try_from(i).unwrap_or(u32::MAX),
        }
    }
}

impl ScanReport {
    /// The indexes in `events` of every event behind finding `at`, in the order they
    /// joined it: lean events are made whole first (the drill-down shows each). A lean
    /// event whose fields cannot be read back is left out (said as a problem).
    pub fn row_event_indexes(&mut self, at: usize) -> Vec<usize> {
        let Some(f) = self.findings.get(at) else {
            return Vec::new();
        };
        if !self.headless {
            return f.events.clone();
        }
        let members = f.totals.members.clone();
        members
            .into_iter()
            .filter_map(|r| match EventRef::unpack(r) {
                EventRef::Whole(i) => Some(i),
                EventRef::Lean(j) => self.lean.promoted(j).or_else(|| self.make_whole(j)),
            })
            .collect()
    }

    /// [`ScanReport::row_event_indexes`] without changing the report: `None` when one of
    /// the row's events is still kept lean (the workbench's drill-down while a report
    /// being written shares the rows).
    pub fn row_event_indexes_made(&self, at: usize) -> Option<Vec<usize>> {
        let Some(f) = self.findings.get(at) else {
            return Some(Vec::new());
        };
        if !self.headless {
            return Some(f.events.clone());
        }
        f.totals
            .members
            .iter()
            .map(|&r| match EventRef::unpack(r) {
                EventRef::Whole(i) => Some(i),
                EventRef::Lean(j) => self.lean.promoted(j),
            })
            .collect()
    }

    /// Makes whole the lean events first read at `file:line` (the context panel opens such
    /// a record as the event's own raw text); their indexes in `events`.
    pub fn make_whole_at(&mut self, file: &str, line: u64) -> Vec<usize> {
        let at: Vec<usize> = self
            .lean
            .iter()
            .map(|(j, _, _)| j)
            .filter(|&j| self.lean.first_source_is(j, file, line))
            .collect();
        at.into_iter().filter_map(|j| self.make_whole(j)).collect()
    }

    /// Whether each STS event is flagged, and its time: every distinct event, kept whole
    /// or lean (the workbench's histogram).
    pub fn event_times(&self) -> impl Iterator<Item = (bool, Option<KqlDateTime>)> + '_ {
        let whole = self.events.iter().map(|e| (e.is_flagged(), e.time));
        let lean = self
            .lean
            .iter()
            .map(|(j, _, time)| (self.lean.labels(j).finding.is_some(), time));
        whole.chain(lean)
    }

    /// The distinct events read that have other records (same id), whole, in the order
    /// read (lean ones made whole for the call).
    pub fn events_with_duplicates(&self) -> Vec<std::borrow::Cow<'_, StsEvent>> {
        let mut out: Vec<(u32, std::borrow::Cow<'_, StsEvent>)> = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.duplicates.is_some())
            .map(|(i, e)| (self.arrival(i), std::borrow::Cow::Borrowed(e)))
            .collect();
        for j in self.lean.with_duplicates() {
            let row = self
                .lean
                .labels(j)
                .finding
                .map(|at| self.finding_rows[at].clone());
            if let Ok(e) = self.lean.whole_event(j, row) {
                out.push((self.lean.seq(j), std::borrow::Cow::Owned(e)));
            }
        }
        out.sort_by_key(|(seq, _)| *seq);
        out.into_iter().map(|(_, e)| e).collect()
    }
}
