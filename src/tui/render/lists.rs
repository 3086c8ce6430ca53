//! The lists over the table: the frequency view and classify like this.

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Theme, clip};
use crate::journal::Verdict;
use crate::tui::action::Intent;
use crate::tui::app::{App, Bulk, Pivot};
use crate::tui::columns::{Column, finding};
use crate::tui::keymap::{Context, Keymap};
use crate::tui::layout::Areas;
use crate::tui::overlay::{Candidate, Link};

pub(super) fn draw_pivot(
    frame: &mut Frame,
    areas: &Areas,
    app: &App,
    p: &Pivot,
    keymap: &Keymap,
    theme: Theme,
) {
    let name = app
        .columns()
        .get(p.column)
        .map_or_else(String::new, |&c| app.column_title(c));
    let name = name.as_str();
    // As wide as the longest value needs, up to the screen's width: two principals that
    // differ only after 44 characters (`…onmicrosoft.com` and `…onmicrosoft.com.evil.example`)
    // read whole wherever the screen has the room.
    let counts = COUNT_COLUMNS.iter().map(|(_, w)| w + 1).sum::<usize>();
    // The Actor column's kind mark (ours, drawn apart) and a space before each value.
    let marked = p.rows.iter().any(|r| r.kind.is_some());
    let mark_w = if marked { 2 } else { 0 };
    let longest = p
        .rows
        .iter()
        .map(|r| r.value.width() + mark_w)
        .chain([name.chars().count(), "(empty)".len(), 44])
        .max()
        .unwrap_or(44);
    let want = u16::try_from(longest + counts + 2)
        .unwrap_or(u16::MAX)
        .max(90);
    let rect = areas.list(want, p.rows.len());
    let visible = usize::from(rect.height.saturating_sub(3));
    let start = p.cursor.saturating_sub(visible.saturating_sub(1));
    // The counts keep their width; the value takes what is left, so that every count is on
    // screen at 80 columns and at 60.
    let vw = usize::from(rect.width.saturating_sub(2))
        .saturating_sub(counts)
        .clamp(8, longest);
    let room = vw.saturating_sub(mark_w);
    // A value too long is cut at its end, as the table's cells are, unless that makes it
    // read as another value cut so: then both are cut in their middle, their ends kept
    // (`helpdesk.ad…rosoft.com.evil.example`, `helpdesk.ad…contoso.onmicrosoft.com`).
    let mut cut_forms: std::collections::HashMap<(Option<char>, String), usize> =
        std::collections::HashMap::new();
    let glyph = |r: &crate::tui::overlay::PivotRow| r.kind.map(|k| k.glyph());
    for r in &p.rows {
        *cut_forms
            .entry((glyph(r), clip_end(&r.value, room)))
            .or_default() += 1;
    }
    let cut = |r: &crate::tui::overlay::PivotRow| {
        let end_cut = clip_end(&r.value, room);
        if cut_forms
            .get(&(glyph(r), end_cut.clone()))
            .is_some_and(|n| *n > 1)
        {
            clip_middle(&r.value, room)
        } else {
            end_cut
        }
    };
    let [(rows, rw), (unrev, uw), (susp, sw), (legit, lw)] = COUNT_COLUMNS;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<vw$} {rows:>rw$} {unrev:>uw$} {susp:>sw$} {legit:>lw$}",
            clip(name.to_owned(), vw)
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (i, row) in p.rows.iter().enumerate().skip(start).take(visible) {
        let value = if row.value.is_empty() {
            "(empty)".to_owned()
        } else {
            cut(row)
        };
        // Padded by the columns it takes on screen (a CJK letter two, a combining mark none).
        let value = format!("{value}{}", " ".repeat(room.saturating_sub(value.width())));
        let mut spans = Vec::new();
        if marked {
            let mark = row.kind.unwrap_or_default();
            spans.push(Span::styled(
                mark.glyph().to_string(),
                super::mark_style(theme),
            ));
            spans.push(Span::raw(" "));
        }
        spans.extend(vec![
            Span::raw(format!(
                "{value} {:>rw$} {:>uw$} ",
                row.count, row.by_verdict[0]
            )),
            Span::styled(
                format!("{:>sw$} ", row.by_verdict[1]),
                theme.verdict(Verdict::Suspicious),
            ),
            Span::styled(
                format!("{:>lw$}", row.by_verdict[2]),
                theme.verdict(Verdict::Legitimate),
            ),
        ]);
        let mut line = Line::from(spans);
        if i == p.cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    super::clear_under(frame, rect);
    let key = |intent| keymap.key_for(Context::List, intent).unwrap_or_default();
    // Counts of the rows shown only: said, with what hides the others (newbie13b #5).
    let (counted, of, by) = &p.counted;
    let over = if by.is_empty() {
        String::new()
    } else {
        format!(
            " in {} of {} rows ({by})",
            crate::model::thousands(*counted as u64),
            crate::model::thousands(*of as u64)
        )
    };
    let title = format!(
        " frequency of {name} · {}{over} · {} filters to one · {} closes ",
        crate::tui::count::count(p.rows.len(), "value"),
        key(Intent::Open),
        key(Intent::Back),
    );
    // Counts that add up to more than the rows shown say why.
    let several = match p.several {
        0 => String::new(),
        1 => "1 row holds several values: it counts under each".to_owned(),
        n => format!("{n} rows hold several values: each counts under each"),
    };
    let place = place(start, visible, p.rows.len(), keymap, Context::List);
    let foot = [place, several]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let foot = if foot.is_empty() {
        foot
    } else {
        crate::tui::wrap::fit_plain_title(&format!(" {foot} "), rect.width)
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(crate::tui::wrap::fit_plain_title(&title, rect.width))
                .title_bottom(foot),
        ),
        rect,
    );
}

/// Where a list longer than its box is, as the help says it: more below, with the key that
/// shows it, or the end; and which lines are shown of how many (`↓ more below (j) · 1–38 of
/// 1,882`). Empty when the whole list is shown. `screen` is where the key is looked up (the
/// context panel's is the drill-down's).
pub(super) fn place(
    start: usize,
    visible: usize,
    total: usize,
    keymap: &Keymap,
    screen: Context,
) -> String {
    use crate::model::thousands;
    let last = (start + visible).min(total);
    let shown = format!(
        "{}–{} of {}",
        thousands(start as u64 + 1),
        thousands(last as u64),
        thousands(total as u64)
    );
    if total <= visible {
        String::new()
    } else if last < total {
        let more = keymap
            .key_for(screen, Intent::MoveDown)
            .map_or_else(String::new, |k| format!(" ({k})"));
        format!("↓ more below{more} · {shown}")
    } else {
        format!("end · {shown}")
    }
}

/// `text` cut to `width` columns of the screen in its middle, an ellipsis marking the cut:
/// its start and its end (two thirds of what is kept) stay, so that
/// `admin@contoso.onmicrosoft.com` and `admin@contoso.onmicrosoft.com.evil.example` never
/// read the same when cut. Columns, not characters: a CJK letter takes two, a combining
/// mark none.
pub(super) fn clip_middle(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let kept = width.saturating_sub(1);
    let tail_room = kept - kept / 3;
    let mut end: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        used += w;
        end.push(c);
    }
    let mut head = String::new();
    let mut head_used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if head_used + w > kept - used {
            break;
        }
        head_used += w;
        head.push(c);
    }
    let end: String = end.into_iter().rev().collect();
    format!("{head}…{end}")
}

/// `text` cut to `width` columns of the screen at its end, an ellipsis marking the cut.
fn clip_end(text: &str, width: usize) -> String {
    clip(text.to_owned(), width)
}

/// The frequency view's count columns: title and width.
const COUNT_COLUMNS: [(&str, usize); 4] = [
    ("rows", 7),
    ("unreviewed", 10),
    ("suspicious", 10),
    ("legitimate", 10),
];

pub(super) fn draw_bulk(
    frame: &mut Frame,
    areas: &Areas,
    app: &App,
    b: &Bulk,
    keymap: &Keymap,
    theme: Theme,
) {
    let rect = areas.list(140, b.candidates.len());
    let inner = usize::from(rect.width.saturating_sub(2));
    // Columns in the order they give way: the time (as the table shows it, in its zone),
    // the link and the account stay; on a narrow screen the link, then the account, narrow.
    let time_title = app.column_title(Column::Time);
    let mut fields: Vec<(&str, usize)> = vec![(&time_title, 19), ("Account", 24), ("Link", 36)];
    for (name, w) in [("Hints", 12), ("Role", 14), ("IP", 15), ("ISP", 16)] {
        let used: usize = 4 + fields.iter().map(|(_, w)| w + 1).sum::<usize>();
        if used + w < inner {
            fields.push((name, w));
        }
    }
    let used: usize = 4 + fields.iter().map(|(_, w)| w + 1).sum::<usize>();
    if used <= inner {
        fields[1].1 += inner - used;
    } else {
        let over = used - inner;
        let link = over.min(fields[2].1 - 16);
        fields[2].1 -= link;
        fields[1].1 -= (over - link).min(fields[1].1 - 8);
    }
    let cell = |name: &str, c: &Candidate| -> String {
        let it = &app.findings.items[c.item];
        let col = |k: Column| it.cells[finding(k)].to_owned();
        match name {
            _ if name == time_title => app.cell(&app.findings, c.item, finding(Column::Time)),
            "Account" => col(Column::Account),
            "Role" => col(Column::Role),
            "IP" => col(Column::Ip),
            "ISP" => col(Column::Isp),
            "Hints" => col(Column::Hint),
            _ => {
                // First, so that a narrow list keeps it: one of the two may be forged.
                let mut why = if c.contested {
                    format!("⚠ conflict · same {}", c.link.label())
                } else {
                    format!("same {}", c.link.label())
                };
                if matches!(c.link, Link::Ip | Link::Isp) {
                    why.push_str(" only");
                }
                if !c.extra_hints.is_empty() {
                    why.push_str(&format!(", more hints: {}", c.extra_hints.join(" ")));
                }
                why
            }
        }
    };
    let visible = usize::from(rect.height.saturating_sub(3));
    let start = b.cursor.saturating_sub(visible.saturating_sub(1));
    let head: String = fields
        .iter()
        // Titles cut as the cells are (`Time (Europe/Berli…`), so the columns stay aligned.
        .map(|(n, w)| format!("{:<w$}", clip((*n).to_owned(), *w), w = *w))
        .collect::<Vec<_>>()
        .join(" ");
    let mut lines = vec![Line::from(Span::styled(
        format!("    {head}"),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (i, c) in b.candidates.iter().enumerate().skip(start).take(visible) {
        let text: String = fields
            .iter()
            .map(|(n, w)| {
                let v = clip(cell(n, c), *w);
                let pad = w.saturating_sub(v.width());
                format!("{v}{}", " ".repeat(pad))
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mut line = Line::from(format!("{} {text}", if c.ticked { "[x]" } else { "[ ]" }));
        if c.link != Link::Account || !c.extra_hints.is_empty() {
            line = line.style(theme.dim());
        }
        if i == b.cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    super::clear_under(frame, rect);
    let ticked = b.candidates.iter().filter(|c| c.ticked).count();
    let [account, upn, ip, isp] = b.counts();
    let upn = match upn {
        0 => String::new(),
        n => format!(" · same UPN, another object id {n}"),
    };
    let key = |intent| keymap.key_for(Context::List, intent).unwrap_or_default();
    let title = format!(
        " classify like {}: mark {} {} · same account {account}{upn} · IP only {ip} · ISP only {isp} · {} ticks · {} all · {} none · {} applies (one undo) · {} cancels ",
        clip(b.source.clone(), 30),
        crate::tui::count::count(ticked, "row"),
        b.verdict.label(),
        key(Intent::ToggleSelect),
        key(Intent::TickAll),
        key(Intent::UntickAll),
        key(Intent::Open),
        key(Intent::Back),
    );
    // Where the list is, as the frequency view and the help say it (newbie13b #3: the
    // ticked row on page 6 of 1,882, nothing saying there were pages).
    let foot = place(start, visible, b.candidates.len(), keymap, Context::List);
    let foot = if foot.is_empty() {
        foot
    } else {
        crate::tui::wrap::fit_plain_title(&format!(" {foot} "), rect.width)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(crate::tui::wrap::fit_plain_title(&title, rect.width))
        .title_bottom(foot)
        .border_style(theme.verdict(b.verdict));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cut by the screen's columns: a CJK letter takes two, a combining mark none, and the
    /// end is kept.
    #[test]
    fn a_value_is_cut_in_its_middle_by_screen_columns() {
        let evil = "helpdesk.admin.tier0.operations@contoso.onmicrosoft.com.evil.example";
        let cut = clip_middle(evil, 37);
        assert_eq!(cut.width(), 37);
        assert!(cut.ends_with("com.evil.example"), "{cut}");
        assert!(cut.starts_with("helpdesk.ad"), "{cut}");
        let han = "管理者管理者管理者管理者管理者@contoso.com";
        let cut = clip_middle(han, 20);
        assert!(cut.width() <= 20, "{cut}");
        assert!(cut.ends_with("@contoso.com"), "{cut}");
        let marks = format!("a\u{301}dmin{}@contoso.com", "\u{336}".repeat(60));
        assert_eq!(clip_middle(&marks, 20), marks, "18 columns fit whole");
    }
}
