//! JSON lines (streamed, with the byte prefilter) and JSON documents (arrays, envelopes such
//! as `{"value":[…]}`, `{"records":[…]}`, `{"results":[…]}`, single or concatenated objects).

use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use serde_json::value::RawValue;

use super::record::{Classified, Origin, classify};
use super::{Prefilter, ScanMessage, ScanOptions};
use crate::model::{FileSummary, Problem, SourceKind, SourceRef};

/// How many records at the start of every file are parsed whatever the prefilter says, so
/// that the format is known and a wrong or damaged file is reported.
const ALWAYS_PARSED: u64 = 1000;
/// How many bad records of one file are described; the rest are only counted.
const PROBLEMS_DESCRIBED: u64 = 20;
const CHUNK: usize = 4 << 20;

/// The state of the scan of one file.
pub struct Ctx<'a> {
    pub file: Arc<str>,
    pub opts: &'a ScanOptions,
    pub sink: &'a mut dyn FnMut(ScanMessage),
    pub summary: FileSummary,
    pub kinds: Vec<String>,
    pub read_so_far: Arc<AtomicU64>,
    pub prefilter: Prefilter,
    pub problems_reported: u64,
    /// Set when the file's structure is of no known kind (a CSV header we do not know).
    pub unknown_why: Option<String>,
    /// The line where a read error (a truncated or damaged gzip stream, a size limit) stopped
    /// the reading, when the loader knows it.
    pub error_line: Option<u64>,
}

impl Ctx<'_> {
    /// A notice about the file (not a skipped record).
    pub fn problem(&mut self, line: Option<u64>, message: String) {
        let p = Problem {
            file: self.file.clone(),
            line,
            message,
        };
        (self.sink)(ScanMessage::Problem(p));
    }

    /// A record that could not be read: counted, and described for the first few.
    pub fn malformed(&mut self, line: u64, message: String) {
        self.summary.skipped += 1;
        if self.problems_reported < PROBLEMS_DESCRIBED {
            self.problems_reported += 1;
            self.problem(Some(line), message);
        }
    }

    fn note_kind(&mut self, label: &str) {
        if !self.kinds.iter().any(|k| k == label) {
            self.kinds.push(label.to_owned());
        }
    }

    /// Query-result exports carry no operation name: nothing may be skipped unparsed.
    fn prefilter_allowed(&self) -> bool {
        self.summary.records > ALWAYS_PARSED && !self.kinds.iter().any(|k| k == "query result")
    }

    pub fn progress(&mut self) {
        let bytes = self.read_so_far.load(Ordering::Relaxed);
        (self.sink)(ScanMessage::Progress { bytes });
    }

    pub fn csv_prefilter_allowed(&self) -> bool {
        self.prefilter_allowed()
    }

    /// Sends what a record turned out to be to the sink.
    pub fn dispatch_at(&mut self, classified: Classified, line: u64) {
        match classified {
            Classified::Sts(event) => {
                self.summary.sts_events += 1;
                self.note_kind(event.kind.label());
                (self.sink)(ScanMessage::Event(event));
            }
            Classified::ResultRow(row) => {
                self.note_kind(SourceKind::QueryResult.label());
                let source = SourceRef {
                    file: self.file.clone(),
                    line,
                };
                (self.sink)(ScanMessage::ImportedRow { row, source });
            }
            Classified::Other(kind) => self.note_kind(kind.label()),
            Classified::Unknown => {}
        }
    }

    /// One record's bytes: prefilter, parse, classify.
    pub fn record(&mut self, bytes: &[u8], line: u64) {
        let bytes = trim_ascii(bytes);
        if bytes.is_empty() {
            return;
        }
        self.summary.records += 1;
        if self.prefilter_allowed() && !self.prefilter.may_match(bytes) {
            return;
        }
        if bytes.len() > self.opts.max_record_bytes {
            let message = format!(
                "record of {} bytes is over the {} byte limit; skipped",
                bytes.len(),
                self.opts.max_record_bytes
            );
            self.malformed(line, message);
            return;
        }
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                self.malformed(line, format!("not valid JSON: {e}"));
                return;
            }
        };
        let raw = String::from_utf8_lossy(bytes);
        let origin = Origin {
            file: &self.file,
            line,
            raw: &raw,
        };
        let classified = classify(value, &origin);
        self.dispatch_at(classified, line);
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    b.trim_ascii()
}

/// JSON lines, streamed in large blocks. Past the first records only lines the prefilter
/// lets through are parsed; the line count is kept exact for `file:line` references.
pub fn scan_json_lines(ctx: &mut Ctx, mut reader: Box<dyn BufRead + Send>) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK * 2);
    let mut line_no: u64 = 1;
    let mut skipping_long_line = false;
    loop {
        if ctx.opts.cancelled() {
            return Ok(());
        }
        let before = buf.len();
        buf.resize(before + CHUNK, 0);
        // A read error (a truncated gzip stream) ends the file: what was read before it is
        // scanned first, then the error is reported.
        let (n, read_error) = read_full(&mut reader, &mut buf[before..]);
        buf.truncate(before + n);
        let eof = n == 0 && read_error.is_none();
        let complete = if eof {
            buf.len()
        } else if read_error.is_some() {
            // The line the error cut is not a record: only whole lines are scanned.
            memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1)
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => {
                    if buf.len() > ctx.opts.max_record_bytes {
                        // A line longer than any record may be: drop what we have and
                        // skip to its end.
                        if !skipping_long_line {
                            let message = format!(
                                "line longer than the {} byte record limit; skipped",
                                ctx.opts.max_record_bytes
                            );
                            ctx.summary.records += 1;
                            ctx.malformed(line_no, message);
                        }
                        skipping_long_line = true;
                        buf.clear();
                    }
                    continue;
                }
            }
        };
        let mut region_start = 0;
        if skipping_long_line {
            // The rest of the over-long line ends at the first newline.
            let end = memchr::memchr(b'\n', &buf[..complete]).map_or(complete, |i| i + 1);
            region_start = end;
            line_no += 1;
            skipping_long_line = false;
        }
        scan_lines_region(ctx, &buf[region_start..complete], &mut line_no, eof);
        buf.drain(..complete);
        ctx.progress();
        if let Some(e) = read_error {
            ctx.error_line = Some(line_no);
            return Err(e);
        }
        if eof {
            return Ok(());
        }
    }
}

/// Fills `buf` as far as the reader goes; returns how much was read and the error that
/// stopped the reading, if any (the bytes read before it are kept).
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

/// Scans whole lines. `line_no` is the number of the region's first line, and is advanced.
fn scan_lines_region(ctx: &mut Ctx, region: &[u8], line_no: &mut u64, last: bool) {
    let mut pos = 0;
    while pos < region.len() {
        if ctx.prefilter_allowed() {
            // Fast path: jump to the next candidate, counting the lines passed over.
            let Some(hit) = ctx.prefilter.find_from(region, pos) else {
                let rest = &region[pos..];
                let lines = bytecount::count(rest, b'\n') as u64;
                let partial = u64::from(!rest.is_empty() && !rest.ends_with(b"\n"));
                if last && partial == 1 {
                    // The last line has no newline: parse it, it may be a truncated record.
                    let start = memchr::memrchr(b'\n', rest).map_or(0, |i| i + 1);
                    count_lines(ctx, &rest[..start], line_no);
                    let line = *line_no;
                    ctx.record_always(&rest[start..], line);
                    return;
                }
                ctx.summary.records += lines + partial;
                *line_no += lines;
                return;
            };
            let line_start = memchr::memrchr(b'\n', &region[pos..hit]).map_or(pos, |i| pos + i + 1);
            count_lines(ctx, &region[pos..line_start], line_no);
            pos = line_start;
        }
        let end = memchr::memchr(b'\n', &region[pos..]).map_or(region.len(), |i| pos + i);
        let line = *line_no;
        let is_last_unterminated = last && end == region.len();
        if is_last_unterminated {
            ctx.record_always(&region[pos..end], line);
        } else {
            ctx.record(&region[pos..end], line);
        }
        *line_no += 1;
        pos = end + 1;
    }
}

/// Counts the complete lines of a skipped stretch as records read.
fn count_lines(ctx: &mut Ctx, stretch: &[u8], line_no: &mut u64) {
    let lines = bytecount::count(stretch, b'\n') as u64;
    ctx.summary.records += lines;
    *line_no += lines;
}

impl Ctx<'_> {
    /// A record parsed whatever the prefilter says (the unterminated last line, where a
    /// truncated download shows).
    fn record_always(&mut self, bytes: &[u8], line: u64) {
        let trimmed = trim_ascii(bytes);
        if trimmed.is_empty() {
            return;
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(trimmed).is_err() {
            self.summary.records += 1;
            self.malformed(
                line,
                "truncated or invalid JSON on the last line (no newline at the end of the file)"
                    .to_owned(),
            );
            return;
        }
        self.record(bytes, line);
    }
}

/// A JSON document, read whole (up to the configured size) and walked element by element,
/// so that one bad element or a truncated end loses only what is bad.
pub fn scan_json_document(ctx: &mut Ctx, reader: Box<dyn BufRead + Send>) -> io::Result<()> {
    let mut data = Vec::new();
    let limit = ctx.opts.max_document_bytes;
    // On a read error (a truncated gzip stream) the bytes read before it are kept and
    // scanned; the error is reported at the end.
    let read_error = reader.take(limit + 1).read_to_end(&mut data).err();
    if data.len() as u64 > limit {
        ctx.problem(
            None,
            format!("JSON document larger than {limit} bytes; only the start was read"),
        );
        data.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    ctx.progress();
    let mut lines = LineCounter::default();
    let mut pos = skip_ws(&data, 0);
    if data[pos..].starts_with(b"\xef\xbb\xbf") {
        pos = skip_ws(&data, pos + 3);
    }
    while pos < data.len() {
        if ctx.opts.cancelled() {
            return Ok(());
        }
        match data[pos] {
            b'[' => pos = scan_array(ctx, &data, pos, &mut lines),
            b'{' => pos = scan_top_object(ctx, &data, pos, &mut lines),
            _ => {
                let line = lines.line_at(&data, pos);
                ctx.malformed(line, "unexpected text between JSON values".to_owned());
                pos = resync(&data, pos + 1);
            }
        }
        pos = skip_ws(&data, pos);
        ctx.progress();
    }
    if let Some(e) = read_error {
        ctx.error_line = Some(lines.line_at(&data, data.len()));
        return Err(e);
    }
    Ok(())
}

/// Line numbers of byte offsets, for offsets visited in increasing order.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, data: &[u8], offset: usize) -> u64 {
        if offset < self.offset {
            self.offset = 0;
            self.line = 0;
        }
        self.line += bytecount::count(&data[self.offset..offset], b'\n') as u64;
        self.offset = offset;
        self.line + 1
    }
}

fn skip_ws(data: &[u8], mut pos: usize) -> usize {
    while pos < data.len() && data[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// After an error: the next line that starts (after white space) with `{` or `[`.
fn resync(data: &[u8], from: usize) -> usize {
    let mut pos = from;
    while let Some(nl) = memchr::memchr(b'\n', &data[pos.min(data.len())..]) {
        let next = skip_ws_inline(data, pos + nl + 1);
        if next < data.len() && matches!(data[next], b'{' | b'[') {
            return next;
        }
        pos = pos + nl + 1;
    }
    data.len()
}

fn skip_ws_inline(data: &[u8], mut pos: usize) -> usize {
    while pos < data.len() && matches!(data[pos], b' ' | b'\t' | b'\r') {
        pos += 1;
    }
    pos
}

/// Parses one JSON value at `pos`; returns it and the offset after it.
fn one_value(data: &[u8], pos: usize) -> Result<(&RawValue, usize), serde_json::Error> {
    let mut stream = serde_json::Deserializer::from_slice(&data[pos..]).into_iter::<&RawValue>();
    match stream.next() {
        Some(Ok(v)) => Ok((v, pos + stream.byte_offset())),
        Some(Err(e)) => Err(e),
        None => Err(serde::de::Error::custom("end of input")),
    }
}

fn offset_of(data: &[u8], part: &RawValue) -> usize {
    (part.get().as_ptr() as usize).saturating_sub(data.as_ptr() as usize)
}

/// A top-level array: each element is a record (or an envelope of records).
fn scan_array(ctx: &mut Ctx, data: &[u8], start: usize, lines: &mut LineCounter) -> usize {
    let mut pos = skip_ws(data, start + 1);
    if data.get(pos) == Some(&b']') {
        return pos + 1;
    }
    while pos < data.len() {
        if ctx.opts.cancelled() {
            return data.len();
        }
        match one_value(data, pos) {
            Ok((value, after)) => {
                let line = lines.line_at(data, pos);
                element(ctx, data, value, line, lines);
                pos = skip_ws(data, after);
                match data.get(pos) {
                    Some(b',') => pos = skip_ws(data, pos + 1),
                    Some(b']') => return pos + 1,
                    None => {
                        let line = lines.line_at(data, data.len());
                        ctx.problem(
                            Some(line),
                            "the JSON array is not closed: the file looks truncated".to_owned(),
                        );
                        return data.len();
                    }
                    Some(_) => {
                        let line = lines.line_at(data, pos);
                        ctx.malformed(line, "expected ',' or ']' in the JSON array".to_owned());
                        pos = resync(data, pos);
                    }
                }
            }
            Err(e) => {
                let line = lines.line_at(data, pos);
                ctx.summary.records += 1;
                ctx.malformed(line, format!("not valid JSON: {e}"));
                pos = resync(data, pos);
            }
        }
    }
    if pos >= data.len() {
        // The data ended after a ',' (or a bad element): no ']' closes the array.
        let line = lines.line_at(data, data.len());
        ctx.problem(
            Some(line),
            "the JSON array is not closed: the file looks truncated".to_owned(),
        );
    }
    data.len()
}

/// A top-level object: an envelope (`value`, `records`, `results`, `Results`) or a record.
fn scan_top_object(ctx: &mut Ctx, data: &[u8], start: usize, lines: &mut LineCounter) -> usize {
    match one_value(data, start) {
        Ok((value, after)) => {
            let line = lines.line_at(data, start);
            element(ctx, data, value, line, lines);
            after
        }
        Err(e) => {
            // A truncated envelope: read the records of its array up to the damage.
            if let Some(array_at) = envelope_array_start(data, start) {
                let line = lines.line_at(data, start);
                ctx.problem(
                    Some(line),
                    format!(
                        "the JSON document is damaged ({e}); reading the records before the damage"
                    ),
                );
                return scan_array(ctx, data, array_at, lines);
            }
            let line = lines.line_at(data, start);
            ctx.summary.records += 1;
            ctx.malformed(line, format!("not valid JSON: {e}"));
            resync(data, start + 1)
        }
    }
}

const ENVELOPE_KEYS: [&str; 4] = ["value", "records", "results", "Results"];

fn envelope_array_start(data: &[u8], start: usize) -> Option<usize> {
    ENVELOPE_KEYS.iter().find_map(|k| {
        let needle = format!("\"{k}\"");
        let at = memchr::memmem::find(&data[start..], needle.as_bytes())? + start;
        let after = skip_ws(data, at + needle.len());
        if data.get(after) != Some(&b':') {
            return None;
        }
        let arr = skip_ws(data, after + 1);
        (data.get(arr) == Some(&b'[')).then_some(arr)
    })
}

/// One element: an envelope whose array is walked, or a record.
fn element(ctx: &mut Ctx, data: &[u8], value: &RawValue, line: u64, lines: &mut LineCounter) {
    let text = value.get();
    if text.starts_with('{')
        && let Ok(map) = serde_json::from_str::<std::collections::HashMap<&str, &RawValue>>(text)
    {
        let inner = ENVELOPE_KEYS
            .iter()
            .find_map(|k| map.get(k).filter(|v| v.get().starts_with('[')));
        if let Some(array) = inner {
            let at = offset_of(data, array);
            scan_array(ctx, data, at, lines);
            return;
        }
    }
    if text.starts_with('[') {
        let at = offset_of(data, value);
        scan_array(ctx, data, at, lines);
        return;
    }
    ctx.record(text.as_bytes(), line);
}
