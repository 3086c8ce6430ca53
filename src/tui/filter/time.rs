//! Times in filter terms: `2024`, `2024-05`, `2024-05-01`, `2024-05-01T10`, `2024-05-01T10:30`
//! or `2024-05-01T10:30:15`, read in the zone the table shows (UTC or local time), or in UTC
//! whatever the table shows when they end in `Z`. A time names a span (the whole month for
//! `2024-05`), so that `time:2024-05` keeps May and nothing of April.

use std::sync::Arc;

use chrono::{Months, NaiveDate, NaiveDateTime, TimeDelta};

use crate::tui::local_zone::{LocalZone, Readings};

/// The zone the table shows times in, which filter terms are read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zone {
    Utc,
    /// The local zone ([`LocalZone`]: from `TZ` or /etc/localtime, read once).
    Local(Arc<LocalZone>),
}

impl Zone {
    /// The name of the zone, as the titles give it (`UTC`, `Europe/Berlin`, `UTC-02:00`).
    pub fn label(&self) -> &str {
        match self {
            Self::Utc => "UTC",
            Self::Local(z) => z.label(),
        }
    }
}

/// The span a time term names, in ticks (100 ns since the Unix epoch, `kql::ticks`):
/// `start` included, `end` excluded. In local time (`wall`) the span is of wall-clock
/// readings, and a row's time is compared as its Time cell reads it: over the autumn clock
/// change the hour read twice keeps the rows of both (`time:2025-10-26T02` in Berlin keeps
/// 00:30Z and 01:30Z, both shown `02:30`), and `after:`, `before:`, `<=` compare the
/// readings too, so that each keeps exactly the rows whose Time cell reads so (breaker14 #3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: i64,
    pub end: i64,
    /// Readings of the local zone's clock (as if they were UTC), not instants.
    pub wall: bool,
    /// Its first or last reading is one the clock shows twice (the autumn change).
    pub repeated: bool,
}

impl Span {
    /// The row's time (ticks, UTC) as this span compares it: its reading in `zone` for a
    /// span of readings.
    pub fn time_of(&self, ticks: i64, zone: Option<&LocalZone>) -> i64 {
        match zone {
            Some(z) if self.wall => z.wall_ticks(ticks),
            _ => ticks,
        }
    }
}

const FORMS: &str =
    "2024, 2024-05, 2024-05-01, 2024-05-01T10:30 or 2024-05-01T10:30:15 (Z for UTC)";

/// Reads a time term's text; the error says what is wrong with it.
pub fn parse_span(text: &str, zone: &Zone) -> Result<Span, String> {
    let (text, zone) = match text.strip_suffix(['Z', 'z']) {
        Some(t) => (t, &Zone::Utc),
        None => (text, zone),
    };
    let (date, clock) = match text.split_once(['T', 't']) {
        Some((d, c)) => (d, Some(c)),
        None => (text, None),
    };
    let bad_form = || format!("{text:?} is not a time: write {FORMS}");
    let number = |s: &str, digits: usize| -> Result<u32, String> {
        if s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad_form())
        } else {
            Err(bad_form())
        }
    };
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() > 3 {
        return Err(bad_form());
    }
    let year = number(parts[0], 4)?;
    let year = i32::try_from(year).map_err(|_| bad_form())?;
    let month = parts.get(1).map(|m| number(m, 2)).transpose()?;
    let day = parts.get(2).map(|d| number(d, 2)).transpose()?;
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return Err(format!("month {m:02} does not exist"));
    }
    let first =
        NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1)).ok_or_else(|| {
            format!(
                "{date} is not a date (that month has no day {:02})",
                day.unwrap_or(1)
            )
        })?;
    let mut hms = [None, None, None];
    if let Some(clock) = clock {
        if day.is_none() {
            return Err(bad_form());
        }
        let fields: Vec<&str> = clock.split(':').collect();
        if fields.len() > 3 {
            return Err(bad_form());
        }
        for (slot, field) in hms.iter_mut().zip(&fields) {
            *slot = Some(number(field, 2)?);
        }
    }
    for (value, name, limit) in [
        (hms[0], "hour", 24),
        (hms[1], "minute", 60),
        (hms[2], "second", 60),
    ] {
        if let Some(v) = value
            && v >= limit
        {
            return Err(format!("{name} {v:02} does not exist"));
        }
    }
    let start = first
        .and_hms_opt(
            hms[0].unwrap_or(0),
            hms[1].unwrap_or(0),
            hms[2].unwrap_or(0),
        )
        .ok_or_else(bad_form)?;
    let end = if hms[2].is_some() {
        start.checked_add_signed(TimeDelta::seconds(1))
    } else if hms[1].is_some() {
        start.checked_add_signed(TimeDelta::minutes(1))
    } else if hms[0].is_some() {
        start.checked_add_signed(TimeDelta::hours(1))
    } else if day.is_some() {
        start.checked_add_signed(TimeDelta::days(1))
    } else if month.is_some() {
        start.checked_add_months(Months::new(1))
    } else {
        start.checked_add_months(Months::new(12))
    }
    .ok_or_else(bad_form)?;
    let (start, end) = (reading(start), reading(end));
    let Zone::Local(local) = zone else {
        return Ok(Span {
            start,
            end,
            wall: false,
            repeated: false,
        });
    };
    // Skipped whole when its first and its last reading are (a gap is one stretch).
    let (first, last) = (local.readings(start), local.readings(end - 1));
    if first == Readings::Skipped && last == Readings::Skipped {
        return Err(format!(
            "{text} does not exist in local time (the clocks moved forward)"
        ));
    }
    let twice = |r| matches!(r, Readings::Twice(..));
    Ok(Span {
        start,
        end,
        wall: true,
        repeated: twice(first) || twice(last),
    })
}

/// A wall-clock reading in ticks, as if it were UTC.
fn reading(t: NaiveDateTime) -> i64 {
    crate::kql::ticks(&t.and_utc())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn ticks(text: &str) -> i64 {
        let t = DateTime::parse_from_rfc3339(text).expect("rfc3339");
        crate::kql::ticks(&t.with_timezone(&Utc))
    }

    #[test]
    fn each_precision_names_its_whole_span() {
        let cases = [
            ("2024", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
            ("2024-02", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
            ("2024-02-29", "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"),
            (
                "2024-12-31T23",
                "2024-12-31T23:00:00Z",
                "2025-01-01T00:00:00Z",
            ),
            (
                "2024-05-01T10:30",
                "2024-05-01T10:30:00Z",
                "2024-05-01T10:31:00Z",
            ),
            (
                "2024-05-01t10:30:59",
                "2024-05-01T10:30:59Z",
                "2024-05-01T10:31:00Z",
            ),
        ];
        for (text, start, end) in cases {
            let span = parse_span(text, &Zone::Utc).expect(text);
            assert_eq!(
                span,
                Span {
                    start: ticks(start),
                    end: ticks(end),
                    wall: false,
                    repeated: false,
                },
                "{text}"
            );
        }
    }

    #[test]
    fn the_zone_shown_moves_the_span_and_z_means_utc() {
        let z = LocalZone::fixed(2 * 3600);
        let plus2 = Zone::Local(Arc::new(z.clone()));
        // Read as the Time column shows it: 2024-04-30T22:00Z reads 2024-05-01 00:00.
        let span = parse_span("2024-05-01", &plus2).expect("date");
        let inside = |t: &str| {
            let t = span.time_of(ticks(t), Some(&z));
            span.start <= t && t < span.end
        };
        assert!(inside("2024-04-30T22:00:00Z") && inside("2024-05-01T21:59:59Z"));
        assert!(!inside("2024-04-30T21:59:59Z") && !inside("2024-05-01T22:00:00Z"));
        let utc = parse_span("2024-05-01T10:00Z", &plus2).expect("Z");
        assert!(!utc.wall);
        assert_eq!(utc.start, ticks("2024-05-01T10:00:00Z"));
    }

    #[test]
    fn impossible_and_unfinished_times_say_what_is_wrong() {
        let cases = [
            ("2024-13-45", "month 13"),
            ("2024-02-30", "no day 30"),
            ("2023-02-29", "no day 29"),
            ("2024-05-01T24:00", "hour 24"),
            ("2024-05-01T10:60", "minute 60"),
            ("2024-05-01T10:00:61", "second 61"),
            ("2024-5", "is not a time"),
            ("24-05-01", "is not a time"),
            ("2024-05T10", "is not a time"),
            ("yesterday", "is not a time"),
            ("2024-05-01-02", "is not a time"),
        ];
        for (text, says) in cases {
            let err = parse_span(text, &Zone::Utc).expect_err(text);
            assert!(err.contains(says), "{text}: {err}");
        }
    }
}
