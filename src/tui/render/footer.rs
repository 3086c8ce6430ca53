//! The footer: key hints from the live keymap or the prompt being typed, and the status
//! line; and the note editor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;

use super::Theme;
use super::fit::{Part, fit, fit_counted, shorten_status};
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
    let status_style = if app.status_error {
        theme.fg(Color::Red).add_modifier(Modifier::BOLD)
    } else {
        theme.dim()
    };
    let typing = matches!(app.prompt, Some(Prompt::Filter(_) | Prompt::Search(_)));
    let help = keymap
        .key_for(Context::Table, Intent::Help)
        .map(|k| format!(" {k} "));
    let help_room = help.as_deref().map_or(0, |h| {
        unicode_width::UnicodeWidthStr::width(h) + " help ".len()
    });
    let room = usize::from(area.width);
    if !typing && let Some((older, newer)) = two_messages(app, room, help_room) {
        // Two messages too long for one row (a kept warning and the news after it: another
        // analyst's verdict overturning ours was cut off at 80 columns; ux16 #8): the news
        // on the status row, the older one on the hints row after the help's key (always
        // shown); the other hints are back with the next message.
        let mut spans = Vec::new();
        if let Some(h) = help {
            spans.push(Span::styled(
                h,
                Style::new().add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::raw(" help "));
        }
        spans.push(Span::styled(older, status_style));
        frame.render_widget(Paragraph::new(Line::from(spans)), first);
        frame.render_widget(Paragraph::new(newer).style(status_style), second);
        return;
    }
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
                    None => format!("   {} of {}", t.order.len(), t.total()),
                }
            } else {
                String::new()
            };
            let mut spans = vec![
                Span::styled(label.clone(), theme.highlight()),
                Span::raw(input.value().to_owned()),
            ];
            // A term that cannot be read is said at once, before the count (of the
            // filter applied without it).
            let mut count_fits = true;
            if let Some(err) = app.prompt_error() {
                // Cut with `…` to the room left, so a cut list of columns never reads
                // as whole (`columns: time` at 60 columns); the count goes first, as
                // a bare `16` after the cut would say nothing.
                use unicode_width::UnicodeWidthStr;
                let room = usize::from(first.width)
                    .saturating_sub(label.width() + input.value().width() + 4);
                let said = error_within(&err, room);
                count_fits = said == err.to_string() && said.width() + count.width() <= room;
                spans.push(Span::styled(
                    format!("  ✗ {said}"),
                    theme.fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
            // A time read twice (the autumn clock change) is said, not an error: its rows
            // at both readings are kept.
            if let Some(note) = app.prompt_note().filter(|_| count_fits) {
                use unicode_width::UnicodeWidthStr;
                let room = usize::from(first.width)
                    .saturating_sub(label.width() + input.value().width() + count.width() + 4);
                spans.push(Span::styled(
                    format!("  ~ {}", shorten_status(&note, room)),
                    theme.fg(Color::Yellow),
                ));
            }
            if count_fits {
                spans.push(Span::styled(count, theme.dim()));
            }
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
            let ticks = matches!(app.overlay, Overlay::Bulk(_));
            let mut hints = footer_hints(context).to_vec();
            // A load that left something out names the key of the problems view early.
            let (passed_over, problems) = crate::tui::problems::counts(&app.report);
            if context == Context::Table && passed_over + problems as usize > 0 {
                hints.insert(1, (Intent::Problems, None, 9, None));
            }
            let key_style = Style::new().add_modifier(Modifier::REVERSED);
            let (mut parts, mut padded_parts) = (Vec::new(), Vec::new());
            for (intent, label, priority, short) in hints {
                let tick_key = matches!(
                    intent,
                    Intent::ToggleSelect | Intent::TickAll | Intent::UntickAll
                );
                if tick_key && !ticks {
                    continue;
                }
                // The drill-down's note: the key that opens it now (`n` before a search).
                let bound = match (context, intent) {
                    (Context::Drill, Intent::EditNote) => {
                        keymap.key_for(context, app.drill_note_intent())
                    }
                    _ => None,
                };
                let Some(k) = bound.or_else(|| keymap.key_for(context, intent)) else {
                    continue;
                };
                let label = label.unwrap_or(intent.info().short);
                let padded = vec![
                    Span::styled(format!(" {k} "), key_style),
                    Span::raw(format!(" {label} ")),
                ];
                // Tight key, then the short word where there is one.
                let mut forms = vec![vec![
                    Span::styled(k.clone(), key_style),
                    Span::raw(format!(" {label} ")),
                ]];
                if let Some(short) = short {
                    forms.push(vec![
                        Span::styled(k, key_style),
                        Span::raw(format!(" {short} ")),
                    ]);
                }
                padded_parts.push(Part::new(priority, "", vec![padded]));
                parts.push(Part::new(priority, "", forms));
            }
            // Padded keys when every hint fits so; else tight keys, by priority.
            let (line, whole) = fit_counted(padded_parts, usize::from(first.width));
            let line = if whole {
                line
            } else {
                fit(parts, usize::from(first.width))
            };
            frame.render_widget(Paragraph::new(line), first);
        }
    }
    let status = if app.status.is_empty() {
        format!("journal: {}", app.journal_path)
    } else {
        app.status.clone()
    };
    let status = shorten_status(&status, usize::from(second.width));
    frame.render_widget(Paragraph::new(status).style(status_style), second);
}

/// A status of news added after a kept message ([`App::status_news`]) that does not fit
/// in `width` columns: the kept message shortened to the room the help's key (`help`
/// columns) leaves, and the news to a row of its own (each keeps its start, where it says
/// what happened). None when it fits, or holds no news (cut at its end as before).
fn two_messages(app: &App, width: usize, help: usize) -> Option<(String, String)> {
    use unicode_width::UnicodeWidthStr;
    let status = app.status.as_str();
    if status.width() <= width {
        return None;
    }
    let at = app.status_news?;
    let (older, newer) = (status.get(..at)?.trim_end_matches(" · "), status.get(at..)?);
    Some((
        shorten_status(older, width.saturating_sub(help)),
        shorten_status(newer, width),
    ))
}

/// A filter error within `room` columns: whole when it fits, else cut at its end with `…`
/// while that keeps the term and the message's first clause (`acount:ops: did you mean
/// account? no column…`); where even that is too wide (60 columns, after other terms) the
/// column alone names the term, when the message itself names what was typed (`acount: did
/// you mean account?`, `added: "sixty" is not a whole number`), so that the word that is
/// wrong and what was expected stay (it read `acount:ops: did you mean…`).
fn error_within(err: &crate::tui::filter::FilterError, room: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let whole = err.to_string();
    let first_clause = err
        .message
        .find(['?', ';'])
        .map_or(err.message.as_str(), |at| &err.message[..=at]);
    if format!("{}: {first_clause}", err.term).width() < room {
        return shorten_status(&whole, room);
    }
    let bare = err.term.trim_start_matches('!');
    let short = match bare.split_once(':') {
        // A message that names the column itself (`isp: compares with = only`) as it is.
        Some((column, _)) if err.message.starts_with(column) => err.message.clone(),
        // The column typed is the wrong word (`no column "acount"`), or the message quotes
        // the value typed (`"sixty" is not a whole number`).
        Some((column, value))
            if !column.is_empty()
                && (err
                    .message
                    .contains(&format!("{:?}", column.to_ascii_lowercase()))
                    || err
                        .message
                        .contains(value.trim_start_matches(['<', '>', '=']))) =>
        {
            format!("{column}: {}", err.message)
        }
        _ => whole,
    };
    shorten_status(&short, room)
}

/// A footer hint: the intent, the screen's label where it differs from the intent's short
/// label, its priority (higher stays longer on a narrow screen; help is always shown) and a
/// shorter word for the narrowest screens.
type Hint = (Intent, Option<&'static str>, u8, Option<&'static str>);

/// The hints the footer names per screen, in the order drawn.
fn footer_hints(context: Context) -> &'static [Hint] {
    const KEEP: u8 = Part::KEEP;
    match context {
        Context::Table => &[
            (Intent::Help, None, KEEP, None),
            (Intent::StartFilter, None, 8, None),
            (Intent::MarkSuspicious, None, 7, Some("susp")),
            (Intent::MarkLegitimate, None, 7, Some("legit")),
            (Intent::EditNote, None, 5, None),
            (Intent::Open, None, 8, Some("events")),
            (Intent::ToggleNearMisses, None, 7, None),
            (Intent::Sort, None, 4, None),
            (Intent::CopyRows, None, 3, None),
            (Intent::Quit, None, 5, None),
        ],
        Context::Drill => &[
            (Intent::Back, None, 9, None),
            (Intent::NextEvent, None, 7, None),
            (Intent::NextCopy, None, 4, None),
            // The way into the context panel, and back out of it.
            (Intent::SwitchPanel, None, 7, None),
            (Intent::ToggleFold, None, 4, None),
            (Intent::StartSearch, None, 5, None),
            (Intent::MarkSuspicious, None, 7, Some("susp")),
            (Intent::MarkLegitimate, None, 7, Some("legit")),
            (Intent::EditNote, None, 5, None),
            (Intent::Help, None, KEEP, None),
        ],
        Context::Help => &[(Intent::Back, Some("close"), KEEP, None)],
        Context::Problems => &[
            (Intent::MoveDown, Some("scroll"), 6, None),
            (Intent::PageDown, Some("page"), 5, None),
            (Intent::Help, None, KEEP, None),
            (Intent::Back, Some("close"), 9, None),
        ],
        Context::List => &[
            (Intent::Open, Some("apply"), 9, None),
            (Intent::ToggleSelect, None, 6, None),
            (Intent::TickAll, None, 5, None),
            (Intent::UntickAll, None, 5, None),
            (Intent::Back, Some("close"), 8, None),
        ],
    }
}

/// The note editor, over the body: which rows it writes to (`about` in the title, the
/// row's time and actor on its first line), the text, the keys.
pub(super) fn draw_note(frame: &mut Frame, body: Rect, input: &Input, about: &str, rows: &str) {
    let w = body.width.saturating_sub(8).min(90);
    let popup = Rect::new(
        body.x + (body.width - w) / 2,
        body.y + body.height / 3,
        w,
        4.min(body.height),
    );
    super::clear_under(frame, popup);
    let title = format!(" note for {about} ");
    let keys = format!(
        " {} saves · {} cancels ",
        PROMPT_SUBMIT.label(),
        PROMPT_CANCEL.label()
    );
    let inner_w = usize::from(w.saturating_sub(2));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(crate::tui::wrap::fit_plain_title(&title, w))
        .title_bottom(crate::tui::wrap::fit_plain_title(&keys, w));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    // The row named in full up to the box's width (cut with '…'): time first, then actor.
    let named = super::clip(rows.to_owned(), inner_w);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            named,
            Style::new().add_modifier(Modifier::DIM),
        ))),
        Rect { height: 1, ..inner },
    );
    let text_area = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let scroll = input.visual_scroll(inner_w);
    let p = Paragraph::new(input.value()).scroll((0, u16::try_from(scroll).unwrap_or(0)));
    frame.render_widget(p, text_area);
    let x = text_area.x + u16::try_from(input.visual_cursor().saturating_sub(scroll)).unwrap_or(0);
    frame.set_cursor_position((x, text_area.y));
}
