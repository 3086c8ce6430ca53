//! The few fields of a record the related-events index keeps, read straight from its bytes.
//!
//! Every record of a file passes through here (most of them are not STS events and are
//! never parsed), so this looks up each field's key with a SIMD substring search instead of
//! parsing the record: a key is `"Name"` followed by `:` and a string, as JSON writes it, or
//! `\"Name\"` and `\"value\"` inside a JSON string (RawEventData in Log Analytics exports).
//! The first occurrence of a key wins; the keys are tried in the order each source kind's
//! schema places them. Records of the Entra audit and sign-in shapes, whose people are
//! nested objects, are parsed with serde_json instead (they are rare in large exports).

use std::borrow::Cow;
use std::sync::LazyLock;

use serde_json::Value;

use crate::dates::parse_export_time;
use crate::kql;

/// The fields of one record, borrowed from its bytes where they could be. Values are the
/// bytes as read (JSON escapes decoded): UTF-8 is checked once per distinct value when the
/// index keeps it (`ContextIndex::absorb`), not here for every record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    pub time: Option<i64>,
    pub operation: Cow<'a, [u8]>,
    pub actor: Cow<'a, [u8]>,
    pub target: Cow<'a, [u8]>,
    pub ip: Cow<'a, [u8]>,
    pub correlation: Cow<'a, [u8]>,
    pub result: Cow<'a, [u8]>,
}

impl Fields<'_> {
    /// operation, actor, target, ip, correlation, result as text (tests, messages).
    pub fn texts(&self) -> [String; 6] {
        [
            &self.operation,
            &self.actor,
            &self.target,
            &self.ip,
            &self.correlation,
            &self.result,
        ]
        .map(|v| String::from_utf8_lossy(v).into_owned())
    }
}

/// A string's bytes as a field value.
fn owned(s: String) -> Cow<'static, [u8]> {
    Cow::Owned(s.into_bytes())
}

/// The keys looked for, all in one multi-pattern search over a record (or a block of
/// JSON lines). A pattern is the key's opening quote and name: it matches `"Name"` and the
/// escaped `\"Name\"` alike; [`value_after`] reads what follows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
enum K {
    ActionType,
    OperationName,
    Operation,
    Timestamp,
    CreationTime,
    TimeGenerated,
    UserId,
    UserPrincipalName,
    IpAddress,
    ClientIp,
    ActorIp,
    Workload,
    ObjectId,
    InterSystemsId,
    CorrelationId,
    ResultStatus,
    /// `initiatedBy` / `userPrincipalName`: an Entra record, parsed whole.
    Entra,
}

const SLOTS: usize = K::Entra as usize + 1;

/// Longer names before their prefixes (`OperationName` before `Operation`): the search
/// reports the leftmost match, and among those the first pattern listed.
const PATTERNS: [(&str, K); 19] = [
    ("\"ActionType", K::ActionType),
    ("\"OperationName", K::OperationName),
    ("\"Operation", K::Operation),
    ("\"Timestamp", K::Timestamp),
    ("\"CreationTime", K::CreationTime),
    ("\"TimeGenerated", K::TimeGenerated),
    ("\"UserId", K::UserId),
    ("\"UserPrincipalName", K::UserPrincipalName),
    ("\"IPAddress", K::IpAddress),
    ("\"ClientIP", K::ClientIp),
    ("\"ActorIpAddress", K::ActorIp),
    ("\"Workload", K::Workload),
    ("\"ObjectId", K::ObjectId),
    ("\"InterSystemsId", K::InterSystemsId),
    ("\"CorrelationId", K::CorrelationId),
    ("\"ResultStatus", K::ResultStatus),
    ("\"initiatedBy", K::Entra),
    ("\"InitiatedBy", K::Entra),
    ("\"userPrincipalName", K::Entra),
];

enum Search {
    Teddy(aho_corasick::packed::Searcher),
    Plain(aho_corasick::AhoCorasick),
}

static SEARCH: LazyLock<Option<Search>> = LazyLock::new(|| {
    let patterns = PATTERNS.iter().map(|(p, _)| *p);
    if let Some(t) = aho_corasick::packed::Config::new()
        .builder()
        .extend(patterns.clone())
        .build()
    {
        return Some(Search::Teddy(t));
    }
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(patterns)
        .ok()
        .map(Search::Plain)
});

/// Every key match in `bytes`: (start, end, pattern index), in order.
fn for_each_match(bytes: &[u8], mut f: impl FnMut(usize, usize, usize)) {
    let mut at = 0;
    while let Some((start, end, pattern)) = find_from(bytes, at) {
        f(start, end, pattern);
        at = end;
    }
}

/// The first key match in `bytes[from..]`: (start, end, pattern index).
fn find_from(bytes: &[u8], from: usize) -> Option<(usize, usize, usize)> {
    let span = aho_corasick::Span::from(from..bytes.len());
    let m = match SEARCH.as_ref()? {
        Search::Teddy(t) => t.find_in(bytes, span)?,
        Search::Plain(a) => a.find(aho_corasick::Input::new(bytes).span(span))?,
    };
    Some((m.start(), m.end(), m.pattern().as_usize()))
}

/// The first value of each key in one record.
struct Slots<'a> {
    values: [Option<Cow<'a, [u8]>>; SLOTS],
    entra: bool,
}

impl<'a> Slots<'a> {
    fn new() -> Self {
        Self {
            values: Default::default(),
            entra: false,
        }
    }

    fn hit(&mut self, bytes: &'a [u8], end: usize, pattern: usize) {
        let Some(&(_, k)) = PATTERNS.get(pattern) else {
            return;
        };
        if k == K::Entra {
            self.entra = true;
            return;
        }
        let slot = &mut self.values[k as usize];
        if slot.is_none() {
            *slot = value_after(bytes, end);
        }
    }

    fn has(&self, k: K) -> bool {
        self.values[k as usize]
            .as_ref()
            .is_some_and(|v| !v.is_empty())
    }

    /// True when nothing later in the record can change its fields: the first-choice key of
    /// each field has a value (a CloudAppEvents row: `ActionType`, `Timestamp`, `IPAddress`,
    /// then RawEventData's `UserId` and `ResultStatus`), and its `Workload` is not the
    /// directory's, so target and correlation are not read. Most rows of a large export
    /// (mail and file activity) end here, half-way through their bytes.
    fn settled(&self) -> bool {
        !self.entra
            && self.has(K::ActionType)
            && self.has(K::Timestamp)
            && self.has(K::IpAddress)
            && self.has(K::UserId)
            && self.has(K::ResultStatus)
            && self.values[K::Workload as usize]
                .as_ref()
                .is_some_and(|w| !w.is_empty() && **w != *DIRECTORY)
    }

    fn take(&mut self, k: K) -> Cow<'a, [u8]> {
        self.values[k as usize].take().unwrap_or_default()
    }

    fn first(&mut self, keys: &[K]) -> Cow<'a, [u8]> {
        for &k in keys {
            let v = self.take(k);
            if !v.is_empty() {
                return v;
            }
        }
        Cow::Borrowed(b"")
    }

    /// The record's fields; `record` is its bytes, parsed whole when it is an Entra record.
    fn fields(mut self, record: &'a [u8]) -> Fields<'a> {
        if self.entra {
            return parsed(record).unwrap_or_default();
        }
        let operation = self.first(&[K::ActionType, K::Operation, K::OperationName]);
        let time = self.first(&[K::Timestamp, K::CreationTime, K::TimeGenerated]);
        let actor = self.first(&[K::UserId, K::UserPrincipalName]);
        let ip = self.first(&[K::IpAddress, K::ClientIp, K::ActorIp]);
        // Target and correlation only where they mean something: directory (Azure AD)
        // records. Mail and file records have no correlation id, and their ObjectId is a
        // file or an item.
        let workload = self.take(K::Workload);
        let directory = workload.is_empty() || *workload == *DIRECTORY;
        let (target, correlation) = if directory {
            (
                self.take(K::ObjectId),
                self.first(&[K::InterSystemsId, K::CorrelationId]),
            )
        } else {
            (Cow::Borrowed(&b""[..]), Cow::Borrowed(&b""[..]))
        };
        Fields {
            time: time_of(&time),
            operation,
            actor,
            target,
            ip,
            correlation,
            result: self.take(K::ResultStatus),
        }
    }
}

/// The fields of each JSON line of a block that has any: `each(line index from 0, byte
/// offset of the line's start in `region`, fields)`. A line's search stops once its fields
/// are settled (see `Slots::settled`).
pub fn json_lines<'a>(region: &'a [u8], mut each: impl FnMut(u64, usize, Fields<'a>)) {
    let line_end_from =
        |at: usize| memchr::memchr(b'\n', &region[at..]).map_or(region.len(), |i| at + i);
    // Lines before `counted` are counted in `line_index` (the line starting there).
    let mut counted = 0;
    let mut line_index = 0u64;
    let mut next = find_from(region, 0);
    while let Some((start, end, pattern)) = next {
        let between = &region[counted..start];
        line_index += bytecount::count(between, b'\n') as u64;
        let line_start = memchr::memrchr(b'\n', between).map_or(counted, |i| counted + i + 1);
        let line_end = line_end_from(start);
        let mut slots = Slots::new();
        slots.hit(region, end, pattern);
        next = find_from(region, end);
        while let Some((_, e, p)) = next.filter(|m| m.0 < line_end) {
            if slots.settled() {
                next = find_from(region, line_end);
                break;
            }
            slots.hit(region, e, p);
            next = find_from(region, e);
        }
        each(
            line_index,
            line_start,
            slots.fields(&region[line_start..line_end]),
        );
        counted = (line_end + 1).min(region.len());
        line_index += 1;
        if next.is_some_and(|m| m.0 < counted) {
            next = find_from(region, counted);
        }
    }
}

/// The `Workload` of Azure AD (directory) records.
const DIRECTORY: &[u8] = b"AzureActiveDirectory";

/// Reads `"` or `\"`, blanks, `:`, blanks, then a string value (plain or escaped quotes):
/// its bytes, JSON escapes decoded (a value that cannot be decoded is empty).
fn value_after(bytes: &[u8], mut i: usize) -> Option<Cow<'_, [u8]>> {
    let escaped = match bytes.get(i)? {
        b'"' => false,
        b'\\' if bytes.get(i + 1) == Some(&b'"') => {
            i += 1;
            true
        }
        _ => return None,
    };
    i += 1;
    while bytes.get(i)?.is_ascii_whitespace() {
        i += 1;
    }
    if *bytes.get(i)? != b':' {
        return None;
    }
    i += 1;
    while bytes.get(i)?.is_ascii_whitespace() {
        i += 1;
    }
    if escaped {
        if bytes.get(i..i + 2)? != b"\\\"" {
            return Some(Cow::Borrowed(b""));
        }
        let start = i + 2;
        let len = memchr::memmem::find(&bytes[start..], b"\\\"")?;
        return Some(Cow::Borrowed(&bytes[start..start + len]));
    }
    if *bytes.get(i)? != b'"' {
        // null, a number: no string value.
        return Some(Cow::Borrowed(b""));
    }
    let start = i + 1;
    let mut j = start;
    loop {
        let k = memchr::memchr2(b'"', b'\\', &bytes[j..])? + j;
        if bytes[k] == b'"' {
            if j == start {
                // No escape: the bytes as they are.
                return Some(Cow::Borrowed(&bytes[start..k]));
            }
            let decoded = serde_json::from_slice::<String>(&bytes[start - 1..=k]);
            return Some(Cow::Owned(decoded.unwrap_or_default().into_bytes()));
        }
        j = k + 2;
        if j > bytes.len() {
            return None;
        }
    }
}

/// 100 ns ticks (as `kql::ticks`) of an export's time: ISO 8601 in UTC read directly
/// (`2024-03-01T10:00:07`, with up to 7 fraction digits and `Z`), anything else through
/// `parse_export_time`.
fn time_of(text: &[u8]) -> Option<i64> {
    iso_ticks(text).or_else(|| {
        let t = parse_export_time(std::str::from_utf8(text).ok()?)?;
        Some(kql::ticks(&t))
    })
}

fn iso_ticks(b: &[u8]) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0i64, |a, &c| {
            c.is_ascii_digit().then(|| a * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut frac = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let mut digits = 0;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            if digits < 7 {
                frac = frac * 10 + i64::from(c - b'0');
                digits += 1;
            }
            i += 1;
        }
        frac *= 10i64.pow(7 - digits);
    }
    match &b[i..] {
        b"" | b"Z" | b"+00:00" => {}
        _ => return None,
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_days || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let seconds = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Some(seconds * 10_000_000 + frac)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`):
/// every record's time is read, and this is a few multiplications where a calendar type
/// validates and converts in several steps.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The fields of a JSON record (a JSON line, a document's element, a CSV AuditData cell).
pub fn json_record(bytes: &[u8]) -> Fields<'_> {
    let mut slots = Slots::new();
    for_each_match(bytes, |_, end, pattern| slots.hit(bytes, end, pattern));
    slots.fields(bytes)
}

/// An Entra audit record (or a sign-in record) parsed whole.
fn parsed(bytes: &[u8]) -> Option<Fields<'static>> {
    let value = crate::json_depth::parse_value(std::str::from_utf8(bytes).ok()?).ok()?;
    Some(from_value(&value))
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => kql::tostring(Some(other)),
    }
}

/// A field by any of its names (ASCII case ignored), a dynamic written as JSON text parsed.
fn get(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<Value> {
    names.iter().find_map(|n| {
        let v = obj
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(n) && !v.is_null())
            .map(|(_, v)| v)?;
        Some(match v {
            Value::String(s) if s.starts_with(['{', '[']) => {
                crate::json_depth::parse_value(s).unwrap_or_else(|_| v.clone())
            }
            other => other.clone(),
        })
    })
}

/// The fields of a parsed record of any shape (Entra audit and sign-in records above all).
pub fn from_value(value: &Value) -> Fields<'static> {
    let Some(mut obj) = value.as_object() else {
        return Fields::default();
    };
    let props;
    if let Some(Value::Object(p)) = obj.get("properties") {
        props = p;
        obj = props;
    }
    let s = |names: &[&str]| get(obj, names).map(|v| text(Some(&v))).unwrap_or_default();
    let initiated = get(obj, &["initiatedBy"]).unwrap_or(Value::Null);
    let targets = get(obj, &["targetResources"]).unwrap_or(Value::Null);
    let parties = super::parties::entra(&targets, &initiated, s(&["correlationId"]));
    let user = kql::property(Some(&initiated), "user");
    let app = kql::property(Some(&initiated), "app");
    let mut ip = text(kql::property(user, "ipAddress"));
    if ip.is_empty() {
        ip = text(kql::property(app, "ipAddress"));
    }
    if ip.is_empty() {
        ip = s(&["IPAddress", "ClientIP", "ActorIpAddress"]);
    }
    // Entra diagnostic settings write an unknown address as the text `<null>` (the rule reads
    // it as ""): no address, so no sign-in is "from another address" than this record.
    if ip == "<null>" {
        ip.clear();
    }
    let mut actor = parties.actor;
    if actor.is_empty() {
        actor = s(&["userPrincipalName", "UserId"]);
    }
    let mut operation = s(&[
        "activityDisplayName",
        "OperationName",
        "ActionType",
        "Operation",
    ]);
    if operation.is_empty() && get(obj, &["appDisplayName"]).is_some() {
        operation = "Sign-in activity".to_owned();
    }
    let status = get(obj, &["status"]);
    let mut result = s(&["result", "ResultStatus", "ResultType"]);
    if result.is_empty()
        && let Some(code) = kql::property(status.as_ref(), "errorCode")
    {
        result = if text(Some(code)) == "0" {
            "success".to_owned()
        } else {
            format!("failure {}", text(Some(code)))
        };
    }
    let time = s(&[
        "activityDateTime",
        "createdDateTime",
        "TimeGenerated",
        "CreationTime",
        "Timestamp",
    ]);
    Fields {
        time: time_of(time.as_bytes()),
        operation: owned(operation),
        actor: owned(actor),
        target: owned(parties.target),
        ip: owned(ip),
        correlation: owned(parties.correlation),
        result: owned(result),
    }
}

/// Where a CSV file's columns are: found once from its header.
#[derive(Debug, Clone)]
pub struct CsvColumns {
    json: Option<usize>,
    time: Option<usize>,
    operation: Option<usize>,
    actor: Option<usize>,
    ip: Option<usize>,
    correlation: Option<usize>,
    result: Option<usize>,
    /// An Entra audit CSV (InitiatedBy / TargetResources columns): rows parsed whole.
    entra: bool,
}

impl CsvColumns {
    pub fn new(headers: &[String]) -> Self {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
        };
        Self {
            json: find(&["AuditData", "RawEventData"]),
            time: find(&[
                "CreationDate",
                "CreationTime",
                "Timestamp",
                "TimeGenerated",
                "activityDateTime",
            ]),
            operation: find(&[
                "Operation",
                "Operations",
                "ActionType",
                "OperationName",
                "activityDisplayName",
            ]),
            actor: find(&["UserId", "UserIds", "UserPrincipalName"]),
            ip: find(&["IPAddress", "ClientIP"]),
            correlation: find(&["CorrelationId"]),
            result: find(&["ResultStatus", "Result"]),
            entra: find(&["InitiatedBy"]).is_some() || find(&["TargetResources"]).is_some(),
        }
    }

    /// The fields of one row: the JSON cell's first, the named columns where it has none.
    pub fn row<'a>(&self, headers: &[String], record: &'a csv::ByteRecord) -> Fields<'a> {
        let cell = |i: Option<usize>| -> Cow<'a, [u8]> {
            i.and_then(|i| record.get(i))
                .map(|b| Cow::Borrowed(b.strip_suffix(b"\r").unwrap_or(b)))
                .unwrap_or_default()
        };
        if self.entra {
            let map: serde_json::Map<String, Value> = headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let text = String::from_utf8_lossy(&cell(Some(i))).into_owned();
                    (h.clone(), Value::String(text))
                })
                .collect();
            return from_value(&Value::Object(map));
        }
        let mut f = match self.json.and_then(|i| record.get(i)) {
            Some(b) if b.trim_ascii_start().first() == Some(&b'{') => json_record(b),
            _ => Fields::default(),
        };
        let fill = |field: &mut Cow<'a, [u8]>, i: Option<usize>| {
            if field.is_empty() {
                *field = cell(i);
            }
        };
        fill(&mut f.operation, self.operation);
        fill(&mut f.actor, self.actor);
        fill(&mut f.ip, self.ip);
        fill(&mut f.correlation, self.correlation);
        fill(&mut f.result, self.result);
        if let Some(t) = self.time.map(|i| cell(Some(i))) {
            // The row's own time column is the export's (UTC) time: it wins.
            if let Some(t) = time_of(&t) {
                f.time = Some(t);
            }
        }
        f
    }
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
