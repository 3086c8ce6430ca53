//! Where the DirectorySync term of a near miss stands: in the property Entra Connect's sync
//! writes (`{"Name":"Action Client Name","NewValue":"DirectorySync"}` among the
//! ModifiedProperties, see shared/reference/rule.md "What the real data shows"), or only in
//! text the actor or the client chooses (a User-Agent, a UPN, a display or app name).
//!
//! The query's clause `RawEventData !has "Directorysync"` is kept exact: both are near
//! misses. But the second is the simplest evasion of the query (put the word in your
//! User-Agent), so the reason says which field held the word and that it is not the sync's
//! own property; the report lists every near miss with that reason, and the workbench's
//! near-miss view gives it the `dirsync-text` hint (a hint never decides).

use serde_json::Value;

use crate::kql;

/// The name of the modified property the sync writes its client name in (compared with
/// ASCII case ignored, as an analyst would read it).
const SYNC_PROPERTY: &str = "Action Client Name";

/// Whether `props` (a ModifiedProperties or modifiedProperties array) holds the sync's own
/// property with the term in its new or old value.
pub fn has_sync_property(props: Option<&Value>) -> bool {
    props
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|p| {
            let name = kql::property(Some(p), "Name")
                .or_else(|| kql::property(Some(p), "displayName"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            name.trim().eq_ignore_ascii_case(SYNC_PROPERTY)
                && ["NewValue", "OldValue", "newValue", "oldValue"]
                    .iter()
                    .filter_map(|k| kql::property(Some(p), k))
                    .any(|v| kql::dynamic_find_term(v, super::DIRECTORY_SYNC).is_some())
        })
}

/// The words that name the field at `path` (as `dynamic_find_term` writes it) for the
/// analyst: the path, and for the value of a `{"Name":…,"Value":…}` pair (ExtendedProperties,
/// ModifiedProperties) the pair's name, which says what the text is (`additionalDetails`,
/// `UserAgent`). The name is as read (the caller neutralises what it shows).
pub fn field_words(root: &Value, path: &str) -> String {
    let Some((parent, leaf)) = path.rsplit_once('.') else {
        return path.to_owned();
    };
    if !["Value", "NewValue", "OldValue", "newValue", "oldValue"].contains(&leaf) {
        return path.to_owned();
    }
    let Some(item) = at_path(root, parent) else {
        return path.to_owned();
    };
    let name = kql::property(Some(item), "Name")
        .or_else(|| kql::property(Some(item), "displayName"))
        .and_then(Value::as_str);
    match name {
        Some(n) => format!("{path} ({n:?})"),
        None => path.to_owned(),
    }
}

/// The value at a simple path `A[0].B` (keys without dots or brackets, as the records' are).
fn at_path<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = root;
    for part in path.split('.') {
        let (key, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            v = v.get(key)?;
        }
        for ix in indexes.split('[').filter(|s| !s.is_empty()) {
            v = v.get(ix.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_sync_property_is_told_from_a_user_agent() {
        let synced = json!([{"Name": "StsRefreshTokensValidFrom"},
            {"Name": "Action Client Name", "NewValue": "[\"DirectorySync\"]"}]);
        assert!(has_sync_property(Some(&synced)));
        let ua = json!([{"Name": "StsRefreshTokensValidFrom", "NewValue": "DirectorySync"}]);
        assert!(!has_sync_property(Some(&ua)));
        let root =
            json!({"ExtendedProperties": [{"Name": "UserAgent", "Value": "x DirectorySync"}]});
        assert_eq!(
            field_words(&root, "ExtendedProperties[0].Value"),
            "ExtendedProperties[0].Value (\"UserAgent\")"
        );
        assert_eq!(field_words(&root, "UserId"), "UserId");
    }
}
