//! The quick reading of a CloudAppEvents record: only the columns, and the members of
//! RawEventData, that the query and the event read are built as JSON values; every other
//! value is checked exactly as a full parse checks it and dropped unbuilt. The row's columns
//! are kept in slots, not in a JSON map (no key copied, no lookup hashed), and go through
//! `record::classify_checked`'s steps for a CloudAppEvents row (`classify_row`), with its
//! own functions for each column; RawEventData and the columns the event's parties read stay
//! JSON values as before.
//!
//! Why it gives what the full parse gives (`tests/fast_path.rs` and the proptests compare
//! the two; debug builds compare them on every record read this way):
//! - the JSON is checked by the same parser calls (`deserialize_any` on every value, the
//!   same key and string reads, the same nesting limit, `end` for trailing text), so a
//!   record is read here exactly when the full parse reads it; any error sends the record
//!   to the full parse, which reports it or repairs it as before;
//! - a column or member is kept when its name is one that `classify` looks up, in any ASCII
//!   case, with the `_dynamic` / `_string` suffixes a KQL `union` adds: each lookup sees the
//!   same candidates with the same values (duplicate keys: the last value, in the first
//!   one's place, as `Map::insert` does). Two spellings of one column (`ISP` and `isp`) are
//!   left to the full parse, so no lookup depends on the order of the keys;
//! - `RawEventData !has "Directorysync"` is the one clause that reads all of RawEventData.
//!   It is decided on the record's bytes: where they hold no `\u` escape, the compact JSON
//!   text of any value parsed from them holds the same letters in the same terms (the other
//!   escapes are written back as they were read, `\/` as `/`; numbers hold no such letters),
//!   so text without the term, ASCII case ignored, cannot have it in any parsed value, and
//!   the pruned RawEventData has no hit either. A record with `\u` or with the term anywhere
//!   goes to the full parse (the clause then also says where the term stands).
//! - envelopes (`properties`), `az` CLI rows (`TableName`) and records of other tables go
//!   to the full parse.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::record::{self, Classified, Origin, bool_value};
use super::row_time::row_time;
use crate::context::parties;
use crate::kql;
use crate::model::SourceKind;
use crate::rule::{self, CloudAppRow};

/// The columns `record::classify` and `context::parties::cloud_app` read from a
/// CloudAppEvents row.
const ROW_COLUMNS: [&str; 13] = [
    "ActionType",
    "RawEventData",
    "AccountObjectId",
    "AccountDisplayName",
    "IPAddress",
    "IsAnonymousProxy",
    "ISP",
    "Timestamp",
    "TimeGenerated",
    "ReportId",
    "ActivityObjects",
    "ObjectId",
    "AccountId",
];

/// Where the columns the event's own fields come from stand in [`ROW_COLUMNS`].
const ACTION_TYPE: usize = 0;
const ACCOUNT_DISPLAY_NAME: usize = 3;
const IP_ADDRESS: usize = 4;
const IS_ANONYMOUS_PROXY: usize = 5;
const ISP: usize = 6;
const TIMESTAMP: usize = 7;
const TIME_GENERATED: usize = 8;
const REPORT_ID: usize = 9;

/// The columns of [`ROW_COLUMNS`] that `context::parties::cloud_app` reads from the row (and
/// `AccountObjectId`, which the event's row reads too): kept in a map, keyed as written.
const PARTY_COLUMNS: [&str; 4] = [
    "AccountObjectId",
    "ActivityObjects",
    "ObjectId",
    "AccountId",
];

/// Keys (as written) that make `classify` read the record as a whole: a `properties`
/// envelope, an `az` CLI row (`TableName`, every value text). Such records are parsed whole.
const WHOLE_RECORD_KEYS: [&str; 2] = ["properties", "TableName"];

/// Where `RawEventData` stands in [`ROW_COLUMNS`].
const RAW_EVENT_DATA: usize = 1;

/// The members of RawEventData the rule (`rule::evaluate_cloud_app_row`), the event's id and
/// its parties (`context::parties::ual`) read, besides the `has` over all of it.
const RAW_MEMBERS: [&str; 7] = [
    "Id",
    "ModifiedProperties",
    "Actor",
    "Target",
    "ObjectId",
    "UserId",
    "InterSystemsId",
];

/// Classifies a CloudAppEvents record read the quick way, or `None` when the record is to be
/// parsed whole (another shape, an escape, invalid JSON: see the module's notes).
pub(super) fn classify_pruned(text: &str, origin: &Origin) -> Option<Classified> {
    if needs_full_parse(text.as_bytes()) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let row = de.deserialize_any(RowVisitor).ok()??;
    de.end().ok()?;
    let classified = classify_row(row, origin);
    #[cfg(debug_assertions)]
    check_against_full_parse(text, origin, &classified);
    Some(classified)
}

/// A CloudAppEvents row read the quick way. Each name of [`ROW_COLUMNS`] has at most one
/// spelling in it (two go to the full parse), so what `record::column` finds for a name in
/// the whole row is what its slot holds: the same value, read as `record::classify_checked`
/// reads it (`record::column`: a null under a union's suffix is no value).
struct Row {
    /// Each column's value, and whether its key has a union's suffix (`_dynamic`, `_string`);
    /// the slots of [`PARTY_COLUMNS`] stay empty.
    slots: [Option<(bool, Value)>; ROW_COLUMNS.len()],
    /// The columns of [`PARTY_COLUMNS`], keyed as written.
    parties: Map<String, Value>,
}

impl Row {
    /// The column's value as `record::column` finds it.
    fn value(&self, at: usize) -> Option<&Value> {
        match &self.slots[at] {
            Some((suffixed, v)) if !(*suffixed && v.is_null()) => Some(v),
            _ => None,
        }
    }

    /// The column's value taken out, as `record::column` finds it.
    fn take(&mut self, at: usize) -> Option<Value> {
        match self.slots[at].take() {
            Some((suffixed, v)) if !(suffixed && v.is_null()) => Some(v),
            _ => None,
        }
    }

    /// `kql::tostring` of the column (`record::string_column`), its text moved, not copied.
    fn take_text(&mut self, at: usize) -> String {
        match self.take(at) {
            Some(Value::String(s)) => s,
            other => kql::tostring(other.as_ref()),
        }
    }
}

/// `record::classify_checked` of a CloudAppEvents row (RawEventData without the
/// Directorysync term), step by step on the columns read the quick way.
fn classify_row(mut row: Row, origin: &Origin) -> Classified {
    let action_type = row.take_text(ACTION_TYPE);
    // Most rows are other activity: decided before anything is copied.
    if !rule::is_sts_operation(&action_type) {
        return Classified::Other(SourceKind::CloudAppEvents);
    }
    // `record::cloud_app_row`.
    let raw_event_data = record::raw_event_data(row.take(RAW_EVENT_DATA));
    let timestamp = row_time(
        [TIMESTAMP, TIME_GENERATED]
            .iter()
            .filter_map(|&at| row.value(at)),
        &raw_event_data,
    );
    let cloud = CloudAppRow {
        action_type,
        raw_event_data,
        account_object_id: record::string_column(&row.parties, "AccountObjectId"),
        account_display_name: row.take_text(ACCOUNT_DISPLAY_NAME),
        ip_address: row.take_text(IP_ADDRESS),
        is_anonymous_proxy: bool_value(row.value(IS_ANONYMOUS_PROXY)),
        isp: row.take_text(ISP),
        timestamp,
    };
    // `record::id_of_cloud_app`.
    let raw_id = match &cloud.raw_event_data {
        rule::RawEventData::Json(raw) => kql::tostring(kql::property(Some(raw), "Id")),
        _ => String::new(),
    };
    let id = if raw_id.is_empty() {
        row.take_text(REPORT_ID)
    } else {
        raw_id
    };
    let parties = parties::cloud_app(&row.parties, record::raw_json(&cloud).as_deref());
    record::with_parties(
        record::cloud_app_event_checked(cloud, SourceKind::CloudAppEvents, id, origin, true),
        parties,
    )
}

/// True when the text holds a `\u` escape or the Directorysync term's letters (ASCII case
/// ignored): such records are parsed whole.
fn needs_full_parse(text: &[u8]) -> bool {
    if memchr::memmem::find(text, b"\\u").is_some() {
        return true;
    }
    let term = crate::rule::DIRECTORY_SYNC.as_bytes();
    // Found by its first `y`, the rarer letter.
    let Some(y_at) = term.iter().position(|b| b.eq_ignore_ascii_case(&b'y')) else {
        return true;
    };
    memchr::memchr2_iter(b'y', b'Y', text).any(|p| {
        p.checked_sub(y_at)
            .and_then(|start| text.get(start..start + term.len()))
            .is_some_and(|written| written.eq_ignore_ascii_case(term))
    })
}

/// Debug builds (the tests) classify every record read the quick way a second time from
/// the full parse, and stop at the first difference.
#[cfg(debug_assertions)]
fn check_against_full_parse(text: &str, origin: &Origin, classified: &Classified) {
    let full = serde_json::from_str::<Value>(text).map(|v| super::record::classify(v, origin));
    let full = full.map(|c| format!("{c:?}")).unwrap_or_default();
    debug_assert_eq!(
        format!("{classified:?}"),
        full,
        "quick and full reading differ on {text}"
    );
}

/// Which entry of `names` a key is, ASCII case ignored, with or without a `_dynamic` or
/// `_string` suffix (`with_suffixes`).
fn name_of(key: &str, names: &[&str], with_suffixes: bool) -> Option<usize> {
    let base = if with_suffixes {
        strip_suffix_ignore_case(key, "_dynamic")
            .or_else(|| strip_suffix_ignore_case(key, "_string"))
    } else {
        None
    };
    names.iter().position(|n| {
        n.eq_ignore_ascii_case(key) || base.is_some_and(|b| n.eq_ignore_ascii_case(b))
    })
}

fn strip_suffix_ignore_case<'a>(key: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = key.len().checked_sub(suffix.len())?;
    let (base, end) = (key.get(..cut)?, key.get(cut..)?);
    end.eq_ignore_ascii_case(suffix).then_some(base)
}

/// A key as written: borrowed from the text unless it holds an escape.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
}

/// Why a record is left to the full parse (never shown: the full parse says what it says).
fn full_parse<E: de::Error>() -> E {
    E::custom("read in full")
}

/// The top level of a record: the pruned CloudAppEvents row, `None` for another shape.
struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = Option<Row>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut row = Row {
            slots: Default::default(),
            parties: Map::new(),
        };
        // The spelling of each kept column, to leave two spellings of one to the full parse.
        let mut spelled: [Option<Cow<'de, str>>; ROW_COLUMNS.len()] = Default::default();
        while let Some(Key(key)) = map.next_key()? {
            if WHOLE_RECORD_KEYS.contains(&key.as_ref()) {
                return Err(full_parse());
            }
            let Some(i) = name_of(&key, &ROW_COLUMNS, true) else {
                map.next_value_seed(Skip)?;
                continue;
            };
            match &spelled[i] {
                Some(seen) if *seen != key => return Err(full_parse()),
                Some(_) => {}
                None => spelled[i] = Some(key.clone()),
            }
            let value = if i == RAW_EVENT_DATA {
                Value::Object(map.next_value_seed(RawEventData)?)
            } else {
                map.next_value()?
            };
            // Duplicate keys: the last value counts, as `Map::insert` keeps it.
            if PARTY_COLUMNS.contains(&ROW_COLUMNS[i]) {
                row.parties.insert(key.into_owned(), value);
            } else {
                let suffixed = !key.eq_ignore_ascii_case(ROW_COLUMNS[i]);
                row.slots[i] = Some((suffixed, value));
            }
        }
        // A row without its ActionType is of another table: `classify` reads other keys.
        Ok(row.value(ACTION_TYPE).is_some().then_some(row))
    }

    // Every other JSON value is read (and checked) whole by the full parse.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(None)
    }
}

/// RawEventData, pruned to [`RAW_MEMBERS`]; anything but an object is read in full.
struct RawEventData;

impl<'de> DeserializeSeed<'de> for RawEventData {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RawEventData {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = Map::with_capacity(RAW_MEMBERS.len());
        while let Some(Key(key)) = map.next_key()? {
            if name_of(&key, &RAW_MEMBERS, false).is_some() {
                let value = map.next_value()?;
                raw.insert(key.into_owned(), value);
            } else {
                map.next_value_seed(Skip)?;
            }
        }
        Ok(raw)
    }
}

/// A value read and checked as a full parse reads it (numbers, strings, escapes, nesting),
/// and not built.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "pruned_tests.rs"]
mod tests;
