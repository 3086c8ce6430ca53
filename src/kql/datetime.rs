//! Datetime arithmetic and printing: ticks, `datetime_diff`, and Kusto's printed form.
//!
//! Rules from the Kusto documentation pages "datetime_diff()"
//! (<https://learn.microsoft.com/kusto/query/datetime-diff-function>) and "The datetime data
//! type" (<https://learn.microsoft.com/kusto/query/scalar-data-types/datetime>: 100-ns ticks,
//! the printed form with seven fraction digits).

use chrono::{Datelike, Timelike};

use super::KqlDateTime;

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
    use crate::kql::todatetime;

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
}
