//! Drawing: a pure function of the state, split by screen (header and bars, table,
//! drill-down, lists, help, footer). Every area comes from the shared layout
//! (`super::layout`), the one navigation scrolls by. Every string from an event was
//! neutralised when it entered the state (item texts, JSON lines); nothing here reads files
//! or the clock except the load's elapsed time for its rate.

mod context;
mod drill;
mod fit;
mod footer;
mod header;
mod header_view;
mod help;
mod histogram;
mod lists;
mod problems;
mod table;
mod why;

use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};

use super::app::{App, Overlay, Prompt};
use super::keymap::Keymap;
use super::layout::{Shape, layout};
use crate::journal::Verdict;

/// Colours, or none at all when NO_COLOR is set.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub(super) fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    pub(super) fn verdict(self, v: Verdict) -> Style {
        match v {
            Verdict::Suspicious => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Verdict::Legitimate => self.fg(Color::Green),
            Verdict::Unreviewed => Style::new(),
        }
    }
    pub(super) fn highlight(self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }
    pub(super) fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
}

pub(super) fn human_bytes(b: u64) -> String {
    let f = b as f64;
    if f >= 1e9 {
        format!("{:.2} GB", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.0} kB", f / 1e3)
    } else {
        format!("{b} B")
    }
}

/// Draws the whole screen, in the areas of the shared layout.
pub fn draw(frame: &mut Frame, app: &App, keymap: &Keymap, theme: Theme) {
    let size = frame.area();
    let areas = layout(Shape {
        width: size.width,
        height: size.height,
        ..app.shape()
    });
    header::draw_header(frame, areas.header, app, keymap, theme);
    if areas.bars.height > 0 {
        histogram::draw_histogram(frame, areas.bars, app, theme);
    }
    // The help draws over the screen it was opened from: the drill-down's, or the table.
    let under = match &app.overlay {
        Overlay::Help {
            previous: Some(p), ..
        } => p.as_ref(),
        o => o,
    };
    match under {
        Overlay::Drill(_) => drill::draw_drill(frame, &areas, app, keymap, theme),
        _ => table::draw_table(frame, areas.body, app, keymap, theme),
    }
    footer::draw_footer(frame, areas.footer, app, keymap, theme);
    match &app.overlay {
        Overlay::Pivot(p) => lists::draw_pivot(frame, &areas, app, p, keymap, theme),
        Overlay::Bulk(b) => lists::draw_bulk(frame, &areas, app, b, keymap, theme),
        Overlay::Help { scroll, .. } => help::draw_help(frame, areas.body, app, keymap, *scroll),
        Overlay::Problems(view) => problems::draw_problems(frame, &areas, view, keymap, theme),
        _ => {}
    }
    if let Some(Prompt::Note {
        input, about, rows, ..
    }) = &app.prompt
    {
        footer::draw_note(frame, areas.body, input, about, rows);
    }
}

/// Blanks the rows an overlay box covers, across the whole screen, before the box is drawn:
/// beside a box narrower than the screen the table's cells (its ⚠ column's `≠` at the right
/// edge, an account's first letters at the left) read as part of the box (newbie14 #3). The
/// table above and below the box stays.
pub(super) fn clear_under(frame: &mut Frame, popup: ratatui::layout::Rect) {
    let screen = frame.area();
    let band = ratatui::layout::Rect {
        x: screen.x,
        width: screen.width,
        ..popup
    }
    .intersection(screen);
    frame.render_widget(ratatui::widgets::Clear, band);
}

/// The style of an actor's kind mark (`U`, `A`…), drawn apart from the event's text: bold
/// cyan, or bold underlined without colour.
pub(super) fn mark_style(theme: Theme) -> Style {
    if theme.color {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

/// Cuts a cell to `width` columns of the screen (a CJK letter or an emoji takes two, a
/// combining mark none), marking the cut with an ellipsis; a wide character that would
/// straddle the cut is left out whole, never split.
pub(super) fn clip(text: String, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text;
    }
    crate::tui::wrap::clip_chars(&text, width)
}
