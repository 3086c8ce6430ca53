//! The event id of a related record's text: the field each export writes it in
//! ([`ID_PATHS`]), read without building the record when the text allows.

use std::fmt;

use serde_json::Value;

/// Where a record's event id is, in the order looked at, and the name it is given as:
/// the UAL `Id` inside a CloudAppEvents row's `RawEventData` or a CSV row's `AuditData` (the
/// id the STS events of those rows get, so copies of one event in several exports agree), the
/// record's own `Id` (UAL record, AuditLogs and SigninLogs rows, Graph PowerShell), `id`
/// (Graph `directoryAudits` and `signIns`), `properties.id` (Entra diagnostic-settings
/// export), `OfficeId` (Sentinel OfficeActivity), `RecordId` (Purview audit search CSV),
/// then CloudAppEvents' `ReportId`.
const ID_PATHS: [(&str, Option<&str>, &str); 9] = [
    ("RawEventData", Some("Id"), "RawEventData.Id"),
    ("AuditData", Some("Id"), "AuditData.Id"),
    ("Id", None, "Id"),
    ("id", None, "id"),
    ("properties", Some("id"), "properties.id"),
    ("OfficeId", None, "OfficeId"),
    ("RecordId", None, "RecordId"),
    ("ReportId", None, "ReportId"),
    ("reportId", None, "reportId"),
];

/// A record's event id (see [`ID_PATHS`]) and the field it came from; a nested record given
/// as JSON text (`RawEventData`, `AuditData` as exports write them) is read too.
pub fn record_id(record: &Value) -> Option<(String, &'static str)> {
    let obj = record.as_object()?;
    ID_PATHS.iter().find_map(|&(key, inner, name)| {
        let v = obj.get(key)?;
        let id = match inner {
            None => v.clone(),
            Some(inner) => match v {
                Value::Object(o) => o.get(inner)?.clone(),
                Value::String(t) if t.trim_start().starts_with('{') => {
                    crate::json_depth::parse_value(t).ok()?.get(inner)?.clone()
                }
                _ => return None,
            },
        };
        scalar(id)
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
        .find_map(|(&(_, _, name), id)| id.filter(|i| !i.trim().is_empty()).map(|i| (i, name))))
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
            match ID_PATHS.iter().position(|(k, ..)| *k == key) {
                Some(i) if found[i].is_none() => {
                    found[i] = match ID_PATHS[i].1 {
                        None => scalar(m.next_value::<Value>()?),
                        Some(inner) => m.next_value_seed(Inner(inner))?,
                    };
                }
                _ => {
                    m.next_value::<serde::de::IgnoredAny>()?;
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
