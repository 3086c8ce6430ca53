#![allow(clippy::panic, clippy::unwrap_used)]
//! The workbench's filter, drill-down search, column focus and the status line, driven
//! without a terminal: keys through the keymap into the state, the screen on TestBackend.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use sts_triage::journal::Verdict;
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Effect, Overlay, View};
use sts_triage::tui::key_to_action;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::{Theme, draw};

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn report() -> ScanReport {
    scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap()
}

fn app() -> App {
    App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report())
}

fn samples() -> App {
    let report = scan_paths(&[PathBuf::from("assets/samples")], &ScanOptions::default()).unwrap();
    App::new("j", "a", HashMap::new()).with_report(report)
}

fn sized(mut app: App, w: u16, h: u16) -> App {
    app.apply(Action::Resize {
        width: w,
        height: h,
    });
    app
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let keymap = Keymap::default_map().unwrap();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, &keymap, Theme { color: false }))
        .unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn keys(app: &mut App, keys: &str) {
    let keymap = Keymap::default_map().unwrap();
    for c in keys.chars() {
        let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        if let Some(a) = key_to_action(app, &keymap, &ev) {
            app.apply(a);
        }
    }
}

fn press(app: &mut App, code: KeyCode) {
    let keymap = Keymap::default_map().unwrap();
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    if let Some(a) = key_to_action(app, &keymap, &ev) {
        app.apply(a);
    }
}

fn journaled(app: &mut App) -> Vec<String> {
    let mut keys = Vec::new();
    for e in app.effects.drain(..) {
        if let Effect::Journal(entries) = e {
            keys.extend(entries.into_iter().map(|e| e.key));
        }
    }
    keys
}

#[test]
fn hidden_columns_cannot_be_focused_or_sorted() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = sized(app(), w, h);
        for view in [View::Findings, View::NearMisses] {
            if app.view != view {
                keys(&mut app, "m");
            }
            let drawn = app.drawn_columns(app.table());
            assert!(
                drawn.len() < app.columns().len() || w == 160,
                "{w}: some hidden"
            );
            let mut seen = vec![app.table().focus];
            for _ in 0..20 {
                keys(&mut app, "l");
                seen.push(app.table().focus);
            }
            for _ in 0..20 {
                keys(&mut app, "h");
                seen.push(app.table().focus);
            }
            for f in &seen {
                assert!(
                    drawn.contains(f),
                    "{w}x{h} {view:?}: focus on hidden column {f}"
                );
            }
            // Every drawn column is reachable.
            for c in &drawn {
                assert!(seen.contains(c), "{w}x{h} {view:?}: column {c} unreachable");
            }
            keys(&mut app, "ls");
            let (sorted, _) = app.table().sort.unwrap();
            assert!(drawn.contains(&sorted));
        }
    }
}

#[test]
fn narrowing_the_screen_moves_the_focus_off_a_column_it_hides() {
    let narrow = sized(app(), 60, 20).drawn_columns(app().table());
    let mut app = sized(app(), 160, 45);
    // Focus the first column a 60-column screen hides.
    while narrow.contains(&app.table().focus) {
        let before = app.table().focus;
        keys(&mut app, "l");
        assert_ne!(before, app.table().focus, "no column hidden at 60");
    }
    let wide_focus = app.table().focus;
    app.apply(Action::Resize {
        width: 60,
        height: 20,
    });
    let drawn = app.drawn_columns(app.table());
    assert!(!drawn.contains(&wide_focus));
    assert!(drawn.contains(&app.table().focus));
    keys(&mut app, "s");
    let (sorted, _) = app.table().sort.unwrap();
    assert!(drawn.contains(&sorted), "sorted by a column on screen");
    // The focused column is the one drawn reversed in the titles.
    let title = app.columns()[app.table().focus].title();
    assert!(screen(&app, 60, 20).contains(title));
}

#[test]
fn the_hidden_selection_notice_goes_when_the_selection_is_cleared() {
    let mut app = sized(app(), 160, 45);
    // Two rows selected, a filter hides one, a verdict goes to the one shown.
    keys(&mut app, "  ");
    let second = app.findings.order[1];
    let account = app.findings.items[second].cells[1].clone();
    keys(&mut app, &format!("/{}", &account[..4]));
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    let decided = journaled(&mut app);
    assert!(
        app.status.contains("hidden by the filter"),
        "{}",
        app.status
    );
    // Clear the filter, then the selection: the status stops describing it.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.findings.selected.is_empty());
    assert!(!app.status.contains("hidden"), "{}", app.status);
    assert!(app.status.contains("selection cleared"), "{}", app.status);
    // The save confirmed afterwards does not bring it back.
    app.apply(Action::Saved { keys: decided });
    assert!(app.status.contains("saved ✓"), "{}", app.status);
    assert!(!app.status.contains("hidden"), "{}", app.status);
    let footer = screen(&app, 160, 45);
    assert!(!footer.contains("hidden by the filter"), "{footer}");
}

#[test]
fn unticking_the_last_selected_row_also_clears_the_notice() {
    let mut app = sized(app(), 160, 45);
    keys(&mut app, " ");
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "2");
    assert!(
        app.status.contains("all hidden by the filter"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Esc); // the filter
    keys(&mut app, "g "); // untick the first row (the selected one)
    assert!(app.findings.selected.is_empty());
    assert_eq!(app.status, "selection cleared");
}

fn drill_line(app: &App) -> (String, usize, usize, usize) {
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    let line = d.doc.visible_line(d.cursor).unwrap();
    (
        d.doc.lines[line].text(),
        d.cursor,
        d.offset,
        app.drill_page(),
    )
}

#[test]
fn drill_down_search_starts_empty_counts_matches_and_shows_the_match() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = sized(samples(), w, h);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "/");
        let Some(sts_triage::tui::app::Prompt::Search(input)) = &app.prompt else {
            panic!("search prompt")
        };
        assert_eq!(input.value(), "");
        keys(&mut app, "Id");
        press(&mut app, KeyCode::Enter);
        let total: usize = app
            .status
            .split(" of ")
            .nth(1)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("{w}x{h}: {}", app.status));
        assert!(total > 2, "{}", app.status);
        assert!(
            app.status.ends_with(&format!("match 1 of {total}")),
            "{}",
            app.status
        );
        for which in 2..=total {
            keys(&mut app, "n");
            assert!(
                app.status.ends_with(&format!("match {which} of {total}")),
                "{}",
                app.status
            );
            let (text, cursor, offset, page) = drill_line(&app);
            assert!(text.to_lowercase().contains("id"), "{text}");
            assert!(
                cursor >= offset && cursor < offset + page,
                "{w}x{h}: match drawn"
            );
            let shown = screen(&app, w, h);
            let needle: String = text.trim().chars().take(usize::from(w) / 3).collect();
            assert!(
                shown.contains(needle.trim()),
                "{w}x{h}: {needle:?} on\n{shown}"
            );
        }
        keys(&mut app, "n");
        assert!(
            app.status.ends_with(&format!("match 1 of {total}")),
            "wraps"
        );
        keys(&mut app, "N");
        assert!(app.status.ends_with(&format!("match {total} of {total}")));
        // A second search starts empty too; Enter alone repeats the last term.
        keys(&mut app, "/");
        let Some(sts_triage::tui::app::Prompt::Search(input)) = &app.prompt else {
            panic!("search prompt")
        };
        assert_eq!(input.value(), "", "not pre-filled");
        press(&mut app, KeyCode::Enter);
        assert!(
            app.status.ends_with(&format!("match 1 of {total}")),
            "{}",
            app.status
        );
        keys(&mut app, "/zzqqxx");
        press(&mut app, KeyCode::Enter);
        assert!(app.status.contains("not found"), "{}", app.status);
        assert!(screen(&app, w, h).contains("not found"));
    }
}

#[test]
fn verdict_keys_in_the_drill_down_still_decide_the_row() {
    let mut app = sized(app(), 80, 24);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    let key = app.findings.items[app.findings.current().unwrap()]
        .key
        .clone();
    assert_eq!(app.decision(&key).verdict, Verdict::Suspicious);
}
