#![allow(clippy::panic, clippy::unwrap_used)]
//! The workbench driven without a terminal: actions into the state, key events through the
//! keymap, and the screen rendered on ratatui's TestBackend (insta snapshots).

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use sts_triage::journal::{Decision, Verdict};
use sts_triage::load::{ScanMessage, ScanOptions};
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect, Overlay, View};
use sts_triage::tui::columns::{Column, finding};
use sts_triage::tui::key_to_action;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::overlay::{Candidate, Link};
use sts_triage::tui::render::{Theme, draw};

mod support;
use support::{focus_on, keys, press, render as screen, sized, text};

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn report() -> ScanReport {
    scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap()
}

fn app() -> App {
    App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report())
}

fn current_account(app: &App) -> String {
    let t = app.table();
    app.cell(t, t.current().unwrap(), 1)
}

fn journal_entries(app: &mut App) -> Vec<(String, Verdict, String, String)> {
    app.effects
        .drain(..)
        .filter_map(|e| match e {
            Effect::Journal(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .map(|e| (e.key, e.verdict, e.note, e.action))
        .collect()
}

#[test]
fn the_table_shows_one_row_per_distinct_result_newest_first() {
    let app = app();
    assert_eq!(
        app.findings.items.len(),
        7,
        "8 flagged events, two collapse"
    );
    assert_eq!(app.near.items.len(), 3);
    assert_eq!(
        current_account(&app),
        "carol@contoso.com",
        "the newest event first"
    );
    assert!(
        app.findings.items.iter().any(|i| &i.cells[1]
            == "evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com"
            && i.tampered),
        "the hostile name is escaped and flagged"
    );
    let dup = app
        .findings
        .order
        .iter()
        .find(|&&i| &app.findings.items[i].cells[1] == "helpdesk@contoso.com")
        .copied()
        .unwrap();
    assert_eq!(
        app.cell(&app.findings, dup, finding(Column::Events)),
        "2",
        "two events stand behind the collapsed row"
    );
}

#[test]
fn marking_moves_on_journals_and_undo_redo_restore() {
    let mut app = app();
    let first = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let second = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    assert_ne!(first, second, "the cursor moved to the next row");
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let entries = journal_entries(&mut app);
    assert_eq!(
        entries,
        vec![
            (
                first.clone(),
                Verdict::Suspicious,
                String::new(),
                "set".to_owned()
            ),
            (
                second.clone(),
                Verdict::Legitimate,
                String::new(),
                "set".to_owned()
            ),
        ]
    );
    assert_eq!(app.review_counts(), (2, 7, 1, 1));
    app.apply(Action::Intent(Intent::Undo));
    assert_eq!(app.decision(&second).verdict, Verdict::Unreviewed);
    assert_eq!(journal_entries(&mut app)[0].3, "undo");
    app.apply(Action::Intent(Intent::Redo));
    assert_eq!(app.decision(&second).verdict, Verdict::Legitimate);
    assert!(
        app.unsaved.contains(&second),
        "not saved until the journal confirms"
    );
    app.apply(Action::Saved {
        keys: vec![first, second.clone()],
    });
    assert!(app.unsaved.is_empty());
    app.effects.clear();
    app.apply(Action::SaveFailed {
        keys: vec![second.clone()],
        error: "disk full".into(),
    });
    assert!(app.unsaved.contains(&second));
    assert!(app.status.contains("NOT SAVED"));
    // The next decision that saves (on the next row: the redo put the cursor on the row
    // it changed) also writes what the failure left unsaved.
    app.apply(Action::Intent(Intent::MoveDown));
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let next: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys: next });
    let retried = journal_entries(&mut app);
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].0, second);
    assert_eq!(retried[0].1, Verdict::Legitimate);
    app.apply(Action::Saved { keys: vec![second] });
    assert!(app.unsaved.is_empty());
}

#[test]
fn selection_applies_one_decision_to_many_rows_as_one_step() {
    let mut app = app();
    app.apply(Action::Intent(Intent::ToggleSelect));
    app.apply(Action::Intent(Intent::ToggleSelect));
    app.apply(Action::Intent(Intent::ToggleSelect));
    assert_eq!(app.findings.selected.len(), 3);
    app.apply(Action::Intent(Intent::MarkLegitimate));
    assert_eq!(app.review_counts(), (3, 7, 0, 3));
    assert!(app.findings.selected.is_empty());
    app.apply(Action::Intent(Intent::Undo));
    assert_eq!(
        app.review_counts(),
        (0, 7, 0, 0),
        "one undo reverts the whole selection"
    );
}

/// `u` and Ctrl+R say what they undid or redid, and keep saying it once the journal has
/// saved it (the save's own message used to replace it in the same frame).
#[test]
fn undo_and_redo_say_what_they_did() {
    let mut app = app();
    for _ in 0..3 {
        app.apply(Action::Intent(Intent::ToggleSelect));
    }
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let keys: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys: keys.clone() });
    app.apply(Action::Intent(Intent::Undo));
    assert!(
        app.status
            .starts_with("undone: suspicious on 3 rows (back to unreviewed: no decision)"),
        "{}",
        app.status
    );
    journal_entries(&mut app);
    app.apply(Action::Saved { keys: keys.clone() });
    assert!(
        app.status.starts_with(
            "undone: suspicious on 3 rows (back to unreviewed: no decision) · saved ✓"
        ),
        "{}",
        app.status
    );
    app.apply(Action::Intent(Intent::Redo));
    journal_entries(&mut app);
    app.apply(Action::Saved { keys });
    assert!(
        app.status
            .starts_with("redone: suspicious on 3 rows · saved ✓"),
        "{}",
        app.status
    );
    // A later decision's save says its own count again.
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let keys: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    app.apply(Action::Saved { keys });
    assert!(
        app.status.starts_with("saved ✓ 1 decision(s)"),
        "{}",
        app.status
    );
}

#[test]
fn notes_are_typed_and_saved() {
    let mut app = app();
    let key = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    keys(&mut app, "n");
    keys(&mut app, "revoked by helpdesk");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.decision(&key).note, "revoked by helpdesk");
    let entries = journal_entries(&mut app);
    assert_eq!(entries.last().unwrap().2, "revoked by helpdesk");
    // Esc abandons an edit.
    keys(&mut app, "nxyz");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.decision(&key).note, "revoked by helpdesk");
}

#[test]
fn filter_is_fuzzy_and_knows_columns_and_exclusions() {
    let mut app = app();
    keys(&mut app, "/hlpdsk");
    assert_eq!(app.findings.order.len(), 1, "fuzzy match");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.findings.order.len(), 7, "Esc clears");
    keys(&mut app, "/ip:203.0");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.findings
            .order
            .iter()
            .all(|&i| app.findings.items[i].cells[finding(Column::Ip)].starts_with("203.0"))
    );
    assert_eq!(app.findings.order.len(), 4);
    keys(&mut app, "/");
    press(&mut app, KeyCode::Backspace);
    for _ in 0..20 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "!contoso.com");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.findings.order.len(), 0);
}

#[test]
fn verdict_filter_and_unreviewed_jumps() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    app.apply(Action::Intent(Intent::CycleVerdictFilter)); // unreviewed
    assert_eq!(app.findings.order.len(), 6);
    app.apply(Action::Intent(Intent::CycleVerdictFilter)); // suspicious
    assert_eq!(app.findings.order.len(), 1);
    app.apply(Action::Intent(Intent::CycleVerdictFilter)); // legitimate
    assert_eq!(app.findings.order.len(), 0);
    app.apply(Action::Intent(Intent::CycleVerdictFilter)); // changed since decided
    assert_eq!(app.findings.order.len(), 0);
    app.apply(Action::Intent(Intent::CycleVerdictFilter)); // all
    app.apply(Action::Intent(Intent::Top));
    app.apply(Action::Intent(Intent::NextUnreviewed));
    let k = &app.findings.items[app.findings.current().unwrap()].key;
    assert_eq!(app.decision(k).verdict, Verdict::Unreviewed);
}

#[test]
fn sorting_by_the_focused_column_and_reversing() {
    // Wide enough that every column is drawn (focus skips hidden ones).
    let mut app = sized(app(), 200, 45);
    // Focus +Minutes and sort ascending, then descending.
    focus_on(&mut app, Column::Added);
    app.apply(Action::Intent(Intent::Sort));
    let added: Vec<String> = app
        .findings
        .order
        .iter()
        .map(|&i| app.findings.items[i].cells[finding(Column::Added)].to_owned())
        .collect();
    assert_eq!(
        added.first().map(String::as_str),
        Some(""),
        "null sorts first"
    );
    assert_eq!(added[1], "-525539");
    app.apply(Action::Intent(Intent::Sort));
    let first = app.findings.items[app.findings.order[0]].cells[finding(Column::Added)].to_owned();
    assert_eq!(first, "6360");
}

#[test]
fn drill_down_steps_through_events_searches_and_keeps_the_selection() {
    let mut app = sized(app(), 160, 45);
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    assert_eq!(d.events.len(), 2);
    let first_event = d.events[0];
    keys(&mut app, "]");
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    assert_ne!(d.events[d.current], first_event);
    keys(&mut app, "/");
    keys(&mut app, "ActorIpAddress");
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    let line = d.doc.visible_line(d.cursor).unwrap();
    assert!(d.doc.lines[line].text().contains("ActorIpAddress"));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(current_account(&app), "helpdesk@contoso.com");
}

#[test]
fn near_misses_are_apart_and_can_be_marked() {
    let mut app = app();
    keys(&mut app, "m");
    assert_eq!(app.view, View::NearMisses);
    assert_eq!(app.table().order.len(), 3);
    keys(&mut app, "1");
    let entries = journal_entries(&mut app);
    assert!(
        entries[0].0.starts_with("event:"),
        "a near miss is keyed by its event id"
    );
    keys(&mut app, "m");
    assert_eq!(app.view, View::Findings);
    assert_eq!(
        app.review_counts().0,
        0,
        "near misses do not count as reviewed rows"
    );
}

#[test]
fn copying_rows_and_the_report_is_neutralised_markdown() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    keys(&mut app, "/evil");
    press(&mut app, KeyCode::Enter);
    app.apply(Action::Intent(Intent::CopyRows));
    app.apply(Action::Intent(Intent::CopyReport));
    let mut copies: Vec<String> = app
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(app.effects.last(), Some(&Effect::Report { to_file: None }));
    copies.push(sts_triage::tui::report_markdown(&app));
    for c in &copies {
        assert!(
            !c.chars().any(|ch| ch.is_control() && ch != '\n'),
            "no raw control character: {c:?}"
        );
        assert!(!c.contains('\u{202e}'));
    }
    assert!(
        copies[0].contains("evil\\x1b"),
        "the payload is visible, escaped: {}",
        copies[0]
    );
    assert!(copies[1].contains("UpdateStsRefreshToken[Solorigate]"));
    assert!(copies[1].contains("suspicious 1"));
}

#[test]
fn export_writes_the_report_beside_the_journal() {
    let mut app = App::new("/tmp/x/export.jsonl.sts-triage.jsonl", "a", HashMap::new());
    keys(&mut app, "E");
    assert_eq!(
        app.effects,
        vec![Effect::Report {
            to_file: Some(PathBuf::from("/tmp/x/export.jsonl.sts-triage.report.md"))
        }]
    );
    app.apply(Action::Exported {
        path: "r.md".into(),
        bytes: 10,
    });
    assert!(app.status.contains("report written: r.md"));
}

#[test]
fn ctrl_c_cancels_a_load_first_and_quits_after() {
    let mut app = App::new("j", "a", HashMap::new());
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: 100,
        names: vec!["never.jsonl".into()],
    });
    app.apply(Action::Intent(Intent::CancelOrQuit));
    assert_eq!(app.effects, vec![Effect::CancelLoad]);
    app.apply(Action::LoadFinished { error: None });
    assert!(
        app.status
            .contains("load stopped by the analyst: 1 file(s) not read: never.jsonl"),
        "{}",
        app.status
    );
    app.effects.clear();
    app.apply(Action::Intent(Intent::CancelOrQuit));
    assert_eq!(app.effects, vec![Effect::Quit]);
}

#[test]
fn a_stopped_load_says_it_is_partial_on_screen_and_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.sts-triage.jsonl");
    let mut app = App::new(&journal.display().to_string(), "a", HashMap::new());
    let size = std::fs::metadata(FIXTURE).unwrap().len();
    app.apply(Action::LoadPlan {
        files: 2,
        bytes: size * 2,
        names: vec![FIXTURE.into(), "second.jsonl".into()],
    });
    // The first five records are read, then the analyst stops the load.
    let mut msgs = Vec::new();
    sts_triage::scan::scan_paths_with(
        &[PathBuf::from(FIXTURE)],
        &ScanOptions::default(),
        &mut |m| msgs.push(m),
    )
    .unwrap();
    let mut events = 0;
    for m in msgs {
        match m {
            ScanMessage::Event(_) if events >= 5 => continue,
            ScanMessage::Event(_) => events += 1,
            ScanMessage::Progress { .. } => continue,
            ScanMessage::FileDone(mut summary) => {
                app.apply(Action::Intent(Intent::CancelOrQuit));
                app.apply(Action::Scan(ScanMessage::Progress {
                    bytes: 700,
                    records: 5,
                }));
                summary.records = 5;
                app.apply(Action::Scan(ScanMessage::FileDone(summary)));
                continue;
            }
            _ => {}
        }
        app.apply(Action::Scan(m));
    }
    app.apply(Action::LoadFinished { error: None });
    let expected = format!(
        "load stopped by the analyst: {FIXTURE} read to about byte 700 of {size} (5 records); 1 file(s) not read: second.jsonl"
    );
    assert!(app.status.contains(&expected), "{}", app.status);
    let app = sized(app, 160, 45);
    let s = text(&screen(&app, 160, 45, false));
    assert!(s.contains("PARTIAL LOAD (stopped)"), "{s}");
    let narrow = sized(app, 60, 20);
    let s = text(&screen(&narrow, 60, 20, false));
    assert!(
        s.contains("PARTIAL LOAD"),
        "seen on a narrow screen too:\n{s}"
    );
    let report = sts_triage::tui::report_markdown(&narrow);
    assert!(
        report.contains("> **PARTIAL LOAD.**") && report.contains(&expected),
        "{report}"
    );
    assert!(
        report.contains("SHA-256 unavailable (`read in part, to about byte 700 of")
            && report.contains("which the findings do not cover"),
        "{report}"
    );
}

#[test]
fn rows_appear_while_the_load_runs() {
    let mut app = App::new("j", "a", HashMap::new());
    app.apply(Action::LoadPlan {
        files: 1,
        bytes: 1000,
        names: Vec::new(),
    });
    let mut msgs = Vec::new();
    sts_triage::scan::scan_paths_with(
        &[PathBuf::from(FIXTURE)],
        &ScanOptions::default(),
        &mut |m| msgs.push(m),
    )
    .unwrap();
    let mut seen = Vec::new();
    for m in msgs {
        let is_event = matches!(m, ScanMessage::Event(_));
        app.apply(Action::Scan(m));
        app.apply(Action::Tick);
        if is_event {
            seen.push(app.findings.order.len());
        }
    }
    assert!(
        seen.first() == Some(&1) && seen.last() == Some(&7),
        "{seen:?}"
    );
}

#[test]
fn decisions_from_an_earlier_session_show_up() {
    let report = report();
    let key = report.findings[0].row.key();
    let mut decisions = HashMap::new();
    decisions.insert(
        key.clone(),
        Decision {
            verdict: Verdict::Legitimate,
            note: "earlier".into(),
            ..Decision::default()
        },
    );
    let app = App::new("j", "a", decisions).with_report(report);
    assert_eq!(app.review_counts(), (1, 7, 0, 1));
}

#[test]
fn verdict_colours_and_no_color() {
    let mut app = sized(app(), 160, 45);
    app.apply(Action::Intent(Intent::MarkSuspicious));
    app.apply(Action::Intent(Intent::MarkLegitimate));
    let t = screen(&app, 160, 45, true);
    let buf = t.backend().buffer();
    let find = |word: &str| {
        let s = text(&t);
        let (y, line) = s
            .lines()
            .enumerate()
            .skip(3)
            .find(|(_, l)| l.contains(word))
            .unwrap();
        let x = line[..line.find(word).unwrap()].chars().count();
        (u16::try_from(x).unwrap(), u16::try_from(y).unwrap())
    };
    let (x, y) = find("suspicious ");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    let (x, y) = find("legitimate ");
    assert_eq!(buf[(x, y)].fg, Color::Green);
    let plain = screen(&app, 160, 45, false);
    let buf = plain.backend().buffer();
    assert!(
        buf.content().iter().all(|c| c.fg == Color::Reset),
        "NO_COLOR: no colour at all"
    );
}

#[test]
fn screen_never_holds_a_raw_control_character() {
    let mut app = sized(app(), 120, 35);
    let s = screen(&app, 120, 35, true);
    assert!(!text(&s).chars().any(|c| c.is_control() && c != '\n'));
    keys(&mut app, "/evil");
    press(&mut app, KeyCode::Enter);
    app.apply(Action::Intent(Intent::Open));
    let s = screen(&app, 120, 35, true);
    let t = text(&s);
    assert!(
        !t.chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}')
    );
    assert!(
        t.contains("\\u001b]0;pwned"),
        "the payload is shown escaped"
    );
}

mod snapshots {
    use super::*;

    fn snap(app: &App, w: u16, h: u16) -> String {
        text(&screen(app, w, h, true))
    }

    #[test]
    fn table() {
        let app = sized(app(), 80, 24);
        insta::assert_snapshot!("table_80x24", snap(&app, 80, 24));
        let app = sized(super::app(), 160, 45);
        insta::assert_snapshot!("table_160x45", snap(&app, 160, 45));
    }

    #[test]
    fn sorted_and_filtered() {
        let mut app = sized(app(), 160, 45);
        app.apply(Action::Intent(Intent::Sort));
        insta::assert_snapshot!("sorted_by_account_160x45", snap(&app, 160, 45));
        keys(&mut app, "/ip:203.0 !bob");
        insta::assert_snapshot!("filtering_80x24", {
            let app = sized(std::mem::replace(&mut app, super::app()), 80, 24);
            snap(&app, 80, 24)
        });
    }

    #[test]
    fn drill_down() {
        let mut app = sized(app(), 160, 45);
        app.apply(Action::Intent(Intent::Open));
        insta::assert_snapshot!("drill_160x45", snap(&app, 160, 45));
        let mut app = sized(super::app(), 80, 24);
        app.apply(Action::Intent(Intent::Open));
        app.apply(Action::Intent(Intent::CollapseAll));
        insta::assert_snapshot!("drill_collapsed_80x24", snap(&app, 80, 24));
    }

    #[test]
    fn help_and_near_misses() {
        let mut app = sized(app(), 80, 24);
        keys(&mut app, "?");
        insta::assert_snapshot!("help_80x24", snap(&app, 80, 24));
        keys(&mut app, "?m");
        insta::assert_snapshot!("near_misses_80x24", snap(&app, 80, 24));
        let app2 = sized(super::app(), 160, 45);
        let mut app2 = app2;
        keys(&mut app2, "m");
        insta::assert_snapshot!("near_misses_160x45", snap(&app2, 160, 45));
    }

    #[test]
    fn frequency_view_and_histogram() {
        let mut app = sized(app(), 160, 45);
        focus_on(&mut app, Column::Role);
        keys(&mut app, "F");
        insta::assert_snapshot!("pivot_160x45", snap(&app, 160, 45));
    }

    #[test]
    fn loading() {
        let mut app = sized(App::new("j.jsonl", "a", HashMap::new()), 80, 24);
        app.apply(Action::LoadPlan {
            files: 3,
            bytes: 3_000_000_000,
            names: Vec::new(),
        });
        insta::assert_snapshot!(
            "loading_80x24",
            snap(&app, 80, 24)
                .lines()
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn frequency_view_counts_values_and_enter_filters_to_one() {
    let mut app = app();
    focus_on(&mut app, Column::Role);
    keys(&mut app, "F");
    let Overlay::Pivot(p) = &app.overlay else {
        panic!("pivot open")
    };
    let counts: Vec<(String, usize)> = p.rows.iter().map(|r| (r.value.clone(), r.count)).collect();
    assert_eq!(
        counts,
        [
            ("User".to_owned(), 5),
            ("Other".to_owned(), 1),
            ("ServicePrincipal".to_owned(), 1)
        ],
        "sorted by count, then value"
    );
    keys(&mut app, "j");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.findings.order.len(), 1);
    assert_eq!(current_account(&app), "carol@contoso.com");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.findings.order.len(), 7, "Esc clears the value filter");
}

#[test]
fn classify_like_this_lists_ip_and_isp_links_unticked() {
    let mut app = app();
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "2");
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    // Back on the decided helpdesk row.
    assert_eq!(current_account(&app), "helpdesk@contoso.com");
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    assert_eq!(b.verdict, Verdict::Legitimate);
    // Every other row shares only the ISP "Contoso ISP" (one is behind a proxy): a weak
    // link, so nothing is ticked by default.
    assert_eq!(b.candidates.len(), 5);
    assert!(
        b.candidates
            .iter()
            .all(|c| c.link == Link::Isp && !c.ticked)
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.review_counts(),
        (1, 7, 0, 1),
        "nothing ticked, nothing marked"
    );
    keys(&mut app, "c");
    keys(&mut app, "a"); // tick all
    keys(&mut app, "k");
    keys(&mut app, " "); // untick the first
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.review_counts(), (5, 7, 0, 5));
    keys(&mut app, "u");
    assert_eq!(
        app.review_counts(),
        (1, 7, 0, 1),
        "one undo reverts the bulk step"
    );
}

#[test]
fn classify_like_this_ticks_only_the_same_account_without_new_hints() {
    let report = scan_paths(
        &[PathBuf::from("tests/fixtures/classify.jsonl")],
        &ScanOptions::default(),
    )
    .unwrap();
    let mut app = sized(
        App::new("t.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report),
        160,
        45,
    );
    // The oldest row (ann, 203.0.113.10, Comcast) is the last: decide it suspicious.
    keys(&mut app, "G1");
    keys(&mut app, "G");
    assert_eq!(current_account(&app), "ann@contoso.com");
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    let account_of = |c: &Candidate| app.findings.items[c.item].cells[1].to_owned();
    let listed: Vec<(String, Link, bool, Vec<String>)> = b
        .candidates
        .iter()
        .map(|c| (account_of(c), c.link, c.ticked, c.extra_hints.clone()))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("ann@contoso.com".into(), Link::Account, true, vec![]),
            (
                "ann@contoso.com".into(),
                Link::Account,
                false,
                vec!["proxy".into()]
            ),
            ("bob@contoso.com".into(), Link::Ip, false, vec![]),
            ("carl@contoso.com".into(), Link::Isp, false, vec![]),
        ],
        "grouped by link; dana shares nothing (`first` is on the decided row too: no hint more)"
    );
    assert_eq!(b.counts(), [2, 1, 1]);
    let screen = text(&screen(&app, 160, 45, false));
    assert!(
        screen.contains("mark 1 row(s) suspicious · same account 2 · IP only 1 · ISP only 1"),
        "{screen}"
    );
    assert!(
        screen.contains("Role") && screen.contains("Hints"),
        "{screen}"
    );
    assert!(
        screen.contains("same account, more hints: proxy"),
        "{screen}"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.review_counts(),
        (2, 6, 2, 0),
        "the decided row and one like it"
    );
}

#[test]
fn a_decision_never_reaches_a_selected_row_the_filter_hides() {
    let mut app = sized(app(), 160, 45);
    // Select the first row, then filter it away and mark the row the cursor is on.
    let hidden = current_account(&app);
    keys(&mut app, " ");
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "2");
    // The analyst meant the selection: the highlighted row is another one, so nothing is
    // decided and the status says why and what to do.
    assert!(journal_entries(&mut app).is_empty(), "nothing decided");
    assert!(
        app.status.contains(
            "1 selected row is hidden by the filter: clear the filter or the selection (Esc)"
        ),
        "{}",
        app.status
    );
    assert!(
        text(&screen(&app, 160, 45, false))
            .contains("1 selected row is hidden by the filter: clear the filter or the selection"),
        "said on screen"
    );
    let helpdesk = app
        .findings
        .items
        .iter()
        .find(|i| &i.cells[1] == "helpdesk@contoso.com")
        .unwrap()
        .key
        .clone();
    assert_eq!(
        app.decision(&helpdesk).verdict,
        Verdict::Unreviewed,
        "the highlighted row is left alone"
    );
    // Neither a note nor a copy goes to the highlighted row either.
    keys(&mut app, "n");
    assert!(app.prompt.is_none(), "no note prompt");
    keys(&mut app, "y");
    assert!(
        !app.effects.iter().any(|e| matches!(e, Effect::Copy { .. })),
        "nothing copied"
    );
    assert!(app.status.contains("clear the filter or the selection"));
    let hidden_key = app
        .findings
        .items
        .iter()
        .find(|i| i.cells[1] == hidden)
        .unwrap()
        .key
        .clone();
    assert_eq!(app.decision(&hidden_key).verdict, Verdict::Unreviewed);

    // Two selected, one hidden: the key applies to the shown one only.
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "g");
    press(&mut app, KeyCode::Esc); // clears the old selection
    keys(&mut app, "  ");
    let second = app.findings.order[1];
    let second_account = app.findings.items[second].cells[1].to_owned();
    let filter: String = format!("/{}", &second_account[..4]);
    keys(&mut app, &filter);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    let decided: Vec<String> = journal_entries(&mut app).into_iter().map(|e| e.0).collect();
    assert_eq!(decided, vec![app.findings.items[second].key.clone()]);
    assert!(
        app.status
            .contains("2 selected, 1 hidden by the filter: applied to the 1 shown"),
        "{}",
        app.status
    );
}

#[test]
fn time_window_terms_and_local_time() {
    let mut app = app();
    keys(&mut app, "/after:2021-03-01 before:2021-04-30");
    press(&mut app, KeyCode::Enter);
    let accounts: Vec<String> = app
        .findings
        .order
        .iter()
        .map(|&i| app.findings.items[i].cells[1].to_owned())
        .collect();
    assert_eq!(accounts.len(), 3, "{accounts:?}");
    let utc = app.cell(&app.findings, app.findings.current().unwrap(), 0);
    keys(&mut app, "t");
    assert!(app.local_time);
    let local = app.cell(&app.findings, app.findings.current().unwrap(), 0);
    let offset = chrono::Local::now().offset().local_minus_utc();
    assert_eq!(utc == local, offset == 0, "{utc} / {local}");
}

#[test]
fn hints_explain_themselves_in_the_drill_down() {
    let mut app = app();
    keys(&mut app, "/svc-backup");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    let text = d.hints.join("\n");
    assert!(
        text.contains("back: StsRefreshTokensValidFrom moved backwards by 525539 minutes"),
        "{text}"
    );
    assert!(
        text.contains("proxy:") && text.contains("app: the actor is a ServicePrincipal"),
        "{text}"
    );
}

/// The keys of the flagged rows shown, in order.
fn shown_keys(app: &App) -> Vec<String> {
    app.findings
        .order
        .iter()
        .map(|&i| app.findings.items[i].key.clone())
        .collect()
}

/// The table an app shows for a filter, computed from scratch.
fn fresh_order(report: &ScanReport, filter: &str, sort: Option<usize>) -> Vec<String> {
    let mut app = App::new("j", "a", HashMap::new()).with_report(report.clone());
    if let Some(col) = sort {
        for _ in 1..col {
            app.apply(Action::Intent(Intent::FocusRight));
        }
        app.apply(Action::Intent(Intent::Sort));
    }
    app.filter = filter.to_owned();
    app.refresh();
    shown_keys(&app)
}

#[test]
fn typing_and_deleting_filters_always_shows_what_a_fresh_filter_shows() {
    let report = scan_paths(&[PathBuf::from("assets/samples")], &ScanOptions::default()).unwrap();
    for sort in [None, Some(1), Some(6)] {
        let mut app = App::new("j", "a", HashMap::new()).with_report(report.clone());
        if let Some(col) = sort {
            for _ in 1..col {
                app.apply(Action::Intent(Intent::FocusRight));
            }
            app.apply(Action::Intent(Intent::Sort));
        }
        keys(&mut app, "/");
        for typed in [
            "lee gu",
            "ip:198.5",
            "!contoso on",
            "role:serv !sess",
            "admin isp:net",
        ] {
            for c in typed.chars() {
                keys(&mut app, &c.to_string());
                assert_eq!(
                    shown_keys(&app),
                    fresh_order(&report, &app.filter, sort),
                    "filter {:?}",
                    app.filter
                );
            }
            for _ in typed.chars() {
                press(&mut app, KeyCode::Backspace);
                assert_eq!(
                    shown_keys(&app),
                    fresh_order(&report, &app.filter, sort),
                    "filter {:?}",
                    app.filter
                );
            }
        }
    }
}

#[test]
fn decisions_under_a_verdict_filter_update_the_shown_rows() {
    // Wide enough that every column is drawn (focus skips hidden ones).
    let mut app = sized(app(), 200, 45);
    keys(&mut app, "v"); // unreviewed only
    assert_eq!(app.findings.order.len(), 7);
    keys(&mut app, "1");
    assert_eq!(
        app.findings.order.len(),
        6,
        "a decided row leaves the unreviewed view"
    );
    keys(&mut app, "u");
    assert_eq!(app.findings.order.len(), 7, "undo brings it back");
    // Sorting by verdict follows decisions too.
    keys(&mut app, "v");
    keys(&mut app, "v");
    keys(&mut app, "v"); // changed since decided
    keys(&mut app, "v"); // all
    focus_on(&mut app, Column::Verdict);
    app.apply(Action::Intent(Intent::Sort));
    app.apply(Action::Intent(Intent::Bottom));
    keys(&mut app, "1");
    let first = app.findings.order[0];
    assert_eq!(
        app.cell(&app.findings, first, finding(Column::Verdict)),
        "suspicious",
        "sorted by verdict: suspicious first"
    );
}

#[test]
fn sorting_keeps_the_row_and_typing_a_filter_starts_at_its_first_match() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MoveDown));
    let row = current_account(&app);
    app.apply(Action::Intent(Intent::Sort));
    assert_eq!(
        current_account(&app),
        row,
        "sorting keeps the cursor on its row"
    );
    keys(&mut app, "/contoso");
    assert_eq!(
        app.findings.cursor, 0,
        "a typed filter shows its first match"
    );
    app.apply(Action::Intent(Intent::MoveDown));
    let row = current_account(&app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        current_account(&app),
        row,
        "clearing the filter keeps the row"
    );
}

#[test]
fn help_and_footer_show_the_effective_keymap() {
    let mut keymap = Keymap::default_map().unwrap();
    keymap
        .overlay(
            "[table]\n\"Q\" = \"quit\"\n\"x\" = \"mark_suspicious\"\n",
            "user.toml",
        )
        .unwrap();
    let mut app = sized(app().with_help(&keymap), 120, 40);
    let ev = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    let action = key_to_action(&app, &keymap, &ev).unwrap();
    app.apply(action);
    assert_eq!(app.review_counts().2, 1, "x marks suspicious");
    app.apply(Action::Intent(Intent::Help));
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| draw(f, &app, &keymap, Theme { color: false }))
        .unwrap();
    let screen = text(&t);
    assert!(screen.contains("1 x  mark suspicious"), "{screen}");
    let quit = keymap
        .help(sts_triage::tui::keymap::Context::Table)
        .into_iter()
        .find(|(_, desc)| *desc == "quit")
        .unwrap();
    assert_eq!(quit.0, "Q q", "both keys quit, and help lists both");
}

#[test]
fn sorting_from_the_idle_time_cache_equals_sorting_afresh() {
    let report = scan_paths(&[PathBuf::from("assets/samples")], &ScanOptions::default()).unwrap();
    let mut warm = App::new("j", "a", HashMap::new()).with_report(report.clone());
    for _ in 0..40 {
        warm.apply(Action::Tick);
    }
    let mut cold = App::new("j", "a", HashMap::new()).with_report(report);
    for _ in 0..warm.columns().len() {
        for _ in 0..2 {
            warm.apply(Action::Intent(Intent::Sort));
            cold.apply(Action::Intent(Intent::Sort));
            assert_eq!(
                shown_keys(&warm),
                shown_keys(&cold),
                "sort {:?}",
                warm.findings.sort
            );
        }
        warm.apply(Action::Intent(Intent::FocusRight));
        cold.apply(Action::Intent(Intent::FocusRight));
    }
}

#[test]
fn why_flagged_walks_the_clauses_and_stops_where_the_query_dropped_the_event() {
    let app = app();
    let report = &app.report;
    let dirsync = report
        .near_misses
        .iter()
        .copied()
        .find(|&e| report.events[e].actor == "sync@contoso.com")
        .unwrap();
    let lines = sts_triage::tui::app::why_lines(report, dirsync);
    assert_eq!(lines[0].2, Some(true), "the operation matched");
    assert_eq!(lines[1].2, Some(false));
    assert!(
        lines[1].1.starts_with("found at ModifiedProperties[1]"),
        "{:?}",
        lines[1]
    );
    assert!(lines[2].1.starts_with("not reached"), "{:?}", lines[2]);
    assert!(
        lines
            .last()
            .unwrap()
            .1
            .starts_with("passed over: DirectorySync")
    );
    let flagged = report.findings[0].events[0];
    let lines = sts_triage::tui::app::why_lines(report, flagged);
    assert!(lines.iter().any(|l| l.0.starts_with("tokenMinutesAdded")));
    assert_eq!(lines.last().unwrap().2, Some(true));
}

/// The letters of `needle` appear in `hay` in order (what a fuzzy term asks of one cell).
fn in_order(hay: &str, needle: &str) -> bool {
    let mut rest = hay.chars();
    needle.chars().all(|n| rest.any(|h| h == n))
}

#[test]
fn a_plain_filter_term_matches_within_one_cell_not_across_the_row() {
    let report = scan_paths(&[PathBuf::from("assets/samples")], &ScanOptions::default()).unwrap();
    let mut app = App::new("j", "a", HashMap::new()).with_report(report);
    keys(&mut app, "/lee");
    let shown: Vec<String> = app
        .findings
        .order
        .iter()
        .map(|&i| {
            let cells = &app.findings.items[i].cells;
            [Column::Account, Column::Target, Column::Actor]
                .map(|c| cells[finding(c)].to_owned())
                .join(" | ")
        })
        .collect();
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|people| people
            .to_lowercase()
            .split(" | ")
            .any(|c| in_order(c, "lee"))),
        "only rows where Lee Gu acts or is the target (the letters spread over a row or a file path do not count): {shown:?}"
    );
    keys(&mut app, " source:purview");
    assert!(
        app.findings.order.len() < shown.len(),
        "source: still filters by file"
    );
}

#[test]
fn a_paste_is_text_in_the_prompt_and_never_keys() {
    let paste = std::fs::read_to_string("tests/fixtures/note-paste-with-newline.txt").unwrap();
    let mut app = app();
    let first = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    keys(&mut app, "n");
    app.apply(Action::Paste(paste.clone()));
    assert!(app.prompt.is_some(), "the note is still being typed");
    assert!(app.effects.is_empty(), "no key ran: {:?}", app.effects);
    assert_eq!(app.review_counts(), (0, 7, 0, 0));
    press(&mut app, KeyCode::Enter);
    let entries = journal_entries(&mut app);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, first);
    assert_eq!(
        entries[0].2, "looks fine 2j2j2q",
        "the line break became a space"
    );
    assert_eq!(app.review_counts(), (0, 7, 0, 0));
    // A long paste is there at once, in one action.
    keys(&mut app, "n");
    let long = "x".repeat(5000);
    app.apply(Action::Paste(long.clone()));
    press(&mut app, KeyCode::Enter);
    let entries = journal_entries(&mut app);
    assert!(entries[0].2.ends_with(&long), "{}", entries[0].2.len());
    // Outside a prompt a paste does nothing but say so.
    app.apply(Action::Paste(paste));
    assert!(app.effects.is_empty());
    assert!(app.status.contains("paste of"), "{}", app.status);
}

#[test]
fn help_returns_to_the_screen_it_was_opened_from_and_lists_every_screen() {
    let mut app = sized(app(), 80, 24);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "jjj");
    let Overlay::Drill(d) = &app.overlay else {
        panic!()
    };
    let cursor = d.cursor;
    keys(&mut app, "?");
    assert!(matches!(app.overlay, Overlay::Help { .. }));
    press(&mut app, KeyCode::Esc);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("back in the drill-down")
    };
    assert_eq!(d.cursor, cursor);
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "?");
    // Scroll through the whole help: every screen's keys are listed.
    let mut seen = String::new();
    for _ in 0..80 {
        seen.push_str(&text(&screen(&app, 80, 24, false)));
        keys(&mut app, "j");
    }
    for needle in [
        "Raw events",
        "fold / unfold",
        "next match",
        "Lists (frequency view",
        "tick every row",
    ] {
        assert!(seen.contains(needle), "{needle} missing from help");
    }
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
}

#[test]
fn sorting_by_hints_sorts_by_how_many() {
    // Wide enough that every column is drawn (focus skips hidden ones).
    let mut app = sized(app(), 200, 45);
    focus_on(&mut app, Column::Hint);
    assert_eq!(app.columns()[app.table().focus].title(), "Hints");
    app.apply(Action::Intent(Intent::Sort));
    let counts: Vec<usize> = app
        .findings
        .order
        .iter()
        .map(|&i| {
            app.findings.items[i].cells[finding(Column::Hint)]
                .split_whitespace()
                .count()
        })
        .collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    assert_eq!(counts, sorted, "by the number of hints, not their text");
    assert!(counts.first() < counts.last(), "{counts:?}");
}

#[test]
fn a_near_miss_explains_why_it_was_passed_over() {
    let mut app = sized(app(), 160, 45);
    keys(&mut app, "m");
    press(&mut app, KeyCode::Enter);
    let s = text(&screen(&app, 160, 45, false));
    assert!(s.contains("why passed over: the query"), "{s}");
    assert!(!s.contains("why flagged"), "{s}");
}
