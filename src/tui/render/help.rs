//! The help screen, generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::action::Intent;
use crate::tui::filter::{SYNTAX, columns_by_kind};

use crate::tui::keymap::{Context, Keymap};
use crate::tui::wrap;

/// One line of the help before wrapping: a title (bold), or a text whose wrapped lines
/// go on under column `hang` (a key's description), or under its indentation plus two.
struct HelpLine {
    bold: bool,
    text: String,
    hang: Option<usize>,
}

impl HelpLine {
    fn title(text: impl Into<String>) -> Self {
        Self {
            bold: true,
            text: text.into(),
            hang: None,
        }
    }
    fn plain(text: impl Into<String>) -> Self {
        Self {
            bold: false,
            text: text.into(),
            hang: None,
        }
    }
}

/// Rows of "what  meaning", the whats right-aligned in a column as wide as the widest: a
/// meaning too long for the panel wraps under its own start, not under the keys.
fn table(rows: Vec<(String, &str)>) -> Vec<HelpLine> {
    let col = rows
        .iter()
        .map(|(what, _)| what.chars().count())
        .max()
        .unwrap_or(0);
    rows.into_iter()
        .map(|(what, meaning)| HelpLine {
            bold: false,
            text: format!("{what:>col$}  {meaning}"),
            hang: Some(col + 2),
        })
        .collect()
}

fn help_lines(keymap: &Keymap) -> Vec<HelpLine> {
    let mut lines: Vec<HelpLine> = Vec::new();
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
    // One key column for every section, so that the descriptions line up down the screen.
    let col = sections
        .iter()
        .flat_map(|(_, c)| keymap.help(*c))
        .map(|(keys, _)| keys.chars().count())
        .max()
        .unwrap_or(0);
    for (title, context) in sections {
        if !lines.is_empty() {
            lines.push(HelpLine::plain(""));
        }
        lines.push(HelpLine::title(title));
        lines.extend(table(
            keymap
                .help(context)
                .into_iter()
                .map(|(keys, desc)| (format!("{keys:>col$}"), desc))
                .collect(),
        ));
    }
    lines.push(HelpLine::plain(""));
    lines.extend(filter_lines(keymap));
    lines.push(HelpLine::plain(""));
    lines.push(HelpLine::plain(
        "Keys come from the keymap (assets/keymap.toml; --keymap overrides).",
    ));
    lines
}

/// The help's lines wrapped to `width` columns (the inside of its border).
fn wrapped(keymap: &Keymap, width: usize) -> Vec<Line<'static>> {
    help_lines(keymap)
        .into_iter()
        .flat_map(|l| {
            let style = if l.bold {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            let pieces = match l.hang {
                Some(hang) => wrap::wrap_under(&l.text, width, hang),
                None => wrap::wrap(&l.text, width),
            };
            pieces
                .into_iter()
                .map(move |p| Line::from(Span::styled(p, style)))
        })
        .collect()
}

pub(super) fn draw_help(frame: &mut Frame, area: Rect, keymap: &Keymap, scroll: usize) {
    let w = area.width.saturating_sub(4).min(100);
    let lines = wrapped(keymap, usize::from(w.saturating_sub(2)));
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
fn filter_lines(keymap: &Keymap) -> Vec<HelpLine> {
    let key = |intent| keymap.key_for(Context::Table, intent).unwrap_or_default();
    let mut lines = vec![HelpLine::title(format!(
        "Filter language ({} in the table; {} clears; {}: times in UTC / local time, filter too)",
        key(Intent::StartFilter),
        key(Intent::Back),
        key(Intent::ToggleLocalTime),
    ))];
    lines.extend(table(
        SYNTAX
            .iter()
            .map(|(example, meaning)| ((*example).to_owned(), *meaning))
            .collect(),
    ));
    let columns: Vec<String> = columns_by_kind()
        .into_iter()
        .map(|(kind, names)| format!("{kind}: {}", names.join(" ")))
        .collect();
    lines.push(HelpLine::plain(format!(
        "Columns · {}",
        columns.join(" · ")
    )));
    lines
}
