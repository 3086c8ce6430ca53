//! The few Kusto (KQL) functions the hunting query uses, with Kusto's documented semantics.
//!
//! Every function here is tested against the documentation's own vectors
//! (`shared/reference/kql-vectors.json`, copied into `tests/kql_vectors.rs`). Where the
//! documentation is silent the choice is written next to the code and in README.md.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde_json::Value;

/// A Kusto `datetime`: UTC, 100-nanosecond ticks (finer digits are truncated).
pub type KqlDateTime = DateTime<Utc>;

/// `==` between a dynamic value and a string literal: true only for a JSON string that is
/// byte-for-byte equal. A null (missing) value gives false, as does any other JSON type
/// (numbers, bags: the documentation is silent; no engine tested matches them).
pub fn dynamic_eq_str(value: Option<&Value>, literal: &str) -> bool {
    matches!(value, Some(Value::String(s)) if s == literal)
}

/// `=~`: equality ignoring ASCII case (Kusto documents case-insensitive operators for ASCII).
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// A term character: ASCII letter or digit. `_`, punctuation, white space and every
/// non-ASCII character separate terms (documented choice: the docs said "ASCII" until 2023).
fn is_term_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The terms of a string: maximal runs of ASCII letters and digits, in order.
pub fn terms(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (is_term_byte(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// `has` with a needle that is one whole term (letters and digits only): true when some
/// term of `haystack` equals `needle`, ignoring ASCII case.
pub fn has_term(haystack: &str, needle: &str) -> bool {
    find_term(haystack, needle).is_some()
}

/// Byte offset of the first term of `haystack` equal to `needle` (ASCII case-insensitive).
pub fn find_term(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    let mut i = 0;
    while i + n.len() <= h.len() {
        // Jump to the next place the needle's first letter (either case) stands.
        i += memchr::memchr2(lower, upper, &h[i..=h.len() - n.len()])?;
        // Only a position that starts a term can match.
        if (i == 0 || !is_term_byte(h[i - 1])) && h[i..i + n.len()].eq_ignore_ascii_case(n) {
            let end = i + n.len();
            if end == h.len() || !is_term_byte(h[end]) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// `has` for a general right-hand side (a phrase): the needle must occur (ignoring case)
/// with a term boundary at each of its edges that is itself a term character.
pub fn has(haystack: &str, needle: &str) -> bool {
    has_phrase(haystack, needle, false)
}

/// `has_cs`: as `has`, case-sensitive.
pub fn has_cs(haystack: &str, needle: &str) -> bool {
    has_phrase(haystack, needle, true)
}

fn has_phrase(haystack: &str, needle: &str, case_sensitive: bool) -> bool {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    let first_is_term = is_term_byte(n[0]);
    let last_is_term = is_term_byte(n[n.len() - 1]);
    (0..=h.len() - n.len()).any(|i| {
        let window = &h[i..i + n.len()];
        let equal = if case_sensitive {
            window == n
        } else {
            window.eq_ignore_ascii_case(n)
        };
        equal
            && (!first_is_term || i == 0 || !is_term_byte(h[i - 1]))
            && (!last_is_term || i + n.len() == h.len() || !is_term_byte(h[i + n.len()]))
    })
}

/// `hasprefix`: some term starts with the needle (ignoring case).
pub fn hasprefix(haystack: &str, needle: &str) -> bool {
    let n = needle.to_ascii_lowercase();
    terms(haystack)
        .iter()
        .any(|t| t.to_ascii_lowercase().starts_with(&n))
}

/// `hassuffix`: some term ends with the needle (ignoring case).
pub fn hassuffix(haystack: &str, needle: &str) -> bool {
    let n = needle.to_ascii_lowercase();
    terms(haystack)
        .iter()
        .any(|t| t.to_ascii_lowercase().ends_with(&n))
}

/// `contains`: substring, ignoring ASCII case.
pub fn contains(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
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

/// `a == b` with Kusto's null rules: two nulls give null, one null gives false.
pub fn scalar_eq(a: &Value, b: &Value) -> Option<bool> {
    match (a.is_null(), b.is_null()) {
        (true, true) => None,
        (true, false) | (false, true) => Some(false),
        _ => Some(a == b),
    }
}

/// `a != b`: two nulls give null, one null gives true.
pub fn scalar_ne(a: &Value, b: &Value) -> Option<bool> {
    scalar_eq(a, b)
        .map(|x| !x)
        .or(if a.is_null() && b.is_null() {
            None
        } else {
            Some(true)
        })
}

/// `a > b` on numbers: null when either side is null.
pub fn scalar_gt(a: &Value, b: &Value) -> Option<bool> {
    Some(a.as_f64()? > b.as_f64()?)
}

/// `a + b` on integers: null is sticky.
pub fn scalar_add(a: &Value, b: &Value) -> Option<i64> {
    a.as_i64()?.checked_add(b.as_i64()?)
}

/// `where`: a null predicate drops the row like false.
pub fn where_keeps(predicate: Option<bool>) -> bool {
    predicate == Some(true)
}

/// `parse_json(string)`: the parsed value, or (for text that is not JSON) the string itself
/// as a dynamic string, as the documentation says.
pub fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
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
    let parsed = parse_json(&tostring(value));
    todatetime_dynamic(index(Some(&parsed), 0))
}

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

/// The periods `datetime_diff` accepts (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl Period {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "year" => Self::Year,
            "quarter" => Self::Quarter,
            "month" => Self::Month,
            "week" => Self::Week,
            "day" => Self::Day,
            "hour" => Self::Hour,
            "minute" => Self::Minute,
            "second" => Self::Second,
            "millisecond" => Self::Millisecond,
            "microsecond" => Self::Microsecond,
            "nanosecond" => Self::Nanosecond,
            _ => return None,
        })
    }
}

/// 100-ns ticks since the Unix epoch.
pub fn ticks(t: &KqlDateTime) -> i64 {
    t.timestamp() * 10_000_000 + i64::from(t.timestamp_subsec_nanos() / 100)
}

/// `datetime_diff(period, a, b)`: the number of period boundaries between b and a
/// (truncate both to the period, then subtract), null if either side is null.
/// Weeks start on Sunday.
pub fn datetime_diff(
    period: Period,
    a: Option<KqlDateTime>,
    b: Option<KqlDateTime>,
) -> Option<i64> {
    let (a, b) = (a?, b?);
    let floor = |t: &KqlDateTime, unit: i64| ticks(t).div_euclid(unit);
    let months = |t: &KqlDateTime| i64::from(t.year()) * 12 + i64::from(t.month0());
    Some(match period {
        Period::Year => i64::from(a.year()) - i64::from(b.year()),
        Period::Quarter => months(&a).div_euclid(3) - months(&b).div_euclid(3),
        Period::Month => months(&a) - months(&b),
        Period::Week => {
            // 1970-01-04 was a Sunday: count Sundays crossed.
            let day = 864_000_000_000i64;
            let sunday = 3 * day;
            (ticks(&a) - sunday).div_euclid(7 * day) - (ticks(&b) - sunday).div_euclid(7 * day)
        }
        Period::Day => floor(&a, 864_000_000_000) - floor(&b, 864_000_000_000),
        Period::Hour => floor(&a, 36_000_000_000) - floor(&b, 36_000_000_000),
        Period::Minute => floor(&a, 600_000_000) - floor(&b, 600_000_000),
        Period::Second => floor(&a, 10_000_000) - floor(&b, 10_000_000),
        Period::Millisecond => floor(&a, 10_000) - floor(&b, 10_000),
        Period::Microsecond => floor(&a, 10) - floor(&b, 10),
        Period::Nanosecond => (ticks(&a) - ticks(&b)) * 100,
    })
}

/// Minutes between two datetimes as the query counts them.
pub fn minutes_between(a: Option<KqlDateTime>, b: Option<KqlDateTime>) -> Option<i64> {
    datetime_diff(Period::Minute, a, b)
}

/// Formats a datetime the way Kusto prints it: `2020-12-14T10:02:26.0000000Z`.
pub fn format_datetime(t: &KqlDateTime) -> String {
    format!(
        "{}.{:07}Z",
        t.format("%Y-%m-%dT%H:%M:%S"),
        t.nanosecond() / 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> Option<KqlDateTime> {
        todatetime(s)
    }

    #[test]
    fn minute_boundaries_not_elapsed_time() {
        let a = dt("2017-10-30T23:05:01Z");
        let b = dt("2017-10-30T23:00:59Z");
        assert_eq!(minutes_between(a, b), Some(5));
        assert_eq!(minutes_between(b, a), Some(-5));
        assert_eq!(
            minutes_between(
                dt("2020-01-01T10:01:00Z"),
                dt("2020-01-01T10:00:59.9999999Z")
            ),
            Some(1)
        );
        assert_eq!(minutes_between(None, b), None);
    }

    #[test]
    fn has_is_a_whole_term_test() {
        assert!(has_term("Sync_DirectorySync", "Directorysync"));
        assert!(has_term("DirectorySync.", "Directorysync"));
        assert!(!has_term("xDirectorysyncY", "Directorysync"));
        assert!(!has_term("Directorysync1", "Directorysync"));
        assert!(has_term("éDirectorySync", "Directorysync"));
        assert!(!has_term("", "Directorysync"));
    }

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
