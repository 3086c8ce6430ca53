//! A decision a failed save left unwritten meets, on its retry, a later decision of another
//! workbench on the same row (breaker 12 #1: alice's `legitimate` refused by a full disk,
//! bob's `suspicious` saved after it, alice's retry written last overturned bob's in the
//! journal, the report and every restart, while both screens showed bob's). The later
//! decision stands, on every screen and in the journal, and the analyst is asked: `k`
//! keeps theirs (nothing written), `w` writes hers again as a decision made now.

use super::{App, Effect};
use crate::journal::{Decision, Entry, RETRY, Verdict};

/// One of our decisions that could not be saved, and the later decision of another
/// analyst on the same row that the journal holds now (and the screen shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: String,
    /// Ours, as it was made: verdict, note, our name and the time we made it.
    pub mine: Decision,
    /// Theirs, as the journal holds it (no time: they left the row without a decision).
    pub theirs: Decision,
}

impl App {
    /// An entry another workbench wrote on `e.key` while our decision on it waited to be
    /// written again (its save failed): the entry's decision is applied, ours is no longer
    /// written, and the analyst is asked. False when ours is not waiting (a normal entry).
    pub(super) fn meet_later_decision(&mut self, e: &Entry) -> bool {
        let waiting = self.failed.contains(&e.key) || self.retrying.contains(&e.key);
        let open = self.conflicts.iter().position(|c| c.key == e.key);
        if !waiting && open.is_none() {
            return false;
        }
        let theirs = e.decision().unwrap_or_default();
        match open {
            // Asked already: the question names their newest decision.
            Some(i) => self.conflicts[i].theirs = theirs.clone(),
            None => {
                let mine = self.decision(&e.key);
                self.failed.remove(&e.key);
                self.retrying.remove(&e.key);
                self.unsaved.remove(&e.key);
                self.held.remove(&e.key);
                self.rewriting = self.rewriting.saturating_sub(1);
                self.drop_queued_retry(&e.key);
                self.conflicts.push_back(Conflict {
                    key: e.key.clone(),
                    mine,
                    theirs: theirs.clone(),
                });
            }
        }
        self.findings.verdict_changed(&e.key, theirs.verdict);
        self.near.verdict_changed(&e.key, theirs.verdict);
        if theirs.time.is_empty() {
            self.decisions.remove(&e.key);
        } else {
            self.decisions.insert(e.key.clone(), theirs);
        }
        true
    }

    /// A retry of `key` queued and not yet carried out (a save queues the retries of what
    /// failed before it, ahead of the entries that save read being applied) is taken back:
    /// a later decision superseded it.
    pub(super) fn drop_queued_retry(&mut self, key: &str) {
        for effect in &mut self.effects {
            if let Effect::Journal(entries) = effect {
                entries.retain(|e| !(e.key == key && e.action == RETRY));
            }
        }
        self.effects
            .retain(|e| !matches!(e, Effect::Journal(entries) if entries.is_empty()));
    }

    /// Says the first open conflict on the status line: the keys first (a narrow status
    /// line cuts the end), the row, both analysts and both verdicts with their times.
    pub(super) fn ask_conflict(&mut self, again: bool) {
        let Some(c) = self.conflicts.front().cloned() else {
            return;
        };
        let row = self.row_name(&c.key);
        let who = name_of(&c.theirs.analyst);
        let me = name_of(&self.analyst);
        let theirs = if c.theirs.time.is_empty() {
            "undo (no decision)".to_owned()
        } else {
            verdict_or_note(&c.theirs)
        };
        let more = match self.conflicts.len() {
            1 => String::new(),
            n => format!(" ({} more after this)", n - 1),
        };
        // Both verdicts and both keys within 80 columns (a narrow status line cuts the end).
        self.keep_error(format!(
            "{}CONFLICT k keeps {who}'s {theirs} · w writes your {} again · row {row}: {who}'s{} is later than yours ({me}'s{}, NOT SAVED); shown now and in the journal: {who}'s{more}",
            if again { "answer first: " } else { "" },
            verdict_or_note(&c.mine),
            at(&c.theirs.time),
            at(&c.mine.time),
        ));
    }

    /// The analyst's answer to the open conflict: `Some(true)` writes hers again (a new
    /// decision, made now, after theirs: undoable like any), `Some(false)` keeps theirs
    /// (nothing written), None (another key) asks again.
    pub(super) fn answer_conflict(&mut self, write_mine: Option<bool>) {
        let Some(write_mine) = write_mine else {
            self.ask_conflict(true);
            return;
        };
        let Some(c) = self.conflicts.pop_front() else {
            return;
        };
        let row = self.row_name(&c.key);
        let who = name_of(&c.theirs.analyst);
        if write_mine {
            let now = self.decision(&c.key);
            let again = Decision {
                verdict: c.mine.verdict,
                note: c.mine.note.clone(),
                events: c.mine.events,
                ..Decision::default()
            };
            self.commit(vec![(c.key.clone(), now, again)], "set");
            self.set_status_noting(
                format!(
                    "writing yours again over {who}'s on row {row}: {} (a decision made now)",
                    verdict_or_note(&c.mine)
                ),
                false,
            );
        } else {
            self.set_status(format!(
                "kept {who}'s on row {row}; yours ({}) is not written",
                verdict_or_note(&c.mine)
            ));
        }
        self.refresh();
        if !self.conflicts.is_empty() {
            self.ask_conflict(false);
        }
    }

    /// `2025-10-10 09:01:00 · Contoso Admin`, from whichever table holds the row.
    pub(super) fn row_name(&mut self, key: &str) -> String {
        let keys = [key.to_owned()];
        if self.table().item_of(key).is_none() {
            let here = self.view;
            self.view = match here {
                super::View::Findings => super::View::NearMisses,
                super::View::NearMisses => super::View::Findings,
            };
            let (_, name) = self.rows_named(&keys);
            self.view = here;
            return name;
        }
        self.rows_named(&keys).1
    }
}

fn name_of(analyst: &str) -> String {
    crate::journal::shown_analyst(analyst)
}

/// ` at 23:13:29 UTC` of an RFC 3339 time (nothing when there is none).
fn at(time: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(time).map_or_else(
        |_| String::new(),
        |t| {
            format!(
                " at {}",
                t.with_timezone(&chrono::Utc).format("%H:%M:%S UTC")
            )
        },
    )
}

fn verdict_or_note(d: &Decision) -> String {
    match d.verdict {
        Verdict::Unreviewed if !d.note.is_empty() => "note".to_owned(),
        Verdict::Unreviewed if d.time.is_empty() => "undo to no decision".to_owned(),
        v => v.label().to_owned(),
    }
}
