//! A JSON column written without quotes (PowerShell 7 `Export-Csv -UseQuotes Never`): every
//! comma of the AuditData JSON splits it into more fields, and the quotes at the start of
//! the pieces are read as CSV quoting, so the row cannot be put back together faithfully.
//! Such rows are reported and skipped as any row of the wrong length is, with the likely
//! cause named.

/// The cause said with a row that has more fields than the header, when its JSON column (or
/// a cell just after it) starts an object that its own field does not finish: `None` for
/// any other row.
pub(super) fn likely_cause(
    record: &csv::ByteRecord,
    header_len: usize,
    data_col: usize,
) -> Option<&'static str> {
    // The JSON column, or a few cells after it when a column before it held the delimiter
    // too (such a row cannot be framed by the column's place: the framer left it as it is).
    let split = record.iter().skip(data_col).take(4).any(|cell| {
        cell.trim_ascii_start().starts_with(b"{")
            && serde_json::from_slice::<serde::de::IgnoredAny>(cell).is_err()
    });
    (record.len() > header_len && split).then_some(
        " (its JSON column written without quotes, as Export-Csv -UseQuotes Never does, is \
         split at its commas: export with quotes)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_column_split_at_its_commas_is_named() {
        let row = csv::ByteRecord::from(vec!["8", "{\"Id\":\"a\"", "Operation:\"x\"}", "1"]);
        assert!(likely_cause(&row, 3, 1).is_some());
        // A comma in the column before it moves the JSON one cell on.
        let row = csv::ByteRecord::from(vec!["Berg", " Zoe", "{\"Id\":\"a\"", "O:\"x\"}", "1"]);
        assert!(likely_cause(&row, 3, 1).is_some());
        // A whole object, or a row of the header's length, is something else.
        let row = csv::ByteRecord::from(vec!["8", "{}", "x", "1"]);
        assert!(likely_cause(&row, 3, 1).is_none());
        let row = csv::ByteRecord::from(vec!["8", "{\"Id\"", "1"]);
        assert!(likely_cause(&row, 3, 1).is_none());
    }
}
