//! The state of one table (flagged rows or near misses): its rows, which are shown and in
//! which order (verdict filter, filter terms, frequency-view value, sort), the cursor and
//! the scroll offset, the selection.

use std::collections::HashSet;

use super::columns::{Column, Widest};
use super::filter::{Row, Zone, matches_terms, narrows};
use super::items::{ItemText, Packed};
use super::key_index::KeyIndex;
use super::sort::{self, Rows};
pub use super::verdict_filter::VerdictFilter;
use crate::journal::Verdict;

/// The most rows a table has for its columns to be sorted ahead while the workbench is
/// idle (each sort is a few milliseconds at this size).
const SORT_AHEAD_ROWS: usize = 20_000;

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
    /// `verdicts` counted (`tui::reviewed`: the header shows it every frame).
    pub(super) reviewed: super::reviewed::Reviewed,
    /// Item by key: item numbers hashed by their item's key (no second copy of every key).
    index: KeyIndex,
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
    /// Items that are folded rows ([`ItemText::folded`]): kept in place, never shown.
    folded: usize,
    /// What decided the shown rows last time: when it is the same, new rows only need
    /// their own test.
    last_shown: Option<ShownKey>,
    /// A filter being applied a slice at a time (see `step`): `order` holds the rows
    /// tested so far that pass, in their final order.
    pending: Option<Pending>,
    /// The item the cursor goes back to once the filter being applied reaches it (the
    /// analyst's row before the filter changed); dropped when the analyst moves.
    keep: Option<usize>,
    /// Items whose verdict or note changed since the shown rows were computed: tested
    /// again alone, so a decision does not filter every row again.
    recheck: Vec<usize>,
    /// A sort moved the rows: once the cursor's row has its new place, the view is set
    /// afresh (see `scroll_into_view`) instead of moved as little as possible.
    sorted_anew: bool,
    /// Near misses whose reason starts with `[decide again: id shared]` (a decision on
    /// their id no longer applies and they have none of their own): the header counts them.
    pub decide_again: usize,
    /// The widest IP and Reason cells of the rows (terminal columns): those columns'
    /// widths ([`TableState::fit`]). Kept as rows arrive, never narrowed.
    widest: Widest,
    /// Rows marked ⚠ (their ⚠ cell not empty): the ⚠ column has room for `⚠≠` in a table
    /// that has one, shown or not (`alike::table_widths`).
    pub(super) marked: usize,
}

/// Whether a row is marked `[decide again: id shared]` (its Reason cell starts so).
fn decide_again(columns: &[Column], item: &ItemText) -> bool {
    columns
        .iter()
        .position(|&c| c == Column::Reason)
        .and_then(|at| item.cells.get(at))
        .is_some_and(|r| r.starts_with(crate::tui::items::NOT_APPLIED_MARK))
}

/// A filter applied a slice of rows per frame, so that a keystroke is answered at once
/// however many rows there are; the rows shown so far are exactly the first ones of the
/// finished result.
#[derive(Debug, Clone)]
struct Pending {
    /// The rows to test, in the order they are shown: None for every row (`base`, which
    /// grows while a load appends), else a kept result this filter narrows (rows that
    /// arrive meanwhile are added to it).
    source: Option<Vec<usize>>,
    /// How many of them are tested.
    next: usize,
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
            reviewed: Default::default(),
            sorted: vec![None; columns.len()],
            packed: Packed::default(),
            packed_stale: false,
            index: KeyIndex::default(),
            base: None,
            narrowed: Vec::new(),
            appending: false,
            fresh: Vec::new(),
            touched: false,
            folded: 0,
            last_shown: None,
            pending: None,
            keep: None,
            recheck: Vec::new(),
            sorted_anew: false,
            decide_again: 0,
            widest: Widest::default(),
            marked: 0,
        }
    }

    /// While a filter is being applied: rows tested and rows to test in all.
    pub fn filtering(&self) -> Option<(usize, usize)> {
        let p = self.pending.as_ref()?;
        let total = match &p.source {
            Some(rows) => rows.len(),
            None => self.base.as_ref().map_or(0, Vec::len),
        };
        Some((p.next, total))
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
        self.widen(&item);
        self.marked += usize::from(self.is_marked(&item));
        self.decide_again += usize::from(decide_again(self.columns, &item));
        self.index.insert(&self.items, &item.key, i);
        if !self.packed_stale {
            self.packed.push(&item);
        }
        self.folded += usize::from(item.folded);
        self.reviewed.change(None, Some((verdict, item.folded)));
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
        let was = self
            .items
            .get(i)
            .is_some_and(|o| decide_again(self.columns, o));
        self.decide_again =
            self.decide_again - usize::from(was) + usize::from(decide_again(self.columns, &item));
        self.widen(&item);
        self.marked = (self.marked + usize::from(self.is_marked(&item)))
            .saturating_sub(usize::from(self.is_marked(&self.items[i])));
        if !self.packed_stale {
            self.packed.replace(i, &item);
        }
        self.folded = self.folded + usize::from(item.folded) - usize::from(self.items[i].folded);
        let refilter = item.folded != self.items[i].folded;
        let v = self.verdicts[i];
        self.reviewed
            .change(Some((v, self.items[i].folded)), Some((v, item.folded)));
        self.items[i] = item;
        if self.appending && self.base.is_some() && !refilter {
            self.touched = true;
        } else {
            self.invalidate();
        }
    }

    fn is_marked(&self, item: &ItemText) -> bool {
        let flag = self.position(Column::Flag);
        flag.and_then(|at| item.cells.get(at))
            .is_some_and(|c| !c.is_empty())
    }

    fn widen(&mut self, item: &ItemText) {
        let width = |column| {
            self.position(column)
                .and_then(|at| item.cells.get(at))
                .map_or(0, |cell| {
                    let w = unicode_width::UnicodeWidthStr::width(cell);
                    u16::try_from(w).unwrap_or(u16::MAX)
                })
        };
        let (ip, reason) = (width(Column::Ip), width(Column::Reason));
        self.widest.ip = self.widest.ip.max(ip);
        self.widest.reason = self.widest.reason.max(reason);
    }

    /// The widest IP and Reason cells of the rows.
    pub fn widest(&self) -> Widest {
        self.widest
    }

    /// Which columns are drawn `width` wide, and how wide ([`super::columns::fit_sized`]),
    /// the IP and Reason columns sized by the widest cells of the rows.
    pub fn fit(&self, width: u16) -> Vec<(usize, u16)> {
        super::columns::fit_sized(self.columns, width, self.widest)
    }

    /// How many rows the table has: its items but the folded ones ([`ItemText::folded`]).
    pub fn total(&self) -> usize {
        self.items.len() - self.folded
    }

    /// The verdict of each item, in item order (as the table shows them).
    pub fn verdicts(&self) -> &[Verdict] {
        &self.verdicts
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
        self.pending = None;
        self.recheck.clear();
        self.narrowed.clear();
        for s in &mut self.sorted {
            *s = None;
        }
    }

    /// Cells of some rows changed in place (the hints): while a load appends, the rows
    /// keep their places unless the filter must test them again; else everything is
    /// sorted and filtered again.
    pub(super) fn texts_changed(&mut self) {
        self.packed_stale = true;
        // Rows are marked ⚠ in place (a look-alike, a conflict the hints found).
        self.marked = self.items.iter().filter(|i| self.is_marked(i)).count();
        if self.appending && self.base.is_some() {
            self.touched = true;
        } else {
            self.invalidate();
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
        self.sorted_anew = true;
    }

    /// The item whose key is `key`, if the table has it (shown or not).
    pub fn item_of(&self, key: &str) -> Option<usize> {
        self.index.get(&self.items, key)
    }

    /// A decision changed the verdict of an item: the caches that depend on it.
    pub(super) fn verdict_changed(&mut self, key: &str, verdict: Verdict) {
        if let Some(i) = self.index.get(&self.items, key) {
            self.set_verdict(i, verdict);
            // Shown rows may depend on the verdict (filter): the row is tested again at
            // the next refresh; the order depends on it when sorted by verdict or note.
            self.narrowed.clear();
            self.recheck.push(i);
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
        // A column's sort cannot be cut short for a key: past `SORT_AHEAD_ROWS` it takes
        // long enough (tens of milliseconds, more on a busy machine) that a key typed
        // meanwhile waits visibly, so such a table is sorted when asked (a 180,000-row
        // table in about 0.1 s).
        if self.items.len() > SORT_AHEAD_ROWS {
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

    /// Sets out to compute the shown rows: verdict filter, frequency value, filter terms,
    /// sort; the rows are then tested a slice at a time by `step`. The cursor goes back to
    /// the same item once it is found among them.
    pub(super) fn reorder(&mut self, shown: &Shown) {
        self.ensure_packed();
        if self.base.is_some() && !shown.from_top && self.update_in_place(shown) {
            return;
        }
        self.fresh.clear();
        self.touched = false;
        self.recheck.clear();
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
        self.keep = if shown.from_top {
            None
        } else {
            self.keep.or(self.current())
        };
        let source = self
            .narrowed
            .iter()
            .rev()
            .find(|(text, _)| narrows(text, shown.filter, shown.zone))
            .map(|(_, order)| order.clone());
        self.pending = Some(Pending { source, next: 0 });
        self.order.clear();
        self.cursor = 0;
        self.last_shown = Some(ShownKey::of(shown));
    }

    /// Tests at most `rows` more rows of the filter being applied; returns how many it
    /// tested. When the last is tested the result is kept for narrowing and the cursor
    /// put back on its row (else kept where it is, within the rows shown).
    pub(super) fn step(&mut self, shown: &Shown, rows: usize) -> usize {
        let Some(mut p) = self.pending.take() else {
            return 0;
        };
        let source: &[usize] = match &p.source {
            Some(v) => v,
            None => match &self.base {
                Some(b) => b,
                // The rows changed under the filter: the next refresh starts it again.
                None => return 0,
            },
        };
        let end = p.next.saturating_add(rows).min(source.len());
        let tested = end - p.next;
        let found: Vec<usize> = source[p.next..end]
            .iter()
            .copied()
            .filter(|&i| self.passes(shown, i))
            .collect();
        let done = end == source.len();
        p.next = end;
        if let Some(k) = self.keep
            && let Some(at) = found.iter().position(|&i| i == k)
        {
            self.cursor = self.order.len() + at;
            self.keep = None;
        }
        self.order.extend(found);
        if done {
            self.keep = None;
            if !shown.filter.is_empty() && !self.narrowed.iter().any(|(t, _)| *t == shown.filter) {
                if self.narrowed.len() >= 16 {
                    self.narrowed.remove(0);
                }
                self.narrowed
                    .push((shown.filter.to_owned(), self.order.clone()));
            }
        } else {
            self.pending = Some(p);
        }
        self.cursor = self.cursor.min(self.order.len().saturating_sub(1));
        tested
    }

    /// Applies the filter being applied to every row left (what needs the whole result:
    /// the frequency view, the next unreviewed row).
    pub(super) fn finish(&mut self, shown: &Shown) {
        while self.step(shown, usize::MAX) > 0 {}
    }

    /// When nothing but the rows (a load appending) or some verdicts changed since the
    /// shown rows were computed: only those rows are tested; rows that arrive and pass go
    /// at the end (the cursor stays on its row). False when everything must be computed
    /// again.
    fn update_in_place(&mut self, shown: &Shown) -> bool {
        let key = ShownKey::of(shown);
        if self.last_shown.as_ref() != Some(&key) || !self.recheck_verdicts(shown) {
            return false;
        }
        if !self.appending {
            return self.fresh.is_empty() && !self.touched;
        }
        // A row whose text changed may now pass the filter or fail it: only when every
        // row shows can its place stay as it is.
        if self.touched && !key.shows_all() {
            return false;
        }
        self.touched = false;
        if self.fresh.is_empty() {
            return true;
        }
        let fresh = std::mem::take(&mut self.fresh);
        // The filtered lists kept for narrowing lack the new rows.
        self.narrowed.clear();
        match &mut self.pending {
            // Every row (`base`) is being tested: the new rows are in it.
            Some(Pending { source: None, .. }) => {}
            Some(Pending {
                source: Some(rows), ..
            }) => rows.extend(fresh),
            None => {
                let order: Vec<usize> = fresh
                    .into_iter()
                    .filter(|&i| self.passes(shown, i))
                    .collect();
                self.order.extend(order);
            }
        }
        true
    }

    /// Tests again the rows whose verdict or note changed: one that no longer passes
    /// leaves the shown rows (the cursor stays on its row, else goes to the first). False
    /// when one must be added among them (everything is computed again: it was hidden,
    /// so no key of the analyst's decided it; an undo or another workbench did).
    fn recheck_verdicts(&mut self, shown: &Shown) -> bool {
        if self.recheck.is_empty() {
            return true;
        }
        let current = self.current();
        let mut removed = false;
        for i in std::mem::take(&mut self.recheck) {
            let passes = self.passes(shown, i);
            match self.order.iter().position(|&x| x == i) {
                Some(at) if !passes => {
                    self.order.remove(at);
                    removed = true;
                }
                Some(_) => {}
                None if !passes => {}
                None => {
                    // Not tested yet by the filter being applied: it will be.
                    let untested = self.pending.as_ref().is_some_and(|p| {
                        let source = p.source.as_deref().or(self.base.as_deref());
                        source.is_some_and(|s| s[p.next.min(s.len())..].contains(&i))
                    });
                    if !untested {
                        return false;
                    }
                }
            }
        }
        if removed {
            self.cursor = current
                .and_then(|c| self.order.iter().position(|&i| i == c))
                .unwrap_or(0)
                .min(self.order.len().saturating_sub(1));
        }
        true
    }

    /// Whether item `i` passes the verdict filter, the frequency value and the terms.
    fn passes(&self, shown: &Shown, i: usize) -> bool {
        let item = &self.items[i];
        let verdict = self.verdicts[i];
        let columns = self.columns;
        // The frequency view counted the cells as shown (local times in local time).
        let pivot_ok = shown.pivot.is_none_or(|(col, value)| {
            let Some(col) = col else { return false };
            match columns.get(col) {
                Some(Column::Verdict) => verdict.label() == value,
                Some(Column::Note) => {
                    let noted = shown
                        .decisions
                        .get(&item.key)
                        .is_some_and(|d| !d.note.is_empty());
                    value == if noted { "✎" } else { "" }
                }
                Some(Column::Time) if let Zone::Local(z) = shown.zone => {
                    item.time.map(|t| z.text(t)).unwrap_or_default() == value
                }
                c => super::columns::has_value(c, item.cells.get(col).unwrap_or(""), value),
            }
        });
        !item.folded
            && shown.verdicts.admits(verdict)
            && (shown.verdicts != VerdictFilter::ChangedSinceDecided
                || super::verdict_filter::changed_since_decided(columns, item, shown.decisions))
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
                    zone: match shown.zone {
                        Zone::Local(z) => Some(z),
                        Zone::Utc => None,
                    },
                },
            )
    }
}

#[path = "table_cursor.rs"]
mod cursor;
#[path = "table_shown.rs"]
mod shown;
pub use cursor::scroll_to;
pub(super) use shown::Shown;
use shown::ShownKey;
