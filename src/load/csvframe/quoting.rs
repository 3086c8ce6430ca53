//! Quotes in CSV lines, read with the csv reader's rules (RFC 4180 as the csv crate reads
//! it: a quote opens a cell only at the start of a field, `""` in a quoted cell is a quote,
//! any other quote is text).

/// The line without its line end.
pub(super) fn trim_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether a quoted cell is still open at the end of `line`, given whether one was open at
/// its start: the csv reader's rules (a quote opens a cell only at the start of a field,
/// `""` in a quoted cell is a quote, a quote elsewhere is text).
pub(super) fn ends_inside(line: &[u8], delimiter: u8, mut inside: bool) -> bool {
    let mut escaped = false;
    for p in memchr::memchr_iter(b'"', line) {
        if escaped {
            escaped = false;
        } else if inside {
            if line.get(p + 1) == Some(&b'"') {
                escaped = true;
            } else {
                inside = false;
            }
        } else if p == 0 || line[p - 1] == delimiter {
            inside = true;
        }
    }
    inside
}

/// A record's fields, read with the csv reader's rules.
pub(super) struct Shape {
    pub fields: usize,
    /// Every closing quote is followed by a delimiter or the end.
    pub well_formed: bool,
    /// Well formed, and no quote is text (every quote is in a quoted cell, as exports
    /// write them).
    pub strict: bool,
    /// The record ends inside a quoted cell.
    pub open: bool,
}

pub(super) fn shape(record: &[u8], delimiter: u8) -> Shape {
    let mut fields = 1;
    let mut well_formed = true;
    let mut stray = false;
    let mut inside = false;
    let mut field_start = true;
    let mut i = 0;
    while i < record.len() {
        let b = record[i];
        if inside {
            if b == b'"' {
                if record.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                inside = false;
                if record.get(i + 1).is_some_and(|&n| n != delimiter) {
                    well_formed = false;
                }
            }
        } else if b == delimiter {
            fields += 1;
            field_start = true;
            i += 1;
            continue;
        } else if b == b'"' {
            if field_start {
                inside = true;
            } else {
                stray = true;
            }
        }
        field_start = false;
        i += 1;
    }
    Shape {
        fields,
        well_formed,
        strict: well_formed && !stray,
        open: inside,
    }
}

/// The length of the whole lines at the front of `bytes` that close every quoted cell and are
/// within the record limit, and how many they are; it stops before a row whose JSON column
/// (`json`: its index and the header's width) may be written without quotes.
pub(super) fn whole_closed_lines(
    bytes: &[u8],
    limit: usize,
    delimiter: u8,
    json: Option<(usize, usize)>,
) -> (usize, u64) {
    let mut at = 0;
    let mut lines = 0;
    while let Some(nl) = memchr::memchr(b'\n', &bytes[at..]) {
        let line = &bytes[at..at + nl + 1];
        // The csv reader's own rule, not the parity of the quotes: `a,b"c,"d` has two
        // quotes yet leaves a quoted cell open (a quote inside an unquoted cell is text).
        // A row whose JSON column may be written without quotes goes to the slow path.
        if line.len() > limit
            || ends_inside(line, delimiter, false)
            || may_be_header_line(line, delimiter)
            || json
                .is_some_and(|(col, width)| super::requote::may_need(line, col, width, delimiter))
        {
            break;
        }
        at += nl + 1;
        lines += 1;
    }
    (at, lines)
}

/// Whether a line may be an export's header, joined after another export's rows (`cat
/// a.csv b.csv`): a letter first (after a quote or a byte order mark), then only what
/// column names and the cells around them hold (letters, digits, blanks, `_.()[]/-`,
/// quotes, delimiters), and short. Such a line goes to the slow path, which reads it as a
/// header or not ([`super::Framer`]): the rows after a header of another width are framed
/// by its width. A row fails at its first byte (a digit of a time, an id) or within a few
/// (the `:` of a time, an `@`, a `{`). A line with other characters goes there too when it
/// holds no `{` and a name that decides a shape: a name may hold any character after the
/// first column's (breaker16 #4: `a,b`, `a"b`, `a<ESC>b`), as the header's reader takes it.
pub(super) fn may_be_header_line(line: &[u8], delimiter: u8) -> bool {
    const LONGEST: usize = 16 << 10;
    let body = trim_end(line);
    let start = body.iter().position(|&b| b != b'"').unwrap_or(body.len());
    let starts_as_name = body
        .get(start)
        .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80);
    if !starts_as_name || body.len() > LONGEST {
        return false;
    }
    let plain = body.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || b >= 0x80
            || b == delimiter
            || b == b'"'
            || b" _.()[]/-".contains(&b)
    });
    plain
        || (memchr::memchr(b'{', body).is_none()
            && crate::load::csvfile::SHAPE_NAMES
                .iter()
                .any(|n| memchr::memmem::find(body, n.as_bytes()).is_some()))
}
