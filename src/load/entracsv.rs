//! The Entra admin center "Download" (CSV) of the audit logs: one row per directoryAudit,
//! flattened into columns. The header, as public processing scripts list it:
//! `Date (UTC), CorrelationId, Service, Category, Activity, Result, ResultReason,
//! User Agent, ActorType, ActorDisplayName, ActorObjectId, ActorUserPrincipalName,
//! IPAddress, ActorHomeTenantId, ActorHomeTenantName, ActorServicePrincipalId,
//! ActorServicePrincipalName, Target1Type, Target1DisplayName, Target1ObjectId,
//! Target1UserPrincipalName, Target1ModifiedProperty1Name, Target1ModifiedProperty1OldValue,
//! Target1ModifiedProperty1NewValue, … (5 properties per target, 3 targets),
//! AdditionalDetail1Key, AdditionalDetail1Value, … (6 details)`.
//!
//! There is no JSON column: the row is put back into the Graph directoryAudit shape
//! (`activityDisplayName`, `activityDateTime`, `initiatedBy`, `targetResources[]`
//! with `modifiedProperties[]`), which the AuditLogs rule reads like any Entra record.
//! Rows may stop before the header's last columns (empty trailing cells left out).
//!
//! The download's header, as public scripts that process it list it, has no id column; a
//! row is then keyed by a hash of its text. A file that has one (`Id`, as the Graph and Log
//! Analytics exports of the same records name it, in any case) gives the row its record's
//! id, so the row and its copies in other exports (the JSON download, Graph
//! `directoryAudits`, AuditLogs) are one event.

use serde_json::{Map, Value, json};

/// True when the header is the Entra download's.
pub fn is_entra_download(headers: &[String]) -> bool {
    let has = |n: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(n));
    has("Activity")
        && (has("Date (UTC)") || has("Date"))
        && (has("Target1ModifiedProperty1Name") || has("ActorUserPrincipalName"))
}

/// The name the row's time column is given in the Graph shape.
pub const TIME_KEY: &str = "activityDateTime";

/// The header as the Graph-shaped rows name their columns (for the date decisions).
pub fn graph_headers(headers: &[String]) -> Vec<String> {
    headers
        .iter()
        .map(|h| {
            if h.eq_ignore_ascii_case("Date (UTC)") || h.eq_ignore_ascii_case("Date") {
                TIME_KEY.to_owned()
            } else {
                h.clone()
            }
        })
        .collect()
}

/// A property value as the Graph writes it (JSON text of an array): a bare value, as some
/// downloads show it, is put in an array.
fn graph_value(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        Value::Null
    } else if t.starts_with('[') {
        Value::String(t.to_owned())
    } else {
        Value::String(Value::Array(vec![Value::String(t.to_owned())]).to_string())
    }
}

/// One row (cells by column name; missing trailing cells are empty) in the Graph shape.
pub fn graph_record(cell: &dyn Fn(&str) -> String) -> Map<String, Value> {
    let mut targets = Vec::new();
    for t in 1.. {
        let key = |rest: &str| format!("Target{t}{rest}");
        let probe = [
            "Type",
            "DisplayName",
            "ObjectId",
            "UserPrincipalName",
            "ModifiedProperty1Name",
        ];
        if t > 1 && probe.iter().all(|p| cell(&key(p)).is_empty()) {
            break;
        }
        let mut props = Vec::new();
        for p in 1.. {
            let name = cell(&key(&format!("ModifiedProperty{p}Name")));
            if name.is_empty() {
                break;
            }
            props.push(json!({
                "displayName": name,
                "oldValue": graph_value(&cell(&key(&format!("ModifiedProperty{p}OldValue")))),
                "newValue": graph_value(&cell(&key(&format!("ModifiedProperty{p}NewValue")))),
            }));
        }
        targets.push(json!({
            "type": cell(&key("Type")),
            "displayName": cell(&key("DisplayName")),
            "id": cell(&key("ObjectId")),
            "userPrincipalName": cell(&key("UserPrincipalName")),
            "modifiedProperties": props,
        }));
        if t >= 50 {
            break;
        }
    }
    let upn = cell("ActorUserPrincipalName");
    let ip = cell("IPAddress");
    let initiated_by = if !upn.is_empty() || cell("ActorType").eq_ignore_ascii_case("User") {
        json!({"user": {
            "id": cell("ActorObjectId"),
            "displayName": cell("ActorDisplayName"),
            "userPrincipalName": upn,
            "ipAddress": ip,
        }})
    } else {
        let name = Some(cell("ActorServicePrincipalName"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| cell("ActorDisplayName"));
        let id = Some(cell("ActorServicePrincipalId"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| cell("ActorObjectId"));
        json!({"app": {"displayName": name, "servicePrincipalId": id, "ipAddress": ip}})
    };
    let mut map = Map::new();
    map.insert(
        "activityDisplayName".to_owned(),
        Value::String(cell("Activity")),
    );
    map.insert(TIME_KEY.to_owned(), Value::String(cell(TIME_KEY)));
    let id = cell("Id");
    if !id.trim().is_empty() {
        map.insert("id".to_owned(), Value::String(id.trim().to_owned()));
    }
    map.insert(
        "correlationId".to_owned(),
        Value::String(cell("CorrelationId")),
    );
    map.insert("initiatedBy".to_owned(), initiated_by);
    map.insert("targetResources".to_owned(), Value::Array(targets));
    map
}
