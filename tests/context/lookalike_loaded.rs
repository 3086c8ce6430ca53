#![allow(clippy::panic, clippy::unwrap_used)]
//! The `lookalike` hint compares a row's principals with every principal of the loaded data
//! (README), not only with the rows': an attacker's `admin@contoso.onmicrosoft.corn` is
//! flagged where the admin it imitates appears only in a record that is no revocation
//! (breaker 13, finding 7b).

use crate::id_only::{UAL_STS_OP, ual, write_lines};
use crate::support::context::json_report;

const MEGAN: &str = "megan.bowen@contoso.onmicrosoft.com";
const MEGAN_ID: &str = "04c819a0-37de-52ad-bb16-408c476e160f";
const ADMIN: &str = "admin@contoso.onmicrosoft.com";
const LOOKALIKE: &str = "admin@contoso.onmicrosoft.corn";

fn row_of(records: &[serde_json::Value]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    write_lines(&dir.path().join("ual.jsonl"), records);
    let report = json_report(dir.path());
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
    report["findings"][0].clone()
}

fn by(mut record: serde_json::Value, actor: &str, id: &str) -> serde_json::Value {
    record["UserId"] = actor.into();
    record["Actor"] =
        serde_json::json!([{"ID": actor, "Type": 5}, {"ID": format!("User_{id}"), "Type": 2}]);
    record
}

#[test]
fn a_row_actor_like_a_user_seen_only_in_other_records_is_a_lookalike() {
    let sts = by(
        ual(30, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID),
        LOOKALIKE,
        "66666666-6666-4666-8666-666666666666",
    );
    let update = by(
        ual(
            20,
            "09:00:20",
            "Update user.",
            "x@contoso.onmicrosoft.com",
            "11111111-1111-1111-1111-111111111111",
        ),
        ADMIN,
        "7cf4093d-5ce4-59d2-b228-26d019a3a435",
    );
    let row = row_of(&[update, sts.clone()]);
    let hints: Vec<&str> = row["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(hints.contains(&"lookalike"), "{row:#}");
    let why = row["lookalike"].to_string();
    assert!(why.contains(LOOKALIKE) && why.contains(ADMIN), "{why}");
    // The control: the same row alone has no one to look like.
    let alone = row_of(&[sts]);
    assert!(alone["lookalike"].is_null(), "{alone:#}");
}
