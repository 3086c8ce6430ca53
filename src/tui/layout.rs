//! Where everything goes on the screen, from the terminal's size and the state: one
//! function, read both by the renderer (what it draws where) and by navigation (how many
//! rows a page has, when to scroll), so the highlighted row is always one that is drawn.

use ratatui::layout::{Constraint, Layout, Rect};

/// The header: the review counts and the view line.
pub const HEADER_ROWS: u16 = 2;
/// The footer: key hints or a prompt, and the status line.
pub const FOOTER_ROWS: u16 = 2;
/// The event-histogram bars, shown when the screen has at least `BARS_MIN_HEIGHT` rows.
pub const BARS_ROWS: u16 = 2;
pub const BARS_MIN_HEIGHT: u16 = 30;
/// The drill-down puts the why-panel beside the event from this width, below it under.
pub const DRILL_SIDE_BY_SIDE: u16 = 120;
/// The why-panel's height when it is below the event.
pub const WHY_ROWS: u16 = 11;

/// The areas of one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// The event-histogram bars (zero height when not shown).
    pub bars: Rect,
    /// Between the header (and bars) and the footer: the table, or the drill-down; the
    /// lists and help are drawn over it.
    pub body: Rect,
    /// The drill-down's raw event (with its border) and its why-panel.
    pub event: Rect,
    pub why: Rect,
    pub footer: Rect,
}

/// What of the state decides the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub width: u16,
    pub height: u16,
    /// There are event times to draw bars of.
    pub has_histogram: bool,
    /// The drill-down's context panel is open where the why-panel is.
    pub context_open: bool,
}

/// The areas of the screen for a terminal of `shape`'s size.
pub fn layout(shape: Shape) -> Areas {
    let area = Rect::new(0, 0, shape.width, shape.height);
    let bars_rows = if shape.height >= BARS_MIN_HEIGHT && shape.has_histogram {
        BARS_ROWS
    } else {
        0
    };
    let [header, bars, body, footer] = Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Length(bars_rows),
        Constraint::Min(1),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area);
    // Beside the event, the context panel's lines (offset, operation by actor → target,
    // where the record was seen) are longer than most of the event's: it takes the larger
    // share (at 160 columns it had 65, and cut `Reset user password.`; newbie16 #5).
    let event_share = if shape.context_open { 42 } else { 58 };
    let [event, why] = if body.width >= DRILL_SIDE_BY_SIDE {
        Layout::horizontal([
            Constraint::Percentage(event_share),
            Constraint::Percentage(100 - event_share),
        ])
        .areas(body)
    } else {
        Layout::vertical([Constraint::Min(5), Constraint::Length(WHY_ROWS)]).areas(body)
    };
    Areas {
        header,
        bars,
        body,
        event,
        why,
        footer,
    }
}

impl Areas {
    /// Rows of the table drawn below its column titles.
    pub fn table_rows(&self) -> usize {
        usize::from(self.body.height.saturating_sub(1)).max(1)
    }

    /// Lines of the raw event drawn inside its border.
    pub fn event_lines(&self) -> usize {
        usize::from(self.event.height.saturating_sub(2)).max(1)
    }

    /// Lines of the why-panel drawn inside its border.
    pub fn why_lines(&self) -> usize {
        usize::from(self.why.height.saturating_sub(2)).max(1)
    }

    /// Rows of the context panel's timeline (it is drawn where the why-panel is, two lines
    /// at its foot describing the row under the cursor).
    pub fn context_rows(&self) -> usize {
        self.why_lines().saturating_sub(2).max(1)
    }

    /// A list drawn over the body (frequency view, classify like this): its frame for
    /// `rows` entries at most `width` wide.
    pub fn list(&self, width: u16, rows: usize) -> Rect {
        let area = self.body;
        let w = width.min(area.width.saturating_sub(2));
        let h = u16::try_from(rows + 3).unwrap_or(u16::MAX).min(area.height);
        Rect::new(area.x + (area.width - w) / 2, area.y, w, h)
    }

    /// Entries a list shows at once (inside its border, below its column titles).
    pub fn list_rows(&self) -> usize {
        usize::from(self.body.height.saturating_sub(3)).max(1)
    }
}
