//! The records the parties tests (`parties.rs`, `parties_keys.rs`) write: an admin's
//! revocation and a forged one by `evil` under the same event id, in the UAL,
//! CloudAppEvents, Graph directoryAudit and Purview CSV shapes, and what the tests read of a
//! scan.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use sts_triage::journal::{Decision, Verdict};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

pub const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";
pub const ID: &str = "12345678-0000-4000-8000-000000000001";
pub const TIME: &str = "2025-10-02T10:00:00";

/// Who acts on whom: the actor's UPN and object id, the target's UPN and object id.
#[derive(Clone, Copy)]
pub struct Parties {
    pub actor: &'static str,
    pub actor_id: &'static str,
    pub target: &'static str,
    pub target_id: &'static str,
}

pub const ADMIN: Parties = Parties {
    actor: "admin@contoso.example",
    actor_id: "7cf4093d-5ce4-49d2-b228-26d019a3a435",
    target: "victim@contoso.example",
    target_id: "04c819a0-37de-42ad-bb16-408c476e160f",
};

pub const EVIL: Parties = Parties {
    actor: "evil@contoso.example",
    actor_id: "99999999-9999-4999-8999-999999999999",
    target: "ceo@contoso.example",
    target_id: "11111111-1111-4111-8111-111111111111",
};

/// A UAL record of event `id` by `p`, moving the valid-from time (flagged), or with no
/// ModifiedProperties (a near miss) when `flagged` is false; `ip` may be empty (none).
pub fn ual_of(id: &str, p: Parties, ip: &str, flagged: bool) -> Value {
    let new = if flagged { "2025-10-02T10:00:00Z" } else { "" };
    let mut r = json!({
        "CreationTime": TIME, "Id": id, "Operation": STS_OP, "RecordType": 8,
        "ResultStatus": "Success", "Workload": "AzureActiveDirectory",
        "ObjectId": p.target, "UserId": p.actor,
        "ModifiedProperties": super::support::ual_sts_props("2025-06-15T08:12:03Z", new),
        "Actor": [{"ID": p.actor, "Type": 5}, {"ID": format!("User_{}", p.actor_id), "Type": 2},
                  {"ID": p.actor_id, "Type": 2}, {"ID": "User", "Type": 2}],
        "InterSystemsId": "7707593f-5fa4-4b97-b05d-d960305a8610",
        "Target": [{"ID": format!("User_{}", p.target_id), "Type": 2}, {"ID": p.target, "Type": 5}]
    });
    if !ip.is_empty() {
        r["ClientIP"] = json!(ip);
    }
    r
}

pub fn ual(p: Parties, ip: &str) -> Value {
    ual_of(ID, p, ip, true)
}

/// The CloudAppEvents row (advanced hunting) of a UAL record.
pub fn cloud_app(raw: &Value) -> Value {
    json!({
        "Timestamp": format!("{TIME}.000Z"), "ActionType": STS_OP,
        "Application": "Microsoft 365", "ApplicationId": 11161,
        "AccountObjectId": raw["Actor"][2]["ID"], "AccountDisplayName": raw["UserId"],
        "IPAddress": raw["ClientIP"], "IsAnonymousProxy": false, "ISP": "Contoso Networks",
        "ReportId": format!("104999001_11161_{ID}"), "RawEventData": raw
    })
}

/// A Graph directoryAudit (Entra audit log) of the revocation by `p`.
pub fn graph(p: Parties) -> Value {
    json!({
        "id": "Directory_0d1e2f3a_AAAAA_000000001",
        "category": "UserManagement", "correlationId": "c0c0c0c0-0000-4000-8000-000000000001",
        "result": "success", "resultReason": "", "loggedByService": "Core Directory",
        "activityDisplayName": "Update StsRefreshTokenValidFrom Timestamp",
        "activityDateTime": format!("{TIME}Z"), "operationType": "Update",
        "initiatedBy": {"app": null, "user": {"id": p.actor_id, "displayName": null,
            "userPrincipalName": p.actor, "ipAddress": "203.0.113.10"}},
        "targetResources": [{"id": p.target_id, "displayName": null, "type": "User",
            "userPrincipalName": p.target, "modifiedProperties": [
                {"displayName": "StsRefreshTokensValidFrom",
                 "oldValue": "[\"2025-06-15T08:12:03Z\"]", "newValue": "[\"2025-10-02T10:00:00Z\"]"},
                {"displayName": "Included Updated Properties", "oldValue": null,
                 "newValue": "\"StsRefreshTokensValidFrom\""}]}],
        "additionalDetails": []
    })
}

/// A Purview audit search CSV of UAL records (AuditData holds each record).
pub fn purview_csv(records: &[Value]) -> String {
    let mut out = String::from("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n");
    for r in records {
        let audit = r.to_string().replace('"', "\"\"");
        out.push_str(&format!(
            "{},{TIME}.0000000Z,8,\"{STS_OP}\",{},\"{audit}\"\n",
            r["Id"].as_str().unwrap(),
            r["UserId"].as_str().unwrap()
        ));
    }
    out
}

pub fn write(dir: &Path, name: &str, records: &[Value]) -> PathBuf {
    let path = dir.join(name);
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&path, text).unwrap();
    path
}

pub fn scan(paths: &[PathBuf]) -> ScanReport {
    scan_paths(paths, &ScanOptions::default()).unwrap()
}

pub fn file_line(s: &impl std::fmt::Display) -> String {
    let s = s.to_string();
    let (file, line) = s.rsplit_once(':').unwrap();
    let name = Path::new(file).file_name().unwrap().to_string_lossy();
    format!("{name}:{line}")
}

pub fn different_content(report: &ScanReport) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| p.message.contains("same id, different content"))
        .map(|p| format!("{}:{} {}", p.file, p.line.unwrap_or(0), p.message))
        .collect()
}

pub fn decided(keys: &[&str]) -> std::collections::HashMap<String, Decision> {
    keys.iter()
        .map(|k| {
            let d = Decision {
                verdict: Verdict::Suspicious,
                note: "forged".into(),
                analyst: "ana".into(),
                time: "2025-10-03T09:00:00.000Z".into(),
                ..Decision::default()
            };
            ((*k).to_owned(), d)
        })
        .collect()
}
