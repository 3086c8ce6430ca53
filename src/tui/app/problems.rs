//! The problems view's keys: open it from the table, scroll it (pages from the shared
//! layout), close it; and keep its entries current while the load goes on.

use super::{App, Overlay};
use crate::neutralize::neutralize;
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
        view.entries = self.problem_entries();
        view.built_from = problems::signature(&self.report, &self.loading);
    }

    /// The view's entries: first each decision on an id that near misses of other content
    /// now share, not applied (said once an id), then the load's.
    fn problem_entries(&self) -> Vec<problems::Entry> {
        let mut entries: Vec<problems::Entry> =
            crate::report::decisions_not_applied(&self.report, &self.decisions)
                .into_iter()
                .map(|(id, n)| problems::Entry {
                    kind: problems::Kind::Warning,
                    text: crate::report::not_applied_sentence(&neutralize(&id), n),
                })
                .chain(
                    crate::report::folded_row_decisions(&self.report, &self.decisions)
                        .into_iter()
                        .map(|text| problems::Entry {
                            kind: problems::Kind::Warning,
                            text,
                        }),
                )
                .collect();
        // Decisions signed `unknown` (no analyst name): said first, with how to sign.
        if self.analyst == crate::journal::UNSIGNED {
            entries.insert(
                0,
                problems::Entry {
                    kind: problems::Kind::Warning,
                    text: crate::journal::unsigned_notice(),
                },
            );
        }
        // Decisions of journal lines outside the hash chain: applied, named here.
        let outside = crate::report::outside_chain_decisions(&self.decisions);
        entries.extend(
            crate::journal::outside_chain_sentence(&self.journal_path, &outside).map(|text| {
                problems::Entry {
                    kind: problems::Kind::Warning,
                    text: neutralize(&text).into_owned(),
                }
            }),
        );
        // Decisions on no loaded row: in no count of the header, listed here as they are
        // now (the status line said them at the load's end, if nothing else took it).
        entries.extend(
            crate::journal::unmatched_sentence(self.unmatched_now()).map(|text| problems::Entry {
                kind: problems::Kind::Warning,
                text,
            }),
        );
        entries.extend(problems::entries(&self.report, &self.loading));
        entries
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
        let entries = changed.then(|| self.problem_entries());
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
