//! Everything that can change the workbench's state: keys become actions through the
//! keymap, the loader thread and the I/O edges send actions too. Nothing else mutates state.

use tui_input::InputRequest;

use crate::load::ScanMessage;

/// One change to the application state.
#[derive(Debug)]
pub enum Action {
    // Table and list movement.
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
    // Text input (filter, note, search).
    Edit(InputRequest),
    Submit,
    // From the edges.
    Resize {
        width: u16,
        height: u16,
    },
    LoadPlan {
        files: usize,
        bytes: u64,
    },
    Scan(ScanMessage),
    LoadFinished {
        error: Option<String>,
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
    Copied {
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
    Tick,
}

impl Action {
    /// The keymap name of a bindable action, and its description for the help screen.
    pub const BINDABLE: &'static [(&'static str, &'static str)] = &[
        ("move_down", "move down"),
        ("move_up", "move up"),
        ("page_down", "page down"),
        ("page_up", "page up"),
        ("top", "go to the top"),
        ("bottom", "go to the bottom"),
        ("focus_left", "focus the column on the left"),
        ("focus_right", "focus the column on the right"),
        ("sort", "sort by the focused column (again: reverse)"),
        ("filter", "fuzzy filter (col:text, !exclude)"),
        (
            "cycle_verdict_filter",
            "show all / unreviewed / suspicious / legitimate",
        ),
        (
            "pivot",
            "frequency of the focused column (Enter filters to a value)",
        ),
        ("toggle_local_time", "times in UTC / local time"),
        (
            "classify_like",
            "classify like this: same verdict for rows sharing account, IP or ISP",
        ),
        ("mark_suspicious", "mark suspicious"),
        ("mark_legitimate", "mark legitimate admin activity"),
        ("mark_unreviewed", "back to unreviewed"),
        ("edit_note", "edit the note"),
        (
            "toggle_select",
            "select the row (marks apply to the selection)",
        ),
        ("undo", "undo the last decision"),
        ("redo", "redo"),
        ("next_unreviewed", "next unreviewed row"),
        ("prev_unreviewed", "previous unreviewed row"),
        ("copy_rows", "copy the selected rows (or this row)"),
        ("copy_report", "copy the findings report (Markdown)"),
        (
            "export_report",
            "write the findings report beside the journal",
        ),
        ("open", "open the raw events (drill-down)"),
        ("toggle_near_misses", "near misses / flagged rows"),
        ("help", "this help"),
        ("back", "close / clear the filter"),
        ("quit", "quit"),
        ("cancel_or_quit", "cancel the load, or quit"),
        ("toggle_fold", "fold / unfold the object under the cursor"),
        ("collapse_all", "fold everything"),
        ("expand_all", "unfold everything"),
        ("search", "search in the event"),
        ("search_next", "next match"),
        ("search_prev", "previous match"),
        ("next_event", "next event of this row"),
        ("prev_event", "previous event of this row"),
    ];

    /// The action a keymap name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "move_down" => Self::MoveDown,
            "move_up" => Self::MoveUp,
            "page_down" => Self::PageDown,
            "page_up" => Self::PageUp,
            "top" => Self::Top,
            "bottom" => Self::Bottom,
            "focus_left" => Self::FocusLeft,
            "focus_right" => Self::FocusRight,
            "sort" => Self::Sort,
            "filter" => Self::StartFilter,
            "cycle_verdict_filter" => Self::CycleVerdictFilter,
            "pivot" => Self::Pivot,
            "toggle_local_time" => Self::ToggleLocalTime,
            "classify_like" => Self::ClassifyLike,
            "mark_suspicious" => Self::MarkSuspicious,
            "mark_legitimate" => Self::MarkLegitimate,
            "mark_unreviewed" => Self::MarkUnreviewed,
            "edit_note" => Self::EditNote,
            "toggle_select" => Self::ToggleSelect,
            "undo" => Self::Undo,
            "redo" => Self::Redo,
            "next_unreviewed" => Self::NextUnreviewed,
            "prev_unreviewed" => Self::PrevUnreviewed,
            "copy_rows" => Self::CopyRows,
            "copy_report" => Self::CopyReport,
            "export_report" => Self::ExportReport,
            "open" => Self::Open,
            "toggle_near_misses" => Self::ToggleNearMisses,
            "help" => Self::Help,
            "back" => Self::Back,
            "quit" => Self::Quit,
            "cancel_or_quit" => Self::CancelOrQuit,
            "toggle_fold" => Self::ToggleFold,
            "collapse_all" => Self::CollapseAll,
            "expand_all" => Self::ExpandAll,
            "search" => Self::StartSearch,
            "search_next" => Self::SearchNext,
            "search_prev" => Self::SearchPrev,
            "next_event" => Self::NextEvent,
            "prev_event" => Self::PrevEvent,
            _ => return None,
        })
    }

    pub fn describe(name: &str) -> &'static str {
        Self::BINDABLE
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, d)| d)
    }
}
