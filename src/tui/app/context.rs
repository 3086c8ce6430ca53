//! The drill-down's context panel: switching to it, moving along its timeline, opening a
//! related record in the event's place and going back.

use super::{App, Overlay};
use crate::context::record::Place;
use crate::neutralize::neutralize;
use crate::tui::action::Intent;
use crate::tui::context_panel::{ContextPanel, Moment, Opened, offset_text};
use crate::tui::doc::JsonDoc;
use crate::tui::wrap::TitlePart;

impl App {
    /// Rows of the context panel's timeline drawn at once (from the shared layout).
    pub fn context_page(&self) -> usize {
        self.areas().context_rows()
    }

    /// The intents the context panel takes; false for those the drill-down handles as
    /// usual (moving in a related record opened in the event's place included).
    pub(super) fn apply_context(&mut self, intent: Intent) -> bool {
        if intent == Intent::SwitchPanel {
            self.switch_panel();
            return true;
        }
        let page = self.context_page();
        let Overlay::Drill(d) = &mut self.overlay else {
            return false;
        };
        let Some(panel) = d.context.as_deref_mut() else {
            return false;
        };
        if panel.open.is_some() {
            return match intent {
                Intent::Back => {
                    self.close_related();
                    true
                }
                Intent::NextEvent | Intent::PrevEvent | Intent::NextCopy | Intent::PrevCopy => {
                    // The event's document back first; the panel follows the new event.
                    self.close_related();
                    false
                }
                _ => false,
            };
        }
        let step = i64::try_from(page).unwrap_or(1);
        match intent {
            Intent::MoveDown => panel.move_by(1, page),
            Intent::MoveUp => panel.move_by(-1, page),
            Intent::PageDown => panel.move_by(step, page),
            Intent::PageUp => panel.move_by(-step, page),
            Intent::Top => panel.move_by(i64::MIN / 2, page),
            Intent::Bottom => panel.move_by(i64::MAX / 2, page),
            Intent::OpenRelated => self.open_related(),
            _ => return false,
        }
        true
    }

    /// After the drill-down moved to another event of the row: the panel follows it.
    pub(super) fn context_follows_event(&mut self) {
        let page = self.context_page();
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        let Some(&event) = d.events.get(d.current) else {
            return;
        };
        if let Some(old) = d.context.as_mut().filter(|p| p.event != event) {
            let said = old.said.take();
            let mut panel = Box::new(ContextPanel::new(&self.report, event, self.hint_config));
            panel.centre_event(page);
            // The count said for the event before is now wrong: say the new one, unless
            // something else has been said since.
            if let Some((words, before)) = said
                && self.status == words
            {
                let summary = panel.summary();
                panel.said = Some((summary.clone(), before));
                d.context = Some(panel);
                self.set_status(summary);
            } else {
                d.context = Some(panel);
            }
        }
    }

    /// The panel is closing: its words leave the status line with it (see `said`).
    pub(super) fn panel_closed(&mut self, said: Option<(String, (String, bool, bool, bool))>) {
        if let Some((words, (status, error, notice, kept))) = said
            && self.status == words
        {
            self.restore_status(status, error, notice, kept);
        }
    }

    fn switch_panel(&mut self) {
        let Overlay::Drill(d) = &self.overlay else {
            return;
        };
        if d.context.is_some() {
            self.close_related();
            if let Overlay::Drill(d) = &mut self.overlay {
                let said = d.context.take().and_then(|p| p.said);
                self.panel_closed(said);
            }
            return;
        }
        let Some(&event) = d.events.get(d.current) else {
            self.set_status("this row has no raw events: no context to show".to_owned());
            return;
        };
        // The last file's index, prepared off the screen thread after the load, taken if it
        // is back; never shown in part, never waited for on a key.
        self.take_prepared_context(false);
        // While the files are read, the related records are indexed only at each file's
        // end: a panel then would say "no related record" of an event that has some
        // (newcomer on 1M events).
        if let Some(pct) = self.context_percent() {
            self.set_status(format!(
                "related records are being read ({pct}%, the header shows it): x again once they are in"
            ));
            return;
        }
        if !self.loading.done || self.context_preparing() || self.context_reading() {
            self.set_status(
                "related records are indexed once the load is done (the header shows it): x again then"
                    .to_owned(),
            );
            return;
        }
        let mut panel = Box::new(ContextPanel::new(&self.report, event, self.hint_config));
        let page = self.context_page();
        let summary = panel.summary();
        let before = (
            self.status.clone(),
            self.status_error,
            self.status_notice,
            self.status_kept(),
        );
        panel.said = Some((summary.clone(), before));
        // The event's row in view from the start, the records after it too.
        panel.centre_event(page);
        if let Overlay::Drill(d) = &mut self.overlay {
            d.context = Some(panel);
        }
        self.set_status(summary);
    }

    /// Enter on a timeline row: that record's raw text where the event was.
    fn open_related(&mut self) {
        let Overlay::Drill(d) = &self.overlay else {
            return;
        };
        let Some(panel) = d.context.as_deref() else {
            return;
        };
        let row = panel.cursor;
        let (entry, offset) = match panel.rows.get(row).copied() {
            Some(Moment::Related(r)) if panel.folds.contains_key(&r.entry) => {
                self.toggle_fold(row);
                return;
            }
            Some(Moment::Related(r)) => (r.entry, r.offset_secs),
            Some(Moment::Member {
                entry, offset_secs, ..
            }) => (entry, offset_secs),
            Some(Moment::Copies) => {
                let places = panel.copy_places(&self.report).join(", ");
                self.set_status(format!(
                    "copies of this event (the same event id), not related records: {places}"
                ));
                return;
            }
            _ => {
                self.set_status(
                    "this is the event itself: its raw text is the event panel".to_owned(),
                );
                return;
            }
        };
        let index = &self.report.context;
        let record = index.record(entry);
        let place = index.place(&record);
        let title = vec![
            TitlePart::Keep(format!("related {}", offset_text(offset))),
            // What the record is: kept, cut at its end on a narrow screen.
            TitlePart::Short(neutralize(index.text(record.operation)).into_owned()),
            TitlePart::Places(vec![neutralize(&place.to_string()).into_owned()]),
            TitlePart::Drop(1, "Esc: back to the event".to_owned()),
        ];
        let text = self.related_text(entry, &place);
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        let doc = std::mem::replace(&mut d.doc, JsonDoc::parse(&text));
        let saved = (doc, d.cursor, d.offset);
        d.cursor = 0;
        d.offset = 0;
        if let Some(panel) = d.context.as_deref_mut() {
            panel.open = Some(Opened { row, title, saved });
        }
    }

    /// Enter on a folded related record: its records listed under it (or folded again).
    fn toggle_fold(&mut self, row: usize) {
        let page = self.context_page();
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        let Some(panel) = d.context.as_deref_mut() else {
            return;
        };
        if !panel.toggle_fold(row) {
            return;
        }
        let words = if panel.unfolded(row) {
            "the records folded here, one a line: Enter on one opens it, Enter on the first line folds them"
        } else {
            "folded again: Enter lists them"
        };
        panel.move_by(0, page);
        self.set_status(words.to_owned());
    }

    /// The raw text of a related record: an STS event's own stored text when the record is
    /// the one that text was kept from (its first source), else read back from its file at
    /// its place. Another copy of the event (the same id in another export) is read from its
    /// own file: the first copy's text under this copy's file and line showed one export's
    /// record as another's.
    pub(super) fn related_text(&mut self, entry: usize, place: &Place) -> String {
        let index = &self.report.context;
        let at_first_source = |e: &crate::model::StsEvent| {
            let s = &e.source;
            s.line == place.line && s.file == place.file && index.entry_at(s, e) == Some(entry)
        };
        if let Some(e) = self.report.events.iter().find(|e| at_first_source(e)) {
            return e.raw_text();
        }
        // An event kept lean (the workbench keeps most flagged events so) is made whole;
        // while a report being written shares the events (never copied for this), the
        // record is read back from its file below instead.
        let made = self
            .report_to_change()
            .map(|r| r.make_whole_at(&place.file, place.line))
            .unwrap_or_default();
        let index = &self.report.context;
        let at_first_source = |e: &crate::model::StsEvent| {
            let s = &e.source;
            s.line == place.line && s.file == place.file && index.entry_at(s, e) == Some(entry)
        };
        if let Some(e) = made
            .iter()
            .map(|&i| &self.report.events[i])
            .find(|e| at_first_source(e))
        {
            return e.raw_text();
        }
        self.records.read(place)
    }

    /// The event's document back in its panel.
    fn close_related(&mut self) {
        let Overlay::Drill(d) = &mut self.overlay else {
            return;
        };
        let Some(opened) = d.context.as_deref_mut().and_then(|p| p.open.take()) else {
            return;
        };
        let (doc, cursor, offset) = opened.saved;
        d.doc = doc;
        d.cursor = cursor;
        d.offset = offset;
    }
}
