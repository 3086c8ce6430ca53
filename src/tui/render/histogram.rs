//! The histogram under the header: the flagged events and the events passed over, as two
//! lines of bars across the loaded time span (made off the screen thread at the load's end).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::tui::app::App;

/// Two lines of bars: flagged events and events passed over, across the loaded time span.
pub(super) fn draw_histogram(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some((_, _, flagged, near, outside)) = &app.histogram else {
        return;
    };
    let label_w = 9usize;
    // Events far from the rest are counted at the ends (`◂1`, `3▸`), the bars between
    // spread over the span where most events are.
    let [before, after] = outside.map(|n| if n == 0 { String::new() } else { n.to_string() });
    let (before, after) = (
        if before.is_empty() {
            before
        } else {
            format!("◂{before} ")
        },
        if after.is_empty() {
            after
        } else {
            format!(" {after}▸")
        },
    );
    let ends = before.chars().count() + after.chars().count();
    let width = usize::from(area.width)
        .saturating_sub(label_w + 1 + ends)
        .max(1);
    let resample = |src: &[u32]| -> Vec<u32> {
        (0..width)
            .map(|i| {
                let a = i * src.len() / width;
                let b = ((i + 1) * src.len() / width).max(a + 1).min(src.len());
                src[a..b].iter().sum()
            })
            .collect()
    };
    let f = resample(flagged);
    let n = resample(near);
    let peak = f.iter().chain(n.iter()).copied().max().unwrap_or(1).max(1);
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let bars = |v: &[u32]| -> String {
        v.iter()
            .map(|&c| {
                if c == 0 {
                    ' '
                } else {
                    let level = (u64::from(c) * 8).div_ceil(u64::from(peak));
                    BARS[usize::try_from(level).unwrap_or(8).clamp(1, 8)]
                }
            })
            .collect()
    };
    let first = Line::from(vec![
        Span::styled(format!("{:<label_w$} ", "flagged"), theme.dim()),
        Span::styled(before.clone(), theme.dim()),
        Span::styled(bars(&f), theme.fg(Color::Red)),
        Span::styled(after, theme.dim()),
    ]);
    let second = Line::from(vec![
        Span::styled(format!("{:<label_w$} ", "passed"), theme.dim()),
        Span::raw(" ".repeat(before.chars().count())),
        Span::styled(bars(&n), theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}
