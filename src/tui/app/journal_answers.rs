//! The journal's answers to what the workbench wrote: confirmed, refused (a full disk, a
//! lost journal), and the entries another workbench appended meanwhile. Apart from deciding
//! (`decide.rs`), which makes the steps these answer.

use super::{App, Effect};
use crate::journal::{Entry, RETRY, Verdict};

impl App {
    /// The journal confirmed these keys.
    pub(super) fn saved(&mut self, keys: Vec<String>) {
        for k in &keys {
            self.unsaved.remove(k);
            self.failed.remove(k);
            self.retrying.remove(k);
            self.held.remove(k);
        }
        if self.failed.is_empty() {
            let mut saved = match self.outcome.take() {
                Some(outcome) => format!("{outcome} · saved ✓ to {}", self.journal_path),
                None => format!(
                    "saved ✓ {} to {}",
                    crate::tui::count::count(keys.len(), "decision"),
                    self.journal_path
                ),
            };
            if self.rewriting > 0 {
                // The decisions an earlier failure left unsaved were written too: said, so
                // the count is of everything this save wrote.
                saved.push_str(&format!(
                    " · and the {} not written before {} saved now",
                    crate::tui::count::count(self.rewriting, "decision"),
                    if self.rewriting == 1 { "is" } else { "are" }
                ));
                self.rewriting = 0;
            }
            self.set_status_noting(saved, true);
        } else {
            // The journal takes writes again: write what an earlier failure left unsaved
            // (their current state), so nothing decided stays unsaved. Only failed keys:
            // decisions still on their way are written by their own step.
            let mut pending: Vec<String> = self.failed.drain().collect();
            pending.sort();
            self.rewriting = pending.len();
            let mut entries = Vec::new();
            for k in &pending {
                // Written as the screen holds it: who decided and when (or no decision),
                // so it keeps the time it was made; as a retry, which the journal never
                // writes over another writer's later entry on the row (`conflict`).
                entries.push(Entry::restoring(k, &self.decision(k), &self.analyst, RETRY));
            }
            self.retrying.extend(pending);
            self.effects.push(Effect::Journal(entries));
        }
    }

    /// What another workbench appended before our write: applied as a replay would (our
    /// entries follow theirs, so on the keys we just decided ours stand), and said on the
    /// status line: `bob marked this legitimate 2 min ago` when it touches a row being
    /// decided, else how many decisions were read. A failed save's error stays in front.
    pub(super) fn foreign(
        &mut self,
        entries: Vec<Entry>,
        own: &[String],
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let mut touched = Vec::new();
        let mut applied = 0;
        // Who wrote what was read, and when (`2 by bob (2026-12-02 02:40 UTC)`).
        let mut read_from: Vec<(String, String)> = Vec::new();
        let conflicts = self.conflicts.len();
        for e in entries {
            // Written after a decision of ours that is still to be written again: theirs
            // is later, it stands, and the analyst is asked.
            if !own.contains(&e.key) && self.meet_later_decision(&e) {
                applied += 1;
                read_from.push((e.analyst.clone(), e.time.clone()));
                continue;
            }
            if own.contains(&e.key) {
                touched.push(e);
                continue;
            }
            read_from.push((e.analyst.clone(), e.time.clone()));
            let d = e.decision();
            let verdict = d.as_ref().map_or(Verdict::Unreviewed, |d| d.verdict);
            self.findings.verdict_changed(&e.key, verdict);
            self.near.verdict_changed(&e.key, verdict);
            match d {
                Some(d) => self.decisions.insert(e.key, d),
                None => self.decisions.remove(&e.key),
            };
            applied += 1;
        }
        let read = (applied > 0).then(|| {
            let whose = crate::journal::whose_text(
                read_from.iter().map(|(a, t)| (a.as_str(), t.as_str())),
                &self.analyst,
            );
            format!(
                "{} by another workbench read from the journal: {whose}",
                crate::tui::count::count(applied, "decision")
            )
        });
        let notice = touched.last().map(|e| {
            let more = touched.len() - 1;
            let more = if more > 0 {
                format!(" (and {more} more on the rows being decided)")
            } else {
                String::new()
            };
            format!("{}{more}", crate::journal::foreign_notice(e, now))
        });
        if self.conflicts.len() > conflicts || (conflicts > 0 && applied > 0) {
            self.refresh();
            self.ask_conflict(false);
            return;
        }
        // The notice comes first (a narrow status line cuts the end); "saved" stays said.
        self.status = match (notice, read, self.status_error) {
            (Some(n), read, false) => [Some(format!("{n}; yours is saved ✓ after it")), read]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            (Some(n), _, true) => format!("{} · {n}", self.status),
            (None, Some(r), _) => format!("{} · {r}", self.status),
            (None, None, _) => return,
        };
        if applied > 0 {
            self.refresh();
        }
    }

    /// The save put the journal back at its path (moved or deleted since it was opened):
    /// said after `saved ✓`, so that the analyst knows where the decisions had gone and
    /// that the path holds them all now.
    pub(super) fn journal_kept(&mut self, said: &str) {
        let said = crate::neutralize::neutralize(said);
        if self.status_error {
            self.status = format!("{} · {said}", self.status);
        } else {
            self.set_status(format!("{} · {said}", self.status));
        }
    }

    pub(super) fn save_failed(&mut self, keys: Vec<String>, error: String) {
        self.outcome = None;
        self.rewriting = 0;
        for k in keys {
            self.retrying.remove(&k);
            self.unsaved.insert(k.clone());
            self.failed.insert(k);
        }
        self.keep_error(format!("NOT SAVED: {error}"));
    }
}
