//! The help screen: the help's text (made from the live keymap, held by the state) in the
//! frame navigation scrolls by; its foot says where the page is and that more is below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::tui::action::Intent;
use crate::tui::app::App;
use crate::tui::keymap::{Context, Keymap};

pub(super) fn draw_help(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, scroll: usize) {
    let help = app.help.frame(area);
    let scroll = scroll.min(help.max_scroll());
    let total = help.lines.len();
    let last = (scroll + help.page).min(total);
    let key = |intent| keymap.key_for(Context::Help, intent);
    let closes = key(Intent::Back).map_or_else(String::new, |k| format!(" · {k} closes"));
    // The foot: the lines shown of how many, and whether more is below (with the key that
    // shows it) or this is the end; nothing when everything fits.
    let foot = if total <= help.page {
        String::new()
    } else if last < total {
        let more = [key(Intent::PageDown), key(Intent::MoveDown)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        format!(" ↓ more below ({more}) · {}–{last} of {total} ", scroll + 1)
    } else {
        format!(" end · {}–{last} of {total} ", scroll + 1)
    };
    let lines: Vec<Line> = help
        .lines
        .into_iter()
        .skip(scroll)
        .take(help.page)
        .map(|(bold, text)| {
            let style = if bold {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    super::clear_under(frame, help.popup);
    let p = Paragraph::new(lines).block(
        Block::default()
            .borders(Borders::ALL)
            .title(crate::tui::wrap::fit_plain_title(
                &format!(" help{closes} "),
                help.popup.width,
            ))
            .title_bottom(foot),
    );
    frame.render_widget(p, help.popup);
}
