//! The name a CSV header cell is read as: `TimeGenerated [UTC]` → `TimeGenerated` and its
//! zone; a byte order mark and white space trimmed; invisible characters removed and
//! look-alike spaces read as spaces, which the load says (breaker 12 #9: a header
//! `AuditData\u{200b}` left every STS record of the export a near miss "no
//! ModifiedProperties", its record in a column not recognised).

/// What a time column's header says of its zone, with the mark as written (`[UTC+01:00]`)
/// for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::load) enum Zone {
    /// `[UTC]`, `(UTC)`, `[GMT]`.
    Utc,
    /// `[Local Time]`: local time, the offset not named.
    Local(String),
    /// `[UTC+01:00]`, `(UTC-05:00)`, `[GMT+1]`, `[UTC+0530]`: seconds east of UTC (a whole
    /// number of quarter hours, at most 14 hours).
    Offset(i64, String),
    /// `[UTC+99:00]`: an offset no zone has; the times are read as if unmarked, and said.
    Invalid(String),
}

/// The time columns whose name may be followed by a zone in parentheses
/// (`Timestamp (UTC+01:00)`): Entra's `Date (UTC)` is a column's whole name, and stays so.
const ZONED_IN_PARENTHESES: [&str; 4] = [
    "Timestamp",
    "TimeGenerated",
    "CreationDate",
    "createdDateTime",
];

/// `TimeGenerated [UTC]` → `TimeGenerated`; BOM and white space trimmed, invisible
/// characters removed and look-alike spaces read as spaces ([`header_unseen`]). The zone the
/// header names ([`Zone`]), `None` unmarked. A zone in brackets is taken off any name; in
/// parentheses (`Timestamp (UTC)`, as the README documents) off a time column's name only.
pub(in crate::load) fn column_name(raw: &str) -> (String, Option<Zone>) {
    let seen = header_seen(raw);
    let name = seen.trim();
    if let Some(open) = name.find(" [") {
        let mark = &name[open + 1..];
        let zone = zone_of(mark.trim_start_matches('[').trim_end_matches(']'), mark);
        return (name[..open].trim_end().to_owned(), zone);
    }
    if let Some(open) = name.rfind(" (").filter(|_| name.ends_with(')')) {
        let column = name[..open].trim_end();
        let mark = &name[open + 1..];
        let inner = &mark[1..mark.len() - 1];
        if ZONED_IN_PARENTHESES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(column))
            && let Some(zone) = zone_of(inner, mark)
        {
            return (column.to_owned(), Some(zone));
        }
    }
    let utc = name.to_ascii_lowercase().contains("(utc)");
    (name.to_owned(), utc.then_some(Zone::Utc))
}

/// The zone a header's mark names (`UTC`, `Local Time`, `UTC+01:00`, `GMT-5`, `UTC +0530`);
/// None when it names none.
fn zone_of(inner: &str, mark: &str) -> Option<Zone> {
    let lower = inner.trim().to_ascii_lowercase();
    if lower.contains("local") {
        return Some(Zone::Local(mark.to_owned()));
    }
    let rest = ["utc", "gmt"]
        .iter()
        .find_map(|z| lower.find(z).map(|at| lower[at + 3..].trim_start()))?;
    if rest.is_empty() {
        return Some(Zone::Utc);
    }
    let sign = match rest.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        // `[UTC] x`, `[UTC time]`: UTC, as before.
        _ => return Some(Zone::Utc),
    };
    Some(match offset_of(rest[1..].trim_start()) {
        Some(seconds) => Zone::Offset(sign * seconds, mark.to_owned()),
        None => Zone::Invalid(mark.to_owned()),
    })
}

/// `01:00`, `1`, `0100`, `5:30` → seconds; None past 14 hours or off the quarter hours.
fn offset_of(text: &str) -> Option<i64> {
    let (h, m) = match text.split_once(':') {
        Some((h, m)) => (h, m),
        None if text.len() > 2 => text.split_at(text.len() - 2),
        None => (text, "0"),
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let seconds = h * 3600 + m * 60;
    (m < 60 && m % 15 == 0 && seconds <= 14 * 3600).then_some(seconds)
}

/// A header cell as it reads: invisible characters removed (a zero-width space, a byte order
/// mark inside the text, a bidi mark: `neutralize::is_invisible` and the bidi controls) and
/// look-alike spaces (a no-break space) as spaces. A spreadsheet or a copy from a web page
/// leaves such characters in a header (breaker 12 #9: `AuditData\u{200b}`), and an export
/// read without its AuditData column gives every STS record as a near miss "no
/// ModifiedProperties": a column named so is the column it reads as, and the load says so
/// ([`header_unseen`]).
fn header_seen(raw: &str) -> std::borrow::Cow<'_, str> {
    let odd = |c: char| is_unseen(c) || crate::neutralize::is_lookalike_space(c);
    // A byte order mark at the start is the file's (or a joined export's): trimmed, and said
    // by `header_unseen` when it is not the first column's.
    let body = raw.trim_start_matches('\u{feff}');
    if !body.chars().any(odd) {
        return std::borrow::Cow::Borrowed(body);
    }
    std::borrow::Cow::Owned(
        body.chars()
            .filter(|&c| !is_unseen(c))
            .map(|c| {
                if crate::neutralize::is_lookalike_space(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A character that shows nothing in a header: removed when the header is matched.
fn is_unseen(c: char) -> bool {
    crate::neutralize::is_invisible(c)
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The notice of a header cell read after removing invisible characters or reading a
/// look-alike space as a space ([`header_seen`]), naming the column as written (escaped)
/// and as read; None for a cell that holds none (the first cell may start with the file's
/// byte order mark).
pub(super) fn header_unseen(column: usize, raw: &str) -> Option<String> {
    let seen = header_seen(raw);
    // A byte order mark before another column than the first is inside the header line (two
    // exports joined, a cell pasted): said too.
    let inner_bom = column > 0 && raw.starts_with('\u{feff}');
    if matches!(seen, std::borrow::Cow::Borrowed(_)) && !inner_bom {
        return None;
    }
    Some(format!(
        "header: column {} is written \"{}\", with invisible characters or look-alike spaces: \
         read as the column \"{}\"",
        column + 1,
        // As written (escaped), but the line end.
        crate::neutralize::neutralize(raw.trim_matches(|c: char| c.is_ascii_whitespace())),
        crate::neutralize::neutralize(seen.trim())
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_and_look_alike_spaces_are_read_out_of_a_header_and_said() {
        for raw in [
            "AuditData\u{200b}",
            "Audit\u{feff}Data",
            "\u{a0}AuditData\u{a0}",
            "\u{200e}AuditData\r",
        ] {
            assert_eq!(column_name(raw).0, "AuditData", "{raw:?}");
            let said = header_unseen(5, raw).unwrap();
            assert!(said.starts_with("header: column 6 is written \""), "{said}");
            assert!(said.ends_with("read as the column \"AuditData\""), "{said}");
            assert!(
                !said.chars().any(crate::neutralize::is_dangerous),
                "{said:?}"
            );
        }
        assert!(header_unseen(5, "\u{feff}AuditData").is_some());
        // The file's own byte order mark, plain spaces and case are read in silence.
        for raw in ["\u{feff}RecordId", " AuditData ", "auditdata\r"] {
            assert_eq!(header_unseen(0, raw), None, "{raw:?}");
        }
        assert_eq!(
            column_name("TimeGenerated\u{a0}[UTC]"),
            ("TimeGenerated".to_owned(), Some(Zone::Utc))
        );
    }

    #[test]
    fn a_header_naming_an_offset_from_utc_gives_it() {
        let offset = |s, m: &str| Some(Zone::Offset(s, m.to_owned()));
        for (raw, name, zone) in [
            ("TimeGenerated [UTC]", "TimeGenerated", Some(Zone::Utc)),
            ("Timestamp (UTC)", "Timestamp", Some(Zone::Utc)),
            ("TimeGenerated (UTC)", "TimeGenerated", Some(Zone::Utc)),
            ("Date (UTC)", "Date (UTC)", Some(Zone::Utc)),
            (
                "Timestamp [Local Time]",
                "Timestamp",
                Some(Zone::Local("[Local Time]".to_owned())),
            ),
            (
                "TimeGenerated [UTC+01:00]",
                "TimeGenerated",
                offset(3600, "[UTC+01:00]"),
            ),
            (
                "Timestamp (UTC+01:00)",
                "Timestamp",
                offset(3600, "(UTC+01:00)"),
            ),
            ("Timestamp [UTC+1]", "Timestamp", offset(3600, "[UTC+1]")),
            (
                "Timestamp [UTC+0100]",
                "Timestamp",
                offset(3600, "[UTC+0100]"),
            ),
            (
                "Timestamp [GMT+01:00]",
                "Timestamp",
                offset(3600, "[GMT+01:00]"),
            ),
            (
                "TimeGenerated [UTC-05:00]",
                "TimeGenerated",
                offset(-18000, "[UTC-05:00]"),
            ),
            (
                "Timestamp [UTC +5:30]",
                "Timestamp",
                offset(19800, "[UTC +5:30]"),
            ),
            (
                "Timestamp [UTC+99:00]",
                "Timestamp",
                Some(Zone::Invalid("[UTC+99:00]".to_owned())),
            ),
            (
                "Timestamp [UTC+01:07]",
                "Timestamp",
                Some(Zone::Invalid("[UTC+01:07]".to_owned())),
            ),
            // A parenthesis that names no zone, or after another column's name, stays in it.
            ("Timestamp (copy)", "Timestamp (copy)", None),
            ("City (UTC+01:00)", "City (UTC+01:00)", None),
        ] {
            assert_eq!(column_name(raw), (name.to_owned(), zone), "{raw}");
        }
    }
}
