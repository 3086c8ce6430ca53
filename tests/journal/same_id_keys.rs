#![allow(clippy::panic, clippy::unwrap_used)]
//! A decision on one event never applies to another event of the same id: two near misses
//! of one id whose content differs are each decided under a key of their own
//! (`event:<id>#<content>`), the same whatever the file order; a decision saved under the
//! plain `event:<id>` before the second was read applies to neither, each row says so and
//! the report says it once; a flagged event and a near miss of one id are decided apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use sts_triage::journal::{Decision, Verdict};
use sts_triage::load::ScanOptions;
use sts_triage::report::{self, ReportContext};
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Column, NEAR_MISS_COLUMNS};

const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const ID: &str = "11111111-2222-4333-8444-555555555502";

/// A UAL record of event `ID` at `time`; no ModifiedProperties (a near miss) when `new`
/// is empty, else a flagged move of the valid-from time to `new`.
fn ual(time: &str, new: &str) -> serde_json::Value {
    let props = crate::support::ual_sts_props("2024-01-01T00:00:00Z", new);
    json!({
        "CreationTime": time, "Id": ID, "Operation": STS_OP, "RecordType": 8,
        "Workload": "AzureActiveDirectory", "UserId": "helpdesk.admin@contoso.example",
        "ObjectId": "victim.user@contoso.example", "ClientIP": "203.0.113.7",
        "ModifiedProperties": props,
        "Actor": [{"ID": "helpdesk.admin@contoso.example", "Type": 5}],
        "Target": [{"ID": "victim.user@contoso.example", "Type": 5}]
    })
}

fn write(dir: &Path, name: &str, record: &serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{record}\n")).unwrap();
    path
}

fn scan(paths: &[&PathBuf]) -> ScanReport {
    let paths: Vec<PathBuf> = paths.iter().map(|p| (*p).clone()).collect();
    scan_paths(&paths, &ScanOptions::default()).unwrap()
}

fn decided(keys: &[&str]) -> HashMap<String, Decision> {
    keys.iter()
        .map(|k| {
            let d = Decision {
                verdict: Verdict::Suspicious,
                note: "revoked by an attacker".into(),
                analyst: "ana".into(),
                time: "2024-03-01T09:00:00.000Z".into(),
                ..Decision::default()
            };
            ((*k).to_owned(), d)
        })
        .collect()
}

/// Each near-miss row of the workbench as `file verdict reason`, sorted by file.
fn near_rows(app: &App) -> Vec<String> {
    let at = |c| NEAR_MISS_COLUMNS.iter().position(|&x| x == c).unwrap();
    let mut rows: Vec<String> = app
        .near
        .items
        .iter()
        .zip(app.near.verdicts())
        .map(|(it, v)| {
            let source = &it.cells[at(Column::Source)];
            let file = Path::new(source.split(':').next().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{file} {v:?} {}", &it.cells[at(Column::Reason)])
        })
        .collect();
    rows.sort();
    rows
}

/// The near misses' keys by file name.
fn keys(r: &ScanReport) -> HashMap<String, String> {
    r.near_misses
        .iter()
        .map(|&e| {
            let e = &r.events[e];
            let file = Path::new(&*e.source.file).file_name().unwrap();
            (file.to_string_lossy().into_owned(), e.key())
        })
        .collect()
}

#[test]
fn two_near_misses_of_one_id_are_decided_apart_in_both_file_orders() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.jsonl", &ual("2024-02-01T10:00:00", ""));
    let b = write(dir.path(), "b.jsonl", &ual("2024-02-03T11:30:00", ""));
    // Alone, a near miss keeps the plain key every journal already uses.
    assert_eq!(keys(&scan(&[&a]))["a.jsonl"], format!("event:{ID}"));
    let ab = keys(&scan(&[&a, &b]));
    let ba = keys(&scan(&[&b, &a]));
    assert_eq!(ab, ba, "the file order changed the keys");
    assert_ne!(ab["a.jsonl"], ab["b.jsonl"]);
    assert!(ab["a.jsonl"].starts_with(&format!("event:{ID}#")), "{ab:?}");
    // A decision on b (as the workbench saves it) replays on b alone, in either order.
    for order in [[&a, &b], [&b, &a]] {
        let app = App::new("j.sts-triage.jsonl", "ana", decided(&[&ab["b.jsonl"]]))
            .with_report(scan(&order));
        assert_eq!(
            near_rows(&app),
            [
                "a.jsonl Unreviewed no ModifiedProperties".to_owned(),
                "b.jsonl Suspicious no ModifiedProperties".to_owned()
            ],
            "{order:?}"
        );
    }
    // Loaded alone again, b keeps the decision made under its own key.
    let app = App::new("j", "ana", decided(&[&ab["b.jsonl"]])).with_report(scan(&[&b]));
    assert_eq!(
        near_rows(&app),
        ["b.jsonl Suspicious no ModifiedProperties"]
    );
    let alone = scan(&[&b]);
    let md = report::markdown_report(
        &alone,
        &decided(&[&ab["b.jsonl"]]),
        &ReportContext::default(),
    );
    assert!(md.contains("## Near misses marked suspicious (1)"), "{md}");
    // Decided in the workbench, a row's entry names its own key.
    let mut app =
        App::new("j.sts-triage.jsonl", "ana", HashMap::new()).with_report(scan(&[&b, &a]));
    app.apply(Action::Intent(Intent::ToggleNearMisses));
    app.apply(Action::Intent(Intent::MarkSuspicious));
    let saved: Vec<&String> = app.unsaved.iter().collect();
    assert_eq!(saved.len(), 1);
    assert!(
        ab.values().any(|k| k == saved[0]),
        "{saved:?} not in {ab:?}"
    );
}

#[test]
fn a_plain_decision_made_before_the_second_event_applies_to_neither() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.jsonl", &ual("2024-02-01T10:00:00", ""));
    let b = write(dir.path(), "b.jsonl", &ual("2024-02-03T11:30:00", ""));
    let plain = format!("event:{ID}");
    // Yesterday, with a alone: the decision applied.
    let app = App::new("j", "ana", decided(&[&plain])).with_report(scan(&[&a]));
    assert_eq!(
        near_rows(&app),
        ["a.jsonl Suspicious no ModifiedProperties"]
    );
    let sentence = format!(
        "a decision on event {ID} was not applied: 2 different events now share this id; decide each again"
    );
    for order in [[&a, &b], [&b, &a]] {
        let report = scan(&order);
        let decisions = decided(&[&plain]);
        let app = App::new("j", "ana", decisions.clone()).with_report(scan(&order));
        assert_eq!(
            near_rows(&app),
            [
                "a.jsonl Unreviewed [decide again: id shared] no ModifiedProperties".to_owned(),
                "b.jsonl Unreviewed [decide again: id shared] no ModifiedProperties".to_owned()
            ],
            "{order:?}"
        );
        assert_eq!(
            report::decisions_not_applied(&report, &decisions),
            [(ID.to_owned(), 2)]
        );
        // The report: said once, neither near miss listed as suspicious.
        let md = report::markdown_report(&report, &decisions, &ReportContext::default());
        assert_eq!(md.matches("was not applied").count(), 1, "{md}");
        let md_sentence = sentence.replace(ID, &format!("`{ID}`"));
        assert!(md.contains(&md_sentence), "{md}");
        assert!(!md.contains("revoked by an attacker"), "{md}");
        let mut json = Vec::new();
        report::write_json(&mut json, &report, &decisions, &ReportContext::default()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["decisions_not_applied"], json!([sentence]));
        // Once one is decided again, the other still says so.
        let own = keys(&report)["a.jsonl"].clone();
        let app = App::new("j", "ana", decided(&[&plain, &own])).with_report(scan(&order));
        assert_eq!(
            near_rows(&app),
            [
                "a.jsonl Suspicious no ModifiedProperties".to_owned(),
                "b.jsonl Unreviewed [decide again: id shared] no ModifiedProperties".to_owned()
            ]
        );
    }
}

#[test]
fn a_flagged_event_and_a_near_miss_of_one_id_are_decided_apart() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "flagged.jsonl",
        &ual("2024-02-01T10:00:00", "2024-02-01T10:00:00Z"),
    );
    let n = write(dir.path(), "near.jsonl", &ual("2024-02-03T11:30:00", ""));
    let plain = format!("event:{ID}");
    for order in [[&f, &n], [&n, &f]] {
        let report = scan(&order);
        assert_eq!(report.findings.len(), 1, "{order:?}");
        assert_eq!(report.near_misses.len(), 1, "{order:?}");
        // Each row's drill-down opens its own record.
        let flagged = &report.events[report.findings[0].events[0]];
        assert!(flagged.source.file.ends_with("flagged.jsonl"));
        assert!(flagged.raw_text().contains("2024-02-01T10:00:00"));
        let near = &report.events[report.near_misses[0]];
        assert!(near.source.file.ends_with("near.jsonl"));
        assert!(near.raw_text().contains("2024-02-03T11:30:00"));
        // The near miss keeps the plain key: no other near miss shares the id.
        assert_eq!(near.key(), plain);
        let row = report.findings[0].row.key();
        // A decision on the near miss leaves the flagged row unreviewed, and back.
        let app = App::new("j", "ana", decided(&[&plain])).with_report(scan(&order));
        assert_eq!(app.findings.verdicts(), [Verdict::Unreviewed]);
        assert_eq!(app.near.verdicts(), [Verdict::Suspicious]);
        let app = App::new("j", "ana", decided(&[&row])).with_report(scan(&order));
        assert_eq!(app.findings.verdicts(), [Verdict::Suspicious]);
        assert_eq!(app.near.verdicts(), [Verdict::Unreviewed]);
        assert!(report::decisions_not_applied(&report, &decided(&[&plain])).is_empty());
    }
}
