//! The event id of a related record's text: the field each export writes it in
//! ([`ID_PATHS`]), read without building the record when the text allows.

use std::fmt;

use serde_json::Value;

/// Where a record's event id is, in the order looked at, and the name it is given as:
/// the UAL `Id` inside a CloudAppEvents row's `RawEventData` or a CSV row's `AuditData` (the
/// id the STS events of those rows get, so copies of one event in several exports agree),
/// the same inside a Defender streaming-API record's `properties` (`{"time", "category":
/// "AdvancedHunting-CloudAppEvents", "properties": {row}}`, one a line or in a
/// `{"records": [...]}` envelope), the record's own `Id` (UAL record, AuditLogs and
/// SigninLogs rows, Graph PowerShell), `id` (Graph `directoryAudits` and `signIns`),
/// `properties.id` (Entra diagnostic-settings export), `OfficeId` (Sentinel OfficeActivity),
/// `RecordId` (Purview audit search CSV), then CloudAppEvents' `ReportId` (of the row, or
/// of a streaming record's `properties`).
const ID_PATHS: [(&[&str], &str); 11] = [
    (&["RawEventData", "Id"], "RawEventData.Id"),
    (&["AuditData", "Id"], "AuditData.Id"),
    (
        &["properties", "RawEventData", "Id"],
        "properties.RawEventData.Id",
    ),
    (&["Id"], "Id"),
    (&["id"], "id"),
    (&["properties", "id"], "properties.id"),
    (&["OfficeId"], "OfficeId"),
    (&["RecordId"], "RecordId"),
    (&["ReportId"], "ReportId"),
    (&["reportId"], "reportId"),
    (&["properties", "ReportId"], "properties.ReportId"),
];

/// The value at `path` inside `v`; an object given as JSON text on the way (`RawEventData`,
/// `AuditData` as exports write them) is read too.
fn at_path(v: &Value, path: &[&str]) -> Option<Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(v.clone());
    };
    match v {
        Value::Object(o) => at_path(o.get(*first)?, rest),
        Value::String(t) if t.trim_start().starts_with('{') => {
            at_path(&crate::json_depth::parse_value(t).ok()?, path)
        }
        _ => None,
    }
}

/// A record's event id (see [`ID_PATHS`]) and the field it came from; a nested record given
/// as JSON text (`RawEventData`, `AuditData` as exports write them) is read too.
pub fn record_id(record: &Value) -> Option<(String, &'static str)> {
    record.as_object()?;
    ID_PATHS.iter().find_map(|&(path, name)| {
        scalar(at_path(record, path)?)
            .filter(|id| !id.trim().is_empty())
            .map(|id| (id, name))
    })
}

/// [`record_id`] of a record's text, read without building the record: only the id fields
/// are kept, the rest passed over (the JSON report reads the ids of tens of thousands of
/// related records). An error for text this cannot read (deep nesting: see `json_depth`).
pub(super) fn id_of_text(text: &str) -> Result<Option<(String, &'static str)>, ()> {
    use serde::de::Deserializer as _;
    let mut de = serde_json::Deserializer::from_str(text);
    let found = de.deserialize_map(IdFields).map_err(|_| ())?;
    Ok(ID_PATHS
        .iter()
        .zip(found)
        .find_map(|(&(_, name), id)| id.filter(|i| !i.trim().is_empty()).map(|i| (i, name))))
}

/// Reads the fields of [`ID_PATHS`] from a record (the value found for each, in that order).
struct IdFields;

impl<'de> serde::de::Visitor<'de> for IdFields {
    type Value = [Option<String>; ID_PATHS.len()];
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut found: Self::Value = Default::default();
        while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
            let paths: Vec<usize> = (0..ID_PATHS.len())
                .filter(|&i| ID_PATHS[i].0[0] == key && found[i].is_none())
                .collect();
            match paths.as_slice() {
                [] => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
                &[i] => {
                    found[i] = match ID_PATHS[i].0 {
                        [_] => scalar(m.next_value::<Value>()?),
                        [_, inner] => m.next_value_seed(Inner(inner))?,
                        [_, rest @ ..] => {
                            let v = m.next_value::<Value>()?;
                            at_path(&v, rest).and_then(scalar)
                        }
                        [] => None,
                    };
                }
                // Several ids under one key (a streaming record's `properties`): its
                // value read whole, once.
                several => {
                    let v = m.next_value::<Value>()?;
                    for &i in several {
                        found[i] = at_path(&v, &ID_PATHS[i].0[1..]).and_then(scalar);
                    }
                }
            }
        }
        Ok(found)
    }
}

/// The value of one key inside an object, or inside JSON text holding one (`RawEventData`
/// and `AuditData` as exports write them).
#[derive(Clone, Copy)]
struct Inner(&'static str);

impl<'de> serde::de::DeserializeSeed<'de> for Inner {
    type Value = Option<String>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Inner {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record or its JSON text")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
            if found.is_none() && key == self.0 {
                found = scalar(m.next_value::<Value>()?);
            } else {
                m.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        use serde::de::Deserializer as _;
        if !text.trim_start().starts_with('{') {
            return Ok(None);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        Ok(de.deserialize_map(self).ok().flatten())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An id written as text or as a number.
fn scalar(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Defender streaming-API record (`properties` envelope): its UAL record's id, as the
    /// STS event of such a record gets, else the row's ReportId.
    #[test]
    fn a_streaming_record_has_the_id_of_its_ual_record() {
        let line = r#"{"time":"2024-07-09T11:02:04.2210000Z","category":"AdvancedHunting-CloudAppEvents","properties":{"ActionType":"Reset user password.","ReportId":"12260_x","RawEventData":{"Id":"44444444-0000-4000-8000-000000000002","Operation":"Reset user password."},"Timestamp":"2024-07-09T11:02:04Z"},"Tenant":"DefaultTenant"}"#;
        let want = Some((
            "44444444-0000-4000-8000-000000000002".to_owned(),
            "properties.RawEventData.Id",
        ));
        assert_eq!(id_of_text(line), Ok(want.clone()));
        assert_eq!(record_id(&serde_json::from_str(line).unwrap()), want);
        // RawEventData as JSON text (Log Analytics writes it so), and no UAL id at all.
        let text = line.replace(
            r#"{"Id":"44444444-0000-4000-8000-000000000002","Operation":"Reset user password."}"#,
            r#""{\"Id\":\"44444444-0000-4000-8000-000000000002\"}""#,
        );
        assert_eq!(id_of_text(&text), Ok(want));
        let bare = line.replace(r#""Id":"44444444-0000-4000-8000-000000000002","#, "");
        let report = Some(("12260_x".to_owned(), "properties.ReportId"));
        assert_eq!(id_of_text(&bare), Ok(report.clone()));
        assert_eq!(record_id(&serde_json::from_str(&bare).unwrap()), report);
        // The Entra diagnostic-settings record keeps its own.
        let entra = r#"{"time":"t","category":"AuditLogs","properties":{"id":"Directory_1","activityDisplayName":"Reset user password"}}"#;
        assert_eq!(
            id_of_text(entra),
            Ok(Some(("Directory_1".to_owned(), "properties.id")))
        );
    }
}
