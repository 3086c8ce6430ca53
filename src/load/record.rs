//! One record, whatever envelope it came in, turned into an STS event (or recognised as
//! something the query never returns).

use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::row_time::row_time;
use crate::context::parties;
use crate::dates::parse_export_time;
use crate::kql;
use crate::model::{
    EventParties, Outcome, Parties, ResultRow, SourceKind, SourceRef, StsEvent, Trace,
};
use crate::rule::{self, CloudAppRow, EntraRecord, RawEventData};

/// What one record turned out to be.
#[derive(Debug)]
pub enum Classified {
    /// An STS refresh-token event, flagged or a near miss.
    Sts(Box<StsEvent>),
    /// A row of an export of the query's own result.
    ResultRow(ResultRow),
    /// A record of a known table that is not an STS event.
    Other(SourceKind),
    /// A record of a table or service the query is not about (a Defender streaming export's
    /// DeviceEvents, an Intune audit record): named, counted, not evaluated.
    Foreign(String),
    /// A JSON value of no known table, with what was seen (its top-level keys).
    Unknown(String),
}

/// What an unknown record looked like, for the message: its top-level keys.
fn seen(value: &Value) -> String {
    match value {
        Value::Object(obj) => {
            let keys: Vec<&str> = obj.keys().take(12).map(String::as_str).collect();
            let more = if obj.len() > 12 { ", …" } else { "" };
            format!("top-level keys: {}{more}", keys.join(", "))
        }
        Value::Array(_) => "an array".to_owned(),
        other => format!(
            "a bare {}",
            kql::tostring(Some(other))
                .chars()
                .take(40)
                .collect::<String>()
        ),
    }
}

/// An Intune diagnostic-settings record: `category` AuditLogs (or OperationalLogs) like
/// Entra's, but from `Microsoft.Intune` and with Intune's properties (`ActivityType`,
/// `Targets`), no `targetResources`.
fn is_intune(obj: &Map<String, Value>, props: &Map<String, Value>) -> bool {
    let from_intune = kql::tostring(obj.get("resourceId"))
        .to_ascii_lowercase()
        .contains("/providers/microsoft.intune");
    from_intune
        || (!has_column(props, "targetResources")
            && has_column(props, "ActivityType")
            && has_column(props, "Targets"))
}

/// Looks a column up by name: exact first, then ignoring ASCII case, then with the
/// `_string` / `_dynamic` suffixes a KQL `union` adds to type-conflicting columns.
pub fn column<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(v) = obj.get(name) {
        return Some(v);
    }
    let found = obj
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v);
    if found.is_some() {
        return found;
    }
    ["_dynamic", "_string"].iter().find_map(|suffix| {
        obj.iter()
            .find(|(k, v)| is_spelled(k, name, suffix) && !v.is_null())
            .map(|(_, v)| v)
    })
}

/// Whether `key` is `name` followed by `suffix`, ASCII case ignored (what comparing it with
/// `format!("{name}{suffix}")` says, without making that text for every lookup).
fn is_spelled(key: &str, name: &str, suffix: &str) -> bool {
    let (key, name, suffix) = (key.as_bytes(), name.as_bytes(), suffix.as_bytes());
    key.len() == name.len() + suffix.len()
        && key[..name.len()].eq_ignore_ascii_case(name)
        && key[name.len()..].eq_ignore_ascii_case(suffix)
}

fn has_column(obj: &Map<String, Value>, name: &str) -> bool {
    column(obj, name).is_some()
}

/// A string column: never null in Kusto (missing or null → ""); numbers and booleans as text.
pub(super) fn string_column(obj: &Map<String, Value>, name: &str) -> String {
    kql::tostring(column(obj, name))
}

/// A boolean column as exports write it: true/false, 0/1, "True"/"false", or null/"", and
/// as Excel writes TRUE and FALSE when it saves a CSV again in another language (`FALSCH`
/// de, `FAUX` fr, `FALSO` es/it/pt, `ONWAAR` nl, `FALSKT` sv, `FALSK` da/nb, `EPÄTOSI` fi,
/// `FAŁSZ` pl, `NEPRAVDA` cs, `HAMIS` hu, `YANLIŞ` tr (lower-cased `yanliş`), `ЛОЖЬ` ru, and their TRUE).
pub fn bool_value(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|x| x != 0.0),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            "wahr" | "vrai" | "verdadero" | "vero" | "verdadeiro" | "waar" | "sant" | "sand"
            | "sann" | "tosi" | "prawda" | "pravda" | "igaz" | "doğru" | "истина" => {
                Some(true)
            }
            "falsch" | "faux" | "falso" | "onwaar" | "falskt" | "falsk" | "usann" | "epätosi"
            | "fałsz" | "nepravda" | "hamis" | "yanliş" | "ложь" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A dynamic column that exports may have turned into JSON text (Log Analytics, CSV).
pub fn dynamic_value(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) => {
            super::decode::parse_json_text(s).unwrap_or_else(|_| Value::String(s.clone()))
        }
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

pub(super) fn raw_event_data(v: Option<Value>) -> RawEventData {
    match v {
        None | Some(Value::Null) => RawEventData::Null,
        Some(Value::String(s)) if s.trim().is_empty() => RawEventData::Null,
        Some(Value::String(s)) => match super::decode::parse_json_text(&s) {
            Ok(parsed) => RawEventData::Json(parsed),
            Err(_) => RawEventData::Text(s),
        },
        Some(other) => RawEventData::Json(other),
    }
}

/// Takes a column out of a row (found as `column` finds it), without copying it.
fn take_column(obj: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let key = ["", "_dynamic", "_string"].iter().find_map(|suffix| {
        obj.iter()
            .find(|(k, v)| is_spelled(k, name, suffix) && (!v.is_null() || suffix.is_empty()))
            .map(|(k, _)| k.clone())
    })?;
    obj.remove(&key)
}

fn time_column(obj: &Map<String, Value>, names: &[&str]) -> Option<kql::KqlDateTime> {
    names
        .iter()
        .filter_map(|n| column(obj, n))
        .find_map(|v| v.as_str().and_then(parse_export_time))
}

/// The columns the query reads; RawEventData is moved out of the row, not copied.
fn cloud_app_row(obj: &mut Map<String, Value>) -> CloudAppRow {
    let action_type = string_column(obj, "ActionType");
    let raw_event_data = raw_event_data(take_column(obj, "RawEventData"));
    let timestamp = row_time(
        ["Timestamp", "TimeGenerated"]
            .iter()
            .filter_map(|n| column(obj, n)),
        &raw_event_data,
    );
    CloudAppRow {
        action_type,
        raw_event_data,
        account_object_id: string_column(obj, "AccountObjectId"),
        account_display_name: string_column(obj, "AccountDisplayName"),
        ip_address: string_column(obj, "IPAddress"),
        is_anonymous_proxy: bool_value(column(obj, "IsAnonymousProxy")),
        isp: string_column(obj, "ISP"),
        timestamp,
    }
}

fn entra_record(obj: &Map<String, Value>, envelope_time: Option<&Value>) -> EntraRecord {
    let operation = ["OperationName", "activityDisplayName"]
        .iter()
        .map(|n| string_column(obj, n))
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let time = time_column(obj, &["TimeGenerated", "activityDateTime"]).or_else(|| {
        envelope_time
            .and_then(Value::as_str)
            .and_then(parse_export_time)
    });
    // Most records are other activity: their dynamic columns are not read.
    if !rule::is_sts_operation(&operation) {
        return EntraRecord {
            operation,
            time,
            target_resources: Value::Null,
            initiated_by: Value::Null,
            properties_field: String::new(),
        };
    }
    let targets_key = key_of(obj, "TargetResources").unwrap_or("targetResources");
    let target_resources = dynamic_value(column(obj, "TargetResources"));
    let props_key = kql::index(Some(&target_resources), 0)
        .and_then(Value::as_object)
        .and_then(|t| key_of(t, "modifiedProperties"))
        .unwrap_or("modifiedProperties")
        .to_owned();
    EntraRecord {
        operation,
        time,
        properties_field: format!("{targets_key}[0].{props_key}"),
        target_resources: graph_keys(target_resources),
        initiated_by: graph_keys(dynamic_value(column(obj, "InitiatedBy"))),
    }
}

/// The key of a column as the record spells it (found as [`column`] finds it).
fn key_of<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    if let Some((k, _)) = obj.get_key_value(name) {
        return Some(k);
    }
    obj.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(String::as_str)
}

/// The Graph directoryAudit keys the AuditLogs rule reads, in Graph's camelCase.
/// Graph PowerShell (`Get-MgAuditLogDirectoryAudit | ConvertTo-Json`) writes them in
/// PascalCase (`ModifiedProperties`, `DisplayName`, `IPAddress`).
const GRAPH_KEYS: [&str; 13] = [
    "modifiedProperties",
    "displayName",
    "oldValue",
    "newValue",
    "user",
    "app",
    "userPrincipalName",
    "id",
    "ipAddress",
    "servicePrincipalId",
    "servicePrincipalName",
    "appId",
    "type",
];

/// Renames the keys of [`GRAPH_KEYS`] spelled in another case to Graph's spelling, at every
/// level (only where a source spells them otherwise; a Graph record is returned as it is).
/// The AzureAD module (`Get-AzureADAuditDirectoryLogs`, AzureADPreview) names the user's
/// address `Ip`: it is Graph's `ipAddress` where the object has no `ipAddress` of its own.
fn graph_keys(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(graph_keys).collect()),
        Value::Object(map) => {
            let has_ip_address = map.keys().any(|k| k.eq_ignore_ascii_case("ipAddress"));
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        if !has_ip_address && k.eq_ignore_ascii_case("ip") {
                            return ("ipAddress".to_owned(), graph_keys(v));
                        }
                        let key = GRAPH_KEYS
                            .iter()
                            .find(|g| **g != k && g.eq_ignore_ascii_case(&k))
                            .map_or(k, |g| (*g).to_owned());
                        (key, graph_keys(v))
                    })
                    .collect(),
            )
        }
        other => other,
    }
}

/// The result row of a query-result export: the eight columns (`Column1` accepted for Role).
pub fn result_row(obj: &Map<String, Value>) -> ResultRow {
    let minutes = |name: &str| match column(obj, name) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let role = if has_column(obj, "Role") {
        string_column(obj, "Role")
    } else {
        string_column(obj, "Column1")
    };
    ResultRow {
        account_object_id: string_column(obj, "AccountObjectId"),
        account_display_name: string_column(obj, "AccountDisplayName"),
        role,
        ip_address: string_column(obj, "IPAddress"),
        is_anonymous_proxy: bool_value(column(obj, "IsAnonymousProxy")),
        isp: string_column(obj, "ISP"),
        token_minutes_added: minutes("tokenMinutesAdded"),
        token_minutes_remaining: minutes("tokenMinutesRemaining"),
    }
}

/// A short stable id for a record that carries none.
pub fn content_id(raw: &str) -> String {
    let digest = Sha256::digest(raw.as_bytes());
    digest.iter().take(10).map(|b| format!("{b:02x}")).collect()
}

/// Where a record was read from and its text, for the event it may become.
pub struct Origin<'a> {
    pub file: &'a Arc<str>,
    pub line: u64,
    pub raw: &'a str,
}

/// Classifies one JSON record and, for an STS event, evaluates the rule on it.
pub fn classify(value: Value, origin: &Origin) -> Classified {
    classify_checked(value, origin, false)
}

/// [`classify`], where the caller knows that a CloudAppEvents row's RawEventData does not
/// have the Directorysync term (`term_absent`, see `rule::evaluate_cloud_app_row_checked`).
pub(super) fn classify_checked(value: Value, origin: &Origin, term_absent: bool) -> Classified {
    let Value::Object(mut obj) = value else {
        return Classified::Unknown(seen(&value));
    };
    if super::tables::is_az_cli_row(&obj) {
        obj = super::tables::from_az_cli(obj);
    }
    // Envelopes with `properties`: Defender streaming API and Entra diagnostic settings.
    if let Some(Value::Object(mut props)) = obj.remove("properties") {
        let category = kql::tostring(obj.get("category"));
        if let Some(table) = category.strip_prefix("AdvancedHunting-")
            && table != "CloudAppEvents"
        {
            return Classified::Foreign(table.to_owned());
        }
        if is_intune(&obj, &props) {
            return Classified::Foreign("Intune audit log (not Entra ID)".to_owned());
        }
        if category.starts_with("AdvancedHunting-") || has_column(&props, "ActionType") {
            if !rule::is_sts_operation(&string_column(&props, "ActionType")) {
                return Classified::Other(SourceKind::CloudAppEvents);
            }
            let mut row = cloud_app_row(&mut props);
            if row.timestamp.is_none() {
                row.timestamp = obj
                    .get("time")
                    .and_then(Value::as_str)
                    .and_then(parse_export_time);
            }
            let id = id_of_cloud_app(&props, &row);
            let parties = parties::cloud_app(&props, raw_json(&row).as_deref());
            return with_parties(
                cloud_app_event(row, SourceKind::CloudAppEvents, id, origin),
                parties,
            );
        }
        if props.contains_key("activityDisplayName") || props.contains_key("targetResources") {
            let mut rec = entra_record(&props, obj.get("time"));
            if rec.operation.is_empty() {
                rec.operation = kql::tostring(obj.get("operationName"));
            }
            let id = kql::tostring(props.get("id"));
            let correlation = parties::entra_correlation(&props);
            return entra_event(&rec, id, correlation, origin);
        }
        obj.insert("properties".to_owned(), Value::Object(props));
    }
    if has_column(&obj, "ActionType") {
        // Most rows are other activity: decided before anything is copied.
        if !rule::is_sts_operation(&string_column(&obj, "ActionType")) {
            return Classified::Other(SourceKind::CloudAppEvents);
        }
        let row = cloud_app_row(&mut obj);
        let id = id_of_cloud_app(&obj, &row);
        let parties = parties::cloud_app(&obj, raw_json(&row).as_deref());
        return with_parties(
            cloud_app_event_checked(row, SourceKind::CloudAppEvents, id, origin, term_absent),
            parties,
        );
    }
    if has_column(&obj, "tokenMinutesAdded") && has_column(&obj, "tokenMinutesRemaining") {
        return Classified::ResultRow(result_row(&obj));
    }
    if has_column(&obj, "OperationName")
        && (has_column(&obj, "TargetResources") || has_column(&obj, "InitiatedBy"))
        || has_column(&obj, "activityDisplayName")
    {
        let rec = entra_record(&obj, None);
        let id = string_column(&obj, "Id");
        let correlation = parties::entra_correlation(&obj);
        return entra_event(&rec, id, correlation, origin);
    }
    if has_column(&obj, "AuditData") {
        return super::wrapped::wrapped_ual(obj, origin);
    }
    if obj.contains_key("Operation")
        && ["CreationTime", "RecordType", "Workload", "TimeGenerated"]
            .iter()
            .any(|k| obj.contains_key(*k))
    {
        if !rule::is_sts_operation(&kql::tostring(obj.get("Operation"))) {
            return Classified::Other(SourceKind::UnifiedAuditLog);
        }
        // A Sentinel OfficeActivity row carries the UAL Id as `OfficeId`.
        let id = ["Id", "OfficeId"]
            .iter()
            .map(|k| kql::tostring(obj.get(*k)))
            .find(|id| !id.is_empty())
            .unwrap_or_default();
        let obj = super::flattened::ual_record(obj);
        return ual_event(obj, id, origin);
    }
    Classified::Unknown(seen(&Value::Object(obj)))
}

/// A Unified Audit Log record (the AuditData object), evaluated as the RawEventData of a
/// CloudAppEvents row.
pub fn ual_event(record: Map<String, Value>, id: String, origin: &Origin) -> Classified {
    let parties = parties::ual(&record);
    let row = rule::cloud_app_row_from_ual(Value::Object(record));
    with_parties(
        cloud_app_event(row, SourceKind::UnifiedAuditLog, id, origin),
        parties,
    )
}

/// Puts the target and actor read from the record on the event it became; the
/// correlation id goes to the event as the context index keys it (its hash), so that equal
/// parties are one shared value.
pub(super) fn with_parties(mut classified: Classified, mut parties: Parties) -> Classified {
    if let Classified::Sts(e) = &mut classified {
        e.correlation = crate::context::index::correlation_hash(&parties.correlation);
        parties.correlation = String::new();
        e.parties = Arc::new(parties.into());
    }
    classified
}

/// The row's RawEventData as a JSON value, where its parties are read: of JSON text cut
/// short, its members whole before the cut (as the context index reads its fields).
pub(super) fn raw_json(row: &CloudAppRow) -> Option<std::borrow::Cow<'_, Value>> {
    match &row.raw_event_data {
        RawEventData::Json(v) => Some(std::borrow::Cow::Borrowed(v)),
        RawEventData::Text(t) if t.trim_start().starts_with('{') => Some(std::borrow::Cow::Owned(
            Value::Object(super::wrapped::leading_members(t)),
        )),
        _ => None,
    }
}

fn id_of_cloud_app(obj: &Map<String, Value>, row: &CloudAppRow) -> String {
    let id = match &row.raw_event_data {
        RawEventData::Json(raw) => kql::tostring(kql::property(Some(raw), "Id")),
        // Cut short (Excel keeps 32,767 characters of a cell): its leading `Id`, the UAL
        // record's, is the id a whole copy of the event has; ReportId would make it another.
        RawEventData::Text(t) if t.trim_start().starts_with('{') => {
            super::wrapped::leading_string_field(t, "Id").unwrap_or_default()
        }
        // PowerShell's text of the record (`@{CreationTime=…; Id=…; …}`): its `Id` is the
        // one a readable copy of the event has.
        RawEventData::Text(t) => crate::pstext::member(t, "Id")
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.contains(char::is_whitespace))
            .unwrap_or_default(),
        _ => String::new(),
    };
    if id.is_empty() {
        string_column(obj, "ReportId")
    } else {
        id
    }
}

fn cloud_app_event(row: CloudAppRow, kind: SourceKind, id: String, origin: &Origin) -> Classified {
    cloud_app_event_checked(row, kind, id, origin, false)
}

pub(super) fn cloud_app_event_checked(
    row: CloudAppRow,
    kind: SourceKind,
    id: String,
    origin: &Origin,
    term_absent: bool,
) -> Classified {
    match rule::evaluate_cloud_app_row_checked(&row, term_absent) {
        None => Classified::Other(kind),
        Some((outcome, trace)) => {
            // A near miss keeps the columns its record gives, which a copy of it must
            // agree with (breaker 17 #7: a second record of its id from another IP was
            // folded into it, that IP shown nowhere).
            let near_row = (!matches!(outcome, Outcome::Flagged(_))).then(|| {
                Box::new(ResultRow {
                    account_object_id: row.account_object_id.clone(),
                    account_display_name: row.account_display_name.clone(),
                    ip_address: row.ip_address.clone(),
                    is_anonymous_proxy: row.is_anonymous_proxy,
                    isp: row.isp.clone(),
                    ..ResultRow::default()
                })
            });
            let mut classified = sts_event(
                EventHead {
                    id,
                    kind,
                    time: row.timestamp,
                    operation: row.action_type,
                    actor: row.account_display_name,
                },
                trace,
                outcome,
                origin,
            );
            if let Classified::Sts(e) = &mut classified {
                e.near_row = near_row;
            }
            classified
        }
    }
}

/// What an event is called in the workbench: its id, table, time, operation and actor.
pub struct EventHead {
    /// Empty when the record carries none: a hash of the raw text is used.
    pub id: String,
    pub kind: SourceKind,
    pub time: Option<kql::KqlDateTime>,
    pub operation: String,
    pub actor: String,
}

/// An STS event read at `origin`.
pub fn sts_event(head: EventHead, trace: Trace, outcome: Outcome, origin: &Origin) -> Classified {
    Classified::Sts(Box::new(StsEvent {
        id: if head.id.is_empty() {
            content_id(origin.raw)
        } else {
            head.id
        },
        source: SourceRef {
            file: origin.file.clone(),
            line: origin.line,
        },
        duplicates: None,
        kind: head.kind,
        raw: origin.raw.into(),
        time: head.time,
        operation: head.operation.into(),
        // The actor's UPN stands in until the record's parties are read.
        parties: Arc::new(EventParties {
            actor: head.actor.as_str().into(),
            ..EventParties::default()
        }),
        correlation: 0,
        actor: head.actor.into(),
        valid_from: crate::model::valid_from_hash(&trace, &outcome),
        shares_id: false,
        shares_legacy_key: false,
        shares_content_key: false,
        near_row: None,
        trace_kept: Some(Box::new(trace)),
        outcome,
    }))
}

fn entra_event(rec: &EntraRecord, id: String, correlation: String, origin: &Origin) -> Classified {
    match rule::evaluate_entra_record(rec) {
        None => Classified::Other(SourceKind::EntraAudit),
        Some((outcome, trace)) => {
            let actor = match &outcome {
                Outcome::Flagged(rows) => rows
                    .first()
                    .map(|r| r.account_display_name.clone())
                    .unwrap_or_default(),
                Outcome::NearMiss(_) => {
                    let user = kql::property(Some(&rec.initiated_by), "user");
                    let upn = kql::tostring(kql::property(user, "userPrincipalName"));
                    if upn.is_empty() {
                        let app = kql::property(Some(&rec.initiated_by), "app");
                        kql::tostring(kql::property(app, "displayName"))
                    } else {
                        upn
                    }
                }
            };
            let head = EventHead {
                id,
                kind: SourceKind::EntraAudit,
                time: rec.time,
                operation: rec.operation.clone(),
                actor,
            };
            let parties = parties::entra(&rec.target_resources, &rec.initiated_by, correlation);
            with_parties(sts_event(head, trace, outcome, origin), parties)
        }
    }
}
