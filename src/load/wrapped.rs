//! UAL records inside an outer record that names them: the Graph audit log query API
//! (`GET /security/auditLog/queries/{id}/records`: `{id, createdDateTime, operation,
//! userPrincipalName, …, auditData}`), Search-UnifiedAuditLog result objects
//! (`{RecordType, CreationDate, UserIds, Operations, AuditData, ResultIndex, Identity, …}`,
//! as `ConvertTo-Json` or `Export-Csv` writes them) and the Purview audit search CSV
//! (`RecordId, CreationDate, RecordType, Operation, UserId, AuditData`).
//!
//! The inner record (an object, or JSON text) is the UAL record and is evaluated as one.
//! When it cannot be read (cut short, `System.Collections.Hashtable`, empty), the event is
//! still a near miss, named by the outer columns: its id, time, operation and actor.

use serde_json::{Map, Value};

use super::record::{Classified, EventHead, Origin, column, sts_event, ual_event, with_parties};
use crate::dates::parse_export_time;
use crate::kql;
use crate::model::{NearMissReason, Outcome, SourceKind, Trace};
use crate::rule;

/// The outer columns, by what they hold, in the order they are tried (names are matched
/// ignoring ASCII case, so `id` also finds `Id`).
const OUTER_ID: [&str; 3] = ["id", "Identity", "RecordId"];
const OUTER_TIME: [&str; 3] = ["createdDateTime", "CreationDate", "CreationTime"];
const OUTER_OPERATION: [&str; 2] = ["operation", "Operations"];
const OUTER_ACTOR: [&str; 3] = ["userPrincipalName", "UserIds", "UserId"];

fn first_text(obj: &Map<String, Value>, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| kql::tostring(column(obj, n)))
        .map(|s| s.trim().to_owned())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

/// Why the inner record could not be read.
enum Unreadable {
    /// JSON that ends before it closes, at this many characters.
    Cut { text: String, chars: usize },
    /// Anything else that is not a JSON object.
    Unusable(String),
}

/// Evaluates an outer record that holds a UAL record under `AuditData` (any case).
pub fn wrapped_ual(mut obj: Map<String, Value>, origin: &Origin) -> Classified {
    let operation = first_text(&obj, &OUTER_OPERATION);
    // Most records are other activity: decided before the inner record is read. But the
    // query reads the record itself: an outer operation that disagrees with an STS record
    // in AuditData (an edited export) does not hide it.
    if !operation.is_empty() && !rule::is_sts_operation(&operation) && !holds_sts_record(&obj) {
        return Classified::Other(SourceKind::UnifiedAuditLog);
    }
    let field = obj
        .keys()
        .find(|k| k.eq_ignore_ascii_case("AuditData"))
        .cloned()
        .unwrap_or_else(|| "AuditData".to_owned());
    let data = obj.remove(&field);
    let outer_id = first_text(&obj, &OUTER_ID);
    let inner = match data {
        Some(Value::Object(record)) => Ok(record),
        Some(Value::String(text)) => match super::decode::parse_json_text(&text) {
            Ok(Value::Object(record)) => Ok(record),
            Err(e) if e.is_eof() && text.trim_start().starts_with('{') => {
                let chars = text.chars().count();
                Err(Unreadable::Cut { text, chars })
            }
            _ => Err(Unreadable::Unusable(text)),
        },
        Some(other) => Err(Unreadable::Unusable(kql::tostring(Some(&other)))),
        None => Err(Unreadable::Unusable(String::new())),
    };
    match inner.map(dynamic_properties) {
        Ok(mut record) => {
            if !record.contains_key("Operation") && !operation.is_empty() {
                record.insert("Operation".to_owned(), Value::String(operation));
            }
            let inner_id = kql::tostring(record.get("Id"));
            let id = if inner_id.is_empty() {
                outer_id
            } else {
                inner_id
            };
            ual_event(record, id, origin)
        }
        Err(why) => unreadable_event(&obj, field, operation, outer_id, why, origin),
    }
}

/// Whether the record under `AuditData` (any case) is of the STS operation: its
/// `Operation` when it was parsed, its text holding the name otherwise.
fn holds_sts_record(obj: &Map<String, Value>) -> bool {
    match column(obj, "AuditData") {
        Some(Value::Object(record)) => {
            rule::is_sts_operation(&kql::tostring(record.get("Operation")))
        }
        Some(Value::String(text)) => rule::is_sts_operation(text),
        _ => false,
    }
}

/// What a Purview or Search-UnifiedAuditLog row's `Operation` column and its AuditData
/// record's `Operation` say, when one is the STS operation and the other is not (the row is
/// read as its AuditData says: `wrapped_ual`); `None` when they agree or one is missing.
pub(super) fn operation_disagreement(outer: &str, record: &Map<String, Value>) -> Option<String> {
    let inner = kql::tostring(record.get("Operation"));
    let (outer, inner) = (outer.trim(), inner.trim());
    if outer.is_empty()
        || inner.is_empty()
        || rule::is_sts_operation(outer) == rule::is_sts_operation(inner)
    {
        return None;
    }
    let cut = |s: &str| -> String {
        if s.chars().count() > 60 {
            s.chars().take(60).chain(['…']).collect()
        } else {
            s.to_owned()
        }
    };
    Some(format!(
        "the row's Operation column ({}) disagrees with the record in its AuditData ({}): read as \
         its AuditData says (the record the query reads)",
        cut(outer),
        cut(inner)
    ))
}

/// The UAL record inside a Graph `auditData`, unwrapped from the dictionaries that hold it:
/// - Graph v1.0 documents `auditData` as a derived type of `microsoft.graph.security.auditData`
///   (`#microsoft.graph.security.azureActiveDirectoryAuditRecord`…) that keeps the event's
///   properties in its open dictionary `dynamicProperties`;
/// - the Graph PowerShell SDK (`Get-MgBetaSecurityAuditLogQueryRecord | ConvertTo-Json`) puts
///   an open type's undeclared properties in `AdditionalProperties`.
///
/// Whether `auditData` was an object or JSON text; `@odata.type` is left out. A record
/// with its own UAL fields is returned as it is.
fn dynamic_properties(mut record: Map<String, Value>) -> Map<String, Value> {
    let key_of = |m: &Map<String, Value>, name: &str| {
        m.iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && v.is_object())
            .map(|(k, _)| k.clone())
    };
    let own_fields = |m: &Map<String, Value>| {
        ["Operation", "CreationTime", "Id", "RecordType"]
            .iter()
            .any(|k| m.contains_key(*k))
    };
    // Each step takes one dictionary out, so this ends.
    loop {
        if own_fields(&record) {
            break;
        }
        if let Some(k) = key_of(&record, "dynamicProperties") {
            if let Some(Value::Object(inner)) = record.remove(&k) {
                record = inner;
            }
        } else if let Some(k) = key_of(&record, "AdditionalProperties") {
            if let Some(Value::Object(inner)) = record.remove(&k) {
                for (name, value) in inner {
                    record.entry(name).or_insert(value);
                }
            }
        } else {
            break;
        }
        record.remove("@odata.type");
    }
    record
}

/// A near miss from the outer columns of a record whose inner record cannot be read.
fn unreadable_event(
    obj: &Map<String, Value>,
    field: String,
    operation: String,
    outer_id: String,
    why: Unreadable,
    origin: &Origin,
) -> Classified {
    // A cut record still holds its first fields: the id and time are taken from there when
    // no outer column has them.
    let cut_text = match &why {
        Unreadable::Cut { text, .. } => text.as_str(),
        Unreadable::Unusable(_) => "",
    };
    let cut = matches!(why, Unreadable::Cut { .. });
    let operation = if operation.is_empty() {
        leading_string_field(cut_text, "Operation").unwrap_or_default()
    } else {
        operation
    };
    if !rule::is_sts_operation(&operation) {
        return Classified::Other(SourceKind::UnifiedAuditLog);
    }
    let id = if outer_id.is_empty() {
        leading_string_field(cut_text, "Id").unwrap_or_default()
    } else {
        outer_id
    };
    let time = OUTER_TIME
        .iter()
        .filter_map(|n| column(obj, n))
        .find_map(|v| v.as_str().and_then(parse_export_time))
        .or_else(|| {
            leading_string_field(cut_text, "CreationTime")
                .as_deref()
                .and_then(parse_export_time)
        });
    let mut actor = first_text(obj, &OUTER_ACTOR);
    if actor.is_empty() {
        actor = leading_string_field(cut_text, "UserId").unwrap_or_default();
    }
    // Its parties too, as the context index reads them from the same whole members: the
    // relations of the event and of its record in the index must agree.
    let mut parties = crate::context::parties::ual(&leading_members(cut_text));
    let matches = operation == rule::ACTION_TYPE;
    let reason = if !matches {
        // The query's first clause already passes it over.
        NearMissReason::OperationSpelledDifferently {
            operation: operation.clone(),
        }
    } else {
        match why {
            Unreadable::Cut { chars, .. } => NearMissReason::RecordCut {
                field,
                at_chars: chars,
            },
            Unreadable::Unusable(value) => NearMissReason::AuditDataUnusable { field, value },
        }
    };
    let trace = Trace {
        action_type: operation.clone(),
        action_type_matches: matches,
        timestamp: time,
        ..Trace::default()
    };
    if parties.actor.is_empty() {
        parties.actor.clone_from(&actor);
    }
    if !cut {
        parties.target = outer_target(obj);
    }
    let head = EventHead {
        id,
        kind: SourceKind::UnifiedAuditLog,
        time,
        operation,
        actor,
    };
    with_parties(
        sts_event(head, trace, Outcome::NearMiss(Box::new(reason)), origin),
        parties,
    )
}

/// The target of an outer record whose inner record holds nothing (`System.Collections.Hashtable`,
/// empty): its own target column (a Graph record's `objectId`), by the rule the context index
/// reads the same row with ([`crate::context::extract::outer_target`]), so the event's target
/// and its related records' agree. A cut record keeps what its whole members name.
fn outer_target(obj: &Map<String, Value>) -> String {
    use crate::context::extract::{OUTER_TARGET, OUTER_WORKLOAD};
    let first = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| column(obj, n))
            .map(|v| kql::tostring(Some(v)))
            .unwrap_or_default()
    };
    let workload = first(&OUTER_WORKLOAD);
    crate::context::extract::outer_target(first(&OUTER_TARGET), workload.as_bytes())
}

/// The members of cut JSON object text that are whole before the cut, as serde_json reads
/// them (a member written twice: its last value); empty for text that is not an object.
pub(crate) fn leading_members(text: &str) -> Map<String, Value> {
    use serde::de::Deserializer as _;
    struct Members<'m>(&'m mut Map<String, Value>);
    impl<'de> serde::de::Visitor<'de> for Members<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
            // A member cut inside its value fails here: those read before it stay.
            while let Some((k, v)) = m.next_entry::<String, Value>()? {
                self.0.insert(k, v);
            }
            Ok(())
        }
    }
    let mut members = Map::new();
    let _ = serde_json::Deserializer::from_str(text).deserialize_map(Members(&mut members));
    members
}

/// The string value of `"name":"…"` in the leading, still whole, part of cut JSON text
/// (the first occurrence; the UAL writes `Id`, `CreationTime` and `Operation` first).
pub(crate) fn leading_string_field(text: &str, name: &str) -> Option<String> {
    let quoted = format!("\"{name}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&quoted) {
        let after = from + at + quoted.len();
        let rest = text[after..].trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            let rest = rest.trim_start();
            let body = rest.strip_prefix('"')?;
            // Read the JSON string with serde_json, so escapes are decoded.
            let end = string_end(body)?;
            return serde_json::from_str(&rest[..end + 2]).ok();
        }
        from = after;
    }
    None
}

/// The byte offset of the closing quote of a JSON string body.
fn string_end(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, b) in body.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_the_whole_start_of_cut_json() {
        let cut = r#"{"CreationTime":"2024-03-01T10:00:07","Id":"abc-1","Operation":"Upd \"x\"","Actor":[{"ID":"us"#;
        assert_eq!(leading_string_field(cut, "Id").as_deref(), Some("abc-1"));
        assert_eq!(
            leading_string_field(cut, "Operation").as_deref(),
            Some("Upd \"x\"")
        );
        assert_eq!(leading_string_field(cut, "ID"), None);
        assert_eq!(leading_string_field(cut, "Missing"), None);
    }
}
