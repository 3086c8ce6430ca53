//! The header: review counts, what was read, the view line or the load's progress; and
//! the bars of events over time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::fit::{Part, fit};
use crate::model::thousands;
use crate::tui::app::{App, View};
use crate::tui::keymap::Keymap;

pub(super) fn draw_header(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: Theme) {
    // Only saved decisions count as reviewed: a decision being written or refused by a
    // full disk is shown apart (`1 saving…`, `2 NOT SAVED`).
    let saved = app.saved_counts(false);
    // Every count with its thousands separated, as `records 1,015` beside it (newbie13 #6:
    // `flagged 1883` beside `records 1,015` during a load).
    let n = |x: usize| thousands(x as u64);
    let (reviewed, total, s, l) = (
        n(saved.reviewed),
        n(saved.total),
        n(saved.suspicious),
        n(saved.legitimate),
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
            let (nr, nt, ns, nl) = (
                n(near.reviewed),
                n(near.total),
                n(near.suspicious),
                n(near.legitimate),
            );
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
                format!("{} NOT SAVED", n(shown.unsaved)),
                theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            )
        } else {
            (format!("{} saving…", n(shown.unsaved)), Style::new())
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
                        "{} {} changed since decided",
                        n(changed),
                        crate::tui::count::noun(changed, "row")
                    ),
                    warn,
                )],
                vec![Span::styled(format!("{} changed", n(changed)), warn)],
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
        let plural = |k: usize, one: &str, many: &str| {
            format!("{} {}", n(k), if k == 1 { one } else { many })
        };
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
                vec![Span::styled(format!("{} again", n(again)), warn)],
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
            vec![plain(format!("flagged {}", n(r.rows_flagged())))],
        ),
        Part::new(
            6,
            " · ",
            vec![
                plain(format!("near misses {}", n(r.near_misses.len()))),
                plain(format!("near {}", n(r.near_misses.len()))),
            ],
        ),
        // While loading, how many of the files named are read: `files 0` beside the second
        // line's `file 1/1` read as if nothing were being read.
        Part::new(
            3,
            " · ",
            vec![if app.loading.done || app.loading.files_total == 0 {
                plain(format!("files {}", n(files)))
            } else {
                plain(format!(
                    "files {} of {} read",
                    n(files),
                    n(app.loading.files_total)
                ))
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
        let what = crate::tui::count::noun(r.duplicate_records, "duplicate record");
        parts.push(Part::new(
            5,
            " · ",
            vec![
                plain(format!("{n} {what} (same event)")),
                plain(format!("{n} {what}")),
            ],
        ));
    }
    if r.folded_records > 0 {
        let n = thousands(r.folded_records);
        parts.push(Part::new(
            5,
            " · ",
            vec![
                plain(format!(
                    "{n} {} folded into other rows",
                    crate::tui::count::noun(r.folded_records, "record")
                )),
                plain(format!(
                    "{n} {} folded",
                    if r.folded_records == 1 {
                        "copy"
                    } else {
                        "copies"
                    }
                )),
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
    super::header_view::draw_view_line(frame, second, app, keymap, theme);
}
