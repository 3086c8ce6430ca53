//! The hunting query UpdateStsRefreshToken[Solorigate] over CloudAppEvents rows (and UAL
//! records read as such rows), and its sibling AuditLogs rule over Entra audit records.
//! Each evaluation walks the query clause by clause and records what every clause saw.

use serde_json::Value;

use crate::kql::{self, KqlDateTime};
use crate::model::{NearMissReason, Outcome, ResultRow, Trace};
use crate::pstext;

pub mod dirsync;

pub const RULE_NAME: &str = "UpdateStsRefreshToken[Solorigate]";
pub const RULE_ID: &str = "634dfbd6-0a42-40da-854e-2161cf137f14";
pub const ACTION_TYPE: &str = "Update StsRefreshTokenValidFrom Timestamp.";
pub const PROPERTY_NAME: &str = "StsRefreshTokensValidFrom";
pub const DIRECTORY_SYNC: &str = "Directorysync";
/// What makes a record an STS refresh-token event at all, flagged or not (ASCII case
/// ignored): the operation names this term sequence.
pub const STS_NEEDLE: &str = "stsrefreshtokenvalidfrom";

/// True when an operation name is about STS refresh-token validity, however spelled.
pub fn is_sts_operation(operation: &str) -> bool {
    operation.to_ascii_lowercase().contains(STS_NEEDLE)
}

/// RawEventData as the loader found it.
#[derive(Debug, Clone, PartialEq)]
pub enum RawEventData {
    /// A JSON value (an object in every real export).
    Json(Value),
    /// Text that is not JSON: Kusto keeps it as a dynamic string.
    Text(String),
    /// Missing or null.
    Null,
}

/// The columns of a CloudAppEvents row that the query reads.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudAppRow {
    pub action_type: String,
    pub raw_event_data: RawEventData,
    pub account_object_id: String,
    pub account_display_name: String,
    pub ip_address: String,
    pub is_anonymous_proxy: Option<bool>,
    pub isp: String,
    pub timestamp: Option<KqlDateTime>,
}

/// Evaluates the query on one row. `None`: not an STS event at all (not even a near miss).
pub fn evaluate_cloud_app_row(row: &CloudAppRow) -> Option<(Outcome, Trace)> {
    evaluate_cloud_app_row_checked(row, false)
}

/// [`evaluate_cloud_app_row`], where the caller may already know that RawEventData does not
/// have the Directorysync term (`term_absent`: the loader proved it on the record's bytes,
/// `load::pruned`), so its values are not walked again.
pub fn evaluate_cloud_app_row_checked(
    row: &CloudAppRow,
    term_absent: bool,
) -> Option<(Outcome, Trace)> {
    let mut trace = Trace {
        action_type: row.action_type.clone(),
        timestamp: row.timestamp,
        ..Trace::default()
    };
    // | where ActionType == "Update StsRefreshTokenValidFrom Timestamp."
    trace.action_type_matches = row.action_type == ACTION_TYPE;
    if !trace.action_type_matches {
        if !is_sts_operation(&row.action_type) {
            return None;
        }
        let reason = NearMissReason::OperationSpelledDifferently {
            operation: row.action_type.clone(),
        };
        return Some((Outcome::NearMiss(Box::new(reason)), trace));
    }
    // | where RawEventData !has "Directorysync"
    let raw = match &row.raw_event_data {
        RawEventData::Json(v) => Some(v),
        _ => None,
    };
    trace.directory_sync = match &row.raw_event_data {
        _ if term_absent => None,
        RawEventData::Json(v) => kql::dynamic_find_term(v, DIRECTORY_SYNC).map(|h| h.path),
        RawEventData::Text(t) => kql::has_term(t, DIRECTORY_SYNC).then(|| "(text)".to_owned()),
        RawEventData::Null => None,
    };
    if let Some(path) = &trace.directory_sync {
        let reason = match raw {
            Some(v)
                if !dirsync::has_sync_property(kql::property(Some(v), "ModifiedProperties")) =>
            {
                NearMissReason::DirectorySync {
                    path: dirsync::field_words(v, path),
                    client_text: true,
                }
            }
            _ => NearMissReason::DirectorySync {
                path: path.clone(),
                client_text: false,
            },
        };
        return Some((Outcome::NearMiss(Box::new(reason)), trace));
    }
    // | extend displayName = RawEventData.ModifiedProperties[0].Name
    // | where displayName == "StsRefreshTokensValidFrom"
    let props = kql::property(raw, "ModifiedProperties");
    let first = kql::index(props, 0);
    let display_name = kql::property(first, "Name");
    trace.display_name = display_name.map(|v| kql::tostring(Some(v)));
    if !kql::dynamic_eq_str(display_name, PROPERTY_NAME) {
        let reason = explain_property_miss(&row.raw_event_data, props);
        return Some((Outcome::NearMiss(Box::new(reason)), trace));
    }
    // old/new values, minute counts
    let old_value = kql::property(first, "OldValue");
    let new_value = kql::property(first, "NewValue");
    trace.old_value = old_value.map(|v| kql::tostring(Some(v)));
    trace.new_value = new_value.map(|v| kql::tostring(Some(v)));
    trace.old_valid_from = kql::first_datetime_of(old_value);
    trace.new_valid_from = kql::first_datetime_of(new_value);
    trace.minutes_added = kql::minutes_between(trace.new_valid_from, trace.old_valid_from);
    trace.minutes_remaining = kql::minutes_between(row.timestamp, trace.new_valid_from);
    // | extend Role = parse_json(RawEventData.Actor[-1]).ID ... tostring(Role)
    let actor_last = kql::index(kql::property(raw, "Actor"), -1);
    trace.role = kql::tostring(kql::property(actor_last, "ID"));
    let result = ResultRow {
        account_object_id: row.account_object_id.clone(),
        account_display_name: row.account_display_name.clone(),
        role: trace.role.clone(),
        ip_address: row.ip_address.clone(),
        is_anonymous_proxy: row.is_anonymous_proxy,
        isp: row.isp.clone(),
        token_minutes_added: trace.minutes_added,
        token_minutes_remaining: trace.minutes_remaining,
    };
    Some((Outcome::Flagged(vec![result].into()), trace))
}

fn explain_property_miss(raw: &RawEventData, props: Option<&Value>) -> NearMissReason {
    let text = match raw {
        RawEventData::Json(Value::Object(_)) => None,
        RawEventData::Json(other) => Some(format!("RawEventData is not an object: {other}")),
        // JSON that stops before it closes was cut (Excel keeps 32,767 characters of a cell).
        RawEventData::Text(t)
            if t.trim_start().starts_with('{')
                && serde_json::from_str::<serde::de::IgnoredAny>(t).is_err_and(|e| e.is_eof()) =>
        {
            return NearMissReason::RecordCut {
                field: "RawEventData".to_owned(),
                at_chars: t.chars().count(),
            };
        }
        // PowerShell's text of the object (the API's JSON made objects by Invoke-RestMethod,
        // then Export-Csv): the record's values are gone, and the reason says so.
        RawEventData::Text(t) if pstext::is_object_text(t) => {
            return object_text_miss("RawEventData", t);
        }
        RawEventData::Text(t) => Some(format!(
            "RawEventData is not JSON: {}",
            t.chars().take(60).collect::<String>()
        )),
        RawEventData::Null => Some("RawEventData is null".to_owned()),
    };
    if let Some(detail) = text {
        return NearMissReason::UnparseableValues { detail };
    }
    // PowerShell's text of an object where the property list or its first item should be
    // (ConvertTo-Json past its -Depth): the values are gone, and the reason says so.
    if let Some(value) = pstext::object_text(props) {
        return object_text_miss("ModifiedProperties", value);
    }
    let items = match props.and_then(Value::as_array) {
        Some(items) if !items.is_empty() => items,
        _ => {
            return NearMissReason::NoModifiedProperties {
                field: "ModifiedProperties".to_owned(),
            };
        }
    };
    if let Some(value) = pstext::object_text(items.first()) {
        return object_text_miss("ModifiedProperties[0]", value);
    }
    let name_at = |i: usize| kql::tostring(kql::property(items.get(i), "Name"));
    let at_index_0 = name_at(0);
    if kql::eq_ignore_case(&at_index_0, PROPERTY_NAME) {
        return NearMissReason::PropertyNameSpelledDifferently { name: at_index_0 };
    }
    let found_at = (0..items.len()).find(|&i| kql::eq_ignore_case(&name_at(i), PROPERTY_NAME));
    NearMissReason::PropertyNotAtIndex0 {
        found_at,
        at_index_0,
    }
}

fn object_text_miss(field: &str, value: &str) -> NearMissReason {
    NearMissReason::AuditDataUnusable {
        field: field.to_owned(),
        value: value.to_owned(),
    }
}

/// A Unified Audit Log record, to be read as the RawEventData of a CloudAppEvents row.
/// The row's columns are derived from the record (README "Column mapping").
pub fn cloud_app_row_from_ual(record: Value) -> CloudAppRow {
    let get = |k: &str| kql::tostring(record.get(k));
    let timestamp = record
        .get("CreationTime")
        .or_else(|| record.get("TimeGenerated"))
        .and_then(Value::as_str)
        .and_then(crate::dates::parse_export_time);
    let account_object_id = record
        .get("Actor")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("ID").and_then(Value::as_str))
        .find_map(|id| {
            id.strip_prefix("User_")
                .or_else(|| id.strip_prefix("ServicePrincipal_"))
        })
        .unwrap_or_default()
        .to_owned();
    let actor_ip = get("ActorIpAddress");
    let ip_address = ip_without_port(&if actor_ip.is_empty() {
        get("ClientIP")
    } else {
        actor_ip
    });
    CloudAppRow {
        action_type: get("Operation"),
        account_display_name: get("UserId"),
        account_object_id,
        ip_address,
        is_anonymous_proxy: None,
        isp: String::new(),
        timestamp,
        raw_event_data: RawEventData::Json(record),
    }
}

/// An Entra ID audit record in the shape common to AuditLogs, Graph and diagnostic settings.
/// `target_resources` and `initiated_by` use Graph's camelCase keys.
#[derive(Debug, Clone, PartialEq)]
pub struct EntraRecord {
    pub operation: String,
    pub time: Option<KqlDateTime>,
    pub target_resources: Value,
    pub initiated_by: Value,
    /// How the source names the first target's modified properties, for messages
    /// (`targetResources[0].modifiedProperties`, `Target1ModifiedProperty1Name`…).
    pub properties_field: String,
}

/// An `initiatedBy.app` (or `.user`) that names nobody: null, or an object whose values
/// are all null or empty (Graph PowerShell writes `App` as an object of nulls for a user).
fn is_empty_actor(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Object(map) => map.values().all(is_empty_actor),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The address of a UAL `ClientIP`, which may carry a port: `203.0.113.24:51002`,
/// `[203.0.113.24]:51001`, `[2001:db8::5]:443` (CloudAppEvents' IPAddress is the bare
/// address). Text that is no address is returned as it is.
pub fn ip_without_port(text: &str) -> String {
    use std::net::{IpAddr, SocketAddr};
    let t = text.trim();
    if t.parse::<IpAddr>().is_ok() {
        return t.to_owned();
    }
    if let Ok(sock) = t.parse::<SocketAddr>() {
        return sock.ip().to_string();
    }
    // `[203.0.113.24]:51001` and `[2001:db8::5]`: std reads brackets only around IPv6
    // with a port.
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.split_once(']')) {
        let (address, rest) = inner;
        let port_ok = rest.is_empty()
            || rest
                .strip_prefix(':')
                .is_some_and(|p| p.parse::<u16>().is_ok());
        if port_ok && let Ok(ip) = address.parse::<IpAddr>() {
            return ip.to_string();
        }
    }
    text.to_owned()
}

/// The sibling rule (Detections/AuditLogs/StsRefreshTokenModification.yaml), mapped onto the
/// query's eight output columns. `None`: not an STS event.
pub fn evaluate_entra_record(rec: &EntraRecord) -> Option<(Outcome, Trace)> {
    let mut trace = Trace {
        action_type: rec.operation.clone(),
        timestamp: rec.time,
        ..Trace::default()
    };
    // | where OperationName has 'StsRefreshTokenValidFrom'
    trace.action_type_matches = kql::has(&rec.operation, "StsRefreshTokenValidFrom");
    if !trace.action_type_matches {
        if !is_sts_operation(&rec.operation) {
            return None;
        }
        let reason = NearMissReason::OperationSpelledDifferently {
            operation: rec.operation.clone(),
        };
        return Some((Outcome::NearMiss(Box::new(reason)), trace));
    }
    let target = kql::index(Some(&rec.target_resources), 0);
    let props = kql::property(target, "modifiedProperties");
    // PowerShell's text of an object where the targets, the first target or its properties
    // should be (Get-MgAuditLogDirectoryAudit | ConvertTo-Json past its -Depth).
    let targets = rec.properties_field.split('[').next().unwrap_or_default();
    let object_text = [
        (targets.to_owned(), Some(&rec.target_resources)),
        (format!("{targets}[0]"), target),
        (rec.properties_field.clone(), props),
    ]
    .into_iter()
    .find_map(|(field, v)| pstext::object_text(v).map(|text| (field, text)));
    if let Some((field, value)) = object_text {
        let reason = object_text_miss(&field, value);
        return Some((Outcome::NearMiss(Box::new(reason)), trace));
    }
    // | where TargetResources[0].modifiedProperties != '[]'
    let items = match props.and_then(Value::as_array) {
        Some(items) if !items.is_empty() => items,
        _ => {
            let field = rec.properties_field.clone();
            return Some((
                Outcome::NearMiss(Box::new(NearMissReason::NoModifiedProperties { field })),
                trace,
            ));
        }
    };
    // | where TargetResources[0].modifiedProperties !has 'DirectorySync'
    if let Some(hit) = props.and_then(|p| kql::dynamic_find_term(p, "DirectorySync")) {
        let path = format!("{}{}", rec.properties_field, hit.path);
        trace.directory_sync = Some(path.clone());
        let client_text = !dirsync::has_sync_property(props);
        let path = if client_text {
            format!(
                "{}{}",
                rec.properties_field,
                dirsync::field_words(props?, &hit.path)
            )
        } else {
            path
        };
        return Some((
            Outcome::NearMiss(Box::new(NearMissReason::DirectorySync {
                path,
                client_text,
            })),
            trace,
        ));
    }
    let user = kql::property(Some(&rec.initiated_by), "user");
    let app = kql::property(Some(&rec.initiated_by), "app");
    let upn = kql::tostring(kql::property(user, "userPrincipalName"));
    let (name, object_id, ip, role) = if !upn.is_empty() || app.is_none_or(is_empty_actor) {
        (
            upn,
            kql::tostring(kql::property(user, "id")),
            kql::tostring(kql::property(user, "ipAddress")),
            "User",
        )
    } else {
        (
            kql::tostring(kql::property(app, "displayName")),
            kql::tostring(kql::property(app, "servicePrincipalId")),
            kql::tostring(kql::property(app, "ipAddress")),
            "ServicePrincipal",
        )
    };
    let ip = if ip == "<null>" { String::new() } else { ip };
    trace.role = role.to_owned();
    // | mv-expand ... | where tostring(displayName) =~ 'StsRefreshTokensValidFrom'
    let mut rows = Vec::new();
    for item in items {
        let name_here = kql::tostring(kql::property(Some(item), "displayName"));
        if !kql::eq_ignore_case(&name_here, PROPERTY_NAME) {
            continue;
        }
        let old_value = kql::property(Some(item), "oldValue");
        let new_value = kql::property(Some(item), "newValue");
        let old = kql::first_datetime_of(old_value);
        let new = kql::first_datetime_of(new_value);
        if rows.is_empty() {
            trace.display_name = Some(name_here);
            trace.old_value = old_value.map(|v| kql::tostring(Some(v)));
            trace.new_value = new_value.map(|v| kql::tostring(Some(v)));
            trace.old_valid_from = old;
            trace.new_valid_from = new;
            trace.minutes_added = kql::minutes_between(new, old);
            trace.minutes_remaining = kql::minutes_between(rec.time, new);
        }
        rows.push(ResultRow {
            account_object_id: object_id.clone(),
            account_display_name: name.clone(),
            role: role.to_owned(),
            ip_address: ip.clone(),
            is_anonymous_proxy: None,
            isp: String::new(),
            token_minutes_added: kql::minutes_between(new, old),
            token_minutes_remaining: kql::minutes_between(rec.time, new),
        });
    }
    if rows.is_empty() {
        if let Some(value) = pstext::object_text(items.first()) {
            let reason = object_text_miss(&format!("{}[0]", rec.properties_field), value);
            return Some((Outcome::NearMiss(Box::new(reason)), trace));
        }
        let at_index_0 = kql::tostring(kql::property(items.first(), "displayName"));
        let reason = NearMissReason::PropertyNotAtIndex0 {
            found_at: None,
            at_index_0,
        };
        return Some((Outcome::NearMiss(Box::new(reason)), trace));
    }
    Some((Outcome::Flagged(rows.into()), trace))
}

#[cfg(test)]
mod tests;
