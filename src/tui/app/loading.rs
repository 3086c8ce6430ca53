//! Messages from the background load: rows arrive, files finish, the load ends or is
//! stopped.

use std::time::Instant;

use super::context_prep::Preparing;
use super::{App, Effect, finding_text, near_miss_text};
use crate::load::ScanMessage;

/// What the load changed since the last frame.
#[derive(Debug, Default)]
pub(super) struct Arrivals {
    /// Flagged rows that got another event since the last frame, once each.
    touched: Vec<usize>,
    /// Per flagged row: listed in `touched` or `round`.
    marked: Vec<bool>,
    /// The rows whose text is being made again, a slice a frame (`App::hint_budget`): the
    /// rows of `touched` when the remaking started; rows touched meanwhile wait for the
    /// next one.
    round: Vec<usize>,
    /// Events read when the changed rows' text was last made, and the histogram: while a
    /// load runs they are made again only once the events have grown by an eighth (see
    /// `paced`; the histogram reads every event, a row's text all its distinct parties).
    remade_at: usize,
    histogram_at: Option<usize>,
    /// Files done when the hints were last made: while a load runs, the hints (which
    /// read the context index, complete at a file's end) are made at each file's end.
    hints_at_files: Option<usize>,
    /// Flagged rows that folded (their events are copies of another row's events, read
    /// since: `Finding::is_folded`): a decision on one is applied to no row, and the
    /// header counts it among the rows to decide again ([`App::folded_decisions`]).
    pub(super) folded: Vec<usize>,
    /// Per flagged row, its hints as last made (the drill-down shows them without
    /// reading every event again).
    pub(super) hints: Vec<Vec<crate::hints::Hint>>,
    /// The pass making every row's hints, while under way (`App::step_hints`).
    pub(super) pass: Option<crate::hints::RowHintsPass>,
    /// What the last pass's hints read of the whole scan: one row's hints are made with
    /// them on demand (the drill-down of a row the pass has not given its hints yet).
    pub(super) tables: Option<std::sync::Arc<crate::hints::Tables>>,
    /// The last file's context index being prepared on its own thread
    /// ([`App::context_off_thread`]).
    pub(super) preparing: Option<Preparing>,
}

/// Whether work that reads every event read so far is due again while a load runs: once
/// the events have grown by an eighth since it was last done (at least 4,096), so that
/// all of it together costs a few times one pass over the events, not one pass a frame.
fn paced(last: usize, now: usize) -> bool {
    now >= last + (last / 8).max(4096)
}

/// Progress of the background load.
#[derive(Debug, Clone)]
pub struct Loading {
    pub started: Instant,
    pub files_total: usize,
    pub files_done: usize,
    pub bytes_total: u64,
    pub bytes_done_files: u64,
    pub bytes_current: u64,
    /// Records read in the current file, and in the files done.
    pub records_current: u64,
    pub records_done_files: u64,
    pub current_file: String,
    /// The size of the file being read, in bytes (0: not known, or standard input).
    pub current_size: u64,
    pub done: bool,
    pub cancelled: bool,
    pub error: Option<String>,
    pub finished_at: Option<Instant>,
    /// The last file is read: the context index and the hints are being made and every
    /// row sorted (said on screen until the load's end is taken).
    pub sorting: bool,
    /// Every file the load was to read, as the scan names them.
    pub names: Vec<String>,
    /// The last file done: name, bytes read (as last reported), size, records.
    last_done: Option<(String, u64, u64, u64)>,
    /// Where a load the analyst stopped stopped (None: everything was read).
    pub cut: Option<Cut>,
}

/// Where a load stopped by the analyst (Ctrl+C) stopped: what the findings do not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The file being read: name, bytes read (about: reads are buffered), size, records.
    pub file: Option<(String, u64, u64, u64)>,
    /// Files not read at all.
    pub unread: Vec<String>,
}

impl Cut {
    /// One line: which file stopped where, and what was not read.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some((name, read, size, records)) = &self.file {
            parts.push(format!(
                "{name} read to about byte {read} of {size} ({})",
                crate::tui::count::count(*records, "record")
            ));
        }
        if !self.unread.is_empty() {
            parts.push(format!(
                "{} not read: {}",
                crate::tui::count::count(self.unread.len(), "file"),
                self.unread.join(", ")
            ));
        }
        format!("load stopped by the analyst: {}", parts.join("; "))
    }
}

/// A load that has not read everything (see [`App::load_gaps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadGaps {
    /// The analyst stopped it (Ctrl+C).
    pub stopped: bool,
    /// The loader is still at work (loading, or winding down after Ctrl+C).
    pub reading: bool,
    pub files_read: usize,
    pub files_total: usize,
    /// Bytes read so far (None once the load is over: the cut says where it stopped).
    pub bytes_read: Option<u64>,
    pub bytes_total: u64,
    /// The file being (or last) read in part, and the files not read at all.
    pub cut: Cut,
    /// The related records are read after the rows and were not when this was made (or
    /// never: the load stopped): the report's context lines and context hints lack them.
    pub context_unread: bool,
}

impl LoadGaps {
    /// One line for the report's header and the status.
    pub fn describe(&self) -> String {
        let unread = if self.context_unread {
            "; related records not read (they are read after the rows): no context line or context hint is made from them"
        } else {
            ""
        };
        if !self.reading {
            return format!("{}{unread}", self.cut.describe());
        }
        let mut parts = vec![format!(
            "{} when this was made: {} of {} read",
            if self.stopped {
                "load stopped by the analyst, still winding down"
            } else {
                "still loading"
            },
            self.files_read,
            crate::tui::count::count(self.files_total, "file")
        )];
        if let Some(read) = self.bytes_read {
            parts.push(format!("{read} of {} bytes read", self.bytes_total));
        }
        if let Some((name, read, size, records)) = &self.cut.file {
            parts.push(format!(
                "{name} being read, to about byte {read} of {size} ({})",
                crate::tui::count::count(*records, "record")
            ));
        }
        if !self.cut.unread.is_empty() {
            parts.push(format!(
                "{} not read yet: {}",
                crate::tui::count::count(self.cut.unread.len(), "file"),
                self.cut.unread.join(", ")
            ));
        }
        format!("{}{unread}", parts.join("; "))
    }
}

impl Default for Loading {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            files_total: 0,
            files_done: 0,
            bytes_total: 0,
            bytes_done_files: 0,
            bytes_current: 0,
            records_current: 0,
            records_done_files: 0,
            current_file: String::new(),
            current_size: 0,
            done: false,
            cancelled: false,
            error: None,
            finished_at: None,
            sorting: false,
            names: Vec::new(),
            last_done: None,
            cut: None,
        }
    }
}

impl App {
    pub(super) fn load_plan(&mut self, files: usize, bytes: u64, names: Vec<String>) {
        self.loading.files_total = files;
        self.loading.bytes_total = bytes;
        self.loading.names = names;
    }

    /// After a stopped load: the file cut short and the files never read.
    fn cut(&self) -> Option<Cut> {
        let file = self
            .loading
            .last_done
            .clone()
            .filter(|(_, read, size, _)| read < size);
        let unread: Vec<String> = self
            .loading
            .names
            .iter()
            .filter(|n| !self.report.files.iter().any(|f| &f.path == *n))
            .cloned()
            .collect();
        (file.is_some() || !unread.is_empty()).then_some(Cut { file, unread })
    }

    /// What the findings do not cover, from the load state the header shows: `None` once
    /// everything was read (or a follow load read every file to its end once). The report
    /// of `Y` and `E` and the header's `PARTIAL LOAD` both come from here, so a report made
    /// during a load or after Ctrl+C says so at once, not when the loader has wound down.
    pub fn load_gaps(&self) -> Option<LoadGaps> {
        let ld = &self.loading;
        if ld.done {
            return ld.cut.clone().map(|cut| LoadGaps {
                stopped: true,
                reading: false,
                files_read: self.report.files.len(),
                files_total: ld.files_total.max(self.report.files.len()),
                bytes_read: None,
                bytes_total: ld.bytes_total,
                cut,
                context_unread: self.context_unread(),
            });
        }
        if self.following > 0 {
            return None;
        }
        let file = (!ld.current_file.is_empty()).then(|| {
            (
                ld.current_file.clone(),
                ld.bytes_current,
                ld.current_size,
                ld.records_current,
            )
        });
        let unread: Vec<String> = ld
            .names
            .iter()
            .filter(|n| **n != ld.current_file && !self.report.files.iter().any(|f| &f.path == *n))
            .cloned()
            .collect();
        Some(LoadGaps {
            stopped: ld.cancelled,
            reading: true,
            files_read: ld.files_done,
            files_total: ld.files_total,
            bytes_read: Some(ld.bytes_done_files + ld.bytes_current),
            bytes_total: ld.bytes_total,
            cut: Cut { file, unread },
            context_unread: self.context_unread(),
        })
    }

    /// The load's end: every row is in and sorted once. The last file's context index may
    /// still be being prepared off the screen thread (`context_prep`): it is not waited
    /// for, what reads it waits for it.
    pub(super) fn load_finished(&mut self, error: Option<String>) {
        self.loading.done = true;
        self.loading.sorting = false;
        // Rows were shown in the order read: everything is sorted now, once.
        self.findings.set_appending(false);
        self.near.set_appending(false);
        self.loading.finished_at = Some(Instant::now());
        if let Some(e) = error {
            self.keep_error(format!("load stopped: {e}"));
            self.loading.error = Some(e);
        } else if self.loading.cancelled {
            self.loading.cut = self.cut();
            self.context_cut();
            self.keep_error(super::status::stopped_load(
                self.loading.cut.as_ref(),
                self.findings.items.len(),
                self.near.items.len(),
            ));
        } else if let Some(s) = self.unmatched_said() {
            // After a warning at start (decisions signed `unknown`), not in its place.
            self.keep_error(if self.status_kept() {
                format!("{} · {s}", self.status)
            } else {
                s
            });
        }
        // An analyst who never moved during the load has the first row read highlighted;
        // after the one sort it is somewhere below, and the newest rows would be off screen
        // above it. Start at the top then; a row the analyst moved to stays highlighted.
        let from_top = self.findings.cursor == 0 && self.near.cursor == 0;
        self.refresh_with(from_top, true);
    }

    /// An input's SHA-256, made after the load from the file as it was read: the report
    /// names it. A file already hashed (standard input, follow mode) keeps its own.
    ///
    /// Kept aside while a report or the hint pass shares the scan (`Arc::make_mut` would then
    /// copy the whole scan: 1.1 GB peak at 2M events); set at the next frame with the scan
    /// its own. A report made meanwhile hashes the file itself, as for any input not hashed.
    pub(super) fn input_hashed(&mut self, path: &str, sha256: String) {
        self.hashes_waiting.push((path.to_owned(), sha256));
        self.set_waiting_hashes();
    }

    /// The loader found the input at `path` is not the file it read any more: the report
    /// gives no hash of it, and says `why`.
    pub(super) fn input_not_hashed(&mut self, path: String, why: String) {
        self.not_hashed.retain(|(p, _)| *p != path);
        self.not_hashed.push((path, why));
    }

    /// The inputs the report gives no SHA-256 of, and why ([`Self::input_not_hashed`]).
    pub fn inputs_not_hashed(&self) -> &[(String, String)] {
        &self.not_hashed
    }

    /// Sets the inputs' SHA-256 kept aside by [`Self::input_hashed`], when nothing else
    /// holds the scan.
    pub(super) fn set_waiting_hashes(&mut self) {
        if self.hashes_waiting.is_empty() || std::sync::Arc::strong_count(&self.report) > 1 {
            return;
        }
        let report = std::sync::Arc::make_mut(&mut self.report);
        for (path, sha256) in std::mem::take(&mut self.hashes_waiting) {
            if let Some(f) = report
                .files
                .iter_mut()
                .find(|f| f.path == path && f.sha256.is_none() && !f.followed)
            {
                f.sha256 = Some(sha256);
            }
        }
    }

    pub(super) fn following(&mut self, files: usize) {
        self.following = files;
        self.set_status(format!(
            "following {}: new rows appear as they are written",
            crate::tui::count::count(files, "file")
        ));
        if let Some(s) = self.unmatched_said() {
            self.keep_error(format!("{} · {s}", self.status));
        }
    }

    /// Ctrl+C: stop the load if it runs (what was read is kept), else quit.
    pub(super) fn cancel_or_quit(&mut self) {
        if !self.loading.done && !self.loading.cancelled {
            self.loading.cancelled = true;
            self.effects.push(Effect::CancelLoad);
            self.set_status("cancelling the load…".to_owned());
        } else {
            self.request_quit();
        }
    }

    pub(super) fn take_scan(&mut self, msg: ScanMessage) {
        let appending = !self.loading.done;
        self.findings.set_appending(appending);
        self.near.set_appending(appending);
        match &msg {
            ScanMessage::FileStarted { path, bytes } => {
                self.loading.current_file = path.clone();
                self.loading.current_size = *bytes;
                self.loading.bytes_current = 0;
            }
            ScanMessage::Progress { bytes, records } => {
                self.loading.bytes_current = *bytes;
                self.loading.records_current = *records;
            }
            ScanMessage::FileDone(summary) => {
                self.loading.last_done = Some((
                    summary.path.clone(),
                    self.loading.bytes_current,
                    summary.bytes,
                    summary.records,
                ));
                // The context index is complete for this file: context hints may change.
                self.hints_stale = true;
                self.loading.files_done += 1;
                self.loading.bytes_done_files += summary.bytes;
                self.loading.bytes_current = 0;
                self.loading.current_file.clear();
                self.loading.records_done_files += summary.records;
                self.loading.records_current = 0;
            }
            // Follow mode: records appended to the index since; context hints may change.
            ScanMessage::FileSoFar(_) => {
                self.hints_stale = true;
                self.dirty = true;
            }
            _ => {}
        }
        let msg = match msg {
            ScanMessage::FileDone(summary) if self.prepares_off_thread() => {
                let index =
                    std::sync::Arc::make_mut(&mut self.report).file_done_unprepared(summary);
                self.prepare_context(index);
                return;
            }
            msg => msg,
        };
        let near_before = self.report.near_misses.len();
        let findings_before = self.report.findings.len();
        let t = Instant::now();
        let touched = std::sync::Arc::make_mut(&mut self.report).apply(msg);
        crate::tui::frame_log::note("ScanReport::apply", t);
        for i in findings_before..self.report.findings.len() {
            let text = finding_text(&self.report, i);
            let verdict = self.decision(&text.key).verdict;
            self.arrivals.marked.push(false);
            self.findings.push(text, verdict);
            self.dirty = true;
            self.hints_stale = true;
        }
        if let Some(i) = touched.filter(|&i| i < findings_before) {
            // An existing row got another event: its time, count and parties may change.
            if let Some(marked) = self.arrivals.marked.get_mut(i)
                && !*marked
            {
                *marked = true;
                self.arrivals.touched.push(i);
            }
            self.dirty = true;
            self.hints_stale = true;
        }
        // An event moved to the row of its canonical record, read after another copy: the
        // rows it left are made again (one left with no event is no longer shown).
        for i in std::mem::take(&mut std::sync::Arc::make_mut(&mut self.report).regrouped) {
            if let Some(marked) = self.arrivals.marked.get_mut(i)
                && !*marked
            {
                *marked = true;
                self.arrivals.touched.push(i);
            }
            self.dirty = true;
            self.hints_stale = true;
        }
        // A whole copy replaced a damaged near miss: its row (reason, source, target)
        // is made again from the whole record, keeping its place and verdict.
        for e in std::mem::take(&mut std::sync::Arc::make_mut(&mut self.report).rewritten) {
            if let Some(n) = self.report.near_misses[..near_before]
                .iter()
                .position(|&x| x == e)
            {
                // Its key may have changed too (another near miss now shares its id).
                let text = near_miss_text(&self.report, e, &self.decisions);
                let verdict = self.decision(&text.key).verdict;
                self.near.replace(n, text);
                self.near.set_verdict(n, verdict);
                self.dirty = true;
            }
        }
        for n in near_before..self.report.near_misses.len() {
            let e = self.report.near_misses[n];
            let text = near_miss_text(&self.report, e, &self.decisions);
            let verdict = self.decision(&text.key).verdict;
            self.near.push(text, verdict);
            self.dirty = true;
            self.hints_stale = true;
        }
        // Rows read under --follow may be those of decisions that matched none.
        let grew = self.report.findings.len() > findings_before
            || self.report.near_misses.len() > near_before;
        if self.unmatched > 0 && self.loading.done && grew {
            self.recount_unmatched();
        }
    }

    /// The text of the rows that got events since it was last made, made once each: every
    /// frame once the load is done, paced while it runs (a row's targets and actors are
    /// found among all its events).
    ///
    /// With [`App::hint_budget`] (the event loop) the rows are made for about that long a
    /// frame, the rest in the next frames (a row's text lists all its distinct targets and
    /// actors, each checked for look-alikes: a remaking of every row took 0.2-1.2 s of one
    /// frame at 1,000,000 events on a loaded machine); rows not reached yet show their
    /// text as last made, as they do between two remakings. Returns whether rows were made.
    pub(super) fn flush_arrivals(&mut self) -> bool {
        if self.arrivals.round.is_empty() {
            let events = self.events_read();
            if self.arrivals.touched.is_empty()
                || (!self.loading.done && !paced(self.arrivals.remade_at, events))
            {
                return false;
            }
            self.arrivals.remade_at = events;
            self.arrivals.round = std::mem::take(&mut self.arrivals.touched);
        }
        let started = Instant::now();
        while let Some(i) = self.arrivals.round.pop() {
            if let Some(marked) = self.arrivals.marked.get_mut(i) {
                *marked = false;
            }
            let text = finding_text(&self.report, i);
            if text.folded && !self.findings.items.get(i).is_some_and(|t| t.folded) {
                self.row_folded(i);
            }
            self.findings.replace(i, text);
            // The clock read after every row: a row's text reads all its events (16 rows
            // of a 1,000,000-event load took 25-67 ms on a busy machine, a key waiting).
            if let Some(budget) = self.hint_budget
                && started.elapsed() >= budget
            {
                break;
            }
        }
        if !self.arrivals.round.is_empty() {
            // The next frame goes on.
            self.dirty = true;
        }
        true
    }

    /// Whether the hints, which read every event, are to be made again: always once the
    /// load is done; while it runs, when a file was done since (its context is complete).
    pub(super) fn hints_due(&self) -> bool {
        // The hints read the context index: not while it is away being prepared or read.
        self.arrivals.preparing.is_none()
            && !self.context_reading()
            && (self.loading.done || self.arrivals.hints_at_files != Some(self.loading.files_done))
    }

    pub(super) fn hints_made(&mut self) {
        self.arrivals.hints_at_files = Some(self.loading.files_done);
    }

    /// Whether the histogram is to be made again: when events came in since, paced while
    /// the load runs.
    pub(super) fn histogram_due(&self) -> bool {
        let events = self.events_read();
        match self.arrivals.histogram_at {
            None => true,
            Some(at) if at == events => false,
            Some(at) => self.loading.done || paced(at, events),
        }
    }

    pub(super) fn histogram_made(&mut self) {
        self.arrivals.histogram_at = Some(self.events_read());
    }

    /// Distinct STS events read so far (kept whole or lean).
    fn events_read(&self) -> usize {
        usize::try_from(self.report.sts_events()).unwrap_or(usize::MAX)
    }

    /// A frame's work: the rows that arrived or changed are shown, else a slice of the
    /// filter being applied is tested; when nothing is left, idle time sorts one more
    /// column ahead (one per frame keeps the screen responsive).
    pub(super) fn tick(&mut self) {
        use crate::tui::frame_log::note;
        self.take_prepared_context(false);
        self.take_read_context();
        self.set_waiting_hashes();
        let t = Instant::now();
        self.take_hints_made(false);
        self.take_histogram_made(false);
        note(
            "tick: the hints and histogram made off the screen thread taken",
            t,
        );
        let t = Instant::now();
        if self.dirty {
            self.refresh_with(false, true);
            note("tick: the rows again", t);
        } else if self.arrivals.pass.is_some() {
            self.step_hints();
            note("tick: a slice of the hint pass", t);
        } else if self.filtering() {
            self.step_filters();
            note("tick: a slice of the filter", t);
        } else if self.loading.done {
            let _ = self.findings.fill_sort_cache() || self.near.fill_sort_cache();
            note("tick: a column sorted ahead", t);
        }
    }

    /// The load is about to end (the last file's end, then the load's end, which sort
    /// every row once): said on screen first.
    pub(super) fn sorting(&mut self) {
        self.loading.sorting = true;
    }
}
