//! `todatetime(string)`: the date and time formats Kusto reads.
//!
//! Rules from the Kusto documentation pages "todatetime()"
//! (<https://learn.microsoft.com/kusto/query/todatetime-function>) and "The datetime data type"
//! (<https://learn.microsoft.com/kusto/query/scalar-data-types/datetime>, "Supported formats");
//! the US forms are those the Kusto emulator accepts (written next to the code).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::KqlDateTime;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// `todatetime(string)`: the formats Kusto documents (ISO 8601, RFC 822, RFC 850, sortable)
/// and the US forms the Kusto emulator accepts (`12-02-2022`, `12/02/2022`, `Dec 2, 2022`,
/// `2 Dec 2022`, `20221202`, `2022/12/02`), with an optional `AM`/`PM` time. Offsets are
/// converted to UTC. Anything else, including surrounding white space, is null.
pub fn todatetime(text: &str) -> Option<KqlDateTime> {
    if text.is_empty() || text.trim() != text {
        return None;
    }
    parse_datetime_text(text, false)
}

/// The lenient parser behind [`todatetime`], also used for export timestamp columns
/// (which may carry trailing white space and day-first locale styles; see `dates.rs`).
pub(crate) fn parse_datetime_text(text: &str, day_first_fallback: bool) -> Option<KqlDateTime> {
    let mut tokens = Tokens::new(text);
    let date = parse_date_part(&mut tokens, day_first_fallback)?;
    let (time, offset_minutes) = parse_time_part(&mut tokens)?;
    if !tokens.at_end() {
        return None;
    }
    let naive = NaiveDateTime::new(date, time);
    let utc = naive
        .checked_sub_signed(chrono::Duration::minutes(i64::from(offset_minutes)))?
        .and_utc();
    // Kusto's datetime range is 0001-01-01 to 9999-12-31: outside it (year 0, or a zone
    // that moves the instant past either end) the value is null, as it would not print
    // and read back.
    (1..=9999).contains(&utc.year()).then_some(utc)
}

/// A tiny cursor over the characters of a date string.
struct Tokens<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Self {
        Self { s, pos: 0 }
    }
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn skip_spaces(&mut self) -> bool {
        let start = self.pos;
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
        self.pos > start
    }
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let bytes = self.rest().as_bytes();
        let n = bytes
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let v = self.rest()[..n].parse().ok()?;
        self.pos += n;
        Some((v, n))
    }
    fn word(&mut self) -> Option<&'a str> {
        let n = self
            .rest()
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        if n == 0 {
            return None;
        }
        let w = &self.rest()[..n];
        self.pos += n;
        Some(w)
    }
}

fn month_from_name(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn is_weekday(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.len() >= 3 && WEEKDAYS.iter().any(|d| d.starts_with(&lower))
}

fn two_digit_year(y: u32, digits: usize) -> i32 {
    let y = i32::try_from(y).unwrap_or(0);
    if digits == 2 {
        // .NET's default two-digit-year window (2029 cut-over).
        if y < 30 { 2000 + y } else { 1900 + y }
    } else {
        y
    }
}

/// Parses the date. `day_first_fallback` reads `13/03/2024` as 13 March (an export's
/// locale style); Kusto's own `todatetime` gives null there.
fn parse_date_part(t: &mut Tokens, day_first_fallback: bool) -> Option<NaiveDate> {
    // Optional weekday ("Sat," / "Saturday,").
    let save = t.pos;
    if let Some(w) = t.word() {
        if is_weekday(w) {
            t.eat(b',');
            t.skip_spaces();
        } else if let Some(month) = month_from_name(w) {
            // "Dec 29, 2025" / "Dec 2, 2022"
            t.skip_spaces();
            let (day, _) = t.digits(1, 2)?;
            t.eat(b',');
            t.skip_spaces();
            let (y, n) = t.digits(2, 4)?;
            let date = NaiveDate::from_ymd_opt(two_digit_year(y, n), month, day)?;
            return Some(date);
        } else {
            t.pos = save;
            return None;
        }
    }
    let (first, first_len) = t.digits(1, 8)?;
    if first_len == 8 {
        // 20221202
        let y = i32::try_from(first / 10000).ok()?;
        let date = NaiveDate::from_ymd_opt(y, (first / 100) % 100, first % 100)?;
        return Some(date);
    }
    match t.peek() {
        Some(sep @ (b'-' | b'/' | b'.')) if first_len == 4 => {
            // 2014-11-08, 2022/12/02
            t.pos += 1;
            let (m, _) = t.digits(1, 2)?;
            if !t.eat(sep) {
                return None;
            }
            let (d, _) = t.digits(1, 2)?;
            let date = NaiveDate::from_ymd_opt(i32::try_from(first).ok()?, m, d)?;
            Some(date)
        }
        Some(sep @ (b'-' | b'/' | b'.')) => {
            t.pos += 1;
            if let Some(w) = t.word() {
                // RFC 850: 08-Nov-14
                let month = month_from_name(w)?;
                if !t.eat(sep) {
                    return None;
                }
                let (y, n) = t.digits(2, 4)?;
                let date = NaiveDate::from_ymd_opt(two_digit_year(y, n), month, first)?;
                return Some(date);
            }
            // US month-first: 12-02-2022, 9/20/2023.
            let (second, _) = t.digits(1, 2)?;
            if !t.eat(sep) {
                return None;
            }
            let (y, n) = t.digits(2, 4)?;
            let year = two_digit_year(y, n);
            let date = NaiveDate::from_ymd_opt(year, first, second).or_else(|| {
                day_first_fallback
                    .then(|| NaiveDate::from_ymd_opt(year, second, first))
                    .flatten()
            })?;
            Some(date)
        }
        Some(b' ') => {
            // RFC 822: 8 Nov 14 / 2 Dec 2022
            t.skip_spaces();
            let month = month_from_name(t.word()?)?;
            t.skip_spaces();
            let (y, n) = t.digits(2, 4)?;
            let date = NaiveDate::from_ymd_opt(two_digit_year(y, n), month, first)?;
            Some(date)
        }
        _ => None,
    }
}

/// Parses an optional time with fraction, AM/PM and zone; returns the time and the offset
/// of the zone in minutes east of UTC.
fn parse_time_part(t: &mut Tokens) -> Option<(NaiveTime, i32)> {
    if t.at_end() {
        return Some((NaiveTime::MIN, 0));
    }
    // Separator between date and time: 'T', ' ', ', '.
    if !(t.eat(b'T') || t.eat(b't')) {
        t.eat(b',');
        if !t.skip_spaces() {
            return None;
        }
    }
    let (mut hour, _) = t.digits(1, 2)?;
    if !t.eat(b':') {
        return None;
    }
    let (minute, _) = t.digits(2, 2)?;
    let mut second = 0;
    let mut nanos = 0;
    if t.eat(b':') {
        second = t.digits(2, 2)?.0;
        if t.eat(b'.') {
            let start = t.pos;
            let n = t.rest().bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            // Kusto keeps 100 ns ticks: digits past the seventh are truncated.
            let digits = &t.s[start..start + n.min(9)];
            t.pos += n;
            let mut padded = digits.to_owned();
            while padded.len() < 9 {
                padded.push('0');
            }
            let ns: u32 = padded.parse().ok()?;
            nanos = ns - ns % 100;
        }
    }
    let mut offset = 0i32;
    // AM / PM
    let save = t.pos;
    t.skip_spaces();
    if let Some(w) = t.word() {
        let lower = w.to_ascii_lowercase();
        match lower.as_str() {
            "am" | "pm" => {
                if hour == 0 || hour > 12 {
                    return None;
                }
                hour %= 12;
                if lower == "pm" {
                    hour += 12;
                }
            }
            "gmt" | "utc" | "z" => {}
            _ => return None,
        }
    } else {
        t.pos = save;
    }
    // Zone: Z, GMT/UTC, ±HH:MM, ±HHMM, ±HH.
    let save = t.pos;
    t.skip_spaces();
    if t.eat(b'Z') || t.eat(b'z') {
    } else if let Some(sign @ (b'+' | b'-')) = t.peek() {
        t.pos += 1;
        let (h, n) = t.digits(2, 4)?;
        let (oh, om) = if n == 4 {
            (h / 100, h % 100)
        } else if t.eat(b':') {
            (h, t.digits(2, 2)?.0)
        } else {
            (h, 0)
        };
        if oh > 14 || om > 59 {
            return None;
        }
        let minutes = i32::try_from(oh * 60 + om).ok()?;
        offset = if sign == b'+' { minutes } else { -minutes };
    } else if let Some(w) = t.word() {
        if !(w.eq_ignore_ascii_case("gmt") || w.eq_ignore_ascii_case("utc")) {
            return None;
        }
    } else {
        t.pos = save;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    Some((time, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::format_datetime;

    fn dt(s: &str) -> Option<KqlDateTime> {
        todatetime(s)
    }

    #[test]
    fn todatetime_offsets_and_us_forms() {
        assert_eq!(
            dt("2022-12-02T13:45:56+02:00").map(|t| format_datetime(&t)),
            Some("2022-12-02T11:45:56.0000000Z".into())
        );
        assert_eq!(
            dt("12-02-2022").map(|t| format_datetime(&t)),
            Some("2022-12-02T00:00:00.0000000Z".into())
        );
        assert_eq!(dt("13-01-2022"), None);
        assert_eq!(
            parse_datetime_text("13/03/2024, 3:40:13.988 pm", true).map(|t| format_datetime(&t)),
            Some("2024-03-13T15:40:13.9880000Z".into())
        );
        assert_eq!(dt(" 2022-12-02"), None);
        // Outside Kusto's range (found by fuzzing: it printed as "-0001-12-31…").
        assert_eq!(dt("0000-01-01T00:30:00+01:00"), None);
        assert_eq!(dt("0000-06-01"), None);
        assert_eq!(dt("9999-12-31T23:30:00-01:00"), None);
        assert!(dt("0001-01-01T00:00:00Z").is_some());
        assert_eq!(
            dt("9/20/2023 4:05:03 PM").map(|t| format_datetime(&t)),
            Some("2023-09-20T16:05:03.0000000Z".into())
        );
        assert_eq!(
            dt("Dec 29, 2025 12:10:57 PM").map(|t| format_datetime(&t)),
            Some("2025-12-29T12:10:57.0000000Z".into())
        );
    }
}
