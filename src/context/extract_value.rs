//! The fields of a record parsed whole with serde_json: the Entra audit and sign-in shapes,
//! whose people are nested objects (`initiatedBy`, `targetResources`), and any record read
//! as a value. Rare in large exports, so parsed rather than read from bitmaps
//! ([`super::json_record`] chooses).

use serde_json::Value;

use super::{Fields, owned};
use crate::context::times::time_of;
use crate::kql;
use crate::model::ActorKind;

/// An Entra audit record (or a sign-in record) parsed whole.
pub(super) fn parsed(bytes: &[u8]) -> Option<Fields<'static>> {
    let value = crate::json_depth::parse_value(std::str::from_utf8(bytes).ok()?).ok()?;
    Some(from_value(&value))
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => kql::tostring(Some(other)),
    }
}

/// A field by any of its names (ASCII case ignored), a dynamic written as JSON text parsed.
fn get(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<Value> {
    names.iter().find_map(|n| {
        let v = obj
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(n) && !v.is_null())
            .map(|(_, v)| v)?;
        Some(match v {
            Value::String(s) if s.starts_with(['{', '[']) => {
                crate::json_depth::parse_value(s).unwrap_or_else(|_| v.clone())
            }
            other => other.clone(),
        })
    })
}

/// The fields of a parsed record of any shape (Entra audit and sign-in records above all).
pub fn from_value(value: &Value) -> Fields<'static> {
    let Some(mut obj) = value.as_object() else {
        return Fields::default();
    };
    let props;
    if let Some(Value::Object(p)) = obj.get("properties") {
        props = p;
        obj = props;
    }
    let s = |names: &[&str]| get(obj, names).map(|v| text(Some(&v))).unwrap_or_default();
    let initiated = get(obj, &["initiatedBy"]).unwrap_or(Value::Null);
    let targets = get(obj, &["targetResources"]).unwrap_or(Value::Null);
    let parties = crate::context::parties::entra(&targets, &initiated, s(&["correlationId"]));
    let user = kql::property(Some(&initiated), "user");
    let app = kql::property(Some(&initiated), "app");
    let mut ip = text(kql::property(user, "ipAddress"));
    if ip.is_empty() {
        ip = text(kql::property(app, "ipAddress"));
    }
    if ip.is_empty() {
        ip = s(&["IPAddress", "ClientIP", "ActorIpAddress"]);
    }
    // Entra diagnostic settings write an unknown address as the text `<null>` (the rule reads
    // it as ""): no address, so no sign-in is "from another address" than this record.
    if ip == "<null>" {
        ip.clear();
    }
    // An application is kept by its id, its name beside it ([`crate::model::actor_keys`]).
    let (mut actor, actor_name) = match parties.actor_kind {
        ActorKind::App => (
            parties.actor_id.clone(),
            crate::context::parties::app_name(&parties.actor, &parties.actor_id).to_owned(),
        ),
        _ => (parties.actor.clone(), String::new()),
    };
    if actor.is_empty() && parties.actor_kind == ActorKind::User {
        actor = s(&["userPrincipalName", "UserId"]);
    }
    let mut operation = s(&[
        "activityDisplayName",
        "OperationName",
        "ActionType",
        "Operation",
    ]);
    if operation.is_empty() && get(obj, &["appDisplayName"]).is_some() {
        operation = "Sign-in activity".to_owned();
    }
    let status = get(obj, &["status"]);
    let mut result = s(&["result", "ResultStatus", "ResultType"]);
    if result.is_empty()
        && let Some(code) = kql::property(status.as_ref(), "errorCode")
    {
        result = if text(Some(code)) == "0" {
            "success".to_owned()
        } else {
            format!("failure {}", text(Some(code)))
        };
    }
    let time = s(&[
        "activityDateTime",
        "createdDateTime",
        "TimeGenerated",
        "CreationTime",
        "Timestamp",
    ]);
    // The index keys a record by one target: the UPN, else the object id (an STS event is
    // looked up by both).
    let (target, target_id) = if parties.target.is_empty() {
        (parties.target_id, String::new())
    } else {
        (parties.target, parties.target_id)
    };
    Fields {
        time: time_of(time.as_bytes()),
        operation: owned(operation),
        actor: owned(actor),
        actor_kind: parties.actor_kind,
        actor_name: owned(actor_name),
        actor_id: owned(match parties.actor_kind {
            ActorKind::User => parties.actor_id,
            _ => String::new(),
        }),
        target: owned(target),
        target_id: owned(target_id),
        ip: owned(ip),
        correlation: owned(parties.correlation),
        result: owned(result),
    }
}
