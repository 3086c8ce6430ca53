//! The status line: how a message is set, and how long it stays.
//!
//! The rule (applied once, in [`App::apply`], for every key the analyst presses; never key
//! by key): a message is the answer to the action that made it, and belongs to the screen
//! it was made on. It stays while the analyst stays on that screen (moving the cursor,
//! sorting: the message is still true), is replaced by the next action that has an answer
//! of its own, and goes when the screen changes without a new answer: another table
//! (flagged rows, near misses), an overlay opened or closed (drill-down, help, problems, a
//! list), another event or copy in the drill-down, other rows shown (the filter, the
//! verdict view, a frequency value). Then the line falls back to what is under way (a
//! report being written: `writing report… 40%`) or to where the journal is. Without it,
//! `nothing to undo` stayed under event 2/10 of a drill-down, `copy failed …` under the
//! near misses, the help and the problems view, and a copy's message in a drill-down
//! opened after it, each reading as if it spoke of the screen shown (newbie13 #5,
//! newbie13b #4).
//!
//! Kept across screens until replaced ([`App::keep_error`]): what the analyst must act on
//! or must not miss, wherever they are: a failed save (`NOT SAVED`), a report not written,
//! a question waiting for its answer (quit with unsaved decisions, a conflict with another
//! analyst), a load stopped, a decision not applied, and the warnings at start (decisions
//! signed `unknown`, journal lines outside the hash chain). A notice of selected rows a
//! decision or a copy left out (hidden by the filter) describes the selection: it stays
//! until the selection changes (`selection_changed`).
//!
//! Messages from the edges (the loader, the journal, the clipboard, a report's progress)
//! are answers too: they stay until the analyst's next change of screen.

use super::loading::Cut;
use super::{App, Overlay, View};
use crate::tui::action::Action;
use crate::tui::columns::Column;
use crate::tui::table::VerdictFilter;

/// What the screen shows, as far as a message may speak of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Screen {
    view: View,
    /// Which overlay (its kind); for a drill-down, its row, event and copy.
    overlay: (u8, Option<(String, usize, usize)>),
    filter: String,
    verdicts: VerdictFilter,
    pivot: Option<(Column, String)>,
}

/// The screen and the count of messages before an analyst's action.
pub(super) struct StatusRule {
    screen: Screen,
    made: u64,
}

impl StatusRule {
    /// Before `action`: None for what does not come from the analyst (the loader, the
    /// journal, a tick), which never clears a message.
    pub(super) fn before(app: &App, action: &Action) -> Option<Self> {
        matches!(
            action,
            Action::Intent(_) | Action::Edit(_) | Action::Submit | Action::Paste(_)
        )
        .then(|| Self {
            screen: app.screen(),
            made: app.status_made,
        })
    }

    /// After it: the message goes when the screen changed and the action said nothing
    /// of its own, unless it is kept.
    pub(super) fn after(self, app: &mut App) {
        if app.status_made != self.made
            || app.status_kept
            || app.status_notice
            || app.screen() == self.screen
        {
            return;
        }
        // A report still being made is said again (its progress goes on from there).
        app.status = app.status_of_report();
        app.status_news = None;
        app.status_error = false;
        app.status_notice = false;
    }
}

impl App {
    fn screen(&self) -> Screen {
        let overlay = match &self.overlay {
            Overlay::None => (0, None),
            Overlay::Help { .. } => (1, None),
            Overlay::Drill(d) => (2, Some((d.item_key.clone(), d.current, d.copy))),
            Overlay::Pivot(_) => (3, None),
            Overlay::Bulk(_) => (4, None),
            Overlay::Problems(_) => (5, None),
        };
        Screen {
            view: self.view,
            overlay,
            filter: self.filter.clone(),
            verdicts: self.verdict_filter,
            pivot: self.pivot_filter.clone(),
        }
    }

    /// Sets the status followed by the notice of the last decision or copy (selected rows
    /// hidden by the filter), so that "saved" never hides what was left out; `take`: the
    /// notice is said for the last time.
    pub(super) fn set_status_noting(&mut self, s: String, take: bool) {
        let notice = if take {
            self.notice.take()
        } else {
            self.notice.clone()
        };
        self.set_status(match &notice {
            Some(n) => format!("{s} · {n}"),
            None => s,
        });
        self.status_notice = notice.is_some();
    }

    /// Adds `said` after the status, which stays in front (a failed save's error, a kept
    /// warning): news that the footer shows on the status row of its own when both do not
    /// fit on one (another analyst overturning a verdict of ours was cut off at 80 columns
    /// after the start's warning; ux16 #8).
    pub(super) fn add_status(&mut self, said: &str) {
        self.status_news = Some(self.status.len() + " · ".len());
        self.status = format!("{} · {said}", self.status);
    }

    pub(super) fn set_status(&mut self, s: String) {
        self.status_news = None;
        self.status = s;
        self.status_error = false;
        self.status_notice = false;
        self.status_kept = false;
        self.status_made += 1;
    }

    pub(super) fn set_error(&mut self, s: String) {
        self.set_status(s);
        self.status_error = true;
    }

    /// An error kept across screens until replaced (see the module's rule).
    pub(super) fn keep_error(&mut self, s: String) {
        self.set_error(s);
        self.status_kept = true;
    }

    /// Whether the status is kept across screens (a failed save, a question).
    pub(super) fn status_kept(&self) -> bool {
        self.status_kept
    }

    /// A status put back as it was: the context panel closing gives the line back to
    /// what was said before it opened, on the screen it returns to.
    pub(super) fn restore_status(&mut self, status: String, error: bool, notice: bool, kept: bool) {
        self.set_status(status);
        self.status_error = error;
        self.status_notice = notice;
        self.status_kept = kept;
    }

    /// The status line at start (`tui::run`): where the journal is, or a warning, kept
    /// until replaced (decisions signed `unknown`, journal lines outside the hash chain).
    pub fn set_start_status(&mut self, status: String, warning: bool) {
        if warning {
            self.keep_error(status);
        } else {
            self.set_status(status);
        }
    }

    /// The selection changed: a status that described selected rows hidden by the filter
    /// says what is selected now, and a notice still waiting for a save is dropped once
    /// nothing is selected.
    pub(super) fn selection_changed(&mut self) {
        let selected = self.table().selected.len();
        if selected == 0 {
            self.notice = None;
        }
        if !self.status_notice {
            return;
        }
        let (_, hidden) = self.targets();
        let status = match (selected, hidden) {
            (0, _) => "selection cleared".to_owned(),
            (n, 0) => format!("{n} selected"),
            (n, h) => format!("{n} selected, {h} hidden by the filter"),
        };
        self.set_status(status);
    }
}

/// The status after the analyst stopped a load: what was not read first (the file read in
/// part, by its name and how far, and how many files were not read at all), then what was
/// kept; the whole account (folders, bytes) is the problems view's (`p`). It named the
/// folder and the byte and was cut at 80 columns before saying how far (ux16 #6): cut at
/// its end now, it still says that the load stopped and where.
pub(super) fn stopped_load(cut: Option<&Cut>, flagged: usize, near: usize) -> String {
    use crate::tui::count::count;
    let mut missing = Vec::new();
    let name = |path: &str| path.rsplit(['/', '\\']).next().unwrap_or(path).to_owned();
    if let Some((path, read, size, _)) = cut.and_then(|c| c.file.as_ref()) {
        let name = name(path);
        // Reads are buffered: about, and never 100% of a file cut short.
        let pct = (u128::from(*read) * 100 / u128::from((*size).max(1))).min(99);
        missing.push(format!("{name} read to about {pct}%"));
    }
    match cut.map_or(&[][..], |c| c.unread.as_slice()) {
        [] => {}
        [one] => missing.push(format!("{} not read", name(one))),
        many => missing.push(format!("{} not read", count(many.len(), "file"))),
    }
    let missing = if missing.is_empty() {
        "everything was read".to_owned()
    } else {
        missing.join(", ")
    };
    let n = |n: usize| crate::model::thousands(n as u64);
    format!(
        "load stopped: {missing} (p: where); kept {} flagged row{} and {} near miss{} read before",
        n(flagged),
        if flagged == 1 { "" } else { "s" },
        n(near),
        if near == 1 { "" } else { "es" }
    )
}
