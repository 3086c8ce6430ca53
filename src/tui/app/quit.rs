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

    /// What the workbench prints when it ends: the review state of the flagged rows and of
    /// the near misses (when there are any), and where the decisions are.
    pub fn quit_summary(&self, journal_written: bool) -> String {
        // Only what the journal holds counts as reviewed; the rest is named apart.
        let f = self.saved_counts(false);
        let n = self.saved_counts(true);
        let (reviewed, total, s, l) = (f.reviewed, f.total, f.suspicious, f.legitimate);
        let (nr, nt, ns, nl) = (n.reviewed, n.total, n.suspicious, n.legitimate);
        let near = if nt > 0 {
            format!("; near misses reviewed {nr}/{nt} (suspicious {ns}, legitimate {nl})")
        } else {
            String::new()
        };
        if !self.unsaved.is_empty() {
            // A full disk or a lost journal: never "saved" for what was not written.
            let n = self.unsaved.len();
            format!(
                "sts-triage: reviewed {reviewed}/{total} (suspicious {s}, legitimate {l}){near} saved; {n} more decision(s) NOT saved (not counted above): they could not be written to {}; the others are saved there",
                self.journal_path
            )
        } else if journal_written {
            format!(
                "sts-triage: reviewed {reviewed}/{total} (suspicious {s}, legitimate {l}){near}; decisions saved in {}",
                self.journal_path
            )
        } else {
            format!(
                "sts-triage: reviewed {reviewed}/{total}{near}; no decision made, no journal written"
            )
        }
    }
}
