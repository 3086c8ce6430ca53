//! The problems view's keys: open it from the table, scroll it (pages from the shared
//! layout), close it; and keep its entries current while the load goes on.

use super::{App, Overlay};
use crate::tui::action::Intent;
use crate::tui::problems::{self, ProblemsView};

impl App {
    /// Opens the problems view over the table.
    pub(super) fn open_problems(&mut self) {
        let mut view = ProblemsView::default();
        self.build_problems(&mut view);
        self.overlay = Overlay::Problems(view);
    }

    fn build_problems(&self, view: &mut ProblemsView) {
        view.entries = problems::entries(&self.report, &self.loading);
        view.built_from = problems::signature(&self.report, &self.loading);
    }

    /// Rebuilds the open view's entries when the report changed (rows and problems still
    /// arriving), and keeps its scroll within its lines (also after a resize: `resized`).
    pub(super) fn refresh_problems(&mut self, resized: bool) {
        let Overlay::Problems(view) = &self.overlay else {
            return;
        };
        let signature = problems::signature(&self.report, &self.loading);
        let changed = view.built_from != signature;
        if !changed && !resized {
            return;
        }
        let entries = changed.then(|| problems::entries(&self.report, &self.loading));
        let areas = self.areas();
        let Overlay::Problems(view) = &mut self.overlay else {
            return;
        };
        if let Some(entries) = entries {
            view.entries = entries;
            view.built_from = signature;
        }
        let lines = problems::wrap(&view.entries, &areas).len();
        view.scroll = view.scroll.min(problems::max_scroll(lines, &areas));
    }

    pub(super) fn apply_problems(&mut self, intent: Intent) {
        let areas = self.areas();
        let Overlay::Problems(view) = &mut self.overlay else {
            return;
        };
        let page = problems::visible_lines(&areas);
        let max = problems::max_scroll(problems::wrap(&view.entries, &areas).len(), &areas);
        match intent {
            Intent::MoveDown => view.scroll = (view.scroll + 1).min(max),
            Intent::MoveUp => view.scroll = view.scroll.saturating_sub(1),
            Intent::PageDown => view.scroll = (view.scroll + page).min(max),
            Intent::PageUp => view.scroll = view.scroll.saturating_sub(page),
            Intent::Top => view.scroll = 0,
            Intent::Bottom => view.scroll = max,
            Intent::Back | Intent::Quit | Intent::Problems => self.overlay = Overlay::None,
            Intent::Help => self.open_help(),
            Intent::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }
}
