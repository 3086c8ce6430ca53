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

    /// Flagged row `i` folded: its events are copies of events of another row, whose
    /// record came later (a followed file that grew, a later export): the other row's
    /// canonical record (CloudAppEvents, else UAL, else Entra) gives that event's row. A
    /// decision on row `i` is applied to no row, as `report` and `p` say: the row that now
    /// holds the event shows values the verdict never saw (an ISP, `IsAnonymousProxy`
    /// where the UAL has none) and may hold other events. Said at once, loudly, and counted
    /// in the header's `to decide again` ([`App::folded_decisions`]) until it is undone or
    /// that row decided; never dropped from the journal.
    pub(super) fn row_folded(&mut self, i: usize) {
        self.arrivals.folded.push(i);
        let Some(key) = self.findings.items.get(i).map(|t| t.key.clone()) else {
            return;
        };
        let Some(d) = self.decisions.get(&key) else {
            return;
        };
        if d.verdict == crate::journal::Verdict::Unreviewed {
            return;
        }
        // What matters first, whole at 60 columns: a decision is not applied.
        self.keep_error(format!(
            "a decision ({}) was not applied: row {key} folded into another row, that of its \
             event's record read since (CloudAppEvents, else UAL, else Entra AuditLogs); \
             decide that row (p lists it)",
            d.verdict.label()
        ));
    }

    /// How many decided flagged rows folded ([`App::row_folded`]): decisions applied to no
    /// row, counted with the near misses to decide again in the header.
    pub fn folded_decisions(&self) -> usize {
        let verdicts = self.findings.verdicts();
        self.arrivals
            .folded
            .iter()
            .filter(|&&i| {
                self.findings.items.get(i).is_some_and(|t| t.folded)
                    && verdicts
                        .get(i)
                        .is_some_and(|v| *v != crate::journal::Verdict::Unreviewed)
            })
            .count()
    }
}
