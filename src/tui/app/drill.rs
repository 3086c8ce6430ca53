//! The drill-down: a row's raw events, folded JSON, search, and deciding from there.

mod hints;

use tui_input::Input;

use super::decide::Change;
use super::{App, Drill, Overlay, Prompt, View};
use crate::journal::Verdict;
use crate::model::SourceRef;
use crate::neutralize::neutralize;
use crate::tui::action::Intent;
use crate::tui::doc::JsonDoc;

impl App {
    pub(super) fn open_drill(&mut self) {
        // The drill-down reads no context index: its hints come from the hint pass (which
        // waits for the index), its context panel is refused until the index is back
        // (`switch_panel`), so Enter right after the load never waits for it.
        let t = self.table();
        let Some(item) = t.current() else {
            return;
        };
        let item_key = t.items[item].key.clone();
        let width = self.areas().body.width;
        let alike = crate::tui::alike::reads_like_neighbour(self, t.cursor, width)
            .map(|(side, hidden)| crate::tui::alike::explain(self, side, &hidden, width));
        let (events, imported_from, row_hints) = match self.view {
            View::Findings => {
                // Events kept lean are made whole to be shown; not while a report being
                // written shares the rows (they would be copied whole, seconds at 1M
                // events): then only a row whose events are all made whole opens.
                let events = match self.report_to_change() {
                    Some(report) => report.row_event_indexes(item),
                    None => {
                        let Some(events) = self.report.row_event_indexes_made(item) else {
                            self.set_status(format!(
                                "{} · this row's events open once it is done",
                                self.status_of_report()
                            ));
                            return;
                        };
                        events
                    }
                };
                let f = &self.report.findings[item];
                (
                    events,
                    f.imported_from.as_ref().map(ToString::to_string),
                    None,
                )
            }
            View::NearMisses => {
                let e = self.report.near_misses[item];
                (vec![e], None, Some(self.near_miss_hints(e)))
            }
        };
        let mut hints = match row_hints {
            Some(hints) => hints::with_row_words(hints, alike.as_ref(), events.len()),
            None => self.flagged_drill_hints(
                item,
                events.first().copied(),
                alike.as_ref(),
                events.len(),
            ),
        };
        // Once the pass under way has made its tables, the row's hints are made as it will
        // make them (`hints_of`): final. Before, they may lack what the records read.
        let final_hints = self.loading.done
            && !self.context_reading()
            && !self.context_preparing()
            && !self.hints_stale
            && self.hint_tables_made();
        if self.following == 0 && !final_hints {
            hints.push(
                "…: hints not made yet (the related records are still read or indexed, the header says how far): more may come"
                    .to_owned(),
            );
        }
        let doc = events.first().map_or_else(JsonDoc::default, |&e| {
            JsonDoc::parse(&self.report.events[e].raw_text())
        });
        if let Some(&e) = events.first() {
            self.problem_if_unreadable(e);
        }
        let synced = (self.view == View::Findings)
            .then(|| self.drill_sync_point(item))
            .flatten();
        self.overlay = Overlay::Drill(Box::new(Drill {
            opened_with: events.len(),
            synced,
            alike,
            events,
            current: 0,
            copy: 0,
            doc,
            cursor: 0,
            offset: 0,
            why_scroll: 0,
            search: String::new(),
            imported_from,
            item_key,
            hints,
            context: None,
        }));
    }

    /// What the drill-down of flagged row `item` was last made from: the row's events
    /// then, and the hints' state (passes ended, tables made). None: no such row.
    fn drill_sync_point(&self, item: usize) -> Option<(usize, u64, bool)> {
        let f = self.report.findings.get(item)?;
        Some((
            f.totals.events,
            self.hints_generation,
            self.arrivals.tables.is_some(),
        ))
    }

    /// The drill-down follows its row while the load (or a followed file) brings it events,
    /// once a frame: its event list, its title's count and its hints are the row's as it
    /// is now, the event on screen staying on screen (newcomer: a drill-down opened
    /// during the load stayed at `event 1/14` while the row grew to 100 events, without
    /// its `bulk` hint, and a verdict given there was journaled as covering 100 events).
    /// A verdict from the drill-down covers the events it lists (`apply_drill`), so events
    /// that join between this frame and the key get the `+N` mark.
    pub(super) fn drill_follows_row(&mut self) {
        if self.view != View::Findings {
            return;
        }
        let Some(d) = self.drill_mut() else {
            return;
        };
        let (key, synced) = (d.item_key.clone(), d.synced);
        let Some(item) = self.findings.item_of(&key) else {
            return;
        };
        let now = self.drill_sync_point(item);
        if now.is_none() || now == synced {
            return;
        }
        let grew = now.map(|(n, ..)| n) != synced.map(|(n, ..)| n);
        let events = if grew {
            let made = match self.report_to_change() {
                Some(report) => Some(report.row_event_indexes(item)),
                None => self.report.row_event_indexes_made(item),
            };
            // While a report being written shares the rows, events kept lean cannot be
            // made whole: the list stays as shown (a verdict covers what it lists) until
            // a later frame can.
            let Some(events) = made else {
                return;
            };
            Some(events)
        } else {
            None
        };
        let count = events
            .as_ref()
            .map_or_else(|| self.drill_mut().map_or(0, |d| d.events.len()), Vec::len);
        let alike = self.drill_mut().and_then(|d| d.alike.clone());
        // The event on screen stays on screen (below): its hints, whatever its place now.
        let on_screen = self
            .drill_mut()
            .and_then(|d| d.events.get(d.current).copied());
        let on_screen = match &events {
            Some(list) => on_screen
                .filter(|e| list.contains(e))
                .or(list.first().copied()),
            None => on_screen,
        };
        let hints = self.flagged_drill_hints(item, on_screen, alike.as_ref(), count);
        let now = self.drill_sync_point(item);
        let report = std::sync::Arc::clone(&self.report);
        let Some(d) = self.drill_mut() else {
            return;
        };
        d.hints = hints;
        d.synced = now;
        if let Some(events) = events {
            let shown = d.events.get(d.current).copied();
            match shown.and_then(|e| events.iter().position(|&x| x == e)) {
                Some(at) => d.current = at,
                // The event on screen left the row (its canonical record was read since,
                // in another row): the row's first event is shown instead.
                None => {
                    d.current = 0;
                    d.doc = events.first().map_or_else(JsonDoc::default, |&e| {
                        JsonDoc::parse(&report.events[e].raw_text())
                    });
                    d.copy = 0;
                    d.cursor = 0;
                    d.offset = 0;
                    d.why_scroll = 0;
                    d.context = None;
                }
            }
            d.events = events;
        }
    }

    /// The drill-down, open or under the help opened from it.
    fn drill_mut(&mut self) -> Option<&mut Drill> {
        match &mut self.overlay {
            Overlay::Drill(d) => Some(d),
            Overlay::Help {
                previous: Some(p), ..
            } => match p.as_mut() {
                Overlay::Drill(d) => Some(d),
                _ => None,
            },
            _ => None,
        }
    }

    /// The hints of near miss `event` with their reasons, as the report's near-miss tables
    /// give them (its `lookalike` included), once the hints' tables are made (none before:
    /// the drill-down never waits for them).
    fn near_miss_hints(&self, event: usize) -> Vec<String> {
        let Some(tables) = &self.arrivals.tables else {
            return Vec::new();
        };
        crate::hints::Inputs::with_tables(&self.report, tables.clone())
            .event_hints(event)
            .iter()
            .map(|h| format!("{}: {h}", h.badge()))
            .collect()
    }

    /// Runs the drill-down's search for `text` (empty: the last term again) from the
    /// cursor, and says on the status line which match the cursor is on.
    pub(super) fn search_drill(&mut self, text: &str) {
        let page = self.drill_page();
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        if !text.is_empty() {
            text.clone_into(&mut d.search);
        }
        let found = d.find(true, page);
        self.say_search(found);
    }

    /// The note prompt for the row whose events are open.
    fn drill_note(&mut self) {
        let Overlay::Drill(d) = &self.overlay else {
            return;
        };
        let key = d.item_key.clone();
        let note = self.decision(&key).note;
        let keys = vec![key];
        let (about, rows) = self.rows_named(&keys);
        self.prompt = Some(Prompt::Note {
            input: Input::new(note),
            keys,
            about,
            rows,
            just: false,
        });
    }

    fn say_search(&mut self, found: Option<(usize, usize)>) {
        let Overlay::Drill(d) = &self.overlay else {
            return;
        };
        let term = crate::neutralize::neutralize(&d.search).into_owned();
        match found {
            _ if term.is_empty() => self.set_status("no search yet".to_owned()),
            Some((which, of)) => self.set_status(format!("{term}: match {which} of {of}")),
            None => self.set_error(format!("{term}: not found in this event")),
        }
    }

    /// Lines of the raw event drawn at once (from the shared layout).
    pub fn drill_page(&self) -> usize {
        self.areas().event_lines()
    }

    /// The last first line of the why-panel that still fills it (from the shared layout and
    /// the lines the panel draws).
    pub fn why_max_scroll(&self) -> usize {
        let Overlay::Drill(d) = &self.overlay else {
            return 0;
        };
        let Some(&event) = d.events.get(d.current) else {
            return 0;
        };
        let areas = self.areas();
        let width = usize::from(areas.why.width.saturating_sub(2));
        let decision = self.decision(&d.item_key);
        crate::tui::why::panel_lines_decided(
            &self.report,
            event,
            &d.hints,
            &decision.note,
            decision.outside_chain,
            &d.doc.notes,
            width,
        )
        .len()
        .saturating_sub(areas.why_lines())
    }

    /// `}` / `{` (`forward`), or back to the event's own record (None): shows the current
    /// event's next or previous record, its copies after its own (the same event read
    /// again: in another export, or twice), each read back from its file at its place,
    /// and says on the status line which one it is and where.
    fn walk_copies(&mut self, forward: Option<bool>) {
        let Overlay::Drill(d) = &self.overlay else {
            return;
        };
        let Some(&event) = d.events.get(d.current) else {
            self.set_status("this row has no raw events: no copies to show".to_owned());
            return;
        };
        let places: Vec<SourceRef> = self.report.events[event].sources().cloned().collect();
        let n = places.len();
        // Another record of this id with other content is no copy, but it is what the
        // analyst must not miss: named wherever the walk says where it is.
        let conflict = self.id_conflict_words(event);
        if n < 2 && forward.is_some() {
            self.set_status(match conflict {
                Some(c) => format!("no copies of this event, but {c}"),
                None => "this event has no copies: it was read once (a copy is the same event read again, in another export or twice)"
                    .to_owned(),
            });
            return;
        }
        let k = match forward {
            None => 0,
            Some(true) => (d.copy + 1) % n,
            Some(false) => (d.copy + n - 1) % n,
        };
        let text = if k == 0 {
            self.report.events[event].raw_text()
        } else {
            self.copy_text(event, &places[k])
        };
        let place = neutralize(&places[k].to_string()).into_owned();
        let words = if k == 0 {
            let also = conflict.map_or_else(String::new, |c| format!(" · and {c}"));
            format!("the event's own record, which gives the row: {place}{also}")
        } else if k == n - 1
            && let Some(c) = conflict
        {
            format!(
                "copy {k} of {}: {place} · the same event read again; it gives no row of its own · last copy; {c}",
                n - 1
            )
        } else {
            format!(
                "copy {k} of {}: {place} · the same event read again; it gives no row of its own",
                n - 1
            )
        };
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        d.doc = JsonDoc::parse(&text);
        d.copy = k;
        d.cursor = 0;
        d.offset = 0;
        self.set_status(words);
    }

    /// `cloudappevents-legacy-api.json:1 carries this id with other content (time (here
    /// 08:20:05.111, there 08:20:05.000), IsAnonymousProxy (here false, there true)): another event, with its own row` when a record of another event
    /// has this event's id (`scan::conflict`).
    fn id_conflict_words(&self, event: usize) -> Option<String> {
        let e = &self.report.events[event];
        let list: Vec<_> = self
            .report
            .id_conflicts
            .iter()
            .filter(|c| c.id == e.id)
            .collect();
        let c = list
            .iter()
            .find(|c| c.places.contains(&e.source))
            .or(list.first())?;
        Some(format!(
            "{} carries this id with other content ({}): another event, with its own row (⚠ conflict)",
            neutralize(&c.other_than(&e.source).to_string()),
            c.differs_at(&e.source)
        ))
    }

    /// The raw text of the copy of `event` at `place`: the record the related-events index
    /// lists there, read back from its file (a one-line document's records share a line:
    /// the one of this event's time and correlation).
    fn copy_text(&mut self, event: usize, place: &SourceRef) -> String {
        let index = &self.report.context;
        let Some(entry) = index.entry_at(place, &self.report.events[event]) else {
            return format!(
                "(this copy is not in the related-events index yet, so it cannot be read back: {place})"
            );
        };
        let at = index.place(&index.record(entry));
        self.related_text(entry, &at)
    }

    pub(super) fn apply_drill(&mut self, intent: Intent) {
        if self.apply_context(intent) {
            return;
        }
        let why_max = if intent == Intent::WhyDown {
            self.why_max_scroll()
        } else {
            0
        };
        let page = self.drill_page();
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        let step = i64::try_from(page).unwrap_or(1);
        let cursor = i64::try_from(d.cursor).unwrap_or(0);
        match intent {
            // A copy shown: back to the event's own record first.
            Intent::Back | Intent::Quit if d.copy > 0 => self.walk_copies(None),
            Intent::NextCopy => self.walk_copies(Some(true)),
            Intent::PrevCopy => self.walk_copies(Some(false)),
            Intent::Back | Intent::Quit => {
                let said = d.context.take().and_then(|p| p.said);
                let key = d.item_key.clone();
                self.overlay = Overlay::None;
                // Back on the row that was open, wherever the load's sort or a regrouping
                // put it meanwhile (newcomer: after the load's final sort Esc landed on
                // the new top row, and `2` would have decided a row never opened).
                if let Some(item) = self.table().item_of(&key) {
                    self.table_mut().cursor_to_item(item);
                    self.scroll_into_view();
                }
                // What the drill-down said (a search's match, a related record) is about a
                // screen now closed, and goes (`status`); what its panel covered is put
                // back only when it is kept across screens (a failed save).
                self.panel_closed(said.filter(|(_, before)| before.3));
            }
            Intent::MoveDown => d.move_to(cursor + 1, page),
            Intent::MoveUp => d.move_to(cursor - 1, page),
            Intent::PageDown => d.move_to(cursor + step, page),
            Intent::PageUp => d.move_to(cursor - step, page),
            Intent::Top => d.move_to(0, page),
            Intent::Bottom => d.move_to(i64::MAX / 2, page),
            Intent::ToggleFold => {
                let line = d.doc.visible_line(d.cursor);
                if let Some(line) = line {
                    d.doc.toggle_fold(line);
                }
            }
            Intent::CollapseAll => {
                d.doc.collapse_all();
                d.cursor = 0;
                d.offset = 0;
            }
            Intent::ExpandAll => d.doc.expand_all(),
            // An empty prompt: the last term is not typed over (Enter alone repeats it).
            Intent::StartSearch => self.prompt = Some(Prompt::Search(Input::default())),
            // `n` with no search made here is the note, as in the table: a newcomer who
            // pressed it for a note typed `… ticket 4411` as keys, and each `1` changed the
            // verdict (newbie14b #3). After a search it is vim's next match.
            Intent::SearchNext if d.search.is_empty() => self.drill_note(),
            // Keep with `drill_note_intent`, which the footer names the note's key by.
            Intent::SearchNext | Intent::SearchPrev => {
                let found = d.find(intent == Intent::SearchNext, page);
                self.say_search(found);
            }
            Intent::WhyDown => d.why_scroll = (d.why_scroll + 1).min(why_max),
            Intent::WhyUp => d.why_scroll = d.why_scroll.saturating_sub(1),
            Intent::NextEvent | Intent::PrevEvent => {
                d.why_scroll = 0;
                let n = d.events.len();
                if n > 1 {
                    d.current = if intent == Intent::NextEvent {
                        (d.current + 1) % n
                    } else {
                        (d.current + n - 1) % n
                    };
                    d.doc = JsonDoc::parse(&self.report.events[d.events[d.current]].raw_text());
                    d.copy = 0;
                    d.cursor = 0;
                    d.offset = 0;
                }
            }
            Intent::MarkSuspicious | Intent::MarkLegitimate | Intent::MarkUnreviewed => {
                let verdict = match intent {
                    Intent::MarkSuspicious => Verdict::Suspicious,
                    Intent::MarkLegitimate => Verdict::Legitimate,
                    _ => Verdict::Unreviewed,
                };
                let key = d.item_key.clone();
                // The verdict covers the events the drill-down lists (its title's count):
                // any that joined the row since this frame get the `+N` mark.
                let change = if self.view == View::Findings && !d.events.is_empty() {
                    Change::VerdictOn {
                        verdict,
                        events: u64::try_from(d.events.len()).unwrap_or(u64::MAX),
                    }
                } else {
                    Change::Verdict(verdict)
                };
                self.notice = None;
                self.record(vec![key], &change);
            }
            // The note of the row whose events are open (`n` is the search's next match
            // once a search is made here, so the drill-down binds its own key too).
            Intent::EditNote => self.drill_note(),
            Intent::Help => self.open_help(),
            Intent::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
        if matches!(intent, Intent::NextEvent | Intent::PrevEvent) {
            self.hints_follow_event();
            self.context_follows_event();
        }
    }
}

impl App {
    /// The drill-down's key for the note, as its footer names it: `search_next`'s (the
    /// table's `n`) while no search is made there, as `apply_drill` reads it; else
    /// `edit_note`'s. The footer said `a note` where `n` opened it (ux16 #2).
    pub fn drill_note_intent(&self) -> Intent {
        match &self.overlay {
            Overlay::Drill(d) if d.search.is_empty() => Intent::SearchNext,
            _ => Intent::EditNote,
        }
    }

    /// An event whose record cannot be read back (the input changed, was cut or deleted
    /// since the load) is said in the problems view (`p`) too, once per record: the table
    /// still shows the values read at the load, the drill-down and the why-panel cannot.
    fn problem_if_unreadable(&mut self, e: usize) {
        let event = &self.report.events[e];
        let Err(why) = event.raw.text() else {
            return;
        };
        let problem = crate::model::Problem {
            file: event.source.file.clone(),
            line: Some(event.source.line),
            message: format!(
                "the record of event {} could not be read back: {why}; the table shows the values read at the load",
                neutralize(&event.id)
            ),
        };
        if self.report.problems.contains(&problem) {
            return;
        }
        if let Some(report) = self.report_to_change() {
            report.problems.push(problem);
        }
    }
}
