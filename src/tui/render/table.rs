//! The table of flagged rows or near misses.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use std::collections::{HashMap, HashSet};

use unicode_width::UnicodeWidthStr;

use super::lists::clip_middle;
use super::{Theme, clip};
use crate::tui::action::Intent;
use crate::tui::app::{App, View};
use crate::tui::columns::Column;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::verdict_filter::VerdictFilter;

fn highlighted_cell(
    app: &App,
    col: usize,
    text: String,
    base: Style,
    theme: Theme,
) -> Cell<'static> {
    Cell::from(Line::from(highlighted_cell_spans(
        app, col, text, base, theme,
    )))
}

/// The spans of a cell's text, the letters a filter term matched highlighted.
fn highlighted_cell_spans(
    app: &App,
    col: usize,
    text: String,
    base: Style,
    theme: Theme,
) -> Vec<Span<'static>> {
    let hits = if app.filter.is_empty() {
        Vec::new()
    } else {
        app.highlights(col, &text)
    };
    if hits.is_empty() {
        return vec![Span::styled(text, base)];
    }
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            let style = if hits.contains(&i) {
                base.patch(theme.highlight())
            } else {
                base
            };
            Span::styled(c.to_string(), style)
        })
        .collect()
}

pub(super) fn draw_table(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: Theme) {
    let key = |intent| keymap.key_for(Context::Table, intent).unwrap_or_default();
    let columns = app.columns();
    let t = app.table();
    // Rows of two lines where a reason is wider than its column (the one layout
    // navigation pages by: `App::page_rows`).
    let lines = crate::tui::alike::lines_per_row(t, area.width);
    let page = (usize::from(area.height.saturating_sub(1)) / lines).max(1);
    let fitted = crate::tui::alike::drawn_widths(app, area.width, page);
    let header_cells = std::iter::once(Cell::from(" ")).chain(fitted.iter().map(|&(i, _)| {
        let arrow = match t.sort {
            Some((c, desc)) if c == i => Some(if desc { "▼" } else { "▲" }),
            _ => None,
        };
        let width = fitted
            .iter()
            .find(|&&(c, _)| c == i)
            .map_or(usize::MAX, |&(_, w)| usize::from(w));
        let title = heading(app, columns[i], width, arrow);
        let mut style = Style::new().add_modifier(Modifier::BOLD);
        if t.focus == i {
            style = style.add_modifier(Modifier::REVERSED);
        }
        Cell::from(title).style(style)
    }));
    let header = Row::new(header_cells);
    let shown = Shown::new(app, &fitted, page);
    let rows = t
        .order
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(page)
        .map(|(pos, &item)| {
            let key = &t.items[item].key;
            let d = app.decision(key);
            let selected = t.selected.contains(&item);
            // Events joined the row since its verdict: `+` in the gutter, `legit +1` in
            // the Verdict cell (the verdict covers events the analyst never saw).
            let joined = match app.view {
                View::Findings => app.new_events(key),
                View::NearMisses => None,
            };
            let gutter = if selected {
                "●"
            } else if app.unsaved.contains(key) {
                "!"
            } else if joined.is_some() {
                "+"
            } else if pos + 1 == t.offset + page && pos + 1 < t.order.len() {
                // Rows below the last one drawn (at 60x20 the samples' 16th row was
                // below with no mark; newbie16 #6), as the lists say `↓ more below`.
                "↓"
            } else if pos == t.offset && pos > 0 {
                "↑"
            } else {
                " "
            };
            let cells =
                std::iter::once(Cell::from(gutter)).chain(fitted.iter().map(|&(col, width)| {
                    let text = match (columns[col], joined) {
                        (Column::Verdict, Some((then, now))) => {
                            let short = match d.verdict {
                                crate::journal::Verdict::Suspicious => "susp",
                                crate::journal::Verdict::Legitimate => "legit",
                                crate::journal::Verdict::Unreviewed => "",
                            };
                            // Never cut (`legit +17…` hid 1718): compact where needed.
                            crate::tui::count::verdict_with_new(
                                short,
                                now - then,
                                usize::from(width),
                            )
                        }
                        // A row that reads like its neighbour at this width: `≠` in the ⚠
                        // column, after the ⚠ of a row marked so (`⚠≠`).
                        (Column::Flag, _) => {
                            crate::tui::alike::flag_text(app, pos, app.cell(t, item, col), &fitted)
                        }
                        _ => app.cell(t, item, col),
                    };
                    if columns[col] == Column::Actor {
                        return actor_cell(app, item, col, text, width, &shown, theme);
                    }
                    if columns[col] == Column::Reason && lines > 1 {
                        return reason_cell(app, col, &text, usize::from(width), lines, theme);
                    }
                    let text = match columns[col] {
                        // An IPv6 address cut at its end (`2001:db8:4a7::…`) reads as another
                        // valid address once the `…` is overlooked: cut in its middle, both
                        // ends kept (`2001:db8…a7::1f`), which reads as none.
                        Column::Ip if text.contains(':') => clip_middle(&text, usize::from(width)),
                        _ => shown.cut(col, text, usize::from(width)),
                    };
                    let base = match columns[col] {
                        Column::Verdict if joined.is_some() => theme
                            .verdict(d.verdict)
                            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                        Column::Verdict => theme.verdict(d.verdict),
                        Column::Flag => theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                        Column::Added | Column::Remaining => Style::new(),
                        _ => Style::new(),
                    };
                    highlighted_cell(app, col, text, base, theme)
                }));
            let mut style = Style::new();
            if pos == t.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Row::new(cells).style(style).height(lines as u16)
        });
    let widths: Vec<Constraint> = std::iter::once(Constraint::Length(1))
        .chain(fitted.iter().map(|&(_, w)| Constraint::Length(w)))
        .collect();
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, area);
    if t.order.is_empty() {
        let msg = if let Some((tested, total)) = t.filtering() {
            format!("filtering… {tested} of {total} rows tested")
        } else if !app.loading.done {
            "reading…".to_owned()
        } else if t.items.is_empty() {
            match app.view {
                // Sent to the near misses only when there are some to see.
                View::Findings => match app.report.near_misses.len() {
                    0 => "The query returns no rows on these files, and passed over no STS event: no near misses either.".to_owned(),
                    n => format!(
                        "The query returns no rows on these files. Press {} for the {n} near miss{}.",
                        key(Intent::ToggleNearMisses),
                        if n == 1 { "" } else { "es" }
                    ),
                },
                View::NearMisses => "No STS events were passed over.".to_owned(),
            }
        } else {
            match app.prompt_error() {
                // The rows are the last readable filter's while a term being typed is wrong.
                Some(_) => "No row matches the filter applied (the header's); the term being typed is wrong (see below).".to_owned(),
                None => no_row_shown(app, &key),
            }
        };
        // Wrapped: a narrow screen shows the whole message.
        let y = area.y + 2.min(area.height.saturating_sub(1));
        let r = Rect {
            y,
            height: (area.bottom() - y).min(3),
            ..area
        };
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            r,
        );
    }
}

/// A column's heading within `width` columns, the sort `arrow` after it. The Account
/// (AccountDisplayName) is the actor's display name: `Account (actor)` where it fits, so
/// that it is not read as whose tokens changed (newbie16 #2; narrower, the Target beside
/// it says whose). Other titles are cut with `…` as the cells are (a long zone name in the
/// Time column's title); beside the arrow, which stays, the arrow marks the cut instead
/// (`Remainin▲`: `Remaini…▲` kept one letter less).
fn heading(app: &App, column: Column, width: usize, arrow: Option<&str>) -> String {
    let room = width.saturating_sub(usize::from(arrow.is_some()));
    let title = match column {
        Column::Account => ACCOUNT_HEADINGS
            .iter()
            .find(|h| h.width() <= room)
            .map_or(ACCOUNT_HEADINGS[1], |h| h)
            .to_owned(),
        c => app.column_title(c),
    };
    let mut title = match arrow {
        Some(_) if title.width() > room => {
            // Cut to `room` columns without the `…` (the last character of a cut to one
            // more column).
            let mut cut = crate::tui::wrap::clip_chars(&title, room + 1);
            cut.pop();
            cut
        }
        _ => clip(title, room),
    };
    title.push_str(arrow.unwrap_or_default());
    title
}

/// The Account column's headings, longest first ([`heading`]).
const ACCOUNT_HEADINGS: [&str; 2] = ["Account (actor)", "Account"];

/// Why no row of a table that has rows is shown, naming what hides them and the key that
/// shows them again: the frequency view's value and the filter (`Esc` clears them, the
/// value first) or the verdict view (`v`; a newcomer was told to clear a filter that was
/// not there).
fn no_row_shown(app: &App, key: &dyn Fn(Intent) -> String) -> String {
    let back = key(Intent::Back);
    let cycle = key(Intent::CycleVerdictFilter);
    let mut hiding = Vec::new();
    if app.pivot_filter.is_some() {
        hiding.push("the frequency view's value");
    }
    if !app.filter.is_empty() {
        hiding.push("the filter");
    }
    let view = app.verdict_filter;
    // Presses of `v` from this verdict view back to all rows.
    let mut presses = 0;
    let mut next = view;
    while next != VerdictFilter::All {
        presses += 1;
        next = next.next();
    }
    let press = match presses {
        1 => format!("press {cycle} for all rows"),
        n => format!("press {cycle} {n} times for all rows"),
    };
    let label = view.label();
    // A `col:` term on a column this table lacks keeps no row here: named.
    let absent = crate::tui::filter::absent_columns(&app.filter, &app.zone(), app.columns());
    match (hiding.as_slice(), presses) {
        ([], 0) => "No row to show.".to_owned(),
        ([], _) => format!("No row in the verdict view `{label}`: {press}."),
        (["the filter"], 0) if !absent.is_empty() => format!(
            "No row matches the filter: {} have no {} column; {back} clears it.",
            match app.view {
                View::Findings => "flagged rows",
                View::NearMisses => "near misses",
            },
            absent
                .iter()
                .map(|c| c.title())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        ([one], 0) => format!("No row matches {one}; {back} clears it."),
        ([one], _) => format!(
            "No row matches {one} in the verdict view `{label}`; {back} clears {one}, or {press}."
        ),
        (_, 0) => format!(
            "No row matches the frequency view's value and the filter; {back} clears the value, then the filter."
        ),
        (_, _) => format!(
            "No row matches the frequency view's value and the filter in the verdict view `{label}`; {back} clears the value, then the filter, or {press}."
        ),
    }
}

/// A Reason cell on `lines` lines of `width` columns: wrapped at its words, the last line
/// cut with `…` where even they do not hold it (a reason behind `[decide again: id shared]`).
fn reason_cell(
    app: &App,
    col: usize,
    text: &str,
    width: usize,
    lines: usize,
    theme: Theme,
) -> Cell<'static> {
    // Under its start: the row's other cells leave the line below empty, and two cells of
    // indentation would cut a field path that fits (`ExtendedProperties[2].Value (…)`).
    let mut wrapped = crate::tui::wrap::wrap_under(text, width, 0);
    if wrapped.len() > lines {
        let rest: Vec<String> = wrapped.split_off(lines - 1);
        let rest: Vec<&str> = rest.iter().map(|l| l.trim_start()).collect();
        wrapped.push(clip(rest.join(" "), width));
    }
    let text: Vec<Line> = wrapped
        .into_iter()
        .map(|l| Line::from(highlighted_cell_spans(app, col, l, Style::new(), theme)))
        .collect();
    Cell::from(ratatui::text::Text::from(text))
}

/// The room the Actor column leaves its text: its kind mark and a space come first.
const MARK_ROOM: usize = 2;

/// How the page's Target and Actor cells are cut: at their end, unless two different
/// principals on the page would then read the same (`Microsoft Graph (00000003-…` for the
/// real Microsoft Graph and an app named after it): those are cut in their middle, their
/// ends kept (the id an app's `name (id)` ends with, a UPN's domain).
struct Shown {
    /// Per column (index in the view), the end-cut forms that two principals share.
    clash: HashMap<usize, HashSet<String>>,
}

impl Shown {
    fn new(app: &App, fitted: &[(usize, u16)], page: usize) -> Self {
        let t = app.table();
        let columns = app.columns();
        let mut clash = HashMap::new();
        for &(col, width) in fitted {
            let room = match columns[col] {
                Column::Actor => usize::from(width).saturating_sub(MARK_ROOM),
                Column::Target => usize::from(width),
                _ => continue,
            };
            // Each end-cut form with the first principal (kind mark and whole text) seen
            // under it; a second principal under it marks a clash.
            let mut seen: HashMap<String, (char, String)> = HashMap::new();
            let mut shared = HashSet::new();
            for &item in t.order.iter().skip(t.offset).take(page) {
                let text = app.cell(t, item, col);
                let mark = match columns[col] {
                    Column::Actor => t.items[item].actor.glyph(),
                    _ => ' ',
                };
                if is_summary(&text) {
                    // Cut by names, never in its middle: see `clip_summary`.
                    continue;
                }
                let cut = clip(text.clone(), room);
                match seen.get(&cut) {
                    Some(first) if *first != (mark, text.clone()) => {
                        shared.insert(cut);
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(cut, (mark, text));
                    }
                }
            }
            clash.insert(col, shared);
        }
        Self { clash }
    }

    /// Cell `text` of column `col` cut to `room` columns of the screen.
    fn cut(&self, col: usize, text: String, room: usize) -> String {
        if let Some(summary) = clip_summary(&text, room) {
            return summary;
        }
        let end_cut = clip(text.clone(), room);
        match self.clash.get(&col) {
            Some(shared) if shared.contains(&end_cut) => clip_middle(&text, room),
            _ => end_cut,
        }
    }
}

/// The Actor cell: the kind mark we draw (`U` user, `A` app, `N` app without id, `?` none,
/// `*` several kinds; see `ActorMark`), styled apart, then the actor's text cut to the rest.
fn actor_cell(
    app: &App,
    item: usize,
    col: usize,
    text: String,
    width: u16,
    shown: &Shown,
    theme: Theme,
) -> Cell<'static> {
    let t = app.table();
    let mark = t.items[item].actor;
    let text = shown.cut(col, text, usize::from(width).saturating_sub(MARK_ROOM));
    let mut spans = vec![
        Span::styled(mark.glyph().to_string(), super::mark_style(theme)),
        Span::raw(" "),
    ];
    spans.extend(highlighted_cell_spans(app, col, text, Style::new(), theme));
    Cell::from(Line::from(spans))
}

/// The count and the names of a cell summing several parties up (`12 users: a@…, b@…`,
/// `2 actors: …`, as `items::parties_cell` writes it), or `None` for any other cell.
fn summary_parts(text: &str) -> Option<(&str, &str)> {
    let (label, names) = text.split_once(": ")?;
    let (count, noun) = label.split_once(' ')?;
    let several = count.parse::<usize>().is_ok_and(|n| n > 1);
    (several && matches!(noun, "users" | "actors")).then_some((label, names))
}

fn is_summary(text: &str) -> bool {
    summary_parts(text).is_some()
}

/// A summary cell (`12 users: a@contoso.com, b@contoso.com, …`) cut to `width` columns: the
/// count always whole, then as many whole names as fit, `…` where the rest is left out (the
/// first name cut at its end when no whole one fits). A cut in the middle would read
/// `12 user…onmicrosoft.com`, naming nobody and not even the count. `None` for other cells.
fn clip_summary(text: &str, width: usize) -> Option<String> {
    let (label, names) = summary_parts(text)?;
    if text.width() <= width {
        return Some(text.to_owned());
    }
    if label.width() + 1 >= width {
        return Some(clip(label.to_owned(), width));
    }
    let mut out = label.to_owned();
    let mut shown = 0;
    for name in names.split(", ") {
        let sep = if shown == 0 { ": " } else { ", " };
        // Room kept for `, …` after it: the whole text does not fit, so a name is left out.
        if out.width() + sep.width() + name.width() + 3 > width {
            break;
        }
        out.push_str(sep);
        out.push_str(name);
        shown += 1;
    }
    if shown == 0 {
        // No whole name fits: the first one, cut at its end.
        let first = names.split(", ").next().unwrap_or_default();
        return Some(clip(format!("{out}: {first}"), width));
    }
    out.push_str(", …");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::clip_summary;

    #[test]
    fn a_summary_keeps_its_count_and_whole_names() {
        let cell = "12 users: adele.vance@contoso.com, alex.wilber@contoso.com, megan@contoso.com";
        assert_eq!(
            clip_summary(cell, 61).as_deref(),
            Some("12 users: adele.vance@contoso.com, alex.wilber@contoso.com, …")
        );
        assert_eq!(
            clip_summary(cell, 40).as_deref(),
            Some("12 users: adele.vance@contoso.com, …")
        );
        assert_eq!(
            clip_summary(cell, 23).as_deref(),
            Some("12 users: adele.vance@…")
        );
        assert_eq!(clip_summary(cell, 9).as_deref(), Some("12 users"));
        assert_eq!(clip_summary("victim@contoso.com", 9), None);
        assert_eq!(clip_summary("1 users: x", 5), None);
    }
}
