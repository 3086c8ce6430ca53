//! The footer: key hints from the live keymap or the prompt being typed, and the status
//! line; and the note editor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use tui_input::Input;

use super::Theme;
use crate::tui::action::Intent;
use crate::tui::app::{App, Overlay, Prompt};
use crate::tui::keymap::{Context, Keymap, PROMPT_CANCEL, PROMPT_SUBMIT};

pub(super) fn draw_footer(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: Theme) {
    let first = Rect { height: 1, ..area };
    let second = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    match &app.prompt {
        Some(Prompt::Filter(input)) | Some(Prompt::Search(input)) => {
            let is_filter = matches!(app.prompt, Some(Prompt::Filter(_)));
            let label = if is_filter {
                keymap
                    .key_for(Context::Table, Intent::StartFilter)
                    .unwrap_or_else(|| "filter: ".to_owned())
            } else {
                "search: ".to_owned()
            };
            let count = if is_filter {
                let t = app.table();
                match t.filtering() {
                    Some((tested, total)) => format!("   filtering… {tested} of {total}"),
                    None => format!("   {} of {}", t.order.len(), t.items.len()),
                }
            } else {
                String::new()
            };
            let mut spans = vec![
                Span::styled(label.clone(), theme.highlight()),
                Span::raw(input.value().to_owned()),
            ];
            // A term that cannot be read is said at once, before the count (which is
            // still the last filter that could be read).
            if let Some(err) = app.prompt_error() {
                spans.push(Span::styled(
                    format!("  ✗ {err}"),
                    theme.fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
            spans.push(Span::styled(count, theme.dim()));
            let line = Line::from(spans);
            frame.render_widget(Paragraph::new(line), first);
            let x =
                first.x + u16::try_from(label.chars().count() + input.visual_cursor()).unwrap_or(0);
            frame.set_cursor_position((x.min(first.right().saturating_sub(1)), first.y));
        }
        _ => {
            let context = match app.overlay {
                Overlay::Drill(_) => Context::Drill,
                Overlay::Help { .. } => Context::Help,
                Overlay::Pivot(_) | Overlay::Bulk(_) => Context::List,
                Overlay::Problems(_) => Context::Problems,
                Overlay::None => Context::Table,
            };
            let mut spans = Vec::new();
            let ticks = matches!(app.overlay, Overlay::Bulk(_));
            let mut intents = footer_intents(context).to_vec();
            // A load that left something out names the key of the problems view early.
            let (passed_over, problems) = crate::tui::problems::counts(&app.report);
            if context == Context::Table && passed_over + problems as usize > 0 {
                intents.insert(1, (Intent::Problems, None));
            }
            for (intent, label) in intents {
                let tick_key = matches!(
                    intent,
                    Intent::ToggleSelect | Intent::TickAll | Intent::UntickAll
                );
                if tick_key && !ticks {
                    continue;
                }
                if let Some(k) = keymap.key_for(context, intent) {
                    spans.push(Span::styled(
                        format!(" {k} "),
                        Style::new().add_modifier(Modifier::REVERSED),
                    ));
                    let label = label.unwrap_or(intent.info().short);
                    spans.push(Span::raw(format!(" {label} ")));
                }
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), first);
        }
    }
    let status_style = if app.status_error {
        theme.fg(Color::Red).add_modifier(Modifier::BOLD)
    } else {
        theme.dim()
    };
    let status = if app.status.is_empty() {
        format!("journal: {}", app.journal_path)
    } else {
        app.status.clone()
    };
    frame.render_widget(Paragraph::new(status).style(status_style), second);
}

/// The intents the footer names per screen, with a label where the screen's differs from
/// the intent's short label.
fn footer_intents(context: Context) -> &'static [(Intent, Option<&'static str>)] {
    match context {
        Context::Table => &[
            (Intent::Help, None),
            (Intent::StartFilter, None),
            (Intent::MarkSuspicious, None),
            (Intent::MarkLegitimate, None),
            (Intent::EditNote, None),
            (Intent::Open, None),
            (Intent::ToggleNearMisses, None),
            (Intent::Sort, None),
            (Intent::CopyRows, None),
            (Intent::Quit, None),
        ],
        Context::Drill => &[
            (Intent::Back, None),
            (Intent::NextEvent, None),
            (Intent::SwitchPanel, None),
            (Intent::ToggleFold, None),
            (Intent::StartSearch, None),
            (Intent::MarkSuspicious, None),
            (Intent::MarkLegitimate, None),
            (Intent::Help, None),
        ],
        Context::Help => &[(Intent::Back, Some("close"))],
        Context::Problems => &[
            (Intent::MoveDown, Some("scroll")),
            (Intent::PageDown, Some("page")),
            (Intent::Help, None),
            (Intent::Back, Some("close")),
        ],
        Context::List => &[
            (Intent::Open, Some("apply")),
            (Intent::ToggleSelect, None),
            (Intent::TickAll, None),
            (Intent::UntickAll, None),
            (Intent::Back, Some("close")),
        ],
    }
}

/// The note editor, over the body.
pub(super) fn draw_note(frame: &mut Frame, body: Rect, input: &Input, rows: usize) {
    let w = body.width.saturating_sub(8).min(90);
    let popup = Rect::new(
        body.x + (body.width - w) / 2,
        body.y + body.height / 3,
        w,
        3,
    );
    frame.render_widget(Clear, popup);
    let title = format!(
        " note for {rows} row(s) · {} saves · {} cancels ",
        PROMPT_SUBMIT.label(),
        PROMPT_CANCEL.label()
    );
    let inner_w = usize::from(w.saturating_sub(2));
    let scroll = input.visual_scroll(inner_w);
    let p = Paragraph::new(input.value())
        .scroll((0, u16::try_from(scroll).unwrap_or(0)))
        .block(Block::default().borders(Borders::ALL).title(title));
    frame.render_widget(p, popup);
    let x = popup.x + 1 + u16::try_from(input.visual_cursor().saturating_sub(scroll)).unwrap_or(0);
    frame.set_cursor_position((x, popup.y + 1));
}
