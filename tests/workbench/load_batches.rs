#![allow(clippy::panic, clippy::unwrap_used)]

//! The workbench while a load runs: rows arrive in batches and are shown in the order
//! read, rows already on screen keep their place, a filter typed meanwhile shows exactly
//! the matching rows read so far, and when the load ends everything is sorted once — the
//! same table as a workbench opened on the finished scan.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use sts_triage::load::ScanMessage;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, View};
use tui_input::InputRequest;

use crate::support::{keys_of, scan_messages};

/// One CloudAppEvents record of an STS event: the same account and address on another
/// day make the same result row (the valid-from date moves with the event).
fn sts_line(id: usize, account: &str, ip: &str, day: i64, near_miss: bool) -> String {
    let t = Utc.with_ymd_and_hms(2021, 3, 1, 9, 30, 0).unwrap() + Duration::days(day);
    let valid_from = t - Duration::minutes(2);
    let old = valid_from - Duration::days(1);
    let f = |d: chrono::DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let op = if near_miss {
        "Update StsRefreshTokenValidFrom Timestamp"
    } else {
        "Update StsRefreshTokenValidFrom Timestamp."
    };
    serde_json::json!({
        "Timestamp": f(t),
        "ActionType": op,
        "AccountObjectId": format!("obj-{account}"),
        "AccountDisplayName": format!("{account}@contoso.com"),
        "IPAddress": ip,
        "IsAnonymousProxy": false,
        "ISP": "Contoso ISP",
        "RawEventData": {
            "CreationTime": t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "Id": format!("{id:08}-aaaa-bbbb-cccc-000000000000"),
            "Operation": op,
            "RecordType": 8,
            "UserId": format!("{account}@contoso.com"),
            "ModifiedProperties": [{
                "Name": "StsRefreshTokensValidFrom",
                "OldValue": format!("[\r\n  \"{}\"\r\n]", f(old)),
                "NewValue": format!("[\r\n  \"{}\"\r\n]", f(valid_from)),
            }],
            "Actor": [{"ID": format!("{account}@contoso.com"), "Type": 5}, {"ID": "User", "Type": 2}],
            "ActorIpAddress": ip,
            "Workload": "AzureActiveDirectory",
        }
    })
    .to_string()
}

/// The loader's messages for a file of many events behind few rows, days out of order
/// (a row's first time is not its first event's), with near misses among them.
fn messages() -> Vec<ScanMessage> {
    let accounts = ["alice", "bob", "carol", "dave", "erin", "frank"];
    let ips = ["203.0.113.5", "198.51.100.7", "192.0.2.44"];
    let mut lines = Vec::new();
    for k in 0..240usize {
        let account = accounts[k % accounts.len()];
        let ip = ips[(k / 7) % ips.len()];
        // Days scattered: 0..60 in a fixed shuffled order.
        let day = i64::try_from((k * 37) % 61).unwrap();
        lines.push(sts_line(k, account, ip, day, k % 11 == 0));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sts.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    scan_messages(&[path])
}

fn cells_of(app: &App) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<_> = app
        .findings
        .items
        .iter()
        .chain(&app.near.items)
        .map(|it| (it.key.clone(), it.cells.iter().map(str::to_owned).collect()))
        .collect();
    out.sort();
    out
}

fn type_filter(app: &mut App, text: &str) {
    app.apply(Action::Intent(Intent::StartFilter));
    for c in text.chars() {
        app.apply(Action::Edit(InputRequest::InsertChar(c)));
    }
    app.apply(Action::Submit);
}

/// The workbench opened on the finished scan, with the same filter.
fn from_scratch(app: &App, filter: &str) -> App {
    let mut fresh = App::new("j.jsonl", "a", HashMap::new()).with_report(app.report.clone());
    if !filter.is_empty() {
        type_filter(&mut fresh, filter);
    }
    fresh
}

#[test]
fn rows_of_a_running_load_keep_their_place_and_are_sorted_once_at_the_end() {
    let msgs = messages();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    let mut first_shown: Option<String> = None;
    let mut frames = 0;
    for (n, m) in msgs.into_iter().enumerate() {
        app.apply(Action::Scan(m));
        if n % 13 == 0 {
            app.apply(Action::Tick);
            frames += 1;
            let shown = keys_of(&app, View::Findings);
            // The rows on screen do not move while more arrive.
            match &first_shown {
                Some(k) => assert_eq!(shown.first(), Some(k), "frame {frames}"),
                None => first_shown = shown.first().cloned(),
            }
            // Every row read so far is shown, once.
            let distinct: BTreeSet<&String> = shown.iter().collect();
            assert_eq!(distinct.len(), app.findings.items.len());
        }
    }
    assert!(frames > 10);
    app.apply(Action::Sorting);
    assert!(app.loading.sorting);
    app.apply(Action::LoadFinished { error: None });
    assert!(!app.loading.sorting);
    let scratch = from_scratch(&app, "");
    // Sorted newest first, as a workbench opened on the finished scan shows them, with
    // the same first times and event counts (kept as events arrived).
    assert_eq!(
        keys_of(&app, View::Findings),
        keys_of(&scratch, View::Findings)
    );
    assert_eq!(
        keys_of(&app, View::NearMisses),
        keys_of(&scratch, View::NearMisses)
    );
    assert_eq!(cells_of(&app), cells_of(&scratch));
    assert!(app.findings.items.len() >= 10 && !app.near.items.is_empty());
}

#[test]
fn a_filter_typed_during_the_load_shows_exactly_the_matching_rows_read_so_far() {
    let msgs = messages();
    let total = msgs.len();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    for (n, m) in msgs.into_iter().enumerate() {
        app.apply(Action::Scan(m));
        if n == total / 3 {
            app.apply(Action::Tick);
            type_filter(&mut app, "alice ip:198");
        }
        if n % 17 == 0 {
            app.apply(Action::Tick);
            let filter = app.filter.clone();
            let scratch = from_scratch(&app, &filter);
            for view in [View::Findings, View::NearMisses] {
                let got: BTreeSet<String> = keys_of(&app, view).into_iter().collect();
                let want: BTreeSet<String> = keys_of(&scratch, view).into_iter().collect();
                assert_eq!(got, want, "{view:?} after {n} messages, filter {filter:?}");
            }
        }
    }
    app.apply(Action::LoadFinished { error: None });
    let scratch = from_scratch(&app, "alice ip:198");
    assert!(!keys_of(&app, View::Findings).is_empty());
    assert_eq!(
        keys_of(&app, View::Findings),
        keys_of(&scratch, View::Findings)
    );
    assert_eq!(
        keys_of(&app, View::NearMisses),
        keys_of(&scratch, View::NearMisses)
    );
}

/// A near miss first read from a damaged copy (AuditData turned into a PowerShell
/// hashtable) and then from a whole one shows the whole record's reason and source, as a
/// workbench opened on the finished scan does; its row keeps its place.
#[test]
fn a_whole_copy_read_later_remakes_the_damaged_near_miss_row() {
    let dir = PathBuf::from("tests/formats");
    let paths = [
        dir.join("graph-audit-search-hashtable.csv"),
        dir.join("ual-auditdata-cut.csv"),
    ];
    let msgs = scan_messages(&paths);
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    for m in msgs {
        app.apply(Action::Scan(m));
        app.apply(Action::Tick);
    }
    app.apply(Action::LoadFinished { error: None });
    let scratch = from_scratch(&app, "");
    assert_eq!(cells_of(&app), cells_of(&scratch));
    let rewritten = app
        .near
        .items
        .iter()
        .find(|it| it.cells.iter().any(|c| c.contains("ual-auditdata-cut.csv")))
        .expect("the whole copy's source is shown");
    assert!(
        !rewritten.cells.iter().any(|c| c.contains("unusable")),
        "{:?}",
        rewritten.cells
    );
}

/// The loaded workbench with its filter applied a few rows per step, as a large table's is.
fn loaded_in_slices(step: usize) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    for m in messages() {
        app.apply(Action::Scan(m));
    }
    app.apply(Action::LoadFinished { error: None });
    app.filter_step = step;
    app
}

/// Ticks until the filter is applied to every row; how many it took.
fn finish_filtering(app: &mut App) -> usize {
    let mut ticks = 0;
    while app.filtering() {
        app.apply(Action::Tick);
        ticks += 1;
        assert!(ticks < 10_000, "the filter never ends");
    }
    ticks
}

#[test]
fn a_filter_applied_in_slices_shows_the_first_matching_rows_then_exactly_all() {
    let mut app = loaded_in_slices(3);
    let want = from_scratch(&app, "ip:198");
    app.apply(Action::Intent(Intent::StartFilter));
    for c in "ip:198".chars() {
        app.apply(Action::Edit(InputRequest::InsertChar(c)));
        // Every key is answered at once with the rows found so far: the first rows of the
        // whole result, in its order, and the table says it is still filtering.
        let mut ticks = 0;
        loop {
            let f = app.filter.clone();
            let scratch = from_scratch(&app, &f);
            for view in [View::Findings, View::NearMisses] {
                let got = keys_of(&app, view);
                let all = keys_of(&scratch, view);
                assert_eq!(got, all[..got.len()], "{view:?} filter {f:?} tick {ticks}");
            }
            if !app.filtering() {
                break;
            }
            assert!(app.findings.filtering().or(app.near.filtering()).is_some());
            app.apply(Action::Tick);
            ticks += 1;
        }
    }
    app.apply(Action::Submit);
    for view in [View::Findings, View::NearMisses] {
        assert_eq!(keys_of(&app, view), keys_of(&want, view), "{view:?}");
    }
    assert!(!keys_of(&app, View::Findings).is_empty());
}

#[test]
fn a_filter_typed_during_the_load_in_slices_ends_with_exactly_the_matching_rows() {
    let msgs = messages();
    let total = msgs.len();
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    app.filter_step = 2;
    let mut partial_seen = false;
    for (n, m) in msgs.into_iter().enumerate() {
        app.apply(Action::Scan(m));
        if n == total / 3 {
            app.apply(Action::Tick);
            type_filter(&mut app, "alice ip:198");
        }
        if n % 5 == 0 {
            app.apply(Action::Tick);
            partial_seen |= app.filtering();
            // What is shown so far matches the filter; the rows read so far all show
            // once the filter has gone over them.
            let filter = app.filter.clone();
            let scratch = from_scratch(&app, &filter);
            for view in [View::Findings, View::NearMisses] {
                let got: BTreeSet<String> = keys_of(&app, view).into_iter().collect();
                let want: BTreeSet<String> = keys_of(&scratch, view).into_iter().collect();
                assert!(got.is_subset(&want), "{view:?} after {n} messages");
            }
            finish_filtering(&mut app);
            let scratch = from_scratch(&app, &filter);
            for view in [View::Findings, View::NearMisses] {
                let got: BTreeSet<String> = keys_of(&app, view).into_iter().collect();
                let want: BTreeSet<String> = keys_of(&scratch, view).into_iter().collect();
                assert_eq!(got, want, "{view:?} after {n} messages, filter {filter:?}");
            }
        }
    }
    assert!(partial_seen, "the filter never took more than one step");
    app.apply(Action::LoadFinished { error: None });
    finish_filtering(&mut app);
    let scratch = from_scratch(&app, "alice ip:198");
    for view in [View::Findings, View::NearMisses] {
        assert_eq!(keys_of(&app, view), keys_of(&scratch, view), "{view:?}");
    }
}

/// The keys a decision was written for (the journal's entries the state asked for).
fn decided_keys(app: &mut App) -> Vec<String> {
    let mut keys = Vec::new();
    for effect in std::mem::take(&mut app.effects) {
        if let sts_triage::tui::app::Effect::Journal(entries) = effect {
            keys.extend(entries.into_iter().map(|e| e.key));
        }
    }
    keys
}

#[test]
fn a_verdict_while_a_filter_is_being_applied_lands_only_on_rows_shown() {
    let mut app = loaded_in_slices(2);
    let matching: BTreeSet<String> = keys_of(&from_scratch(&app, "bob"), View::Findings)
        .into_iter()
        .collect();
    // Rows selected before the filter: some it hides, some it shows.
    for _ in 0..12 {
        app.apply(Action::Intent(Intent::ToggleSelect));
    }
    let selected = app.findings.selected.len();
    assert_eq!(selected, 12.min(app.findings.items.len()));
    app.apply(Action::Intent(Intent::StartFilter));
    for c in "bob".chars() {
        app.apply(Action::Edit(InputRequest::InsertChar(c)));
    }
    app.apply(Action::Submit);
    assert!(app.filtering(), "the filter takes more than one step");
    let mut decided = 0;
    while app.filtering() || decided == 0 {
        let shown: BTreeSet<String> = keys_of(&app, View::Findings).into_iter().collect();
        app.apply(Action::Intent(Intent::MarkSuspicious));
        let keys = decided_keys(&mut app);
        // Nothing decided only when no row is shown, or when every selected row is hidden
        // (the key is refused, never sent to the highlighted row instead).
        assert!(
            !keys.is_empty()
                || shown.is_empty()
                || app
                    .status
                    .contains("hidden by the filter: clear the filter"),
            "{}",
            app.status
        );
        for k in &keys {
            assert!(shown.contains(k), "{k} decided while not shown");
            assert!(matching.contains(k), "{k} does not match the filter");
        }
        decided += keys.len();
        app.apply(Action::Tick);
    }
    assert!(decided > 0);
    // Every suspicious row matches the filter: none hidden was decided.
    for (key, d) in &app.decisions {
        if d.verdict == sts_triage::journal::Verdict::Suspicious {
            assert!(matching.contains(key), "{key}");
        }
    }
}

/// Found by a first-time user on a 100,000-event file: after the one sort at the end of the
/// load, the row highlighted since the first frame (the first row read) sat far down the
/// table and the newest rows were off screen above it. An analyst who did not move starts
/// at the top; one who moved keeps the row they chose.
#[test]
fn after_the_load_the_table_starts_at_the_newest_row_unless_the_analyst_moved() {
    let load = |moved: bool| {
        let mut app = App::new("j.jsonl", "a", HashMap::new());
        for (n, m) in messages().into_iter().enumerate() {
            app.apply(Action::Scan(m));
            if n == 40 {
                app.apply(Action::Tick);
                if moved {
                    app.apply(Action::Intent(Intent::MoveDown));
                }
            }
        }
        app.apply(Action::Tick);
        let chosen = app.findings.current();
        app.apply(Action::LoadFinished { error: None });
        (app, chosen)
    };
    let (still, _) = load(false);
    let newest = from_scratch(&still, "");
    assert_eq!(still.findings.cursor, 0);
    assert_eq!(still.findings.offset, 0);
    assert_eq!(
        keys_of(&still, View::Findings).first(),
        keys_of(&newest, View::Findings).first()
    );
    let (moved, chosen) = load(true);
    assert!(chosen.is_some());
    assert_eq!(
        moved.findings.current(),
        chosen,
        "the row the analyst moved to"
    );
}
