//! Where the table's cursor and view stand: moving the cursor, and the first row drawn so
//! that the cursor is always on screen (one rule for drawing and for navigation).

use super::TableState;

impl TableState {
    /// Puts the cursor on the shown row at `pos` (the analyst's move: it no longer waits
    /// for an earlier row).
    pub(in crate::tui) fn set_cursor(&mut self, pos: usize) {
        self.keep = None;
        self.cursor = pos.min(self.order.len().saturating_sub(1));
    }

    /// Puts the cursor on `item`'s row: at once where it is shown, else once the filter
    /// being applied reaches it (a row it hides leaves the cursor where it is).
    pub(in crate::tui) fn cursor_to_item(&mut self, item: usize) {
        if let Some(pos) = self.order.iter().position(|&i| i == item) {
            self.set_cursor(pos);
        } else if self.pending.is_some() {
            self.keep = Some(item);
        }
    }

    /// Moves the cursor by `delta` rows (clamped), keeping it among the `page` rows drawn.
    pub(in crate::tui) fn move_cursor(&mut self, delta: i64, page: usize) {
        // The analyst moved: the cursor no longer waits for its earlier row.
        self.keep = None;
        if self.order.is_empty() {
            self.cursor = 0;
        } else {
            let max = i64::try_from(self.order.len() - 1).unwrap_or(0);
            let cur = i64::try_from(self.cursor).unwrap_or(0);
            self.cursor = usize::try_from(cur.saturating_add(delta).clamp(0, max)).unwrap_or(0);
        }
        self.scroll_into_view(page);
    }

    /// Scrolls so that the cursor is among the `page` rows drawn. After a sort, once the
    /// cursor's row is placed, the view starts at the first row when the cursor's row is on
    /// the first page, else centres it: the rows kept from the old view mean nothing in the
    /// new order, and the first rows are what a sort is asked for.
    pub(in crate::tui) fn scroll_into_view(&mut self, page: usize) {
        if self.sorted_anew && self.keep.is_none() {
            self.sorted_anew = false;
            let page = page.max(1);
            self.offset = if self.cursor < page {
                0
            } else {
                (self.cursor - page / 2).min(self.order.len().saturating_sub(page))
            };
        }
        self.offset = scroll_to(self.offset, self.cursor, page);
        // Never blank lines below while rows are hidden above (a taller screen after a
        // resize, fewer rows after a filter): the view ends at the last row at the latest.
        self.offset = self
            .offset
            .min(self.order.len().saturating_sub(page.max(1)));
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
