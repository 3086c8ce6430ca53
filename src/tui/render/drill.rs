//! The drill-down: a row's raw event as folded JSON, and the why-panel beside or below.

use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

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
        // What the analyst needs first (no raw events, the verdict), then where the row
        // came from, wrapped so that the whole path can be read at any width (it was cut at
        // the panel's edge with no `…`, `it has no raw events` lost below 250 columns).
        let text = format!(
            "This row has no raw events: it was read from an export of the query's result.\nVerdict: {}\nRead from: {}",
            decision.verdict.label(),
            d.imported_from.clone().unwrap_or_default(),
        );
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(
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
            // It follows its row as the load brings events: what joined since it opened.
            if let Some(n) = d.events.len().checked_sub(d.opened_with).filter(|&n| n > 0) {
                parts.push(TitlePart::Keep(format!(
                    "+{n} event{} since you opened it",
                    if n == 1 { "" } else { "s" }
                )));
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
    let inner_w = usize::from(json_area.width.saturating_sub(2));
    let needle = d.search.to_lowercase();
    let mut cursor_at = None;
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
                cursor_at = Some(pos - d.offset);
            }
            Some(l)
        })
        .collect();
    let lines = fit_lines(lines, cursor_at, inner_w, inner_h);
    let json = Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title));
    frame.render_widget(json, json_area);
    if let Some(panel) = &d.context {
        super::context::draw_context(frame, areas, app, panel, keymap, theme);
        return;
    }
    let panel = super::why::WhyPanel {
        report: &app.report,
        event,
        hints: &d.hints,
        note: &decision.note,
        outside_chain: decision.outside_chain,
        notes: &d.doc.notes,
        scroll: d.why_scroll,
        flagged: e.is_flagged(),
    };
    super::why::draw_why(frame, why_area, &panel, keymap, theme);
}

/// The raw event's lines within `width` × `height`: a line wider than the panel is cut with
/// `…` (never a silent cut at the border), except the cursor's, which is wrapped whole over
/// the rows below it (the lines after it move down, past the bottom they wait for a scroll),
/// so that any value can be read in full by moving onto it. A cursor line too near the
/// bottom for its rows takes them from the top of the page instead.
fn fit_lines(
    lines: Vec<Line<'static>>,
    cursor: Option<usize>,
    width: usize,
    height: usize,
) -> Vec<Line<'static>> {
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut cursor_rows = None;
    for (i, line) in lines.into_iter().enumerate() {
        if line.width() <= width || width == 0 {
            rows.push(line);
        } else if Some(i) == cursor {
            let start = rows.len();
            rows.extend(wrap_line(&line, width));
            cursor_rows = Some((start, rows.len()));
        } else {
            rows.push(cut_line(&line, width));
        }
    }
    // The page starts at its first line unless the cursor's rows would run past the bottom.
    let skip = match cursor_rows {
        Some((_, end)) if end > height => (end - height).min(cursor_rows.map_or(0, |c| c.0)),
        _ => 0,
    };
    let cut_below =
        rows.len() > skip + height && cursor_rows.is_some_and(|(_, end)| end > skip + height);
    let mut rows: Vec<Line<'static>> = rows.into_iter().skip(skip).take(height).collect();
    // A value longer than the whole page: its last row shown says it goes on.
    if cut_below && let Some(last) = rows.last_mut() {
        *last = cut_line(last, last.width().min(width));
    }
    rows
}

/// Each styled character of a line, in order.
fn styled_chars<'a>(line: &'a Line<'static>) -> impl Iterator<Item = (char, Style)> + 'a {
    line.spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
}

/// Runs of styled characters gathered back into spans.
fn spans_of(chars: Vec<(char, Style)>) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for (c, st) in chars {
        if style.is_some_and(|s| s != st) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(st);
        text.push(c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style.unwrap_or_default()));
    }
    spans
}

/// A line cut to `width` columns, its last one `…` (a wide letter never split).
fn cut_line(line: &Line<'static>, width: usize) -> Line<'static> {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    let mut kept = Vec::new();
    for (c, st) in styled_chars(line) {
        let w = c.width().unwrap_or(0);
        if used + w > width.saturating_sub(1) {
            break;
        }
        used += w;
        kept.push((c, st));
    }
    kept.push(('…', Style::new().add_modifier(Modifier::DIM)));
    Line::from(spans_of(kept)).style(line.style)
}

/// A line wrapped at `width` columns into rows (a wide letter never split).
fn wrap_line(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut used = 0;
    for (c, st) in styled_chars(line) {
        let w = c.width().unwrap_or(0);
        if used + w > width && !row.is_empty() {
            rows.push(Line::from(spans_of(std::mem::take(&mut row))).style(line.style));
            used = 0;
        }
        used += w;
        row.push((c, st));
    }
    if !row.is_empty() {
        rows.push(Line::from(spans_of(row)).style(line.style));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[Line]) -> Vec<String> {
        rows.iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// A value wider than the panel is cut with `…`; on the cursor it is wrapped whole.
    #[test]
    fn cut_lines_end_with_an_ellipsis_and_the_cursor_line_wraps_whole() {
        let long = "\"UserAgent\": \"Mozilla/5.0 (Windows NT 10.0) long agent\",";
        let lines = vec![Line::from("{"), Line::from(long), Line::from("}")];
        let rows = fit_lines(lines.clone(), Some(0), 20, 10);
        assert_eq!(text(&rows), ["{", "\"UserAgent\": \"Mozil…", "}"]);
        let rows = fit_lines(lines, Some(1), 20, 10);
        let shown = text(&rows);
        assert_eq!(shown.len(), 5, "{shown:?}");
        assert_eq!(shown[1..4].concat(), long);
        // Too near the bottom: its rows are taken from the top of the page.
        let lines = vec![Line::from("{"), Line::from("a"), Line::from(long)];
        let shown = text(&fit_lines(lines, Some(2), 20, 3));
        assert_eq!(shown.concat(), long);
    }
}
