//! Time values that a CSV's time column holds in another calendar or as a number, put back
//! into the form the readers take before anything else reads them, and said once per column:
//! - years of the Thai Buddhist era (`5/11/2567 16:42:19`): .NET's th-TH culture writes
//!   dates in the Thai Buddhist calendar, whose year is the Gregorian year plus 543 (its
//!   months and days are the Gregorian ones). A year from 2540 to 2640 (1997 to 2097) in an
//!   audit export's time column is read so: no audit record is dated five centuries ahead.
//! - Excel serial dates (`45601.6961`): a CSV saved again by Excel after its time column was
//!   formatted as a number (or written by a script from the workbook's values) holds the
//!   days since 1899-12-30 (Excel's 1900 date system) and the fraction of the day. Written
//!   with few decimals the value is coarse (4 decimals: ±4.3 s), so where the record's own
//!   UTC `CreationTime` lies within that span (a whole number of quarter hours apart, for a
//!   column in local time) the second is taken from it; else the value is rounded to the
//!   second.
//! - Excel's 1904 date system (Microsoft's "Date systems in Excel": the default of Excel 2008
//!   for Mac and earlier, still a per-workbook option): its serials count days from
//!   1904-01-01, 1,462 fewer than the 1900 system's for the same date. A CSV keeps no mark
//!   of the workbook's date system, so a value alone cannot tell: the record's own
//!   `CreationTime` does. A serial that lies 1,462 days before its CreationTime (within its
//!   precision, give or take whole quarter hours) is of the 1904 system, and the column is
//!   read so from then on; a serial with no CreationTime to compare is read in the system
//!   the column's other values showed, else in the 1900 system, and the message says that
//!   this was assumed, with the dates the values gave.

use chrono::{Duration, TimeZone, Utc};

use crate::kql::{KqlDateTime, format_datetime};

/// The Thai Buddhist era's years read as such (BE 2540-2640 is 1997-2097).
const BUDDHIST_YEARS: std::ops::RangeInclusive<u32> = 2540..=2640;
/// The Thai Buddhist era's year minus the Gregorian year.
const BUDDHIST_OFFSET: u32 = 543;
/// Excel serial days read as dates: 1990-01-01 (32874) to 2099-12-31 (73415); an integer
/// below that is a count, not a date.
const SERIAL_DAYS: std::ops::RangeInclusive<f64> = 32874.0..=73415.0;
/// Excel's 1904 date system's serial of a date is this many days fewer than the 1900
/// system's (four years and a leap day).
const DAYS_1904: i64 = 1462;
/// A UTC offset is whole quarter hours, at most 14 hours.
const MAX_OFFSET_SECONDS: i64 = 14 * 3600;

/// What a column's values needed, for the one message per column.
#[derive(Default)]
pub(super) struct CalendarNotes {
    /// The first value of the Buddhist era: (line, text), and how many.
    buddhist: Option<(u64, String)>,
    buddhist_count: u64,
    /// The first Excel serial date: (line, text), how many, how many took their second from
    /// the record's CreationTime, and the coarsest precision seen (seconds either side).
    serial: Option<(u64, String)>,
    serial_count: u64,
    serial_from_creation: u64,
    serial_precision: f64,
    /// The column's date system as its records' CreationTime showed it: `Some(true)` for
    /// the 1904 system, `Some(false)` for the 1900 one, `None` while no value could tell.
    system_1904: Option<bool>,
    /// Serial values read as the 1904 system's, and those read in a system no
    /// CreationTime of their own showed (assumed: the column's, else the 1900 system).
    serial_1904: u64,
    serial_assumed: u64,
    /// The earliest and latest instants the serial values gave.
    serial_span: Option<(KqlDateTime, KqlDateTime)>,
}

impl CalendarNotes {
    /// The value of `cell` in the readers' form, when it is one of the module's; `created`
    /// is the record's own UTC CreationTime.
    pub(super) fn respell(
        &mut self,
        cell: &str,
        created: Option<KqlDateTime>,
        line: u64,
    ) -> Option<String> {
        let text = cell.trim();
        if let Some(respelled) = buddhist_year(text) {
            self.buddhist_count += 1;
            self.buddhist.get_or_insert_with(|| (line, text.to_owned()));
            return Some(respelled);
        }
        let (instant, precision) = excel_serial(text)?;
        self.serial_count += 1;
        self.serial.get_or_insert_with(|| (line, text.to_owned()));
        self.serial_precision = self.serial_precision.max(precision);
        let in_1904 = instant + Duration::days(DAYS_1904);
        // The record's own CreationTime tells the date system: the 1900 reading first
        // (Excel for Windows and every Excel since 2011 for Mac), then the 1904 one.
        let exact = created.and_then(|ct| {
            within(instant, ct, precision)
                .map(|t| (t, false))
                .or_else(|| within(in_1904, ct, precision).map(|t| (t, true)))
        });
        let instant = match exact {
            Some((t, is_1904)) => {
                self.serial_from_creation += 1;
                self.system_1904.get_or_insert(is_1904);
                self.serial_1904 += u64::from(is_1904);
                t
            }
            None => {
                self.serial_assumed += u64::from(self.system_1904.is_none());
                if self.system_1904 == Some(true) {
                    self.serial_1904 += 1;
                    in_1904
                } else {
                    instant
                }
            }
        };
        self.serial_span = Some(match self.serial_span {
            Some((lo, hi)) => (lo.min(instant), hi.max(instant)),
            None => (instant, instant),
        });
        Some(format_datetime(&instant))
    }

    /// What was read so, in words (`None` when nothing was), one message each.
    pub(super) fn said(&self, label: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((line, text)) = &self.buddhist {
            out.push(format!(
                "{label}: years of the Thai Buddhist era (line {line}: {text:?}; the th-TH \
                 culture's calendar) read as the Gregorian year {BUDDHIST_OFFSET} earlier ({} value{})",
                self.buddhist_count,
                plural(self.buddhist_count)
            ));
        }
        if let Some((line, text)) = &self.serial
            && self.serial_1904 > 0
        {
            out.push(format!(
                "{label}: Excel serial dates of the 1904 date system (line {line}: {text:?}; days \
                 since 1904-01-01, Excel for Mac's, 1,462 fewer than the 1900 system's for the \
                 same date: the records' CreationTime shows it) read as times ({} of {} value{}, \
                 {}): written to ±{:.1} s, {} took the second from their record's CreationTime, \
                 the others are rounded",
                self.serial_1904,
                self.serial_count,
                plural(self.serial_count),
                self.span_text(),
                self.serial_precision,
                self.serial_from_creation
            ));
        } else if let Some((line, text)) = &self.serial
            && self.serial_from_creation == 0
        {
            out.push(format!(
                "{label}: Excel serial dates (line {line}: {text:?}) assumed to be Excel's 1900 \
                 date system (days since 1899-12-30): no record's CreationTime tells it from the \
                 1904 system of Excel for Mac, whose dates would be 4 years and a day later; \
                 read as {} ({} value{}, written to ±{:.1} s, rounded)",
                self.span_text(),
                self.serial_count,
                plural(self.serial_count),
                self.serial_precision,
            ));
        } else if let Some((line, text)) = &self.serial {
            out.push(format!(
                "{label}: Excel serial dates (line {line}: {text:?}; days since 1899-12-30, \
                 Excel's 1900 date system) read as times ({} value{}): written to ±{:.1} s, \
                 {} took the second from their record's CreationTime, the others are rounded",
                self.serial_count,
                plural(self.serial_count),
                self.serial_precision,
                self.serial_from_creation
            ));
        }
        out
    }
}

impl CalendarNotes {
    /// The instants the serial values gave: `2024-11-05 16:42:23 to 2024-11-08 01:02:03 UTC`.
    fn span_text(&self) -> String {
        let day = |t: &KqlDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
        match &self.serial_span {
            Some((lo, hi)) if lo == hi => format!("{} UTC", day(lo)),
            Some((lo, hi)) => format!("{} to {} UTC", day(lo), day(hi)),
            None => String::new(),
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `d/M/yyyy …` (also `.` or `-`) whose year is of the Thai Buddhist era, with the
/// Gregorian year written instead (textually, so that 29/2/2567, a leap day of 2024, reads).
pub(super) fn buddhist_year(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let first = digits(0);
    if !(1..=2).contains(&first) {
        return None;
    }
    let sep = *b.get(first)?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let second = digits(first + 1);
    if !(1..=2).contains(&second) || b.get(first + 1 + second) != Some(&sep) {
        return None;
    }
    let year_at = first + second + 2;
    if digits(year_at) != 4 {
        return None;
    }
    let year: u32 = text[year_at..year_at + 4].parse().ok()?;
    if !BUDDHIST_YEARS.contains(&year) {
        return None;
    }
    Some(format!(
        "{}{}{}",
        &text[..year_at],
        year - BUDDHIST_OFFSET,
        &text[year_at + 4..]
    ))
}

/// An Excel serial date (`45601.6961`: days since 1899-12-30 and the fraction of the day)
/// as an instant rounded to the second, and how far off the value may be (half a unit of
/// its last decimal, in seconds, at least half a second).
pub(super) fn excel_serial(text: &str) -> Option<(KqlDateTime, f64)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.len() != 5
        || !whole.bytes().all(|c| c.is_ascii_digit())
        || !fraction.bytes().all(|c| c.is_ascii_digit())
        || fraction.len() > 15
    {
        return None;
    }
    let days: f64 = text.parse().ok()?;
    if !SERIAL_DAYS.contains(&days) {
        return None;
    }
    let precision = (86_400.0 / 2.0 / 10f64.powi(fraction.len() as i32)).max(0.5);
    let epoch = Utc.with_ymd_and_hms(1899, 12, 30, 0, 0, 0).single()?;
    let seconds = (days * 86_400.0).round() as i64;
    Some((epoch + Duration::seconds(seconds), precision))
}

/// The record's CreationTime moved by the whole quarter hours between the two, when the
/// value lies within `precision` of that (a column in local time keeps its offset, which
/// the column's offset decision then removes).
fn within(value: KqlDateTime, created: KqlDateTime, precision: f64) -> Option<KqlDateTime> {
    let secs = (value - created).num_seconds();
    let quarter = (secs as f64 / 900.0).round() as i64 * 900;
    ((secs - quarter).abs() as f64 <= precision.ceil() && quarter.abs() <= MAX_OFFSET_SECONDS)
        .then(|| created + Duration::seconds(quarter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_buddhist_years_become_gregorian_leap_days_included() {
        assert_eq!(
            buddhist_year("5/11/2567 16:42:19").as_deref(),
            Some("5/11/2024 16:42:19")
        );
        assert_eq!(
            buddhist_year("29/2/2567 0:00:01").as_deref(),
            Some("29/2/2024 0:00:01")
        );
        // Gregorian years and other shapes are left alone.
        assert_eq!(buddhist_year("5/11/2024 16:42:19"), None);
        assert_eq!(buddhist_year("2567-11-05T16:42:19Z"), None);
        assert_eq!(buddhist_year("5/11/2700 16:42:19"), None);
    }

    #[test]
    fn excel_serial_dates_to_the_precision_written() {
        let (t, p) = excel_serial("45601.6961").unwrap();
        assert_eq!(format_datetime(&t), "2024-11-05T16:42:23.0000000Z");
        assert!((p - 4.32).abs() < 0.01, "{p}");
        let (t, _) = excel_serial("45601.696053240741").unwrap();
        assert_eq!(format_datetime(&t), "2024-11-05T16:42:19.0000000Z");
        // Counts, years and text are no serial dates.
        assert_eq!(excel_serial("11161"), None);
        assert_eq!(excel_serial("2024"), None);
        assert_eq!(excel_serial("45601.6961 PM"), None);
        assert_eq!(excel_serial("-45601.5"), None);
    }

    #[test]
    fn a_coarse_serial_takes_its_second_from_the_creation_time_within_its_precision() {
        let created = crate::dates::parse_export_time("2024-11-05T16:42:19Z").unwrap();
        let mut notes = CalendarNotes::default();
        let cell = notes.respell("45601.6961", Some(created), 3).unwrap();
        assert_eq!(cell, "2024-11-05T16:42:19.0000000Z");
        // Two hours ahead (a column in local time): the offset stays for the column's
        // decision to remove.
        let cell = notes.respell("45601.7794", Some(created), 4).unwrap();
        assert_eq!(cell, "2024-11-05T18:42:19.0000000Z");
        // A CreationTime a minute away is another time: the value is rounded.
        let far = created + Duration::seconds(60);
        let cell = notes.respell("45601.6961", Some(far), 5).unwrap();
        assert_eq!(cell, "2024-11-05T16:42:23.0000000Z");
        let said = notes.said("Timestamp");
        assert_eq!(said.len(), 1);
        assert!(
            said[0].contains("(3 values): written to ±4.3 s, 2 took the second"),
            "{said:?}"
        );
    }

    /// A serial of Excel's 1904 date system (Excel for Mac): 1,462 days fewer than the 1900
    /// system's, told by the record's CreationTime; the column is read so from then on.
    #[test]
    fn a_serial_of_the_1904_system_is_told_by_the_creation_time() {
        let created = crate::dates::parse_export_time("2024-11-05T16:42:19Z").unwrap();
        let mut notes = CalendarNotes::default();
        // 45601.6961 - 1462: read as the 1900 system it would be 2020-11-04.
        let cell = notes.respell("44139.6961", Some(created), 3).unwrap();
        assert_eq!(cell, "2024-11-05T16:42:19.0000000Z");
        // A value with no CreationTime: the column's system.
        let cell = notes.respell("44140.0000", None, 4).unwrap();
        assert_eq!(cell, "2024-11-06T00:00:00.0000000Z");
        let said = notes.said("Timestamp");
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("Excel serial dates of the 1904 date system (line 3: \"44139.6961\"")
                && said[0]
                    .contains("(2 of 2 values, 2024-11-05 16:42:19 to 2024-11-06 00:00:00 UTC)"),
            "{said:?}"
        );
    }

    /// No CreationTime to tell the systems apart: the 1900 system, and the message says it
    /// was assumed, with the dates it gave.
    #[test]
    fn serials_no_creation_time_can_tell_are_assumed_of_the_1900_system_and_said() {
        let mut notes = CalendarNotes::default();
        let cell = notes.respell("45601.6961", None, 2).unwrap();
        assert_eq!(cell, "2024-11-05T16:42:23.0000000Z");
        let said = notes.said("Timestamp");
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("assumed to be Excel's 1900 date system")
                && said[0].contains("read as 2024-11-05 16:42:23 UTC (1 value"),
            "{said:?}"
        );
    }
}
