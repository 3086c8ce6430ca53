//! The journal was replaced while the workbench ran (cut and written again, or another file
//! moved over it) and was read again whole (`journal::reload`): the screen shows what it
//! holds now, and the status line says what happened to this session's decisions.

use std::collections::HashSet;

use super::App;
use crate::journal::{Reloaded, Verdict};

impl App {
    /// Every row's decision becomes the reloaded journal's, but for decisions the journal
    /// has not confirmed yet (being saved, or NOT SAVED: they stay on screen marked `!` and
    /// are written by the next save). Said in red: `the journal was cut to 0 bytes (it had
    /// 1234 when last read): read again (3 entries), 2 decisions changed · 1 decision of
    /// this session was not in it and written again ✓ (<row>) · yours NOT written on <row>:
    /// bob's later legitimate stands`.
    pub(super) fn journal_reloaded(&mut self, r: Reloaded) {
        // Not confirmed by the journal, or not written into it again: ours stay on screen.
        let failed = r
            .failed
            .as_ref()
            .map(|(k, _)| k.as_slice())
            .unwrap_or_default();
        let pending: HashSet<String> = self.unsaved.iter().chain(failed).cloned().collect();
        let keys: HashSet<String> = self
            .decisions
            .keys()
            .chain(r.decisions.keys())
            .filter(|k| !pending.contains(*k))
            .cloned()
            .collect();
        let mut changed = 0;
        for k in keys {
            let now = r.decisions.get(&k);
            if self.decisions.get(&k) == now {
                continue;
            }
            changed += 1;
            let verdict = now.map_or(Verdict::Unreviewed, |d| d.verdict);
            self.findings.verdict_changed(&k, verdict);
            self.near.verdict_changed(&k, verdict);
            match now {
                Some(d) => self.decisions.insert(k, d.clone()),
                None => self.decisions.remove(&k),
            };
        }
        // Decisions on no loaded row may be more or fewer now.
        self.recount_unmatched();
        let count = crate::tui::count::count;
        let mut said = vec![format!(
            "the journal was {}: read again ({}), {} changed",
            r.how,
            crate::count::count_as(r.entries, "entry", "entries"),
            count(changed, "decision")
        )];
        if !r.rewritten.is_empty() {
            let (_, first) = self.rows_named(&r.rewritten);
            said.push(format!(
                "{} of this session {} not in it and written again ✓ ({first})",
                count(r.rewritten.len(), "decision"),
                if r.rewritten.len() == 1 {
                    "was"
                } else {
                    "were"
                },
            ));
        }
        for e in r.superseded.iter().take(3) {
            let who = crate::journal::shown_analyst(&e.analyst);
            said.push(format!(
                "yours NOT written on {}: {who}'s later {} stands",
                self.row_name(&e.key),
                e.verdict.label()
            ));
        }
        if r.superseded.len() > 3 {
            said.push(format!(
                "and {} more of yours NOT written (a later decision stands)",
                r.superseded.len() - 3
            ));
        }
        if let Some(w) = &r.warning {
            said.push(w.clone());
        }
        let said = crate::neutralize::neutralize(&said.join(" · ")).into_owned();
        if let Some((keys, error)) = r.failed {
            // Not in the journal: kept on screen as this session's, NOT SAVED, written by
            // the next save (as any failed write).
            let n = keys.len();
            self.save_failed(keys, error);
            self.status = format!(
                "{} ({} of this session not in the replaced journal) · {said}",
                self.status,
                count(n, "decision")
            );
        } else if !self.unsaved.is_empty() {
            // A save is on its way (the journal was read again before its write): said
            // first when it is confirmed, before what it saved.
            self.outcome = Some(match self.outcome.take() {
                Some(o) => format!("{said} · {o}"),
                None => said,
            });
        } else if self.status_error && self.status_kept() {
            self.add_status(&said);
        } else {
            self.set_error(said);
        }
        self.refresh();
    }
}
