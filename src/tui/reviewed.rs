//! A table's verdicts counted as they change, not counted again each frame.
//!
//! Why: the header shows how many rows are reviewed (suspicious, legitimate) on every frame,
//! and counting them read every row (180,000 near misses at 2,000,000 events, three times a
//! frame): a few milliseconds of each frame's draw, during the load and after it (a move's
//! frame among them).

use super::table::TableState;
use crate::journal::Verdict;

/// The rows of a table by verdict, folded rows left out (they are no rows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Reviewed {
    suspicious: usize,
    legitimate: usize,
}

impl Reviewed {
    /// A row (its verdict, and whether it is folded) left the count (`before`) and another
    /// took its place (`after`); None where there is none.
    pub(super) fn change(
        &mut self,
        before: Option<(Verdict, bool)>,
        after: Option<(Verdict, bool)>,
    ) {
        if let Some((v, false)) = before {
            match v {
                Verdict::Suspicious => self.suspicious -= 1,
                Verdict::Legitimate => self.legitimate -= 1,
                Verdict::Unreviewed => {}
            }
        }
        if let Some((v, false)) = after {
            match v {
                Verdict::Suspicious => self.suspicious += 1,
                Verdict::Legitimate => self.legitimate += 1,
                Verdict::Unreviewed => {}
            }
        }
    }

    /// Counted from every row: what the kept count must equal.
    fn of(table: &TableState) -> Self {
        let mut all = Self::default();
        for (&v, item) in table.verdicts.iter().zip(&table.items) {
            all.change(None, Some((v, item.folded)));
        }
        all
    }
}

impl TableState {
    /// Rows marked suspicious and legitimate (folded rows are not rows).
    pub fn verdict_counts(&self) -> (usize, usize) {
        debug_assert_eq!(self.reviewed, Reviewed::of(self), "the kept count");
        (self.reviewed.suspicious, self.reviewed.legitimate)
    }

    /// Sets item `i`'s verdict as the decisions say (no other cache depends on it here: a
    /// row the load made again, before it is shown).
    pub(super) fn set_verdict(&mut self, i: usize, verdict: Verdict) {
        if let (Some(v), Some(item)) = (self.verdicts.get_mut(i), self.items.get(i)) {
            self.reviewed
                .change(Some((*v, item.folded)), Some((verdict, item.folded)));
            *v = verdict;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::columns::FINDING_COLUMNS;
    use crate::tui::items::ItemText;

    fn item(key: &str, folded: bool) -> ItemText {
        let n = FINDING_COLUMNS.len();
        let mut item = ItemText::new(
            key.to_owned(),
            vec![String::new(); n],
            vec![None; n],
            None,
            false,
        );
        item.folded = folded;
        item
    }

    #[test]
    fn the_kept_counts_follow_decisions_folded_rows_and_rows_made_again() {
        let mut t = TableState::new(&FINDING_COLUMNS);
        t.push(item("a", false), Verdict::Suspicious);
        t.push(item("b", false), Verdict::Legitimate);
        // A folded row is no row: its verdict is not counted.
        t.push(item("c", true), Verdict::Suspicious);
        t.push(item("d", false), Verdict::Unreviewed);
        assert_eq!(t.verdict_counts(), (1, 1));
        t.verdict_changed("d", Verdict::Suspicious);
        assert_eq!(t.verdict_counts(), (2, 1));
        // The load folds a row, and another gets an event of its own again.
        t.replace(0, item("a", true));
        assert_eq!(t.verdict_counts(), (1, 1));
        t.replace(2, item("c", false));
        assert_eq!(t.verdict_counts(), (2, 1));
        t.set_verdict(1, Verdict::Unreviewed);
        assert_eq!(t.verdict_counts(), (2, 0));
        assert_eq!(t.reviewed, Reviewed::of(&t));
    }
}
