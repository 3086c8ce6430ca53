//! Deciding: verdicts and notes on rows, as undoable steps written to the journal; copying
//! rows. The journal's answers to those steps are in `journal_answers.rs`.

use tui_input::Input;

use super::verdict_words::{outcome, overturned};
use super::{App, Column, Effect, Prompt, View};
use crate::journal::{Decision, Entry, Verdict};
use crate::report;

/// One undoable step: the decisions before and after, per key.
#[derive(Debug, Clone)]
pub(super) struct Step {
    changes: Vec<(String, Decision, Decision)>,
}

/// What a decision changes on a row; the rest of its decision is kept.
#[derive(Debug, Clone)]
pub(super) enum Change {
    Verdict(Verdict),
    /// A verdict on the rows' events as the screen listed them (`events` of them: the
    /// drill-down's count), whatever joined since.
    VerdictOn {
        verdict: Verdict,
        events: u64,
    },
    Note(String),
}

impl App {
    /// The items a decision (or a copy) applies to: the selected rows the table shows,
    /// else (nothing selected) the highlighted row; and how many selected rows the filter
    /// hides (they are never touched by a key the analyst cannot see the effect of). When
    /// every selected row is hidden there is no target: the analyst meant the selection,
    /// and the highlighted row is another row.
    pub(super) fn targets(&self) -> (Vec<usize>, usize) {
        let t = self.table();
        if t.selected.is_empty() {
            return (t.current().into_iter().collect(), 0);
        }
        let shown: std::collections::HashSet<usize> = t.order.iter().copied().collect();
        let mut visible: Vec<usize> = t
            .selected
            .iter()
            .copied()
            .filter(|i| shown.contains(i))
            .collect();
        visible.sort_unstable();
        let hidden = t.selected.len() - visible.len();
        (visible, hidden)
    }

    /// The keys of `targets`, and a notice when selected rows are hidden by the filter;
    /// none, and the reason as an error, when every selected row is hidden.
    pub(super) fn target_keys(&mut self) -> Vec<String> {
        let (items, hidden) = self.targets();
        let selected = self.table().selected.len();
        if items.is_empty() && hidden > 0 {
            self.refuse_hidden_selection();
            return Vec::new();
        }
        self.notice = (hidden > 0).then(|| {
            format!(
                "{selected} selected, {hidden} hidden by the filter: applied to the {} shown",
                selected - hidden
            )
        });
        let t = self.table();
        items.iter().map(|&i| t.items[i].key.clone()).collect()
    }

    /// A verdict key in the table: on the targets, as one step.
    pub(super) fn mark(&mut self, verdict: Verdict) {
        let (items, _) = self.targets();
        let keys = self.target_keys();
        let n = self.record(keys.clone(), &Change::Verdict(verdict));
        if n == 0 {
            return;
        }
        // The rows decided leave the selection; selected rows the filter hides stay selected.
        let t = self.table_mut();
        for i in &items {
            t.selected.remove(i);
        }
        // A note typed at once (`n` as the next key) is for the rows just decided, one or
        // all of a selection (newcomer: after `Space Space 2`, `n` opened the note of a
        // third, undecided row under the cursor).
        self.just_decided = Some((self.view, keys));
        // A single decision moves on, as the analyst's next row is usually the one below.
        if n == 1 {
            self.move_cursor(1);
        }
        self.refresh();
    }

    /// Opens the note prompt for the targets, with the first one's note. Right after a
    /// single decision (`n` the next key), for the row just decided, which the cursor has
    /// left: the analyst writes why they decided, and the box says so.
    pub(super) fn start_note(&mut self) {
        // Selected rows the filter hides stay selected after a verdict on the ones shown:
        // the note is still for the rows just decided.
        let after_mark = self
            .after_mark
            .take()
            .filter(|(view, keys)| *view == self.view && !keys.is_empty());
        let (keys, just) = match after_mark {
            Some((_, keys)) => (keys, true),
            None => (self.target_keys(), false),
        };
        let Some(first) = keys.first() else {
            return;
        };
        let note = self.decision(first).note;
        let (mut about, rows) = self.rows_named(&keys);
        if just {
            let verdict = self.decision(first).verdict.label();
            about = match keys.len() {
                1 => format!("the row just marked {verdict}"),
                n => format!("the {n} rows just marked {verdict}"),
            };
        }
        self.prompt = Some(Prompt::Note {
            input: Input::new(note),
            keys,
            about,
            rows,
            just,
        });
    }

    /// The rows of `keys` as the note box names them: how many (`1 row`, `3 rows`), and the
    /// time and the actor of the row (the Account when the actor is unknown), of the first
    /// when there are several (`first: …`).
    pub(super) fn rows_named(&self, keys: &[String]) -> (String, String) {
        let t = self.table();
        let col = |c: Column| t.columns.iter().position(|&x| x == c);
        let name = |key: &String| -> String {
            let Some(item) = t.item_of(key) else {
                return "a row no longer loaded".to_owned();
            };
            let cell = |c: Column| col(c).map(|i| self.cell(t, item, i)).unwrap_or_default();
            let actor = cell(Column::Actor);
            let who = if actor.trim().is_empty() {
                cell(Column::Account)
            } else {
                actor
            };
            format!("{} · {who}", cell(Column::Time))
        };
        match keys {
            [] => (String::new(), String::new()),
            [one] => ("1 row".to_owned(), name(one)),
            [first, ..] => (
                format!("{} rows", keys.len()),
                format!("first: {}", name(first)),
            ),
        }
    }

    /// Records a decision on rows: one undoable step, written to the journal. Every way of
    /// deciding (a key in the table or the drill-down, a note, classify like this) comes
    /// here. Returns how many rows it touched.
    pub(super) fn record(&mut self, keys: Vec<String>, change: &Change) -> usize {
        let changes: Vec<(String, Decision, Decision)> = keys
            .into_iter()
            .map(|k| {
                let before = self.decision(&k);
                let after = match change {
                    // The events the analyst saw are kept with the verdict: more later
                    // (a file followed, a later export) marks the row changed since.
                    Change::Verdict(verdict) => Decision {
                        verdict: *verdict,
                        note: before.note.clone(),
                        events: self.events_now(&k),
                        ..Decision::default()
                    },
                    Change::VerdictOn { verdict, events } => Decision {
                        verdict: *verdict,
                        note: before.note.clone(),
                        events: self.events_now(&k).map(|_| *events),
                        ..Decision::default()
                    },
                    // A note confirms no verdict: the count of its verdict stays.
                    Change::Note(note) => Decision {
                        verdict: before.verdict,
                        note: note.clone(),
                        events: before.events,
                        ..Decision::default()
                    },
                };
                (k, before, after)
            })
            .collect();
        let n = changes.len();
        if n > 0 {
            let replaced = match change {
                Change::Verdict(v) | Change::VerdictOn { verdict: v, .. } => {
                    overturned(*v, &changes, &self.analyst)
                }
                Change::Note(_) => None,
            };
            self.commit(changes, "set");
            // A verdict over another verdict says which, until its save is confirmed and
            // with it: a digit typed by mistake (a note's `4411` run as keys in the
            // drill-down) or a colleague's verdict replayed at start is never replaced
            // silently (newbie14b #3, #5).
            if let Some(words) = &replaced {
                self.set_status_noting(format!("{words} · saving…"), false);
            }
            self.outcome = replaced;
        }
        n
    }

    /// One decision into the state: the map, the verdict caches, what must be redone. A
    /// decision without a time is no decision (an undo back to before the first one).
    fn set_decision(&mut self, key: &str, decision: Decision) {
        self.findings.verdict_changed(key, decision.verdict);
        self.near.verdict_changed(key, decision.verdict);
        if !self.unsaved.contains(key) {
            let held = self.decision(key).clone();
            self.held.insert(key.to_owned(), held);
        }
        if decision.time.is_empty() {
            self.decisions.remove(key);
        } else {
            self.decisions.insert(key.to_owned(), decision);
        }
        self.unsaved.insert(key.to_owned());
        self.near_decided_again(key);
    }

    /// A near miss marked `[decide again: id shared]` loses the mark as soon as it has a
    /// decision under its own key (and gets it back when that decision is undone): its
    /// text is made again from the decisions, as a reload would make it.
    fn near_decided_again(&mut self, key: &str) {
        let Some(i) = self.near.item_of(key) else {
            return;
        };
        let Some(&e) = self.report.near_misses.get(i) else {
            return;
        };
        if !self.report.events.get(e).is_some_and(|e| e.shares_id) {
            return;
        }
        let text = super::near_miss_text(&self.report, e, &self.decisions);
        if text.key == key && text.cells != self.near.items[i].cells {
            self.near.replace(i, text);
            self.dirty = true;
        }
    }

    /// Records a step: state, undo history, journal effect.
    pub(super) fn commit(&mut self, mut changes: Vec<(String, Decision, Decision)>, action: &str) {
        let entries: Vec<Entry> = changes
            .iter()
            .map(|(k, _, after)| Entry::new(k, after, &self.analyst, action))
            .collect();
        for ((_, _, after), entry) in changes.iter_mut().zip(&entries) {
            after.analyst.clone_from(&entry.analyst);
            after.time.clone_from(&entry.time);
        }
        for (k, _, after) in &changes {
            self.set_decision(k, after.clone());
            // This write supersedes a failed one: the failed one is not written again.
            self.failed.remove(k);
            self.retrying.remove(k);
        }
        for (k, ..) in &changes {
            self.drop_queued_retry(k);
        }
        self.set_status_noting(
            format!(
                "saving {}…",
                crate::tui::count::count(changes.len(), "decision")
            ),
            false,
        );
        self.effects.push(Effect::Journal(entries));
        self.undo.push(Step { changes });
        self.redo.clear();
    }

    pub(super) fn undo_redo(&mut self, undo: bool) {
        let step = if undo {
            self.undo.pop()
        } else {
            self.redo.pop()
        };
        let Some(step) = step else {
            self.set_status(
                if undo {
                    "nothing to undo"
                } else {
                    "nothing to redo"
                }
                .to_owned(),
            );
            return;
        };
        let action = if undo { "undo" } else { "redo" };
        // Only what is still as this step left it is put back: another workbench's later
        // decision on one of its rows (read from the journal first) is never overwritten.
        let moved = step.changes.iter().find(|(k, before, after)| {
            let expected = if undo { after } else { before };
            let now = self.decision(k);
            (now.verdict, &now.note, &now.analyst)
                != (expected.verdict, &expected.note, &expected.analyst)
        });
        if let Some((k, ..)) = moved {
            let now = self.decision(k);
            let who = crate::journal::shown_analyst(&now.analyst);
            let what = if now.verdict == Verdict::Unreviewed && now.note.is_empty() {
                "left this unreviewed".to_owned()
            } else {
                format!("marked this {}", now.verdict.label())
            };
            self.set_error(format!("not {action}ne: {who} {what} after you"));
            return;
        }
        let mut entries = Vec::new();
        for (k, before, after) in &step.changes {
            // The decision comes back exactly as it was (verdict, note, who and when; or
            // none at all): the entry says who put it back, and the replay restores the
            // same, so that the screen, `Y` and `sts-triage report` agree to the byte.
            let target = if undo { before } else { after };
            self.set_decision(k, target.clone());
            // Back to what the journal holds, its last write failed and none since: there
            // is nothing to write (a write would re-stamp an unchanged row).
            let same = |a: &Decision, b: &Decision| {
                (a.verdict, &a.note, &a.analyst, &a.time)
                    == (b.verdict, &b.note, &b.analyst, &b.time)
            };
            if self.failed.contains(k) && self.held.get(k).is_some_and(|h| same(h, target)) {
                self.failed.remove(k);
                self.unsaved.remove(k);
                self.held.remove(k);
                continue;
            }
            self.failed.remove(k);
            self.retrying.remove(k);
            self.drop_queued_retry(k);
            entries.push(Entry::restoring(k, target, &self.analyst, action));
        }
        let (head, back) = outcome(undo, &step.changes);
        let nothing = entries.is_empty();
        if !nothing {
            self.effects.push(Effect::Journal(entries));
        }
        let keys: Vec<String> = step.changes.iter().map(|(k, ..)| k.clone()).collect();
        if undo {
            self.redo.push(step);
        } else {
            self.undo.push(step);
        }
        self.refresh();
        // What was undone and on which row come first, then what it went back to: an
        // 80-column status line cuts the end (`…`), never the verb or the row.
        let mut outcome = head;
        if let Some(unseen) = self.show_changed(&keys) {
            outcome = format!("{outcome}, {unseen}");
        }
        if let Some(back) = back {
            outcome = format!("{outcome} ({back})");
        }
        if nothing {
            self.set_status(format!(
                "{outcome} · nothing to write: the journal holds this already"
            ));
            return;
        }
        self.set_status(format!("{outcome} · saving…"));
        self.outcome = Some(outcome);
    }

    /// Brings the rows an undo or redo changed into view: the cursor on the first of them
    /// the table shows. What the analyst cannot see is said, naming the row (time and
    /// actor): rows the filter hides, rows of the other view. Never a silent change.
    fn show_changed(&mut self, keys: &[String]) -> Option<String> {
        // The whole filter's result, so that a row is placed, or known hidden, now.
        self.finish_filter();
        let t = self.table();
        let mut shown: Vec<usize> = Vec::new();
        let mut hidden: Vec<String> = Vec::new();
        let mut elsewhere: Vec<String> = Vec::new();
        for k in keys {
            match t.item_of(k) {
                Some(item) => match t.order.iter().position(|&i| i == item) {
                    Some(pos) => shown.push(pos),
                    None => hidden.push(k.clone()),
                },
                None => elsewhere.push(k.clone()),
            }
        }
        if let Some(&pos) = shown.iter().min() {
            self.table_mut().set_cursor(pos);
            self.scroll_into_view();
        }
        let mut unseen = Vec::new();
        if !hidden.is_empty() {
            let by = self.hidden_by(&hidden);
            let (count, rows) = self.rows_named(&hidden);
            unseen.push(if hidden.len() == 1 {
                format!("hidden by {by}: {rows}")
            } else {
                format!("{count} hidden by {by}, {rows}")
            });
        }
        if !elsewhere.is_empty() {
            let other = match self.view {
                View::Findings => View::NearMisses,
                View::NearMisses => View::Findings,
            };
            let here = std::mem::replace(&mut self.view, other);
            let (count, rows) = self.rows_named(&elsewhere);
            self.view = here;
            let view = match other {
                View::Findings => "the flagged rows",
                View::NearMisses => "the near misses",
            };
            unseen.push(if elsewhere.len() == 1 {
                format!("in {view} (m): {rows}")
            } else {
                format!("{count} in {view} (m), {rows}")
            });
        }
        (!unseen.is_empty()).then(|| unseen.join(" · "))
    }

    /// Says why a key for the selection did nothing: every selected row is hidden.
    fn refuse_hidden_selection(&mut self) {
        let hidden = self.table().selected.len();
        self.notice = None;
        self.set_error(format!(
            "{hidden} selected row{} hidden by the filter: clear the filter or the selection (Esc)",
            if hidden == 1 { " is" } else { "s are" },
        ));
        // It describes the selection: a change of selection replaces it.
        self.status_notice = true;
    }

    pub(super) fn copy_rows(&mut self) {
        let (items, hidden) = self.targets();
        if items.is_empty() {
            if hidden > 0 {
                self.refuse_hidden_selection();
            }
            return;
        }
        if hidden > 0 {
            self.notice = Some(format!(
                "{} hidden by the filter {} not copied",
                crate::tui::count::count(hidden, "selected row"),
                if hidden == 1 { "was" } else { "were" }
            ));
        }
        let text = match self.view {
            View::Findings => {
                report::findings_table(&self.report, &items, &self.decisions, self.hint_config)
            }
            View::NearMisses => {
                let events: Vec<usize> =
                    items.iter().map(|&i| self.report.near_misses[i]).collect();
                report::near_miss_table(&self.report, &events, &self.decisions, self.hint_config)
            }
        };
        self.effects.push(Effect::Copy {
            text,
            what: crate::tui::count::count(items.len(), "row"),
        });
    }
}
