//! The help screen, generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::action::Intent;
use crate::tui::filter::{SYNTAX, columns_by_kind};

use crate::tui::keymap::{Context, Keymap};

pub(super) fn draw_help(frame: &mut Frame, area: Rect, keymap: &Keymap, scroll: usize) {
    let mut lines: Vec<Line> = Vec::new();
    let raw_events = match keymap.key_for(Context::Table, Intent::Open) {
        Some(k) => format!("Raw events ({k} on a row)"),
        None => "Raw events".to_owned(),
    };
    let sections = [
        ("Table (flagged rows and near misses)", Context::Table),
        (raw_events.as_str(), Context::Drill),
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
    lines.extend(filter_lines(keymap));
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Keys come from the keymap (assets/keymap.toml; --keymap overrides).",
    ));
    let w = area.width.saturating_sub(4).min(100);
    let h = area
        .height
        .saturating_sub(2)
        .min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    let closes = keymap
        .key_for(Context::Help, Intent::Back)
        .map_or_else(String::new, |k| format!(" · {k} closes"));
    let popup = Rect::new(area.x + (area.width - w) / 2, area.y + 1, w, h);
    frame.render_widget(Clear, popup);
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((u16::try_from(scroll).unwrap_or(0), 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" help{closes} ")),
        );
    frame.render_widget(p, popup);
}

/// The filter language, from its table (`filter::SYNTAX`) and the columns' kinds; the keys
/// it names from the live keymap.
fn filter_lines(keymap: &Keymap) -> Vec<Line<'static>> {
    let key = |intent| keymap.key_for(Context::Table, intent).unwrap_or_default();
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Filter language ({} in the table; {} clears; {}: times in UTC / local time, filter too)",
            key(Intent::StartFilter),
            key(Intent::Back),
            key(Intent::ToggleLocalTime),
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (example, meaning) in SYNTAX {
        lines.push(Line::from(format!("{example:>26}  {meaning}")));
    }
    let columns: Vec<String> = columns_by_kind()
        .into_iter()
        .map(|(kind, names)| format!("{kind}: {}", names.join(" ")))
        .collect();
    lines.push(Line::from(format!("Columns · {}", columns.join(" · "))));
    lines
}
