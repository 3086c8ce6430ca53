//! Times of the records the context index keeps, read from their bytes.

use crate::dates::parse_export_time;
use crate::kql;

/// 100 ns ticks (as `kql::ticks`) of an export's time: ISO 8601 in UTC read directly
/// (`2024-03-01T10:00:07`, with up to 7 fraction digits and `Z`), anything else through
/// `parse_export_time`.
pub fn time_of(text: &[u8]) -> Option<i64> {
    iso_ticks(text).or_else(|| {
        let t = parse_export_time(std::str::from_utf8(text).ok()?)?;
        Some(kql::ticks(&t))
    })
}

pub(super) fn iso_ticks(b: &[u8]) -> Option<i64> {
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
