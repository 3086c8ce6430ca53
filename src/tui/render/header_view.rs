//! The header's second line: the load's progress while files are read, then the view line
//! (which table, how many rows shown, what hides rows, the sort, what is still being made).
//! Apart from the facts line above it (`header.rs`) because each line gives way on a narrow
//! screen by its own order.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::Span;
use ratatui::widgets::{LineGauge, Paragraph};

use super::fit::{Part, fit};
use super::{Theme, human_bytes};
use crate::model::thousands;
use crate::tui::action::Intent;
use crate::tui::app::{App, View};
use crate::tui::keymap::{Context, Keymap};

/// Draws the second line of the header into `second` (one row).
pub(super) fn draw_view_line(
    frame: &mut Frame,
    second: Rect,
    app: &App,
    keymap: &Keymap,
    theme: Theme,
) {
    let area = second;
    let r = &app.report;
    let plain = |t: String| vec![Span::raw(t)];
    let ld = &app.loading;
    if !ld.done {
        let done = done_bytes(ld);
        let ratio = if ld.bytes_total > 0 {
            (done as f64 / ld.bytes_total as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let secs = ld.started.elapsed().as_secs_f64().max(0.001);
        let records = ld.records_done_files + ld.records_current;
        // The label leaves the gauge at least 8 columns; on a narrow screen its parts take
        // short wordings and the rates go first, never the key that stops the load.
        let room = usize::from(second.width).saturating_sub(8).max(20);
        let rows = thousands((app.findings.total() + app.near.total()) as u64);
        let label = if ld.sorting {
            // The load's end: every row, shown so far in the order read, is sorted once.
            fit(
                vec![
                    Part::new(3, "", vec![plain(format!("read {} · ", human_bytes(done)))]),
                    Part::new(
                        Part::KEEP,
                        "",
                        vec![
                            plain(format!("indexing and sorting {rows} rows… ")),
                            plain(format!("sorting {rows} rows… ")),
                        ],
                    ),
                ],
                room,
            )
        } else {
            let key = keymap
                .key_for(Context::Table, Intent::CancelOrQuit)
                .unwrap_or_default();
            let (done, total) = (human_bytes(done), human_bytes(ld.bytes_total));
            let file = (ld.files_done + 1).min(ld.files_total.max(1));
            let mut parts = Vec::new();
            if ld.cancelled {
                // Stopped by the analyst, the loader winding down: said at once, first.
                parts.push(Part::new(
                    Part::KEEP,
                    "",
                    vec![
                        plain("PARTIAL LOAD (stopped) · ".to_owned()),
                        plain("PARTIAL LOAD · ".to_owned()),
                    ],
                ));
            }
            fit(
                parts
                    .into_iter()
                    .chain([
                        Part::new(
                            Part::KEEP,
                            "",
                            vec![
                                plain(format!("loading {done} of {total}")),
                                plain(format!("{done}/{total}")),
                            ],
                        )
                        .shrinking_at(2),
                        Part::new(
                            3,
                            " · ",
                            vec![plain(format!(
                                "{}/s",
                                human_bytes((done_bytes(ld) as f64 / secs) as u64)
                            ))],
                        ),
                        Part::new(
                            2,
                            " · ",
                            vec![
                                plain(format!(
                                    "{} records/s",
                                    thousands((records as f64 / secs) as u64)
                                )),
                                plain(format!(
                                    "{} rec/s",
                                    thousands((records as f64 / secs) as u64)
                                )),
                            ],
                        ),
                        Part::new(
                            6,
                            " · ",
                            vec![
                                plain(format!("file {file}/{}", ld.files_total)),
                                plain(format!("{file}/{}", ld.files_total)),
                            ],
                        ),
                        Part::new(
                            Part::KEEP,
                            " · ",
                            vec![
                                plain(format!("{key} stops and keeps what was read ")),
                                plain(format!("{key} stops, keeps what was read ")),
                                plain(format!("{key} stops ")),
                            ],
                        )
                        .shrinking_at(5),
                    ])
                    .collect(),
                room,
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
    let sort = t.sort.map_or_else(
        || "time ▼".to_owned(),
        |(c, desc)| {
            format!(
                "{} {}",
                app.column_title(app.columns()[c]),
                if desc { "▼" } else { "▲" }
            )
        },
    );
    let warn = theme.fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let mut parts = Vec::new();
    // As soon as the analyst stops the load (not when the loader has wound down), from the
    // same state the report's header comes from (`App::load_gaps`).
    if app.load_gaps().is_some_and(|g| g.stopped) {
        // First, where even a narrow screen shows it: the findings cover part of the input.
        parts.push(Part::new(
            Part::KEEP,
            " · ",
            vec![
                vec![Span::styled("PARTIAL LOAD (stopped)", warn)],
                vec![Span::styled("PARTIAL LOAD", warn)],
            ],
        ));
    }
    // What the load left out or read with problems: early, so a narrow screen shows it too.
    let (passed_over, problems) = crate::tui::problems::counts(r);
    // Shortened after the parts that stay (`SHORT`) and once the count of rows shown is
    // gone, the two counts together last: the problems view (`p`) lists the files passed
    // over among the load's problems.
    let files = |n: usize| format!("{n} file{} passed over", if n == 1 { "" } else { "s" });
    let problems_text = |n: u64| format!("{n} problem{}", if n == 1 { "" } else { "s" });
    let forms: Vec<String> = match (passed_over, problems) {
        (0, 0) => Vec::new(),
        (n, 0) => vec![files(n), format!("{n} passed over")],
        (0, p) => vec![problems_text(p)],
        (n, p) => vec![
            format!("{} · {}", files(n), problems_text(p)),
            format!("{n} passed over · {}", problems_text(p)),
            problems_text(p + n as u64),
        ],
    };
    if !forms.is_empty() {
        let forms = forms
            .into_iter()
            .map(|f| vec![Span::styled(f, warn)])
            .collect();
        parts.push(Part::new(Part::KEEP, " · ", forms).shrinking_at(SHORT + 3));
    }
    let view_style = theme.fg(Color::Cyan).add_modifier(Modifier::BOLD);
    parts.push(
        Part::new(
            Part::KEEP,
            " · ",
            match app.view {
                View::Findings => vec![
                    vec![Span::styled("flagged rows", view_style)],
                    vec![Span::styled("flagged", view_style)],
                ],
                View::NearMisses => vec![vec![Span::styled("NEAR MISSES", view_style)]],
            },
        )
        .shrinking_at(SHORT),
    );
    if app.view == View::NearMisses {
        parts.push(Part::new(
            2,
            " ",
            vec![vec![Span::styled("(passed over by the query)", view_style)]],
        ));
    }
    let mut shown = vec![vec![Span::raw(shown_count(t))]];
    if t.filtering().is_none() {
        let (n, of) = (thousands(t.order.len() as u64), thousands(t.total() as u64));
        shown.push(vec![Span::raw(format!("{n}/{of} shown"))]);
    }
    // Shortened after the parts that stay (on its own level, so that its words come back
    // on their own), and dropped before the columns hint and the sort: the rows are on the
    // screen to count.
    parts.push(Part::new(8, " · ", shown).shrinking_at(SHORT + 1));
    // Columns a narrow screen leaves out are said, so none goes unnoticed (README, *Table*):
    // dropped only after every part but what is never dropped, the sort last (at 60
    // columns a load with problems lost both; ux16 #4). What hides rows (the filter, a
    // verdict view) stays before them: a table read without it misleads more.
    let hidden = app.columns().len() - app.drawn_columns(t).len();
    if hidden > 0 && !matches!(app.overlay, crate::tui::overlay::Overlay::Drill(_)) {
        let (long, short) = (
            format!(
                "{hidden} column{} off screen",
                if hidden == 1 { "" } else { "s" }
            ),
            format!("+{hidden} cols"),
        );
        let forms = vec![vec![Span::raw(long)], vec![Span::raw(short)]];
        parts.push(Part::new(KEPT - 1, " · ", forms).shrinking_at(SHORT));
    }
    if app.loading.done && (app.context_preparing() || app.context_reading()) {
        // Every row is in; the related records are still being read (the second pass over
        // the files, how far: `context_pass`) or the last file's indexed (`context_prep`):
        // no hint that reads them is shown before they are.
        let pct = app
            .context_percent()
            .map_or_else(String::new, |p| format!(" {p}%"));
        parts.push(Part::new(
            8,
            " · ",
            vec![
                vec![Span::styled(
                    format!("indexing related records{pct}…"),
                    theme.fg(Color::Yellow),
                )],
                vec![Span::styled(
                    format!("indexing{pct}…"),
                    theme.fg(Color::Yellow),
                )],
            ],
        ));
    }
    if let Some((done, of)) = app.hints_progress() {
        // The Hints column is made again after the load: until then it is not complete.
        let pct = done.saturating_mul(100) / of.max(1);
        parts.push(Part::new(
            8,
            " · ",
            vec![
                vec![Span::styled(
                    format!("making hints {pct}%…"),
                    theme.fg(Color::Yellow),
                )],
                vec![Span::styled(
                    format!("hints {pct}%…"),
                    theme.fg(Color::Yellow),
                )],
            ],
        ));
    }
    // What hides rows is always said (a verdict filter, the filter, a pivot's value): an
    // analyst who sees "0 of 1883 shown" must see why. `verdicts: all` hides nothing.
    let verdicts_hide = app.verdict_filter != crate::tui::verdict_filter::VerdictFilter::All;
    parts.push(Part::new(
        if verdicts_hide { Part::KEEP } else { 4 },
        " · ",
        vec![vec![Span::raw(format!(
            "verdicts: {}",
            app.verdict_filter.label()
        ))]],
    ));
    // Nearly as important as the filter: the order of the rows shown is part of what they
    // mean. Short, the last part dropped.
    parts.push(
        Part::new(
            KEPT,
            " · ",
            vec![
                vec![Span::raw(format!("sort: {sort}"))],
                vec![Span::raw(sort)],
            ],
        )
        .shrinking_at(SHORT),
    );
    // Local times name their zone here too, whole: the Time column's title is cut to its
    // 19 columns (`Time (Europe/Berl…`).
    if app.local_time {
        parts.push(Part::new(
            Part::KEEP,
            " · ",
            vec![
                vec![Span::raw(format!("times in {}", app.local_zone.label()))],
                vec![Span::raw(app.local_zone.label().to_owned())],
            ],
        ));
    }
    if !app.filter.is_empty() {
        // Its text cut with `…` when the line is short (before the sort is dropped): never
        // dropped itself.
        let forms = cut_forms("filter: ", &app.filter)
            .into_iter()
            .map(|t| vec![Span::styled(t, theme.highlight())])
            .collect();
        parts.push(Part::new(Part::KEEP, " · ", forms).shrinking_at(8));
    }
    if app.following > 0 {
        parts.push(Part::new(
            5,
            " · ",
            vec![
                vec![Span::styled(
                    format!(
                        "following {}",
                        crate::tui::count::count(app.following, "file")
                    ),
                    theme.fg(Color::Cyan),
                )],
                vec![Span::styled(
                    format!("following {}", app.following),
                    theme.fg(Color::Cyan),
                )],
            ],
        ));
    }
    if let Some((column, value)) = &app.pivot_filter {
        let name = app.column_title(*column);
        let forms = cut_forms(&format!("{name} = "), &format!("{value:?}"))
            .into_iter()
            .map(|t| vec![Span::styled(t, theme.highlight())])
            .collect();
        parts.push(Part::new(Part::KEEP, " · ", forms).shrinking_at(8));
    }
    if !t.selected.is_empty() {
        parts.push(Part::new(
            8,
            " · ",
            vec![vec![Span::raw(format!("{} selected", t.selected.len()))]],
        ));
    }
    if let Some(cut) = &ld.cut {
        parts.push(Part::new(
            6,
            " · ",
            vec![vec![Span::styled(cut.describe(), theme.fg(Color::Yellow))]],
        ));
    }
    // Notes and scripts beside the exports, quietly: last, dim, the first to give way on a
    // narrow screen; the problems view (`p`) lists them.
    if let Some(line) = crate::scan::other_files_line(r) {
        let n = r.not_read.iter().filter(|n| n.other.is_some()).count();
        parts.push(Part::new(
            1,
            " · ",
            vec![
                vec![Span::styled(format!("{line} (p)"), theme.dim())],
                vec![Span::styled(
                    format!("{n} other file{} (p)", if n == 1 { "" } else { "s" }),
                    theme.dim(),
                )],
            ],
        ));
    }
    frame.render_widget(Paragraph::new(fit(parts, usize::from(area.width))), second);
}

/// The level at which the view line's parts that stay take their short wordings
/// (`flagged`, `+9 cols`, `time ▼`), after the parts of lower priority are gone; the count
/// of rows shown and the load's problems take theirs after.
const SHORT: u8 = 6;

/// The sort's priority, and the hidden-columns hint's less one: above every part that
/// gives way, below what is never dropped.
const KEPT: u8 = 12;

/// The wordings of a part that names what hides rows: `label` + `text` whole, then `text`
/// cut to 24, 12 and 4 characters with `…` (so even a short line says what hides rows).
fn cut_forms(label: &str, text: &str) -> Vec<String> {
    let mut forms = vec![format!("{label}{text}")];
    for keep in [24, 12, 4] {
        if text.chars().count() > keep {
            let cut: String = text.chars().take(keep).collect();
            forms.push(format!("{label}{cut}…"));
        }
    }
    forms
}

/// Bytes read so far, of every file.
fn done_bytes(ld: &crate::tui::app::Loading) -> u64 {
    ld.bytes_done_files + ld.bytes_current
}

/// How many rows the table shows, or, while a filter is being applied, how far it got.
fn shown_count(t: &crate::tui::table::TableState) -> String {
    match t.filtering() {
        Some((tested, total)) => format!(
            "filtering… {} of {}",
            thousands(tested as u64),
            thousands(total as u64)
        ),
        None => format!(
            "{} of {} shown",
            thousands(t.order.len() as u64),
            thousands(t.total() as u64)
        ),
    }
}
