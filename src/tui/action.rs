//! Everything that can change the workbench's state. Two kinds: the analyst's intents
//! (bindable to keys through the keymap; their names and descriptions live in one table,
//! `INTENTS`, that the keymap, the help screen and the footer read) and the messages from
//! the edges (the loader thread, the journal, the clipboard, the terminal's size).
//! Nothing else mutates state.

use tui_input::InputRequest;

use crate::load::ScanMessage;

/// What the analyst can ask for with one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    // Movement in the table, the lists and the drill-down.
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    FocusLeft,
    FocusRight,
    Sort,
    StartFilter,
    CycleVerdictFilter,
    Pivot,
    ToggleLocalTime,
    // Decisions.
    MarkSuspicious,
    MarkLegitimate,
    MarkUnreviewed,
    EditNote,
    ToggleSelect,
    TickAll,
    UntickAll,
    Undo,
    Redo,
    NextUnreviewed,
    PrevUnreviewed,
    ClassifyLike,
    // Hand-over.
    CopyRows,
    CopyReport,
    ExportReport,
    // Views.
    Open,
    ToggleNearMisses,
    Problems,
    Help,
    Back,
    Quit,
    CancelOrQuit,
    // Drill-down.
    ToggleFold,
    CollapseAll,
    ExpandAll,
    StartSearch,
    SearchNext,
    SearchPrev,
    NextEvent,
    PrevEvent,
    /// The drill-down: the event's next (previous) record, its copies after its own (the
    /// same event read again, in another export or twice: `StsEvent::sources`).
    NextCopy,
    PrevCopy,
    WhyDown,
    WhyUp,
    /// The drill-down's second panel: why flagged ↔ context (related records).
    SwitchPanel,
    /// In the context panel: the related record's raw text in the event's place.
    OpenRelated,
}

/// One row of the intent table: the keymap name, the help text, and the short label the
/// footer shows (empty: not in the footer).
#[derive(Debug, Clone, Copy)]
pub struct IntentInfo {
    pub intent: Intent,
    pub name: &'static str,
    pub help: &'static str,
    pub short: &'static str,
}

const fn i(
    intent: Intent,
    name: &'static str,
    help: &'static str,
    short: &'static str,
) -> IntentInfo {
    IntentInfo {
        intent,
        name,
        help,
        short,
    }
}

/// Every intent, in the order help lists them. The keymap file names intents by `name`.
pub const INTENTS: &[IntentInfo] = &[
    i(Intent::MoveDown, "move_down", "move down", ""),
    i(Intent::MoveUp, "move_up", "move up", ""),
    i(Intent::PageDown, "page_down", "page down", ""),
    i(Intent::PageUp, "page_up", "page up", ""),
    i(Intent::Top, "top", "go to the top", ""),
    i(Intent::Bottom, "bottom", "go to the bottom", ""),
    i(
        Intent::FocusLeft,
        "focus_left",
        "focus the column on the left",
        "",
    ),
    i(
        Intent::FocusRight,
        "focus_right",
        "focus the column on the right",
        "",
    ),
    i(
        Intent::Sort,
        "sort",
        "sort by the focused column (again: reverse)",
        "sort",
    ),
    i(
        Intent::StartFilter,
        "filter",
        "filter the rows (the filter language is below)",
        "filter",
    ),
    i(
        Intent::CycleVerdictFilter,
        "cycle_verdict_filter",
        "show all / unreviewed / suspicious / legitimate / changed since decided",
        "",
    ),
    i(
        Intent::Pivot,
        "pivot",
        "frequency of the focused column (Enter filters to a value)",
        "",
    ),
    i(
        Intent::ToggleLocalTime,
        "toggle_local_time",
        "times in UTC / local time",
        "",
    ),
    i(
        Intent::ClassifyLike,
        "classify_like",
        "classify like this: the same verdict for rows like this one (same account ticked; same IP or ISP listed)",
        "",
    ),
    i(
        Intent::MarkSuspicious,
        "mark_suspicious",
        "mark suspicious",
        "suspicious",
    ),
    i(
        Intent::MarkLegitimate,
        "mark_legitimate",
        "mark legitimate admin activity",
        "legitimate",
    ),
    i(
        Intent::MarkUnreviewed,
        "mark_unreviewed",
        "back to unreviewed",
        "",
    ),
    i(Intent::EditNote, "edit_note", "edit the note", "note"),
    i(
        Intent::ToggleSelect,
        "toggle_select",
        "select or unselect the row, then move down to the next (decisions apply to the selected rows shown); in a list: tick or untick, then move down",
        "tick / untick",
    ),
    i(
        Intent::TickAll,
        "tick_all",
        "tick every row of the list",
        "tick all",
    ),
    i(
        Intent::UntickAll,
        "untick_all",
        "untick every row of the list",
        "untick all",
    ),
    i(Intent::Undo, "undo", "undo the last decision", ""),
    i(Intent::Redo, "redo", "redo", ""),
    i(
        Intent::NextUnreviewed,
        "next_unreviewed",
        "next unreviewed row",
        "",
    ),
    i(
        Intent::PrevUnreviewed,
        "prev_unreviewed",
        "previous unreviewed row",
        "",
    ),
    i(
        Intent::CopyRows,
        "copy_rows",
        "copy the selected rows (or this row)",
        "copy",
    ),
    i(
        Intent::CopyReport,
        "copy_report",
        "copy the findings report (Markdown)",
        "",
    ),
    i(
        Intent::ExportReport,
        "export_report",
        "write the findings report beside the journal",
        "",
    ),
    i(
        Intent::Open,
        "open",
        "open the raw events (drill-down)",
        "raw events",
    ),
    i(
        Intent::ToggleNearMisses,
        "toggle_near_misses",
        "near misses / flagged rows",
        "near misses",
    ),
    i(
        Intent::Problems,
        "problems",
        "problems: each file read and passed over, each record skipped or repaired",
        "problems",
    ),
    i(Intent::Help, "help", "this help", "help"),
    i(Intent::Back, "back", "close / clear the filter", "back"),
    i(Intent::Quit, "quit", "quit", "quit"),
    i(
        Intent::CancelOrQuit,
        "cancel_or_quit",
        "cancel the load, or quit",
        "",
    ),
    i(
        Intent::ToggleFold,
        "toggle_fold",
        "fold / unfold the object under the cursor",
        "fold",
    ),
    i(Intent::CollapseAll, "collapse_all", "fold everything", ""),
    i(Intent::ExpandAll, "expand_all", "unfold everything", ""),
    i(
        Intent::StartSearch,
        "search",
        "search in the event",
        "search",
    ),
    i(
        Intent::SearchNext,
        "search_next",
        "next match; before any search here, the note (as in the table)",
        "",
    ),
    i(Intent::SearchPrev, "search_prev", "previous match", ""),
    i(
        Intent::NextEvent,
        "next_event",
        "next event of this row",
        "next event",
    ),
    i(
        Intent::PrevEvent,
        "prev_event",
        "previous event of this row",
        "",
    ),
    i(
        Intent::NextCopy,
        "next_copy",
        "next copy of this event (the same event in another export): its raw record",
        "copies",
    ),
    i(
        Intent::PrevCopy,
        "prev_copy",
        "previous copy of this event (back to its own record after the first)",
        "",
    ),
    i(Intent::WhyDown, "why_down", "scroll the why-panel down", ""),
    i(Intent::WhyUp, "why_up", "scroll the why-panel up", ""),
    i(
        Intent::SwitchPanel,
        "switch_panel",
        "why flagged ↔ context panel (related records; j/k move, Enter opens)",
        "context",
    ),
    i(
        Intent::OpenRelated,
        "open_related",
        "context panel: the related record's raw text (Esc: back to the event)",
        "",
    ),
];

impl Intent {
    /// The intent a keymap name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        INTENTS.iter().find(|i| i.name == name).map(|i| i.intent)
    }

    /// This intent's row of the table.
    pub fn info(self) -> &'static IntentInfo {
        INTENTS
            .iter()
            .find(|i| i.intent == self)
            .unwrap_or(&INTENTS[0])
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }
}

/// One change to the application state: an intent, text typed into a prompt, or a
/// message from an edge.
#[derive(Debug)]
pub enum Action {
    /// A key the keymap turned into an intent.
    Intent(Intent),
    // Text input (filter, note, search).
    Edit(InputRequest),
    /// Text pasted at once (bracketed paste): always text for the open prompt, never keys.
    Paste(String),
    Submit,
    // From the edges.
    Resize {
        width: u16,
        height: u16,
    },
    /// The files the load will read: how many, their bytes, their names (as the scan
    /// shows them).
    LoadPlan {
        files: usize,
        bytes: u64,
        names: Vec<String>,
    },
    Scan(ScanMessage),
    /// The load's end is next: the last file's context index and hints are made and every
    /// row is sorted once (a frame says so before the last `FileDone` and `LoadFinished`).
    Sorting,
    LoadFinished {
        error: Option<String>,
    },
    /// The SHA-256 of an input's bytes, made after the load from the file as it was read
    /// (`input_hash`): the report names it.
    InputHashed {
        path: String,
        sha256: String,
    },
    /// An input that is not the file the load read any more (it changed during the load, or
    /// cannot be read again): the report gives no SHA-256 of it (hashed now, it would be
    /// another file's), and says `why`.
    InputNotHashed {
        path: String,
        why: String,
    },
    /// The loader reads the related records after the rows, in a second pass over the files
    /// (`load::context_pass`): until [`Action::ContextRead`], no hint or context that reads
    /// them is shown.
    ContextLater,
    /// Bytes the second pass has read so far, of `total` (compressed bytes for gzip).
    ContextProgress {
        bytes: u64,
        total: u64,
    },
    /// The second pass's end: the related records' index, prepared (None: not read, the
    /// load having stopped), and what it lacks, said to the analyst (a file that changed
    /// after its rows were read, a file that could not be read again).
    ContextRead {
        index: Option<Box<crate::context::ContextIndex>>,
        missing: Option<String>,
        /// Each file whose related records were not read, and why: the report says so
        /// (breaker 13 #5: its rows' `no related records` said nothing of why).
        unread: Vec<(String, String)>,
    },
    /// Follow mode is on: these files are read again as they grow.
    Following {
        files: usize,
    },
    Saved {
        keys: Vec<String>,
    },
    SaveFailed {
        keys: Vec<String>,
        error: String,
    },
    /// The journal had been moved or deleted, or replaced by a copy, and was put back at
    /// its path by the last save (`said` tells how and where it had gone).
    JournalKept {
        said: String,
    },
    /// The journal had been replaced (cut and written again, another file moved over it)
    /// and was read again whole before a save or at a look (`journal::reload`).
    JournalReloaded {
        reloaded: Box<crate::journal::Reloaded>,
    },
    /// The journal changed on disk and could not be read at a look (`tui::journal_watch`):
    /// the screen shows it as last read, and says so.
    JournalUnread {
        error: String,
    },
    /// Entries another workbench appended to the journal, read before our write of `own`
    /// (whose entries therefore follow them); `now` dates the notice ("2 min ago").
    Foreign {
        entries: Vec<crate::journal::Entry>,
        own: Vec<String>,
        now: chrono::DateTime<chrono::Utc>,
    },
    /// A copy went out: `path` says what and how ("the findings report: sent to ...").
    Copied {
        path: String,
        bytes: usize,
    },
    /// A copy too large for the terminal's clipboard was written to a file instead.
    CopiedToFile {
        what: String,
        path: String,
        bytes: usize,
    },
    Exported {
        path: String,
        bytes: usize,
    },
    ExportFailed {
        error: String,
    },
    CopyFailed {
        error: String,
    },
    /// The report of `E` or `Y` being made off the key path is this far (percent of its
    /// lines); `quitting`: the workbench quits once it is done, and says so.
    ReportProgress {
        percent: u64,
        quitting: bool,
    },
    /// The report being made is done (its answer, `Exported`, `Copied`…, came just before);
    /// `decided_since`: decisions made after its key press, which it does not hold.
    ReportDone {
        decided_since: usize,
    },
    Tick,
    /// The key pressed after a quit that asked first (decisions not saved): `quit` when it
    /// was `q`, `y` or Ctrl+C, which quit and lose them.
    QuitAnswer {
        quit: bool,
    },
    /// The key pressed while a conflict is asked (`App::conflicts`): `Some(true)` (`w`)
    /// writes our decision again, `Some(false)` (`k`) keeps theirs, None (another key)
    /// asks again.
    ConflictAnswer {
        write_mine: Option<bool>,
    },
}

impl From<Intent> for Action {
    fn from(intent: Intent) -> Self {
        Self::Intent(intent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intent_has_one_unique_name() {
        let mut names: Vec<&str> = INTENTS.iter().map(|i| i.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate intent names");
        for info in INTENTS {
            assert_eq!(Intent::from_name(info.name), Some(info.intent));
            assert_eq!(info.intent.name(), info.name);
        }
    }
}
