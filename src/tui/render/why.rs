//! The drill-down's why-panel: the row's hints and the query walked clause by clause, the
//! clause that dropped a near miss marked apart; scrolled by the drill-down's keys in the
//! lines `tui::why::panel_lines` counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::tui::action::Intent;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::why::{WhyKind, panel_lines_decided};

/// What the panel shows: one event of the report, the row's hints, where it is scrolled.
pub(super) struct WhyPanel<'a> {
    pub report: &'a crate::scan::ScanReport,
    pub event: usize,
    pub hints: &'a [String],
    /// The row's note.
    pub note: &'a str,
    /// The journal line outside the hash chain that made the row's decision, if any.
    pub outside_chain: Option<usize>,
    /// What the record shown says of its parties that no export writes (`JsonDoc::notes`).
    pub notes: &'a [String],
    pub scroll: usize,
    pub flagged: bool,
}

pub(super) fn draw_why(
    frame: &mut Frame,
    area: Rect,
    panel: &WhyPanel,
    keymap: &Keymap,
    theme: Theme,
) {
    let width = usize::from(area.width.saturating_sub(2));
    let page = usize::from(area.height.saturating_sub(2)).max(1);
    let lines = panel_lines_decided(
        panel.report,
        panel.event,
        panel.hints,
        panel.note,
        panel.outside_chain,
        panel.notes,
        width,
    );
    let total = lines.len();
    let scroll = panel.scroll.min(total.saturating_sub(page));
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(page)
        .map(|(kind, first, text)| styled(kind, first, text, theme))
        .collect();
    let what = if panel.flagged {
        "why flagged"
    } else {
        "why passed over"
    };
    let title = if total > page {
        let keys = [Intent::WhyDown, Intent::WhyUp]
            .map(|i| keymap.key_for(Context::Drill, i).unwrap_or_default())
            .join("/");
        format!(
            " {what}: lines {}-{} of {total} · {keys} scroll ",
            scroll + 1,
            (scroll + page).min(total)
        )
    } else {
        format!(" {what}: the query, clause by clause ")
    };
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::default()
                .borders(Borders::ALL)
                .title(crate::tui::wrap::fit_plain_title(&title, area.width)),
        ),
        area,
    );
}

fn styled(kind: WhyKind, first: bool, text: String, theme: Theme) -> Line<'static> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    match kind {
        WhyKind::Hint => Line::from(Span::styled(text, theme.fg(Color::Yellow))),
        WhyKind::Parties => Line::from(Span::styled(
            text,
            theme.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )),
        WhyKind::Note => Line::from(Span::styled(text, theme.fg(Color::Magenta))),
        WhyKind::Dropped => Line::from(Span::styled(
            text,
            theme
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )),
        WhyKind::DroppedValue => Line::from(Span::styled(text, theme.fg(Color::Red))),
        WhyKind::Value => Line::from(text),
        WhyKind::Clause(ok) if first => {
            // The mark in its colour, the clause in bold.
            let split = text.char_indices().nth(2).map_or(text.len(), |(i, _)| i);
            let (mark, clause) = text.split_at(split);
            let mark_style = match ok {
                Some(true) => theme.fg(Color::Green),
                Some(false) => theme.fg(Color::Red),
                None => Style::new(),
            };
            Line::from(vec![
                Span::styled(mark.to_owned(), mark_style),
                Span::styled(clause.to_owned(), bold),
            ])
        }
        WhyKind::Clause(_) => Line::from(Span::styled(text, bold)),
    }
}
