//! The journal's decisions that match no loaded row (`journal::unmatched`): counted when the
//! load ends and said on the status line, then counted again whenever that can change (rows
//! arriving under `--follow`, another workbench's decisions read), so that the status line
//! never keeps saying a count that is no longer true; and listed in the problems view,
//! where a start-up message that took the status line cannot hide them (breaker 16 #5).

use super::{App, Overlay};
use crate::journal::unmatched_sentence;

impl App {
    /// How many decisions of the journal match no loaded row now: no flagged row of the
    /// table has its key, no near miss read has its id.
    pub(super) fn unmatched_now(&self) -> usize {
        crate::journal::unmatched_in_load(&self.decisions, &self.report, |k| {
            self.findings.item_of(k).is_some()
        })
    }

    /// The sentence on them, counted now and kept as the count said (None when every
    /// decision matches a row).
    pub(super) fn unmatched_said(&mut self) -> Option<String> {
        self.unmatched = self.unmatched_now();
        unmatched_sentence(self.unmatched)
    }

    /// Counts them again after something that can change the count. An open problems view
    /// is built again; a status line that still says the count as it was says it as it is
    /// now (`6 decisions … match no loaded row` after 5 of them got their rows is untrue).
    pub(super) fn recount_unmatched(&mut self) {
        let was = self.unmatched;
        let now = self.unmatched_now();
        if now == was {
            return;
        }
        self.unmatched = now;
        if let Overlay::Problems(view) = &mut self.overlay {
            // Built again at the next refresh, whatever the scan's counts.
            view.built_from = Default::default();
        }
        let Some(old) = unmatched_sentence(was) else {
            return;
        };
        let Some(at) = self.status.find(&old) else {
            return;
        };
        let new = unmatched_sentence(now).unwrap_or_else(|| {
            format!(
                "the {} in the journal that matched no loaded row {} rows read now",
                crate::tui::count::count(was, "decision"),
                if was == 1 { "matches" } else { "all match" }
            )
        });
        if self.status == old {
            // Said alone: as a warning while some still match nothing, else as news.
            if now > 0 {
                self.keep_error(new);
            } else {
                self.set_status(new);
            }
            return;
        }
        self.status.replace_range(at..at + old.len(), &new);
        if let Some(news) = &mut self.status_news
            && *news > at
        {
            *news = (*news + new.len()).saturating_sub(old.len());
        }
    }

    /// Whether `key` names a row or near miss loaded here (another workbench's decision on
    /// one that is not changes nothing on screen).
    pub(super) fn is_loaded(&self, key: &str) -> bool {
        self.findings.item_of(key).is_some() || self.near.item_of(key).is_some()
    }
}
