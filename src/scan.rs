//! A whole scan: every path, every file, gathered into the findings (the query's distinct
//! rows with the events behind them), the near misses, and what could not be read.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

mod ids;

use self::ids::EventIndex;
use crate::intern::{Interner, TextInterner};

use crate::load::decode::REPLACEMENT;
use crate::load::{self, LoadError, NotRead, ScanMessage, ScanOptions};
use crate::model::{
    FileSummary, Finding, NearMissReason, Outcome, Parties, Problem, ResultRow, Rows, StsEvent,
};

/// Everything a scan found. Built up message by message, so the workbench can show rows
/// while a load is still running.
#[derive(Debug, Default, Clone)]
pub struct ScanReport {
    pub files: Vec<FileSummary>,
    pub events: Vec<StsEvent>,
    pub findings: Vec<Finding>,
    /// Indexes into `events` of the near misses, in the order read.
    pub near_misses: Vec<usize>,
    pub problems: Vec<Problem>,
    /// Records of an event already read (same event id): counted once, their `file:line`
    /// kept in the event's `duplicates`.
    pub duplicate_records: u64,
    /// Files found inside a folder that were passed over, with why (also each a problem).
    pub not_read: Vec<NotRead>,
    /// Every record read, compact, for the context of each STS event.
    pub context: crate::context::ContextIndex,
    finding_index: HashMap<ResultRow, usize>,
    /// Each finding's row, shared with the events that give it (`Outcome::Flagged`).
    finding_rows: Vec<Arc<[ResultRow]>>,
    /// The shared copies of the values events repeat (operations, accounts, parties).
    texts: TextInterner,
    parties: Interner<Parties>,
    /// Event id → index in `events`, exact: the table holds only indexes (4 bytes an event)
    /// and compares the ids of the events themselves, so two ids are never taken for one.
    event_index: EventIndex,
    /// Near misses (indexes into `events`) whose damaged record a later whole copy
    /// replaced since the workbench last took this list: their rows are to be made again.
    /// Headless commands read the events at the end and never take it.
    pub rewritten: Vec<usize>,
    /// Keep of a flagged event's parties only what `scan` prints (the target and actor
    /// labels, [`Parties::target_label`] and [`Parties::actor_label`]), shared by the events
    /// with the same two: the full parties (a GUID of the target per event) were about 330
    /// bytes an event. Off for `report` and the workbench, whose hints and context read
    /// every field. A flagged event's `id` (printed only for near misses) is then kept in
    /// the id index as the 16 bytes of its GUID and the event's `id` is empty.
    pub labels_only: bool,
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

/// The distinct rows found so far: each finding's row, indexed.
struct Distinct<'a> {
    findings: &'a mut Vec<Finding>,
    index: &'a mut HashMap<ResultRow, usize>,
    rows: &'a mut Vec<Arc<[ResultRow]>>,
}

impl Distinct<'_> {
    /// `distinct`: the row joins its finding, or makes a new one (the only time it is copied).
    fn merge(
        &mut self,
        row: &ResultRow,
        event: Option<usize>,
        imported_from: Option<crate::model::SourceRef>,
        replaced: bool,
    ) -> usize {
        if let Some(&i) = self.index.get(row) {
            let f = &mut self.findings[i];
            f.replaced |= replaced;
            // An event's rows are added one after the other: a repeat is the last one.
            if let Some(e) = event
                && f.events.last() != Some(&e)
            {
                f.events.push(e);
            }
            if f.imported_from.is_none() {
                f.imported_from = imported_from;
            }
            return i;
        }
        let i = self.findings.len();
        self.index.insert(row.clone(), i);
        self.rows.push(Arc::from([row.clone()]));
        self.findings.push(Finding {
            row: row.clone(),
            events: event.into_iter().collect(),
            imported_from,
            replaced,
        });
        i
    }
}

impl ScanReport {
    /// Takes one message of the loader into the report. Returns the index of a finding that
    /// was created or grew, if any.
    pub fn apply(&mut self, msg: ScanMessage) -> Option<usize> {
        match msg {
            ScanMessage::Event(event) => {
                let event = match self.event_index.get(&self.events, &event.id) {
                    Some(first) => match self.same_event_again(first, event) {
                        Ok(touched) => return touched,
                        Err(event) => event,
                    },
                    None => event,
                };
                let mut event = event;
                let idx = self.events.len();
                let lean = self.labels_only && event.is_flagged();
                if !(lean && self.event_index.compact(&mut event, idx)) {
                    // The id outlives the record it was read from: a copy made here keeps
                    // the long-lived ids together rather than pinning the scanning threads'
                    // memory, where the record's transient strings were (11 MB at 100,000
                    // events).
                    event.id = event.id.as_str().to_owned();
                }
                self.texts.intern(&mut event.operation);
                self.texts.intern(&mut event.actor);
                if lean {
                    event.parties = Arc::new(Parties {
                        target: event.parties.target_label().to_owned(),
                        actor: event.parties.actor_label().to_owned(),
                        ..Parties::default()
                    });
                }
                event.parties = self.parties.intern(&event.parties);
                if matches!(event.outcome, Outcome::NearMiss(_)) {
                    self.near_misses.push(idx);
                }
                let raw_replaced = event.raw.has_replacement();
                self.events.push(*event);
                self.event_index.insert(&self.events, idx);
                // The rows stay with the event; a finding copies one only when it is new, and
                // a one-row event then shares its finding's row (many events, few rows).
                let Self {
                    events,
                    findings,
                    finding_index,
                    finding_rows,
                    ..
                } = self;
                let mut distinct = Distinct {
                    findings,
                    index: finding_index,
                    rows: finding_rows,
                };
                let event = &mut events[idx];
                let Outcome::Flagged(rows) = &event.outcome else {
                    return None;
                };
                let mut touched = None;
                for row in rows {
                    let replaced = raw_replaced || row_has_replacement(row);
                    touched = Some(distinct.merge(row, Some(idx), None, replaced));
                }
                if let (1, Some(at)) = (rows.len(), touched) {
                    event.outcome = Outcome::Flagged(Rows::one(distinct.rows[at].clone()));
                }
                touched
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
                self.context.prepare();
                None
            }
            ScanMessage::FileSoFar(summary) => {
                match self.files.iter_mut().find(|f| f.path == summary.path) {
                    Some(f) => *f = summary,
                    None => self.files.push(summary),
                }
                self.context.prepare();
                None
            }
            ScanMessage::Context(batch) => {
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

    /// Another record of an event already read. It is counted once: its `file:line` joins
    /// the first one's, and a row it gives that the first did not (a CloudAppEvents row
    /// beside the UAL record of the same event) joins that event. A whole copy replaces a
    /// damaged near miss's content. Only where a damaged copy came first and this one is
    /// flagged is it kept as an event of its own (`Err`), so that its row is not lost.
    fn same_event_again(
        &mut self,
        first: usize,
        event: Box<StsEvent>,
    ) -> Result<Option<usize>, Box<StsEvent>> {
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
            whole.parties = self.parties.intern(&whole.parties);
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

    /// `distinct`: equal rows collapse into one finding that lists every event behind it.
    fn add_row(
        &mut self,
        row: &ResultRow,
        event: Option<usize>,
        imported_from: Option<crate::model::SourceRef>,
    ) -> usize {
        let replaced =
            event.is_some_and(|e| self.events[e].raw.has_replacement()) || row_has_replacement(row);
        Distinct {
            findings: &mut self.findings,
            index: &mut self.finding_index,
            rows: &mut self.finding_rows,
        }
        .merge(row, event, imported_from, replaced)
    }

    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }
    /// Distinct STS events (records of the same event id counted once).
    pub fn sts_events(&self) -> u64 {
        self.events.len() as u64
    }
    pub fn skipped(&self) -> u64 {
        self.files.iter().map(|f| f.skipped).sum()
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
    let files = load::expand_paths(paths)?;
    for (path, named) in files {
        if opts
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
        {
            break;
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

/// A file inside a folder that is not read: a problem (the summary's warning) and a
/// [`NotRead`] (the report's "Not read" list, the workbench's problems view).
fn pass_over(path: &std::path::Path, reason: String, sink: &mut dyn FnMut(ScanMessage)) {
    sink(ScanMessage::Problem(Problem {
        file: path.display().to_string().into(),
        line: None,
        message: format!("passed over: {reason}"),
    }));
    sink(ScanMessage::NotRead(NotRead::new(path, reason)));
}

/// Scans every path into one report.
pub fn scan_paths(paths: &[PathBuf], opts: &ScanOptions) -> Result<ScanReport, LoadError> {
    let mut report = ScanReport::default();
    scan_paths_with(paths, opts, &mut |msg| {
        report.apply(msg);
    })?;
    Ok(report)
}
