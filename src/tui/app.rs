//! The workbench's state and its one way of changing: `App::apply(Action)`. No terminal and
//! no I/O here: what must reach the outside (journal writes, clipboard, quitting) is queued
//! as `Effect`s for the shell to carry out, which answers with actions of its own.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use tui_input::Input;

use super::action::Action;
use super::doc::JsonDoc;
use super::filter::{FilterTerm, matches_terms, narrows, parse_filter, resolve};
pub use super::items::{ItemText, finding_text, local_text, near_miss_text, why_lines};
use super::sort::sort_items;
use crate::hints::{self, Hint, HintConfig};
use crate::journal::{Decision, Entry, Verdict};
use crate::load::ScanMessage;
use crate::report;
use crate::scan::ScanReport;

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

/// A column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Time,
    Account,
    Role,
    Ip,
    Proxy,
    Isp,
    Added,
    Remaining,
    Events,
    Reason,
    Operation,
    Source,
    Hint,
    Verdict,
    Note,
    Flag,
}

impl Column {
    pub fn title(self) -> &'static str {
        match self {
            Self::Time => "Time (UTC)",
            Self::Account => "Account",
            Self::Role => "Role",
            Self::Ip => "IP",
            Self::Proxy => "Proxy",
            Self::Isp => "ISP",
            Self::Added => "+Minutes",
            Self::Remaining => "Remaining",
            Self::Events => "Events",
            Self::Reason => "Reason",
            Self::Operation => "Operation",
            Self::Source => "Source",
            Self::Hint => "Hints",
            Self::Verdict => "Verdict",
            Self::Note => "✎",
            Self::Flag => "⚠",
        }
    }

    /// Names a filter term can use (`ip:203.0`): the title and short forms.
    pub(super) fn matches_name(self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        let aliases: &[&str] = match self {
            Self::Time => &["time"],
            Self::Account => &["account", "acc", "actor", "user"],
            Self::Role => &["role"],
            Self::Ip => &["ip"],
            Self::Proxy => &["proxy"],
            Self::Isp => &["isp"],
            Self::Added => &["added", "minutes", "+minutes"],
            Self::Remaining => &["remaining", "rem"],
            Self::Events => &["events"],
            Self::Reason => &["reason"],
            Self::Operation => &["operation", "op"],
            Self::Source => &["source", "file"],
            Self::Hint => &["hint", "hints"],
            Self::Verdict => &["verdict"],
            Self::Note => &["note"],
            Self::Flag => &["flag"],
        };
        aliases.contains(&n.as_str())
    }

    pub fn numeric(self) -> bool {
        matches!(self, Self::Added | Self::Remaining | Self::Events)
    }
}

pub const FINDING_COLUMNS: [Column; 14] = [
    Column::Time,
    Column::Account,
    Column::Role,
    Column::Ip,
    Column::Proxy,
    Column::Isp,
    Column::Added,
    Column::Remaining,
    Column::Events,
    Column::Hint,
    Column::Verdict,
    Column::Note,
    Column::Flag,
    Column::Source,
];
/// Where the hint badges stand among the finding columns.
pub(super) const HINT_COL: usize = 9;

pub const NEAR_MISS_COLUMNS: [Column; 8] = [
    Column::Time,
    Column::Account,
    Column::Reason,
    Column::Operation,
    Column::Source,
    Column::Verdict,
    Column::Note,
    Column::Flag,
];

/// Which verdicts the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictFilter {
    All,
    Only(Verdict),
}

impl VerdictFilter {
    fn next(self) -> Self {
        match self {
            Self::All => Self::Only(Verdict::Unreviewed),
            Self::Only(Verdict::Unreviewed) => Self::Only(Verdict::Suspicious),
            Self::Only(Verdict::Suspicious) => Self::Only(Verdict::Legitimate),
            Self::Only(Verdict::Legitimate) => Self::All,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Only(v) => v.label(),
        }
    }
}

/// The table of one view: what is shown, in which order, where the cursor is.
#[derive(Debug, Clone)]
pub struct TableState {
    pub items: Vec<ItemText>,
    /// Item indexes shown, after filtering and sorting.
    pub order: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    pub focus: usize,
    pub sort: Option<(usize, bool)>,
    pub selected: HashSet<usize>,
    /// The verdict of each item, kept in step with the decisions (no hashing per row).
    pub(super) verdicts: Vec<Verdict>,
    /// Item by key.
    index: HashMap<String, usize>,
    /// Every item in the current sort order; None when it must be sorted again.
    base: Option<Vec<usize>>,
    /// Recent filter texts and what they showed: a filter that only narrows one of them
    /// (more letters, another term) filters that smaller, already sorted list.
    narrowed: Vec<(String, Vec<usize>)>,
    /// The columns of this table.
    pub(super) columns: &'static [Column],
    /// Per column, every item in ascending order, computed while the workbench is idle so
    /// that sorting a large table is a copy.
    pub(super) sorted: Vec<Option<Vec<u32>>>,
    /// The rows' lower-case text packed together, for filtering and sorting.
    pub(super) packed: super::items::Packed,
    packed_stale: bool,
}

impl TableState {
    fn new(columns: &'static [Column]) -> Self {
        Self {
            columns,
            items: Vec::new(),
            order: Vec::new(),
            cursor: 0,
            offset: 0,
            focus: 1,
            sort: None,
            selected: HashSet::new(),
            verdicts: Vec::new(),
            sorted: vec![None; columns.len()],
            packed: super::items::Packed::default(),
            packed_stale: false,
            index: HashMap::new(),
            base: None,
            narrowed: Vec::new(),
        }
    }

    fn push(&mut self, item: ItemText, verdict: Verdict) {
        self.index.insert(item.key.clone(), self.items.len());
        if !self.packed_stale {
            self.packed.push(&item);
        }
        self.items.push(item);
        self.verdicts.push(verdict);
        self.invalidate();
    }

    fn replace(&mut self, i: usize, item: ItemText) {
        self.items[i] = item;
        self.packed_stale = true;
        self.invalidate();
    }

    /// Packs the rows' text again after cells changed in place.
    fn ensure_packed(&mut self) {
        if self.packed_stale {
            self.packed.rebuild(&self.items);
            self.packed_stale = false;
        }
    }

    /// The rows changed: sort and filter again from scratch.
    fn invalidate(&mut self) {
        self.base = None;
        self.narrowed.clear();
        for s in &mut self.sorted {
            *s = None;
        }
    }

    /// Fills one missing column of the sort cache; false when there is nothing left to do.
    fn fill_sort_cache(&mut self) -> bool {
        // Past a million rows the cache would cost more memory than it saves time.
        if self.items.len() > 1_000_000 {
            return false;
        }
        let missing = (0..self.columns.len()).find(|&c| {
            self.sorted[c].is_none() && !super::sort::depends_on_decisions(self.columns[c])
        });
        match missing {
            Some(c) => {
                self.ensure_packed();
                self.sorted[c] = Some(super::sort::ascending_order(self, c));
                true
            }
            None => false,
        }
    }
    pub fn current(&self) -> Option<usize> {
        self.order.get(self.cursor).copied()
    }
}

/// A text being typed: the filter, a note, a search in the drill-down.
#[derive(Debug, Clone)]
pub enum Prompt {
    Filter(Input),
    Note { input: Input, keys: Vec<String> },
    Search(Input),
}

/// The raw-event view of one row.
#[derive(Debug, Clone)]
pub struct Drill {
    /// Event indexes behind the row.
    pub events: Vec<usize>,
    pub current: usize,
    pub doc: JsonDoc,
    pub cursor: usize,
    pub offset: usize,
    pub search: String,
    /// Where the row came from when it has no raw events (a query-result export).
    pub imported_from: Option<String>,
    pub item_key: String,
    /// The row's hints with their reasons (flagged rows only).
    pub hints: Vec<String>,
}

/// Overlays above the table.
#[derive(Debug, Clone)]
pub enum Overlay {
    None,
    Help { scroll: usize },
    Drill(Box<Drill>),
    Pivot(Pivot),
    Bulk(Bulk),
}

/// One value of a frequency view, with its verdict breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotRow {
    pub value: String,
    pub count: usize,
    /// Unreviewed, suspicious, legitimate.
    pub by_verdict: [usize; 3],
}

/// The frequency view of one column (VisiData's `F`), over the rows shown.
#[derive(Debug, Clone)]
pub struct Pivot {
    pub column: usize,
    pub rows: Vec<PivotRow>,
    pub cursor: usize,
}

/// "Classify like this": rows that share the account, IP or ISP of a decided row.
#[derive(Debug, Clone)]
pub struct Bulk {
    pub verdict: Verdict,
    pub source: String,
    /// Item, why it was proposed, ticked.
    pub candidates: Vec<(usize, String, bool)>,
    pub cursor: usize,
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
    pub done: bool,
    pub cancelled: bool,
    pub error: Option<String>,
    pub finished_at: Option<Instant>,
}

/// One undoable step: the decisions before and after, per key.
#[derive(Debug, Clone)]
struct Step {
    changes: Vec<(String, Decision, Decision)>,
}

/// The whole workbench state.
pub struct App {
    pub report: ScanReport,
    pub decisions: HashMap<String, Decision>,
    /// Keys whose last decision has not been confirmed as written to the journal.
    pub unsaved: HashSet<String>,
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
    pub journal_path: String,
    pub analyst: String,
    pub width: u16,
    pub height: u16,
    pub effects: Vec<Effect>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    pub hint_config: HintConfig,
    /// Show times in the local zone instead of UTC.
    pub local_time: bool,
    /// How many files follow mode is reading as they grow (0: not following).
    pub following: usize,
    /// A frequency view's value the table is narrowed to: view, column, exact value.
    pub pivot_filter: Option<(View, usize, String)>,
    /// Events over time: (first, last, flagged per bucket, near misses per bucket).
    pub histogram: Option<(i64, i64, Vec<u32>, Vec<u32>)>,
    matcher: SkimMatcherV2,
    dirty: bool,
    hints_stale: bool,
}

impl App {
    pub fn new(journal_path: &str, analyst: &str, decisions: HashMap<String, Decision>) -> Self {
        Self {
            report: ScanReport::default(),
            decisions,
            unsaved: HashSet::new(),
            view: View::Findings,
            findings: TableState::new(&FINDING_COLUMNS),
            near: TableState::new(&NEAR_MISS_COLUMNS),
            filter: String::new(),
            verdict_filter: VerdictFilter::All,
            prompt: None,
            overlay: Overlay::None,
            loading: Loading {
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
            },
            status: String::new(),
            status_error: false,
            journal_path: journal_path.to_owned(),
            analyst: analyst.to_owned(),
            width: 120,
            height: 35,
            effects: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            hint_config: HintConfig::default(),
            local_time: false,
            following: 0,
            pivot_filter: None,
            histogram: None,
            matcher: SkimMatcherV2::default(),
            dirty: false,
            hints_stale: true,
        }
    }

    /// A finished report, as if loaded (tests, and a non-interactive start).
    pub fn with_report(mut self, report: ScanReport) -> Self {
        for i in 0..report.findings.len() {
            let text = finding_text(&report, i);
            let verdict = self.decision(&text.key).verdict;
            self.findings.push(text, verdict);
        }
        for &e in &report.near_misses {
            let text = near_miss_text(&report, e);
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

    pub fn columns(&self) -> &'static [Column] {
        match self.view {
            View::Findings => &FINDING_COLUMNS,
            View::NearMisses => &NEAR_MISS_COLUMNS,
        }
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
        let mut s = 0;
        let mut l = 0;
        for item in &self.findings.items {
            match self.decision(&item.key).verdict {
                Verdict::Suspicious => s += 1,
                Verdict::Legitimate => l += 1,
                Verdict::Unreviewed => {}
            }
        }
        (s + l, self.findings.items.len(), s, l)
    }

    /// Visible rows of the table area (set by the renderer's size).
    pub fn page_rows(&self) -> usize {
        usize::from(self.height.saturating_sub(5)).max(1)
    }

    /// The cell text of an item in a column, with the live verdict and note.
    pub fn cell(&self, table: &TableState, item: usize, col: usize) -> String {
        let columns = self.columns();
        let it = &table.items[item];
        match columns.get(col) {
            Some(Column::Time) if self.local_time => it.time.map_or_else(String::new, local_text),
            Some(Column::Verdict) => self.decision(&it.key).verdict.label().to_owned(),
            Some(Column::Note) => {
                if self.decision(&it.key).note.is_empty() {
                    String::new()
                } else {
                    "✎".to_owned()
                }
            }
            _ => it.cells.get(col).cloned().unwrap_or_default(),
        }
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        if self.prompt.is_some() && self.apply_prompt(&action) {
            return;
        }
        match action {
            Action::Scan(msg) => self.take_scan(msg),
            Action::LoadPlan { files, bytes } => {
                self.loading.files_total = files;
                self.loading.bytes_total = bytes;
            }
            Action::LoadFinished { error } => {
                self.loading.done = true;
                self.loading.finished_at = Some(Instant::now());
                if let Some(e) = error {
                    self.set_error(format!("load stopped: {e}"));
                    self.loading.error = Some(e);
                } else if self.loading.cancelled {
                    self.set_status(format!(
                        "load cancelled: kept {} flagged rows and {} near misses read so far",
                        self.findings.items.len(),
                        self.near.items.len()
                    ));
                }
                self.refresh();
            }
            Action::Following { files } => {
                self.following = files;
                self.set_status(format!(
                    "following {files} file(s): new rows appear as they are written"
                ));
            }
            Action::Tick => {
                if self.dirty {
                    self.refresh();
                } else if self.loading.done {
                    // Idle: sort one more column ahead of time (one per tick keeps the
                    // screen responsive).
                    let _ = self.findings.fill_sort_cache() || self.near.fill_sort_cache();
                }
            }
            Action::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.scroll_into_view();
            }
            Action::Saved { keys } => {
                for k in &keys {
                    self.unsaved.remove(k);
                }
                if self.unsaved.is_empty() {
                    self.set_status(format!(
                        "saved ✓ {} decision(s) to {}",
                        keys.len(),
                        self.journal_path
                    ));
                } else {
                    // The journal takes writes again: write what an earlier failure left
                    // unsaved (their current state), so nothing decided stays unsaved.
                    let mut pending: Vec<String> = self.unsaved.iter().cloned().collect();
                    pending.sort();
                    let entries = pending
                        .iter()
                        .map(|k| Entry::new(k, &self.decision(k), &self.analyst, "set"))
                        .collect();
                    self.effects.push(Effect::Journal(entries));
                }
            }
            Action::SaveFailed { keys, error } => {
                for k in keys {
                    self.unsaved.insert(k);
                }
                self.set_error(format!("NOT SAVED: {error}"));
            }
            Action::Exported { path, bytes } => {
                self.set_status(format!("report written: {path} ({bytes} bytes)"));
            }
            Action::ExportFailed { error } => {
                self.set_error(format!("report NOT written: {error}"))
            }
            Action::Copied { path, bytes } => {
                self.set_status(format!("copied {bytes} bytes via {path}"))
            }
            Action::CopyFailed { error } => self.set_error(format!("copy failed: {error}")),
            other => match self.overlay {
                Overlay::Help { .. } => self.apply_help(other),
                Overlay::Drill(_) => self.apply_drill(other),
                Overlay::Pivot(_) | Overlay::Bulk(_) => self.apply_list(other),
                Overlay::None => self.apply_table(other),
            },
        }
    }

    fn set_status(&mut self, s: String) {
        self.status = s;
        self.status_error = false;
    }

    fn set_error(&mut self, s: String) {
        self.status = s;
        self.status_error = true;
    }

    fn take_scan(&mut self, msg: ScanMessage) {
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

    fn apply_help(&mut self, action: Action) {
        match action {
            Action::Back | Action::Help | Action::Quit => self.overlay = Overlay::None,
            Action::MoveDown => {
                if let Overlay::Help { scroll } = &mut self.overlay {
                    *scroll += 1;
                }
            }
            Action::MoveUp => {
                if let Overlay::Help { scroll } = &mut self.overlay {
                    *scroll = scroll.saturating_sub(1);
                }
            }
            Action::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }

    fn cancel_or_quit(&mut self) {
        if !self.loading.done && !self.loading.cancelled {
            self.loading.cancelled = true;
            self.effects.push(Effect::CancelLoad);
            self.set_status("cancelling the load…".to_owned());
        } else {
            self.effects.push(Effect::Quit);
        }
    }

    fn apply_table(&mut self, action: Action) {
        let page = self.page_rows();
        match action {
            Action::MoveDown => self.move_cursor(1),
            Action::MoveUp => self.move_cursor(-1),
            Action::PageDown => self.move_cursor(i64::try_from(page).unwrap_or(1)),
            Action::PageUp => self.move_cursor(-i64::try_from(page).unwrap_or(1)),
            Action::Top => self.move_cursor(i64::MIN / 2),
            Action::Bottom => self.move_cursor(i64::MAX / 2),
            Action::FocusLeft => {
                let t = self.table_mut();
                t.focus = t.focus.saturating_sub(1);
            }
            Action::FocusRight => {
                let n = self.columns().len();
                let t = self.table_mut();
                t.focus = (t.focus + 1).min(n - 1);
            }
            Action::Sort => {
                let t = self.table_mut();
                let focus = t.focus;
                match t.sort {
                    // The same column again: the order reversed, no new sort.
                    Some((c, desc)) if c == focus => {
                        t.sort = Some((c, !desc));
                        if let Some(base) = &mut t.base {
                            base.reverse();
                        }
                        t.narrowed.clear();
                    }
                    _ => {
                        // Another column: sort again (from the idle-time cache if filled).
                        t.sort = Some((focus, false));
                        t.base = None;
                        t.narrowed.clear();
                    }
                }
                self.refresh();
            }
            Action::StartFilter => {
                self.prompt = Some(Prompt::Filter(Input::new(self.filter.clone())));
            }
            Action::CycleVerdictFilter => {
                self.verdict_filter = self.verdict_filter.next();
                self.findings.narrowed.clear();
                self.near.narrowed.clear();
                self.refresh();
            }
            Action::MarkSuspicious => self.mark(Verdict::Suspicious),
            Action::MarkLegitimate => self.mark(Verdict::Legitimate),
            Action::MarkUnreviewed => self.mark(Verdict::Unreviewed),
            Action::EditNote => {
                let keys = self.target_keys();
                if let Some(first) = keys.first() {
                    let note = self.decision(first).note;
                    self.prompt = Some(Prompt::Note {
                        input: Input::new(note),
                        keys,
                    });
                }
            }
            Action::ToggleSelect => {
                let t = self.table_mut();
                if let Some(item) = t.current()
                    && !t.selected.remove(&item)
                {
                    t.selected.insert(item);
                }
                self.move_cursor(1);
            }
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::NextUnreviewed => self.jump_unreviewed(true),
            Action::PrevUnreviewed => self.jump_unreviewed(false),
            Action::CopyRows => self.copy_rows(),
            // The report hashes the input files: that is I/O, done by the shell.
            Action::CopyReport => self.effects.push(Effect::Report { to_file: None }),
            Action::ExportReport => {
                let path = report_path(&self.journal_path);
                self.effects.push(Effect::Report {
                    to_file: Some(path),
                });
            }
            Action::Open => self.open_drill(),
            Action::ToggleNearMisses => {
                self.view = match self.view {
                    View::Findings => View::NearMisses,
                    View::NearMisses => View::Findings,
                };
                self.refresh();
            }
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::Pivot => self.open_pivot(),
            Action::ClassifyLike => self.open_bulk(),
            Action::ToggleLocalTime => {
                self.local_time = !self.local_time;
                self.set_status(format!(
                    "times in {}",
                    if self.local_time { "local time" } else { "UTC" }
                ));
            }
            Action::Back => {
                if self.pivot_filter.is_some() {
                    self.pivot_filter = None;
                    self.table_mut().narrowed.clear();
                    self.refresh();
                } else if !self.filter.is_empty() {
                    self.filter.clear();
                    self.refresh();
                } else if !self.table().selected.is_empty() {
                    self.table_mut().selected.clear();
                } else if self.view == View::NearMisses {
                    self.view = View::Findings;
                    self.refresh();
                }
            }
            Action::Quit => self.effects.push(Effect::Quit),
            Action::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }

    fn move_cursor(&mut self, delta: i64) {
        let t = self.table_mut();
        if t.order.is_empty() {
            t.cursor = 0;
            return;
        }
        let max = i64::try_from(t.order.len() - 1).unwrap_or(0);
        let cur = i64::try_from(t.cursor).unwrap_or(0);
        t.cursor = usize::try_from(cur.saturating_add(delta).clamp(0, max)).unwrap_or(0);
        self.scroll_into_view();
    }

    fn scroll_into_view(&mut self) {
        let page = self.page_rows();
        let t = self.table_mut();
        if t.cursor < t.offset {
            t.offset = t.cursor;
        } else if t.cursor >= t.offset + page {
            t.offset = t.cursor + 1 - page;
        }
    }

    /// The keys a decision applies to: the selection, else the current row.
    fn target_keys(&self) -> Vec<String> {
        let t = self.table();
        if t.selected.is_empty() {
            t.current()
                .map(|i| t.items[i].key.clone())
                .into_iter()
                .collect()
        } else {
            let mut items: Vec<usize> = t.selected.iter().copied().collect();
            items.sort_unstable();
            items.into_iter().map(|i| t.items[i].key.clone()).collect()
        }
    }

    fn mark(&mut self, verdict: Verdict) {
        let keys = self.target_keys();
        let changes: Vec<(String, Decision, Decision)> = keys
            .into_iter()
            .map(|k| {
                let before = self.decision(&k);
                let after = Decision {
                    verdict,
                    note: before.note.clone(),
                    ..Decision::default()
                };
                (k, before, after)
            })
            .collect();
        if changes.is_empty() {
            return;
        }
        let n = changes.len();
        self.commit(changes, "set");
        self.table_mut().selected.clear();
        // A single decision moves on, as the analyst's next row is usually the one below.
        if n == 1 {
            self.move_cursor(1);
        }
        self.refresh();
    }

    /// One decision into the state: the map, the verdict caches, what must be redone.
    fn set_decision(&mut self, key: &str, decision: Decision) {
        for table in [&mut self.findings, &mut self.near] {
            if let Some(&i) = table.index.get(key) {
                table.verdicts[i] = decision.verdict;
                // Shown rows may depend on the verdict (filter) and the order on the
                // verdict or note (sort by those columns).
                table.narrowed.clear();
                let by_decision =
                    |c: usize| matches!(table.columns.get(c), Some(Column::Verdict | Column::Note));
                if table.sort.is_some_and(|(c, _)| by_decision(c)) {
                    table.base = None;
                }
            }
        }
        self.decisions.insert(key.to_owned(), decision);
        self.unsaved.insert(key.to_owned());
    }

    /// Records a step: state, undo history, journal effect.
    fn commit(&mut self, mut changes: Vec<(String, Decision, Decision)>, action: &str) {
        let entries: Vec<Entry> = changes
            .iter()
            .map(|(k, _, after)| Entry::new(k, after, &self.analyst, action))
            .collect();
        for ((_, _, after), entry) in changes.iter_mut().zip(&entries) {
            after.analyst.clone_from(&entry.analyst);
            after.time.clone_from(&entry.time);
        }
        for (k, _, after) in &changes {
            self.set_decision(k, after.clone());
        }
        self.set_status(format!("saving {} decision(s)…", changes.len()));
        self.effects.push(Effect::Journal(entries));
        self.undo.push(Step { changes });
        self.redo.clear();
    }

    fn undo_redo(&mut self, undo: bool) {
        let step = if undo {
            self.undo.pop()
        } else {
            self.redo.pop()
        };
        let Some(step) = step else {
            self.set_status(
                if undo {
                    "nothing to undo"
                } else {
                    "nothing to redo"
                }
                .to_owned(),
            );
            return;
        };
        let action = if undo { "undo" } else { "redo" };
        let mut entries = Vec::new();
        for (k, before, after) in &step.changes {
            let target = if undo { before } else { after };
            self.set_decision(k, target.clone());
            entries.push(Entry::new(k, target, &self.analyst, action));
        }
        self.set_status(format!("{action}: {} decision(s)", step.changes.len()));
        self.effects.push(Effect::Journal(entries));
        if undo {
            self.redo.push(step);
        } else {
            self.undo.push(step);
        }
        self.refresh();
    }

    fn jump_unreviewed(&mut self, forward: bool) {
        let t = self.table();
        let n = t.order.len();
        if n == 0 {
            return;
        }
        let found = (1..=n).find_map(|step| {
            let pos = if forward {
                (t.cursor + step) % n
            } else {
                (t.cursor + n - step % n) % n
            };
            let key = &t.items[t.order[pos]].key;
            (self.decision(key).verdict == Verdict::Unreviewed).then_some(pos)
        });
        match found {
            Some(pos) => {
                self.table_mut().cursor = pos;
                self.scroll_into_view();
            }
            None => self.set_status("no unreviewed row left".to_owned()),
        }
    }

    fn copy_rows(&mut self) {
        let t = self.table();
        let mut items: Vec<usize> = if t.selected.is_empty() {
            t.current().into_iter().collect()
        } else {
            t.selected.iter().copied().collect()
        };
        items.sort_unstable();
        if items.is_empty() {
            return;
        }
        let text = match self.view {
            View::Findings => report::findings_table(&self.report, &items, &self.decisions),
            View::NearMisses => {
                let events: Vec<usize> =
                    items.iter().map(|&i| self.report.near_misses[i]).collect();
                report::near_miss_table(&self.report, &events, &self.decisions)
            }
        };
        self.effects.push(Effect::Copy {
            text,
            what: format!("{} row(s)", items.len()),
        });
    }

    fn open_drill(&mut self) {
        let t = self.table();
        let Some(item) = t.current() else {
            return;
        };
        let item_key = t.items[item].key.clone();
        let (events, imported_from, row_hints) = match self.view {
            View::Findings => {
                let f = &self.report.findings[item];
                let row_hints = self
                    .hints_of(item)
                    .iter()
                    .map(|h| format!("{}: {h}", h.badge()))
                    .collect();
                (
                    f.events.clone(),
                    f.imported_from.as_ref().map(ToString::to_string),
                    row_hints,
                )
            }
            View::NearMisses => (vec![self.report.near_misses[item]], None, Vec::new()),
        };
        let doc = events.first().map_or_else(JsonDoc::default, |&e| {
            JsonDoc::parse(&self.report.events[e].raw)
        });
        self.overlay = Overlay::Drill(Box::new(Drill {
            events,
            current: 0,
            doc,
            cursor: 0,
            offset: 0,
            search: String::new(),
            imported_from,
            item_key,
            hints: row_hints,
        }));
    }

    fn apply_drill(&mut self, action: Action) {
        let page = self.page_rows();
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Back | Action::Quit => self.overlay = Overlay::None,
            Action::MoveDown => d.move_to(d.cursor as i64 + 1, page),
            Action::MoveUp => d.move_to(d.cursor as i64 - 1, page),
            Action::PageDown => d.move_to(d.cursor as i64 + page as i64, page),
            Action::PageUp => d.move_to(d.cursor as i64 - page as i64, page),
            Action::Top => d.move_to(0, page),
            Action::Bottom => d.move_to(i64::MAX / 2, page),
            Action::ToggleFold => {
                let line = d.doc.visible_line(d.cursor);
                if let Some(line) = line {
                    d.doc.toggle_fold(line);
                }
            }
            Action::CollapseAll => {
                d.doc.collapse_all();
                d.cursor = 0;
                d.offset = 0;
            }
            Action::ExpandAll => d.doc.expand_all(),
            Action::StartSearch => self.prompt = Some(Prompt::Search(Input::new(d.search.clone()))),
            Action::SearchNext => d.find(true, page),
            Action::SearchPrev => d.find(false, page),
            Action::NextEvent | Action::PrevEvent => {
                let n = d.events.len();
                if n > 1 {
                    d.current = if matches!(action, Action::NextEvent) {
                        (d.current + 1) % n
                    } else {
                        (d.current + n - 1) % n
                    };
                    d.doc = JsonDoc::parse(&self.report.events[d.events[d.current]].raw);
                    d.cursor = 0;
                    d.offset = 0;
                }
            }
            Action::MarkSuspicious | Action::MarkLegitimate | Action::MarkUnreviewed => {
                let verdict = match action {
                    Action::MarkSuspicious => Verdict::Suspicious,
                    Action::MarkLegitimate => Verdict::Legitimate,
                    _ => Verdict::Unreviewed,
                };
                let key = d.item_key.clone();
                let before = self.decision(&key);
                let after = Decision {
                    verdict,
                    note: before.note.clone(),
                    ..Decision::default()
                };
                self.commit(vec![(key, before, after)], "set");
            }
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }

    /// Keys while a prompt is open; returns true when the action was the prompt's.
    fn apply_prompt(&mut self, action: &Action) -> bool {
        let Some(prompt) = &mut self.prompt else {
            return false;
        };
        match action {
            Action::Edit(req) => {
                let input = match prompt {
                    Prompt::Filter(i) | Prompt::Search(i) | Prompt::Note { input: i, .. } => i,
                };
                input.handle(*req);
                if let Prompt::Filter(i) = prompt {
                    // The table follows the filter as it is typed, from its first match
                    // (as fzf does); sorting and clearing the filter keep the row instead.
                    self.filter = i.value().to_owned();
                    self.findings.cursor = 0;
                    self.near.cursor = 0;
                    self.refresh_from_top();
                }
                true
            }
            Action::Submit => {
                let prompt = self.prompt.take();
                match prompt {
                    Some(Prompt::Filter(i)) => {
                        self.filter = i.value().to_owned();
                        self.refresh();
                    }
                    Some(Prompt::Note { input, keys }) => {
                        let note = input.value().to_owned();
                        let changes = keys
                            .into_iter()
                            .map(|k| {
                                let before = self.decision(&k);
                                let after = Decision {
                                    verdict: before.verdict,
                                    note: note.clone(),
                                    ..Decision::default()
                                };
                                (k, before, after)
                            })
                            .collect();
                        self.commit(changes, "set");
                    }
                    Some(Prompt::Search(i)) => {
                        let page = self.page_rows();
                        if let Overlay::Drill(d) = &mut self.overlay {
                            d.search = i.value().to_owned();
                            d.find(true, page);
                        }
                    }
                    None => {}
                }
                true
            }
            Action::Back => {
                if matches!(prompt, Prompt::Filter(_)) {
                    self.filter.clear();
                    self.refresh();
                }
                self.prompt = None;
                true
            }
            Action::CancelOrQuit => false,
            // Keys bound to actions other than editing are ignored while typing.
            Action::Scan(_)
            | Action::LoadPlan { .. }
            | Action::LoadFinished { .. }
            | Action::Following { .. }
            | Action::Saved { .. }
            | Action::SaveFailed { .. }
            | Action::Copied { .. }
            | Action::CopyFailed { .. }
            | Action::Exported { .. }
            | Action::ExportFailed { .. }
            | Action::Resize { .. }
            | Action::Tick => false,
            _ => true,
        }
    }

    /// Recomputes the shown rows of both tables: filter, verdict filter, sort. The cursor
    /// stays on the same item when it is still shown. Sorting happens only when the rows
    /// or the sort changed; a filter that narrows an earlier one filters its result.
    pub fn refresh(&mut self) {
        self.refresh_with(false);
    }

    /// Recomputes the shown rows and puts the cursor on the first.
    fn refresh_from_top(&mut self) {
        self.refresh_with(true);
    }

    fn refresh_with(&mut self, from_top: bool) {
        self.dirty = false;
        if self.hints_stale {
            self.recompute_hints();
            self.recompute_histogram();
        }
        let terms = parse_filter(&self.filter);
        for view in [View::Findings, View::NearMisses] {
            let columns: &[Column] = match view {
                View::Findings => &FINDING_COLUMNS,
                View::NearMisses => &NEAR_MISS_COLUMNS,
            };
            let decisions = &self.decisions;
            let table = match view {
                View::Findings => &mut self.findings,
                View::NearMisses => &mut self.near,
            };
            table.ensure_packed();
            if table.base.is_none() {
                table.base = Some(sort_items(table, table.sort, decisions));
                table.narrowed.clear();
            }
            let current = table.current();
            let base = table.base.as_deref().unwrap_or(&[]);
            let start: &[usize] = table
                .narrowed
                .iter()
                .rev()
                .find(|(text, _)| narrows(text, &self.filter))
                .map_or(base, |(_, order)| order.as_slice());
            let pivot = self.pivot_filter.as_ref().filter(|(v, _, _)| *v == view);
            let resolved = resolve(&terms, columns);
            let order: Vec<usize> = start
                .iter()
                .copied()
                .filter(|&i| {
                    let item = &table.items[i];
                    let verdict = table.verdicts[i];
                    let verdict_ok = match self.verdict_filter {
                        VerdictFilter::All => true,
                        VerdictFilter::Only(v) => v == verdict,
                    };
                    let pivot_ok = pivot.is_none_or(|(_, col, value)| {
                        let text = match columns.get(*col) {
                            Some(Column::Verdict) => verdict.label(),
                            _ => item.cells.get(*col).map_or("", String::as_str),
                        };
                        text == value
                    });
                    verdict_ok
                        && pivot_ok
                        && matches_terms(&resolved, columns, &table.packed, i, item.time, verdict)
                })
                .collect();
            if !self.filter.is_empty() && !table.narrowed.iter().any(|(t, _)| *t == self.filter) {
                if table.narrowed.len() >= 16 {
                    table.narrowed.remove(0);
                }
                table.narrowed.push((self.filter.clone(), order.clone()));
            }
            let cursor = current
                .filter(|_| !from_top)
                .and_then(|c| order.iter().position(|&i| i == c))
                .unwrap_or(0)
                .min(order.len().saturating_sub(1));
            table.order = order;
            table.cursor = cursor;
        }
        self.scroll_into_view();
    }

    /// The hint badges of every flagged row (an actor's novelty depends on all the data,
    /// so this runs again whenever rows arrive).
    fn recompute_hints(&mut self) {
        self.hints_stale = false;
        let actors = hints::actor_counts(&self.report);
        for (i, item) in self.findings.items.iter_mut().enumerate() {
            let Some(f) = self.report.findings.get(i) else {
                continue;
            };
            let hints = hints::hints_for(f, &actors, self.hint_config);
            item.cells[HINT_COL] = hints.iter().map(Hint::badge).collect::<Vec<_>>().join(" ");
            item.relower();
            item.numbers[HINT_COL] = i64::try_from(hints.len()).ok();
        }
        self.findings.packed_stale = true;
    }

    /// Buckets of events over time (flagged and passed over), for the header's histogram.
    fn recompute_histogram(&mut self) {
        const BUCKETS: usize = 240;
        let times = |flagged: bool| {
            self.report
                .events
                .iter()
                .filter(move |e| e.is_flagged() == flagged)
                .filter_map(|e| e.time.as_ref().map(crate::kql::ticks))
        };
        let (Some(min), Some(max)) = (
            times(true).chain(times(false)).min(),
            times(true).chain(times(false)).max(),
        ) else {
            self.histogram = None;
            return;
        };
        let span = (max - min).max(1);
        let last = i128::try_from(BUCKETS - 1).unwrap_or(0);
        let bucket = |t: i64| {
            let b = i128::from(t - min) * last / i128::from(span);
            usize::try_from(b).unwrap_or(0).min(BUCKETS - 1)
        };
        let mut flagged = vec![0u32; BUCKETS];
        let mut near = vec![0u32; BUCKETS];
        for t in times(true) {
            flagged[bucket(t)] += 1;
        }
        for t in times(false) {
            near[bucket(t)] += 1;
        }
        self.histogram = Some((min, max, flagged, near));
    }

    fn open_pivot(&mut self) {
        let t = self.table();
        let column = t.focus;
        let mut counts: HashMap<String, PivotRow> = HashMap::new();
        for &item in &t.order {
            let value = self.cell(t, item, column);
            let verdict = self.decision(&t.items[item].key).verdict;
            let row = counts.entry(value.clone()).or_insert_with(|| PivotRow {
                value,
                count: 0,
                by_verdict: [0; 3],
            });
            row.count += 1;
            row.by_verdict[match verdict {
                Verdict::Unreviewed => 0,
                Verdict::Suspicious => 1,
                Verdict::Legitimate => 2,
            }] += 1;
        }
        let mut rows: Vec<PivotRow> = counts.into_values().collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        self.overlay = Overlay::Pivot(Pivot {
            column,
            rows,
            cursor: 0,
        });
    }

    fn open_bulk(&mut self) {
        if self.view != View::Findings {
            self.set_status("classify-like-this works on flagged rows".to_owned());
            return;
        }
        let Some(item) = self.findings.current() else {
            return;
        };
        let source = &self.findings.items[item];
        let decision = self.decision(&source.key);
        if decision.verdict == Verdict::Unreviewed {
            self.set_status(
                "decide this row first (1 or 2); c then proposes the same for rows like it"
                    .to_owned(),
            );
            return;
        }
        // The columns compared: account, IP, ISP.
        let shared = [(1usize, "account"), (3, "IP"), (5, "ISP")];
        let mut candidates = Vec::new();
        for (i, other) in self.findings.items.iter().enumerate() {
            if i == item || self.decision(&other.key).verdict != Verdict::Unreviewed {
                continue;
            }
            let why: Vec<&str> = shared
                .iter()
                .filter(|(c, _)| {
                    !source.cells[*c].is_empty() && source.cells[*c] == other.cells[*c]
                })
                .map(|(_, name)| *name)
                .collect();
            if !why.is_empty() {
                candidates.push((i, format!("same {}", why.join(", ")), true));
            }
        }
        if candidates.is_empty() {
            self.set_status("no unreviewed row shares this row's account, IP or ISP".to_owned());
            return;
        }
        self.overlay = Overlay::Bulk(Bulk {
            verdict: decision.verdict,
            source: source.cells[1].clone(),
            candidates,
            cursor: 0,
        });
    }

    /// Keys in the frequency view and the classify-like-this list.
    fn apply_list(&mut self, action: Action) {
        let len = match &self.overlay {
            Overlay::Pivot(p) => p.rows.len(),
            Overlay::Bulk(b) => b.candidates.len(),
            _ => 0,
        };
        let page = self.page_rows().saturating_sub(4).max(1);
        let last = len.saturating_sub(1);
        let cursor = match &mut self.overlay {
            Overlay::Pivot(p) => &mut p.cursor,
            Overlay::Bulk(b) => &mut b.cursor,
            _ => return,
        };
        match action {
            Action::MoveDown => *cursor = (*cursor + 1).min(last),
            Action::MoveUp => *cursor = cursor.saturating_sub(1),
            Action::PageDown => *cursor = (*cursor + page).min(last),
            Action::PageUp => *cursor = cursor.saturating_sub(page),
            Action::Top => *cursor = 0,
            Action::Bottom => *cursor = last,
            Action::ToggleSelect => {
                if let Overlay::Bulk(b) = &mut self.overlay {
                    if let Some(c) = b.candidates.get_mut(b.cursor) {
                        c.2 = !c.2;
                    }
                    b.cursor = (b.cursor + 1).min(last);
                }
            }
            Action::Open | Action::Submit => self.apply_list_choice(),
            Action::Back | Action::Quit => self.overlay = Overlay::None,
            Action::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }

    /// Enter in a list: filter to the pivot value, or apply the ticked bulk decisions as
    /// one undoable step.
    fn apply_list_choice(&mut self) {
        let overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        match overlay {
            Overlay::Pivot(p) => {
                if let Some(row) = p.rows.get(p.cursor) {
                    self.pivot_filter = Some((self.view, p.column, row.value.clone()));
                    self.table_mut().narrowed.clear();
                    self.table_mut().cursor = 0;
                    self.refresh();
                }
            }
            Overlay::Bulk(b) => {
                let changes: Vec<(String, Decision, Decision)> = b
                    .candidates
                    .iter()
                    .filter(|c| c.2)
                    .map(|&(i, _, _)| {
                        let key = self.findings.items[i].key.clone();
                        let before = self.decision(&key);
                        let after = Decision {
                            verdict: b.verdict,
                            note: before.note.clone(),
                            ..Decision::default()
                        };
                        (key, before, after)
                    })
                    .collect();
                if !changes.is_empty() {
                    let n = changes.len();
                    self.commit(changes, "set");
                    self.set_status(format!(
                        "marked {n} row(s) {} like {} (one step: u undoes it)",
                        b.verdict.label(),
                        b.source
                    ));
                    self.refresh();
                }
            }
            other => self.overlay = other,
        }
    }

    /// The hints of a flagged row, with their reasons.
    pub fn hints_of(&self, finding: usize) -> Vec<Hint> {
        let actors = hints::actor_counts(&self.report);
        self.report
            .findings
            .get(finding)
            .map(|f| hints::hints_for(f, &actors, self.hint_config))
            .unwrap_or_default()
    }

    /// Character positions of a cell that the filter matched, for highlighting.
    pub fn highlights(&self, col: usize, text: &str) -> Vec<usize> {
        let columns = self.columns();
        let mut out = Vec::new();
        for term in parse_filter(&self.filter) {
            if let FilterTerm::Fuzzy {
                column,
                text: pattern,
            } = term
            {
                let applies =
                    column.is_none_or(|c| columns.get(col).is_some_and(|k| k.matches_name(&c)));
                if applies && let Some((_, idx)) = self.matcher.fuzzy_indices(text, &pattern) {
                    out.extend(idx);
                }
            }
        }
        out
    }
}

impl Drill {
    fn move_to(&mut self, line: i64, page: usize) {
        let max = self.doc.visible_count().saturating_sub(1);
        self.cursor = usize::try_from(line.clamp(0, i64::try_from(max).unwrap_or(0))).unwrap_or(0);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
    }

    fn find(&mut self, forward: bool, page: usize) {
        if self.search.is_empty() {
            return;
        }
        self.doc.expand_all();
        let needle = self.search.to_lowercase();
        let n = self.doc.visible_count();
        let hit = (1..=n).find_map(|step| {
            let pos = if forward {
                (self.cursor + step) % n
            } else {
                (self.cursor + n - step % n) % n
            };
            let line = self.doc.visible_line(pos)?;
            self.doc.lines[line]
                .text()
                .to_lowercase()
                .contains(&needle)
                .then_some(pos)
        });
        if let Some(pos) = hit {
            self.move_to(i64::try_from(pos).unwrap_or(0), page);
        }
    }
}

/// Where `E` writes the report: beside the journal, `<journal>.report.md`.
pub fn report_path(journal_path: &str) -> std::path::PathBuf {
    let base = journal_path.strip_suffix(".jsonl").unwrap_or(journal_path);
    std::path::PathBuf::from(format!("{base}.report.md"))
}
