//! The name a CSV header cell is read as: `TimeGenerated [UTC]` → `TimeGenerated` and its
//! zone; a byte order mark and white space trimmed; invisible characters removed and
//! look-alike spaces read as spaces, which the load says (breaker 12 #9: a header
//! `AuditData\u{200b}` left every STS record of the export a near miss "no
//! ModifiedProperties", its record in a column not recognised).

/// `TimeGenerated [UTC]` → `TimeGenerated`; BOM and white space trimmed, invisible
/// characters removed and look-alike spaces read as spaces ([`header_unseen`]). The zone the
/// header names: `Some(true)` local time (`[Local Time]`, `[UTC+01:00]`), `Some(false)` UTC
/// (`[UTC]`, `Date (UTC)`), `None` unmarked.
pub(in crate::load) fn column_name(raw: &str) -> (String, Option<bool>) {
    let seen = header_seen(raw);
    let name = seen.trim();
    if let Some(open) = name.find(" [") {
        let zone = name[open..].to_ascii_lowercase();
        // `[UTC+01:00]` names a zone other than UTC: its times are local ones, whose offset
        // the records' CreationTime tells; read as UTC they were an hour off, with nothing
        // said.
        let offset = zone
            .find("utc")
            .is_some_and(|at| zone[at + 3..].trim_start().starts_with(['+', '-']));
        let marked = if zone.contains("local") || offset {
            Some(true)
        } else {
            zone.contains("utc").then_some(false)
        };
        return (name[..open].to_owned(), marked);
    }
    let utc = name.to_ascii_lowercase().contains("(utc)");
    (name.to_owned(), utc.then_some(false))
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
            ("TimeGenerated".to_owned(), Some(false))
        );
    }

    #[test]
    fn a_header_naming_an_offset_from_utc_is_local_time() {
        for (raw, local) in [
            ("TimeGenerated [UTC]", Some(false)),
            ("TimeGenerated [Local Time]", Some(true)),
            ("TimeGenerated [UTC+01:00]", Some(true)),
            ("TimeGenerated [UTC-05:00]", Some(true)),
            ("Timestamp [UTC +5:30]", Some(true)),
        ] {
            assert_eq!(column_name(raw).1, local, "{raw}");
        }
    }
}
