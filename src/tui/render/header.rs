//! The header: review counts, what was read, the view line or the load's progress; and
//! the bars of events over time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{LineGauge, Paragraph};

use super::fit::{Part, fit};
use super::{Theme, human_bytes};
use crate::model::thousands;
use crate::tui::action::Intent;
use crate::tui::app::{App, View};
use crate::tui::keymap::{Context, Keymap};

pub(super) fn draw_header(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: Theme) {
    // Only saved decisions count as reviewed: a decision being written or refused by a
    // full disk is shown apart (`1 saving…`, `2 NOT SAVED`).
    let saved = app.saved_counts(false);
    let (reviewed, total, s, l) = (
        saved.reviewed,
        saved.total,
        saved.suspicious,
        saved.legitimate,
    );
    let r = &app.report;
    let files = app.loading.files_done.max(r.files.len());
    // The review state first and last to go: on a narrow screen it is what must stay
    // visible. In the near-miss view, that of the near misses, then that of the flagged rows.
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let plain = |t: String| vec![Span::raw(t)];
    // The tool's name goes first: the facts matter more on a narrow screen.
    let mut parts = vec![Part::new(
        1,
        "",
        vec![vec![Span::styled("sts-triage", bold)]],
    )];
    match app.view {
        // Its short wording comes early, so that the counts beside it stay on screen.
        View::Findings => parts.push(
            Part::new(
                Part::KEEP,
                " ",
                vec![
                    vec![Span::styled(
                        format!("reviewed {reviewed}/{total} · suspicious {s} · legitimate {l}"),
                        bold,
                    )],
                    vec![Span::styled(
                        format!("reviewed {reviewed}/{total} · susp {s} · legit {l}"),
                        bold,
                    )],
                ],
            )
            .shrinking_at(3),
        ),
        View::NearMisses => {
            let near = app.saved_counts(true);
            let (nr, nt, ns, nl) = (near.reviewed, near.total, near.suspicious, near.legitimate);
            parts.push(Part::new(
                Part::KEEP,
                " ",
                vec![
                    vec![Span::styled(
                        format!(
                            "near misses reviewed {nr}/{nt} · suspicious {ns} · legitimate {nl}"
                        ),
                        bold,
                    )],
                    vec![Span::styled(
                        format!("near misses reviewed {nr}/{nt} · susp {ns} · legit {nl}"),
                        bold,
                    )],
                    vec![Span::styled(
                        format!("near misses reviewed {nr}/{nt}"),
                        bold,
                    )],
                ],
            ));
            parts.push(Part::new(
                9,
                " │ ",
                vec![
                    vec![Span::styled(
                        format!("flagged rows reviewed {reviewed}/{total}"),
                        bold,
                    )],
                    vec![Span::styled(
                        format!("flagged reviewed {reviewed}/{total}"),
                        bold,
                    )],
                ],
            ));
        }
    }
    // Decisions not (yet) in the journal, of the view's table, beside the counts they are
    // not part of.
    let shown = match app.view {
        View::Findings => saved,
        View::NearMisses => app.saved_counts(true),
    };
    if shown.unsaved > 0 {
        let (text, style) = if shown.refused > 0 {
            (
                format!("{} NOT SAVED", shown.unsaved),
                theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            )
        } else {
            (format!("{} saving…", shown.unsaved), Style::new())
        };
        parts.insert(
            2,
            Part::new(Part::KEEP, " · ", vec![vec![Span::styled(text, style)]]),
        );
    }
    // Decided rows that events joined since their verdict: what the counts above do not
    // cover, kept as long as the counts are.
    let changed = app.changed_since_decided();
    if changed > 0 {
        let warn = theme.fg(Color::Yellow).add_modifier(Modifier::BOLD);
        parts.push(Part::new(
            10,
            " · ",
            vec![
                vec![Span::styled(
                    format!(
                        "{changed} row{} changed since decided",
                        if changed == 1 { "" } else { "s" }
                    ),
                    warn,
                )],
                vec![Span::styled(format!("{changed} changed"), warn)],
            ],
        ));
    }
    // Near misses a decision on their id no longer applies to (two now share the id), with
    // no decision of their own yet, and decided flagged rows that folded into another row:
    // kept as the review counts are (a decision the analyst made is not applied).
    let (near, rows) = (app.near.decide_again, app.folded_decisions());
    let again = near + rows;
    if again > 0 {
        let warn = theme.fg(Color::Yellow).add_modifier(Modifier::BOLD);
        // Named by what is to be decided: placed after the flagged rows' count in the
        // near-miss view, a bare number read as rows (breaker 12 #6).
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let what = match (near, rows) {
            (_, 0) => plural(near, "near miss", "near misses"),
            (0, _) => plural(rows, "row", "rows"),
            _ => format!(
                "{} and {}",
                plural(near, "near miss", "near misses"),
                plural(rows, "row", "rows")
            ),
        };
        parts.push(Part::new(
            Part::KEEP,
            " · ",
            vec![
                vec![Span::styled(format!("{what} to decide again"), warn)],
                vec![Span::styled(format!("{again} again"), warn)],
            ],
        ));
    }
    let records = r
        .records()
        .max(app.loading.records_done_files + app.loading.records_current);
    let skipped = r.skipped();
    parts.extend([
        Part::new(
            7,
            " │ ",
            vec![plain(format!("flagged {}", r.rows_flagged()))],
        ),
        Part::new(
            6,
            " · ",
            vec![
                plain(format!("near misses {}", r.near_misses.len())),
                plain(format!("near {}", r.near_misses.len())),
            ],
        ),
        // While loading, how many of the files named are read: `files 0` beside the second
        // line's `file 1/1` read as if nothing were being read.
        Part::new(
            3,
            " · ",
            vec![if app.loading.done || app.loading.files_total == 0 {
                plain(format!("files {files}"))
            } else {
                plain(format!("files {files} of {} read", app.loading.files_total))
            }],
        ),
        Part::new(
            4,
            " · ",
            vec![plain(format!("records {}", thousands(records)))],
        ),
        // Records skipped matter more when there are some.
        Part::new(
            if skipped > 0 { 8 } else { 2 },
            " · ",
            vec![plain(format!("skipped {}", thousands(skipped)))],
        ),
    ]);
    if r.duplicate_records > 0 {
        let n = thousands(r.duplicate_records);
        parts.push(Part::new(
            5,
            " · ",
            vec![
                plain(format!("{n} duplicate records (same event)")),
                plain(format!("{n} duplicate records")),
            ],
        ));
    }
    if r.folded_records > 0 {
        let n = thousands(r.folded_records);
        parts.push(Part::new(
            5,
            " · ",
            vec![
                plain(format!("{n} records folded into other rows")),
                plain(format!("{n} copies folded")),
            ],
        ));
    }
    let first = fit(parts, usize::from(area.width));
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
    if passed_over > 0 {
        parts.push(Part::new(
            Part::KEEP,
            " · ",
            vec![vec![Span::styled(
                format!(
                    "{passed_over} file{} passed over",
                    if passed_over == 1 { "" } else { "s" }
                ),
                warn,
            )]],
        ));
    }
    if problems > 0 {
        parts.push(Part::new(
            Part::KEEP,
            " · ",
            vec![vec![Span::styled(
                format!("{problems} problem{}", if problems == 1 { "" } else { "s" }),
                warn,
            )]],
        ));
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
        .shrinking_at(7),
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
        shown.push(vec![Span::raw(format!(
            "{}/{} shown",
            t.order.len(),
            t.total()
        ))]);
    }
    parts.push(Part::new(9, " · ", shown));
    // Columns a narrow screen leaves out are said, so none goes unnoticed (README, *Table*).
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
        parts.push(Part::new(7, " · ", forms));
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
    // As important as the filter: the order of the rows shown is part of what they mean.
    // Short first, dropped last but one: before it goes, the filter's text is cut.
    parts.push(
        Part::new(
            9,
            " · ",
            vec![
                vec![Span::raw(format!("sort: {sort}"))],
                vec![Span::raw(sort)],
            ],
        )
        .shrinking_at(7),
    );
    // Local times name their zone here too, whole: the Time column's title is cut to its
    // 19 columns (`Time (Europe/Berl…`).
    if app.local_time {
        parts.push(Part::new(
            Part::KEEP,
            " · ",
            vec![
                vec![Span::raw(format!("times in {}", app.local_zone))],
                vec![Span::raw(app.local_zone.clone())],
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
                    format!("following {} file(s)", app.following),
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

/// How many rows the table shows, or, while a filter is being applied, how far it got.
/// Bytes read so far, of every file.
fn done_bytes(ld: &crate::tui::app::Loading) -> u64 {
    ld.bytes_done_files + ld.bytes_current
}

fn shown_count(t: &crate::tui::table::TableState) -> String {
    match t.filtering() {
        Some((tested, total)) => format!("filtering… {tested} of {total}"),
        None => format!("{} of {} shown", t.order.len(), t.total()),
    }
}
