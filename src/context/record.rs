//! The raw text of a related record, read back from its file by its place: the index keeps
//! no text (see the module above). The drill-down's context panel asks for one record at a
//! time, when the analyst opens it; the JSON report reads the event ids of those it lists.
//!
//! A record is found by its byte offset in the file's content as read ([`Place`]): a plain
//! file with one positioned read, a gzip file decompressed up to it (no offsets into a gzip
//! stream can be kept). From there one JSON value is read to its end: a JSON line, an element
//! of a JSON document (an array written on one line or pretty-printed, a Graph `value` page),
//! or the row of a Log Analytics table (`[v1, v2, …]`), given back as the loader read it, a
//! record of the table's column names ([`Layout::Rows`]). A CSV row is read from its first
//! line (a quoted cell may hold line breaks) and given back as a JSON object of the file's
//! header names and the row's values (JSON in a cell, such as AuditData, embedded as JSON).
//! Standard input, which cannot be read again, is read back from the copy kept of it
//! ([`super::stdin_copy`]).

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::record_id::id_of_text;
pub use super::record_id::record_id;
use super::stdin_copy;

/// Said after a cut record whose time, correlation, operation, actor or target could not
/// be read before the cut, so that it was not compared with what the load kept.
const NOT_CHECKED: &str = "\n(not checked against the load: its time, operation, actor and target are not all before the cut)";

/// Lines between two kept byte offsets.
pub const STRIDE: u64 = 4096;
/// The most bytes read for one record: a longer one is cut there, and says so.
pub const MAX_RECORD: usize = 4 << 20;

/// How the records of a file are written, from a content offset on, when they are not JSON
/// objects (the index keeps it once per file or table, not per record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// CSV rows: read back from their first line, with the file's header, split at
    /// `delimiter` (the loader's choice for the file: `,`, `;`, tab or `|`).
    Csv { delimiter: u8 },
    /// CSV rows after another export's header, joined after the first export's rows (`cat
    /// a.csv b.csv`): read back with the header at `header_line` (1-based, the file's).
    CsvUnder { header_line: u64, delimiter: u8 },
    /// The rows of a Log Analytics table (`{"tables":[{"name","columns","rows"}]}`), each
    /// `[v1, v2, …]`: rebuilt into the record the loader read (`load::tables::row_record`).
    Rows {
        columns: Vec<String>,
        /// The table is the query's own result: its null and empty cells are kept.
        keep_blank: bool,
    },
}

impl Layout {
    /// For CSV rows, the line of the header they are read under (`None`: the file's own, at
    /// its start) and the delimiter; `None` for JSON.
    fn csv_header(&self) -> Option<(Option<u64>, u8)> {
        match self {
            Layout::Csv { delimiter } => Some((None, *delimiter)),
            Layout::CsvUnder {
                header_line,
                delimiter,
            } => Some((Some(*header_line), *delimiter)),
            Layout::Rows { .. } => None,
        }
    }
}

/// Where a record is: its file, its byte offset in the file's content as read (decompressed),
/// its first line, and how the records there are written (`None`: JSON objects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: Arc<str>,
    pub offset: u64,
    pub line: u64,
    pub layout: Option<Arc<Layout>>,
    /// What the record held at the load, checked when it is read back (`None`: unchecked).
    pub expect: Option<Expect>,
}

/// What the context index kept of a JSON record at the load ([`super::Entry`]'s time,
/// correlation hash, operation, actor key and target as the index holds them): the record
/// read back at its place must give the same, else the file changed since the load
/// (rewritten, replaced by another export) and another record is there. The parties are
/// compared as the index interns them (ASCII case ignored, invalid UTF-8 as U+FFFD): a
/// record rewritten in place with its time and correlation id kept but another activity
/// or user was shown under its old title (breaker 13, finding 6). CSV rows (`layout`
/// set) are read back by line and not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub time: i64,
    pub correlation: u64,
    pub operation: Arc<str>,
    pub actor: Arc<str>,
    pub target: Arc<str>,
}

impl Expect {
    /// Whether the fields read back from the record now at the place are those kept.
    fn holds(&self, f: &super::extract::Fields<'_>) -> bool {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        f.time.unwrap_or(i64::MIN) == self.time
            && super::index::correlation_hash_bytes(&f.correlation) == self.correlation
            && text(&f.operation) == *self.operation
            && text(&f.actor).eq_ignore_ascii_case(&self.actor)
            && text(&f.target).eq_ignore_ascii_case(&self.target)
    }
}

impl fmt::Display for Place {
    /// `file:line (byte 1234)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (byte {})", self.file, self.line, self.offset)
    }
}

/// Reads related records back; keeps per file the byte offsets of lines already passed (for
/// CSV rows, read by line).
#[derive(Debug, Default)]
pub struct RecordReader {
    /// Per file: the byte offset of line `1 + k * STRIDE` at index `k`.
    lines: HashMap<Arc<str>, Vec<u64>>,
    /// The plain files opened, kept open for the next record (the JSON report reads many).
    open: HashMap<Arc<str>, Raw>,
    /// Whether each file asked about is read from its start ([`Self::is_streamed`]).
    streamed: HashMap<Arc<str>, bool>,
    /// The most bytes read for one record (`None`: [`MAX_RECORD`]; tests set less).
    limit: Option<usize>,
}

impl RecordReader {
    /// The record's text (JSON), or a line saying why it cannot be shown and where it is.
    pub fn read(&mut self, at: &Place) -> String {
        self.try_read(at)
            .unwrap_or_else(|e| format!("(the record could not be read back from {at}: {e})"))
    }

    /// A reader that reads at most `limit` bytes of a record (tests reach the cut with
    /// small records).
    #[cfg(test)]
    pub(crate) fn with_limit(limit: usize) -> Self {
        Self {
            limit: Some(limit),
            ..Self::default()
        }
    }

    /// The record's text (JSON), or why it cannot be read: among others
    /// [`crate::evidence::CHANGED_SINCE_LOAD`] when another record is at its place now.
    /// A record cut at [`MAX_RECORD`] whose checked fields are not all before the cut
    /// (a value nested a million levels deep written before them, 6 MB of brackets) is
    /// given cut, saying that it was not checked: the file did not change, and saying it
    /// did was a false claim on screen (breaker 13, finding 8).
    pub fn try_read(&mut self, at: &Place) -> io::Result<String> {
        let mut text = self.read_text(at)?;
        if let Some(x) = &at.expect
            && at.layout.is_none()
        {
            let cut = text.ends_with(CUT_END);
            let f = super::extract::json_record(text.as_bytes());
            if !x.holds(&f) {
                if !cut {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        crate::evidence::CHANGED_SINCE_LOAD,
                    ));
                }
                text.push_str(NOT_CHECKED);
            }
        }
        Ok(text)
    }

    fn limit(&self) -> usize {
        self.limit.unwrap_or(MAX_RECORD)
    }

    fn read_text(&mut self, at: &Place) -> io::Result<String> {
        let limit = self.limit();
        let path = &*at.file;
        if let Some(file) = self.open.get_mut(&at.file)
            && at.layout.is_none()
        {
            file.seek(SeekFrom::Start(at.offset))?;
            return value_at(&mut BufReader::with_capacity(4096, file), None, limit);
        }
        let csv = at.layout.as_deref().and_then(Layout::csv_header);
        if self.is_streamed(&at.file) {
            let mut r = content(path)?.reader;
            if let Some((header_line, delimiter)) = csv {
                skip_lines(&mut r, at.line.max(1) - 1)?;
                let skip = header_line.map(|l| l.max(1) - 1);
                let header = csv_header(&mut content(path)?.reader, skip, delimiter)?;
                return csv_row(&mut r, &header, delimiter);
            }
            skip_to(&mut r, at.offset)?;
            return value_at(&mut r, at.layout.as_deref(), limit);
        }
        let mut file = Raw::open(path)?;
        if let Some((header_line, delimiter)) = csv {
            let start = self.line_offset(&mut file, path, &at.file, at.line.max(1))?;
            file.seek(SeekFrom::Start(start))?;
            let mut head = Raw::open(path)?;
            if let Some(l) = header_line {
                let at_header = self.line_offset(&mut head, path, &at.file, l.max(1))?;
                head.seek(SeekFrom::Start(at_header))?;
            }
            let header = csv_header(&mut BufReader::new(head), header_line.map(|_| 0), delimiter)?;
            return csv_row(&mut BufReader::new(file), &header, delimiter);
        }
        let file = self.open.entry(at.file.clone()).or_insert(file);
        file.seek(SeekFrom::Start(at.offset))?;
        value_at(
            &mut BufReader::with_capacity(4096, file),
            at.layout.as_deref(),
            limit,
        )
    }

    /// The record's event id and the field it came from ([`record_id`]), `None` when it
    /// cannot be read back or has no id.
    pub fn id(&mut self, at: &Place) -> Option<(String, &'static str)> {
        let text = self.try_read(at).ok()?;
        match id_of_text(&text) {
            Ok(id) => id,
            Err(()) => record_id(&crate::json_depth::parse_value(&text).ok()?),
        }
    }

    /// True when the file's content is not its bytes, so that its records are read back by
    /// reading the content from its start: gzip-compressed (decompressed up to them) or in
    /// another encoding than UTF-8 (UTF-16, Windows-1252: decoded as the loader did, since
    /// offsets and lines count the decoded content, and a read by the raw bytes would land on
    /// another record). Many of its records are read in one pass ([`Self::ids_in_order`]),
    /// not one by one.
    pub fn is_streamed(&mut self, file: &Arc<str>) -> bool {
        *self
            .streamed
            .entry(file.clone())
            .or_insert_with(|| content(file).is_ok_and(|c| c.streamed))
    }

    /// The event ids ([`Self::id`]) of records of one file read from its start
    /// ([`Self::is_streamed`]), in one pass: `places` in offset order (a CSV row is read by
    /// its line, one by one).
    pub fn ids_in_order(&mut self, places: &[Place]) -> Vec<Option<(String, &'static str)>> {
        let Some(first) = places.first() else {
            return Vec::new();
        };
        let Ok(opened) = content(&first.file) else {
            return vec![None; places.len()];
        };
        let limit = self.limit();
        let mut r = BufReader::with_capacity(
            1 << 16,
            Counted {
                inner: opened.reader,
                pos: 0,
            },
        );
        places
            .iter()
            .map(|at| {
                if at.layout.as_deref().and_then(Layout::csv_header).is_some() {
                    return self.id(at);
                }
                let pos = r.get_ref().pos - r.buffer().len() as u64;
                let skip = at.offset.checked_sub(pos)?;
                io::copy(&mut (&mut r).take(skip), &mut io::sink()).ok()?;
                let text = value_at(&mut r, at.layout.as_deref(), limit).ok()?;
                match id_of_text(&text) {
                    Ok(id) => id,
                    Err(()) => record_id(&crate::json_depth::parse_value(&text).ok()?),
                }
            })
            .collect()
    }

    /// The byte offset where `line` (1-based) starts, from the nearest kept offset.
    fn line_offset(
        &mut self,
        file: &mut Raw,
        path: &str,
        name: &Arc<str>,
        line: u64,
    ) -> io::Result<u64> {
        let kept = self.lines.entry(name.clone()).or_insert_with(|| vec![0]);
        let k = usize::try_from((line - 1) / STRIDE).unwrap_or(usize::MAX);
        let from = k.min(kept.len() - 1);
        let mut offset = kept[from];
        let mut current = 1 + from as u64 * STRIDE;
        file.seek(SeekFrom::Start(offset))?;
        let mut r = BufReader::with_capacity(1 << 16, &mut *file);
        while current < line {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                return Err(io::Error::other(format!(
                    "{path} has only {current} lines now (changed since the load?)"
                )));
            }
            let mut used = buf.len();
            for i in memchr::memchr_iter(b'\n', buf) {
                current += 1;
                if (current - 1).is_multiple_of(STRIDE)
                    && kept.len() as u64 == (current - 1) / STRIDE
                {
                    kept.push(offset + i as u64 + 1);
                }
                if current == line {
                    used = i + 1;
                    break;
                }
            }
            offset += used as u64;
            r.consume(used);
        }
        Ok(offset)
    }
}

/// A reader that counts the bytes it gave.
struct Counted<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

fn skip_lines(r: &mut impl BufRead, mut n: u64) -> io::Result<()> {
    while n > 0 {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Err(io::Error::other("the file ends before the record's line"));
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                r.consume(i + 1);
                n -= 1;
            }
            None => {
                let len = buf.len();
                r.consume(len);
            }
        }
    }
    Ok(())
}

/// One CSV row from the reader's position, as a JSON object of the header's names.
fn csv_row(r: &mut impl BufRead, header: &[String], delimiter: u8) -> io::Result<String> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(r.take(MAX_RECORD as u64));
    let mut row = csv::StringRecord::new();
    if !csv.read_record(&mut row).map_err(io::Error::other)? {
        return Err(io::Error::other("no row at that line"));
    }
    let mut obj = Map::new();
    for (i, value) in row.iter().enumerate() {
        let name = header
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("column {}", i + 1));
        let v = match crate::json_depth::parse_value(value) {
            Ok(v @ (Value::Object(_) | Value::Array(_))) => v,
            _ => Value::String(value.to_owned()),
        };
        obj.insert(name, v);
    }
    Ok(Value::Object(obj).to_string())
}

/// The JSON value from the reader's position (blanks and separators before it passed over):
/// an object as written; a table's row rebuilt into its record when `layout` gives columns.
fn value_at(r: &mut impl BufRead, layout: Option<&Layout>, limit: usize) -> io::Result<String> {
    let text = match (layout, first_byte(r)?) {
        // A record written as a JSON string (a double-encoded log line): the loader read
        // the text it holds (`load::json::Ctx::text_line`), and so does the read-back.
        (None, Some(b'"')) => string_value(r)?,
        _ => json_value(r, limit)?,
    };
    match layout {
        Some(Layout::Rows {
            columns,
            keep_blank,
        }) if text.starts_with('[') => {
            let values: Vec<Value> = crate::json_depth::parse_value(&text)
                .ok()
                .and_then(|v| serde_json::from_value(v).ok())
                .ok_or_else(|| io::Error::other("the table row there is not a JSON array"))?;
            if values.len() != columns.len() {
                return Err(io::Error::other(format!(
                    "the table row there has {} values for {} columns",
                    values.len(),
                    columns.len()
                )));
            }
            let record = crate::load::tables::row_record(columns, values, *keep_blank);
            Ok(Value::Object(record).to_string())
        }
        _ => Ok(text),
    }
}

/// The CSV header: the first row after what the loader passes over before it (a byte order
/// mark, blank lines, a PowerShell `#TYPE` line or Excel's `sep=;` line:
/// `load::csvfile::scan_csv_under`). `skip`: the lines to pass over first to a joined
/// export's header ([`Layout::CsvUnder`]); `None`: the reader is at the file's start.
fn csv_header(r: &mut impl BufRead, skip: Option<u64>, delimiter: u8) -> io::Result<Vec<String>> {
    match skip {
        Some(lines) => skip_lines(r, lines)?,
        None => {
            if r.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
                r.consume(3);
            }
            loop {
                let buf = r.fill_buf()?;
                let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
                match memchr::memrchr(b'\n', &buf[..blank]) {
                    Some(nl) => r.consume(nl + 1),
                    None => break,
                }
            }
            let head = r.fill_buf()?;
            if head.starts_with(b"#TYPE") || crate::load::excel_sep_line(head).is_some() {
                skip_lines(r, 1)?;
            }
        }
    }
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(r);
    let mut row = csv::StringRecord::new();
    csv.read_record(&mut row).map_err(io::Error::other)?;
    Ok(row
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect())
}

#[path = "record_value.rs"]
mod value;
use value::{CUT_END, first_byte, json_value, string_value};

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;

/// A file's content as the loader read it, from its start: gzip decompressed, and decoded to
/// UTF-8 when the first MiB says it is in another encoding (`load::decode::detect`, the
/// loader's own choice on the same bytes).
struct Content {
    reader: Box<dyn BufRead + Send>,
    /// The content is not the file's bytes (gzip, or decoded): no offset can be sought.
    streamed: bool,
}

fn content(path: &str) -> io::Result<Content> {
    use crate::load::decode;
    if is_stdin(path) {
        // Its copy holds the content as read: decompressed and decoded already.
        return Ok(Content {
            reader: Box::new(BufReader::new(stdin_copy::reader(path)?)),
            streamed: false,
        });
    }
    let input = crate::load::open_input(std::path::Path::new(path))
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut reader = input.reader;
    let mut sample = Vec::new();
    (&mut reader)
        .take(decode::SAMPLE as u64)
        .read_to_end(&mut sample)?;
    let encoding = decode::detect(&sample);
    let whole = io::Cursor::new(sample).chain(reader);
    if encoding == decode::TextEncoding::Utf8 {
        return Ok(Content {
            reader: Box::new(whole),
            streamed: input.gzip,
        });
    }
    match decode::DecodeReader::new(whole, encoding) {
        Some(r) => Ok(Content {
            reader: Box::new(BufReader::with_capacity(1 << 16, r)),
            streamed: true,
        }),
        None => Err(io::Error::other("no decoder for the file's encoding")),
    }
}

/// True for the name the loader gives standard input, and for an input read once (a pipe)
/// whose content was copied: read back from the copy (`stdin_copy`), never the path.
fn is_stdin(path: &str) -> bool {
    stdin_copy::is_copied(path)
}

/// A file whose content is its bytes, or standard input's copy: read from any offset.
#[derive(Debug)]
enum Raw {
    File(File),
    Stdin(stdin_copy::Reader),
}

impl Raw {
    fn open(path: &str) -> io::Result<Self> {
        if is_stdin(path) {
            return stdin_copy::reader(path).map(Self::Stdin);
        }
        File::open(path).map(Self::File)
    }
}

impl Read for Raw {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::File(f) => f.read(buf),
            Self::Stdin(r) => r.read(buf),
        }
    }
}

impl Seek for Raw {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            Self::File(f) => f.seek(to),
            Self::Stdin(r) => r.seek(to),
        }
    }
}

/// Passes over the content up to `offset`.
fn skip_to(r: &mut impl BufRead, offset: u64) -> io::Result<()> {
    let skipped = io::copy(&mut r.take(offset), &mut io::sink())?;
    if skipped < offset {
        return Err(io::Error::other(
            "the file ends before the record (changed since the load?)",
        ));
    }
    Ok(())
}
