//! A journal key names its row or near miss alone: values holding the unit separator 0x1F
//! (the byte the row key's hash joined the eight values with) no longer give two rows one
//! key, and every row without it keeps its key, so journals written before still apply; a
//! near miss whose id holds `#` keeps its decision in the report.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sts_triage::journal::{Decision, Entry, Journal, Verdict};
use sts_triage::load::ScanOptions;
use sts_triage::model::ResultRow;
use sts_triage::scan::scan_paths;

use crate::support::run_bin;

fn json_report(paths: &[&Path], journal: &Path) -> Value {
    let mut args = vec![
        "report".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
        "--journal".to_owned(),
        journal.display().to_string(),
    ];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let out = run_bin(&args);
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn values_holding_the_separator_give_two_rows_two_keys() {
    // Breaker finding (session 10): `Eve\x1fUser` + `X` and `Eve` + `User\x1fX` hashed
    // to one key (`row:312ef96f57400a11ebe70243`): pressing 2 once marked both rows.
    let path = PathBuf::from("tests/fixtures/key-collide.jsonl");
    let report = scan_paths(std::slice::from_ref(&path), &ScanOptions::default()).unwrap();
    let rows: Vec<&ResultRow> = report.findings.iter().map(|f| &f.row).collect();
    assert_eq!(rows.len(), 2);
    assert_ne!(rows[0], rows[1]);
    assert_ne!(rows[0].key(), rows[1].key());
    // The same split by hand, whatever the file gives.
    let row = |name: &str, role: &str| ResultRow {
        account_display_name: name.into(),
        role: role.into(),
        ..ResultRow::default()
    };
    assert_ne!(
        row("Eve\u{1f}User", "X").key(),
        row("Eve", "User\u{1f}X").key()
    );
    assert_ne!(row("\u{1f}", "").key(), row("", "\u{1f}").key());
    // A journal of one decision (the key the breaker's journal holds for the first row,
    // now that row's alone) decides one row.
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let (mut j, _) = Journal::open(&journal).unwrap();
    let decision = Decision {
        verdict: Verdict::Legitimate,
        ..Decision::default()
    };
    j.append(&[Entry::new(&rows[0].key(), &decision, "a", "set")])
        .unwrap();
    let v = json_report(&[&path], &journal);
    assert_eq!(
        v["counts"]["findings"],
        serde_json::json!({"total": 2, "suspicious": 0, "legitimate": 1, "unreviewed": 1}),
        "{v}"
    );
}

#[test]
fn rows_without_the_separator_keep_their_keys() {
    // A row's key as every version wrote it (the values each followed by 0x1F), checked on
    // a row of every column.
    let row = ResultRow {
        account_object_id: "7cf4093d-5ce4-59d2-b228-26d019a3a435".into(),
        account_display_name: "Contoso Admin".into(),
        role: "User".into(),
        ip_address: "203.0.113.10".into(),
        is_anonymous_proxy: Some(false),
        isp: "Contoso Networks".into(),
        token_minutes_added: Some(155_900),
        token_minutes_remaining: Some(0),
    };
    assert_eq!(row.key(), "row:d592e6e8042f7b987bb1c322");
}

#[test]
fn a_journal_written_by_125c5b6_on_the_samples_still_applies_every_decision() {
    // tests/data/journal/samples-125c5b6.jsonl: every flagged row and near miss of the
    // bundled samples decided in the workbench of 125c5b6 (1 and 2 in turn, some twice).
    let journal = Path::new("tests/data/journal/samples-125c5b6.jsonl");
    let v = json_report(&[Path::new("assets/samples")], journal);
    let near = &v["counts"]["near_misses"];
    assert_eq!(near["unreviewed"], 0, "{near}");
    assert_eq!(near["total"], 8, "{near}");
    // Its 15 rows all decided; the 16th, the legacy API's record of dup_a through an
    // anonymous proxy, was folded into dup_a's row by 125c5b6 (a row of its own since:
    // `copies::rows_agree`), so no decision names it.
    let c = &v["counts"]["findings"];
    assert_eq!(c["total"], 16, "{c}");
    assert_eq!(c["unreviewed"], 1, "{c}");
    let unreviewed: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["verdict"] == "unreviewed")
        .collect();
    assert_eq!(unreviewed.len(), 1);
    assert_eq!(unreviewed[0]["is_anonymous_proxy"], true);
    assert_eq!(
        unreviewed[0]["sources"],
        serde_json::json!(["assets/samples/cloudappevents-legacy-api.json:1"])
    );
    assert_eq!(v["decisions_not_applied"], serde_json::json!([]), "{v}");
}

#[test]
fn a_decided_near_miss_whose_id_holds_a_hash_sign_keeps_its_decision_in_the_report() {
    // `report` keeps whole only the near misses the journal decided, found by the id in
    // their key; it cut the key at its first `#` (that of `event:<id>#<content>`), so a
    // near miss of id `7ec3cb69#6e91` was counted unreviewed though decided.
    let sample = std::fs::read_to_string("assets/samples/cloudappevents-ah-api.jsonl").unwrap();
    let line = sample.lines().nth(4).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hash.jsonl");
    let id = "7ec3cb69-6e91-563d-8749-170ef26f55a0";
    assert!(line.contains(id));
    std::fs::write(&input, line.replace(id, "7ec3cb69#6e91") + "\n").unwrap();
    let journal = dir.path().join("j.jsonl");
    let (mut j, _) = Journal::open(&journal).unwrap();
    let decision = Decision {
        verdict: Verdict::Suspicious,
        ..Decision::default()
    };
    j.append(&[Entry::new("event:7ec3cb69#6e91", &decision, "a", "set")])
        .unwrap();
    let v = json_report(&[&input], &journal);
    assert_eq!(
        v["counts"]["near_misses"],
        serde_json::json!({"total": 1, "suspicious": 1, "legitimate": 0, "unreviewed": 0}),
        "{v}"
    );
}
