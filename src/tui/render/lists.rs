//! The lists over the table: the frequency view and classify like this.

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Theme, clip};
use crate::journal::Verdict;
use crate::tui::app::{App, Bulk, Pivot};
use crate::tui::columns::{Column, finding};
use crate::tui::layout::Areas;

pub(super) fn draw_pivot(frame: &mut Frame, areas: &Areas, app: &App, p: &Pivot, theme: Theme) {
    let name = app.columns().get(p.column).map_or("", |c| c.title());
    let rect = areas.list(90, p.rows.len());
    let visible = usize::from(rect.height.saturating_sub(3));
    let start = p.cursor.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<44} {:>7} {:>10} {:>10} {:>10}",
            name, "rows", "unreviewed", "suspicious", "legitimate"
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (i, row) in p.rows.iter().enumerate().skip(start).take(visible) {
        let value = if row.value.is_empty() {
            "(empty)".to_owned()
        } else {
            clip(row.value.clone(), 44)
        };
        let mut line = Line::from(vec![
            Span::raw(format!(
                "{value:<44} {:>7} {:>10} ",
                row.count, row.by_verdict[0]
            )),
            Span::styled(
                format!("{:>10} ", row.by_verdict[1]),
                theme.verdict(Verdict::Suspicious),
            ),
            Span::styled(
                format!("{:>10}", row.by_verdict[2]),
                theme.verdict(Verdict::Legitimate),
            ),
        ]);
        if i == p.cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    frame.render_widget(Clear, rect);
    let title = format!(
        " frequency of {name} · {} values · Enter filters to one · Esc closes ",
        p.rows.len()
    );
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

pub(super) fn draw_bulk(frame: &mut Frame, areas: &Areas, app: &App, b: &Bulk, theme: Theme) {
    let rect = areas.list(110, b.candidates.len());
    let visible = usize::from(rect.height.saturating_sub(3));
    let start = b.cursor.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![Line::from(Span::styled(
        format!("    {:<40} {:<16} {:<18} {}", "Account", "IP", "ISP", "why"),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (i, (item, why, ticked)) in b.candidates.iter().enumerate().skip(start).take(visible) {
        let it = &app.findings.items[*item];
        let mut line = Line::from(format!(
            "{} {:<40} {:<16} {:<18} {}",
            if *ticked { "[x]" } else { "[ ]" },
            clip(it.cells[finding(Column::Account)].clone(), 40),
            clip(it.cells[finding(Column::Ip)].clone(), 16),
            clip(it.cells[finding(Column::Isp)].clone(), 18),
            why
        ));
        if i == b.cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    frame.render_widget(Clear, rect);
    let ticked = b.candidates.iter().filter(|c| c.2).count();
    let title = format!(
        " classify like {}: mark {ticked} row(s) {} · Space unticks · Enter applies (one undo) · Esc cancels ",
        clip(b.source.clone(), 30),
        b.verdict.label()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.verdict(b.verdict));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
