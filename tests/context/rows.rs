//! Context never changes the query's rows; a row lists its targets (one, or the count of several).

use super::*;

#[test]
fn context_never_changes_the_rows_and_a_row_lists_its_targets() {
    let dir = tempfile::tempdir().unwrap();
    for path in inputs(dir.path()) {
        let with = scan(&path, true);
        let without = scan(&path, false);
        let rows = |r: &ScanReport| r.findings.iter().map(|f| f.row.clone()).collect::<Vec<_>>();
        assert_eq!(rows(&with), rows(&without), "{}", path.display());
        assert!(without.context.is_empty());
        for f in &with.findings {
            assert!(!f.targets(&with.events).is_empty(), "{}", path.display());
        }
    }
}

#[test]
fn a_row_of_several_targets_shows_the_count_and_scan_context_lists_them() {
    // Two revocations by the same actor in the same minute with the same values are one
    // row of the query: its targets are both users.
    let dir = tempfile::tempdir().unwrap();
    let evs = [
        ev(
            "2024-03-04T09:00:00Z",
            STS,
            HELPDESK,
            "a.user@contoso.com",
            "c-a",
            "203.0.113.10",
        ),
        ev(
            "2024-03-04T09:00:00Z",
            STS,
            HELPDESK,
            "b.user@contoso.com",
            "c-b",
            "203.0.113.10",
        ),
    ];
    let path = write(
        dir.path(),
        "two.jsonl",
        &lines(evs.iter().enumerate().map(|(i, e)| ual(e, i))),
    );
    let report = scan(&path, true);
    assert_eq!(report.findings.len(), 1);
    let targets = report.findings[0].targets(&report.events);
    assert_eq!(sts_triage::model::count_label(&targets, "user"), "2 users");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--format", "jsonl", "--context"])
        .arg(&path)
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 12, "{keys:?}");
    assert_eq!(keys[8], "targets");
    assert_eq!(keys[10], "actor_kind");
    assert_eq!(
        v["targets"],
        json!(["a.user@contoso.com", "b.user@contoso.com"])
    );
}
