//! The `dynamic` type as the query uses it: `==` against a string, indexing, property access,
//! `tostring`, `dynamic_to_json`, `parse_json`, and `has` over a dynamic value.
//!
//! Rules from the Kusto documentation pages "The dynamic data type"
//! (<https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic>), "tostring()"
//! (<https://learn.microsoft.com/kusto/query/tostring-function>), "parse_json()"
//! (<https://learn.microsoft.com/kusto/query/parse-json-function>) and "dynamic_to_json()"
//! (<https://learn.microsoft.com/kusto/query/dynamic-to-json-function>).

use serde_json::Value;

use super::terms::has_term;
use super::{KqlDateTime, todatetime};

/// `==` between a dynamic value and a string literal: true only for a JSON string that is
/// byte-for-byte equal. A null (missing) value gives false, as does any other JSON type
/// (numbers, bags: the documentation is silent; no engine tested matches them).
pub fn dynamic_eq_str(value: Option<&Value>, literal: &str) -> bool {
    matches!(value, Some(Value::String(s)) if s == literal)
}

/// Where `has_term` found a term inside a dynamic value, as a path like
/// `ModifiedProperties[2].NewValue` (a property name match ends in `{key}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermHit {
    pub path: String,
    /// The serialised token (key or value) in which the term stood.
    pub token: String,
}

/// `dynamic has "term"` evaluated over the compact JSON text of the value, as a JSON
/// serializer writes it (the documented choice; see README "Semantics"). Because every JSON
/// structural character separates terms, walking the tree and tokenising each serialised
/// key and scalar gives exactly the terms of the whole text, and tells where they stand.
pub fn dynamic_find_term(value: &Value, needle: &str) -> Option<TermHit> {
    let mut path = String::new();
    find_in(value, needle, &mut path)
}

fn find_in(value: &Value, needle: &str, path: &mut String) -> Option<TermHit> {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let keep = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                if has_term_in_json_text(k, needle) {
                    let hit = TermHit {
                        path: format!("{path}{{key}}"),
                        token: json_string_text(k),
                    };
                    return Some(hit);
                }
                if let Some(hit) = find_in(v, needle, path) {
                    return Some(hit);
                }
                path.truncate(keep);
            }
            None
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let keep = path.len();
                path.push_str(&format!("[{i}]"));
                if let Some(hit) = find_in(v, needle, path) {
                    return Some(hit);
                }
                path.truncate(keep);
            }
            None
        }
        Value::String(s) => has_term_in_json_text(s, needle).then(|| TermHit {
            path: path.clone(),
            token: json_string_text(s),
        }),
        // A number's text holds no letter but `e` (serde_json writes no inf or NaN).
        Value::Number(_)
            if needle
                .bytes()
                .any(|b| b.is_ascii_alphabetic() && !b.eq_ignore_ascii_case(&b'e')) =>
        {
            None
        }
        other => {
            let text = other.to_string();
            has_term(&text, needle).then(|| TermHit {
                path: path.clone(),
                token: text,
            })
        }
    }
}

/// `has_term` over the JSON text of a string, without writing it when nothing in it is
/// escaped (the usual case: the text is then the string itself).
fn has_term_in_json_text(s: &str, needle: &str) -> bool {
    let escaped = s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
    if escaped {
        has_term(&json_string_text(s), needle)
    } else {
        has_term(s, needle)
    }
}

/// The inside of a JSON string literal as serde_json writes it (without the quotes):
/// `"` and `\` escaped, control characters as `\n`, `\t`, `\u001b`…, everything else as is.
pub fn json_string_text(s: &str) -> String {
    let quoted = Value::String(s.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// Dynamic indexing `v[i]`: arrays only; a negative index counts from the end; anything out
/// of range, or a non-array, is null.
pub fn index(value: Option<&Value>, i: i64) -> Option<&Value> {
    let items = value?.as_array()?;
    let len = i64::try_from(items.len()).ok()?;
    let at = if i < 0 { len + i } else { i };
    if at < 0 || at >= len {
        return None;
    }
    items.get(usize::try_from(at).ok()?)
}

/// Dynamic property access `v.key`: exact (case-sensitive) key of a property bag, else null.
pub fn property<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    value?.as_object()?.get(key)
}

/// `tostring(dynamic)`: null → "", a string → the bare string, anything else → compact JSON
/// as Kusto writes it (reals with no fraction without `.0`; key order as read).
pub fn tostring(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            let mut out = String::new();
            write_json(other, false, &mut out);
            out
        }
    }
}

/// `dynamic_to_json`: the canonical form, keys sorted, no spaces.
pub fn dynamic_to_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, true, &mut out);
    out
}

fn write_json(value: &Value, sort_keys: bool, out: &mut String) {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => {
                out.push_str(&format!("{f:.0}"));
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, sort_keys, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if sort_keys {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_json(v, sort_keys, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `parse_json(string)`: the parsed value, or (for text that is not JSON) the string itself
/// as a dynamic string, as the documentation says. Values nested deeper than serde_json
/// parses are kept as text (`json_depth`), as when a record is read.
pub fn parse_json(text: &str) -> Value {
    crate::json_depth::parse_value(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// `todatetime(dynamic)`: a string is parsed with [`todatetime`]; everything else is null.
pub fn todatetime_dynamic(value: Option<&Value>) -> Option<KqlDateTime> {
    match value? {
        Value::String(s) => todatetime(s),
        _ => None,
    }
}

/// `todatetime(parse_json(tostring(v))[0])`, the query's way of reading OldValue/NewValue.
pub fn first_datetime_of(value: Option<&Value>) -> Option<KqlDateTime> {
    // The usual value, `[\r\n  "2021-02-02T00:00:03Z"\r\n]`, is read in place: its first
    // element is its one string. Every other text is parsed as the query parses it.
    if let Some(Value::String(text)) = value
        && let Some(only) = lone_plain_string(text)
    {
        return todatetime(only);
    }
    let parsed = parse_json(&tostring(value));
    todatetime_dynamic(index(Some(&parsed), 0))
}

/// The element of a JSON array text that holds one string and nothing else (JSON white
/// space around them), when the string has no escape and no control character: then
/// `parse_json(text)[0]` is that string, as written. `None` for any other text.
fn lone_plain_string(text: &str) -> Option<&str> {
    let json_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let inner = text
        .trim_matches(json_space)
        .strip_prefix('[')?
        .strip_suffix(']')?
        .trim_matches(json_space);
    let body = inner.strip_prefix('"')?.strip_suffix('"')?;
    let plain = !body.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    plain.then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_has_reads_json_text_and_reports_where() {
        let v: Value = serde_json::json!({"a": "line1\nDirectorySync"});
        assert_eq!(dynamic_find_term(&v, "Directorysync"), None);
        let v: Value = serde_json::json!({"ModifiedProperties": [{"Name": "x"}, {"Name": "Action Client Name", "NewValue": "DirectorySync"}]});
        let hit = dynamic_find_term(&v, "Directorysync").expect("found");
        assert_eq!(hit.path, "ModifiedProperties[1].NewValue");
        let v: Value = serde_json::json!({"DirectorySync": 1});
        assert_eq!(
            dynamic_find_term(&v, "Directorysync").map(|h| h.path),
            Some("DirectorySync{key}".to_owned())
        );
        // Escaped and plain strings, numbers: the serialised text decides.
        let v: Value = serde_json::json!({"a": "say \"directorysync\"", "b": "DirectorySyncX"});
        let hit = dynamic_find_term(&v, "Directorysync").expect("found");
        assert_eq!(
            (hit.path.as_str(), hit.token.as_str()),
            ("a", "say \\\"directorysync\\\"")
        );
        let v: Value = serde_json::json!({"n": [7, 12345, "x"]});
        assert_eq!(
            dynamic_find_term(&v, "12345").map(|h| h.path),
            Some("n[1]".to_owned())
        );
        assert_eq!(dynamic_find_term(&v, "Directorysync"), None);
    }

    #[test]
    fn a_lone_string_read_in_place_is_what_parse_json_gives() {
        for text in [
            "[\r\n  \"2020-12-14T10:02:26Z\"\r\n]",
            "[\"2020-12-14T10:02:26Z\"]",
            " \t[ \"2020-12-14 10:02:26\" ]\n",
            "[\"\"]",
            "[\"not a date\"]",
            "[\"2020-12-14T10:02:26Z\" ",
            "[\"2020-12-14T10:02:26Z\",]",
            "[\"2020-12-14T10:02:26Z\", \"2021-01-01\"]",
            "[\"2020-12-14T10:02:26Z\"\"]",
            "[\"2020-12-14\\u0054 10:02:26\"]",
            "[\"2020-12-14\t10:02:26\"]",
            "[\"\u{a0}2020-12-14T10:02:26Z\"]",
            "\u{a0}[\"2020-12-14T10:02:26Z\"]",
            "[\" 2020-12-14T10:02:26Z\"]",
        ] {
            let parsed = parse_json(text);
            let plain = todatetime_dynamic(index(Some(&parsed), 0));
            let value = Value::String(text.to_owned());
            assert_eq!(first_datetime_of(Some(&value)), plain, "{text:?}");
        }
        assert_eq!(
            lone_plain_string("[\r\n  \"2020-12-14T10:02:26Z\"\r\n]"),
            Some("2020-12-14T10:02:26Z")
        );
        assert_eq!(lone_plain_string("[\"a\\\"b\"]"), None);
        assert_eq!(lone_plain_string("[\"a\", \"b\"]"), None);
    }

    #[test]
    fn old_and_new_values_in_every_shape() {
        let crlf = Value::String("[\r\n  \"2020-12-14T10:02:26Z\"\r\n]".into());
        assert!(first_datetime_of(Some(&crlf)).is_some());
        let arr = serde_json::json!(["2020-12-14T10:02:26Z"]);
        assert_eq!(
            first_datetime_of(Some(&arr)),
            first_datetime_of(Some(&crlf))
        );
        assert_eq!(first_datetime_of(Some(&Value::String(String::new()))), None);
        assert_eq!(first_datetime_of(None), None);
        let bare = Value::String("2020-12-14T10:02:26Z".into());
        assert_eq!(first_datetime_of(Some(&bare)), None);
    }
}
