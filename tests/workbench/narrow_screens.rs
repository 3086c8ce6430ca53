#![allow(clippy::panic, clippy::unwrap_used)]
//! The header, the footer and the status line at widths from 60 to 160 columns, on the
//! bundled samples: they fit by priority (whole parts dropped, shorter words taken) and
//! never show a word cut at the right edge (`near misse`, `Ent`); `?` help is always shown.

use std::collections::BTreeSet;

use ratatui::crossterm::event::KeyCode;

use sts_triage::tui::action::Action;
use sts_triage::tui::app::App;

use crate::support::{press, scan, screen, workbench};

/// The shorter words the footer may use on a narrow screen, for the hints
/// suspicious, legitimate and raw events.
const SHORT_WORDS: [&str; 3] = ["susp", "legit", "events"];

const JOURNAL: &str = "/cases/2026/acme-incident-4711/evidence/exports/samples.sts-triage.jsonl";

/// Widths from 60 to 160: every fourth (a draw takes tens of milliseconds in a debug
/// build), and 80 and 160 themselves.
fn widths() -> impl Iterator<Item = u16> {
    (60..=160u16).step_by(4).chain([80, 81, 159, 160])
}

fn resize(app: &mut App, w: u16, h: u16) {
    app.apply(Action::Resize {
        width: w,
        height: h,
    });
}

/// The header's two lines and the footer's hint line (without the status line).
fn bars(app: &mut App, w: u16) -> Vec<String> {
    resize(app, w, 12);
    let s = screen(app, w, 12);
    let lines: Vec<&str> = s.lines().collect();
    vec![
        lines[0].to_owned(),
        lines[1].to_owned(),
        lines[lines.len() - 2].to_owned(),
    ]
}

fn words(lines: &[String]) -> BTreeSet<String> {
    lines
        .iter()
        .flat_map(|l| l.split_whitespace().map(str::to_owned))
        .collect()
}

#[test]
fn header_and_footer_fit_without_a_cut_word_from_60_to_160_columns() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    // Each screen: the table, the near misses, a drill-down.
    let screens: [&[KeyCode]; 3] = [
        &[],
        &[KeyCode::Char('m')],
        &[KeyCode::Char('m'), KeyCode::Enter],
    ];
    for (n, keys) in screens.iter().enumerate() {
        for k in *keys {
            press(&mut app, *k);
        }
        // Every word the screen says when nothing has to give way.
        let mut vocabulary = words(&bars(&mut app, 1000));
        vocabulary.extend(SHORT_WORDS.iter().map(|w| (*w).to_owned()));
        // How many columns a narrow screen leaves out (`+10 cols`, `3 columns off screen`).
        vocabulary.extend(["cols", "columns", "off", "screen", "copies"].map(str::to_owned));
        for w in widths() {
            let lines = bars(&mut app, w);
            for word in words(&lines) {
                let count = word.trim_start_matches('+').parse::<u16>().is_ok();
                assert!(
                    vocabulary.contains(&word) || count,
                    "screen {n} at {w} columns: `{word}` is cut or unknown in\n{}",
                    lines.join("\n")
                );
            }
            assert!(
                lines[2].split_whitespace().any(|t| t == "?")
                    && lines[2].split_whitespace().any(|t| t == "help"),
                "screen {n} at {w} columns: no `? help` in {:?}",
                lines[2]
            );
        }
        if n == 0 {
            // The review counts and the problems stay at the narrowest width.
            let narrow = bars(&mut app, 60).join("\n");
            let flagged = app.report.rows_flagged();
            assert!(
                narrow.contains(&format!("reviewed 0/{flagged}")),
                "{narrow}"
            );
            assert!(narrow.contains("4 problems"), "{narrow}");
            assert!(narrow.contains("p problems"), "{narrow}");
            // And everything is there at 160.
            let wide = bars(&mut app, 160).join("\n");
            let r = &app.report;
            assert!(
                r.records() < 1000 && r.duplicate_records > 0,
                "the samples changed"
            );
            for part in [
                format!("near misses {}", r.near_misses.len()),
                format!("records {}", r.records()),
                format!("{} duplicate records", r.duplicate_records),
                "q  quit".to_owned(),
            ] {
                assert!(wide.contains(&part), "no {part:?} at 160:\n{wide}");
            }
        }
    }
}

#[test]
fn a_long_status_keeps_the_journal_file_name_and_cuts_no_word() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    let full = format!("journal: {JOURNAL}");
    for w in widths() {
        resize(&mut app, w, 12);
        let s = screen(&app, w, 12);
        let status = s.lines().last().unwrap().trim_end().to_owned();
        if w as usize >= full.chars().count() {
            assert_eq!(status, full, "at {w} columns");
            continue;
        }
        assert!(
            status.contains("/exports/samples.sts-triage.jsonl"),
            "at {w} columns the journal's name is lost: {status:?}"
        );
        for word in status.split_whitespace() {
            let whole = word.trim_start_matches('…').trim_end_matches('…');
            assert!(
                full.split_whitespace()
                    .any(|f| f == word || f.ends_with(whole)),
                "at {w} columns `{word}` is cut: {status:?}"
            );
        }
    }
}

/// newbie12b #2: with no analyst name the start's status line said where the journal is
/// first, and at 80 columns `decisions are…` was all that was left of the notice. Now the
/// notice and its way out (`--analyst NAME`) come first and stay whole at 80 columns; at 60
/// the fact still shows. The journal's words follow.
#[test]
fn the_unsigned_notice_and_its_way_out_show_first_at_80_columns() {
    use sts_triage::journal::{UNSIGNED, analyst_name};
    use sts_triage::tui::lazy_journal::{JournalState, start_status};
    let (who, unsigned) = analyst_name(None, |_| None);
    let (status, error) = start_status(JOURNAL, JournalState::Created, None, unsigned);
    assert!(error);
    let mut app = workbench(JOURNAL, &who, scan(&["assets/samples"]));
    app.status = status.clone();
    app.status_error = error;
    for (w, wanted) in [
        (80, &["signed `unknown`", "--analyst NAME"][..]),
        (60, &["signed `unknown`"][..]),
        (
            200,
            &[
                "signed `unknown`",
                "--analyst NAME",
                "created at the first decision",
            ][..],
        ),
    ] {
        resize(&mut app, w, 24);
        let s = screen(&app, w, 24);
        let line = s.lines().last().unwrap();
        for part in wanted {
            assert!(line.contains(part), "at {w} columns no {part:?}: {line:?}");
        }
    }
    // Signed: where the journal is, alone; a replay warning stays first.
    let (signed, error) = start_status(
        JOURNAL,
        JournalState::Replayed("3 earlier decisions replayed".to_owned()),
        None,
        None,
    );
    assert!(!error && signed.starts_with("journal ") && signed.contains("3 earlier decisions"));
    let (warned, _) = start_status(
        JOURNAL,
        JournalState::Replayed("3 earlier decisions replayed".to_owned()),
        Some("journal line 2 is damaged".to_owned()),
        analyst_name(None, |_| None).1,
    );
    assert!(warned.starts_with("journal line 2 is damaged · decisions are signed"));
    assert_eq!(who, UNSIGNED);
}

/// At 160x45 the near misses' Reason, what the analyst reads there, is drawn whole on the
/// bundled samples (a field path, a misspelt operation quoted: up to about 80 characters).
#[test]
fn near_miss_reasons_are_whole_at_160_columns() {
    use sts_triage::tui::columns::{Column, near_miss};
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    resize(&mut app, 160, 45);
    press(&mut app, KeyCode::Char('m'));
    let s = screen(&app, 160, 45);
    let reasons: Vec<&str> = app
        .near
        .items
        .iter()
        .map(|i| &i.cells[near_miss(Column::Reason)])
        .collect();
    assert!(reasons.len() > 5 && reasons.iter().any(|r| r.chars().count() > 70));
    for r in reasons {
        assert!(s.contains(r), "{r:?} not whole on screen:\n{s}");
    }
}

/// At 80 and 60 columns the facts stay on the header: the review counts with the flagged
/// rows and the near misses (labels shortened, not facts dropped), the sort beside an
/// active filter, and while loading how far it got and the key that stops it, whole.
#[test]
fn the_facts_fit_at_80_and_60_columns() {
    for w in [80u16, 60] {
        let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
        let head = bars(&mut app, w);
        assert!(
            head[0].contains("flagged 16") && head[0].contains("near") && head[0].contains(" 8"),
            "{w}: {head:?}"
        );
        assert!(
            head[0].contains("legit 0") || head[0].contains("legitimate 0"),
            "{w}: {head:?}"
        );
        // A filter on: the sort still shows.
        for c in "/account:contoso".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        let head = bars(&mut app, w);
        assert!(head[1].contains("time ▼"), "{w}: the sort, beside {head:?}");
        assert!(head[1].contains("filter"), "{w}: {head:?}");

        let mut loading = App::new("j.jsonl", "a", Default::default());
        loading.apply(Action::LoadPlan {
            files: 3,
            bytes: 3_000_000_000,
            names: Vec::new(),
        });
        let head = bars(&mut loading, w);
        assert!(
            head[1].contains("Ctrl+C stops")
                && head[1].contains("3.00 GB")
                && head[1].contains("1/3"),
            "{w}: {head:?}"
        );
    }
}

/// What hides rows is always in the header: a verdict filter beside a text filter at 80
/// columns (the sort gives way first, the filter text is cut with `…`), at every width.
#[test]
fn the_verdict_filter_and_the_filter_stay_in_the_header_at_every_width() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    crate::support::keys(&mut app, "vv");
    crate::support::keys(&mut app, "/henr");
    press(&mut app, KeyCode::Enter);
    for long in [false, true] {
        if long {
            crate::support::keys(&mut app, "/");
            for _ in 0..4 {
                press(&mut app, KeyCode::Backspace);
            }
            crate::support::keys(
                &mut app,
                "account:someone-with-a-very-long-name@example.com",
            );
            press(&mut app, KeyCode::Enter);
        }
        for w in widths() {
            let header = bars(&mut app, w)[1].clone();
            assert!(
                header.contains("verdicts: suspicious"),
                "{w}: the verdict filter shown: {header:?}"
            );
            assert!(
                header.contains("filter: ") || header.contains("filtered"),
                "{w}: the filter shown: {header:?}"
            );
            if w == 80 && !long {
                assert!(header.contains("filter: henr"), "{header:?}");
            }
            if w == 80 && long {
                assert!(header.contains('…'), "cut with …: {header:?}");
            }
        }
    }
}

/// At 60×20 the table keeps the query's two numbers (+Minutes, Remaining) beside the Account
/// and the Verdict, the time giving way, and the header says how many columns are off screen;
/// at 80 the time is back. Nothing is left out unsaid.
#[test]
fn a_narrow_table_keeps_the_query_numbers_and_says_what_is_off_screen() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    resize(&mut app, 60, 20);
    let s = screen(&app, 60, 20);
    let titles = s.lines().find(|l| l.contains("Account")).unwrap();
    for title in ["Account", "Target", "Hints", "Verdict"] {
        assert!(titles.contains(title), "{title} in {titles}\n{s}");
    }
    let hidden = app.columns().len() - app.drawn_columns(app.table()).len();
    let header = s.lines().nth(1).unwrap();
    assert!(
        header.contains(&format!("+{hidden} cols"))
            || header.contains(&format!(
                "{hidden} column{} off screen",
                if hidden == 1 { "" } else { "s" }
            )),
        "{s}"
    );
    resize(&mut app, 80, 24);
    let s = screen(&app, 80, 24);
    let titles = s.lines().find(|l| l.contains("Account")).unwrap();
    for title in ["Time (UTC)", "Target", "Hints"] {
        assert!(titles.contains(title), "{title} in {titles}\n{s}");
    }
    // The records folded into other rows are said as what they are, even short.
    let mut said = 0;
    for w in widths() {
        let first = bars(&mut app, w).remove(0);
        if first.contains("folded") {
            said += 1;
            assert!(
                first.contains("copies folded") || first.contains("records folded into"),
                "{w}: {first}"
            );
        }
    }
    assert!(
        said > 0,
        "the samples' folded records are said at some width"
    );
}

/// An unknown column's error at 60 columns: the likely column named first, and the cut
/// list of columns ends with `…` (it read `columns: time`, as if time were the only one).
#[test]
fn unknown_column_error_is_cut_with_an_ellipsis_and_names_the_near_column() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    resize(&mut app, 60, 20);
    crate::keys(&mut app, "/acount:ops");
    let s = screen(&app, 60, 20);
    let line = s.lines().find(|l| l.contains('✗')).unwrap().trim_end();
    assert!(line.contains("did you mean account?"), "{line}");
    assert!(line.ends_with('…'), "{line}");
    // Wide enough, the error is whole and the count follows it.
    resize(&mut app, 220, 20);
    let s = screen(&app, 220, 20);
    let line = s.lines().find(|l| l.contains('✗')).unwrap().trim_end();
    assert!(line.contains("reason operation after before"), "{line}");
    assert!(!line.contains('…') && line.ends_with("16 of 16"), "{line}");
}

/// A filter error at 60 columns after other terms: the word that is wrong and what was
/// expected stay (it read `✗ acount:ops: did you mean…`, the suggestion cut): the column
/// alone names the term when the whole term does not fit.
#[test]
fn a_filter_error_at_60_columns_keeps_the_wrong_word_and_what_was_expected() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    resize(&mut app, 60, 20);
    crate::keys(&mut app, "/remaining:>60 acount:ops");
    let s = screen(&app, 60, 20);
    let line = s.lines().find(|l| l.contains('✗')).unwrap().trim_end();
    assert!(line.contains("✗ acount: did you mean account?"), "{line}");
    // A value where a number goes: the column and the value typed, quoted.
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    resize(&mut app, 60, 20);
    crate::keys(&mut app, "/remaining:>60 added:>sixty");
    let s = screen(&app, 60, 20);
    let line = s.lines().find(|l| l.contains('✗')).unwrap().trim_end();
    assert!(line.contains("added: \"sixty\" is not"), "{line}");
}

/// The context panel at 60x20 on the samples' Allan Deyoung row: each line keeps its offset,
/// its why code and the start of its operation, so that an update reads apart from a reset
/// or a sign-in (the operation was cut to `U…` beside the actor and the target).
#[test]
fn the_context_panel_at_60_columns_keeps_offset_reason_and_operation() {
    let mut app = workbench(JOURNAL, "analyst", scan(&["assets/samples"]));
    resize(&mut app, 60, 20);
    crate::keys(&mut app, "/allan");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    crate::keys(&mut app, "x");
    let s = screen(&app, 60, 20);
    let related: Vec<&str> = s
        .lines()
        .filter(|l| l.contains(" ··A ") && l.contains("▸("))
        .collect();
    assert!(related.len() >= 3, "{s}");
    for line in &related {
        let after = line.split(" ··A ").nth(1).unwrap();
        let op: String = after.chars().take_while(|&c| c != '…').collect();
        assert!(op.chars().count() >= 10, "operation cut to {op:?}: {line}");
        if line.contains("Update") {
            assert!(line.contains(" → "), "the target cut off: {line}");
        }
    }
    assert!(related.iter().any(|l| l.contains("··A Update StsR")), "{s}");
}
