//! Timestamps as exports write them (data-formats.md §0.4): ISO 8601 with or without zone,
//! US locale styles with AM/PM, `Dec 29, 2025 12:10:57 PM`, day-first `13/03/2024, 3:40 pm`,
//! and a trailing space (Purview). All are read as UTC.

use crate::kql::{KqlDateTime, parse_datetime_text};

/// Parses a timestamp column of an export. Unlike Kusto's `todatetime`, surrounding white
/// space is ignored and a day-first date is accepted when the month-first reading is impossible.
pub fn parse_export_time(text: &str) -> Option<KqlDateTime> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(t) = dotnet_json_date(t) {
        return Some(t);
    }
    parse_datetime_text(t, true)
}

/// `\/Date(1709287080000)\/`: how Windows PowerShell 5.1 `ConvertTo-Json` writes a .NET
/// DateTime (milliseconds since 1970-01-01 UTC; an optional `+hhmm` after them tells the
/// writer's zone and does not move the instant). After JSON decoding the text reads
/// `/Date(…)/`; a CSV cell may keep the backslashes.
fn dotnet_json_date(t: &str) -> Option<KqlDateTime> {
    let inner = t
        .strip_prefix("\\/Date(")
        .or_else(|| t.strip_prefix("/Date("))?;
    let inner = inner
        .strip_suffix(")\\/")
        .or_else(|| inner.strip_suffix(")/"))?;
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(inner.len(), |(i, _)| i);
    let (ms, zone) = inner.split_at(digits_end);
    let zone_ok = zone.is_empty()
        || (zone.len() == 5
            && zone.starts_with(['+', '-'])
            && zone[1..].bytes().all(|b| b.is_ascii_digit()));
    if !zone_ok {
        return None;
    }
    let ms: i64 = ms.parse().ok()?;
    chrono::DateTime::from_timestamp_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::format_datetime;

    fn p(s: &str) -> Option<String> {
        parse_export_time(s).map(|t| format_datetime(&t))
    }

    #[test]
    fn every_observed_style() {
        assert_eq!(
            p("2021-02-04T16:32:42").as_deref(),
            Some("2021-02-04T16:32:42.0000000Z")
        );
        assert_eq!(
            p("2021-08-02T13:32:07.0000000Z").as_deref(),
            Some("2021-08-02T13:32:07.0000000Z")
        );
        assert_eq!(
            p("2019-06-24T09:32:07.4637225+00:00").as_deref(),
            Some("2019-06-24T09:32:07.4637225Z")
        );
        assert_eq!(
            p("9/20/2023 4:05:03 AM").as_deref(),
            Some("2023-09-20T04:05:03.0000000Z")
        );
        assert_eq!(
            p("2026-01-24T06:54:24.0000000Z ").as_deref(),
            Some("2026-01-24T06:54:24.0000000Z")
        );
        assert_eq!(
            p("9/24/2024, 7:59:09.960 PM").as_deref(),
            Some("2024-09-24T19:59:09.9600000Z")
        );
        assert_eq!(
            p("Dec 29, 2025 12:10:57 PM").as_deref(),
            Some("2025-12-29T12:10:57.0000000Z")
        );
        assert_eq!(
            p("13/03/2024, 3:40:13.988 pm").as_deref(),
            Some("2024-03-13T15:40:13.9880000Z")
        );
        assert_eq!(
            p("12/14/2020 12:02:26 AM").as_deref(),
            Some("2020-12-14T00:02:26.0000000Z")
        );
        assert_eq!(
            p("/Date(1709287080000)/").as_deref(),
            Some("2024-03-01T09:58:00.0000000Z")
        );
        assert_eq!(
            p("\\/Date(1709287080000+0100)\\/").as_deref(),
            Some("2024-03-01T09:58:00.0000000Z")
        );
        assert_eq!(p("/Date(17092x)/"), None);
        assert_eq!(p("yesterday"), None);
        assert_eq!(p(""), None);
    }
}
