//! The related records read after the rows: the loader's second pass over the files
//! (`tui::loader`, `load::context_pass`). The first pass reads the rows without the context
//! (as `report --no-context` does), so every row is in as soon as the scan alone would have
//! them; then the files are read again for the context only, on the loader's threads, and
//! the index comes back whole and prepared ([`crate::tui::action::Action::ContextRead`]).
//!
//! Until it is in, nothing shown reads it: the hints wait (the Hints column shows a pending
//! mark, [`App::hints_pending`]), the context panel is refused with a word, a report asked
//! for once the rows are in waits for it (made when it comes), a report made during the
//! first pass says in its header that the related records were not read yet, and the
//! header says how far the second pass is. Apart from `context_prep` (the one-pass load's
//! last index prepared on a thread) because this is the load's second reading, not a
//! preparing.

use std::path::PathBuf;

use super::App;
use crate::context::ContextIndex;
use crate::tui::action::Action;

/// The second pass as the screen knows it.
#[derive(Debug, Default)]
pub(super) struct SecondPass {
    /// The loader reads the related records after the rows, and they are not in yet.
    pending: bool,
    /// Bytes read by the second pass so far, and of how many.
    read: (u64, u64),
    /// The index read, kept aside while a report or a hint pass shares the scan (putting
    /// it in would copy the whole scan: `Arc::make_mut`), with what it lacks.
    arrived: Option<(ContextIndex, Option<String>)>,
    /// A report asked for while the related records were read (`E`: its file; `Y`: None):
    /// made once they are in.
    report: Option<Option<PathBuf>>,
    /// The second pass ended with nothing read, or a part dropped (the load stopped before
    /// or while it read).
    none_read: bool,
    /// Files whose related records the second pass did not read, and why (a file that
    /// changed during the load, one that could not be read again).
    unread: Vec<(String, String)>,
}

impl App {
    /// The loader's second pass: announced at the load's start, its progress, its end.
    pub(super) fn second_pass(&mut self, action: Action) {
        match action {
            Action::ContextLater => self.second.pending = true,
            Action::ContextProgress { bytes, total } => {
                self.second.read = (bytes, total);
                self.dirty |= self.loading.done;
            }
            Action::ContextRead {
                index,
                missing,
                unread,
            } => {
                self.second.none_read = index.as_ref().is_none_or(|i| i.coverage().unread());
                self.second.unread = unread;
                // None: the load stopped before they were read; the index says so to every
                // reader of it (never "no related record").
                let index = index.map_or_else(
                    || ContextIndex::unread(crate::context::Coverage::NotRead),
                    |i| *i,
                );
                self.second.arrived = Some((index, missing));
                self.take_read_context();
            }
            _ => {}
        }
    }

    /// The related records are still being read by the second pass (or wait to be put
    /// in): no hint or context that reads them is shown.
    pub fn context_reading(&self) -> bool {
        self.second.pending
    }

    /// The related records are read after the rows and are not in (still read, or never
    /// read: the load stopped): a report made now says so.
    pub fn context_unread(&self) -> bool {
        self.second.pending || self.second.none_read
    }

    /// The files whose related records were not read after their rows, and why: the report
    /// of `E` and `Y` says so (every row of them shows `no related records`, which is then
    /// no finding).
    pub fn related_not_read(&self) -> &[(String, String)] {
        &self.second.unread
    }

    /// How far the second pass is, in percent, while it runs after the rows are in.
    pub fn context_percent(&self) -> Option<u64> {
        let (read, total) = self.second.read;
        (self.second.pending && self.loading.done)
            .then(|| (read.saturating_mul(100) / total.max(1)).min(99))
    }

    /// The index the second pass read is waiting to be put in (the event loop looks again
    /// shortly).
    pub fn context_arrived(&self) -> bool {
        self.second.arrived.is_some()
    }

    /// Puts the index the second pass read into the scan, once nothing else holds the scan;
    /// then the hints are made, and a report waiting for it is started.
    pub(super) fn take_read_context(&mut self) {
        if self.second.arrived.is_none() || std::sync::Arc::strong_count(&self.report) > 1 {
            return;
        }
        let Some((index, missing)) = self.second.arrived.take() else {
            return;
        };
        std::sync::Arc::make_mut(&mut self.report).put_context(index);
        self.second.pending = false;
        if let Some(why) = missing {
            self.keep_error(why);
        }
        // The context hints can be made now.
        self.hints_stale = true;
        self.dirty = true;
        if let Some(to_file) = self.second.report.take() {
            self.start_report(to_file);
        }
    }

    /// Whether the rows' hints shown are not made yet, or not from everything read: while
    /// the load runs, while the related records are read or indexed, and until the hint
    /// pass after them ends (not in follow mode, where the rows keep arriving). The Hints
    /// column then shows a pending mark, the drill-down says more may come.
    pub fn hints_pending(&self) -> bool {
        self.following == 0
            && (!self.loading.done
                || self.second.pending
                || self.context_preparing()
                || self.hints_stale
                || self.hints_progress().is_some())
    }

    /// `E`/`Y` once the rows are in but not the related records: the report waits for
    /// them (its context lines and hints read them); true when it was kept to be made then.
    pub(super) fn report_waits_for_context(&mut self, to_file: &Option<PathBuf>) -> bool {
        if !(self.second.pending && self.loading.done) {
            return false;
        }
        let pct = self.context_percent().unwrap_or(0);
        let what = if to_file.is_some() { "export" } else { "copy" };
        if self.second.report.is_some() {
            self.set_status(format!(
                "a report already waits for the related records ({pct}% read): this {what} was not started"
            ));
            return true;
        }
        self.second.report = Some(to_file.clone());
        self.set_status(format!(
            "the report waits for the related records ({pct}% read): the {what} is made once they are in"
        ));
        true
    }
}
