//! Quitting: never in silence while decisions are not saved (a full disk, a read-only
//! journal): the workbench asks first, naming how many, and the process then ends with
//! status 1 (`tui::run`).

use super::{App, Effect};

impl App {
    /// `q` or Ctrl+C (once the load is done): quits at once when every decision is saved;
    /// otherwise asks, and the next key answers ([`App::answer_quit`]).
    pub(super) fn request_quit(&mut self) {
        // A conflict not answered is a decision of ours the journal does not hold.
        let n = self.not_written();
        if n == 0 {
            self.effects.push(Effect::Quit);
            return;
        }
        self.quit_pending = Some(n);
        // The question and its keys first: at 80 columns the journal's name is cut.
        self.keep_error(format!(
            "quit and lose {} NOT saved? q or y quits, any other key returns (journal {})",
            crate::tui::count::count(n, "decision"),
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
            self.keep_error(format!(
                "not quit: {} still NOT saved (marked !), written again with the next decision that saves (journal {})",
                crate::tui::count::count(n, "decision"),
                self.journal_path
            ));
        }
    }

    /// Decisions of ours the journal does not hold: not saved (yet), or met by a later
    /// decision of another analyst and not answered (`conflict`). Quitting with any ends
    /// with status 1.
    pub fn not_written(&self) -> usize {
        self.unsaved.len() + self.conflicts.len()
    }

    /// What the workbench prints when it ends and its journal is no longer at its path and
    /// could not be put back there (`error` says where it is): never "saved in <path>".
    pub fn quit_summary_misplaced(&self, error: &str) -> String {
        let f = self.saved_counts(false);
        format!(
            "sts-triage: reviewed {}/{} (suspicious {}, legitimate {}); decisions NOT in {}: {}",
            f.reviewed,
            f.total,
            f.suspicious,
            f.legitimate,
            self.journal_path,
            crate::neutralize::neutralize(error)
        )
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
        if !self.conflicts.is_empty() && self.unsaved.is_empty() {
            // Never "saved" for a decision of ours the journal does not hold.
            format!(
                "sts-triage: reviewed {reviewed}/{total} (suspicious {s}, legitimate {l}){near} saved in {}; {} of yours NOT written: another analyst decided {} later, and theirs stands (the conflict was not answered)",
                self.journal_path,
                crate::tui::count::count(self.conflicts.len(), "decision"),
                if self.conflicts.len() == 1 {
                    "the row"
                } else {
                    "the rows"
                }
            )
        } else if !self.unsaved.is_empty() {
            // A full disk or a lost journal: never "saved" for what was not written.
            let n = self.not_written();
            format!(
                "sts-triage: reviewed {reviewed}/{total} (suspicious {s}, legitimate {l}){near} saved; {} NOT saved (not counted above): {} not be written to {}; the others are saved there",
                crate::tui::count::count(n, "more decision"),
                if n == 1 { "it could" } else { "they could" },
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
