//! Rows whose JSON column was written without quotes (PowerShell 7 `Export-Csv -UseQuotes
//! Never`: "don't quote anything"), put back into quoted CSV where the columns can be framed
//! without doubt: every comma of the AuditData or RawEventData JSON splits it, and the quotes
//! that begin its pieces would read as CSV quoting. The row is framed by the JSON column's
//! place: the columns before it and after it are the header's, none of them holds a quote,
//! and the pieces between them, joined again by the delimiter, are one whole JSON object.
//! Any other row (a comma in another column, JSON written over several lines) is left as it
//! is, and reported as a row of the wrong length with the likely cause.

/// True when `line` may be such a row (cheap: it runs on every line of a file whose header
/// has a JSON column): its JSON column, counted by delimiters alone, starts with `{`, and
/// the line has more delimiters than the header.
pub(super) fn may_need(line: &[u8], json_col: usize, width: usize, delimiter: u8) -> bool {
    let mut at = 0;
    for _ in 0..json_col {
        match memchr::memchr(delimiter, &line[at..]) {
            Some(i) => at += i + 1,
            None => return false,
        }
    }
    line.get(at) == Some(&b'{') && memchr::memchr_iter(delimiter, line).count() >= width
}

/// The row as quoted CSV, when it can be framed without doubt (see the module's comment).
pub(super) fn requote(
    line: &[u8],
    json_col: usize,
    width: usize,
    delimiter: u8,
) -> Option<Vec<u8>> {
    if !may_need(line, json_col, width, delimiter) {
        return None;
    }
    let content = super::quoting::trim_end(line);
    let ending = &line[content.len()..];
    let fields: Vec<&[u8]> = content.split(|&b| b == delimiter).collect();
    let after = width.checked_sub(json_col + 1)?;
    let json_end = fields.len().checked_sub(after)?;
    if json_end <= json_col {
        return None;
    }
    let (before, rest) = fields.split_at(json_col);
    let (json, tail) = rest.split_at(json_end - json_col);
    if before.iter().chain(tail).any(|f| f.contains(&b'"')) {
        return None;
    }
    let json = json.join(&delimiter);
    if !json.ends_with(b"}") || serde_json::from_slice::<serde::de::IgnoredAny>(&json).is_err() {
        return None;
    }
    let mut out = Vec::with_capacity(line.len() + json.len() / 8 + 4);
    for f in before {
        out.extend_from_slice(f);
        out.push(delimiter);
    }
    out.push(b'"');
    for &b in &json {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
    for f in tail {
        out.push(delimiter);
        out.extend_from_slice(f);
    }
    out.extend_from_slice(ending);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_column_written_without_quotes_is_framed_by_its_place() {
        let line = b"8,{\"Id\":\"a\",\"Operation\":\"x, y\"},1,\r\n";
        let fixed = requote(line, 1, 4, b',').unwrap();
        assert_eq!(
            fixed,
            b"8,\"{\"\"Id\"\":\"\"a\"\",\"\"Operation\"\":\"\"x, y\"\"}\",1,\r\n".to_vec()
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&fixed[..]);
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[1], "{\"Id\":\"a\",\"Operation\":\"x, y\"}");
        assert_eq!(row.len(), 4);
    }

    #[test]
    fn rows_that_cannot_be_framed_without_doubt_are_left_as_they_are() {
        // A comma in a column before the JSON: its pieces are no whole object.
        assert!(requote(b"8,a,b,{\"Id\":\"a\",\"O\":1},1\n", 2, 4, b',').is_none());
        // A quote in another column, JSON cut short, a row of the header's length.
        assert!(requote(b"\"8\",{\"Id\":\"a\",\"O\":1},1\n", 1, 3, b',').is_none());
        assert!(requote(b"8,{\"Id\":\"a\",\"O\":1,1\n", 1, 3, b',').is_none());
        assert!(requote(b"8,{\"Id\":1},1\n", 1, 3, b',').is_none());
        // A quoted JSON column (the usual export) is never touched.
        assert!(!may_need(
            b"8,\"{\"\"Id\"\":1,\"\"O\"\":2}\",1\n",
            1,
            3,
            b','
        ));
    }
}
