//! The help screen's text, made from the live keymap when the workbench starts, and where
//! it goes on the screen: one frame, read by the renderer (what it draws) and by navigation
//! (how far a page moves, where the end is), so every line of help can be reached at any
//! terminal size.

use ratatui::layout::Rect;

use crate::tui::action::Intent;
use crate::tui::filter::{SYNTAX, columns_by_kind};
use crate::tui::keymap::{Context, Keymap};
use crate::tui::wrap;

/// One line of the help before wrapping: a title (bold), or a text whose wrapped lines
/// go on under column `hang` (a key's description), or under its indentation plus two.
#[derive(Debug, Clone)]
struct HelpLine {
    bold: bool,
    text: String,
    hang: Option<usize>,
    /// The title of a screen's keys: which screen.
    section: Option<Context>,
}

impl HelpLine {
    fn title(text: impl Into<String>) -> Self {
        Self {
            bold: true,
            text: text.into(),
            hang: None,
            section: None,
        }
    }
    fn plain(text: impl Into<String>) -> Self {
        Self {
            bold: false,
            text: text.into(),
            hang: None,
            section: None,
        }
    }
}

/// The help's text: every key of every screen, then the filter language.
#[derive(Debug, Clone)]
pub struct HelpText {
    lines: Vec<HelpLine>,
}

/// The help as drawn on a body area: its frame, its lines wrapped to the frame's inside
/// (with whether each is a title), and how many show at once.
#[derive(Debug, Clone)]
pub struct HelpFrame {
    pub popup: Rect,
    pub lines: Vec<(bool, String)>,
    /// Lines shown at once (inside the border).
    pub page: usize,
}

impl HelpFrame {
    /// The last first line: the scroll that shows the end of the help.
    pub fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(self.page)
    }
}

impl HelpText {
    /// The help of `keymap`.
    pub fn of(keymap: &Keymap) -> Self {
        Self {
            lines: help_lines(keymap),
        }
    }

    /// The help of the default keymap (a workbench made without one: tests, and the state
    /// before the shell hands it the live keymap).
    pub fn defaults() -> Self {
        Keymap::default_map().map_or(Self { lines: Vec::new() }, |k| Self::of(&k))
    }

    /// Where the help goes over `body`: 2 columns in from each side (100 at most), from
    /// its second row, as tall as its lines or the body allows.
    pub fn frame(&self, body: Rect) -> HelpFrame {
        let w = body.width.saturating_sub(4).min(100);
        let lines = self.wrapped(usize::from(w.saturating_sub(2)));
        let h = body
            .height
            .saturating_sub(2)
            .min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
        HelpFrame {
            popup: Rect::new(body.x + (body.width - w) / 2, body.y + 1, w, h),
            page: usize::from(h.saturating_sub(2)).max(1),
            lines,
        }
    }

    /// The lines wrapped to `width` columns, each with whether it is a title.
    fn wrapped(&self, width: usize) -> Vec<(bool, String)> {
        self.lines
            .iter()
            .flat_map(|l| self::wrapped(l, width).into_iter().map(|p| (l.bold, p)))
            .collect()
    }

    /// The scroll that shows the keys of `context` (its section's title on the help's first
    /// line, or the end where the help ends before): the help opens at the screen it was
    /// asked from (ux16 #5: from the drill-down it showed the table's keys).
    pub fn section_scroll(&self, context: Context, body: Rect) -> usize {
        let frame = self.frame(body);
        let width = usize::from(frame.popup.width.saturating_sub(2));
        let at: usize = self
            .lines
            .iter()
            .take_while(|l| l.section != Some(context))
            .map(|l| self::wrapped(l, width).len())
            .sum();
        at.min(frame.max_scroll())
    }
}

/// One line of help wrapped to `width` columns.
fn wrapped(l: &HelpLine, width: usize) -> Vec<String> {
    match l.hang {
        Some(hang) => wrap::wrap_under(&l.text, width, hang),
        None => wrap::wrap(&l.text, width),
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
            section: None,
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
        lines.push(HelpLine {
            section: Some(context),
            ..HelpLine::title(title)
        });
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
