//! The dates of a CSV export, settled once per file and column, never row by row:
//! - day-first or month-first from all the column's values (a first number above 12 settles
//!   day-first, a second above 12 month-first); where every value reads both ways, the
//!   record's own UTC `CreationTime` (RawEventData or AuditData) settles it; else the
//!   file's other date texts written the same way (`dd/mm/yyyy` with the column's
//!   separator: the StsRefreshTokensValidFrom OldValue/NewValue inside the JSON cell, a
//!   date in any other cell) settle day-first when one of them can only be read so (a
//!   first number above 12) and none only month-first; dates written with dots
//!   (`dd.mm.yyyy`) are day-first, as every culture that writes them reads them, and so are
//!   dates whose seconds' fraction follows a comma (`16:42:19,123`); where
//!   nothing settles it, the file says so and month-first is used;
//! - local time (a `[Local Time]` header, or a constant offset against `CreationTime`) is
//!   converted to UTC, and the offset is said per file; a header naming its offset
//!   (`[UTC+01:00]`, `(UTC+01:00)`, `[GMT+1]`) gives it where no CreationTime does, and is
//!   checked against CreationTime where one does (a header that disagrees, or names an
//!   offset no zone has, is said).
//!
//! The STS rows whose time depends on that decision wait until the end of the file (at most
//! [`MAX_WAITING`] of them; then the decision is taken on what was seen so far).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::csvcalendar::CalendarNotes;
use super::csvfile::Zone;
use super::json::Ctx;
use super::wrapped::leading_string_field;
use crate::dates::{
    DateOrder, OrderEvidence, has_comma_fraction, is_ambiguous, parse_export_time, parse_with_order,
};
use crate::kql::{KqlDateTime, format_datetime};

/// The time columns of the exports read (names matched ignoring ASCII case).
const TIME_COLUMNS: [&str; 6] = [
    "Timestamp",
    "TimeGenerated",
    "CreationDate",
    "createdDateTime",
    "Date (UTC)",
    "ActivityDateTime",
];
/// Rows kept waiting for the file's decision, at most.
const MAX_WAITING: usize = 10_000;
/// A UTC offset is whole quarter hours, at most 14 hours.
const MAX_OFFSET_SECONDS: i64 = 14 * 3600;

struct DateColumn {
    index: usize,
    /// The column's name in the record (its map key).
    name: String,
    /// The column's name as the file's header spells it, for messages (the Entra download's
    /// `Date (UTC)` is read as Graph's `activityDateTime`).
    label: String,
    local_header: bool,
    /// The header's zone mark as written (`[Local Time]`, `[UTC+01:00]`), for messages.
    zone_mark: Option<String>,
    /// The offset the header names, in seconds east of UTC (`[UTC+01:00]`: 3600).
    header_offset: Option<i64>,
    /// The header names an offset no zone has (`[UTC+99:00]`): said once, read as unmarked.
    invalid_zone: Option<String>,
    /// The header says the times are UTC: no offset is looked for.
    utc_header: bool,
    evidence: OrderEvidence,
    /// Rows read at once whose time agreed with their CreationTime (no offset).
    agreeing: u64,
    /// Once decided (at the end of the file, or when too many rows wait).
    decided: Option<Option<DateOrder>>,
    /// The offset of local time, in seconds east of UTC, once known.
    offset: Option<i64>,
    /// The separator of the column's numeric dates (`/`, `.` or `-`), once one is seen.
    sep: Option<u8>,
    /// A value wrote its seconds' fraction after a comma (`16:42:19,123`).
    comma_fraction: bool,
    /// Values that are no date read in either order: how many, and the first (line, text).
    unreadable: u64,
    first_unreadable: Option<(u64, String)>,
    /// Values of another calendar or Excel serial dates, put back in the readers' form.
    calendar: CalendarNotes,
}

/// The separators of numeric dates, in [`FileDates::texts`] order.
const SEPARATORS: [u8; 3] = [b'/', b'.', b'-'];

/// A row whose STS event waits for the file's dates.
pub struct Waiting {
    pub map: Map<String, Value>,
    pub raw: String,
    pub line: u64,
}

/// The date columns of one CSV file and what their values said.
pub struct FileDates {
    columns: Vec<DateColumn>,
    waiting: Vec<Waiting>,
    /// What the numeric dates in the file's other cells say of their order, by separator
    /// ([`SEPARATORS`]): looked for only while some column reads both ways.
    texts: [OrderEvidence; 3],
}

impl FileDates {
    /// `headers` are the column names; `zones[i]` what the header says of the zone (`None`
    /// nothing).
    /// `labels` are the names as the file's header spells them (for messages).
    pub fn new(headers: &[String], labels: &[String], zones: &[Option<Zone>]) -> Self {
        let columns = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| TIME_COLUMNS.iter().any(|t| t.eq_ignore_ascii_case(h)))
            .map(|(index, name)| {
                let zone = zones.get(index).cloned().flatten();
                let (zone_mark, header_offset, invalid_zone) = match &zone {
                    Some(Zone::Local(mark)) => (Some(mark.clone()), None, None),
                    Some(Zone::Offset(o, mark)) => (Some(mark.clone()), Some(*o), None),
                    Some(Zone::Invalid(mark)) => (None, None, Some(mark.clone())),
                    Some(Zone::Utc) | None => (None, None, None),
                };
                DateColumn {
                    index,
                    name: name.clone(),
                    label: labels.get(index).unwrap_or(name).clone(),
                    local_header: zone_mark.is_some(),
                    zone_mark,
                    header_offset,
                    invalid_zone,
                    utc_header: zone == Some(Zone::Utc),
                    evidence: OrderEvidence::default(),
                    agreeing: 0,
                    decided: None,
                    offset: None,
                    sep: None,
                    comma_fraction: false,
                    unreadable: 0,
                    first_unreadable: None,
                    calendar: CalendarNotes::default(),
                }
            })
            .collect();
        Self {
            columns,
            waiting: Vec::new(),
            texts: Default::default(),
        }
    }

    pub fn has_columns(&self) -> bool {
        !self.columns.is_empty()
    }

    /// Takes every row's date cells into account (cheap: a few bytes per cell).
    pub fn observe(&mut self, record: &csv::ByteRecord, line: u64) {
        let mut unsettled = false;
        for c in &mut self.columns {
            if let Some(cell) = record.get(c.index) {
                c.evidence.observe(cell, line);
                if c.sep.is_none() {
                    c.sep = numeric_date_separator(cell);
                }
                c.comma_fraction = c.comma_fraction || has_comma_fraction(cell);
            }
            unsettled |= c.evidence.order().is_none() && !c.evidence.conflicting();
        }
        if !unsettled || self.texts.iter().all(OrderEvidence::conflicting) {
            return;
        }
        for (i, cell) in record.iter().enumerate() {
            if self.columns.iter().any(|c| c.index == i) {
                continue;
            }
            for (k, &sep) in SEPARATORS.iter().enumerate() {
                observe_dates_in(cell, sep, line, &mut self.texts[k]);
            }
        }
    }

    /// Applies what is decided to a row read after the decision; true when the row must
    /// wait for the decision instead (its reading depends on it).
    pub fn must_wait(&mut self, map: &mut Map<String, Value>, line: u64) -> bool {
        let created = creation_time(map);
        let mut wait = false;
        for c in &mut self.columns {
            let Some(Value::String(cell)) = map.get_mut(&c.name) else {
                continue;
            };
            // A Thai Buddhist year or an Excel serial date: in the readers' form from here on
            // (also in the row kept waiting).
            if let Some(respelled) = c.calendar.respell(cell, created, line) {
                *cell = respelled;
            }
            let cell = &*cell;
            c.observe_readable(cell.as_bytes(), line);
            if let Some(order) = c.decided {
                let utc = parse_with_order(cell, order)
                    .map(|t| t - chrono::Duration::seconds(row_offset(c, cell, order, created)));
                if let Some(t) = utc {
                    map.insert(c.name.clone(), Value::String(format_datetime(&t)));
                }
                continue;
            }
            if c.local_header || (is_ambiguous(cell.as_bytes()) && c.evidence.order().is_none()) {
                wait = true;
                continue;
            }
            if c.utc_header {
                continue;
            }
            let read = parse_with_order(cell, c.evidence.order());
            match (read, created) {
                (Some(t), Some(ct)) if offset_seconds(t, ct) == Some(0) => c.agreeing += 1,
                (Some(_), Some(_)) => wait = true,
                _ => {}
            }
        }
        wait
    }

    /// Keeps a row until the decision. Returns the rows to classify now, if too many wait
    /// (the decision is then taken on what was seen so far).
    pub fn hold(&mut self, ctx: &mut Ctx, row: Waiting) -> Vec<Waiting> {
        self.waiting.push(row);
        if self.waiting.len() >= MAX_WAITING {
            self.settle(ctx)
        } else {
            Vec::new()
        }
    }

    /// Decides each column's order and offset, says so, and returns the waiting rows with
    /// their date cells rewritten in UTC (ISO 8601), to be classified.
    pub fn settle(&mut self, ctx: &mut Ctx) -> Vec<Waiting> {
        let mut waiting = std::mem::take(&mut self.waiting);
        if waiting.is_empty() && self.columns.iter().all(|c| c.decided.is_some()) {
            return waiting;
        }
        for c in &mut self.columns {
            if c.decided.is_none() {
                if let Some(mark) = &c.invalid_zone {
                    ctx.problem(
                        None,
                        format!(
                            "{}: the header names the zone \"{}\", which is no UTC offset (whole \
                             quarter hours, at most 14 hours): ignored, the times read as if \
                             the header named no zone",
                            c.label,
                            crate::neutralize::neutralize(mark)
                        ),
                    );
                }
                let order = decide_order(ctx, c, &waiting, &self.texts);
                c.decided = Some(order);
                decide_offset(ctx, c, &waiting, order);
            }
            let order = c.decided.flatten();
            for w in &mut waiting {
                let created = creation_time(&w.map);
                let Some(Value::String(cell)) = w.map.get(&c.name) else {
                    continue;
                };
                let shift = row_offset(c, cell, order, created);
                if let Some(t) = parse_with_order(cell, order) {
                    let utc = t - chrono::Duration::seconds(shift);
                    w.map
                        .insert(c.name.clone(), Value::String(format_datetime(&utc)));
                }
            }
        }
        waiting
    }
}

impl DateColumn {
    /// Notes a value that is no date in either order (a culture's spelling not read): its
    /// row would have no time, so the file says so. Only the rows that may be STS events
    /// come here (the others' times are never read), so a large file pays nothing for it.
    fn observe_readable(&mut self, cell: &[u8], line: u64) {
        let text = String::from_utf8_lossy(cell);
        let text = text.trim();
        if text.is_empty()
            || parse_with_order(text, None).is_some()
            || parse_with_order(text, Some(DateOrder::DayFirst)).is_some()
        {
            return;
        }
        self.unreadable += 1;
        if self.first_unreadable.is_none() {
            self.first_unreadable = Some((line, text.chars().take(60).collect()));
        }
    }
}

impl FileDates {
    /// Says, once per column at the end of the file, how many of its values were no date,
    /// and which were read from another calendar or as Excel serial dates.
    pub fn report_unreadable(&mut self, ctx: &mut Ctx) {
        for c in &mut self.columns {
            for said in c.calendar.said(&c.label) {
                ctx.problem(None, said);
            }
            c.calendar = CalendarNotes::default();
            let Some((line, text)) = c.first_unreadable.take() else {
                continue;
            };
            let n = c.unreadable;
            ctx.problem(
                Some(line),
                format!(
                    "{}: {text:?} is no date or time sts-triage reads ({n} value{} of the \
                     STS rows, the first here): those rows have no time, and their \
                     tokenMinutesRemaining is empty",
                    c.label,
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
    }
}

/// The offset to remove from one row's time: its own against its CreationTime when the
/// column is in local time (daylight saving changes it within a file), else the file's.
fn row_offset(
    c: &DateColumn,
    cell: &str,
    order: Option<DateOrder>,
    created: Option<KqlDateTime>,
) -> i64 {
    let Some(file_offset) = c.offset else {
        return 0;
    };
    parse_with_order(cell, order)
        .zip(created)
        .and_then(|(t, ct)| offset_seconds(t, ct))
        .unwrap_or(file_offset)
}

/// The separator of a column's dates and the first line where another text of the file
/// written with it reads only day-first, when none reads only month-first.
fn texts_day_first(c: &DateColumn, texts: &[OrderEvidence; 3]) -> Option<(u8, u64)> {
    let sep = c.sep?;
    let k = SEPARATORS.iter().position(|&s| s == sep)?;
    let e = &texts[k];
    match (e.day_first_at, e.month_first_at) {
        (Some(line), None) => Some((sep, line)),
        _ => None,
    }
}

/// The separator of a numeric date `a/b/yyyy` at the start of `cell` (`.` or `-` too).
fn numeric_date_separator(cell: &[u8]) -> Option<u8> {
    crate::dates::leading_pair(cell)?;
    let t = cell.trim_ascii_start();
    t.iter().copied().find(|b| !b.is_ascii_digit())
}

/// Every numeric date `a<sep>b<sep>yyyy` inside `text` (its first number one or two digits
/// after something that is not a digit, its year four digits), into `evidence`.
fn observe_dates_in(text: &[u8], sep: u8, line: u64, evidence: &mut OrderEvidence) {
    for at in memchr::memchr_iter(sep, text) {
        let run = text[..at]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !(1..=2).contains(&run) {
            continue;
        }
        evidence.observe_in_text(&text[at - run..], line);
    }
}

fn decide_order(
    ctx: &mut Ctx,
    c: &DateColumn,
    waiting: &[Waiting],
    texts: &[OrderEvidence; 3],
) -> Option<DateOrder> {
    let e = &c.evidence;
    if let (Some(day), Some(month)) = (e.day_first_at, e.month_first_at) {
        ctx.problem(
            None,
            format!(
                "{}: day-first dates (line {day}) and month-first dates (line {month}) in one file; \
                 each value is read the one way it can be, ambiguous ones month-first",
                c.label
            ),
        );
        return None;
    }
    if let Some(order) = e.order() {
        if let (DateOrder::DayFirst, Some(line)) = (order, e.day_first_at) {
            ctx.problem(
                None,
                format!("{}: dates are day-first (line {line} reads only that way); the whole column is read day-first", c.label),
            );
        }
        return Some(order);
    }
    let depends = waiting.iter().any(|w| {
        matches!(w.map.get(&c.name), Some(Value::String(cell)) if is_ambiguous(cell.as_bytes()))
    });
    if e.ambiguous == 0 || !depends {
        return None;
    }
    // Every value reads both ways: the records' own UTC CreationTime settles it.
    let (mut day, mut month) = (0u64, 0u64);
    for w in waiting {
        let (Some(Value::String(cell)), Some(ct)) = (w.map.get(&c.name), creation_time(&w.map))
        else {
            continue;
        };
        if !is_ambiguous(cell.as_bytes()) {
            continue;
        }
        let near = |order| {
            parse_with_order(cell, Some(order))
                .is_some_and(|t| (t - ct).num_seconds().abs() <= MAX_OFFSET_SECONDS)
        };
        match (near(DateOrder::DayFirst), near(DateOrder::MonthFirst)) {
            (true, false) => day += 1,
            (false, true) => month += 1,
            _ => {}
        }
    }
    let (order, word) = match (day, month) {
        (d, 0) if d > 0 => (DateOrder::DayFirst, "day-first"),
        (0, m) if m > 0 => (DateOrder::MonthFirst, "month-first"),
        // Dates written with dots (d.M.yyyy: de-DE, ru-RU, pl-PL, fi-FI, tr-TR, …) are
        // day-first in every culture that writes them; no culture writes M.d.yyyy.
        (0, 0) if c.sep == Some(b'.') => {
            ctx.problem(
                None,
                format!(
                    "{}: every date reads both ways; dates written with dots (dd.mm.yyyy) are \
                     day-first wherever they are written: the whole column is read day-first",
                    c.label
                ),
            );
            return Some(DateOrder::DayFirst);
        }
        // A comma before the seconds' fraction is written where the decimal sign is a comma
        // (Excel and the browsers of de-DE, fr-FR, es-ES, ru-RU, pt-BR, …): every such
        // culture writes its numeric dates day-first (or year-first), none month-first.
        (0, 0) if c.comma_fraction => {
            ctx.problem(
                None,
                format!(
                    "{}: every date reads both ways; their seconds' fractions follow a comma \
                     (hh:mm:ss,fff), as only cultures that write dates day-first write them: \
                     the whole column is read day-first",
                    c.label
                ),
            );
            return Some(DateOrder::DayFirst);
        }
        (0, 0) if texts_day_first(c, texts).is_some() => {
            let (sep, line) = texts_day_first(c, texts).unwrap_or_default();
            ctx.problem(
                None,
                format!(
                    "{}: every date reads both ways; another date in the file written the same way \
                     (dd{sep}mm{sep}yyyy, line {line}) reads only day-first: the whole column is read day-first",
                    c.label,
                    sep = char::from(sep)
                ),
            );
            return Some(DateOrder::DayFirst);
        }
        _ => {
            ctx.problem(
                None,
                format!(
                    "{}: every date reads both day-first and month-first and no CreationTime settles it; read month-first",
                    c.label
                ),
            );
            return None;
        }
    };
    ctx.problem(
        None,
        format!(
            "{}: every date reads both ways; the records' CreationTime shows they are {word}",
            c.label
        ),
    );
    Some(order)
}

fn decide_offset(ctx: &mut Ctx, c: &mut DateColumn, waiting: &[Waiting], order: Option<DateOrder>) {
    if c.utc_header || (waiting.is_empty() && c.agreeing == 0) {
        return;
    }
    let mut seen: BTreeMap<i64, u64> = BTreeMap::new();
    let mut unlike = 0u64;
    for w in waiting {
        let (Some(Value::String(cell)), Some(ct)) = (w.map.get(&c.name), creation_time(&w.map))
        else {
            continue;
        };
        if let Some(t) = parse_with_order(cell, order) {
            match offset_seconds(t, ct) {
                Some(o) => *seen.entry(o).or_default() += 1,
                None => unlike += 1,
            }
        }
    }
    if c.agreeing > 0 {
        *seen.entry(0).or_default() += c.agreeing;
    }
    let most = seen.iter().max_by_key(|(_, n)| **n).map(|(o, _)| *o);
    // Without the header, only an offset every row shows is local time.
    let local = c.local_header || (seen.len() == 1 && unlike == 0 && most != Some(0));
    let named = c.header_offset.map(utc_offset);
    match (most, named) {
        (Some(o), Some(named)) if seen.keys().all(|&k| utc_offset(k) != named) => {
            // The records' CreationTime is the instant itself: it wins over the header.
            if o != 0 {
                c.offset = Some(o);
            }
            let offsets: Vec<String> = seen.keys().map(|&o| utc_offset(o)).collect();
            ctx.problem(
                None,
                format!(
                    "{}: the header says {named} ({}), but against each record's CreationTime \
                     the times are {}: read by the CreationTime's",
                    c.label,
                    crate::neutralize::neutralize(c.zone_mark.as_deref().unwrap_or_default()),
                    offsets.join(", ")
                ),
            );
        }
        (Some(o), _) if local && o != 0 => {
            c.offset = Some(o);
            let offsets: Vec<String> = seen.keys().map(|&o| utc_offset(o)).collect();
            ctx.problem(
                None,
                format!(
                    "{}: times are local ({}, against each record's CreationTime); converted to UTC",
                    c.label,
                    offsets.join(", ")
                ),
            );
        }
        (None, Some(named)) => {
            c.offset = c.header_offset;
            ctx.problem(
                None,
                format!(
                    "{}: times are local ({named}, as the header {} says; no CreationTime to \
                     check it against); converted to UTC",
                    c.label,
                    crate::neutralize::neutralize(c.zone_mark.as_deref().unwrap_or_default()),
                ),
            );
        }
        (None, None) if c.local_header => ctx.problem(
            None,
            format!(
                "{}: times are in local time (header {}) and neither the header nor a \
                 CreationTime tells the offset; read as UTC",
                c.label,
                crate::neutralize::neutralize(c.zone_mark.as_deref().unwrap_or_default()),
            ),
        ),
        _ => {}
    }
}

/// `UTC+01:00`.
fn utc_offset(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let m = seconds.abs() / 60;
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// The offset between a local reading and the UTC instant, when it is one: whole quarter
/// hours within two minutes (an export's time and the record's CreationTime differ by
/// seconds at most), at most 14 hours.
fn offset_seconds(local: KqlDateTime, utc: KqlDateTime) -> Option<i64> {
    let secs = (local - utc).num_seconds();
    let quarter = (secs as f64 / 900.0).round() as i64 * 900;
    ((secs - quarter).abs() <= 120 && quarter.abs() <= MAX_OFFSET_SECONDS).then_some(quarter)
}

/// The record's own UTC time: RawEventData or AuditData `CreationTime` (an object, JSON
/// text, or the whole start of text cut short).
fn creation_time(map: &Map<String, Value>) -> Option<KqlDateTime> {
    ["RawEventData", "AuditData"].iter().find_map(|name| {
        let v = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)?;
        let text = match v {
            Value::Object(o) => o.get("CreationTime")?.as_str()?.to_owned(),
            Value::String(s) => leading_string_field(s, "CreationTime")?,
            _ => return None,
        };
        parse_export_time(&text)
    })
}
