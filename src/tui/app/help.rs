//! The help screen's keys: paging through every line of help, whatever the terminal's
//! size, by the frame the renderer draws (`HelpText::frame`).

use std::sync::Arc;

use super::{App, Overlay};
use crate::tui::action::Intent;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::overlay::help::HelpText;

impl App {
    /// The workbench with the help of the live keymap.
    #[must_use]
    pub fn with_help(mut self, keymap: &Keymap) -> Self {
        self.help = Arc::new(HelpText::of(keymap));
        self
    }

    pub(super) fn apply_help(&mut self, intent: Intent) {
        let frame = self.help.frame(self.areas().body);
        let (page, end) = (frame.page, frame.max_scroll());
        match intent {
            Intent::Back | Intent::Help | Intent::Quit => {
                // Back to the screen help was opened from (the drill-down keeps its place).
                let overlay = std::mem::replace(&mut self.overlay, Overlay::None);
                if let Overlay::Help {
                    previous: Some(previous),
                    ..
                } = overlay
                {
                    self.overlay = *previous;
                    self.scroll_into_view();
                }
            }
            Intent::CancelOrQuit => self.cancel_or_quit(),
            _ => {
                if let Overlay::Help { scroll, .. } = &mut self.overlay {
                    // A resize since may have moved the end: from where the screen shows.
                    let at = (*scroll).min(end);
                    *scroll = match intent {
                        Intent::MoveDown => at + 1,
                        Intent::MoveUp => at.saturating_sub(1),
                        Intent::PageDown => at + page,
                        Intent::PageUp => at.saturating_sub(page),
                        Intent::Top => 0,
                        Intent::Bottom => end,
                        _ => at,
                    }
                    .min(end);
                }
            }
        }
    }

    /// Opens the help over the current screen, remembering it.
    /// At the keys of that screen (the context panel's are the drill-down's; the near
    /// misses' the table's).
    pub(super) fn open_help(&mut self) {
        let context = match &self.overlay {
            Overlay::Drill(_) => Context::Drill,
            Overlay::Pivot(_) | Overlay::Bulk(_) => Context::List,
            Overlay::Problems(_) => Context::Problems,
            Overlay::None | Overlay::Help { .. } => Context::Table,
        };
        let scroll = self.help.section_scroll(context, self.areas().body);
        let previous = std::mem::replace(&mut self.overlay, Overlay::None);
        let previous = (!matches!(previous, Overlay::None)).then(|| Box::new(previous));
        self.overlay = Overlay::Help { scroll, previous };
    }
}
