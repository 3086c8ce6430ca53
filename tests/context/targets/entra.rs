//! Entra targets: a group (or application) named like the victim, listed first in a password
//! reset, never makes that reset the victim's.

use super::*;

/// A group whose display name is the victim's UPN (anyone who may create a group chooses it).
fn group_named_like_the_victim() -> Value {
    json!({"id": "9f9f9f00-0000-4000-8000-00000000009f", "displayName": VICTIM, "type": "Group",
        "userPrincipalName": null, "groupType": "unifiedGroups", "modifiedProperties": []})
}

fn user(upn: &str, id: &str) -> Value {
    json!({"id": id, "displayName": "Some User", "type": "User", "userPrincipalName": upn,
        "modifiedProperties": []})
}

/// A Graph directoryAudit of the helpdesk admin; `targets` are its `targetResources`.
fn directory_audit(n: u32, time: &str, activity: &str, corr: &str, targets: Value) -> Value {
    json!({"id": format!("Directory_{corr}_{n}"), "category": "UserManagement",
        "correlationId": corr, "result": "success", "resultReason": "",
        "activityDisplayName": activity, "activityDateTime": time,
        "loggedByService": "Core Directory", "operationType": "Update",
        "initiatedBy": {"user": {"id": HELPDESK_ID, "displayName": null,
            "userPrincipalName": HELPDESK, "ipAddress": "198.51.100.23"}, "app": null},
        "targetResources": targets, "additionalDetails": []})
}

/// The victim's revocation at 10:30:00, and a password reset one second before (in another
/// correlation) whose `targetResources` are `reset_targets`.
fn graph_page(reset_targets: Value) -> String {
    let mut victim = user(VICTIM, VICTIM_ID);
    victim["modifiedProperties"] = json!([{"displayName": "StsRefreshTokensValidFrom",
        "oldValue": "[\"2024-05-01T00:00:00Z\"]", "newValue": "[\"2024-05-02T10:30:00Z\"]"}]);
    let page = json!({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
    "value": [
        directory_audit(1, "2024-05-02T10:29:59Z", "Reset user password", "c0ffee00-0000-4000-8000-000000000007", reset_targets),
        directory_audit(2, "2024-05-02T10:30:00Z", "Update StsRefreshTokenValidFrom Timestamp", "c0ffee00-0000-4000-8000-000000000008", json!([victim])),
    ]});
    serde_json::to_string_pretty(&page).unwrap()
}

/// The same two records as Log Analytics AuditLogs rows (dynamic columns as JSON text), one
/// a line.
fn auditlogs_rows(reset_targets: Value) -> String {
    let page: Value = serde_json::from_str(&graph_page(reset_targets)).unwrap();
    page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            json!({"TimeGenerated": g["activityDateTime"], "OperationName": g["activityDisplayName"],
                "Category": "UserManagement", "Result": "success", "CorrelationId": g["correlationId"],
                "Id": g["id"], "ActivityDisplayName": g["activityDisplayName"],
                "ActivityDateTime": g["activityDateTime"], "LoggedByService": "Core Directory",
                "InitiatedBy": g["initiatedBy"].to_string(),
                "TargetResources": g["targetResources"].to_string(), "Type": "AuditLogs"})
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_group_named_like_the_victim_is_not_the_victim_in_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let other = user(
        "other.user@contoso.com",
        "c2c2c200-0000-4000-8000-0000000000c2",
    );
    let cases = [
        // The group first, then another user: the reset is the other user's.
        (json!([group_named_like_the_victim(), other]), false),
        // Only the group: the reset is nobody's the event knows.
        (json!([group_named_like_the_victim()]), false),
        // The group first, then the victim: the reset is the victim's.
        (
            json!([group_named_like_the_victim(), user(VICTIM, VICTIM_ID)]),
            true,
        ),
        // The victim's entry named by its object id alone (no UPN written).
        (
            json!([group_named_like_the_victim(), user("", VICTIM_ID)]),
            true,
        ),
    ];
    for (n, (targets, reset)) in cases.into_iter().enumerate() {
        for (shape, text) in [
            ("graph.json", graph_page(targets.clone())),
            ("auditlogs.jsonl", auditlogs_rows(targets.clone())),
        ] {
            let path = write(dir.path(), &format!("{n}-{shape}"), &text);
            let report = scan(&path);
            let e = &report.events[0];
            assert_eq!(
                (e.parties.target.as_str(), e.parties.target_id.as_str()),
                (VICTIM, VICTIM_ID),
                "{shape} {n}"
            );
            let b = badges(&report);
            assert_eq!(
                b.contains(&"reset"),
                reset,
                "{shape} {n}: {targets} gives {b:?}"
            );
            let line = sts_triage::context::summary::event_line(
                &Inputs::new(&report, HintConfig::default()),
                &report,
                0,
            );
            assert_eq!(line.starts_with("reset by"), reset, "{shape} {n}: {line}");
        }
    }
}
