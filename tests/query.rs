//! `sts-triage query`: the printed text for each engine (golden files), the time window in
//! each engine's form, and the round trip: an export in the shape the `--raw` query returns
//! loads with its flagged rows, its near misses and the data of the drill-down.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use sts_triage::load::ScanOptions;
use sts_triage::query::{RAW_AUDIT_LOGS_COLUMNS, RAW_CLOUD_APP_COLUMNS};
use sts_triage::scan;

mod support;
use support::run_status as run;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_printed_query_matches_its_golden_file_for_each_engine_and_window() {
    let cases: [(&str, &[&str]); 7] = [
        ("defender", &["--for", "defender"]),
        (
            "defender-raw-since-30d",
            &["--for", "defender", "--raw", "--since", "30d"],
        ),
        (
            "defender-window",
            &["--since", "2025-09-01T00:00:00Z", "--until", "7d"],
        ),
        ("sentinel", &["--for", "sentinel"]),
        (
            "sentinel-raw-window",
            &[
                "--for",
                "sentinel",
                "--raw",
                "--since",
                "2025-09-01",
                "--until",
                "2025-10-01T14:00:00+02:00",
            ],
        ),
        ("auditlogs", &["--for", "auditlogs"]),
        (
            "auditlogs-raw-since-30d-until-1d",
            &[
                "--for",
                "auditlogs",
                "--raw",
                "--since",
                "30d",
                "--until",
                "1d",
            ],
        ),
    ];
    for (name, args) in cases {
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run(&all);
        assert_eq!(code, 0, "{name}: {stderr}");
        let golden = root().join(format!("tests/golden/query/{name}.kql"));
        let expected = std::fs::read_to_string(&golden).unwrap();
        assert_eq!(stdout, expected, "{name} differs from {}", golden.display());
    }
}

#[test]
fn each_engine_filters_on_its_own_time_column() {
    let (_, defender, _) = run(&["query", "--for", "defender", "--since", "30d"]);
    assert!(defender.contains("| where Timestamp >= ago(30d)\n"));
    assert!(defender.contains("datetime_diff('minute',Timestamp,newStsRefreshValidFrom)"));
    assert!(!defender.contains("TimeGenerated"));
    let (_, sentinel, _) = run(&["query", "--for", "sentinel", "--since", "30d"]);
    assert!(sentinel.contains("| where TimeGenerated >= ago(30d)\n"));
    assert!(sentinel.contains("datetime_diff('minute',TimeGenerated,newStsRefreshValidFrom)"));
    assert!(!sentinel.contains("Timestamp,"));
    // The sibling rule keeps its own lookback variable.
    let (_, audit, _) = run(&["query", "--for", "auditlogs", "--since", "30d"]);
    assert!(audit.starts_with("//") && audit.contains("let auditLookback = 30d;\nAuditLogs\n"));
}

#[test]
fn a_time_bound_that_is_not_a_literal_is_refused() {
    for bad in ["1d) | take 1 //", "last week", "30w"] {
        let (code, stdout, stderr) = run(&["query", "--since", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(stdout.is_empty(), "{bad}: nothing printed");
        assert!(
            stderr.contains("--since") && stderr.contains("timespan"),
            "{stderr}"
        );
    }
    let (code, _, stderr) = run(&["query", "--until", "tomorrow"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--until"), "{stderr}");
}

#[test]
fn a_window_that_ends_before_it_starts_is_refused() {
    for (since, until) in [
        ("2025-10-02", "2025-10-01"),
        ("1d", "30d"),
        ("2025-10-01", "2025-10-01"),
    ] {
        let (code, stdout, stderr) = run(&["query", "--since", since, "--until", until]);
        assert_eq!(code, 2, "{since}..{until}");
        assert!(stdout.is_empty(), "{since}..{until}: nothing printed");
        assert!(stderr.contains("window is empty"), "{stderr}");
    }
    let (code, stdout, _) = run(&["query", "--since", "30d", "--until", "1d"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("ago(30d)") && stdout.contains("ago(1d)"),
        "{stdout}"
    );
}

/// The header of a CSV export, with the portal's ` [UTC]` zone suffix taken off.
fn csv_header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let first = text.lines().next().unwrap();
    first
        .split(',')
        .map(|c| c.split(" [").next().unwrap().to_owned())
        .collect()
}

fn raw_columns(time: &str, rest: &[&str]) -> Vec<String> {
    std::iter::once(time)
        .chain(rest.iter().copied())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_synthetic_exports_have_the_columns_the_raw_query_projects() {
    let dir = root().join("tests/data/query-raw");
    assert_eq!(
        csv_header(&dir.join("defender-portal.csv")),
        raw_columns("Timestamp", &RAW_CLOUD_APP_COLUMNS)
    );
    assert_eq!(
        csv_header(&dir.join("sentinel-portal.csv")),
        raw_columns("TimeGenerated", &RAW_CLOUD_APP_COLUMNS)
    );
    assert_eq!(
        csv_header(&dir.join("auditlogs-portal.csv")),
        RAW_AUDIT_LOGS_COLUMNS
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<Vec<_>>()
    );
    // The printed --raw queries project exactly these columns.
    let (_, defender, _) = run(&["query", "--for", "defender", "--raw"]);
    assert!(defender.contains(&format!(
        "| project {}\n",
        raw_columns("Timestamp", &RAW_CLOUD_APP_COLUMNS).join(", ")
    )));
    let (_, sentinel, _) = run(&["query", "--for", "sentinel", "--raw"]);
    assert!(sentinel.contains(&format!(
        "| project {}\n",
        raw_columns("TimeGenerated", &RAW_CLOUD_APP_COLUMNS).join(", ")
    )));
    let (_, audit, _) = run(&["query", "--for", "auditlogs", "--raw"]);
    assert!(audit.contains(&format!(
        "| project {}\n",
        RAW_AUDIT_LOGS_COLUMNS.join(", ")
    )));
    // The API's JSON for the same columns: the Defender API's Schema names them in order.
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("defender-api.json")).unwrap()).unwrap();
    let names: Vec<String> = api["Schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, raw_columns("Timestamp", &RAW_CLOUD_APP_COLUMNS));
}

#[test]
fn a_raw_export_loads_with_near_misses_and_the_drill_down() {
    let dir = root().join("tests/data/query-raw");
    let cloud = [
        "defender-portal.csv",
        "defender-api.json",
        "sentinel-portal.csv",
        "sentinel-api.json",
    ];
    for name in cloud {
        let report = scan::scan_paths(&[dir.join(name)], &ScanOptions::default()).unwrap();
        assert_eq!(report.skipped(), 0, "{name}: {:?}", report.problems);
        assert_eq!(report.findings.len(), 2, "{name}");
        let mut reasons: Vec<&str> = report
            .near_miss_events()
            .map(|e| e.near_miss_reason().unwrap().code())
            .collect();
        reasons.sort_unstable();
        assert_eq!(
            reasons,
            [
                "directory_sync",
                "operation_spelled_differently",
                "property_not_at_index_0"
            ],
            "{name}"
        );
        // The drill-down: each flagged row has its event, with RawEventData, the values
        // the clauses saw and the event time (not only the eight result columns).
        let backwards = report
            .findings
            .iter()
            .find(|f| f.row.token_minutes_added == Some(-15840))
            .unwrap_or_else(|| panic!("{name}: the backdated row"));
        assert_eq!(backwards.row.account_display_name, "mallory@contoso.com");
        assert_eq!(backwards.row.is_anonymous_proxy, Some(true));
        assert_eq!(backwards.row.token_minutes_remaining, Some(16232));
        let e = &report.events[backwards.events[0]];
        assert!(
            e.raw_text().contains("ModifiedProperties"),
            "{name}: {}",
            e.raw_text()
        );
        assert!(
            e.raw_text().contains("python-requests/2.31"),
            "{name}: the user agent"
        );
        assert_eq!(e.id, "5e1f0000-0000-4000-8000-000000000001", "{name}");
        assert!(
            e.trace()
                .new_value
                .as_deref()
                .is_some_and(|v| v.contains("2025-09-20T08:00:00Z")),
            "{name}: {:?}",
            e.trace()
        );
        assert_eq!(
            e.time.map(|t| sts_triage::kql::format_datetime(&t)),
            Some("2025-10-01T14:32:27.0000000Z".to_owned()),
            "{name}"
        );
    }
    for name in ["auditlogs-portal.csv", "auditlogs-api.jsonl"] {
        let report = scan::scan_paths(&[dir.join(name)], &ScanOptions::default()).unwrap();
        assert_eq!(report.skipped(), 0, "{name}: {:?}", report.problems);
        assert_eq!(report.findings.len(), 1, "{name}");
        assert_eq!(
            report.findings[0].row.account_display_name,
            "mallory@contoso.com"
        );
        assert_eq!(report.findings[0].row.token_minutes_added, Some(-15840));
        let near: Vec<&str> = report
            .near_miss_events()
            .map(|e| e.near_miss_reason().unwrap().code())
            .collect();
        assert_eq!(near, ["directory_sync"], "{name}");
        let e = &report.events[report.findings[0].events[0]];
        assert!(
            e.raw_text().contains("modifiedProperties"),
            "{name}: {}",
            e.raw_text()
        );
    }
}
