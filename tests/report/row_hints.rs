#![allow(clippy::panic, clippy::unwrap_used)]
//! A row's hints are the same wherever the analyst reads them: the workbench's Hints
//! column, the rows copied with `y` (a Markdown table) and the findings report (`sts-triage
//! report`, which keeps most of a row's events lean: as a few numbers, their context fields
//! on a temporary file). The report and `y` had no hints; computed from each finding's kept
//! events, the report's would have missed those of its lean events.
//!
//! On the bundled samples and on `tests/fixtures/twins` (one incident in three exports),
//! every row's badges are compared across the three, the rows matched by the query's eight
//! columns.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::app::App;

use crate::support::hints::{screen_and_copy, table_hints};
use crate::support::{run_bin, sized};

/// The workbench's Hints column and the `y` copy of each row, by row.
fn workbench_hints(paths: &[PathBuf]) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let report = scan_paths(paths, &ScanOptions::default()).unwrap();
    let mut app = sized(
        App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report),
        200,
        50,
    );
    screen_and_copy(&mut app)
}

fn report_hints(paths: &[PathBuf]) -> BTreeMap<String, String> {
    let mut args = vec![
        "report".to_owned(),
        "--journal".to_owned(),
        "none.jsonl".to_owned(),
    ];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let out = run_bin(&args);
    table_hints(&String::from_utf8_lossy(&out.stdout))
}

pub(crate) fn same_badges_everywhere(paths: &[PathBuf]) -> BTreeMap<String, String> {
    let (screen, copied) = workbench_hints(paths);
    let report = report_hints(paths);
    assert_eq!(copied, screen, "y and the screen");
    assert_eq!(report, screen, "the report and the screen");
    screen
}

#[test]
fn the_samples_rows_have_the_same_badges_on_screen_in_y_and_in_the_report() {
    let hints = same_badges_everywhere(&[PathBuf::from("assets/samples")]);
    assert!(hints.len() > 5, "{hints:#?}");
    // Context badges among them: the comparison is not of empty cells.
    for badge in ["first", "reset", "bulk"] {
        assert!(
            hints.values().any(|h| h.split(' ').any(|b| b == badge)),
            "{badge}: {hints:#?}"
        );
    }
}

#[test]
fn one_incident_in_three_exports_has_the_same_badges_everywhere() {
    let paths: Vec<PathBuf> = ["cae.jsonl", "ual.json", "entra.json"]
        .iter()
        .map(|f| PathBuf::from("tests/fixtures/twins").join(f))
        .collect();
    let hints = same_badges_everywhere(&paths);
    // One change, one row: the CloudAppEvents row's (its UAL and Entra records are copies).
    assert_eq!(hints.len(), 1, "{hints:#?}");
    // Each row: the reset 1 s before, and the admin's first record is the sign-in before.
    for h in hints.values() {
        assert_eq!(h, "reset", "{hints:#?}");
    }
}

/// The STS records of the twins fixture's UAL and Entra exports, the Entra one given the
/// actor's IP address (as the UAL's ClientIP): two records of one event, ids of their own,
/// that give one row of two events. The actor has no other record.
fn two_copies(dir: &std::path::Path) -> [PathBuf; 2] {
    use serde_json::Value;
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(format!("tests/fixtures/twins/{f}")).unwrap())
            .unwrap()
    };
    let sts = |op: &Value| op.as_str().unwrap().starts_with("Update StsRefreshToken");
    let ual: Vec<Value> = read("ual.json")
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| sts(&r["Operation"]))
        .cloned()
        .collect();
    let mut entra = read("entra.json");
    let page = entra["value"].as_array_mut().unwrap();
    page.retain(|r| sts(&r["activityDisplayName"]));
    page[0]["initiatedBy"]["user"]["ipAddress"] = "203.0.113.45".into();
    let paths = [dir.join("entra.json"), dir.join("ual.json")];
    std::fs::write(&paths[0], entra.to_string()).unwrap();
    std::fs::write(&paths[1], Value::from(ual).to_string()).unwrap();
    paths
}

/// `first` of a row made of two copies of one event (an Entra record and the UAL record of
/// the same change, in two exports): the actor's first record of any kind, copies counted
/// once. The report said no `first` when the Entra copy came first (the UAL copy, written
/// without the fraction of its second, was an earlier record of the actor) while the screen
/// said `first` (from the UAL copy); now both say `first`, in either order.
#[test]
fn a_row_of_two_copies_of_one_event_is_first_on_screen_and_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let [entra, ual] = two_copies(dir.path());
    for paths in [
        vec![entra.clone(), ual.clone()],
        vec![ual.clone(), entra.clone()],
    ] {
        let hints = same_badges_everywhere(&paths);
        assert_eq!(hints.len(), 1, "one row: {hints:#?}");
        assert_eq!(hints.values().next().unwrap(), "first", "{paths:?}");
        // The report's context line says so too, and names the other copy a copy.
        let mut args = vec![
            "report".to_owned(),
            "--journal".to_owned(),
            "none.jsonl".to_owned(),
        ];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        let md = String::from_utf8_lossy(&run_bin(&args).stdout).into_owned();
        // One change: one event (the Entra record is the UAL record's twin), not two.
        assert!(
            md.contains(
                "the actor's first record; no related records; another copy of this event`"
            ),
            "{md}"
        );
        assert!(!md.contains("(first of 2 events)"), "{md}");
    }
}

/// A row of two events of which only the second, kept lean by the report, has a context
/// hint (a reset of its target 1 s before it): the report's row has its badge as the
/// screen's does. Computed from the report's kept events only, it had not.
#[test]
fn a_badge_of_a_lean_event_is_in_the_report() {
    use serde_json::{Value, json};
    let read = std::fs::read_to_string("tests/fixtures/twins/cae.jsonl").unwrap();
    let rows: Vec<Value> = read
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sts = rows
        .iter()
        .find(|r| r["ActionType"].as_str().unwrap().starts_with("Update Sts"))
        .unwrap();
    let reset = rows
        .iter()
        .find(|r| r["ActionType"] == "Reset user password.")
        .unwrap();
    // The same revocation of another user an hour earlier, nothing around it: the row's
    // first event.
    let mut earlier = sts.clone();
    earlier["Timestamp"] = json!("2024-05-14T07:31:07.1000000Z");
    let raw = &mut earlier["RawEventData"];
    raw["Id"] = json!("11111111-0000-4000-8000-0000000000e1");
    raw["CreationTime"] = json!("2024-05-14T07:31:07");
    raw["ObjectId"] = json!("ola.nord@woodgrove.example");
    raw["InterSystemsId"] = json!("9e9e9e9e-0000-4000-8000-0000000000e1");
    raw["Target"] = json!([{"ID": "User_8e8e8e8e-0000-4000-8000-0000000000e1", "Type": 2},
                           {"ID": "ola.nord@woodgrove.example", "Type": 5}]);
    let new_value = raw["ModifiedProperties"][0]["NewValue"]
        .as_str()
        .unwrap()
        .replace("08:31:07", "07:31:07");
    raw["ModifiedProperties"][0]["NewValue"] = json!(new_value);
    let old_value = raw["ModifiedProperties"][0]["OldValue"]
        .as_str()
        .unwrap()
        .replace("11:00:00", "10:00:00");
    raw["ModifiedProperties"][0]["OldValue"] = json!(old_value);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cae.jsonl");
    let text: String = [&earlier, reset, sts]
        .iter()
        .map(|r| format!("{r}\n"))
        .collect();
    std::fs::write(&path, text).unwrap();
    let hints = same_badges_everywhere(std::slice::from_ref(&path));
    assert_eq!(hints.len(), 1, "one row of two events: {hints:#?}");
    // Context badges in their one order (reset, self, bulk, first, signin), not the events'.
    assert_eq!(hints.values().next().unwrap(), "reset first");
}
