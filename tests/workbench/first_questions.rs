#![allow(clippy::panic, clippy::unwrap_used)]
//! What a newcomer could not read at 80×24 and 160×45 (newbie16): whose tokens changed and
//! the hints at 80 columns, every near miss's reason whole, the context panel's operations
//! at 160, a problems view that opens on its problems, the histogram beside an outlier
//! event, and rows below the table's last line.

use ratatui::crossterm::event::KeyCode;

use sts_triage::tui::action::Action;
use sts_triage::tui::app::App;
use sts_triage::tui::columns::{Column, near_miss};

use crate::support::{press, scan, screen, workbench};

fn samples(w: u16, h: u16) -> App {
    let mut app = workbench(
        "/tmp/s.sts-triage.jsonl",
        "analyst",
        scan(&["assets/samples"]),
    );
    app.apply(Action::Resize {
        width: w,
        height: h,
    });
    app
}

/// The `far proxy first` row reads as one at 80 columns: its target and its hints are on
/// its line (they were at columns 153 and 126).
#[test]
fn at_80_columns_a_row_shows_whose_tokens_and_its_hints() {
    let s = screen(&samples(80, 24), 80, 24);
    let row = s
        .lines()
        .find(|l| l.contains("2025-10-03 16:00:04"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains("Lee Gu"), "{row}");
    assert!(row.contains("diego.sicilia"), "the target: {row}");
    assert!(row.contains("far proxy f"), "the hints: {row}");
}

/// Every near miss's reason is read whole at 80 columns, wrapped under its start where it
/// is wider than its column (it was cut at 27: `StsRefreshTokensValidFrom …`).
#[test]
fn at_80_columns_every_near_miss_reason_is_whole() {
    let mut app = samples(80, 24);
    crate::keys(&mut app, "m");
    let s = screen(&app, 80, 24);
    let lines: Vec<&str> = s.lines().collect();
    let head = lines.iter().position(|l| l.contains("Reason")).unwrap();
    let col = |l: &str, title: &str| l.chars().collect::<String>().find(title).unwrap();
    let (from, to) = (col(lines[head], "Reason"), col(lines[head], "Verdict"));
    // The Reason column's text of each row: its first line, and the next when it goes on
    // there (the row's other cells empty).
    let cell = |l: &str| -> String {
        l.chars()
            .skip(from)
            .take(to - from)
            .collect::<String>()
            .trim()
            .to_owned()
    };
    let mut shown = Vec::new();
    for l in lines.iter().skip(head + 1) {
        let starts_row = !l.get(2..3).unwrap_or(" ").trim().is_empty();
        if starts_row {
            shown.push(cell(l));
        } else if let Some(last) = shown.last_mut() {
            let more = cell(l);
            if !more.is_empty() && !l.contains("help") {
                last.push(' ');
                last.push_str(&more);
            }
        }
    }
    let t = &app.near;
    assert_eq!(t.order.len(), 8);
    for &item in &t.order {
        let reason = app.cell(t, item, near_miss(Column::Reason));
        assert!(
            shown.contains(&reason),
            "{reason:?} not whole in {shown:?}\n{s}"
        );
    }
}

/// At 160×45 the context panel beside the event has the larger share, and `Reset user
/// password.` is whole (it read `Reset user …` beside a whole `(17 sources)`).
#[test]
fn at_160_columns_the_context_panel_keeps_the_operations_whole() {
    let mut app = samples(160, 45);
    crate::keys(&mut app, "/hints:reset");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    crate::keys(&mut app, "x");
    let s = screen(&app, 160, 45);
    let reset = s
        .lines()
        .find(|l| l.contains(" CTA Reset"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(reset.contains("Reset user password. by "), "{reset}");
    let panel = reset.rsplit("││").next().unwrap();
    assert!(panel.chars().count() > 80, "{panel}");
}

/// The problems view opens on the four problems, and the duplicate records (315 in the
/// samples) are a few examples a pair of files: it was 1,128 lines long at 80 columns.
#[test]
fn the_problems_view_lists_a_few_duplicate_records_a_pair() {
    let mut app = samples(80, 24);
    crate::keys(&mut app, "p");
    let s = screen(&app, 80, 24);
    let title = s.lines().find(|l| l.contains("problems · lines")).unwrap();
    let total: usize = title
        .split(" of ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{title}"));
    assert!(total < 400, "{total} lines: {title}");
    assert!(s.contains("Problems (4)"), "{s}");
}

/// One sample event of 2020 beside those of October 2025 squeezed them into the last two
/// bars: it is counted at the start (`◂1`), the bars spread over 2025.
#[test]
fn the_histogram_counts_an_outlier_apart() {
    let s = screen(&samples(160, 45), 160, 45);
    let flagged = s.lines().find(|l| l.starts_with("flagged ")).unwrap();
    assert!(flagged.contains("◂1 "), "{flagged}");
    let bars = flagged.chars().filter(|c| ('▁'..='█').contains(c)).count();
    assert!(bars >= 8, "{flagged}");
}

/// At 60×20 the table shows 15 of the 16 rows: the last line drawn says more are below.
#[test]
fn rows_below_the_table_are_marked() {
    let app = samples(60, 20);
    let s = screen(&app, 60, 20);
    let rows: Vec<&str> = s.lines().skip(3).take(15).collect();
    assert!(rows.last().unwrap().starts_with('↓'), "{s}");
    assert!(!rows[0].starts_with('↑'), "{s}");
}
