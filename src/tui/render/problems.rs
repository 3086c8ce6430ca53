//! The problems view: files read with their problems, files passed over; drawn over the
//! body, in the lines `tui::problems::wrap` counts for scrolling.

use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::tui::action::Intent;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::layout::Areas;
use crate::tui::problems::{self, Kind, ProblemsView};

pub(super) fn draw_problems(
    frame: &mut Frame,
    areas: &Areas,
    view: &ProblemsView,
    keymap: &Keymap,
    theme: Theme,
) {
    let rect = problems::frame(areas);
    let lines = problems::wrap(&view.entries, areas);
    let total = lines.len();
    let page = problems::visible_lines(areas);
    let scroll = view.scroll.min(problems::max_scroll(total, areas));
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(page)
        .map(|(kind, text)| {
            let style = match kind {
                Kind::Heading => Style::new().add_modifier(Modifier::BOLD),
                Kind::File => theme.fg(Color::Cyan),
                Kind::Facts => Style::new(),
                Kind::Problem => theme.fg(Color::Yellow),
                Kind::Warning => theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                Kind::Note => theme.dim(),
            };
            Line::styled(text, style)
        })
        .collect();
    let position = if total > page {
        format!(
            " · lines {}-{} of {total}",
            scroll + 1,
            (scroll + page).min(total)
        )
    } else {
        String::new()
    };
    // The key named as the live keymap binds it.
    let close = keymap
        .key_for(Context::Problems, Intent::Back)
        .map_or_else(String::new, |k| format!(" · {k} closes"));
    let title = format!(" problems{position}{close} ");
    super::clear_under(frame, rect);
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::default()
                .borders(Borders::ALL)
                .title(crate::tui::wrap::fit_plain_title(&title, rect.width)),
        ),
        rect,
    );
}
