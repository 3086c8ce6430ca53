//! The drill-down's context panel, drawn where the why-panel is: the timeline of related
//! records around the event (offset, why, operation by actor → target), the row under the
//! cursor described at its foot. The panel's text was neutralised when it was made.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use unicode_width::UnicodeWidthStr;

use super::{Theme, clip};
use crate::tui::app::App;
use crate::tui::context_panel::{ContextPanel, MAX_SHOWN, Moment};
use crate::tui::keymap::{Context, Keymap};
use crate::tui::layout::Areas;

/// Offsets are right-aligned in this many columns (`this event`, `-2 h 05 m`).
const OFFSET_WIDTH: usize = 10;

pub(super) fn draw_context(
    frame: &mut Frame,
    areas: &Areas,
    app: &App,
    p: &ContextPanel,
    keymap: &Keymap,
    theme: Theme,
) {
    let area = areas.why;
    let rows = areas.context_rows();
    let inner_w = usize::from(area.width.saturating_sub(2));
    let opened = p.open.as_ref().map(|o| o.row);
    // Clamped as navigation clamps it, so a box grown since never leaves rows hidden
    // above empty lines.
    let offset = p.first_drawn(rows);
    let mut lines: Vec<Line> = (offset..offset + rows)
        .filter(|&i| i < p.rows.len())
        .map(|i| {
            let t = p.row_text(&app.report, i);
            let mark = if opened == Some(i) { "▶" } else { " " };
            let head = format!("{mark}{:>OFFSET_WIDTH$} {} ", t.offset, t.why);
            let room = inner_w.saturating_sub(head.width());
            let text = format!("{head}{}", t.what_within(room));
            let mut style = match p.rows[i] {
                Moment::Event => theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                Moment::Copies => theme.dim(),
                Moment::Related(_) | Moment::Member { .. } => Style::new(),
            };
            if i == p.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::from(Span::styled(clip(text, inner_w), style))
        })
        .collect();
    if let Some(words) = p.unread {
        lines.push(Line::from(Span::styled(
            clip(format!("{}.", capitalise(words)), inner_w),
            theme.fg(Color::Yellow),
        )));
    } else if p.total == 0 {
        lines.push(Line::from(Span::styled(
            clip(
                "No related record: none shares the event's correlation, target (±24 h) or actor (±1 h).".to_owned(),
                inner_w,
            ),
            theme.dim(),
        )));
    }
    let shown = p
        .rows
        .iter()
        .filter(|m| matches!(m, Moment::Related(_)))
        .count();
    let title = if p.unread.is_some() {
        " context: related records not read · C corr. T target A actor ".to_owned()
    } else if p.total > shown {
        format!(
            " context: {MAX_SHOWN} nearest of {} related · C corr. T target A actor ",
            p.total
        )
    } else {
        format!(
            " context: {} related · C same corr. · T same target · A same actor ",
            p.total
        )
    };
    // A timeline longer than its box says so in its foot, as every list does: the rows
    // past the box are related records an analyst counting lines would miss (newbie14b #2).
    let place = super::lists::place(offset, rows, p.rows.len(), keymap, Context::Drill);
    let foot = if place.is_empty() {
        place
    } else {
        crate::tui::wrap::fit_plain_title(&format!(" {place} "), area.width)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(crate::tui::wrap::fit_plain_title(&title, area.width))
        .title_bottom(foot);
    frame.render_widget(Paragraph::new(lines).block(block), area);
    // The row under the cursor, described at the panel's foot (inside its border).
    let [why, place] = p.detail(&app.report);
    let foot = Rect {
        x: area.x + 1,
        y: area.bottom().saturating_sub(3),
        width: area.width.saturating_sub(2),
        height: 2.min(area.height.saturating_sub(2)),
    };
    let detail = vec![
        Line::from(Span::styled(
            clip(why, inner_w),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(clip(place, inner_w), theme.dim())),
    ];
    frame.render_widget(Paragraph::new(detail), foot);
}

/// `words` with its first letter upper-case (a sentence of its own in the panel).
fn capitalise(words: &str) -> String {
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
