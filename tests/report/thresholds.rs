#![allow(clippy::panic, clippy::unwrap_used)]
//! The hand-over agrees with the screen whatever thresholds the analyst chose: with the hint
//! thresholds set away from their defaults (`--reset-minutes`, `--bulk-users`,
//! `--bulk-minutes`), the workbench's Hints column, the rows copied with `y`, the report
//! `E` writes and `sts-triage report` given the same options show the same badges, and the
//! reports say which thresholds they used. On the bundled samples, whose rows have `reset`
//! and `bulk` badges at the defaults.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use sts_triage::context::ContextOptions;
use sts_triage::hints::HintConfig;
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::app::App;

use crate::support::hints::{screen_and_copy, table_hints};
use crate::support::{sized, stdout_of};

const SAMPLES: &str = "assets/samples";
const JOURNAL: &str = "none.sts-triage.jsonl";

/// The thresholds of the test, and the same as options.
fn tuned() -> (HintConfig, [&'static str; 8]) {
    let config = HintConfig {
        reset_minutes: 0,
        bulk_users: 2,
        bulk_minutes: 120,
        context: ContextOptions {
            target_window_secs: 24 * 3600,
            actor_window_secs: 3600,
        },
        ..HintConfig::default()
    };
    let flags = [
        "--reset-minutes",
        "0",
        "--bulk-users",
        "2",
        "--bulk-minutes",
        "120",
        "--target-hours",
        "24",
    ];
    (config, flags)
}

/// The workbench with `config`: its Hints column and its `y` copy by row, and the report
/// `E` writes (no journal yet: the Markdown of the state).
fn workbench(config: HintConfig) -> (BTreeMap<String, String>, BTreeMap<String, String>, String) {
    let report = scan_paths(&[PathBuf::from(SAMPLES)], &ScanOptions::default()).unwrap();
    let mut app = App::new(JOURNAL, "analyst", HashMap::new());
    app.hint_config = config;
    let mut app = sized(app.with_report(report), 200, 50);
    let (screen, copied) = screen_and_copy(&mut app);
    (screen, copied, sts_triage::tui::report_markdown(&app))
}

fn report(extra: &[&str]) -> String {
    let mut args = vec!["report", "-q", "--journal", JOURNAL];
    args.extend_from_slice(extra);
    args.push(SAMPLES);
    stdout_of(&args)
}

#[test]
fn tuned_thresholds_give_the_same_badges_on_screen_in_e_and_in_report() {
    let (config, flags) = tuned();
    let (screen, copied, exported) = workbench(config);
    let (default_screen, ..) = workbench(HintConfig::default());
    assert_ne!(
        screen, default_screen,
        "the tuned thresholds change some badges (else this test shows nothing)"
    );
    assert_eq!(copied, screen, "y and the screen");
    assert_eq!(table_hints(&exported), screen, "E and the screen");
    let md = report(&flags);
    assert_eq!(
        table_hints(&md),
        screen,
        "report with the options and the screen"
    );
    // The same text as E's, the thresholds stated in the header.
    assert_eq!(md, exported);
    let stated = "- Hint thresholds: far 60 min (--far-minutes), reset 0 min (--reset-minutes), bulk 2 users in 120 min (--bulk-users, --bulk-minutes); related records: the target's within ±24 h (--target-hours), the actor's within ±60 min (--actor-minutes)\n";
    assert!(md.contains(stated), "{md}");
    // Without the options, the defaults, stated as such.
    let plain = report(&[]);
    assert_eq!(table_hints(&plain), default_screen);
    assert!(plain.contains("- Hint thresholds: far 60 min (--far-minutes), reset 5 min"));
}

/// Each finding's context line by row key: from the JSON report, and from the CSV report;
/// and the JSON report's `hint_thresholds`.
type Contexts = BTreeMap<String, String>;
fn contexts(extra: &[&str]) -> (Contexts, Contexts, serde_json::Value) {
    let mut args = extra.to_vec();
    args.extend(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&report(&args)).unwrap();
    // The CSV lists the near misses after the rows, as the JSON's `near_misses`.
    let json = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["near_misses"].as_array().unwrap())
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap().to_owned();
            (text("key"), text("context"))
        })
        .collect();
    args.truncate(extra.len());
    args.extend(["--format", "csv"]);
    let text = report(&args);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (key, context) = (col("key"), col("context"));
    let csv = r
        .records()
        .map(|row| {
            let row = row.unwrap();
            (row[key].to_owned(), row[context].to_owned())
        })
        .collect();
    (json, csv, v["hint_thresholds"].clone())
}

#[test]
fn the_json_and_csv_reports_use_the_options_and_json_states_them() {
    let (_, flags) = tuned();
    let (json, csv, stated) = contexts(&flags);
    assert_eq!(
        stated,
        serde_json::json!({"far_minutes": 60, "reset_minutes": 0, "bulk_users": 2,
                           "bulk_minutes": 120, "target_hours": 24, "actor_minutes": 60})
    );
    assert_eq!(json, csv, "the CSV's context lines are the JSON's");
    let (default_json, default_csv, stated) = contexts(&[]);
    assert_eq!(stated["reset_minutes"], 5);
    assert_eq!(default_json, default_csv);
    assert_ne!(json, default_json, "the options change some context lines");
}
