//! The workbench's state and its one way of changing: `App::apply(Action)`. No terminal and
//! no I/O here: what must reach the outside (journal writes, clipboard, quitting) is queued
//! as `Effect`s for the shell to carry out, which answers with actions of its own.
//!
//! The `impl App` blocks are split by concern: `loading` (messages from the loader),
//! `navigate` (the table: moving, sorting, filtering, views), `decide` (verdicts, notes,
//! undo, the journal's answers), `drill` (the raw events), `lists` (frequency view and
//! classify like this), `prompt` (text typed into the filter, a note, a search).

mod changed;
mod conflict;
mod context;
mod context_pass;
mod context_prep;
mod decide;
mod drill;
mod help;
mod hints_job;
pub mod histogram_job;
mod journal_answers;
mod lists;
mod loading;
mod navigate;
mod problems;
mod prompt;
mod quit;
mod reloaded;
mod report;
mod status;
mod unmatched;
mod verdict_words;

use std::collections::{HashMap, HashSet};

use fuzzy_matcher::skim::SkimMatcherV2;

use super::action::{Action, Intent};
use super::layout::{Areas, Shape, layout};
use crate::hints::HintConfig;
use crate::journal::{Decision, Entry, Verdict};
use crate::scan::ScanReport;

pub use super::columns::{Column, FINDING_COLUMNS, NEAR_MISS_COLUMNS};
pub use super::items::{ItemText, finding_text, near_miss_text};
pub use super::overlay::{Bulk, Drill, Overlay, Pivot, PivotRow, Prompt};
pub use super::table::{TableState, VerdictFilter};
pub use super::why::why_lines;
pub use conflict::Conflict;
use loading::Arrivals;
pub use loading::{Cut, LoadGaps, Loading};
pub use report::{COPYING_REPORT, ReportWriting, WRITING_REPORT};

/// I/O the shell carries out for the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Append to the journal (fsync), then answer `Saved` or `SaveFailed`.
    Journal(Vec<Entry>),
    /// Put text on the clipboard, then answer `Copied` or `CopyFailed`.
    Copy {
        text: String,
        what: String,
    },
    /// Make the findings report (hashing the inputs) and copy it, or write it to a file;
    /// then answer `Copied`/`CopyFailed` or `Exported`/`ExportFailed`.
    Report {
        to_file: Option<std::path::PathBuf>,
    },
    /// Stop the background load (what was read is kept).
    CancelLoad,
    Quit,
}

/// Which list the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Findings,
    NearMisses,
}

/// The whole workbench state.
pub struct App {
    /// Shared with a report being written off the key path (`E`, `Y`): the load waits
    /// while it is (`tui::report_job`), so it is never copied.
    pub report: std::sync::Arc<ScanReport>,
    pub decisions: HashMap<String, Decision>,
    /// Keys whose last decision has not been confirmed as written to the journal.
    pub unsaved: HashSet<String>,
    /// Keys whose last write failed, to write again once the journal takes writes.
    failed: HashSet<String>,
    /// For each unsaved key, the decision the journal held before its first unsaved
    /// change (none: no decision), so that an undo back to it writes nothing.
    held: HashMap<String, Decision>,
    /// Decisions a failed save left unsaved, being written again (said when saved).
    rewriting: usize,
    /// Keys of those, while their retry is on its way (`conflict`).
    retrying: HashSet<String>,
    /// Our unsaved decisions a later one of another analyst met on their retry: the first
    /// is asked about on the status line (`k` keeps theirs, `w` writes ours again).
    pub conflicts: std::collections::VecDeque<Conflict>,
    pub view: View,
    pub findings: TableState,
    pub near: TableState,
    pub filter: String,
    pub verdict_filter: VerdictFilter,
    pub prompt: Option<Prompt>,
    pub overlay: Overlay,
    pub loading: Loading,
    pub status: String,
    pub status_error: bool,
    /// The status stays when the screen changes (`status::StatusRule`): a failed save, a
    /// question waiting for its answer, a load stopped.
    status_kept: bool,
    /// Counts the messages set: tells whether an action said something of its own.
    status_made: u64,
    /// How many decisions of the journal matched no loaded row when last counted
    /// (`unmatched.rs`): what the status line said, to say it again when it changes.
    unmatched: usize,
    /// Where news added after a kept message starts in `status` (`App::add_status`): the
    /// footer gives it the status row when both do not fit on one.
    pub status_news: Option<usize>,
    pub journal_path: String,
    pub analyst: String,
    /// The terminal's size, as last reported.
    pub width: u16,
    pub height: u16,
    pub effects: Vec<Effect>,
    undo: Vec<decide::Step>,
    redo: Vec<decide::Step>,
    pub hint_config: HintConfig,
    /// A report of `E` or `Y` being made by the shell off the key path (one at a time).
    pub report_writing: Option<ReportWriting>,
    /// Show times in the local zone instead of UTC.
    pub local_time: bool,
    /// The local zone: the rule that converts times shown in local time and the name the
    /// titles give it (`Europe/Berlin`, `EST5EDT`, `UTC-02:00`), one and the same
    /// ([`super::local_zone::LocalZone`]).
    pub local_zone: std::sync::Arc<super::local_zone::LocalZone>,
    /// How many files follow mode is reading as they grow (0: not following).
    pub following: usize,
    /// A frequency view's value the rows are narrowed to: column, exact value. It narrows
    /// both tables, as a `/` term does (the header names it in either view).
    pub pivot_filter: Option<(Column, String)>,
    /// Events over time ([`histogram_job::Histogram`]).
    pub histogram: Option<histogram_job::Histogram>,
    /// What the last decision or copy left out (selected rows hidden by the filter), said
    /// with its outcome.
    notice: Option<String>,
    /// The status line ends with such a notice: it is said again, or taken back, when the
    /// selection changes (a cleared selection must not stay described as hidden).
    status_notice: bool,
    /// The rows a verdict key just decided (one row: the cursor moved on; selected rows:
    /// they left the selection): `n` as the very next key writes their note there. Any
    /// other key forgets them.
    just_decided: Option<(View, Vec<String>)>,
    /// `just_decided` while the key after it is applied.
    after_mark: Option<(View, Vec<String>)>,
    /// The rows under the cursors (flagged, near misses) when the filter prompt opened:
    /// while a filter is typed the cursor stays on its row if the row is still shown, and
    /// goes back to it when the filter is cancelled or erased (newcomer 13).
    filter_origin: [Option<usize>; 2],
    /// What the last undo or redo did (`undone: suspicious on 3 rows`), said with its save.
    outcome: Option<String>,
    /// The help's text, from the live keymap ([`App::with_help`]; the defaults until then).
    pub help: std::sync::Arc<crate::tui::overlay::help::HelpText>,
    matcher: SkimMatcherV2,
    /// Reads related records back for the context panel (keeps line offsets per file).
    records: crate::context::record::RecordReader,
    dirty: bool,
    hints_stale: bool,
    /// Rows changed by the load since the last frame, made again once per frame.
    arrivals: Arrivals,
    /// The related records read after the rows (`context_pass`).
    second: context_pass::SecondPass,
    /// The most rows a frame's work tests against a changed filter (both tables): the
    /// rest is tested in the next frames, the rows shown so far being the first ones of
    /// the result, so that a keystroke is answered however many rows there are.
    pub filter_step: usize,
    /// The longest a frame spends making rows' hints (None: every row's at once, as the
    /// tests and a finished report want); the event loop sets it so that a key typed while
    /// the hints of millions of events are made is answered.
    pub hint_budget: Option<std::time::Duration>,
    /// The last file's context index is prepared on a thread of its own (sorting and
    /// indexing every record: seconds at 2,000,000 events, which a key typed then would
    /// wait for): the load ends without it, the hints, the drill-down and the report wait
    /// for it (`context_prep`); the event loop sets it. Off (the
    /// tests' default), it is prepared in the frame that takes the file's end.
    pub context_off_thread: bool,
    /// Once the load is done, the hint pass runs on a thread of its own, the rows' hints
    /// taken back when it is done (`hints_job`): a key never waits for a slice of it.
    /// The event loop sets it; off (the tests' default), it runs in slices as
    /// [`App::hint_budget`] says.
    pub hints_off_thread: bool,
    /// Inputs' SHA-256 made after the load, waiting for the scan to be the screen's own
    /// (`set_waiting_hashes`): (path as the report shows it, hex).
    /// Inputs the loader found changed after the load read them: no SHA-256 in the
    /// report, and why (`Action::InputNotHashed`).
    not_hashed: Vec<(String, String)>,
    hashes_waiting: Vec<(String, String)>,
    /// The hint pass running on its own thread ([`App::hints_off_thread`]).
    hints_job: Option<hints_job::HintsJob>,
    /// The histogram being made on its own thread ([`App::hints_off_thread`]).
    histogram_job: Option<histogram_job::HistogramJob>,
    /// How many hint passes have ended ([`App::rows_hints_made`]): an open drill-down
    /// makes its row's hints again when it changes.
    hints_generation: u64,
    /// `q` (or Ctrl+C) was pressed while this many decisions were not saved: the next key
    /// answers (`q` or `y` quits and loses them, any other returns; `quit`).
    pub quit_pending: Option<usize>,
}

/// A table's review state as saved ([`App::saved_counts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedCounts {
    /// Rows whose saved decision is suspicious or legitimate.
    pub reviewed: usize,
    pub total: usize,
    pub suspicious: usize,
    pub legitimate: usize,
    /// Rows whose last decision is not yet confirmed as written (being saved or refused).
    pub unsaved: usize,
    /// Of those, rows whose write failed (a full disk, a read-only journal).
    pub refused: usize,
}

/// Rows tested against a changed filter per step: about a millisecond's work (the event
/// loop takes as many steps as its frame's time allows, and draws a keystroke after one).
pub const FILTER_STEP: usize = 4_096;

/// The event loop's [`App::hint_budget`]: rows' hints are made for about this long a frame.
pub const HINT_BUDGET: std::time::Duration = std::time::Duration::from_millis(8);

impl App {
    pub fn new(journal_path: &str, analyst: &str, decisions: HashMap<String, Decision>) -> Self {
        // Flagged events are kept lean (about 64 bytes each, `scan::lean`) and made whole
        // when shown: millions of them fit in bounded memory.
        let mut report = ScanReport::default();
        report.headless = true;
        report.lean_shown = true;
        Self {
            report: std::sync::Arc::new(report),
            decisions,
            unsaved: HashSet::new(),
            failed: HashSet::new(),
            held: HashMap::new(),
            rewriting: 0,
            retrying: HashSet::new(),
            conflicts: std::collections::VecDeque::new(),
            view: View::Findings,
            findings: TableState::new(&FINDING_COLUMNS),
            near: TableState::new(&NEAR_MISS_COLUMNS),
            filter: String::new(),
            verdict_filter: VerdictFilter::All,
            prompt: None,
            overlay: Overlay::None,
            loading: Loading::default(),
            status: String::new(),
            status_error: false,
            status_kept: false,
            status_made: 0,
            unmatched: 0,
            status_news: None,
            journal_path: journal_path.to_owned(),
            analyst: analyst.to_owned(),
            width: 120,
            height: 35,
            effects: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            hint_config: HintConfig::default(),
            report_writing: None,
            local_time: false,
            local_zone: std::sync::Arc::new(super::local_zone::LocalZone::from_env()),
            following: 0,
            pivot_filter: None,
            histogram: None,
            notice: None,
            status_notice: false,
            outcome: None,
            just_decided: None,
            after_mark: None,
            filter_origin: [None; 2],
            help: std::sync::Arc::new(crate::tui::overlay::help::HelpText::defaults()),
            matcher: SkimMatcherV2::default(),
            records: crate::context::record::RecordReader::default(),
            dirty: false,
            hints_stale: true,
            arrivals: Arrivals::default(),
            second: context_pass::SecondPass::default(),
            filter_step: FILTER_STEP,
            hint_budget: None,
            context_off_thread: false,
            hints_off_thread: false,
            hashes_waiting: Vec::new(),
            not_hashed: Vec::new(),
            hints_job: None,
            histogram_job: None,
            hints_generation: 0,
            quit_pending: None,
        }
    }

    /// A finished report, as if loaded (tests, and a non-interactive start).
    pub fn with_report(mut self, report: impl Into<std::sync::Arc<ScanReport>>) -> Self {
        let report: std::sync::Arc<ScanReport> = report.into();
        for i in 0..report.findings.len() {
            let text = finding_text(&report, i);
            let verdict = self.decision(&text.key).verdict;
            self.arrivals.folded.extend(text.folded.then_some(i));
            self.findings.push(text, verdict);
        }
        for &e in &report.near_misses {
            let text = near_miss_text(&report, e, &self.decisions);
            let verdict = self.decision(&text.key).verdict;
            self.near.push(text, verdict);
        }
        self.loading.files_total = report.files.len();
        self.loading.files_done = report.files.len();
        self.loading.done = true;
        self.report = report;
        self.refresh();
        self
    }

    /// A column's title as drawn: the Time column names the zone its times are in
    /// (`Time (UTC)`, `Time (Europe/Berlin)`).
    pub fn column_title(&self, column: Column) -> String {
        match column {
            Column::Time if self.local_time => format!("Time ({})", self.local_zone.label()),
            c => c.title().to_owned(),
        }
    }

    pub fn columns(&self) -> &'static [Column] {
        self.table().columns
    }

    pub fn table(&self) -> &TableState {
        match self.view {
            View::Findings => &self.findings,
            View::NearMisses => &self.near,
        }
    }

    fn table_mut(&mut self) -> &mut TableState {
        match self.view {
            View::Findings => &mut self.findings,
            View::NearMisses => &mut self.near,
        }
    }

    pub fn decision(&self, key: &str) -> Decision {
        self.decisions.get(key).cloned().unwrap_or_default()
    }

    /// The review counts over the flagged rows: (reviewed, total, suspicious, legitimate).
    pub fn review_counts(&self) -> (usize, usize, usize, usize) {
        self.counts_of(&self.findings)
    }

    /// The review counts over the near misses: (reviewed, total, suspicious, legitimate).
    pub fn near_miss_counts(&self) -> (usize, usize, usize, usize) {
        self.counts_of(&self.near)
    }

    /// The review counts of the flagged rows (`near`: of the near misses) as saved: only
    /// decisions the journal confirmed count; (reviewed, total, suspicious, legitimate,
    /// decisions not saved, of which refused). A decision being written, or refused by a
    /// full disk, is counted apart, never as reviewed: the header says `2 NOT SAVED`.
    pub fn saved_counts(&self, near: bool) -> SavedCounts {
        let table = if near { &self.near } else { &self.findings };
        let (_, total, mut suspicious, mut legitimate) = self.counts_of(table);
        let mut unsaved = 0;
        let mut refused = 0;
        for key in &self.unsaved {
            let Some(item) = table.item_of(key) else {
                continue;
            };
            unsaved += 1;
            refused += usize::from(self.failed.contains(key));
            // A folded row's verdict is in no count (`counts_of`).
            match table
                .verdicts
                .get(item)
                .filter(|_| !table.items[item].folded)
            {
                Some(Verdict::Suspicious) => suspicious -= 1,
                Some(Verdict::Legitimate) => legitimate -= 1,
                _ => {}
            }
        }
        SavedCounts {
            reviewed: suspicious + legitimate,
            total,
            suspicious,
            legitimate,
            unsaved,
            refused,
        }
    }

    fn counts_of(&self, table: &TableState) -> (usize, usize, usize, usize) {
        // Kept as verdicts change (`tui::reviewed`), not counted over every row each frame.
        let (s, l) = table.verdict_counts();
        (s + l, table.total(), s, l)
    }

    /// Whether the next `Tick` has work to do (rows to show, columns to sort ahead while
    /// idle): the event loop then does not sleep.
    pub fn has_pending_work(&self) -> bool {
        self.dirty
            || self.arrivals.pass.is_some()
            || self.hints_job_ready()
            || self.histogram_job_ready()
            || self.context_ready()
            || self.filtering()
            || (self.loading.done
                && (self.findings.sort_cache_incomplete() || self.near.sort_cache_incomplete()))
    }

    /// What of the state decides the screen's layout.
    pub fn shape(&self) -> Shape {
        let under = match &self.overlay {
            Overlay::Help {
                previous: Some(p), ..
            } => p.as_ref(),
            o => o,
        };
        Shape {
            width: self.width,
            height: self.height,
            has_histogram: self.histogram.is_some(),
            context_open: matches!(under, Overlay::Drill(d) if d.context.is_some()),
        }
    }

    /// The screen's areas for the last reported size: the same the renderer draws.
    pub fn areas(&self) -> Areas {
        layout(self.shape())
    }

    /// The cell text of an item in a column, with the live verdict and note.
    pub fn cell(&self, table: &TableState, item: usize, col: usize) -> String {
        let it = &table.items[item];
        match table.columns.get(col) {
            Some(Column::Time) if self.local_time => it
                .time
                .map_or_else(String::new, |t| self.local_zone.text(t)),
            Some(Column::Verdict) => self.decision(&it.key).verdict.label().to_owned(),
            // Hints not made yet (the rows are read, or the related records they read):
            // a pending mark, never an empty cell that reads as "no hint".
            Some(Column::Hint) if self.hints_pending() && std::ptr::eq(table, &self.findings) => {
                let made = it.cells.get(col).unwrap_or_default();
                if made.is_empty() {
                    "…".to_owned()
                } else {
                    format!("{made} …")
                }
            }
            Some(Column::Note) => {
                if self.decision(&it.key).note.is_empty() {
                    String::new()
                } else {
                    "✎".to_owned()
                }
            }
            _ => it.cells.get(col).map(str::to_owned).unwrap_or_default(),
        }
    }

    /// Applies one action; a status message that no longer speaks of the screen goes
    /// (the one rule for how long a message stays: [`status`]).
    pub fn apply(&mut self, action: Action) {
        let before = status::StatusRule::before(self, &action);
        self.reduce(action);
        if let Some(before) = before {
            before.after(self);
        }
    }

    fn reduce(&mut self, action: Action) {
        if self.prompt.is_some() && self.apply_prompt(&action) {
            return;
        }
        let ticked = matches!(action, Action::Tick | Action::LoadFinished { .. });
        match action {
            Action::Intent(intent) => {
                // `n` right after a verdict is for the row just decided; any other key
                // (a move, another verdict) ends that.
                self.after_mark = self.just_decided.take();
                self.apply_intent(intent);
                self.after_mark = None;
            }
            Action::Edit(_) | Action::Submit => {}
            // A paste outside a prompt is never taken as keys.
            Action::Paste(text) => {
                self.set_status(format!(
                    "paste of {} ignored: open a note or the filter first",
                    crate::tui::count::count(text.chars().count(), "character")
                ));
            }
            Action::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.scroll_into_view();
            }
            Action::Tick => self.tick(),
            Action::QuitAnswer { quit } => self.answer_quit(quit),
            Action::ConflictAnswer { write_mine } => self.answer_conflict(write_mine),
            Action::Scan(msg) => self.take_scan(msg),
            Action::LoadPlan {
                files,
                bytes,
                names,
            } => self.load_plan(files, bytes, names),
            Action::Sorting => self.sorting(),
            Action::LoadFinished { error } => self.load_finished(error),
            Action::InputHashed { path, sha256 } => self.input_hashed(&path, sha256),
            Action::InputNotHashed { path, why } => self.input_not_hashed(path, why),
            a @ (Action::ContextLater
            | Action::ContextProgress { .. }
            | Action::ContextRead { .. }) => self.second_pass(a),
            Action::Following { files } => self.following(files),
            Action::Saved { keys } => self.saved(keys),
            Action::SaveFailed { keys, error } => self.save_failed(keys, error),
            Action::JournalKept { said } => self.journal_kept(&said),
            Action::JournalUnread { error } => self.journal_unread(&error),
            Action::JournalReloaded { reloaded } => self.journal_reloaded(*reloaded),
            Action::Foreign { entries, own, now } => self.foreign(entries, &own, now),
            Action::Exported { path, bytes } => {
                self.set_status(format!("report written: {path} ({bytes} bytes)"));
            }
            Action::ExportFailed { error } => {
                self.keep_error(format!("report NOT written: {error}"));
            }
            Action::CopiedToFile { what, path, bytes } => {
                let status = format!(
                    "{what} written to {path}: {bytes} bytes is too large for the terminal's clipboard (OSC 52 is safe up to {} bytes)",
                    crate::tui::clipboard::OSC52_SAFE_TEXT
                );
                self.set_status_noting(status, true);
            }
            Action::Copied { path, bytes } => {
                self.set_status_noting(format!("{path} ({bytes} bytes)"), true);
            }
            Action::CopyFailed { error } => self.set_error(format!("copy failed: {error}")),
            Action::ReportProgress { percent, quitting } => {
                self.report_progress(percent, quitting);
            }
            Action::ReportDone { decided_since } => self.report_done(decided_since),
        }
        // An open problems view, and an open drill-down, follow the load, once a frame.
        if ticked {
            self.refresh_problems(false);
            self.drill_follows_row();
        }
    }

    /// An intent goes to the screen that has the keys: an overlay, else the table.
    fn apply_intent(&mut self, intent: Intent) {
        match self.overlay {
            Overlay::Help { .. } => self.apply_help(intent),
            Overlay::Drill(_) => self.apply_drill(intent),
            Overlay::Pivot(_) | Overlay::Bulk(_) => self.apply_list(intent),
            Overlay::Problems(_) => self.apply_problems(intent),
            Overlay::None => self.apply_table(intent),
        }
    }

    /// Character positions of a cell that the filter matched, for highlighting.
    pub fn highlights(&self, col: usize, text: &str) -> Vec<usize> {
        let (Some(&column), Ok(terms)) = (
            self.columns().get(col),
            super::filter::parse_filter(&self.filter, &self.zone()),
        ) else {
            return Vec::new();
        };
        super::filter::highlight(&terms, column, text, &self.matcher)
    }
}

/// Where `E` writes the report: beside the journal, `<journal>.report.md`.
pub fn report_path(journal_path: &str) -> std::path::PathBuf {
    let base = journal_path.strip_suffix(".jsonl").unwrap_or(journal_path);
    std::path::PathBuf::from(format!("{base}.report.md"))
}
