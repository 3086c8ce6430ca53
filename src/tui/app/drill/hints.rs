//! The drill-down's hint lines: a row's hints, and on a row of several events the hints of
//! the event on screen (split out of `drill`).

use super::super::{App, View};

impl App {
    /// A flagged row's hints as the drill-down lists them: the row's, then what it reads
    /// like at this width (`alike`), headed by the row's event count when it has several.
    /// On a row of several events, once the hints' tables are made, the hints of `event`
    /// (the one on screen) alone, then the badges the row has from its other events only,
    /// named as theirs ([`event_hint_lines`]).
    pub(in crate::tui::app) fn flagged_drill_hints(
        &self,
        item: usize,
        event: Option<usize>,
        alike: Option<&String>,
        events: usize,
    ) -> Vec<String> {
        let row = self.hints_of(item);
        if events > 1
            && let (Some(event), Some(tables), Some(f)) =
                (event, &self.arrivals.tables, self.report.findings.get(item))
        {
            let own = crate::hints::Inputs::with_tables(&self.report, tables.clone())
                .finding_event_hints(f, event);
            return event_hint_lines(&own, &row, alike, events);
        }
        let hints = row.iter().map(|h| format!("{}: {h}", h.badge())).collect();
        with_row_words(hints, alike, events)
    }

    /// After `]` or `[`: the why panel's hints become the event's on screen.
    pub(in crate::tui::app) fn hints_follow_event(&mut self) {
        let Some(d) = self.drill_mut() else {
            return;
        };
        let (key, event, count, alike) = (
            d.item_key.clone(),
            d.events.get(d.current).copied(),
            d.events.len(),
            d.alike.clone(),
        );
        if self.view != View::Findings {
            return;
        }
        let Some(item) = self.findings.item_of(&key) else {
            return;
        };
        let hints = self.flagged_drill_hints(item, event, alike.as_ref(), count);
        if let Some(d) = self.drill_mut() {
            d.hints = hints;
        }
    }
}

/// The drill-down's hint lines: `hints`, then `alike`, headed by `row of N events` when the
/// row has several (the hints are the row's: each from the first of its events that gave
/// it, not necessarily the event on screen; newcomer: `]` to event 2 showed event 1's
/// conflict and reset as if they were its own).
pub(super) fn with_row_words(
    mut hints: Vec<String>,
    alike: Option<&String>,
    events: usize,
) -> Vec<String> {
    hints.extend(alike.cloned());
    if events > 1 && !hints.is_empty() {
        hints.insert(
            0,
            format!(
                "row of {events} events: each hint below is from the first event that gave it, not necessarily this one (x: this event's related records)"
            ),
        );
    }
    hints
}

/// The drill-down's hint lines of one event of a row of several: `own` (the event's, as
/// [`crate::hints::Inputs::finding_event_hints`] makes them), `alike`, then the badges of
/// `row` (the row's hints) that only its other events give, said to be theirs, so that no
/// hint of one event reads as a fact about another (newbie 17 #5).
fn event_hint_lines(
    own: &[crate::hints::Hint],
    row: &[crate::hints::Hint],
    alike: Option<&String>,
    events: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = own.iter().map(|h| format!("{}: {h}", h.badge())).collect();
    lines.extend(alike.cloned());
    let others: Vec<&str> = row
        .iter()
        .map(crate::hints::Hint::badge)
        .filter(|b| !own.iter().any(|h| h.badge() == *b))
        .collect();
    if !others.is_empty() {
        lines.push(format!(
            "not this event's: {} (from another of the row's events: ] and [ show them)",
            others.join(" ")
        ));
    }
    lines.insert(
        0,
        format!(
            "row of {events} events: the hints below are this event's own (x: its related records)"
        ),
    );
    lines
}
