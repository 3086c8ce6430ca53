//! A whole scan: every path, every file, gathered into the findings (the query's distinct
//! rows with the events behind them), the near misses, and what could not be read.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

mod again;
mod conflict;
mod filing;
mod ids;
mod lean;
pub(crate) use lean::near_miss_can_be_lean;
mod moving;
mod passed_over;
mod prepare;
mod rows;
mod sharded;
mod spill;
mod totals;
mod twins;

pub use self::conflict::IdConflict;
use self::filing::Hashes;
use self::ids::{EventIndex, Events, Found};
use self::lean::{EventRef, LeanEvents};
use self::passed_over::is_text_name;
pub use self::passed_over::other_files_line;
pub(crate) use self::passed_over::{pass_over, pass_over_other};
use self::rows::{Distinct, Member};
pub use self::totals::{EventLabels, RowEvent, RowMember, RunEvent};
use crate::intern::{Interner, TextInterner};

use crate::load::decode::REPLACEMENT;
use crate::load::{self, LoadError, NotRead, ScanMessage, ScanOptions};
use crate::model::{
    EventParties, FileSummary, Finding, NearMissReason, Outcome, Problem, ResultRow, Rows, StsEvent,
};

/// Everything a scan found. Built up message by message, so the workbench can show rows
/// while a load is still running.
#[derive(Debug, Default, Clone)]
pub struct ScanReport {
    pub files: Vec<FileSummary>,
    pub events: Vec<StsEvent>,
    pub findings: Vec<Finding>,
    /// Indexes into `events` of the near misses kept whole, in the order read: every near
    /// miss, except in a report given [`ScanReport::near_misses_to_keep`] (then
    /// [`ScanReport::near_miss_count`] counts them all).
    pub near_misses: Vec<usize>,
    pub problems: Vec<Problem>,
    /// Pairs of records of one event id with different content, kept as two events
    /// (`scan::conflict`): each also a problem, and the `conflict` hint of both.
    pub id_conflicts: Vec<IdConflict>,
    /// Records of an event already read (same event id, or the same change under another
    /// export's id: `scan::twins`): counted once, their `file:line` kept in the event's
    /// `duplicates`.
    pub duplicate_records: u64,
    /// Each flagged copy (a record of an event that is not its canonical record): the
    /// finding its own row is (made, folded, when no event gives it) and whether that is not
    /// a row of its event (counted in [`ScanReport::folded_records`]). Kept for copies only,
    /// so that a move (`scan::again`) counts them again against the new canonical record.
    /// Keyed by place and event ([`again::CopyKey`]): `file:line` alone is every record of
    /// a one-line JSON document, whose copies then overwrote each other's and the count
    /// depended on the order the files were read.
    copy_rows: HashMap<again::CopyKey, (u32, bool)>,
    /// Records of an event whose own row is not the event's: copies of an event whose
    /// canonical record (CloudAppEvents, then UAL, then Entra AuditLogs; see
    /// [`crate::model::SourceKind::rank`]) gives another row. Each is listed among its
    /// event's copies, never as a row of its own.
    pub folded_records: u64,
    /// [`ScanReport::folded_records`] by the file they were read from.
    pub folded_from: std::collections::BTreeMap<Arc<str>, u64>,
    /// Findings an event left since the workbench last took this list (its canonical
    /// record was read after another copy): their text is to be made again, and a finding
    /// left with no event is no longer shown ([`Finding::is_folded`]).
    pub regrouped: Vec<usize>,
    /// Files found inside a folder that were passed over, with why (also each a problem).
    pub not_read: Vec<NotRead>,
    /// Every record read, compact, for the context of each STS event.
    pub context: crate::context::ContextIndex,
    finding_index: rows::RowIndex,
    /// Each finding's row, shared with the events that give it (`Outcome::Flagged`).
    finding_rows: Vec<Arc<[ResultRow]>>,
    /// The shared copies of the values events repeat (operations, accounts, parties).
    texts: TextInterner,
    parties: Interner<EventParties>,
    /// Event id → the event, exact: the table holds only 4-byte references and compares the
    /// ids of the events themselves, so two ids are never taken for one.
    event_index: EventIndex,
    /// STS events by second, target and actor: the same change under another id in
    /// another export (`scan::twins`).
    twin_index: twins::TwinIndex,
    /// Flagged events the headless commands keep as a few numbers (see `headless`).
    lean: LeanEvents,
    /// Headless: the arrival number of each event in `events` (lean events have theirs).
    whole_seq: Vec<u32>,
    /// Distinct STS events read (records of the same id counted once).
    distinct_events: u64,
    /// Near misses (indexes into `events`) whose damaged record a later whole copy
    /// replaced since the workbench last took this list: their rows are to be made again.
    /// Headless commands read the events at the end and never take it.
    pub rewritten: Vec<usize>,
    /// Keep of a flagged event's parties only what `scan` prints (the target and actor
    /// labels, [`Parties::target_label`] and [`Parties::actor_label`]), shared by the events
    /// with the same two: the full parties (a GUID of the target per event) were about 330
    /// bytes an event. Off for `report` and the workbench, whose hints and context read
    /// every field.
    pub labels_only: bool,
    /// Headless commands (`scan`, `report`): a flagged event with one row that an event
    /// kept whole already gives is kept lean (`scan::lean`: 64 bytes, its context fields
    /// for the report on a temporary file) and only counted in its row's
    /// [`crate::model::RowTotals`]; the outputs read the totals. The workbench sets it
    /// with [`ScanReport::lean_shown`] (a report made by a scan that keeps every event
    /// whole, as the tests make, works the same).
    pub headless: bool,
    /// The report, headless, with its journal read before the scan: the ids of the near
    /// misses the journal has a decision on (`event:<id>` keys), the only near misses it
    /// prints. Any other near miss is only counted (and read by the `bulk` hint's windows),
    /// so it is kept lean as a flagged event is (`scan::lean`), unless its record is damaged
    /// (a later whole copy may replace it). None: every near miss is kept whole.
    pub near_misses_to_keep: Option<HashSet<String>>,
    /// Near misses kept lean (see `near_misses_to_keep`).
    lean_near_misses: usize,
    /// The workbench, with [`ScanReport::headless`]: flagged events are kept lean as the
    /// headless commands keep them, with what makes one whole again when it is shown (the
    /// place of its raw text, its context fields, on the spill file: `scan::lean`), so that
    /// memory holds about 64 bytes per flagged event; an event whose raw text is held in
    /// memory (follow mode) or whose trace is kept (a CSV row) stays whole. The hints read
    /// every event ([`ScanReport::row_events`]).
    pub lean_shown: bool,
    /// A headless report: the context index is not prepared at each file's end but once,
    /// after the scan, by [`ScanReport::prepare_context_beside`] (with the hint tables made
    /// beside its lookups).
    pub prepare_after_scan: bool,
}

/// A near miss whose record could not be read whole: a later whole copy of the same event
/// tells more.
fn is_damaged(e: &StsEvent) -> bool {
    matches!(
        e.near_miss_reason(),
        Some(
            NearMissReason::RecordCut { .. }
                | NearMissReason::AuditDataUnusable { .. }
                | NearMissReason::UnparseableValues { .. }
        )
    )
}

/// Some text cell of the row holds U+FFFD (numbers and booleans cannot).
fn row_has_replacement(row: &ResultRow) -> bool {
    [
        &row.account_object_id,
        &row.account_display_name,
        &row.role,
        &row.ip_address,
        &row.isp,
    ]
    .iter()
    .any(|c| c.contains(REPLACEMENT))
}

impl ScanReport {
    /// Takes one message of the loader into the report. Returns the index of a finding that
    /// was created or grew, if any.
    pub fn apply(&mut self, msg: ScanMessage) -> Option<usize> {
        match msg {
            ScanMessage::Event(event) => {
                let hashes = self.hashes(&event);
                let events = Events {
                    whole: &self.events,
                    lean: &self.lean,
                };
                let found = self.event_index.find(&events, &event.id, hashes.id, |r| {
                    self.same_content(r, &event)
                });
                let event = match found {
                    Found::Copy(first) => match self.same_event_again(first, event) {
                        Ok(touched) => return touched,
                        Err(event) => event,
                    },
                    Found::Other(first) => {
                        self.different_content(first, &event);
                        let mut event = event;
                        self.near_misses_share_id(&mut event);
                        event
                    }
                    Found::None => match self.twin_of(&event, hashes.twin) {
                        Some(first) => match self.same_event_again(first, event) {
                            Ok(touched) => return touched,
                            Err(event) => event,
                        },
                        None => event,
                    },
                };
                self.new_event(event, hashes)
            }
            ScanMessage::ImportedRow { row, source } => {
                Some(self.add_row(&row, None, Some(source)))
            }
            ScanMessage::Problem(p) => {
                self.problems.push(p);
                None
            }
            ScanMessage::FileDone(summary) => {
                self.files.push(summary);
                if !self.prepare_after_scan {
                    self.context.prepare();
                    self.context_prepared();
                }
                None
            }
            ScanMessage::FileSoFar(summary) => {
                match self.files.iter_mut().find(|f| f.path == summary.path) {
                    Some(f) => *f = summary,
                    None => self.files.push(summary),
                }
                if !self.prepare_after_scan {
                    self.context.prepare();
                }
                None
            }
            ScanMessage::Context(batch) => {
                if self.headless {
                    // The report relates events to records only once a file is read: the
                    // records wait on a temporary file until then, not beside the scan's
                    // blocks (the index's `hold_on_disk`).
                    self.context.hold_on_disk();
                }
                self.context.absorb(&batch);
                None
            }
            ScanMessage::NotRead(not_read) => {
                self.not_read.push(not_read);
                None
            }
            ScanMessage::FileStarted { .. } | ScanMessage::Progress { .. } => None,
        }
    }

    /// A file's end whose context index the caller prepares: the file is filed as
    /// [`ScanReport::apply`] files it, and the index, not yet prepared, is taken out (an
    /// empty one left in its place) so that the workbench prepares it off its screen thread
    /// ([`crate::context::ContextIndex::prepare`] sorts and indexes every record: seconds at
    /// 2,000,000 events) and gives it back with [`ScanReport::put_context`].
    pub fn file_done_unprepared(&mut self, summary: FileSummary) -> crate::context::ContextIndex {
        self.files.push(summary);
        std::mem::take(&mut self.context)
    }

    /// The index taken by [`ScanReport::file_done_unprepared`], prepared: put back, and a
    /// failure to keep its records on disk said as a problem of the last file, as
    /// [`ScanReport::apply`] says it.
    pub fn put_context(&mut self, context: crate::context::ContextIndex) {
        self.context = context;
        self.context_prepared();
    }

    /// After the index was prepared at a file's end: a failure to keep the related records
    /// on a temporary file is a problem of that file (the context may lack some).
    fn context_prepared(&mut self) {
        if let Some(e) = self.context.take_disk_error() {
            let file: Arc<str> = self
                .files
                .last()
                .map_or_else(|| "".into(), |f| f.path.as_str().into());
            self.problems.push(Problem {
                file,
                line: None,
                message: format!(
                    "the related records could not be kept on a temporary file ({e}): \
                     some may be missing from the context"
                ),
            });
        }
    }

    /// A distinct event: kept lean when it can be (see [`ScanReport::headless`]), else whole.
    fn new_event(&mut self, event: Box<StsEvent>, hashes: Hashes) -> Option<usize> {
        let seq = u32::try_from(self.distinct_events).unwrap_or(u32::MAX);
        self.distinct_events += 1;
        if let Some(at) = self.lean_row(&event) {
            let replaced =
                event.raw.has_replacement() || row_has_replacement(&self.findings[at].row);
            if let Ok(j) = self.lean.push(&event, Some(at), seq, replaced) {
                let events = Events {
                    whole: &self.events,
                    lean: &self.lean,
                };
                hashes.file(
                    &mut self.event_index,
                    &mut self.twin_index,
                    &events,
                    EventRef::Lean(j),
                );
                let l = self.lean.labels(j);
                let member = Member {
                    r: EventRef::Lean(j),
                    time: l.time,
                    target: l.target,
                    actor: l.actor,
                    actor_kind: l.actor_kind,
                    targets_differ: event.parties.targets_differ,
                };
                self.findings[at].replaced |= replaced;
                Distinct {
                    findings: &mut self.findings,
                    index: &mut self.finding_index,
                    rows: &mut self.finding_rows,
                    headless: self.headless,
                }
                .join(at, member);
                return Some(at);
            }
        }
        if self.lean_near_miss(&event)
            && let Ok(j) = self
                .lean
                .push(&event, None, seq, event.raw.has_replacement())
        {
            let events = Events {
                whole: &self.events,
                lean: &self.lean,
            };
            hashes.file(
                &mut self.event_index,
                &mut self.twin_index,
                &events,
                EventRef::Lean(j),
            );
            self.lean_near_misses += 1;
            return None;
        }
        let mut event = event;
        let idx = self.events.len();
        // The id outlives the record it was read from: a copy made here keeps the long-lived
        // ids together rather than pinning the scanning threads' memory, where the record's
        // transient strings were (11 MB at 100,000 events).
        event.id = event.id.as_str().to_owned();
        self.texts.intern(&mut event.operation);
        self.texts.intern(&mut event.actor);
        if self.labels_only && event.is_flagged() {
            // The actor's id stays for the copy rule (`scan::again`): shared, as few as
            // the actors.
            event.parties = Arc::new(EventParties {
                target: event.parties.target_label().into(),
                actor: event.parties.actor_label().into(),
                actor_id: event.parties.actor_id.clone(),
                actor_kind: event.parties.actor_kind,
                targets_differ: event.parties.targets_differ,
                ..EventParties::default()
            });
        }
        event.parties = self.share_parties(&event.parties);
        if matches!(event.outcome, Outcome::NearMiss(_)) {
            self.near_misses.push(idx);
        }
        if self.headless {
            self.whole_seq.push(seq);
        }
        self.push_whole(*event, &hashes)
    }

    /// The shared copy of an event's parties: the one already kept when another event has
    /// the same four texts, else these with each text shared ([`TextInterner`]: a target,
    /// an actor and their ids repeat from event to event even where the four together do not).
    fn share_parties(&mut self, parties: &Arc<EventParties>) -> Arc<EventParties> {
        if let Some(known) = self.parties.get(parties) {
            return known;
        }
        let mut p = EventParties::clone(parties);
        for t in [
            &mut p.target,
            &mut p.target_id,
            &mut p.actor,
            &mut p.actor_id,
        ] {
            self.texts.intern_copy(t);
        }
        self.parties.intern(&Arc::new(p))
    }

    /// The finding a flagged event would join as a lean event: headless, one row, and a row
    /// that an event kept whole already gives (whose first event the report's context reads).
    fn lean_row(&mut self, event: &StsEvent) -> Option<usize> {
        if !self.headless {
            return None;
        }
        let Outcome::Flagged(rows) = &event.outcome else {
            return None;
        };
        let [row] = &rows[..] else {
            return None;
        };
        // Shown whole on demand: the raw text must be on disk, the trace made from it.
        if self.lean_shown && (!event.raw.is_stored() || event.trace_kept.is_some()) {
            return None;
        }
        let at = self.finding_index.get(&self.findings, row)?;
        if self.findings[at].events.is_empty() || !self.lean.accepts(!self.labels_only) {
            return None;
        }
        Some(at)
    }

    /// Whether a near miss is kept lean: a headless report's, not decided on in its journal,
    /// its record not damaged (see [`ScanReport::near_misses_to_keep`]).
    fn lean_near_miss(&mut self, event: &StsEvent) -> bool {
        let Some(keep) = &self.near_misses_to_keep else {
            return false;
        };
        self.headless
            && lean::near_miss_can_be_lean(event)
            && !keep.contains(event.id.as_str())
            && self.lean.accepts(!self.labels_only)
    }

    /// Files an event kept whole at the end of `events` and adds it to its rows.
    fn push_whole(&mut self, event: StsEvent, hashes: &Hashes) -> Option<usize> {
        let idx = self.events.len();
        let raw_replaced = event.raw.has_replacement();
        self.events.push(event);
        let events = Events {
            whole: &self.events,
            lean: &self.lean,
        };
        hashes.file(
            &mut self.event_index,
            &mut self.twin_index,
            &events,
            EventRef::Whole(idx),
        );
        // The rows stay with the event; a finding copies one only when it is new, and
        // a one-row event then shares its finding's row (many events, few rows).
        let Self {
            events,
            findings,
            finding_index,
            finding_rows,
            headless,
            ..
        } = self;
        let mut distinct = Distinct {
            findings,
            index: finding_index,
            rows: finding_rows,
            headless: *headless,
        };
        let event = &mut events[idx];
        let Outcome::Flagged(rows) = &event.outcome else {
            return None;
        };
        let mut touched = None;
        for row in rows {
            let replaced = raw_replaced || row_has_replacement(row);
            touched = Some(distinct.merge(row, Some(Member::whole(idx, event)), None, replaced));
        }
        if let (1, Some(at)) = (rows.len(), touched) {
            event.outcome = Outcome::Flagged(Rows::one(distinct.rows[at].clone()));
        }
        touched
    }

    /// The query's distinct rows: every finding but those whose events all moved to the
    /// row of their canonical record ([`Finding::is_folded`]).
    pub fn rows_flagged(&self) -> usize {
        self.findings.iter().filter(|f| !f.is_folded()).count()
    }

    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }
    /// Distinct STS events (records of the same event id counted once).
    pub fn sts_events(&self) -> u64 {
        self.distinct_events
    }

    pub fn skipped(&self) -> u64 {
        self.files.iter().map(|f| f.skipped).sum()
    }
    /// Every distinct near miss: those kept whole (`near_misses`) and those kept lean.
    pub fn near_miss_count(&self) -> usize {
        self.near_misses.len() + self.lean_near_misses
    }
    pub fn near_miss_events(&self) -> impl Iterator<Item = &StsEvent> {
        self.near_misses.iter().map(|&i| &self.events[i])
    }
}

/// Scans every path, sending each message to `sink` as it comes. A file named on the
/// command line that cannot be read, or is of no known format, is an error; a file found
/// inside a folder that is of no known format, empty, unreadable (no permission, a dangling
/// link, gone since the folder was listed) or not a regular file is reported (a problem and
/// a [`NotRead`]) and passed over, and the other files are read.
pub fn scan_paths_with(
    paths: &[PathBuf],
    opts: &ScanOptions,
    sink: &mut dyn FnMut(ScanMessage),
) -> Result<(), LoadError> {
    let found = load::walk_paths(paths)?;
    for found in found {
        if opts
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
        {
            break;
        }
        let (path, named) = match found {
            load::Found::Read { path, named } => (path, named),
            load::Found::PassedOver { path, reason } => {
                // Passed over by its name (a hidden file, a journal): listed too.
                pass_over(&path, reason, sink);
                continue;
            }
            load::Found::Other { path, what } => {
                pass_over_other(&path, what, None, sink);
                continue;
            }
        };
        if opts
            .partial
            .as_ref()
            .is_some_and(|p| p.unread.contains(&path.display().to_string()))
        {
            // Not read by the stopped load whose report is checked: not in the report.
            continue;
        }
        if !named {
            // A FIFO or a device inside a folder could block the reading forever.
            let kind = std::fs::metadata(&path).map(|m| m.file_type());
            if let Ok(t) = kind
                && !t.is_file()
            {
                let reason = if t.is_dir() {
                    match std::fs::read_dir(&path) {
                        Err(e) => format!("unreadable folder: {e}"),
                        Ok(_) => "a folder that could not be listed".to_owned(),
                    }
                } else {
                    "not a regular file (a FIFO, socket or device)".to_owned()
                };
                pass_over(&path, reason, sink);
                continue;
            }
        }
        match load::scan_file(&path, opts, sink) {
            Ok(_) => {}
            // A text file of no known format inside a folder: a note, listed quietly.
            Err(LoadError::UnknownFormat { why, .. }) if !named && is_text_name(&path) => {
                pass_over_other(&path, "note", Some(why), sink);
            }
            Err(LoadError::UnknownFormat { why, .. }) if !named => {
                pass_over(
                    &path,
                    format!("not a file of any known format ({why})"),
                    sink,
                );
            }
            Err(LoadError::Unreadable { error, .. }) if !named => {
                pass_over(&path, format!("unreadable: {error}"), sink);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Scans every path into one report.
pub fn scan_paths(paths: &[PathBuf], opts: &ScanOptions) -> Result<ScanReport, LoadError> {
    let mut report = ScanReport::default();
    scan_paths_with(paths, opts, &mut |msg| {
        report.apply(msg);
    })?;
    Ok(report)
}
