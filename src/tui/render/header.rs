//! The header: review counts, what was read, the view line or the load's progress; and
//! the bars of events over time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};

use super::{Theme, human_bytes, thousands};
use crate::tui::action::Intent;
use crate::tui::app::{App, View};
use crate::tui::keymap::{Context, Keymap};

pub(super) fn draw_header(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: Theme) {
    let (reviewed, total, s, l) = app.review_counts();
    let r = &app.report;
    let files = app.loading.files_done.max(r.files.len());
    // The review state first: on a narrow screen it is what must stay visible. In the
    // near-miss view, that of the near misses, then that of the flagged rows.
    let review = match app.view {
        View::Findings => format!("reviewed {reviewed}/{total} · suspicious {s} · legitimate {l}"),
        View::NearMisses => {
            let (nr, nt, ns, nl) = app.near_miss_counts();
            format!(
                "near misses reviewed {nr}/{nt} · suspicious {ns} · legitimate {nl} │ flagged rows reviewed {reviewed}/{total}"
            )
        }
    };
    let first = Line::from(vec![
        Span::styled("sts-triage ", Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(review, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            " │ flagged {} · near misses {} · files {files} · records {} · skipped {}{}",
            r.findings.len(),
            r.near_misses.len(),
            thousands(
                r.records()
                    .max(app.loading.records_done_files + app.loading.records_current)
            ),
            thousands(r.skipped()),
            if r.duplicate_records > 0 {
                format!(
                    " · {} duplicate records (same id)",
                    thousands(r.duplicate_records)
                )
            } else {
                String::new()
            },
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
        let label = if ld.sorting {
            // The load's end: every row, shown so far in the order read, is sorted once.
            format!(
                "read {} · indexing and sorting {} rows… ",
                human_bytes(done),
                thousands((app.findings.items.len() + app.near.items.len()) as u64)
            )
        } else {
            format!(
                "loading {} of {} · {}/s · {} records/s · file {}/{} · {} stops and keeps what was read ",
                human_bytes(done),
                human_bytes(ld.bytes_total),
                human_bytes((done as f64 / secs) as u64),
                thousands((records as f64 / secs) as u64),
                (ld.files_done + 1).min(ld.files_total.max(1)),
                ld.files_total,
                keymap
                    .key_for(Context::Table, Intent::CancelOrQuit)
                    .unwrap_or_default(),
            )
        };
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
            " · {} · verdicts: {} · sort: {sort}",
            shown_count(t),
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
    // What the load left out or read with problems: first, so a narrow screen shows it too.
    let (passed_over, problems) = crate::tui::problems::counts(r);
    let mut left_out = Vec::new();
    if passed_over > 0 {
        left_out.push(format!(
            "{passed_over} file{} passed over",
            if passed_over == 1 { "" } else { "s" }
        ));
    }
    if problems > 0 {
        left_out.push(format!(
            "{problems} problem{}",
            if problems == 1 { "" } else { "s" }
        ));
    }
    if !left_out.is_empty() {
        spans.insert(
            0,
            Span::styled(
                format!("{} · ", left_out.join(" · ")),
                theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
        );
    }
    if let Some(cut) = &ld.cut {
        // First, where even a narrow screen shows it: the findings cover part of the input.
        spans.insert(
            0,
            Span::styled(
                "PARTIAL LOAD (stopped) · ",
                theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
        );
        spans.push(Span::styled(
            format!(" · {}", cut.describe()),
            theme.fg(Color::Yellow),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), second);
}

/// Two lines of bars: flagged events and events passed over, across the loaded time span.
pub(super) fn draw_histogram(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
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

/// How many rows the table shows, or, while a filter is being applied, how far it got.
fn shown_count(t: &crate::tui::table::TableState) -> String {
    match t.filtering() {
        Some((tested, total)) => format!("filtering… {tested} of {total}"),
        None => format!("{} of {} shown", t.order.len(), t.items.len()),
    }
}
