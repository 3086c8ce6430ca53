#![allow(clippy::panic, clippy::unwrap_used)]
//! The workbench's filter, drill-down search, column focus and the status line, driven
//! without a terminal: keys through the keymap into the state, the screen on TestBackend.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;

use sts_triage::journal::Verdict;
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Overlay, View};
use sts_triage::tui::columns::Column;
use sts_triage::tui::keymap::Keymap;

use crate::support::{keys, press, render_with, screen, sized, text};

use super::{app, journaled, report};

fn samples() -> App {
    let report = scan_paths(&[PathBuf::from("assets/samples")], &ScanOptions::default()).unwrap();
    App::new("j", "a", HashMap::new()).with_report(report)
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
    let account = app.findings.items[second].cells[1].to_owned();
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
        app.status
            .contains("1 selected row is hidden by the filter: clear the filter or the selection"),
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

fn shown_cells(app: &App, col: usize) -> Vec<String> {
    let t = app.table();
    t.order.iter().map(|&i| app.cell(t, i, col)).collect()
}

fn prompt_line(app: &App, w: u16, h: u16) -> String {
    screen(app, w, h)
        .lines()
        .nth(usize::from(h) - 2)
        .unwrap()
        .to_owned()
}

#[test]
fn an_impossible_date_is_an_error_at_once_and_the_last_filter_stays() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "/after:2021");
    assert_eq!(app.filter, "after:2021");
    let kept = app.findings.order.clone();
    assert!(
        kept.len() < app.findings.items.len(),
        "a 2020 row is left out"
    );
    keys(&mut app, "-13-45");
    let err = app.prompt_error().expect("an error while typing");
    assert_eq!(err.term, "after:2021-13-45");
    assert!(err.message.contains("month 13 does not exist"), "{err}");
    assert_eq!(app.filter, "after:2021", "the last filter that reads stays");
    assert_eq!(app.findings.order, kept);
    let line = prompt_line(&app, 80, 24);
    assert!(
        line.contains("✗ after:2021-13-45: month 13 does not exist"),
        "{line}"
    );
    // Enter does not accept it: the prompt stays open, the error shown.
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_some());
    assert!(prompt_line(&app, 60, 20).contains("✗ after:2021-13-45"));
    // Fixed, it applies.
    for _ in 0..6 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "-03");
    assert!(app.prompt_error().is_none());
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert_eq!(app.filter, "after:2021-03");
}

#[test]
fn an_unknown_column_is_named_at_once() {
    let mut app = sized(app(), 160, 45);
    keys(&mut app, "/acount:ops");
    let err = app.prompt_error().expect("unknown column");
    assert!(err.to_string().contains("no column \"acount\""), "{err}");
    assert!(
        err.to_string().contains("account"),
        "lists the names: {err}"
    );
    let line = prompt_line(&app, 160, 45);
    assert!(
        line.contains("✗ acount:ops: did you mean account? no column \"acount\""),
        "{line}"
    );
    // The table does not claim the wrong term matched nothing.
    let shown = screen(&app, 160, 45);
    assert!(!shown.contains("No row matches the filter."), "{shown}");
}

#[test]
fn structured_columns_never_match_fuzzily() {
    let mut app = sized(app(), 160, 45);
    let ip = app
        .findings
        .position(sts_triage::tui::columns::Column::Ip)
        .unwrap();
    let added = app
        .findings
        .position(sts_triage::tui::columns::Column::Added)
        .unwrap();
    let remaining = app
        .findings
        .position(sts_triage::tui::columns::Column::Remaining)
        .unwrap();
    type Wanted<'a> = &'a dyn Fn(&str) -> bool;
    let cases: [(&str, usize, Wanted); 7] = [
        ("ip:203.0.113.5", ip, &|c| c == "203.0.113.5"),
        ("ip:=2001:0db8:0::7", ip, &|c| c == "2001:db8::7"),
        ("ip:203.0.113.0/28", ip, &|c| {
            ["203.0.113.5", "203.0.113.12", "203.0.113.9"].contains(&c)
        }),
        ("ip:2001:db8::/32", ip, &|c| c == "2001:db8::7"),
        ("ip:198.51.100.", ip, &|c| c.starts_with("198.51.100.")),
        ("added:>1515", added, &|c| {
            c.parse::<i64>().is_ok_and(|n| n > 1515)
        }),
        ("remaining:<=0", remaining, &|c| {
            c.parse::<i64>().is_ok_and(|n| n <= 0)
        }),
    ];
    for (filter, col, want) in cases {
        keys(&mut app, &format!("/{filter}"));
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.filter, filter);
        let shown = shown_cells(&app, col);
        let all: Vec<String> = app
            .findings
            .items
            .iter()
            .map(|i| i.cells[col].to_owned())
            .filter(|c| want(c))
            .collect();
        assert!(!all.is_empty(), "{filter}: the fixture has a match");
        assert_eq!(shown.len(), all.len(), "{filter}: {shown:?}");
        assert!(shown.iter().all(|c| want(c)), "{filter}: {shown:?}");
        press(&mut app, KeyCode::Esc);
    }
}

#[test]
fn time_terms_read_in_the_zone_shown_and_t_switches_both() {
    let mut app = sized(samples(), 160, 45);
    for local in [false, true] {
        if app.local_time != local {
            press(&mut app, KeyCode::Esc);
            keys(&mut app, "t");
        }
        assert_eq!(app.local_time, local);
        // The hour of the first row as shown; the filter keeps exactly the rows shown in it.
        let first = app.cell(&app.findings, app.findings.order[0], 0);
        let hour = &first[..13];
        keys(&mut app, &format!("/time:{}", hour.replace(' ', "T")));
        press(&mut app, KeyCode::Enter);
        assert!(app.prompt_error().is_none());
        let shown = shown_cells(&app, 0);
        assert!(!shown.is_empty());
        assert!(
            shown.iter().all(|t| t.starts_with(hour)),
            "{local}: {shown:?}"
        );
        let everywhere = app
            .findings
            .items
            .iter()
            .enumerate()
            .filter(|&(i, _)| app.cell(&app.findings, i, 0).starts_with(hour))
            .count();
        assert_eq!(
            shown.len(),
            everywhere,
            "{local}: every row shown in that hour"
        );
        // Local time names its zone (the view line has it whole).
        let zone = if local {
            format!("times in {}", app.local_zone.label())
        } else {
            "Time (UTC)".to_owned()
        };
        assert!(screen(&app, 160, 45).contains(&zone));
    }
}

#[test]
fn sorting_an_ip_column_sorts_addresses() {
    let mut app = sized(app(), 200, 45);
    while app.columns()[app.table().focus] != sts_triage::tui::columns::Column::Ip {
        keys(&mut app, "l");
    }
    keys(&mut app, "s");
    let ips: Vec<std::net::IpAddr> = shown_cells(&app, app.table().focus)
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    let mut sorted = ips.clone();
    sorted.sort();
    assert_eq!(ips, sorted, "203.0.113.9 before 203.0.113.12");
}

#[test]
fn help_and_readme_list_the_filter_language_from_its_table() {
    let app = sized(app(), 160, 45);
    let mut app = app;
    keys(&mut app, "?");
    // Tall enough to hold the whole help.
    let help = screen(&app, 160, 160);
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("### Filter language")
        .nth(1)
        .expect("README has a Filter language section");
    let section = section.split("\n### ").next().unwrap();
    for (example, meaning) in sts_triage::tui::filter::SYNTAX {
        assert!(help.contains(example), "help lacks {example}");
        assert!(help.contains(&meaning[..20]), "help lacks {meaning}");
        assert!(
            section.contains(&format!("`{example}`")),
            "README lacks {example}"
        );
    }
    for (_, names) in sts_triage::tui::filter::columns_by_kind() {
        for name in names {
            assert!(help.contains(name), "help lacks column {name}");
            assert!(
                section.contains(&format!("`{name}`")),
                "README lacks column {name}"
            );
        }
    }
}

#[test]
fn on_screen_text_names_the_keys_of_the_live_keymap() {
    let mut keymap = Keymap::default_map().unwrap();
    keymap
        .overlay(
            "[list]\n\"o\" = \"open\"\n[table]\n\"Q\" = \"cancel_or_quit\"\n\"M\" = \"toggle_near_misses\"\n\"X\" = \"back\"\n",
            "user.toml",
        )
        .unwrap();
    let draw_with = |app: &App, w: u16, h: u16| text(&render_with(app, &keymap, w, h, false));
    // The frequency view's title.
    let mut app = sized(self::app(), 160, 45);
    keys(&mut app, "F");
    let shown = draw_with(&app, 160, 45);
    assert!(shown.contains("o filters to one"), "{shown}");
    // The table's empty message.
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "/zzzzqqqq");
    press(&mut app, KeyCode::Enter);
    assert!(draw_with(&app, 160, 45).contains("X clears it"));
    // While loading: the key that stops the load.
    let mut loading = App::new("j", "a", HashMap::new());
    loading.apply(Action::LoadPlan {
        files: 1,
        bytes: 100,
        names: vec!["x.json".to_owned()],
    });
    let shown = draw_with(&loading, 160, 45);
    assert!(shown.contains("Q stops and keeps what was read"), "{shown}");
    // An empty findings table names the near-misses key when there are near misses, and
    // says there are none when there are none (no key sends the analyst to an empty view).
    let mut only_near = report();
    only_near.findings.clear();
    let mut empty = App::new("j", "a", HashMap::new()).with_report(only_near);
    empty.apply(Action::Resize {
        width: 160,
        height: 45,
    });
    let shown = draw_with(&empty, 160, 45);
    assert!(shown.contains("Press M for the 3 near misses."), "{shown}");
    let mut empty = App::new("j", "a", HashMap::new()).with_report(ScanReport::default());
    for (w, h) in [(160, 45), (60, 20)] {
        empty.apply(Action::Resize {
            width: w,
            height: h,
        });
        let shown = draw_with(&empty, w, h);
        let words: Vec<&str> = shown.split_whitespace().collect();
        assert!(
            words.join(" ").contains(
                "The query returns no rows on these files, and passed over no STS event: no near misses either."
            ),
            "{w}x{h}: {shown}"
        );
        assert!(!shown.contains("Press M"), "{w}x{h}: {shown}");
    }
    // The prompts' fixed keys are the ones the note editor names.
    let mut noting = sized(self::app(), 160, 45);
    keys(&mut noting, "n");
    let title = draw_with(&noting, 160, 45);
    let submit = sts_triage::tui::keymap::PROMPT_SUBMIT.label();
    let cancel = sts_triage::tui::keymap::PROMPT_CANCEL.label();
    assert!(
        title.contains(&format!("{submit} saves · {cancel} cancels")),
        "{title}"
    );
    press(&mut noting, KeyCode::Esc);
    assert!(noting.prompt.is_none(), "{cancel} closed the note");
}

#[test]
fn proxy_filters_read_true_false_yes_no_and_1_0() {
    let yes = {
        let app = app();
        let col = app
            .columns()
            .iter()
            .position(|c| *c == Column::Proxy)
            .unwrap();
        let cells = shown_cells(&app, col);
        (
            cells.iter().filter(|c| *c == "yes").count(),
            cells.iter().filter(|c| *c == "no").count(),
        )
    };
    assert!(yes.0 > 0 && yes.1 > 0, "{yes:?}");
    for (filter, want) in [
        ("proxy:true", yes.0),
        ("proxy:yes", yes.0),
        ("proxy:1", yes.0),
        ("proxy:TRUE", yes.0),
        ("proxy:false", yes.1),
        ("proxy:no", yes.1),
        ("proxy:0", yes.1),
    ] {
        let mut app = sized(app(), 80, 24);
        keys(&mut app, &format!("/{filter}"));
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.findings.order.len(), want, "{filter}");
    }
}

/// A typo in a column name (`acount:`) is an unreadable term that is left out, never the
/// search word it was a keystroke before the colon: the rows of the rest stay, and the
/// header says the filter applied.
#[test]
fn a_term_naming_no_column_leaves_the_rest_applied() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "/remaining:>60");
    let kept = app.findings.order.clone();
    assert!(!kept.is_empty());
    keys(&mut app, " acount:ops");
    let err = app.prompt_error().expect("unknown column");
    assert!(err.to_string().contains("no column \"acount\""), "{err}");
    assert_eq!(app.filter, "remaining:>60");
    assert_eq!(app.findings.order, kept);
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("filter: remaining:>60 "), "{shown}");
    assert!(
        !shown.contains("acount ") && !shown.contains("No row matches"),
        "{shown}"
    );
}
