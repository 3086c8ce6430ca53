//! The same event read again (same id): in another export, twice in one file, or as the
//! UAL record beside its CloudAppEvents row. It is counted once; its place joins the first
//! record's, and a row it gives that the first did not is joined by the event.
//!
//! A record is a copy only when its content is the event's too: the same time (to the
//! second), the same StsRefreshTokensValidFrom old and new values (when the rule read them
//! in both: not where it stopped before them, `StsEvent::valid_from`), and the same IP when
//! both have one. Display fields are not compared (a UAL record and its CloudAppEvents row
//! name the actor differently). A record of a known id with other content is another event,
//! kept as one and reported (`same id, different content`), whichever comes first.

use super::lean::EventRef;
use super::rows::{Distinct, Member};
use super::{ScanReport, is_damaged, row_has_replacement};
use crate::model::{Outcome, Problem, ResultRow, StsEvent};

/// The IP of an event's first row (empty for a near miss).
fn row_ip(e: &StsEvent) -> &str {
    match &e.outcome {
        Outcome::Flagged(rows) => rows.first().map_or("", |r| r.ip_address.as_str()),
        Outcome::NearMiss(_) => "",
    }
}

impl ScanReport {
    /// Whether `new` is a copy of the event `known` (same id): see the module. A damaged
    /// record's content is not known: it is taken for a copy (a whole copy then replaces a
    /// damaged near miss, [`Self::same_event_again`]).
    pub(super) fn same_content(&self, known: EventRef, new: &StsEvent) -> bool {
        if is_damaged(new) {
            return true;
        }
        let whole = match known {
            EventRef::Whole(i) => Some(i),
            EventRef::Lean(j) => self.lean.promoted(j),
        };
        let (time, valid_from, ip) = match (whole, known) {
            (Some(i), _) => {
                let e = &self.events[i];
                if is_damaged(e) {
                    return true;
                }
                (e.time, e.valid_from, row_ip(e))
            }
            (None, EventRef::Lean(j)) => {
                let l = self.lean.labels(j);
                let ip = l
                    .finding
                    .map_or("", |f| self.findings[f].row.ip_address.as_str());
                (l.time, self.lean.valid_from(j), ip)
            }
            (None, EventRef::Whole(_)) => return true,
        };
        let new_ip = row_ip(new);
        time.map(|t| t.timestamp()) == new.time.map(|t| t.timestamp())
            && (valid_from == new.valid_from || valid_from == 0 || new.valid_from == 0)
            && (ip.is_empty() || new_ip.is_empty() || ip == new_ip)
    }

    /// `new` has the id of events already read but none's content: when it and one of
    /// them are near misses, each gets a journal key of its own content
    /// ([`StsEvent::shares_id`]), so that a decision on one never applies to the other.
    /// (A flagged event is decided by its row's values, never by its id.) Lean near misses
    /// are those a report's journal does not name: their key is never looked up.
    pub(super) fn near_misses_share_id(&mut self, new: &mut StsEvent) {
        if new.is_flagged() {
            return;
        }
        let events = super::ids::Events {
            whole: &self.events,
            lean: &self.lean,
        };
        let others = self.event_index.all(&events, &new.id);
        for r in others {
            let i = match r {
                EventRef::Whole(i) => Some(i),
                EventRef::Lean(j) => self.lean.promoted(j),
            };
            match i {
                Some(i) if !self.events[i].is_flagged() => {
                    if !self.events[i].shares_id {
                        self.events[i].shares_id = true;
                        // Its key changed: the workbench makes its row again.
                        self.rewritten.push(i);
                    }
                    new.shares_id = true;
                }
                Some(_) => {}
                // A lean near miss's id is not in the report's journal, nor then `new`'s.
                None => {}
            }
        }
    }

    /// `new` has the id of `known` but not its content: it is kept as an event of its own
    /// (the caller does so), and the two places are reported.
    pub(super) fn different_content(&mut self, known: EventRef, new: &StsEvent) {
        let first = match known {
            EventRef::Whole(i) => self.events[i].source.clone(),
            EventRef::Lean(j) => match self.lean.promoted(j) {
                Some(i) => self.events[i].source.clone(),
                None => self.lean.sources(j)[0].clone(),
            },
        };
        self.problems.push(Problem {
            file: new.source.file.clone(),
            line: Some(new.source.line),
            message: format!(
                "same id, different content: event id {:?} here and at {first} with another time, \
                 StsRefreshTokensValidFrom values or IP; kept as two events",
                new.id
            ),
        });
    }

    /// Another record of an event already read. It is counted once: its `file:line` joins
    /// the first one's, and a row it gives that the first did not (a CloudAppEvents row
    /// beside the UAL record of the same event) joins that event. A whole copy replaces a
    /// damaged near miss's content. Only where a damaged copy came first and this one is
    /// flagged is it kept as an event of its own (`Err`), so that its row is not lost.
    pub(super) fn same_event_again(
        &mut self,
        first: EventRef,
        event: Box<StsEvent>,
    ) -> Result<Option<usize>, Box<StsEvent>> {
        let first = match first {
            EventRef::Lean(j) => return Ok(self.lean_again(j, &event)),
            EventRef::Whole(i) => i,
        };
        let damaged_first = is_damaged(&self.events[first]);
        if damaged_first && event.is_flagged() {
            return Err(event);
        }
        self.duplicate_records += 1;
        let known = &mut self.events[first];
        if damaged_first && !is_damaged(&event) {
            let mut whole = *event;
            let mut sources = known.duplicates.take().unwrap_or_default();
            sources.insert(0, known.source.clone());
            whole.duplicates = Some(sources);
            self.texts.intern(&mut whole.operation);
            self.texts.intern(&mut whole.actor);
            whole.parties = self.share_parties(&whole.parties);
            self.events[first] = whole;
            self.rewritten.push(first);
            return Ok(None);
        }
        known
            .duplicates
            .get_or_insert_default()
            .push(event.source.clone());
        let mut touched = None;
        if let Outcome::Flagged(rows) = &event.outcome {
            for row in rows {
                // The first record's own rows already list this event; so may a row an
                // earlier copy added. Listing the event again would count it twice.
                let own = matches!(&self.events[first].outcome,
                    Outcome::Flagged(known) if known.contains(row));
                let listed = own
                    || self
                        .finding_index
                        .get(row)
                        .is_some_and(|&i| self.findings[i].events.contains(&first));
                if listed {
                    continue;
                }
                touched = Some(self.add_row(row, Some(first), None));
            }
        }
        Ok(touched)
    }

    /// Another record of a lean event (never damaged: it is flagged, or a near miss whose
    /// record is whole). As
    /// [`Self::same_event_again`]: its place joins the event's, and a row it gives that the
    /// event does not is joined by the event; where that row is new, the report needs the
    /// event whole (its context), so it is made whole first.
    fn lean_again(&mut self, j: usize, event: &StsEvent) -> Option<usize> {
        self.duplicate_records += 1;
        match self.lean.promoted(j) {
            Some(i) => self.events[i]
                .duplicates
                .get_or_insert_default()
                .push(event.source.clone()),
            None => self.lean.add_duplicate(j, event.source.clone()),
        }
        let Outcome::Flagged(rows) = &event.outcome else {
            return None;
        };
        let packed = EventRef::Lean(j).pack();
        let mut touched = None;
        for row in rows {
            // Made whole by an earlier row of this copy: on as for a whole event.
            if let Some(i) = self.lean.promoted(j) {
                let listed = self
                    .finding_index
                    .get(row)
                    .is_some_and(|&f| self.findings[f].totals.members.contains(&packed))
                    || matches!(&self.events[i].outcome,
                        Outcome::Flagged(known) if known.contains(row))
                    || self
                        .finding_index
                        .get(row)
                        .is_some_and(|&f| self.findings[f].events.contains(&i));
                if !listed {
                    touched = Some(self.add_lean_row(row, i, j));
                }
                continue;
            }
            let l = self.lean.labels(j);
            // A lean near miss gives no row of its own.
            let own = l.finding.is_some_and(|f| self.findings[f].row == *row);
            let known = self.finding_index.get(row).copied();
            let listed =
                own || known.is_some_and(|f| self.findings[f].totals.members.contains(&packed));
            if listed {
                continue;
            }
            let member = Member {
                r: EventRef::Lean(j),
                time: l.time,
                target: l.target,
                actor: l.actor,
            };
            let replaced = l.replaced || row_has_replacement(row);
            let lean_ok = known.is_some_and(|f| !self.findings[f].events.is_empty());
            if lean_ok || self.labels_only {
                // `scan` reads no event whole: a row whose first event is lean is fine.
                let mut distinct = Distinct {
                    findings: &mut self.findings,
                    index: &mut self.finding_index,
                    rows: &mut self.finding_rows,
                    headless: self.headless,
                };
                touched = Some(distinct.merge(row, Some(member), None, replaced));
                continue;
            }
            touched = self.make_whole(j).map(|i| self.add_lean_row(row, i, j));
        }
        touched
    }

    /// Lean event `j` made whole, at the end of `events` (its rows keep listing it lean).
    /// None when its context fields cannot be read back (the spill file failed): it is then
    /// counted in no new row, which is said as a problem.
    pub(super) fn make_whole(&mut self, j: usize) -> Option<usize> {
        let i = self.events.len();
        let row = self
            .lean
            .labels(j)
            .finding
            .map(|at| self.finding_rows[at].clone());
        match self.lean.make_whole(j, row, i) {
            Ok(mut event) => {
                event.parties = self.share_parties(&event.parties);
                self.events.push(event);
                self.whole_seq.push(self.lean.seq(j));
                Some(i)
            }
            Err(e) => {
                let sources = self.lean.sources(j);
                self.problems.push(Problem {
                    file: sources[0].file.clone(),
                    line: Some(sources[0].line),
                    message: format!(
                        "a copy of this event gives another row, which is not reported: its context could not be read back ({e})"
                    ),
                });
                None
            }
        }
    }

    /// A row joined by lean event `j` made whole (`events[i]`, whose raw text is not kept:
    /// whether it held a replacement character is the lean event's).
    fn add_lean_row(&mut self, row: &ResultRow, i: usize, j: usize) -> usize {
        let at = self.add_row(row, Some(i), None);
        self.findings[at].replaced |= self.lean.labels(j).replaced;
        at
    }

    /// `distinct`: equal rows collapse into one finding that lists every event behind it.
    pub(super) fn add_row(
        &mut self,
        row: &ResultRow,
        event: Option<usize>,
        imported_from: Option<crate::model::SourceRef>,
    ) -> usize {
        let replaced =
            event.is_some_and(|e| self.events[e].raw.has_replacement()) || row_has_replacement(row);
        let member = event.map(|e| Member::whole(e, &self.events[e]));
        Distinct {
            findings: &mut self.findings,
            index: &mut self.finding_index,
            rows: &mut self.finding_rows,
            headless: self.headless,
        }
        .merge(row, member, imported_from, replaced)
    }
}
