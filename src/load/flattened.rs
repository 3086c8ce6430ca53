//! UAL records that the tool which saved them flattened, put back into the shape of the
//! UAL record (the AuditData object) before the rule reads them:
//!
//! - Sentinel's OfficeActivity table keeps the UAL fields that are arrays or objects
//!   (`Actor`, `ModifiedProperties`, `ExtendedProperties`, `Target`…) as string columns
//!   holding their JSON text;
//! - Hawk's "simple" view of Search-UnifiedAuditLog results (`Get-SimpleUnifiedAuditLog`,
//!   written as CSV and JSON) spreads each array of objects over one column per item and
//!   field, `ModifiedProperties_0_Name`, `ModifiedProperties_0_NewValue`, `Actor_1_ID`…, and
//!   writes an empty array as `""`; its CSV (Export-Csv) has the columns of its first
//!   record, so a record with fewer items has empty cells for the rest.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::decode;

/// The UAL fields that are arrays (Office 365 Management Activity API schema): an empty
/// text in their place is an empty array.
const UAL_ARRAYS: [&str; 4] = [
    "ModifiedProperties",
    "Actor",
    "Target",
    "ExtendedProperties",
];

/// The record put back into the UAL shape; a record that is not flattened is returned as
/// it is.
pub(super) fn ual_record(obj: Map<String, Value>) -> Map<String, Value> {
    let obj = office_activity(obj);
    unflatten(obj)
}

/// A Sentinel OfficeActivity row (it has `OfficeId` or `OfficeWorkload`): its top-level
/// values that are JSON text of an array or object are read back as that array or object.
fn office_activity(mut obj: Map<String, Value>) -> Map<String, Value> {
    if !(obj.contains_key("OfficeId") || obj.contains_key("OfficeWorkload")) {
        return obj;
    }
    for value in obj.values_mut() {
        let Value::String(text) = value else {
            continue;
        };
        if !matches!(text.trim_start().as_bytes().first(), Some(b'[' | b'{')) {
            continue;
        }
        if let Ok(parsed @ (Value::Array(_) | Value::Object(_))) = decode::parse_json_text(text) {
            *value = parsed;
        }
    }
    obj
}

/// `Field_<index>_<name>` → (`Field`, index, `name`), for a `Field` of letters only.
fn split_item_key(key: &str) -> Option<(&str, usize, &str)> {
    let (field, rest) = key.split_once('_')?;
    let (index, name) = rest.split_once('_')?;
    let plain = !field.is_empty() && field.bytes().all(|b| b.is_ascii_alphabetic());
    let index = index.parse().ok().filter(|_| plain && !name.is_empty())?;
    Some((field, index, name))
}

/// Hawk's item columns gathered back into arrays of objects, in index order; a flattened
/// record's empty arrays (`""`) are empty arrays again.
fn unflatten(obj: Map<String, Value>) -> Map<String, Value> {
    if !obj
        .keys()
        .filter_map(|k| split_item_key(k))
        .any(|(field, ..)| UAL_ARRAYS.contains(&field))
    {
        return obj;
    }
    let mut items: BTreeMap<String, BTreeMap<usize, Map<String, Value>>> = BTreeMap::new();
    let mut out = Map::new();
    for (key, value) in obj {
        match split_item_key(&key) {
            Some((field, index, name)) if !out.contains_key(field) => {
                items
                    .entry(field.to_owned())
                    .or_default()
                    .entry(index)
                    .or_default()
                    .insert(name.to_owned(), value);
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    for (field, by_index) in items {
        let mut array: Vec<Value> = by_index.into_values().map(Value::Object).collect();
        // Export-Csv takes its columns from the first record: a record with fewer items
        // has empty cells for the rest, which are no items.
        while array.last().is_some_and(is_padding) {
            array.pop();
        }
        out.insert(field, Value::Array(array));
    }
    for field in UAL_ARRAYS {
        if out.get(field).and_then(Value::as_str) == Some("") {
            out.insert(field.to_owned(), Value::Array(Vec::new()));
        }
    }
    out
}

/// An item whose every value is empty text: a CSV row's padding.
fn is_padding(item: &Value) -> bool {
    item.as_object()
        .is_some_and(|o| o.values().all(|v| v.as_str() == Some("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn hawk_item_columns_become_arrays_in_index_order() {
        let flat = obj(serde_json::json!({
            "Operation": "x", "ModifiedProperties_1_Name": "b", "ModifiedProperties_0_Name": "a",
            "ModifiedProperties_0_NewValue": "[]", "Actor_0_ID": "u", "Target": "",
            "AppAccessContext_AADSessionId": "s", "Param_10_x": "kept",
            "Actor_1_ID": "", "Actor_1_Type": ""
        }));
        let got = Value::Object(ual_record(flat));
        assert_eq!(
            got["ModifiedProperties"],
            serde_json::json!([{"Name": "a", "NewValue": "[]"}, {"Name": "b"}])
        );
        assert_eq!(got["Actor"], serde_json::json!([{"ID": "u"}]));
        assert_eq!(got["Target"], serde_json::json!([]));
        assert_eq!(got["AppAccessContext_AADSessionId"], "s");
    }

    #[test]
    fn a_record_that_is_not_flattened_is_left_as_it_is() {
        let plain = obj(serde_json::json!({"Operation": "x", "Target": "", "Param_1_x": "y"}));
        assert_eq!(ual_record(plain.clone()), plain);
    }
}
