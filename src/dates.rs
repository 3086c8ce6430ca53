//! Timestamps as exports write them (data-formats.md §0.4): ISO 8601 with or without zone,
//! US locale styles with AM/PM, `Dec 29, 2025 12:10:57 PM`, day-first `13/03/2024, 3:40 pm`,
//! and a trailing space (Purview), and the long patterns whose month is a word
//! ([`named_month`]). All are read as UTC.

mod named_month;
mod numeric;

use std::borrow::Cow;

use crate::kql::{KqlDateTime, parse_datetime_text};

/// Parses a timestamp column of an export. Unlike Kusto's `todatetime`, surrounding white
/// space is ignored and a day-first date is accepted when the month-first reading is impossible.
pub fn parse_export_time(text: &str) -> Option<KqlDateTime> {
    let t = export_spelling(text.trim());
    let t = t.as_ref();
    if t.is_empty() {
        return None;
    }
    if let Some(t) = dotnet_json_date(t) {
        return Some(t);
    }
    parse_datetime_text(t, true).or_else(|| {
        // A long date (`Tuesday, November 5, 2024 4:42:19 PM`): tried only when nothing
        // else reads the value, so no value read before is read otherwise.
        let iso = named_month::to_iso(t)?;
        parse_datetime_text(&export_spelling(&iso), true)
    })
}

/// The date and time as Kusto's reader spells them, from the spellings of other cultures
/// that .NET (PowerShell, the portals' CSV) writes: the meridiem as `a.m.`/`p.m.` (en-CA,
/// en-IE, en-NZ…) or `a. m.`/`p. m.` (es-*), or as a word before the time (오전/오후 ko-KR,
/// 午前/午後 ja-JP, 上午/下午 zh-*), becomes `AM`/`PM` after it; a year-first date with dots
/// (`2024. 11. 5.` hu-HU and ko-KR, `2024.11.05.`) becomes `2024-11-05`; a comma before the
/// seconds' fraction (`16:42:19,123`) becomes a point. Anything else is left as it is.
fn export_spelling(t: &str) -> Cow<'_, str> {
    if let Some(respelled) = numeric::respelled(t) {
        return Cow::Owned(export_spelling(&respelled).into_owned());
    }
    if let Some(point) = numeric::with_fraction_point(t) {
        return Cow::Owned(export_spelling(&point).into_owned());
    }
    let mut out = Cow::Borrowed(t);
    // The usual spellings (ISO 8601, en-US) pass untouched and unallocated.
    if t.is_ascii() && !t.ends_with('.') && t.as_bytes().get(4) != Some(&b'.') {
        return out;
    }
    let end = t.get(t.len().saturating_sub(6)..).unwrap_or_default();
    for (suffix, word) in [
        ("a. m.", "AM"),
        ("p. m.", "PM"),
        ("a.m.", "AM"),
        ("p.m.", "PM"),
    ] {
        if end.to_ascii_lowercase().ends_with(suffix) {
            out = Cow::Owned(format!("{}{word}", &t[..t.len() - suffix.len()]));
            break;
        }
    }
    for (before, word) in [
        ("오전", "AM"),
        ("오후", "PM"),
        ("午前", "AM"),
        ("午後", "PM"),
        ("上午", "AM"),
        ("下午", "PM"),
    ] {
        if let Some(i) = out.find(before) {
            let rest = out[i + before.len()..].trim_start();
            out = Cow::Owned(format!("{} {rest} {word}", out[..i].trim_end()));
            break;
        }
    }
    if let Some(iso) = year_first_dotted(&out) {
        out = Cow::Owned(iso);
    }
    out
}

/// `2024. 11. 5. 16:42:19` (hu-HU, ko-KR) or `2024.11.05 16:42` → `2024-11-05 16:42:19`.
fn year_first_dotted(t: &str) -> Option<String> {
    let b = t.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'.' {
        return None;
    }
    let mut at = 5;
    let number = |at: &mut usize| -> Option<u32> {
        while b.get(*at) == Some(&b' ') {
            *at += 1;
        }
        let digits = b[*at..]
            .iter()
            .take(2)
            .take_while(|c| c.is_ascii_digit())
            .count();
        let n = t.get(*at..*at + digits)?.parse().ok()?;
        *at += digits;
        Some(n)
    };
    let month = number(&mut at)?;
    if b.get(at) != Some(&b'.') {
        return None;
    }
    at += 1;
    let day = number(&mut at)?;
    if b.get(at) == Some(&b'.') {
        at += 1;
    }
    let rest = t[at..].trim_start();
    Some(
        format!("{}-{month:02}-{day:02} {rest}", &t[..4])
            .trim_end()
            .to_owned(),
    )
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

/// How the numeric dates of one column are written: `03/01/2024` is 1 March month-first
/// (US) and 3 January day-first (most of Europe, the Defender portal in such a locale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// The first two numbers of a numeric date `a/b/yyyy` (or with `.` or `-`) at the start of
/// a time column's value, as cultures write it: also with a two-digit year (`05/11/24`, a
/// short date pattern set so) and with a space after each dot (`5. 11. 2024`, sk-SK);
/// `None` for ISO dates, month names and anything else.
pub fn leading_pair(text: &[u8]) -> Option<(u32, u32)> {
    pair(text, true)
}

/// [`leading_pair`] of a date inside other text (a value in AuditData): only the strict
/// `a/b/yyyy`, so that a version number (`1.2.10`) is no date.
fn pair(text: &[u8], in_column: bool) -> Option<(u32, u32)> {
    let t = text.trim_ascii_start();
    let space_after =
        |sep: u8, at: usize| usize::from(in_column && sep == b'.' && t.get(at) == Some(&b' '));
    let number = |from: usize| -> Option<(u32, usize)> {
        let digits = t[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        let n = t[from..from + digits]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        Some((n, from + digits))
    };
    let (a, at) = number(0)?;
    let sep = *t.get(at)?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let at = at + 1 + space_after(sep, at + 1);
    let (b, at) = number(at)?;
    if t.get(at) != Some(&sep) {
        return None;
    }
    let at = at + 1 + space_after(sep, at + 1);
    let year = t[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    (year == 4 || (in_column && year == 2)).then_some((a, b))
}

/// What the values of one date column say about its order, gathered over the whole file.
#[derive(Debug, Clone, Default)]
pub struct OrderEvidence {
    /// The first line with a first number above 12 (only day-first reads it).
    pub day_first_at: Option<u64>,
    /// The first line with a second number above 12 (only month-first reads it).
    pub month_first_at: Option<u64>,
    /// Values that read differently in the two orders (both numbers 1-12, not equal).
    pub ambiguous: u64,
}

impl OrderEvidence {
    /// Takes one value of the column into account.
    pub fn observe(&mut self, text: &[u8], line: u64) {
        self.observe_pair(pair(text, true), line);
    }

    /// Takes into account a date written inside other text (strictly `a/b/yyyy`).
    pub fn observe_in_text(&mut self, text: &[u8], line: u64) {
        self.observe_pair(pair(text, false), line);
    }

    fn observe_pair(&mut self, pair: Option<(u32, u32)>, line: u64) {
        let Some((a, b)) = pair else {
            return;
        };
        if a > 12 {
            self.day_first_at.get_or_insert(line);
        } else if b > 12 {
            self.month_first_at.get_or_insert(line);
        } else if a != b {
            self.ambiguous += 1;
        }
    }

    /// The order the values settle, if they settle one (and only one).
    pub fn order(&self) -> Option<DateOrder> {
        match (self.day_first_at, self.month_first_at) {
            (Some(_), None) => Some(DateOrder::DayFirst),
            (None, Some(_)) => Some(DateOrder::MonthFirst),
            _ => None,
        }
    }

    /// Both orders were seen: the column mixes two ways of writing dates.
    pub fn conflicting(&self) -> bool {
        self.day_first_at.is_some() && self.month_first_at.is_some()
    }
}

/// True when the value reads differently day-first and month-first.
pub fn is_ambiguous(text: &[u8]) -> bool {
    leading_pair(text).is_some_and(|(a, b)| a <= 12 && b <= 12 && a != b)
}

/// True when the value writes the fraction of its seconds after a comma (`16:42:19,123`), as
/// the cultures whose decimal sign is a comma do.
pub fn has_comma_fraction(text: &[u8]) -> bool {
    numeric::comma_fraction_at(text).is_some()
}

/// Parses a timestamp of an export in the given order (`None`: month-first, or day-first
/// when month-first is impossible, as [`parse_export_time`]).
pub fn parse_with_order(text: &str, order: Option<DateOrder>) -> Option<KqlDateTime> {
    let t = export_spelling(text.trim());
    let t = t.as_ref();
    match order {
        Some(DateOrder::DayFirst) if leading_pair(t.as_bytes()).is_some() => {
            // Swap the first two numbers and read month-first.
            let sep_at = t.find(['/', '.', '-'])?;
            let sep = t[sep_at..].chars().next()?;
            let rest = &t[sep_at + 1..];
            let second_end = rest.find(sep)?;
            let swapped = format!(
                "{}{sep}{}{sep}{}",
                &rest[..second_end],
                &t[..sep_at],
                &rest[second_end + 1..]
            );
            parse_datetime_text(&swapped, false)
        }
        Some(DateOrder::MonthFirst) if leading_pair(t.as_bytes()).is_some() => {
            parse_datetime_text(t, false)
        }
        _ => parse_export_time(t),
    }
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
        // Other cultures' spellings (.NET's, in CSVs written on such machines).
        for (text, want) in [
            ("2024-11-05 4:42:19 p.m.", "2024-11-05T16:42:19.0000000Z"),
            ("11/5/2024 4:42:19 p. m.", "2024-11-05T16:42:19.0000000Z"),
            ("11/5/2024 9:05:00 a.m.", "2024-11-05T09:05:00.0000000Z"),
            ("2024. 11. 05. 16:42:19", "2024-11-05T16:42:19.0000000Z"),
            ("2024. 11. 5. 오후 4:42:19", "2024-11-05T16:42:19.0000000Z"),
            ("2024/11/05 午前 9:05:00", "2024-11-05T09:05:00.0000000Z"),
            ("2024.11.05 16:42", "2024-11-05T16:42:00.0000000Z"),
            // .NET's long patterns ("F"), the month a word.
            (
                "Tuesday, November 5, 2024 4:42:19 PM",
                "2024-11-05T16:42:19.0000000Z",
            ),
            (
                "Dienstag, 5. November 2024 16:42:19",
                "2024-11-05T16:42:19.0000000Z",
            ),
            (
                "martes, 5 de noviembre de 2024 4:42:19 p. m.",
                "2024-11-05T16:42:19.0000000Z",
            ),
        ] {
            assert_eq!(p(text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(p("2024. 13. 05. 16:42:19"), None);
        // A weekday that is not the date's own: not read (and so reported).
        assert_eq!(p("Monday, November 5, 2024 4:42:19 PM"), None);
        assert_eq!(p("p.m."), None);
        assert_eq!(p("yesterday"), None);
        assert_eq!(p(""), None);
    }

    #[test]
    fn one_order_per_column_from_all_values() {
        let mut e = OrderEvidence::default();
        e.observe(b"01/03/2024, 10:00:07.000 am", 2);
        e.observe(b"02/03/2024, 9:30:11.000 am", 3);
        assert_eq!((e.order(), e.ambiguous), (None, 2));
        e.observe(b"13/03/2024, 2:45:00.000 pm", 4);
        assert_eq!(e.order(), Some(DateOrder::DayFirst));
        e.observe(b"2024-03-14T10:00:00Z", 5);
        e.observe(b"03/03/2024 1:00 PM", 6);
        assert_eq!((e.ambiguous, e.conflicting()), (2, false));
        e.observe(b"3/14/2024 1:00 PM", 7);
        assert!(e.conflicting() && e.order().is_none());
        let day_first =
            |s| parse_with_order(s, Some(DateOrder::DayFirst)).map(|t| format_datetime(&t));
        assert_eq!(
            day_first("01/03/2024, 10:00:07.000 am").as_deref(),
            Some("2024-03-01T10:00:07.0000000Z")
        );
        assert_eq!(
            day_first("2024-03-01T10:00:07Z").as_deref(),
            Some("2024-03-01T10:00:07.0000000Z")
        );
        let month_first = parse_with_order("01/03/2024 10:00", Some(DateOrder::MonthFirst));
        assert_eq!(
            month_first.map(|t| format_datetime(&t)).as_deref(),
            Some("2024-01-03T10:00:00.0000000Z")
        );
        assert_eq!(leading_pair(b"2024-03-01"), None);
        assert_eq!(leading_pair(b"1.3.2024 10:00"), Some((1, 3)));
        // Other cultures' numeric dates: spaced dots (sk-SK), two-digit years.
        assert_eq!(leading_pair(b"5. 11. 2024 16:42:19"), Some((5, 11)));
        assert_eq!(leading_pair(b"05/11/24 16:42"), Some((5, 11)));
        // Inside other text only the strict form is a date: a version is none.
        assert_eq!(pair(b"1.2.10 build", false), None);
        assert_eq!(pair(b"5. 11. 2024", false), None);
        for (text, want) in [
            ("5. 11. 2024 16:42:19", "2024-11-05T16:42:19.0000000Z"),
            ("5.11.2024. 16:42:19", "2024-11-05T16:42:19.0000000Z"),
            ("5.11.2024 16.42.19", "2024-11-05T16:42:19.0000000Z"),
            ("05/11/24 16:42", "2024-11-05T16:42:00.0000000Z"),
        ] {
            assert_eq!(day_first(text).as_deref(), Some(want), "{text}");
        }
        assert!(!is_ambiguous(b"03/03/2024"));
    }
}
