//! Rows that read alike on a narrow screen. At 60 to 80 columns the IP, Proxy, Source and
//! Hints columns give way, and two rows that differ only there (an event's conflicting copy,
//! kept as an event of its own, with `IsAnonymousProxy` set) read the same: the analyst could
//! decide one believing it is the other. Such a row gets `≠` in the ⚠ column, and its
//! drill-down's why panel says which hidden columns differ (newbie2 #5). A row that is
//! itself marked ⚠ keeps it and gets `⚠≠`: the samples' two copies of one event id with
//! other content are both ⚠ (`conflict`) and read alike at 80 columns (newbie12b #1).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::App;
use super::columns::Column;
use super::table::TableState;

/// The mark drawn in the ⚠ column of a row that reads like its neighbour.
pub const MARK: &str = "≠";

/// The neighbour, in the table's order, a row reads like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
}

/// The row at `pos` in the current table's order, drawn `width` columns wide: the side of a
/// neighbour whose drawn cells read exactly as its own (the analyst's verdict and note, and
/// the ⚠ column, left aside: they are the analyst's or this mark's), and the columns not drawn
/// at that width in which the two differ (empty when none: they differ only in what no
/// column shows). None when both neighbours read differently.
pub fn reads_like_neighbour(app: &App, pos: usize, width: u16) -> Option<(Side, Vec<Column>)> {
    reads_like_neighbour_drawn(app, pos, &table_widths(app, width))
}

/// The table's columns as drawn `width` wide, whatever rows show: [`TableState::fit`]
/// (the IP column as wide as the widest address), the ⚠ column of a table with a row
/// marked ⚠ two cells wide, so that such a row reading like its neighbour has the room for
/// `⚠≠`, the cell taken from the widest of the columns that take what is left. It took it
/// from the Account only on a page that showed such a row, and the Account was one cell
/// wider under a filter that hid it than without (ux16 #3).
///
/// [`TableState::fit`]: crate::tui::table::TableState::fit
pub fn table_widths(app: &App, width: u16) -> Vec<(usize, u16)> {
    widths_of(app.table(), width)
}

/// [`table_widths`] of either table, shown or not.
pub fn widths_of(table: &TableState, width: u16) -> Vec<(usize, u16)> {
    let columns = table.columns;
    let mut fitted = table.fit(width);
    let flag = fitted.iter().position(|&(i, _)| columns[i] == Column::Flag);
    // The widest of the columns that take what is left (the Account at 80 columns, the
    // Target or the Reason where drawn): one cell less reads least differently there.
    let widest = (0..fitted.len())
        .filter(|&k| {
            let c = columns[fitted[k].0];
            matches!(
                c,
                Column::Account | Column::Target | Column::Actor | Column::Reason
            )
        })
        .max_by_key(|&k| (fitted[k].1, std::cmp::Reverse(k)));
    if let (Some(flag), Some(from)) = (flag, widest)
        && table.marked > 0
        && fitted[from].1 > 1
    {
        fitted[from].1 -= 1;
        fitted[flag].1 += 1;
    }
    fitted
}

/// The lines each row of `table` takes drawn `width` wide: two in the near misses when
/// the Reason column is narrower than a reason of the table (at 80 columns, 47 for reasons
/// of up to 82), so that every reason is read whole, wrapped under its start (newbie16 #3:
/// the one column that says why the row is there was cut); else one.
pub fn lines_per_row(table: &TableState, width: u16) -> usize {
    let reason = table
        .columns
        .iter()
        .position(|&c| c == Column::Reason)
        .and_then(|at| widths_of(table, width).into_iter().find(|&(i, _)| i == at));
    match reason {
        Some((_, w)) if w < table.widest().reason => 2,
        _ => 1,
    }
}

/// [`reads_like_neighbour`] with the columns as drawn (`fitted`: index in the view, width).
pub fn reads_like_neighbour_drawn(
    app: &App,
    pos: usize,
    fitted: &[(usize, u16)],
) -> Option<(Side, Vec<Column>)> {
    let t = app.table();
    let columns = app.columns();
    let item = *t.order.get(pos)?;
    let compared = |c: usize| !matches!(columns[c], Column::Flag | Column::Verdict | Column::Note);
    let neighbours = [
        (pos.checked_sub(1), Side::Above),
        (pos.checked_add(1), Side::Below),
    ];
    for (n, side) in neighbours {
        let Some(&other) = n.and_then(|n| t.order.get(n)) else {
            continue;
        };
        let alike = fitted.iter().filter(|&&(c, _)| compared(c)).all(|&(c, w)| {
            let w = usize::from(w);
            cut(&app.cell(t, item, c), w) == cut(&app.cell(t, other, c), w)
        });
        if !alike {
            continue;
        }
        let hidden = (0..columns.len())
            .filter(|&c| compared(c) && !fitted.iter().any(|&(f, _)| f == c))
            .filter(|&c| app.cell(t, item, c) != app.cell(t, other, c))
            .map(|c| columns[c])
            .collect();
        return Some((side, hidden));
    }
    None
}

/// The table's columns as drawn `width` wide for the page of `page` rows from the table's
/// offset: [`table_widths`], except that in local time the Time column is widened for a
/// time shown with its offset.
pub fn drawn_widths(app: &App, width: u16, page: usize) -> Vec<(usize, u16)> {
    let columns = app.columns();
    let mut fitted = table_widths(app, width);
    let t = app.table();
    let find =
        |fitted: &[(usize, u16)], c: Column| fitted.iter().position(|&(i, _)| columns[i] == c);
    // In local time a time the clocks read twice carries its offset (`02:30:00+02`, 22
    // cells): on a page that shows one, the Time column takes the room from the widest of
    // the Account and the Target (at 80 columns both are narrowed beside the Hints), so
    // that the offset telling two such rows apart is never cut.
    let donor = [Column::Account, Column::Target]
        .into_iter()
        .filter_map(|c| find(&fitted, c))
        .max_by_key(|&k| fitted[k].1);
    if let (true, Some(time), Some(account)) = (app.local_time, find(&fitted, Column::Time), donor)
    {
        let widest = (t.offset..t.order.len())
            .take(page)
            .map(|pos| app.cell(t, t.order[pos], fitted[time].0).width())
            .max()
            .unwrap_or(0);
        let extra = u16::try_from(widest)
            .unwrap_or(u16::MAX)
            .saturating_sub(fitted[time].1);
        if extra > 0 && fitted[account].1 > extra + 8 {
            fitted[account].1 -= extra;
            fitted[time].1 += extra;
        }
    }
    fitted
}

/// The ⚠ column's text for the row at `pos`: its own mark (`⚠`, or nothing), with `≠`
/// after it when the row reads like its neighbour in the columns as drawn (`fitted`, from
/// [`drawn_widths`]); a ⚠ row's `≠` only where the column has the room for both.
pub fn flag_text(app: &App, pos: usize, own: String, fitted: &[(usize, u16)]) -> String {
    let columns = app.columns();
    let room = fitted
        .iter()
        .find(|&&(i, _)| columns[i] == Column::Flag)
        .map_or(1, |&(_, w)| usize::from(w));
    if own.width() + MARK.width() > room || reads_like_neighbour_drawn(app, pos, fitted).is_none() {
        return own;
    }
    own + MARK
}

/// The why panel's line for a row that reads like a neighbour.
pub fn explain(app: &App, side: Side, hidden: &[Column], width: u16) -> String {
    let side = match side {
        Side::Above => "above",
        Side::Below => "below",
    };
    let differs = if hidden.is_empty() {
        "in no column: only its events' other fields (open both)".to_owned()
    } else {
        let names: Vec<String> = hidden.iter().map(|&c| app.column_title(c)).collect();
        format!("in {} (not shown at this width)", names.join(", "))
    };
    format!("{MARK} at {width} columns this row reads like the row {side}; it differs {differs}")
}

/// The text as a cell `width` columns wide shows it (cut with `…`).
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}
