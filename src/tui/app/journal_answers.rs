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

    /// What another workbench appended before our write, or since the last look at the
    /// journal (`own` empty: read while idle, or before `Y`, `E`, an undo): applied as a
    /// replay would (our entries follow theirs, so on the keys we just decided ours stand),
    /// and said on the status line: `bob marked this legitimate 2 min ago` when it touches a
    /// row being decided; a verdict of ours another analyst replaced, by name (`bob marked
    /// legitimate just now, overturning your suspicious: <row>`); one decision read while
    /// idle, with its row; else how many decisions were read. A failed save's error stays
    /// in front.
    pub(super) fn foreign(
        &mut self,
        entries: Vec<Entry>,
        own: &[String],
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let mut touched = Vec::new();
        let mut applied = 0;
        // Of those applied, how many are on no row or near miss loaded here.
        let mut not_here = 0;
        // Who wrote what was read, and when (`2 by bob (2026-12-02 02:40 UTC)`).
        let mut read_from: Vec<(String, String)> = Vec::new();
        // Verdicts of ours another analyst's entry replaced: (their entry, ours before).
        let mut overturned: Vec<(Entry, Verdict)> = Vec::new();
        let mut last_read = None;
        let conflicts = self.conflicts.len();
        for e in entries {
            // Written after a decision of ours that is still to be written again: theirs
            // is later, it stands, and the analyst is asked.
            if !own.contains(&e.key) && self.meet_later_decision(&e) {
                applied += 1;
                not_here += usize::from(!self.is_loaded(&e.key));
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
            if let Some(mine) = self.decisions.get(&e.key)
                && self.overturns(mine, &e, verdict)
            {
                overturned.retain(|(o, _)| o.key != e.key);
                overturned.push((e.clone(), mine.verdict));
            } else if d
                .as_ref()
                .is_some_and(|d| d.analyst.trim() == self.analyst.trim())
            {
                // An undo of theirs putting our verdict back gives the row back to us.
                overturned.retain(|(o, _)| o.key != e.key);
            }
            self.findings.verdict_changed(&e.key, verdict);
            self.near.verdict_changed(&e.key, verdict);
            match d {
                Some(d) => self.decisions.insert(e.key.clone(), d),
                None => self.decisions.remove(&e.key),
            };
            applied += 1;
            not_here += usize::from(!self.is_loaded(&e.key));
            last_read = Some(e);
        }
        // Decisions on rows not loaded here change nothing on screen: said, never as if
        // something had (breaker 16 #5); the count of such decisions may change.
        self.recount_unmatched();
        let read = (applied > 0).then(|| {
            let whose = crate::journal::whose_text(
                read_from.iter().map(|(a, t)| (a.as_str(), t.as_str())),
                &self.analyst,
            );
            let elsewhere = match not_here {
                0 => String::new(),
                n if n == applied => format!(
                    "; {} no row loaded here, nothing on screen changed",
                    if n == 1 { "it matches" } else { "they match" }
                ),
                n => format!(
                    "; {n} of them {} no row loaded here",
                    if n == 1 { "matches" } else { "match" }
                ),
            };
            format!(
                "{} by another workbench read from the journal: {whose}{elsewhere}",
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
        // Another analyst replaced a verdict of ours: said first, by row, whatever else
        // was read (newbie14b #5). One decision read while idle: said with its row, so the
        // analyst knows which line of the screen changed (newbie14b #4).
        let overturn = overturned.last().map(|(e, was)| {
            let more = match overturned.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more of yours)"),
            };
            format!(
                "{}, overturning your {}{more}: {}",
                crate::journal::foreign_said(e, now, false),
                was.label(),
                self.row_name(&e.key)
            )
        });
        let single = (own.is_empty() && applied == 1 && overturn.is_none())
            .then_some(last_read)
            .flatten()
            .map(|e| {
                let row = if self.is_loaded(&e.key) {
                    self.row_name(&e.key)
                } else {
                    "a row not loaded here, nothing on screen changed".to_owned()
                };
                format!("{}: {row}", crate::journal::foreign_said(&e, now, false))
            });
        // What was read, in words: an overturn first, with how many were read after it;
        // one decision read while idle by its row; else how many and whose.
        let said = match (overturn, single) {
            (Some(o), _) => Some(match read {
                Some(r) if applied > 1 => format!("{o} · {r}"),
                _ => o,
            }),
            (None, Some(s)) => Some(s),
            (None, None) => read,
        };
        // The notice comes first (a narrow status line cuts the end); "saved" stays said.
        match (notice, said, self.status_error) {
            (Some(n), said, false) => {
                self.status_news = None;
                self.status = [Some(format!("{n}; yours is saved ✓ after it")), said]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
            }
            (Some(n), _, true) => self.add_status(&n),
            // Read while idle (or before `Y`, `E`, an undo): what changed replaces what
            // was said before, which a status line cut at its end would let hide it.
            (None, Some(said), false) if own.is_empty() => self.set_status(said),
            (None, Some(said), _) => self.add_status(&said),
            (None, None, _) => return,
        }
        if applied > 0 {
            self.refresh();
        }
    }

    /// Whether `theirs`, an entry another analyst appended, replaces `mine`, a verdict of
    /// ours (a suspicious or legitimate this analyst gave) with another verdict.
    fn overturns(&self, mine: &crate::journal::Decision, theirs: &Entry, now: Verdict) -> bool {
        let me = self.analyst.trim();
        mine.verdict != Verdict::Unreviewed
            && mine.analyst.trim() == me
            && theirs.analyst.trim() != me
            && now != mine.verdict
    }

    /// The save put the journal back at its path (moved or deleted since it was opened):
    /// said after `saved ✓`, so that the analyst knows where the decisions had gone and
    /// that the path holds them all now.
    pub(super) fn journal_kept(&mut self, said: &str) {
        let said = crate::neutralize::neutralize(said);
        if self.status_error {
            self.add_status(&said);
        } else {
            self.set_status(format!("{} · {said}", self.status));
        }
    }

    /// The journal changed on disk and could not be read: the screen may no longer be what
    /// it holds, said in red (a failed save's error stays in front).
    pub(super) fn journal_unread(&mut self, error: &str) {
        let said = format!(
            "the journal changed and could not be read: {}; the screen shows it as last read",
            crate::neutralize::neutralize(error)
        );
        if self.status_error {
            self.add_status(&said);
        } else {
            self.set_error(said);
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
