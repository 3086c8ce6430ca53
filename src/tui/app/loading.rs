//! Messages from the background load: rows arrive, files finish, the load ends or is
//! stopped.

use std::time::Instant;

use super::{App, Effect, finding_text, near_miss_text};
use crate::load::ScanMessage;

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
    pub done: bool,
    pub cancelled: bool,
    pub error: Option<String>,
    pub finished_at: Option<Instant>,
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
                "{name} read to about byte {read} of {size} ({records} records)"
            ));
        }
        if !self.unread.is_empty() {
            parts.push(format!(
                "{} file(s) not read: {}",
                self.unread.len(),
                self.unread.join(", ")
            ));
        }
        format!("load stopped by the analyst: {}", parts.join("; "))
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
            done: false,
            cancelled: false,
            error: None,
            finished_at: None,
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

    pub(super) fn load_finished(&mut self, error: Option<String>) {
        self.loading.done = true;
        self.loading.finished_at = Some(Instant::now());
        if let Some(e) = error {
            self.set_error(format!("load stopped: {e}"));
            self.loading.error = Some(e);
        } else if self.loading.cancelled {
            self.loading.cut = self.cut();
            let what = self
                .loading
                .cut
                .as_ref()
                .map_or_else(|| "everything was read".to_owned(), Cut::describe);
            self.set_error(format!(
                "{what}; kept {} flagged rows and {} near misses read before",
                self.findings.items.len(),
                self.near.items.len()
            ));
        }
        self.refresh();
    }

    pub(super) fn following(&mut self, files: usize) {
        self.following = files;
        self.set_status(format!(
            "following {files} file(s): new rows appear as they are written"
        ));
    }

    /// Ctrl+C: stop the load if it runs (what was read is kept), else quit.
    pub(super) fn cancel_or_quit(&mut self) {
        if !self.loading.done && !self.loading.cancelled {
            self.loading.cancelled = true;
            self.effects.push(Effect::CancelLoad);
            self.set_status("cancelling the load…".to_owned());
        } else {
            self.effects.push(Effect::Quit);
        }
    }

    pub(super) fn take_scan(&mut self, msg: ScanMessage) {
        match &msg {
            ScanMessage::FileStarted { path, .. } => {
                self.loading.current_file = path.clone();
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
                self.loading.records_done_files += summary.records;
                self.loading.records_current = 0;
            }
            _ => {}
        }
        let near_before = self.report.near_misses.len();
        let findings_before = self.report.findings.len();
        let touched = self.report.apply(msg);
        for i in findings_before..self.report.findings.len() {
            let text = finding_text(&self.report, i);
            let verdict = self.decision(&text.key).verdict;
            self.findings.push(text, verdict);
            self.dirty = true;
            self.hints_stale = true;
        }
        if let Some(i) = touched.filter(|&i| i < findings_before) {
            // An existing row got another event: its time and count may change.
            self.findings.replace(i, finding_text(&self.report, i));
            self.dirty = true;
            self.hints_stale = true;
        }
        for n in near_before..self.report.near_misses.len() {
            let e = self.report.near_misses[n];
            let text = near_miss_text(&self.report, e);
            let verdict = self.decision(&text.key).verdict;
            self.near.push(text, verdict);
            self.dirty = true;
            self.hints_stale = true;
        }
    }
}
