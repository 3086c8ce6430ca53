//! Drawing: a pure function of the state. Every string from an event was neutralised when
//! it entered the state (item texts, JSON lines); nothing here reads files or the clock
//! except the load's elapsed time for its rate.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, LineGauge, Paragraph, Row, Table, Wrap};

use super::app::{App, Column, Overlay, Prompt, View, why_lines};
use super::doc::Tok;
use super::keymap::{Context, Keymap};
use crate::journal::Verdict;

/// Colours, or none at all when NO_COLOR is set.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    fn verdict(self, v: Verdict) -> Style {
        match v {
            Verdict::Suspicious => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Verdict::Legitimate => self.fg(Color::Green),
            Verdict::Unreviewed => Style::new(),
        }
    }
    fn highlight(self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }
    fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_bytes(b: u64) -> String {
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

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, keymap: &Keymap, theme: Theme) {
    let area = frame.area();
    // The histogram of events over time shows where there is room for it.
    let histogram_rows = if area.height >= 30 && app.histogram.is_some() {
        2
    } else {
        0
    };
    let [header, histogram, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(histogram_rows),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    draw_header(frame, header, app, theme);
    if histogram_rows > 0 {
        draw_histogram(frame, histogram, app, theme);
    }
    match &app.overlay {
        Overlay::Drill(_) => draw_drill(frame, body, app, theme),
        _ => draw_table(frame, body, app, theme),
    }
    draw_footer(frame, footer, app, keymap, theme);
    match &app.overlay {
        Overlay::Pivot(p) => draw_pivot(frame, body, app, p, theme),
        Overlay::Bulk(b) => draw_bulk(frame, body, app, b, theme),
        _ => {}
    }
    if let Overlay::Help { scroll } = app.overlay {
        draw_help(frame, body, keymap, scroll);
    }
    if let Some(Prompt::Note { input, keys }) = &app.prompt {
        let w = body.width.saturating_sub(8).min(90);
        let popup = Rect::new(
            body.x + (body.width - w) / 2,
            body.y + body.height / 3,
            w,
            3,
        );
        frame.render_widget(Clear, popup);
        let title = format!(
            " note for {} row(s) · Enter saves · Esc cancels ",
            keys.len()
        );
        let inner_w = usize::from(w.saturating_sub(2));
        let scroll = input.visual_scroll(inner_w);
        let p = Paragraph::new(input.value())
            .scroll((0, u16::try_from(scroll).unwrap_or(0)))
            .block(Block::default().borders(Borders::ALL).title(title));
        frame.render_widget(p, popup);
        let x =
            popup.x + 1 + u16::try_from(input.visual_cursor().saturating_sub(scroll)).unwrap_or(0);
        frame.set_cursor_position((x, popup.y + 1));
    }
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let (reviewed, total, s, l) = app.review_counts();
    let r = &app.report;
    let files = app.loading.files_done.max(r.files.len());
    // The review state first: on a narrow screen it is what must stay visible.
    let first = Line::from(vec![
        Span::styled("sts-triage ", Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(
            format!("reviewed {reviewed}/{total} · suspicious {s} · legitimate {l}"),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            " │ flagged {} · near misses {} · files {files} · records {} · skipped {}",
            r.findings.len(),
            r.near_misses.len(),
            thousands(
                r.records()
                    .max(app.loading.records_done_files + app.loading.records_current)
            ),
            thousands(r.skipped()),
        )),
    ]);
    frame.render_widget(Paragraph::new(first), Rect { height: 1, ..area });
    let second = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    let ld = &app.loading;
    if !ld.done {
        let done = ld.bytes_done_files + ld.bytes_current;
        let ratio = if ld.bytes_total > 0 {
            (done as f64 / ld.bytes_total as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let secs = ld.started.elapsed().as_secs_f64().max(0.001);
        let records = ld.records_done_files + ld.records_current;
        let label = format!(
            "loading {} of {} · {}/s · {} records/s · file {}/{} · Ctrl+C stops and keeps what was read ",
            human_bytes(done),
            human_bytes(ld.bytes_total),
            human_bytes((done as f64 / secs) as u64),
            thousands((records as f64 / secs) as u64),
            (ld.files_done + 1).min(ld.files_total.max(1)),
            ld.files_total
        );
        let gauge = LineGauge::default()
            .ratio(ratio)
            .label(label)
            .filled_style(theme.fg(Color::Cyan));
        frame.render_widget(gauge, second);
        return;
    }
    let t = app.table();
    let view = match app.view {
        View::Findings => "flagged rows",
        View::NearMisses => "NEAR MISSES (passed over by the query)",
    };
    let sort = t.sort.map_or_else(
        || "time ▼".to_owned(),
        |(c, desc)| {
            format!(
                "{} {}",
                app.columns()[c].title(),
                if desc { "▼" } else { "▲" }
            )
        },
    );
    let mut spans = vec![
        Span::styled(
            view.to_string(),
            theme.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            " · {} of {} shown · verdicts: {} · sort: {sort}",
            t.order.len(),
            t.items.len(),
            app.verdict_filter.label()
        )),
    ];
    if !app.filter.is_empty() {
        spans.push(Span::styled(
            format!(" · filter: {}", app.filter),
            theme.highlight(),
        ));
    }
    if app.following > 0 {
        spans.push(Span::styled(
            format!(" · following {} file(s)", app.following),
            theme.fg(Color::Cyan),
        ));
    }
    if let Some((_, col, value)) = &app.pivot_filter {
        let name = app.columns().get(*col).map_or("", |c| c.title());
        spans.push(Span::styled(
            format!(" · {name} = {value:?}"),
            theme.highlight(),
        ));
    }
    if !t.selected.is_empty() {
        spans.push(Span::raw(format!(" · {} selected", t.selected.len())));
    }
    if ld.cancelled {
        spans.push(Span::styled(
            " · load cancelled (partial)",
            theme.fg(Color::Yellow),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), second);
}

/// Preferred widths and the order in which columns give way on narrow screens.
fn column_plan(c: Column) -> (u16, u8) {
    match c {
        Column::Time => (19, 1),
        Column::Account => (20, 0),
        Column::Role => (16, 3),
        Column::Ip => (15, 2),
        Column::Proxy => (5, 5),
        Column::Isp => (16, 4),
        Column::Added => (9, 1),
        Column::Remaining => (9, 1),
        Column::Events => (6, 6),
        Column::Reason => (24, 0),
        Column::Operation => (34, 4),
        Column::Source => (28, 7),
        Column::Hint => (14, 3),
        Column::Verdict => (10, 0),
        Column::Note | Column::Flag => (1, 0),
    }
}

/// Which columns fit in `width`, and their widths (the account/reason column flexes).
fn fit_columns(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| column_plan(columns[i]).1);
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 2; // the selection gutter
    for i in order {
        let (w, prio) = column_plan(columns[i]);
        let need = w + 1;
        if used + need <= width || prio == 0 && used + 4 <= width {
            chosen.push(i);
            used += need.min(width.saturating_sub(used));
        } else if prio > 0 {
            // Columns give way in priority order: once one does not fit, the less
            // important ones do not either.
            break;
        }
    }
    chosen.sort_unstable();
    let spare = width.saturating_sub(used);
    chosen
        .into_iter()
        .map(|i| {
            let (w, _) = column_plan(columns[i]);
            let flex = matches!(columns[i], Column::Account | Column::Reason);
            (i, if flex { w + spare } else { w })
        })
        .collect()
}

/// Cuts a cell to its column, marking the cut with an ellipsis.
fn clip(text: String, width: usize) -> String {
    if text.chars().count() <= width {
        return text;
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn highlighted_cell(
    app: &App,
    col: usize,
    text: String,
    base: Style,
    theme: Theme,
) -> Cell<'static> {
    let hits = if app.filter.is_empty() {
        Vec::new()
    } else {
        app.highlights(col, &text)
    };
    if hits.is_empty() {
        return Cell::from(Span::styled(text, base));
    }
    let spans: Vec<Span> = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let style = if hits.contains(&i) {
                base.patch(theme.highlight())
            } else {
                base
            };
            Span::styled(c.to_string(), style)
        })
        .collect();
    Cell::from(Line::from(spans))
}

fn draw_table(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let columns = app.columns();
    let t = app.table();
    let fitted = fit_columns(columns, area.width);
    let header_cells = std::iter::once(Cell::from(" ")).chain(fitted.iter().map(|&(i, _)| {
        let mut title = match columns[i] {
            Column::Time if app.local_time => "Time (local)".to_owned(),
            c => c.title().to_owned(),
        };
        if let Some((c, desc)) = t.sort
            && c == i
        {
            title.push_str(if desc { "▼" } else { "▲" });
        }
        let mut style = Style::new().add_modifier(Modifier::BOLD);
        if t.focus == i {
            style = style.add_modifier(Modifier::REVERSED);
        }
        Cell::from(title).style(style)
    }));
    let header = Row::new(header_cells);
    let page = usize::from(area.height.saturating_sub(1));
    let rows = t
        .order
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(page)
        .map(|(pos, &item)| {
            let key = &t.items[item].key;
            let d = app.decision(key);
            let selected = t.selected.contains(&item);
            let gutter = if selected {
                "●"
            } else if app.unsaved.contains(key) {
                "!"
            } else {
                " "
            };
            let cells =
                std::iter::once(Cell::from(gutter)).chain(fitted.iter().map(|&(col, width)| {
                    let text = clip(app.cell(t, item, col), usize::from(width));
                    let base = match columns[col] {
                        Column::Verdict => theme.verdict(d.verdict),
                        Column::Flag => theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                        Column::Added | Column::Remaining => Style::new(),
                        _ => Style::new(),
                    };
                    highlighted_cell(app, col, text, base, theme)
                }));
            let mut style = Style::new();
            if pos == t.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Row::new(cells).style(style)
        });
    let widths: Vec<Constraint> = std::iter::once(Constraint::Length(1))
        .chain(fitted.iter().map(|&(_, w)| Constraint::Length(w)))
        .collect();
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, area);
    if t.order.is_empty() {
        let msg = if !app.loading.done {
            "reading…".to_owned()
        } else if t.items.is_empty() {
            match app.view {
                View::Findings => {
                    "The query returns no rows on these files. Press m for the near misses."
                        .to_owned()
                }
                View::NearMisses => "No STS events were passed over.".to_owned(),
            }
        } else {
            "No row matches the filter. Esc clears it.".to_owned()
        };
        let r = Rect {
            y: area.y + 2.min(area.height.saturating_sub(1)),
            height: 1,
            ..area
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), r);
    }
}

fn popup(area: Rect, width: u16, rows: usize) -> Rect {
    let w = width.min(area.width.saturating_sub(2));
    let h = u16::try_from(rows + 3).unwrap_or(u16::MAX).min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y, w, h)
}

fn draw_pivot(frame: &mut Frame, area: Rect, app: &App, p: &super::app::Pivot, theme: Theme) {
    let name = app.columns().get(p.column).map_or("", |c| c.title());
    let rect = popup(area, 90, p.rows.len());
    let visible = usize::from(rect.height.saturating_sub(3));
    let start = p.cursor.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<44} {:>7} {:>10} {:>10} {:>10}",
            name, "rows", "unreviewed", "suspicious", "legitimate"
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (i, row) in p.rows.iter().enumerate().skip(start).take(visible) {
        let value = if row.value.is_empty() {
            "(empty)".to_owned()
        } else {
            clip(row.value.clone(), 44)
        };
        let mut line = Line::from(vec![
            Span::raw(format!(
                "{value:<44} {:>7} {:>10} ",
                row.count, row.by_verdict[0]
            )),
            Span::styled(
                format!("{:>10} ", row.by_verdict[1]),
                theme.verdict(Verdict::Suspicious),
            ),
            Span::styled(
                format!("{:>10}", row.by_verdict[2]),
                theme.verdict(Verdict::Legitimate),
            ),
        ]);
        if i == p.cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    frame.render_widget(Clear, rect);
    let title = format!(
        " frequency of {name} · {} values · Enter filters to one · Esc closes ",
        p.rows.len()
    );
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn draw_bulk(frame: &mut Frame, area: Rect, app: &App, b: &super::app::Bulk, theme: Theme) {
    let rect = popup(area, 110, b.candidates.len());
    let visible = usize::from(rect.height.saturating_sub(3));
    let start = b.cursor.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![Line::from(Span::styled(
        format!("    {:<40} {:<16} {:<18} {}", "Account", "IP", "ISP", "why"),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for (i, (item, why, ticked)) in b.candidates.iter().enumerate().skip(start).take(visible) {
        let it = &app.findings.items[*item];
        let mut line = Line::from(format!(
            "{} {:<40} {:<16} {:<18} {}",
            if *ticked { "[x]" } else { "[ ]" },
            clip(it.cells[1].clone(), 40),
            clip(it.cells[3].clone(), 16),
            clip(it.cells[5].clone(), 18),
            why
        ));
        if i == b.cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    frame.render_widget(Clear, rect);
    let ticked = b.candidates.iter().filter(|c| c.2).count();
    let title = format!(
        " classify like {}: mark {ticked} row(s) {} · Space unticks · Enter applies (one undo) · Esc cancels ",
        clip(b.source.clone(), 30),
        b.verdict.label()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.verdict(b.verdict));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// Two lines of bars: flagged events and events passed over, across the loaded time span.
fn draw_histogram(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some((_, _, flagged, near)) = &app.histogram else {
        return;
    };
    let label_w = 9usize;
    let width = usize::from(area.width).saturating_sub(label_w + 1).max(1);
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
        Span::styled(bars(&f), theme.fg(Color::Red)),
    ]);
    let second = Line::from(vec![
        Span::styled(format!("{:<label_w$} ", "passed"), theme.dim()),
        Span::styled(bars(&n), theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

fn tok_style(tok: Tok, theme: Theme) -> Style {
    match tok {
        Tok::Key => theme.fg(Color::Blue).add_modifier(Modifier::BOLD),
        Tok::Str => theme.fg(Color::Green),
        Tok::Num => theme.fg(Color::Magenta),
        Tok::Lit => theme.fg(Color::Yellow),
        Tok::Punct => Style::new(),
    }
}

fn draw_drill(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Overlay::Drill(d) = &app.overlay else {
        return;
    };
    let wide = area.width >= 120;
    let [json_area, why_area] = if wide {
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area)
    } else {
        Layout::vertical([Constraint::Min(5), Constraint::Length(11)]).areas(area)
    };
    let decision = app.decision(&d.item_key);
    let Some(&event) = d.events.get(d.current) else {
        let text = format!(
            "This row was read from an export of the query's result ({}); it has no raw events.\nVerdict: {}",
            d.imported_from.clone().unwrap_or_default(),
            decision.verdict.label()
        );
        frame.render_widget(
            Paragraph::new(text)
                .block(Block::default().borders(Borders::ALL).title(" raw events ")),
            area,
        );
        return;
    };
    let e = &app.report.events[event];
    let title = format!(
        " event {}/{} · {} · {} · id {} · {} ",
        d.current + 1,
        d.events.len(),
        crate::neutralize::neutralize(&e.source.to_string()),
        e.kind.label(),
        crate::neutralize::neutralize(&e.id),
        decision.verdict.label()
    );
    let inner_h = usize::from(json_area.height.saturating_sub(2));
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
    let mut why: Vec<Line> = d
        .hints
        .iter()
        // Hints quote event strings (the role): neutralised here too, at the screen's edge.
        .map(|h| {
            let text = crate::neutralize::neutralize(&format!("▲ {h}")).into_owned();
            Line::from(Span::styled(text, theme.fg(Color::Yellow)))
        })
        .collect();
    why.extend(
        why_lines(&app.report, event)
            .into_iter()
            .flat_map(|(clause, value, ok)| {
                let mark = match ok {
                    Some(true) => Span::styled("✓ ", theme.fg(Color::Green)),
                    Some(false) => Span::styled("✗ ", theme.fg(Color::Red)),
                    None => Span::raw("  "),
                };
                [
                    Line::from(vec![
                        mark,
                        Span::styled(clause, Style::new().add_modifier(Modifier::BOLD)),
                    ]),
                    Line::from(Span::raw(format!(
                        "    {}",
                        crate::neutralize::neutralize(&value)
                    ))),
                ]
            }),
    );
    let why_p = Paragraph::new(why).wrap(Wrap { trim: false }).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" why flagged: the query, clause by clause "),
    );
    frame.render_widget(why_p, why_area);
}

fn draw_help(frame: &mut Frame, area: Rect, keymap: &Keymap, scroll: usize) {
    let mut lines: Vec<Line> = Vec::new();
    let sections = [
        ("Table (flagged rows and near misses)", Context::Table),
        ("Raw events (Enter on a row)", Context::Drill),
    ];
    for (title, context) in sections {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        )));
        lines.extend(
            keymap
                .help(context)
                .into_iter()
                .map(|(keys, desc)| Line::from(format!("{keys:>18}  {desc}"))),
        );
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Filter: words match fuzzily within a cell; col:text in one column (ip:203.0);",
    ));
    lines.push(Line::from(
        "        !text excludes rows containing text; after:2021-03-01 before:2021-03-02T10:00",
    ));
    lines.push(Line::from("        keep a time window. Esc clears."));
    lines.push(Line::from(
        "Keys come from the keymap (assets/keymap.toml; --keymap overrides).",
    ));
    let w = area.width.saturating_sub(4).min(100);
    let h = area
        .height
        .saturating_sub(2)
        .min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    let popup = Rect::new(area.x + (area.width - w) / 2, area.y + 1, w, h);
    frame.render_widget(Clear, popup);
    let p = Paragraph::new(lines)
        .scroll((u16::try_from(scroll).unwrap_or(0), 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" help · Esc closes "),
        );
    frame.render_widget(p, popup);
}

fn draw_footer(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: Theme) {
    let first = Rect { height: 1, ..area };
    let second = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    match &app.prompt {
        Some(Prompt::Filter(input)) | Some(Prompt::Search(input)) => {
            let is_filter = matches!(app.prompt, Some(Prompt::Filter(_)));
            let label = if is_filter { "/" } else { "search: " };
            let count = if is_filter {
                let t = app.table();
                format!("   {} of {}", t.order.len(), t.items.len())
            } else {
                String::new()
            };
            let line = Line::from(vec![
                Span::styled(label, theme.highlight()),
                Span::raw(input.value().to_owned()),
                Span::styled(count, theme.dim()),
            ]);
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
                Overlay::None => Context::Table,
            };
            let hints: &[(&str, &str)] = match context {
                Context::Table => &[
                    ("help", "help"),
                    ("filter", "filter"),
                    ("mark_suspicious", "suspicious"),
                    ("mark_legitimate", "legitimate"),
                    ("edit_note", "note"),
                    ("open", "raw events"),
                    ("toggle_near_misses", "near misses"),
                    ("sort", "sort"),
                    ("copy_rows", "copy"),
                    ("quit", "quit"),
                ],
                Context::Drill => &[
                    ("back", "back"),
                    ("next_event", "next event"),
                    ("toggle_fold", "fold"),
                    ("search", "search"),
                    ("mark_suspicious", "suspicious"),
                    ("mark_legitimate", "legitimate"),
                    ("help", "help"),
                ],
                Context::Help => &[("back", "close")],
                Context::List => &[
                    ("open", "apply"),
                    ("toggle_select", "tick / untick"),
                    ("back", "close"),
                ],
            };
            let mut spans = Vec::new();
            for (action, label) in hints {
                if let Some(k) = keymap.key_for(context, action) {
                    spans.push(Span::styled(
                        format!(" {k} "),
                        Style::new().add_modifier(Modifier::REVERSED),
                    ));
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
