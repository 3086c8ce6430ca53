#![allow(clippy::panic, clippy::unwrap_used)]
//! One principal is one principal, whichever way a record names it: an Entra record whose
//! `initiatedBy.user` gives the actor's object id and no UPN (null or "") is the actor that a
//! UAL record names by UPN and `User_<id>` (README: actors are compared "a user by UPN or
//! object id"). Breaker 13, finding 4: such a record was nobody's, so the actor's own reset
//! read "reset by another actor" and its earlier record left the revocation `first`.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::context::json_report;

const EVIL: &str = "evil@contoso.onmicrosoft.com";
const EVIL_ID: &str = "99999999-9999-9999-9999-999999999999";
const MEGAN: &str = "megan.bowen@contoso.onmicrosoft.com";
const MEGAN_ID: &str = "04c819a0-37de-52ad-bb16-408c476e160f";
pub(crate) const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp";
pub(crate) const UAL_STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";

/// A UAL record by `EVIL` (UPN and `User_<id>`) on `target` at 2025-10-10 `hms`.
pub(crate) fn ual(n: u32, hms: &str, op: &str, target: &str, target_id: &str) -> Value {
    let sts = op.starts_with("Update StsRefreshToken");
    json!({
        "CreationTime": format!("2025-10-10T{hms}"), "Id": format!("00000000-0000-0000-0000-{n:012}"),
        "Operation": op, "RecordType": 8, "ResultStatus": "Success", "Workload": "AzureActiveDirectory",
        "ObjectId": target, "UserId": EVIL, "ActorIpAddress": "203.0.113.66",
        "InterSystemsId": format!("9f6d64cd-1418-5ac9-8410-{n:012}"),
        "ModifiedProperties": if sts { crate::support::ual_sts_props("2025-06-15T08:12:03Z", &format!("2025-10-10T{hms}Z")) } else { json!([]) },
        "Actor": [{"ID": EVIL, "Type": 5}, {"ID": format!("User_{EVIL_ID}"), "Type": 2}, {"ID": "User", "Type": 2}],
        "Target": [{"ID": format!("User_{target_id}"), "Type": 2}, {"ID": "User", "Type": 2}, {"ID": target, "Type": 5}],
    })
}

/// An Entra directoryAudit by the user `upn` (null, "" or a UPN) with object id `EVIL_ID`,
/// on the user `target` (null or a UPN) with object id `target_id`.
pub(crate) fn entra(
    n: u32,
    hms: &str,
    op: &str,
    upn: Value,
    target: Value,
    target_id: &str,
) -> Value {
    let sts = op == STS_OP;
    json!({
        "id": format!("Directory_id_{n}"), "category": "UserManagement",
        "correlationId": format!("c1000000-0000-0000-0000-{n:012}"), "result": "success",
        "activityDisplayName": op, "activityDateTime": format!("2025-10-10T{hms}Z"),
        "loggedByService": "Core Directory", "operationType": "Update",
        "initiatedBy": {"app": null, "user": {"id": EVIL_ID, "displayName": null, "userPrincipalName": upn, "ipAddress": "203.0.113.66"}},
        "targetResources": [{"id": target_id, "displayName": null, "type": "User", "userPrincipalName": target,
            "modifiedProperties": if sts { json!([
                {"displayName": "StsRefreshTokensValidFrom", "oldValue": "[\"2025-06-15T08:12:03Z\"]", "newValue": format!("[\"2025-10-10T{hms}Z\"]")},
                {"displayName": "Included Updated Properties", "oldValue": null, "newValue": "\"StsRefreshTokensValidFrom\""}]) } else { json!([]) }}],
        "additionalDetails": [],
    })
}

pub(crate) fn write_lines(path: &Path, records: &[Value]) {
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap();
}

pub(crate) fn write_page(path: &Path, records: &[Value]) {
    std::fs::write(path, json!({ "value": records }).to_string()).unwrap();
}

/// The JSON report's only row: its hints, context line and related records (operation,
/// actor, why).
fn only_row(dir: &Path) -> (Vec<String>, String, Vec<(String, String, String)>) {
    let report = json_report(dir);
    let rows = report["findings"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report:#}");
    let r = &rows[0];
    let hints = r["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    let related = r["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let s = |k: &str| x[k].as_str().unwrap_or_default().to_owned();
            (s("operation"), s("actor"), s("why"))
        })
        .collect();
    (hints, r["context"].as_str().unwrap().to_owned(), related)
}

#[test]
fn an_entra_record_by_the_actors_object_id_alone_is_the_actors_own() {
    for upn in [Value::Null, json!("")] {
        let dir = tempfile::tempdir().unwrap();
        write_lines(
            &dir.path().join("ual.jsonl"),
            &[ual(30, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID)],
        );
        // The actor resets the victim's password 10 s before, and updated another user
        // 30 min before: written with the object id only.
        write_page(
            &dir.path().join("entra.json"),
            &[
                entra(
                    1,
                    "08:30:00",
                    "Update user",
                    upn.clone(),
                    json!("other@contoso.onmicrosoft.com"),
                    "11111111-1111-1111-1111-111111111111",
                ),
                entra(
                    2,
                    "09:00:20",
                    "Reset user password",
                    upn.clone(),
                    json!(MEGAN),
                    MEGAN_ID,
                ),
            ],
        );
        let (hints, context, related) = only_row(dir.path());
        assert_eq!(hints, ["reset"], "UPN {upn}: {context}");
        assert!(
            context.starts_with("reset by the same actor 10 s before; 2 related records"),
            "UPN {upn}: {context}"
        );
        // Related by its actor, shown by the id it was written with (never an empty actor).
        assert_eq!(
            related,
            [
                (
                    "Update user".to_owned(),
                    EVIL_ID.to_owned(),
                    "same actor".to_owned()
                ),
                (
                    "Reset user password".to_owned(),
                    EVIL_ID.to_owned(),
                    "same target, same actor".to_owned()
                ),
            ],
            "UPN {upn}"
        );
    }
}

#[test]
fn an_sts_event_by_object_id_alone_relates_to_the_records_of_its_upn() {
    let dir = tempfile::tempdir().unwrap();
    write_page(
        &dir.path().join("entra.json"),
        &[entra(
            3,
            "09:00:30",
            STS_OP,
            Value::Null,
            json!(MEGAN),
            MEGAN_ID,
        )],
    );
    write_lines(
        &dir.path().join("ual.jsonl"),
        &[
            ual(
                21,
                "08:40:00",
                "Update user.",
                "other@contoso.onmicrosoft.com",
                "11111111-1111-1111-1111-111111111111",
            ),
            ual(20, "09:00:20", "Reset user password.", MEGAN, MEGAN_ID),
        ],
    );
    let (hints, context, related) = only_row(dir.path());
    assert_eq!(hints, ["reset"], "{context}");
    assert!(
        context.starts_with("reset by the same actor 10 s before; 2 related records"),
        "{context}"
    );
    let why: Vec<&str> = related.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(why, ["same actor", "same target, same actor"]);
}

#[test]
fn another_users_object_id_is_another_actor() {
    // The control: the same reset by another object id and no UPN stays another actor's.
    let dir = tempfile::tempdir().unwrap();
    write_lines(
        &dir.path().join("ual.jsonl"),
        &[ual(30, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID)],
    );
    let mut reset = entra(
        2,
        "09:00:20",
        "Reset user password",
        Value::Null,
        json!(MEGAN),
        MEGAN_ID,
    );
    reset["initiatedBy"]["user"]["id"] = json!("66666666-6666-6666-6666-666666666666");
    write_page(&dir.path().join("entra.json"), &[reset]);
    let (hints, context, _) = only_row(dir.path());
    assert_eq!(hints, ["reset", "first"], "{context}");
    assert!(
        context.starts_with("reset by another actor 10 s before"),
        "{context}"
    );
}
