//! A CSV export's header and what it decides (the kind of rows, the column index, the
//! dates' columns), and the header of another export joined after the first (`cat a.csv
//! b.csv > all.csv`, an export job run again and appended with `>>`): breaker 14 #1 found
//! the second header read as a record and the second export's rows read under the first
//! header, with no word — STS events lost (a field count that differs: skipped) or values
//! swapped between columns (object id ↔ name, IP ↔ ISP: false hints, wrong journal keys).
//!
//! A row is a new header when each of its cells reads as a column name (after the same
//! clean-up as the first header's: a byte order mark, invisible characters, `[UTC]`) and
//! the names make a shape the first header's recogniser knows ([`CsvKind`]). The rows after
//! it are read under it, as Kusto reads each export loaded on its own. A data row never
//! passes: every shape has a time column, whose cells hold digits first or a `:`/`,`, and
//! the first byte of the first cell rules out most rows before any name is compared
//! ([`may_be_header`]).

use std::collections::HashMap;

use super::dup_columns::DupColumns;
use super::header_name::{Zone, column_name, header_unseen};
use super::{CsvKind, cell, is_ual_columns};
use crate::load::entracsv;

/// What was said of the header the rows are read under, by an earlier read of the same file
/// (follow mode feeds the header again before each poll's rows: its notes were said once
/// per poll).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeaderSaid {
    /// Its notes (invisible characters in a name, a column named twice).
    pub notes: bool,
    /// That a column the query needs is missing (said at the first STS row).
    pub missing_column: bool,
}

/// A header line and what it decides for the rows under it.
pub(super) struct Head {
    /// The header as read (cells unquoted), to tell the same header written again.
    pub record: csv::ByteRecord,
    /// The names rows are read under (the Entra download's in the Graph shape).
    pub headers: Vec<String>,
    /// The names as the file spells them (for messages).
    pub labels: Vec<String>,
    /// What each column's name says of its zone (`[UTC]`, `(UTC)`, `[Local Time]`).
    pub zones: Vec<Option<Zone>>,
    /// The names as the file writes them, cleaned (the Entra download's rows, by name).
    pub original: Vec<String>,
    pub kind: CsvKind,
    /// Column index by lower-case name.
    pub index: HashMap<String, usize>,
    pub dups: DupColumns,
    /// A column the query needs that the export left out (said at the first STS row).
    pub missing_column: Option<&'static str>,
}

impl Head {
    /// Reads `record` as a header: `Err` with its names (joined by `,`) when they make no
    /// shape this reader knows.
    pub fn new(record: &csv::ByteRecord) -> Result<Self, String> {
        let (names, zones): (Vec<String>, Vec<Option<Zone>>) = record
            .iter()
            .map(|h| column_name(&String::from_utf8_lossy(h)))
            .unzip();
        let labels = names.clone();
        let entra_download = entracsv::is_entra_download(&names);
        // The Entra download's rows are put in the Graph shape; its date column is named there.
        let headers = if entra_download {
            entracsv::graph_headers(&names)
        } else {
            names.clone()
        };
        let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let kind = if let Some(data_col) = find("AuditData") {
            CsvKind::AuditData { data_col }
        } else if entra_download {
            CsvKind::EntraDownload
        } else if find("ActionType").is_some()
            || find("tokenMinutesAdded").is_some()
            || find("OperationName").is_some()
            || find("ActivityDisplayName").is_some()
            || is_ual_columns(&find)
        {
            CsvKind::Columns
        } else {
            return Err(headers.join(","));
        };
        // An export of the displayed columns only (Sentinel's "Export to CSV (displayed
        // columns)", a portal view without RawEventData or TargetResources): its rows are
        // read, but the column the query takes the token times from is not there.
        let missing_column = if kind != CsvKind::Columns || find("tokenMinutesAdded").is_some() {
            None
        } else if find("ActionType").is_some() && find("RawEventData").is_none() {
            Some("RawEventData")
        } else if (find("OperationName").is_some() || find("ActivityDisplayName").is_some())
            && find("TargetResources").is_none()
        {
            Some("TargetResources")
        } else {
            None
        };
        let dups = DupColumns::new(&headers, |h| h.eq_ignore_ascii_case("AuditData"));
        let index = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_ascii_lowercase(), i))
            .collect();
        Ok(Self {
            record: record.clone(),
            headers,
            labels,
            zones,
            original: names,
            kind,
            index,
            dups,
            missing_column,
        })
    }

    /// What the header says of itself: a name with invisible characters (each), a column
    /// named twice. Said of the file (no line), so that `--strict`'s first problem is a row's.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .record
            .iter()
            .enumerate()
            .filter_map(|(i, h)| header_unseen(i, &String::from_utf8_lossy(h)))
            .collect();
        if !self.dups.is_empty() {
            notes.push(self.dups.header_message());
        }
        notes
    }

    /// What `record`, met among the rows, is: a row (nearly always, told by its first
    /// byte), this header again, the header of another export joined after this one's
    /// rows, or a row of names that make no shape known here.
    pub fn look_at(&self, record: &csv::ByteRecord) -> Seen {
        let plain = may_be_header(record, false);
        if !plain && !may_be_header(record, true) {
            return Seen::Row;
        }
        let Ok(next) = Self::new(record) else {
            // Only plain names point the rows skipped after them at a header of a shape
            // not known here: cells with other characters are a row's as likely.
            return if plain { Seen::NameLike } else { Seen::Row };
        };
        let same = next.original.len() == self.original.len()
            && next
                .original
                .iter()
                .zip(&self.original)
                .all(|(a, b)| a.eq_ignore_ascii_case(b));
        if same {
            Seen::Same
        } else {
            Seen::Joined(Box::new(next))
        }
    }

    /// How `next`, the header of a joined export, differs from this one (for the notice).
    pub fn change_to(&self, next: &Self) -> String {
        let lower = |names: &[String]| {
            let mut v: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            v.sort_unstable();
            v
        };
        if lower(&self.original) == lower(&next.original) {
            format!("the same {} columns in another order", next.original.len())
        } else if next.original.len() == self.original.len() {
            "other columns than the first header's".to_owned()
        } else {
            format!(
                "{} columns where the first header has {}",
                next.original.len(),
                self.original.len()
            )
        }
    }
}

/// What a row met among the rows is ([`Head::look_at`]).
pub(super) enum Seen {
    Row,
    /// The same names (another case, a byte order mark, invisible characters).
    Same,
    /// Another export's header.
    Joined(Box<Head>),
    /// Every cell a name, of no shape known here.
    NameLike,
}

/// Whether a record met among the rows is an export's header, as [`Head::look_at`] reads
/// it (this header again, or another export's joined after its rows): the CSV framer frames
/// the rows after it by its number of columns.
pub(in crate::load) fn is_export_header(record: &csv::ByteRecord) -> bool {
    let unmarked = unmarked(record);
    let record = unmarked.as_ref().unwrap_or(record);
    may_be_header(record, true) && Head::new(record).is_ok()
}

/// A row as a header is read: when its first cell is a UTF-8 byte order mark before a
/// quoted name (`\u{feff}"RecordId"`, an export joined after another, each written with
/// its mark and every field quoted), that cell without the mark and unquoted. The csv
/// reader takes a quote as one only at a cell's start, so the mark kept the quotes in the
/// name and the header again was read as a record (breaker16 #10). `None`: read as it is.
pub(super) fn unmarked(record: &csv::ByteRecord) -> Option<csv::ByteRecord> {
    let marked = record.get(0)?.strip_prefix(b"\xef\xbb\xbf")?;
    let quoted = marked.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let mut name = Vec::with_capacity(quoted.len());
    let mut at = 0;
    while at < quoted.len() {
        name.push(quoted[at]);
        // A quote inside is written twice.
        at += if quoted[at..].starts_with(b"\"\"") {
            2
        } else {
            1
        };
    }
    let mut out = csv::ByteRecord::new();
    out.push_field(&name);
    for cell in record.iter().skip(1) {
        out.push_field(cell);
    }
    out.set_position(record.position().cloned());
    Some(out)
}

/// Whether every cell of `record` can be a column name: a letter first (after a byte order
/// mark or another invisible character, whose bytes are not ASCII), then letters, digits,
/// spaces and `_.()[]/-`; at least two cells, none empty but a trailing one (an export's
/// trailing delimiter). The first byte of the first cell is looked at before anything else:
/// most rows start with a digit (a time, an id) or a quote's content with a `:` or `,`.
/// `odd`: the other names may hold any character (a comma or a quote in a quoted name, a
/// control character even first: breaker16 #4, where the header of the export joined
/// second was read as a row and every row after it skipped), when one of them is a name
/// that decides a shape ([`SHAPE_NAMES`]) and none is a value only rows hold: a time (a
/// digit and a `:`) or JSON (`{`, `[` first). The header's recogniser ([`Head::new`])
/// decides such rows, never [`Seen::NameLike`].
fn may_be_header(record: &csv::ByteRecord, odd: bool) -> bool {
    // A header is short; a row with a record (AuditData, RawEventData) in it is not.
    const LONGEST: usize = 16 << 10;
    if record.len() < 2 || record.as_slice().len() > LONGEST {
        return false;
    }
    let starts_as_name = |c: &[u8]| {
        c.first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80)
    };
    if !starts_as_name(cell(record, 0)) {
        return false;
    }
    let last = record.len() - 1;
    let names = (0..record.len()).all(|i| {
        let c = cell(record, i);
        if c.is_empty() {
            return i == last && i > 1;
        }
        let value = || {
            matches!(c.first(), Some(b'{' | b'['))
                || (c.contains(&b':') && c.iter().any(u8::is_ascii_digit))
        };
        (odd && !value())
            || (starts_as_name(c)
                && c.iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b >= 0x80 || b" _.()[]/-".contains(&b)))
    });
    names
        && (!odd
            || record.iter().any(|c| {
                SHAPE_NAMES
                    .iter()
                    .any(|n| c.trim_ascii().eq_ignore_ascii_case(n.as_bytes()))
            }))
}

/// Names one of which a header of each shape [`Head::new`] knows has, as the export writes
/// it.
pub(in crate::load) const SHAPE_NAMES: [&str; 7] = [
    "AuditData",
    "ActionType",
    "tokenMinutesAdded",
    "OperationName",
    "ActivityDisplayName",
    "Operation",
    "Activity",
];

/// A row that is a part's head again, in exports joined one after another: PowerShell's
/// `#TYPE` line, or the header itself (cell for cell, a UTF-8 BOM before it passed over).
pub(super) fn repeated_head(
    record: &csv::ByteRecord,
    header: &csv::ByteRecord,
) -> Option<&'static str> {
    let first = cell(record, 0);
    let first = first.strip_prefix(b"\xef\xbb\xbf").unwrap_or(first);
    if first.starts_with(b"#TYPE ") && record.len() <= 2 {
        return Some("PowerShell's #TYPE line");
    }
    let same = record.len() == header.len()
        && first == cell(header, 0)
        && (1..record.len()).all(|i| cell(record, i) == cell(header, i));
    same.then_some("the header")
}

/// A header as a line to read again (each name quoted, with the file's delimiter).
pub(super) fn header_line(record: &csv::ByteRecord, delimiter: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..record.len() {
        if i > 0 {
            out.push(delimiter);
        }
        out.push(b'"');
        for &b in cell(record, i) {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    }
    out.push(b'\n');
    out
}

/// What a row skipped for its field count adds to its warning: that it holds the STS
/// operation's name (an STS event lost unless the export is read again), and the line
/// before it whose cells are all names when the row has that line's field count (another
/// export's header, of a shape not known here).
pub(super) fn skipped_row_note(
    record: &csv::ByteRecord,
    name_like: Option<(u64, usize)>,
) -> String {
    let mut note = String::new();
    if crate::load::json::holds_sts_operation(record.as_slice()) {
        note.push_str("; it holds the STS operation's name (StsRefreshTokenValidFrom)");
    }
    if let Some((line, fields)) = name_like.filter(|&(_, n)| n == record.len()) {
        note.push_str(&format!(
            "; it has the {fields} fields of line {line}, whose cells are all names: another \
             export's header, joined after the first?"
        ));
    }
    note
}

/// The delimiter named by Excel's first line `sep=;` (also `sep=,`, `sep=|`, a tab), which
/// files written for Excel carry so that it splits them whatever the locale.
pub fn excel_sep_line(head: &[u8]) -> Option<u8> {
    let line = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line {
        [s, e, p, b'=', d] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") && b",;|\t".contains(d) => {
            Some(*d)
        }
        _ => None,
    }
}

/// The field delimiter, decided from the header line: `,`, `;` (Excel in European locales,
/// `Export-Csv -UseCulture`), tab (`-Delimiter "`t"`) or `|` (`-Delimiter '|'`, chosen by
/// scripts because AuditData is full of commas), whichever separates the most
/// fields outside quotes; `,` on a tie or when there is none.
pub(super) fn header_delimiter(head: &[u8]) -> u8 {
    let line = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
    let delimiters = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            _ => {
                if let Some(i) = delimiters.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
        }
    }
    let mut best = 0;
    for i in 1..delimiters.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    delimiters[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(cells: &[&str]) -> csv::ByteRecord {
        csv::ByteRecord::from(cells.to_vec())
    }

    const PORTAL: [&str; 4] = ["Timestamp", "ActionType", "AccountObjectId", "RawEventData"];

    #[test]
    fn a_header_in_another_order_is_a_new_header_and_a_row_never_is() {
        let first = Head::new(&rec(&PORTAL)).unwrap();
        let reordered = rec(&["Timestamp", "AccountObjectId", "ActionType", "RawEventData"]);
        let Seen::Joined(next) = first.look_at(&reordered) else {
            panic!("not a header")
        };
        assert_eq!(next.headers[1], "AccountObjectId");
        assert_eq!(
            first.change_to(&next),
            "the same 4 columns in another order"
        );
        // The same header again (another case, a BOM) is not a new one.
        let again = rec(&[
            "\u{feff}timestamp",
            "ActionType",
            "AccountObjectId",
            "RawEventData",
        ]);
        assert!(matches!(first.look_at(&again), Seen::Same));
        // Rows: an ISO time first, a portal time, a name first but a record in a cell.
        for row in [
            ["2025-10-10T11:00:05Z", "ActionType", "x", "{}"],
            ["Oct 1, 2025 2:31:58 PM", "ActionType", "x", "{}"],
            ["Allan Deyoung", "ActionType", "06597d38-f4e2", "{\"a\":1}"],
        ] {
            assert!(matches!(first.look_at(&rec(&row)), Seen::Row), "{row:?}");
        }
    }

    #[test]
    fn the_shape_may_change_and_a_name_with_an_invisible_character_still_counts() {
        let first = Head::new(&rec(&PORTAL)).unwrap();
        let purview = rec(&["CreationDate", "UserIds", "Operations", "Audit\u{200b}Data"]);
        let Seen::Joined(next) = first.look_at(&purview) else {
            panic!("not a header")
        };
        assert_eq!(next.kind, CsvKind::AuditData { data_col: 3 });
        assert_eq!(next.notes().len(), 1, "the invisible character is said");
        assert_eq!(
            first.change_to(&next),
            "other columns than the first header's"
        );
        // Names of no shape known here.
        let unknown = rec(&["Allan", "Deyoung", "Contoso", "Networks"]);
        assert!(matches!(first.look_at(&unknown), Seen::NameLike));
    }

    #[test]
    fn names_with_a_comma_a_quote_or_a_control_character_make_a_header_and_rows_stay_rows() {
        let first = Head::new(&rec(&[
            "CreationDate",
            "UserIds",
            "Operations",
            "AuditData",
        ]))
        .unwrap();
        for odd in ["a,b", "a\"b", "a\x1bb", "\x1b[31mX\x07"] {
            let Seen::Joined(next) =
                first.look_at(&rec(&[PORTAL[0], PORTAL[1], PORTAL[2], PORTAL[3], odd]))
            else {
                panic!("{odd:?}: not a header")
            };
            assert_eq!(next.headers.len(), 5, "{odd:?}");
        }
        // Rows with such cells: a time, JSON, no name that decides a shape.
        for row in [
            ["Oct 1, 2025 2:31:58 PM", "ActionType", "x,y", "a\"b"],
            ["Allan Deyoung", "ActionType", "x,y", "[1]"],
            ["Allan, Deyoung", "Update user.", "x\x1b", "y\"z"],
        ] {
            assert!(matches!(first.look_at(&rec(&row)), Seen::Row), "{row:?}");
        }
    }
}
