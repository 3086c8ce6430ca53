//! The time of a CloudAppEvents row read from JSON (`Timestamp` or `TimeGenerated`). A JSON
//! file has no column to settle the order of its dates from, as a CSV has (csvdates.rs), but
//! each row carries its record's own UTC `CreationTime` in RawEventData: a date that reads
//! both day-first and month-first (`05/11/2024 16:42:19`, from `Import-Csv | ConvertTo-Json`
//! of a CSV a day-first culture wrote) is read the way that agrees with it, and where none
//! does, a date written with dots (`05.11.2024`) day-first, as csvdates.rs reads a column of
//! them.

use serde_json::Value;

use super::wrapped::leading_string_field;
use crate::dates::{DateOrder, is_ambiguous, parse_export_time, parse_with_order};
use crate::kql::KqlDateTime;
use crate::rule::RawEventData;

/// A local time is at most 14 hours from UTC.
const MAX_OFFSET_SECONDS: i64 = 14 * 3600;

/// The first of `values` that reads as a time (as [`parse_export_time`]), in the order its
/// record's CreationTime agrees with when it reads both ways and only one reading lies
/// within 14 hours of that CreationTime; else day-first if written with dots, else as
/// `parse_export_time` reads it (month-first).
pub fn row_time<'a>(
    values: impl IntoIterator<Item = &'a Value>,
    raw: &RawEventData,
) -> Option<KqlDateTime> {
    values
        .into_iter()
        .filter_map(Value::as_str)
        .find_map(|text| agreeing(text, raw))
}

fn agreeing(text: &str, raw: &RawEventData) -> Option<KqlDateTime> {
    let read = parse_export_time(text)?;
    if !is_ambiguous(text.trim().as_bytes()) {
        return Some(read);
    }
    if let Some(created) = creation_time(raw) {
        let near = |order| {
            parse_with_order(text, Some(order))
                .filter(|t| (*t - created).num_seconds().abs() <= MAX_OFFSET_SECONDS)
        };
        match (near(DateOrder::DayFirst), near(DateOrder::MonthFirst)) {
            (Some(day_first), None) => return Some(day_first),
            (None, Some(month_first)) => return Some(month_first),
            _ => {}
        }
    }
    // Dates written with dots (d.M.yyyy) are day-first in every culture that writes them,
    // as a CSV column of them is read.
    if text.trim_start().bytes().find(|b| !b.is_ascii_digit()) == Some(b'.') {
        return parse_with_order(text, Some(DateOrder::DayFirst)).or(Some(read));
    }
    Some(read)
}

fn creation_time(raw: &RawEventData) -> Option<KqlDateTime> {
    match raw {
        RawEventData::Json(Value::Object(o)) => {
            o.get("CreationTime")?.as_str().and_then(parse_export_time)
        }
        RawEventData::Json(Value::String(s)) | RawEventData::Text(s) => {
            parse_export_time(&leading_string_field(s, "CreationTime")?)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::format_datetime;

    fn raw(creation: &str) -> RawEventData {
        RawEventData::Json(serde_json::json!({ "CreationTime": creation }))
    }

    fn read(text: &str, raw: &RawEventData) -> Option<String> {
        row_time([&Value::String(text.to_owned())], raw).map(|t| format_datetime(&t))
    }

    #[test]
    fn a_date_that_reads_both_ways_follows_its_records_creation_time() {
        let fifth_of_november = raw("2024-11-05T16:42:19");
        let eleventh_of_may = raw("2024-05-11T16:42:19");
        assert_eq!(
            read("05/11/2024 16:42:19", &fifth_of_november).as_deref(),
            Some("2024-11-05T16:42:19.0000000Z")
        );
        assert_eq!(
            read("05/11/2024 16:42:19", &eleventh_of_may).as_deref(),
            Some("2024-05-11T16:42:19.0000000Z")
        );
        // No CreationTime: month-first, as before.
        assert_eq!(
            read("05/11/2024 16:42:19", &RawEventData::Null).as_deref(),
            Some("2024-05-11T16:42:19.0000000Z")
        );
        // Dots: day-first, unless the CreationTime says otherwise.
        assert_eq!(
            read("05.11.2024 16:42:19", &RawEventData::Null).as_deref(),
            Some("2024-11-05T16:42:19.0000000Z")
        );
        assert_eq!(
            read("05.11.2024 16:42:19", &eleventh_of_may).as_deref(),
            Some("2024-05-11T16:42:19.0000000Z")
        );
        // A date that reads one way only is never moved.
        assert_eq!(
            read("2024-11-05T16:42:19Z", &eleventh_of_may).as_deref(),
            Some("2024-11-05T16:42:19.0000000Z")
        );
    }
}
