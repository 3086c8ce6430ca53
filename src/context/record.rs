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
//! Standard input cannot be read again.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use serde_json::{Map, Value};

/// Lines between two kept byte offsets.
pub const STRIDE: u64 = 4096;
/// The most bytes read for one record: a longer one is cut there, and says so.
pub const MAX_RECORD: usize = 4 << 20;

/// How the records of a file are written, from a content offset on, when they are not JSON
/// objects (the index keeps it once per file or table, not per record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// CSV rows: read back from their first line, with the file's header.
    Csv,
    /// The rows of a Log Analytics table (`{"tables":[{"name","columns","rows"}]}`), each
    /// `[v1, v2, …]`: rebuilt into the record the loader read (`load::tables::row_record`).
    Rows {
        columns: Vec<String>,
        /// The table is the query's own result: its null and empty cells are kept.
        keep_blank: bool,
    },
}

/// Where a record is: its file, its byte offset in the file's content as read (decompressed),
/// its first line, and how the records there are written (`None`: JSON objects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: Arc<str>,
    pub offset: u64,
    pub line: u64,
    pub layout: Option<Arc<Layout>>,
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
    open: HashMap<Arc<str>, File>,
    /// Whether each file asked about is gzip-compressed.
    gzip: HashMap<Arc<str>, bool>,
}

impl RecordReader {
    /// The record's text (JSON), or a line saying why it cannot be shown and where it is.
    pub fn read(&mut self, at: &Place) -> String {
        self.try_read(at)
            .unwrap_or_else(|e| format!("(the record could not be read back from {at}: {e})"))
    }

    /// The record's text (JSON), or why it cannot be read.
    pub fn try_read(&mut self, at: &Place) -> io::Result<String> {
        let path = &*at.file;
        if path == "(stdin)" || path == "-" || path.is_empty() {
            return Err(io::Error::other(
                "it was read from standard input, which cannot be read again; the index keeps no record's text",
            ));
        }
        if let Some(file) = self.open.get_mut(&at.file)
            && at.layout.is_none()
        {
            file.seek(SeekFrom::Start(at.offset))?;
            return value_at(&mut BufReader::with_capacity(4096, &*file), None);
        }
        let mut file = File::open(path)?;
        let mut magic = [0u8; 2];
        let got = file.read(&mut magic)?;
        if got == 2 && (magic == [0xff, 0xfe] || magic == [0xfe, 0xff]) {
            return Err(io::Error::other(
                "the file is UTF-16, whose records are not read back here",
            ));
        }
        let gz = got == 2 && magic == [0x1f, 0x8b];
        let csv = matches!(at.layout.as_deref(), Some(Layout::Csv));
        let gunzip = || -> io::Result<BufReader<flate2::read::MultiGzDecoder<File>>> {
            Ok(BufReader::with_capacity(
                1 << 16,
                flate2::read::MultiGzDecoder::new(File::open(path)?),
            ))
        };
        if csv {
            let line = at.line.max(1);
            if gz {
                let mut r = gunzip()?;
                skip_lines(&mut r, line - 1)?;
                let header = csv_header(&mut gunzip()?)?;
                return csv_row(&mut r, &header);
            }
            let start = self.line_offset(&mut file, path, &at.file, line)?;
            file.seek(SeekFrom::Start(start))?;
            let header = csv_header(&mut BufReader::new(File::open(path)?))?;
            return csv_row(&mut BufReader::new(file), &header);
        }
        let layout = at.layout.as_deref();
        if !gz {
            let file = self.open.entry(at.file.clone()).or_insert(file);
            file.seek(SeekFrom::Start(at.offset))?;
            return value_at(&mut BufReader::with_capacity(4096, &*file), layout);
        }
        {
            let mut r = gunzip()?;
            let skipped = io::copy(&mut (&mut r).take(at.offset), &mut io::sink())?;
            if skipped < at.offset {
                return Err(io::Error::other(
                    "the file ends before the record (changed since the load?)",
                ));
            }
            value_at(&mut r, layout)
        }
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

    /// True when the file is gzip-compressed: its records are read back by decompressing up
    /// to them, so many are read in one pass ([`Self::ids_in_order`]), not one by one.
    pub fn is_gzip(&mut self, file: &Arc<str>) -> bool {
        *self.gzip.entry(file.clone()).or_insert_with(|| {
            let mut magic = [0u8; 2];
            File::open(&**file)
                .and_then(|mut f| f.read_exact(&mut magic))
                .is_ok_and(|()| magic == [0x1f, 0x8b])
        })
    }

    /// The event ids ([`Self::id`]) of records of one gzip file, in one decompression pass:
    /// `places` in offset order (a CSV row is read by its line, one by one).
    pub fn ids_in_order(&mut self, places: &[Place]) -> Vec<Option<(String, &'static str)>> {
        let Some(first) = places.first() else {
            return Vec::new();
        };
        let opened = File::open(&*first.file).map(|f| {
            BufReader::with_capacity(
                1 << 16,
                Counted {
                    inner: flate2::read::MultiGzDecoder::new(f),
                    pos: 0,
                },
            )
        });
        let Ok(mut r) = opened else {
            return vec![None; places.len()];
        };
        places
            .iter()
            .map(|at| {
                if matches!(at.layout.as_deref(), Some(Layout::Csv)) {
                    return self.id(at);
                }
                let pos = r.get_ref().pos - r.buffer().len() as u64;
                let skip = at.offset.checked_sub(pos)?;
                io::copy(&mut (&mut r).take(skip), &mut io::sink()).ok()?;
                let text = value_at(&mut r, at.layout.as_deref()).ok()?;
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
        file: &mut File,
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

/// Where a record's event id is, in the order looked at, and the name it is given as:
/// the UAL `Id` inside a CloudAppEvents row's `RawEventData` or a CSV row's `AuditData` (the
/// id the STS events of those rows get, so copies of one event in several exports agree), the
/// record's own `Id` (UAL record, AuditLogs and SigninLogs rows, Graph PowerShell), `id`
/// (Graph `directoryAudits` and `signIns`), `properties.id` (Entra diagnostic-settings
/// export), `OfficeId` (Sentinel OfficeActivity), `RecordId` (Purview audit search CSV),
/// then CloudAppEvents' `ReportId`.
const ID_PATHS: [(&str, Option<&str>, &str); 9] = [
    ("RawEventData", Some("Id"), "RawEventData.Id"),
    ("AuditData", Some("Id"), "AuditData.Id"),
    ("Id", None, "Id"),
    ("id", None, "id"),
    ("properties", Some("id"), "properties.id"),
    ("OfficeId", None, "OfficeId"),
    ("RecordId", None, "RecordId"),
    ("ReportId", None, "ReportId"),
    ("reportId", None, "reportId"),
];

/// A record's event id (see [`ID_PATHS`]) and the field it came from; a nested record given
/// as JSON text (`RawEventData`, `AuditData` as exports write them) is read too.
pub fn record_id(record: &Value) -> Option<(String, &'static str)> {
    let obj = record.as_object()?;
    ID_PATHS.iter().find_map(|&(key, inner, name)| {
        let v = obj.get(key)?;
        let id = match inner {
            None => v.clone(),
            Some(inner) => match v {
                Value::Object(o) => o.get(inner)?.clone(),
                Value::String(t) if t.trim_start().starts_with('{') => {
                    crate::json_depth::parse_value(t).ok()?.get(inner)?.clone()
                }
                _ => return None,
            },
        };
        scalar(id)
            .filter(|id| !id.trim().is_empty())
            .map(|id| (id, name))
    })
}

/// [`record_id`] of a record's text, read without building the record: only the id fields
/// are kept, the rest passed over (the JSON report reads the ids of tens of thousands of
/// related records). An error for text this cannot read (deep nesting: see `json_depth`).
fn id_of_text(text: &str) -> Result<Option<(String, &'static str)>, ()> {
    use serde::de::Deserializer as _;
    let mut de = serde_json::Deserializer::from_str(text);
    let found = de.deserialize_map(IdFields).map_err(|_| ())?;
    Ok(ID_PATHS
        .iter()
        .zip(found)
        .find_map(|(&(_, _, name), id)| id.filter(|i| !i.trim().is_empty()).map(|i| (i, name))))
}

/// Reads the fields of [`ID_PATHS`] from a record (the value found for each, in that order).
struct IdFields;

impl<'de> serde::de::Visitor<'de> for IdFields {
    type Value = [Option<String>; ID_PATHS.len()];
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut found: Self::Value = Default::default();
        while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
            match ID_PATHS.iter().position(|(k, ..)| *k == key) {
                Some(i) if found[i].is_none() => {
                    found[i] = match ID_PATHS[i].1 {
                        None => scalar(m.next_value::<Value>()?),
                        Some(inner) => m.next_value_seed(Inner(inner))?,
                    };
                }
                _ => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// The value of one key inside an object, or inside JSON text holding one (`RawEventData`
/// and `AuditData` as exports write them).
#[derive(Clone, Copy)]
struct Inner(&'static str);

impl<'de> serde::de::DeserializeSeed<'de> for Inner {
    type Value = Option<String>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Inner {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record or its JSON text")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
            if found.is_none() && key == self.0 {
                found = scalar(m.next_value::<Value>()?);
            } else {
                m.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        use serde::de::Deserializer as _;
        if !text.trim_start().starts_with('{') {
            return Ok(None);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        Ok(de.deserialize_map(self).ok().flatten())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An id written as text or as a number.
fn scalar(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
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
fn csv_row(r: &mut impl BufRead, header: &[String]) -> io::Result<String> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
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
fn value_at(r: &mut impl BufRead, layout: Option<&Layout>) -> io::Result<String> {
    let text = json_value(r)?;
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

/// The CSV header: the first row, or the second after a PowerShell `#TYPE` line.
fn csv_header(r: &mut impl BufRead) -> io::Result<Vec<String>> {
    if r.fill_buf()?.starts_with(b"#TYPE") {
        skip_lines(r, 1)?;
    }
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(r);
    let mut row = csv::StringRecord::new();
    csv.read_record(&mut row).map_err(io::Error::other)?;
    Ok(row
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect())
}

/// The JSON object or array starting at the first `{` or `[`: up to its matching end
/// (strings and escapes skipped), at most [`MAX_RECORD`] bytes.
fn json_value(r: &mut impl BufRead) -> io::Result<String> {
    let mut out: Vec<u8> = Vec::new();
    let (mut depth, mut in_str, mut escaped, mut started) = (0usize, false, false, false);
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Err(io::Error::other(if started {
                "the file ends inside the record"
            } else {
                "no record there (changed since the load?)"
            }));
        }
        let mut end = None;
        for (i, &b) in buf.iter().enumerate() {
            if !started {
                if b == b'{' || b == b'[' {
                    started = true;
                    depth = 1;
                    out.push(b);
                }
                continue;
            }
            out.push(b);
            if in_str {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_str = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let used = end.unwrap_or(buf.len());
        r.consume(used);
        if end.is_some() {
            return Ok(String::from_utf8_lossy(&out).into_owned());
        }
        if out.len() > MAX_RECORD {
            let mut text = String::from_utf8_lossy(&out).into_owned();
            text.push_str(&format!(
                "\n(cut at {MAX_RECORD} bytes: the record goes on)"
            ));
            return Ok(text);
        }
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
