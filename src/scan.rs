//! A whole scan: every path, every file, gathered into the findings (the query's distinct
//! rows with the events behind them), the near misses, and what could not be read.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::load::decode::{REPLACEMENT, has_replacement};
use crate::load::{self, LoadError, ScanMessage, ScanOptions};
use crate::model::{FileSummary, Finding, Outcome, Problem, ResultRow, StsEvent};

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
    finding_index: HashMap<ResultRow, usize>,
}

impl ScanReport {
    /// Takes one message of the loader into the report. Returns the index of a finding that
    /// was created or grew, if any.
    pub fn apply(&mut self, msg: ScanMessage) -> Option<usize> {
        match msg {
            ScanMessage::Event(event) => {
                let idx = self.events.len();
                let rows = match &event.outcome {
                    Outcome::Flagged(rows) => rows.clone(),
                    Outcome::NearMiss(_) => {
                        self.near_misses.push(idx);
                        Vec::new()
                    }
                };
                self.events.push(*event);
                let mut touched = None;
                for row in rows {
                    touched = Some(self.add_row(row, Some(idx), None));
                }
                touched
            }
            ScanMessage::ImportedRow { row, source } => Some(self.add_row(row, None, Some(source))),
            ScanMessage::Problem(p) => {
                self.problems.push(p);
                None
            }
            ScanMessage::FileDone(summary) => {
                self.files.push(summary);
                None
            }
            ScanMessage::FileStarted { .. } | ScanMessage::Progress { .. } => None,
        }
    }

    /// `distinct`: equal rows collapse into one finding that lists every event behind it.
    fn add_row(
        &mut self,
        row: ResultRow,
        event: Option<usize>,
        imported_from: Option<crate::model::SourceRef>,
    ) -> usize {
        let replaced = event.is_some_and(|e| has_replacement(&self.events[e].raw))
            || row.cells().iter().any(|c| c.contains(REPLACEMENT));
        if let Some(&i) = self.finding_index.get(&row) {
            let f = &mut self.findings[i];
            f.replaced |= replaced;
            if let Some(e) = event
                && !f.events.contains(&e)
            {
                f.events.push(e);
            }
            if f.imported_from.is_none() {
                f.imported_from = imported_from;
            }
            return i;
        }
        let i = self.findings.len();
        self.finding_index.insert(row.clone(), i);
        self.findings.push(Finding {
            row,
            events: event.into_iter().collect(),
            imported_from,
            replaced,
        });
        i
    }

    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }
    pub fn sts_events(&self) -> u64 {
        self.files.iter().map(|f| f.sts_events).sum()
    }
    pub fn skipped(&self) -> u64 {
        self.files.iter().map(|f| f.skipped).sum()
    }
    pub fn near_miss_events(&self) -> impl Iterator<Item = &StsEvent> {
        self.near_misses.iter().map(|&i| &self.events[i])
    }
}

/// Scans every path, sending each message to `sink` as it comes. A file named on the
/// command line that cannot be read, or is of no known format, is an error; a file of no
/// known format found inside a folder is reported as a problem and passed over.
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
        match load::scan_file(&path, opts, sink) {
            Ok(_) => {}
            Err(e @ LoadError::UnknownFormat { .. }) if !named => {
                sink(ScanMessage::Problem(Problem {
                    file: path.display().to_string().into(),
                    line: None,
                    message: format!("passed over: {e}"),
                }));
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
