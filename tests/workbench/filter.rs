//! The filter: fuzzy terms, columns and exclusions, verdict filters and unreviewed jumps, time
//! windows, typing and deleting, pastes, and the frequency view that filters to one value.

use super::*;

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

/// Equal counts of a number column in the numbers' order (the breaker's `155900, 16811,
/// 56820, 6, 85039` was text order).
#[test]
fn frequency_view_orders_equal_counts_of_a_number_column_as_numbers() {
    let mut app = app();
    focus_on(&mut app, Column::Added);
    keys(&mut app, "F");
    let Overlay::Pivot(p) = &app.overlay else {
        panic!("pivot open")
    };
    let mut checked = 0;
    for pair in p.rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.count != b.count {
            continue;
        }
        let (Ok(x), Ok(y)) = (a.value.parse::<i64>(), b.value.parse::<i64>()) else {
            continue;
        };
        checked += 1;
        assert!(x < y, "{} before {}", a.value, b.value);
    }
    assert!(
        checked >= 2,
        "the fixture has equal counts of several numbers"
    );
}

/// Newbie13b #5: the frequency view's title said `4 values` with a filter on, though it
/// counts only the rows the filter shows: it says so, and what narrows them.
#[test]
fn the_frequency_view_says_it_counts_the_filtered_rows_only() {
    let mut app = sized(app(), 160, 45);
    focus_on(&mut app, Column::Role);
    keys(&mut app, "F");
    let drawn = text(&screen(&app, 160, 45, false));
    assert!(
        drawn.contains(" frequency of Role · 3 values · Enter"),
        "{drawn}"
    );
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "/!carol");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "F");
    let drawn = text(&screen(&app, 160, 45, false));
    assert!(
        drawn.contains(" frequency of Role · 2 values in 6 of 7 rows (filter) ·"),
        "{drawn}"
    );
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "v");
    keys(&mut app, "F");
    let drawn = text(&screen(&app, 160, 45, false));
    assert!(
        drawn
            .contains(" frequency of Role · 2 values in 6 of 7 rows (filter, view \"unreviewed\")"),
        "{drawn}"
    );
}

#[test]
fn frequency_view_counts_values_and_enter_filters_to_one() {
    // Wide enough that the Role is drawn (focus reaches drawn columns only).
    let mut app = sized(app(), 160, 45);
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
    let item = app.findings.current().unwrap();
    let local = app.cell(&app.findings, item, 0);
    let time = app.findings.items[item].time.unwrap();
    assert_eq!(local, app.local_zone.text(time), "{utc} / {local}");
    assert_eq!(
        utc == local,
        app.local_zone.wall_ticks(time) == time,
        "{utc} / {local}"
    );
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
        // Deleting goes back through the filters typing went through: each fresh order is
        // made once (a fresh workbench each, as before) and compared with both.
        let mut fresh: HashMap<String, Vec<String>> = HashMap::new();
        let mut fresh_order = |filter: &str| {
            fresh
                .entry(filter.to_owned())
                .or_insert_with(|| fresh_order(&report, filter, sort))
                .clone()
        };
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
                    fresh_order(&app.filter),
                    "filter {:?}",
                    app.filter
                );
            }
            for _ in typed.chars() {
                press(&mut app, KeyCode::Backspace);
                assert_eq!(
                    shown_keys(&app),
                    fresh_order(&app.filter),
                    "filter {:?}",
                    app.filter
                );
            }
        }
    }
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

/// The frequency view's value narrows the near misses too, as a `/` term does: the header
/// that names it never stands over rows it did not filter (newcomer's finding: `Target =
/// "grady.archie@…"` over all 8 near misses, none of that user).
#[test]
fn frequency_value_narrows_the_near_misses_the_header_names_it_over() {
    use sts_triage::tui::columns::near_miss;
    // At 160 columns, where Target is drawn (and so can be focused), as the newcomer did.
    let samples = || {
        sized(
            support::workbench(
                "t.sts-triage.jsonl",
                "a",
                support::scan(&["assets/samples"]),
            ),
            160,
            45,
        )
    };
    // The near-miss rows shown (the samples have 8), and the header's "N of 8 shown".
    let near_shown = |app: &App, column: Column, value: &str| {
        let cells: Vec<String> = app
            .near
            .order
            .iter()
            .map(|&i| app.cell(&app.near, i, near_miss(column)))
            .collect();
        assert!(cells.iter().all(|c| c == value), "{value}: {cells:?}");
        let header = support::screen(app, 160, 45)
            .lines()
            .nth(1)
            .unwrap()
            .to_owned();
        assert!(
            header.contains(&format!("{} of 8 shown", cells.len())),
            "{header}"
        );
        assert!(header.contains(&format!("= \"{value}")), "{header}");
        cells.len()
    };
    for (column, wanted) in [
        (Column::Target, "grady.archie@contoso.onmicrosoft.com"),
        (Column::Account, "Lee Gu"),
    ] {
        let mut app = samples();
        let every = (app.findings.order.len(), app.near.order.len());
        focus_on(&mut app, column);
        keys(&mut app, "F");
        let Overlay::Pivot(p) = &app.overlay else {
            panic!("pivot open")
        };
        let at = p.rows.iter().position(|r| r.value == wanted).unwrap();
        for _ in 0..at {
            keys(&mut app, "j");
        }
        press(&mut app, KeyCode::Enter);
        assert!(!app.findings.order.is_empty());
        keys(&mut app, "m");
        assert_eq!(app.view, View::NearMisses);
        let n = near_shown(&app, column, wanted);
        // No near miss is grady.archie's; one is Lee Gu's (the check is not of no rows only).
        assert_eq!(n, usize::from(column == Column::Account), "{wanted}");
        // Esc in the near misses takes the value off both tables.
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.near.order.len(), every.1);
        keys(&mut app, "m");
        assert_eq!(app.findings.order.len(), every.0);
    }
}

/// newbie2 #4: `source:` matches the file of the row's own record, never its events' copies
/// in other files (`/source:portal` keeps no row of the samples, though the portal's CSV
/// holds copies of 14 of them); the help says so where `source:` is explained.
#[test]
fn source_terms_say_that_copies_are_not_searched() {
    let mut app = support::loaded(&[PathBuf::from("assets/samples")]);
    keys(&mut app, "/source:portal");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.findings.order.len(), 0);
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "?");
    let help = text(&screen(&app, 160, 160, false));
    let line = help
        .lines()
        .find(|l| l.contains("source:portal"))
        .unwrap_or_else(|| panic!("{help}"));
    assert!(line.contains("copies not searched"), "{line}");
}

/// Near misses that share an event id with other content (a Graph export and a portal CSV
/// disagreeing on event C's time) are marked ⚠ in the near-miss table, as the problems view,
/// the drill-down and the report flag them, and `flag:⚠` / `flag:conflict` find them there as
/// on the flagged rows (newbie 13b, findings 2 and 5).
#[test]
fn conflicting_near_misses_are_marked_and_flag_terms_find_them_in_both_views() {
    let mut wb = support::loaded(&[
        PathBuf::from("tests/formats/graph-audit-search-records.json"),
        PathBuf::from("tests/formats/defender-portal-dayfirst.csv"),
    ]);
    keys(&mut wb, "m");
    assert_eq!(wb.view, View::NearMisses);
    let conflicting = |a: &App| -> Vec<String> {
        let mut shown = support::keys_of(a, View::NearMisses);
        shown.retain(|k| k.contains("555555555503"));
        shown
    };
    let both = conflicting(&wb);
    assert_eq!(
        both.len(),
        2,
        "{:?}",
        support::keys_of(&wb, View::NearMisses)
    );
    let flag = sts_triage::tui::columns::near_miss(Column::Flag);
    for &i in &wb.near.order {
        let it = &wb.near.items[i];
        let marked = it.key.contains("555555555503");
        assert_eq!(&it.cells[flag] == "⚠", marked, "{}", it.key);
    }
    // On screen: the ⚠ column of both rows, at the newcomer's 100x12.
    let shown = support::screen(&wb, 100, 12);
    let rows: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("third.user@cont"))
        .collect();
    assert!(!rows.is_empty(), "{shown}");
    assert!(rows.iter().all(|l| l.contains('⚠')), "{shown}");
    for filter in ["flag:⚠", "flag:conflict", "flag:=conflict"] {
        keys(&mut wb, &format!("/{filter}"));
        press(&mut wb, KeyCode::Enter);
        assert_eq!(
            support::keys_of(&wb, View::NearMisses),
            both,
            "{filter} in the near misses"
        );
        press(&mut wb, KeyCode::Esc);
    }
    // Both records of event C name third.user@ in ObjectId and victim.user@ in Target[]:
    // their target's ⚠ (`lookalike`) is found by its own name too (newbie 14b, finding 1).
    keys(&mut wb, "/flag:lookalike");
    press(&mut wb, KeyCode::Enter);
    assert_eq!(
        support::keys_of(&wb, View::NearMisses),
        both,
        "flag:lookalike in the near misses"
    );
    press(&mut wb, KeyCode::Esc);
    // The samples' flagged rows: the two Lee Gu rows of one event id, by the reason too.
    let mut samples = support::loaded(&[PathBuf::from("assets/samples")]);
    keys(&mut samples, "/flag:conflict");
    press(&mut samples, KeyCode::Enter);
    let accounts: Vec<&str> = samples
        .findings
        .order
        .iter()
        .map(|&i| &samples.findings.items[i].cells[finding(Column::Account)])
        .collect();
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    assert!(
        accounts.iter().all(|a| a.contains("Lee Gu")),
        "{accounts:?}"
    );
}

/// Newbie 15 #8: `remaining:<0` then `m` showed `No row matches the filter` on the near
/// misses with nothing to say that they have no Remaining column. The column is named; a
/// filter on columns the view has keeps the plain words.
#[test]
fn a_filter_on_a_column_the_view_lacks_says_so() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "/remaining:<0");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('m'));
    assert!(app.near.order.is_empty() && !app.near.items.is_empty());
    let s = text(&screen(&app, 80, 24, false))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        s.contains(
            "No row matches the filter: near misses have no Remaining column; Esc clears it."
        ),
        "{s}"
    );
    // A term the near misses have: no column named.
    keys(&mut app, "/");
    for _ in 0..20 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "account:zzzzqqq");
    press(&mut app, KeyCode::Enter);
    let s = text(&screen(&app, 80, 24, false))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        s.contains("No row matches the filter; Esc clears it."),
        "{s}"
    );
}
