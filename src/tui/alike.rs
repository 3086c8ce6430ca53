//! Rows that read alike on a narrow screen. At 60 to 80 columns the IP, Proxy, Source and
//! Hints columns give way, and two rows that differ only there (an event's conflicting copy,
//! kept as an event of its own, with `IsAnonymousProxy` set) read the same: the analyst could
//! decide one believing it is the other. Such a row gets `≠` in the ⚠ column, and its
//! drill-down's why panel says which hidden columns differ (newbie2 #5).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::App;
use super::columns::{self, Column};

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
    let t = app.table();
    let columns = app.columns();
    let item = *t.order.get(pos)?;
    let fitted = columns::fit(columns, width);
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
