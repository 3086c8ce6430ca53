//! The state of one table (flagged rows or near misses): its rows, which are shown and in
//! which order (verdict filter, filter terms, frequency-view value, sort), the cursor and
//! the scroll offset, the selection.

use std::collections::{HashMap, HashSet};

use super::columns::Column;
use super::filter::{Resolved, matches_terms, narrows};
use super::items::{ItemText, Packed};
use super::sort::{self, Rows};
use crate::journal::{Decision, Verdict};

/// Which verdicts the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictFilter {
    All,
    Only(Verdict),
}

impl VerdictFilter {
    pub(super) fn next(self) -> Self {
        match self {
            Self::All => Self::Only(Verdict::Unreviewed),
            Self::Only(Verdict::Unreviewed) => Self::Only(Verdict::Suspicious),
            Self::Only(Verdict::Suspicious) => Self::Only(Verdict::Legitimate),
            Self::Only(Verdict::Legitimate) => Self::All,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Only(v) => v.label(),
        }
    }
    fn admits(self, verdict: Verdict) -> bool {
        match self {
            Self::All => true,
            Self::Only(v) => v == verdict,
        }
    }
}

/// The table of one view: what is shown, in which order, where the cursor is.
#[derive(Debug, Clone)]
pub struct TableState {
    pub items: Vec<ItemText>,
    /// Item indexes shown, after filtering and sorting.
    pub order: Vec<usize>,
    /// Position in `order` of the highlighted row.
    pub cursor: usize,
    /// Position in `order` of the first row drawn.
    pub offset: usize,
    /// Index in `columns` of the focused column.
    pub focus: usize,
    /// Index in `columns` of the sort column, and descending.
    pub sort: Option<(usize, bool)>,
    /// Selected items (indexes into `items`), shown or not.
    pub selected: HashSet<usize>,
    /// The verdict of each item, kept in step with the decisions (no hashing per row).
    pub(super) verdicts: Vec<Verdict>,
    /// Item by key.
    pub(super) index: HashMap<String, usize>,
    /// Every item in the current sort order; None when it must be sorted again.
    base: Option<Vec<usize>>,
    /// Recent filter texts and what they showed: a filter that only narrows one of them
    /// (more letters, another term) filters that smaller, already sorted list.
    narrowed: Vec<(String, Vec<usize>)>,
    /// The columns of this table.
    pub columns: &'static [Column],
    /// Per column, every item in ascending order, computed while the workbench is idle so
    /// that sorting a large table is a copy.
    pub(super) sorted: Vec<Option<Vec<u32>>>,
    /// The rows' lower-case text packed together, for filtering and sorting.
    pub(super) packed: Packed,
    pub(super) packed_stale: bool,
}

/// What decides which rows a refresh shows.
pub(super) struct Shown<'a> {
    pub filter: &'a str,
    pub terms: &'a [Resolved<'a>],
    pub verdicts: VerdictFilter,
    /// A frequency-view value: (column index, exact text).
    pub pivot: Option<(usize, &'a str)>,
    pub decisions: &'a HashMap<String, Decision>,
    /// Put the cursor on the first shown row instead of keeping its row.
    pub from_top: bool,
}

impl TableState {
    pub(super) fn new(columns: &'static [Column]) -> Self {
        Self {
            columns,
            items: Vec::new(),
            order: Vec::new(),
            cursor: 0,
            offset: 0,
            focus: 1,
            sort: None,
            selected: HashSet::new(),
            verdicts: Vec::new(),
            sorted: vec![None; columns.len()],
            packed: Packed::default(),
            packed_stale: false,
            index: HashMap::new(),
            base: None,
            narrowed: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, item: ItemText, verdict: Verdict) {
        self.index.insert(item.key.clone(), self.items.len());
        if !self.packed_stale {
            self.packed.push(&item);
        }
        self.items.push(item);
        self.verdicts.push(verdict);
        self.invalidate();
    }

    pub(super) fn replace(&mut self, i: usize, item: ItemText) {
        self.items[i] = item;
        self.packed_stale = true;
        self.invalidate();
    }

    /// The item under the cursor.
    pub fn current(&self) -> Option<usize> {
        self.order.get(self.cursor).copied()
    }

    /// Where a column stands in this table.
    pub fn position(&self, column: Column) -> Option<usize> {
        super::columns::position(self.columns, column)
    }

    fn rows(&self) -> Rows<'_> {
        Rows {
            items: &self.items,
            columns: self.columns,
            verdicts: &self.verdicts,
            packed: &self.packed,
        }
    }

    /// Packs the rows' text again after cells changed in place.
    pub(super) fn ensure_packed(&mut self) {
        if self.packed_stale {
            self.packed.rebuild(&self.items);
            self.packed_stale = false;
        }
    }

    /// The rows changed: sort and filter again from scratch.
    pub(super) fn invalidate(&mut self) {
        self.base = None;
        self.narrowed.clear();
        for s in &mut self.sorted {
            *s = None;
        }
    }

    /// Forget the filtered lists (what decides the shown rows changed).
    pub(super) fn forget_narrowed(&mut self) {
        self.narrowed.clear();
    }

    /// Sort by the focused column; the same column again reverses the order.
    pub(super) fn sort_by_focus(&mut self) {
        let focus = self.focus;
        match self.sort {
            // The same column again: the order reversed, no new sort.
            Some((c, desc)) if c == focus => {
                self.sort = Some((c, !desc));
                if let Some(base) = &mut self.base {
                    base.reverse();
                }
            }
            _ => {
                // Another column: sort again (from the idle-time cache if filled).
                self.sort = Some((focus, false));
                self.base = None;
            }
        }
        self.narrowed.clear();
    }

    /// A decision changed the verdict of an item: the caches that depend on it.
    pub(super) fn verdict_changed(&mut self, key: &str, verdict: Verdict) {
        if let Some(&i) = self.index.get(key) {
            self.verdicts[i] = verdict;
            // Shown rows may depend on the verdict (filter) and the order on the verdict
            // or note (sort by those columns).
            self.narrowed.clear();
            let columns = self.columns;
            if self
                .sort
                .is_some_and(|(c, _)| columns.get(c).is_some_and(|c| c.from_decisions()))
            {
                self.base = None;
            }
        }
    }

    /// Fills one missing column of the sort cache; false when there is nothing left to do.
    pub(super) fn fill_sort_cache(&mut self) -> bool {
        // Past a million rows the cache would cost more memory than it saves time.
        if self.items.len() > 1_000_000 {
            return false;
        }
        let missing = (0..self.columns.len())
            .find(|&c| self.sorted[c].is_none() && !self.columns[c].from_decisions());
        match missing {
            Some(c) => {
                self.ensure_packed();
                self.sorted[c] = Some(sort::ascending_order(&self.rows(), c));
                true
            }
            None => false,
        }
    }

    /// Computes the shown rows: verdict filter, frequency value, filter terms, sort. The
    /// cursor stays on the same item when it is still shown.
    pub(super) fn reorder(&mut self, shown: &Shown) {
        self.ensure_packed();
        if self.base.is_none() {
            let cache = self.sort.and_then(|(c, _)| self.sorted.get(c)?.as_deref());
            self.base = Some(sort::sort_items(
                &self.rows(),
                cache,
                self.sort,
                shown.decisions,
            ));
            self.narrowed.clear();
        }
        let current = self.current();
        let base = self.base.as_deref().unwrap_or(&[]);
        let start: &[usize] = self
            .narrowed
            .iter()
            .rev()
            .find(|(text, _)| narrows(text, shown.filter))
            .map_or(base, |(_, order)| order.as_slice());
        let columns = self.columns;
        let order: Vec<usize> = start
            .iter()
            .copied()
            .filter(|&i| {
                let item = &self.items[i];
                let verdict = self.verdicts[i];
                let pivot_ok = shown.pivot.is_none_or(|(col, value)| {
                    let text = match columns.get(col) {
                        Some(Column::Verdict) => verdict.label(),
                        _ => item.cells.get(col).map_or("", String::as_str),
                    };
                    text == value
                });
                shown.verdicts.admits(verdict)
                    && pivot_ok
                    && matches_terms(shown.terms, columns, &self.packed, i, item.time, verdict)
            })
            .collect();
        if !shown.filter.is_empty() && !self.narrowed.iter().any(|(t, _)| *t == shown.filter) {
            if self.narrowed.len() >= 16 {
                self.narrowed.remove(0);
            }
            self.narrowed.push((shown.filter.to_owned(), order.clone()));
        }
        let cursor = current
            .filter(|_| !shown.from_top)
            .and_then(|c| order.iter().position(|&i| i == c))
            .unwrap_or(0)
            .min(order.len().saturating_sub(1));
        self.order = order;
        self.cursor = cursor;
    }

    /// Moves the cursor by `delta` rows (clamped), keeping it among the `page` rows drawn.
    pub(super) fn move_cursor(&mut self, delta: i64, page: usize) {
        if self.order.is_empty() {
            self.cursor = 0;
        } else {
            let max = i64::try_from(self.order.len() - 1).unwrap_or(0);
            let cur = i64::try_from(self.cursor).unwrap_or(0);
            self.cursor = usize::try_from(cur.saturating_add(delta).clamp(0, max)).unwrap_or(0);
        }
        self.scroll_into_view(page);
    }

    /// Scrolls so that the cursor is among the `page` rows drawn.
    pub(super) fn scroll_into_view(&mut self, page: usize) {
        self.offset = scroll_to(self.offset, self.cursor, page);
    }
}

/// The first line to draw so that `cursor` is among the `page` lines drawn from it,
/// moving `offset` as little as possible.
pub fn scroll_to(offset: usize, cursor: usize, page: usize) -> usize {
    let page = page.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + page {
        cursor + 1 - page
    } else {
        offset
    }
}
