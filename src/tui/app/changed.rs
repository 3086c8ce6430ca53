//! Rows changed since decided: events that joined a decided flagged row after its verdict
//! (a followed file that grew, a later export loaded with the same journal). The decision
//! keeps how many events the row stood for when it was made ([`Decision::events`]); more
//! now means the verdict covers events the analyst never saw, which is said on the row,
//! in the drill-down, in the header, and listed by the verdict filter.
//!
//! [`Decision::events`]: crate::journal::Decision::events

use super::App;

impl App {
    /// How many events the flagged row of `key` stands for now (None: no such flagged row).
    pub(super) fn events_now(&self, key: &str) -> Option<u64> {
        // The flagged table's items are the report's findings, in the same order.
        let i = self.findings.item_of(key)?;
        let f = self.report.findings.get(i)?;
        u64::try_from(f.totals.events).ok()
    }

    /// The events of a decided flagged row then (at its decision) and now, when more now:
    /// `(1, 2)` is one new event since the decision. None for an unreviewed row, a near
    /// miss, or a decision that did not keep its count (written before it was kept).
    pub fn new_events(&self, key: &str) -> Option<(u64, u64)> {
        let d = self.decisions.get(key)?;
        let now = self.events_now(key)?;
        let n = d.new_events(now)?;
        Some((now - n, now))
    }

    /// How many flagged rows changed since decided (see [`App::new_events`]): the header's
    /// `1 changed since decided`.
    pub fn changed_since_decided(&self) -> usize {
        self.decisions
            .keys()
            .filter(|k| self.new_events(k).is_some())
            .count()
    }
}
