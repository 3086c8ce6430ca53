//! The workbench's counts: the shared helpers of [`crate::count`] (the reports and the
//! command line say counts the same way).

pub use crate::count::{count, count_as, noun};

/// A count in at most four characters: whole up to 9999 (`1718`), then in thousands or
/// millions with one decimal below ten (`17k`, `1.2M`, `27M`), rounded down so that it never
/// says more than there is. For cells too narrow for the number (newbie14 #1: `legit +17…`).
pub fn compact(n: u64) -> String {
    let scaled = |unit: u64, suffix: char| {
        let tenths = n / (unit / 10);
        if tenths < 100 {
            format!("{}.{}{suffix}", tenths / 10, tenths % 10)
        } else {
            format!("{}{suffix}", n / unit)
        }
    };
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => scaled(1_000, 'k'),
        1_000_000..=999_999_999 => scaled(1_000_000, 'M'),
        _ => scaled(1_000_000_000, 'G'),
    }
}

/// The Verdict cell of a decided row that gained `n` events since its decision, within
/// `width` columns: `legit +3`, `susp +1718`; a count too long for the room in its compact
/// form (`legit +17k`, `legit +1.2M`), and last without the space (`legit+1718`), so that
/// the count is never cut.
pub fn verdict_with_new(verdict: &str, n: u64, width: usize) -> String {
    let whole = format!("{verdict} +{n}");
    if whole.chars().count() <= width {
        return whole;
    }
    let short = format!("{verdict} +{}", compact(n));
    if short.chars().count() <= width {
        return short;
    }
    let tight = format!("{verdict}+{n}");
    if tight.chars().count() <= width {
        return tight;
    }
    format!("{verdict}+{}", compact(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_event_count_is_never_cut_in_the_verdict_cell() {
        // The Verdict column is 10 wide (`unreviewed`).
        let cases = [
            ("legit", 3, "legit +3"),
            ("legit", 999, "legit +999"),
            ("legit", 1718, "legit+1718"),
            ("susp", 1718, "susp +1718"),
            ("legit", 17_180, "legit +17k"),
            ("susp", 17_180, "susp +17k"),
            ("legit", 1_234_567, "legit+1.2M"),
            ("legit", 99_999, "legit +99k"),
            ("legit", 123_456, "legit+123k"),
        ];
        for (verdict, n, want) in cases {
            let cell = verdict_with_new(verdict, n, 10);
            assert_eq!(cell, want, "{verdict} {n}");
            assert!(cell.chars().count() <= 10, "{cell}");
        }
        assert_eq!(compact(10_999), "10k");
        assert_eq!(compact(9_999_999), "9.9M");
    }
}
