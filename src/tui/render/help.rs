//! The help screen, generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::keymap::{Context, Keymap};

pub(super) fn draw_help(frame: &mut Frame, area: Rect, keymap: &Keymap, scroll: usize) {
    let mut lines: Vec<Line> = Vec::new();
    let sections = [
        ("Table (flagged rows and near misses)", Context::Table),
        ("Raw events (Enter on a row)", Context::Drill),
        ("Lists (frequency view, classify like this)", Context::List),
        ("Problems (files read and passed over)", Context::Problems),
        ("Help", Context::Help),
    ];
    for (title, context) in sections {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        )));
        lines.extend(
            keymap
                .help(context)
                .into_iter()
                .map(|(keys, desc)| Line::from(format!("{keys:>18}  {desc}"))),
        );
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Filter: words match fuzzily within a cell; col:text in one column (ip:203.0);",
    ));
    lines.push(Line::from(
        "        !text excludes rows containing text; after:2021-03-01 before:2021-03-02T10:00",
    ));
    lines.push(Line::from("        keep a time window. Esc clears."));
    lines.push(Line::from(
        "Keys come from the keymap (assets/keymap.toml; --keymap overrides).",
    ));
    let w = area.width.saturating_sub(4).min(100);
    let h = area
        .height
        .saturating_sub(2)
        .min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    let popup = Rect::new(area.x + (area.width - w) / 2, area.y + 1, w, h);
    frame.render_widget(Clear, popup);
    let p = Paragraph::new(lines)
        .scroll((u16::try_from(scroll).unwrap_or(0), 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" help · Esc closes "),
        );
    frame.render_widget(p, popup);
}
