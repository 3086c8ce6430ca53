//! Quitting: never in silence while decisions are not saved (a full disk, a read-only
//! journal): the workbench asks first, naming how many, and the process then ends with
//! status 1 (`tui::run`).

use super::{App, Effect};

impl App {
    /// `q` or Ctrl+C (once the load is done): quits at once when every decision is saved;
    /// otherwise asks, and the next key answers ([`App::answer_quit`]).
    pub(super) fn request_quit(&mut self) {
        let n = self.unsaved.len();
        if n == 0 {
            self.effects.push(Effect::Quit);
            return;
        }
        self.quit_pending = Some(n);
        // The question and its keys first: at 80 columns the journal's name is cut.
        self.set_error(format!(
            "quit and lose {n} decision(s) NOT saved? q or y quits, any other key returns (journal {})",
            self.journal_path
        ));
    }

    /// The key after [`App::request_quit`] asked: `quit` ends the workbench, any other key
    /// returns to it (and does nothing else).
    pub(super) fn answer_quit(&mut self, quit: bool) {
        let Some(n) = self.quit_pending.take() else {
            return;
        };
        if quit {
            self.effects.push(Effect::Quit);
        } else {
            self.set_error(format!(
                "not quit: {n} decision(s) still NOT saved (marked !), written again with the next decision that saves (journal {})",
                self.journal_path
            ));
        }
    }
}
