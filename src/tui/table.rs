//! The state of one table (flagged rows or near misses): its rows, which are shown and in
//! which order (verdict filter, filter terms, frequency-view value, sort), the cursor and
//! the scroll offset, the selection.

use std::collections::{HashMap, HashSet};

use super::columns::Column;
use super::filter::{Resolved, Row, Zone, matches_terms, narrows};
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
    /// While a load runs: rows that arrive are added after the rows already in order (in
    /// the order read) instead of sorting every row again; the load's end sorts once.
    appending: bool,
    /// Rows added since the shown rows were last computed (while appending).
    fresh: Vec<usize>,
    /// A row's text changed since the shown rows were last computed (while appending).
    touched: bool,
    /// What decided the shown rows last time: when it is the same, new rows only need
    /// their own test.
    last_shown: Option<ShownKey>,
}

/// What decides which rows show, as last computed: filter, verdicts, frequency value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShownKey {
    filter: String,
    /// The same filter text reads its times differently in another zone.
    zone: Zone,
    verdicts: VerdictFilter,
    pivot: Option<(usize, String)>,
}

impl ShownKey {
    fn of(shown: &Shown) -> Self {
        Self {
            filter: shown.filter.to_owned(),
            zone: shown.zone,
            verdicts: shown.verdicts,
            pivot: shown.pivot.map(|(c, v)| (c, v.to_owned())),
        }
    }

    /// Every row shows: a row's text changing cannot hide it or show it.
    fn shows_all(&self) -> bool {
        self.filter.trim().is_empty() && self.verdicts == VerdictFilter::All && self.pivot.is_none()
    }
}

/// What decides which rows a refresh shows.
pub(super) struct Shown<'a> {
    pub filter: &'a str,
    pub terms: &'a [Resolved<'a>],
    /// The zone times are shown (and time terms read) in.
    pub zone: Zone,
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
            appending: false,
            fresh: Vec::new(),
            touched: false,
            last_shown: None,
        }
    }

    /// While a load runs, new rows go after the rows in order; when it ends
    /// (`appending` false) everything is sorted again, once.
    pub(super) fn set_appending(&mut self, appending: bool) {
        if self.appending && !appending {
            self.invalidate();
        }
        self.appending = appending;
    }

    pub(super) fn push(&mut self, item: ItemText, verdict: Verdict) {
        let i = self.items.len();
        self.index.insert(item.key.clone(), i);
        if !self.packed_stale {
            self.packed.push(&item);
        }
        self.items.push(item);
        self.verdicts.push(verdict);
        match &mut self.base {
            Some(base) if self.appending => {
                base.push(i);
                self.fresh.push(i);
            }
            _ => self.invalidate(),
        }
    }

    pub(super) fn replace(&mut self, i: usize, item: ItemText) {
        if !self.packed_stale {
            self.packed.replace(i, &item);
        }
        self.items[i] = item;
        if self.appending && self.base.is_some() {
            self.touched = true;
        } else {
            self.invalidate();
        }
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
        self.last_shown = None;
        self.narrowed.clear();
        for s in &mut self.sorted {
            *s = None;
        }
    }

    /// Forget the filtered lists (what decides the shown rows changed).
    pub(super) fn forget_narrowed(&mut self) {
        self.narrowed.clear();
        self.last_shown = None;
    }

    /// Sort by the focused column; the same column again reverses the order.
    pub(super) fn sort_by_focus(&mut self) {
        let focus = self.focus;
        match self.sort {
            // The same column again: the order reversed, no new sort.
            Some((c, desc)) if c == focus => {
                self.sort = Some((c, !desc));
                if self.appending {
                    // Rows added in the order read are not in sort order: sort again.
                    self.base = None;
                } else if let Some(base) = &mut self.base {
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
        self.last_shown = None;
    }

    /// A decision changed the verdict of an item: the caches that depend on it.
    pub(super) fn verdict_changed(&mut self, key: &str, verdict: Verdict) {
        if let Some(&i) = self.index.get(key) {
            self.verdicts[i] = verdict;
            // Shown rows may depend on the verdict (filter) and the order on the verdict
            // or note (sort by those columns).
            self.narrowed.clear();
            self.last_shown = None;
            let columns = self.columns;
            if self
                .sort
                .is_some_and(|(c, _)| columns.get(c).is_some_and(|c| c.from_decisions()))
            {
                self.base = None;
            }
        }
    }

    /// The first column whose idle-time sort is still to be made, if any.
    fn missing_sort(&self) -> Option<usize> {
        // Past a million rows the cache would cost more memory than it saves time.
        if self.items.len() > 1_000_000 {
            return None;
        }
        (0..self.columns.len())
            .find(|&c| self.sorted[c].is_none() && !self.columns[c].from_decisions())
    }

    /// Whether idle time still has a column to sort ahead.
    pub(super) fn sort_cache_incomplete(&self) -> bool {
        self.missing_sort().is_some()
    }

    /// Fills one missing column of the sort cache; false when there is nothing left to do.
    pub(super) fn fill_sort_cache(&mut self) -> bool {
        match self.missing_sort() {
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
        if self.base.is_some() && !shown.from_top && self.append_fresh(shown) {
            return;
        }
        self.fresh.clear();
        self.touched = false;
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
            .find(|(text, _)| narrows(text, shown.filter, shown.zone))
            .map_or(base, |(_, order)| order.as_slice());
        let order: Vec<usize> = start
            .iter()
            .copied()
            .filter(|&i| self.passes(shown, i))
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
        self.last_shown = Some(ShownKey::of(shown));
    }

    /// While a load runs and nothing but the rows changed since the shown rows were
    /// computed: only the new rows are tested, and those shown go at the end (the cursor
    /// stays on its row). False when everything must be computed again.
    fn append_fresh(&mut self, shown: &Shown) -> bool {
        let Some(last) = &self.last_shown else {
            return false;
        };
        if !self.appending || *last != ShownKey::of(shown) {
            return false;
        }
        // A row whose text changed may now pass the filter or fail it: only when every
        // row shows can its place stay as it is.
        if self.touched && !last.shows_all() {
            return false;
        }
        self.touched = false;
        if self.fresh.is_empty() {
            return true;
        }
        let fresh = std::mem::take(&mut self.fresh);
        // The filtered lists kept for narrowing lack the new rows.
        self.narrowed.clear();
        let order: Vec<usize> = fresh
            .into_iter()
            .filter(|&i| self.passes(shown, i))
            .collect();
        self.order.extend(order);
        true
    }

    /// Whether item `i` passes the verdict filter, the frequency value and the terms.
    fn passes(&self, shown: &Shown, i: usize) -> bool {
        let item = &self.items[i];
        let verdict = self.verdicts[i];
        let columns = self.columns;
        // The frequency view counted the cells as shown (local times in local time).
        let pivot_ok = shown
            .pivot
            .is_none_or(|(col, value)| match columns.get(col) {
                Some(Column::Verdict) => verdict.label() == value,
                Some(Column::Note) => {
                    let noted = shown
                        .decisions
                        .get(&item.key)
                        .is_some_and(|d| !d.note.is_empty());
                    value == if noted { "✎" } else { "" }
                }
                Some(Column::Time) if shown.zone != Zone::Utc => {
                    item.time.map(super::items::local_text).unwrap_or_default() == value
                }
                _ => item.cells.get(col).map_or("", String::as_str) == value,
            });
        shown.verdicts.admits(verdict)
            && pivot_ok
            && matches_terms(
                shown.terms,
                &Row {
                    columns,
                    packed: &self.packed,
                    i,
                    item,
                    verdict,
                    decisions: shown.decisions,
                },
            )
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
