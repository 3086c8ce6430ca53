//! The drill-down: a row's raw event as folded JSON, and the why-panel beside or below.

use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::tui::app::{App, Overlay};
use crate::tui::doc::Tok;
use crate::tui::keymap::Keymap;
use crate::tui::layout::Areas;
use crate::tui::wrap::{TitlePart, fit_plain_title, fit_title};

fn tok_style(tok: Tok, theme: Theme) -> Style {
    match tok {
        Tok::Key => theme.fg(Color::Blue).add_modifier(Modifier::BOLD),
        Tok::Str => theme.fg(Color::Green),
        Tok::Num => theme.fg(Color::Magenta),
        Tok::Lit => theme.fg(Color::Yellow),
        Tok::Punct => Style::new(),
    }
}

pub(super) fn draw_drill(
    frame: &mut Frame,
    areas: &Areas,
    app: &App,
    keymap: &Keymap,
    theme: Theme,
) {
    // Under the help opened from the drill-down, the drill-down is still what is drawn.
    let d = match &app.overlay {
        Overlay::Drill(d) => d,
        Overlay::Help {
            previous: Some(p), ..
        } => match p.as_ref() {
            Overlay::Drill(d) => d,
            _ => return,
        },
        _ => return,
    };
    let area = areas.body;
    let (json_area, why_area) = (areas.event, areas.why);
    let decision = app.decision(&d.item_key);
    let Some(&event) = d.events.get(d.current) else {
        let text = format!(
            "This row was read from an export of the query's result ({}); it has no raw events.\nVerdict: {}",
            d.imported_from.clone().unwrap_or_default(),
            decision.verdict.label()
        );
        frame.render_widget(
            Paragraph::new(text).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(fit_plain_title(" raw events ", area.width)),
            ),
            area,
        );
        return;
    };
    let e = &app.report.events[event];
    // Every record of the event (duplicates of the same id included).
    let sources: Vec<String> = e.sources().map(ToString::to_string).collect();
    let opened = d.context.as_ref().and_then(|p| p.open.as_ref());
    let title_width = usize::from(json_area.width.saturating_sub(2));
    let title = match opened {
        // A related record opened from the context panel stands where the event was.
        Some(o) => fit_title(&o.title, title_width),
        // A copy of the event read back (`}`): which one and where, before anything else.
        None if d.copy > 0 => {
            let place = sources.get(d.copy).map_or_else(String::new, |s| {
                crate::neutralize::neutralize(s).into_owned()
            });
            let parts = [
                TitlePart::Keep(format!("event {}/{}", d.current + 1, d.events.len())),
                TitlePart::Keep(format!("copy {}/{}", d.copy, sources.len() - 1)),
                TitlePart::Places(vec![place]),
                TitlePart::Drop(1, "Esc: back to the event's record".to_owned()),
            ];
            fit_title(&parts, title_width)
        }
        None => {
            let mut parts = vec![TitlePart::Keep(format!(
                "event {}/{}",
                d.current + 1,
                d.events.len()
            ))];
            // The verdict covers fewer events than the row has now: said before the rest.
            if let Some((then, now)) = app.new_events(&d.item_key) {
                parts.push(TitlePart::Keep(crate::journal::new_events_text(now - then)));
            }
            parts.extend([
                TitlePart::Places(
                    sources
                        .iter()
                        .map(|s| crate::neutralize::neutralize(s).into_owned())
                        .collect(),
                ),
                TitlePart::Drop(1, e.kind.label().to_owned()),
                TitlePart::Id("id", crate::neutralize::neutralize(&e.id).into_owned()),
                TitlePart::Drop(2, decision.verdict.label().to_owned()),
            ]);
            fit_title(&parts, title_width)
        }
    };
    let inner_h = areas.event_lines();
    let needle = d.search.to_lowercase();
    let lines: Vec<Line> = (d.offset..d.offset + inner_h)
        .filter_map(|pos| {
            let line = d.doc.visible_line(pos)?;
            let depth = d.doc.lines[line].depth;
            let marker = if d.doc.lines[line].close.is_some() {
                if d.doc.folded.contains(&line) {
                    "▸"
                } else {
                    "▾"
                }
            } else {
                " "
            };
            let mut spans = vec![Span::raw(format!("{marker}{}", "  ".repeat(depth)))];
            let toks = d.doc.display_tokens(line);
            let text: String = toks.iter().map(|(_, s)| s.as_str()).collect();
            let is_match = !needle.is_empty() && text.to_lowercase().contains(&needle);
            for (tok, s) in toks {
                let mut st = tok_style(tok, theme);
                if is_match {
                    st = st.patch(theme.highlight());
                }
                spans.push(Span::styled(s, st));
            }
            let mut l = Line::from(spans);
            if pos == d.cursor {
                l = l.style(Style::new().add_modifier(Modifier::REVERSED));
            }
            Some(l)
        })
        .collect();
    let json = Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title));
    frame.render_widget(json, json_area);
    if let Some(panel) = &d.context {
        super::context::draw_context(frame, areas, app, panel, theme);
        return;
    }
    let panel = super::why::WhyPanel {
        report: &app.report,
        event,
        hints: &d.hints,
        note: &decision.note,
        scroll: d.why_scroll,
        flagged: e.is_flagged(),
    };
    super::why::draw_why(frame, why_area, &panel, keymap, theme);
}
