//! JSON lines (streamed, with the byte prefilter) and JSON documents (arrays, envelopes such
//! as `{"value":[…]}`, `{"records":[…]}`, `{"results":[…]}`, single or concatenated objects).
//!
//! This module holds the state of one file's scan (`Ctx`, shared by every format) and the
//! parsing of one JSON record; the streamed JSON-lines scan is in `jsonlines` and
//! `blockscan`, the JSON documents in `docstream`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use super::decode;
use super::envelope_line::may_hold_records;
use super::record::{Classified, Origin, classify};
use super::{Prefilter, ScanMessage, ScanOptions};
use crate::model::{FileSummary, Problem, SourceKind, SourceRef};

/// How many records at the start of every file are parsed whatever the prefilter says, so
/// that the format is known and a wrong or damaged file is reported.
pub(super) const ALWAYS_PARSED: u64 = 1000;
/// How many bad records of one file are described; the rest are only counted.
const PROBLEMS_DESCRIBED: u64 = 20;

/// The state of the scan of one file.
pub struct Ctx<'a> {
    pub file: Arc<str>,
    pub opts: &'a ScanOptions,
    pub sink: &'a mut dyn FnMut(ScanMessage),
    pub summary: FileSummary,
    pub kinds: Vec<String>,
    /// Records read, by what they are (`CloudAppEvents`, `other:DeviceEvents`…), for the
    /// file's summary.
    pub counts: Vec<(String, u64)>,
    /// What the first record of no known table looked like.
    pub unknown_seen: Option<String>,
    pub read_so_far: Arc<AtomicU64>,
    pub prefilter: Prefilter,
    pub problems_reported: u64,
    /// Set when the file's structure is of no known kind (a CSV header we do not know).
    pub unknown_why: Option<String>,
    /// The line where a read error (a truncated or damaged gzip stream, a size limit) stopped
    /// the reading, when the loader knows it.
    pub error_line: Option<u64>,
    /// Lines of the file before what this reader holds (follow mode; otherwise 0).
    pub line_offset: u64,
    /// Where the raw texts of the events go (the input itself or a spill file).
    pub evidence: Arc<crate::evidence::Filer>,
    /// Every record's compact context, for the related-events index.
    pub context: crate::context::Collector,
    /// A JSON-lines line holding a record as a JSON string was said (once a file).
    pub text_line_said: bool,
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

    /// A record read with characters replaced: counted in the file's summary, and said
    /// where for the first few.
    pub fn repaired(&mut self, line: u64, repair: Option<decode::Repair>) {
        let Some(repair) = repair else {
            return;
        };
        repair.count_in(&mut self.summary);
        if self.problems_reported < PROBLEMS_DESCRIBED {
            self.problems_reported += 1;
            self.problem(Some(line), repair.describe());
        }
    }

    fn note_kind(&mut self, label: &str) {
        if !self.kinds.iter().any(|k| k == label) {
            self.kinds.push(label.to_owned());
        }
    }

    /// Query-result exports carry no operation name: nothing may be skipped unparsed.
    pub(super) fn prefilter_allowed(&self) -> bool {
        self.summary.records > ALWAYS_PARSED && !self.kinds.iter().any(|k| k == "query result")
    }

    pub fn progress(&mut self) {
        let bytes = self.read_so_far.load(Ordering::Relaxed);
        let records = self.summary.records;
        (self.sink)(ScanMessage::Progress { bytes, records });
    }

    pub fn csv_prefilter_allowed(&self) -> bool {
        self.prefilter_allowed()
    }

    /// Sends what a record turned out to be to the sink.
    pub fn dispatch_at(&mut self, classified: Classified, line: u64) {
        match classified {
            Classified::Sts(mut event) => {
                self.evidence.file(&mut event.raw);
                self.summary.sts_events += 1;
                self.note_kind(event.kind.label());
                self.count(event.kind.label());
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
            Classified::Other(kind) => {
                self.note_kind(kind.label());
                self.count(kind.label());
            }
            Classified::Foreign(what) => {
                self.count(&format!("other:{what}"));
            }
            Classified::Unknown(seen) => {
                self.count("unknown");
                self.unknown_seen.get_or_insert(seen);
            }
        }
    }

    fn count(&mut self, label: &str) {
        match self.counts.iter_mut().find(|(l, _)| l == label) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((label.to_owned(), 1)),
        }
    }

    /// `77 records: 5 CloudAppEvents, 72 of other tables (DeviceEvents), not evaluated`,
    /// when the file holds more than its own table; `None` otherwise.
    pub fn breakdown(&self) -> Option<String> {
        let foreign: Vec<&str> = self
            .counts
            .iter()
            .filter_map(|(l, _)| l.strip_prefix("other:"))
            .collect();
        if foreign.is_empty() {
            return None;
        }
        let of = |pred: &dyn Fn(&str) -> bool| -> u64 {
            self.counts
                .iter()
                .filter(|(l, _)| pred(l))
                .map(|(_, n)| n)
                .sum()
        };
        let mut parts: Vec<String> = self
            .counts
            .iter()
            .filter(|(l, _)| !l.starts_with("other:") && l != "unknown")
            .map(|(l, n)| format!("{n} {l}"))
            .collect();
        let other = of(&|l| l.starts_with("other:"));
        let (tables, more) = if foreign.len() > 3 {
            (&foreign[..3], ", …")
        } else {
            (&foreign[..], "")
        };
        parts.push(format!(
            "{other} of other tables ({}{more}), not evaluated",
            tables.join(", ")
        ));
        let unknown = of(&|l| l == "unknown");
        if unknown > 0 {
            parts.push(format!("{unknown} of no known table"));
        }
        let counted: u64 = self.counts.iter().map(|(_, n)| n).sum();
        let unread = self
            .summary
            .records
            .saturating_sub(counted + self.summary.skipped);
        if unread > 0 {
            parts.push(format!(
                "{unread} without the STS operation's name, not parsed"
            ));
        }
        Some(format!(
            "{} records: {}",
            self.summary.records,
            parts.join(", ")
        ))
    }

    /// Hands a full batch of the context collector on.
    pub fn context_batch(&mut self, batch: Option<crate::context::Batch>) {
        if let Some(b) = batch.filter(|b| !b.entries.is_empty() || !b.layouts.is_empty()) {
            (self.sink)(ScanMessage::Context(Box::new(b)));
        }
    }

    /// One record's bytes (a JSON document's element, a table's row made into a record) at
    /// content offset `at` (its place in the context index; its raw text is spilled):
    /// prefilter, parse, classify.
    pub fn record(&mut self, bytes: &[u8], line: u64, at: u64) {
        self.record_in(bytes, line, None, at);
    }

    /// One record's bytes at content offset `offset` (its raw text is then kept as that
    /// place in the input).
    /// A JSON-lines line: one that holds records otherwise (an array, an envelope, a JSON
    /// string) is read as [`Ctx::nested_line`] says.
    pub(super) fn record_placed(&mut self, untrimmed: &[u8], line: u64, offset: Option<u64>) {
        self.record_in(untrimmed, line, offset, offset.unwrap_or(0));
    }

    /// One record's bytes; `offset`: where they are in the input, for its raw text (set for
    /// a JSON-lines line only); `at`: its place in the context index.
    fn record_in(&mut self, untrimmed: &[u8], line: u64, offset: Option<u64>, at: u64) {
        let bytes = trim_ascii(untrimmed);
        if bytes.is_empty() {
            return;
        }
        self.summary.records += 1;
        if self.prefilter_allowed()
            && !self.prefilter.may_match(bytes)
            && !(offset.is_some() && may_hold_records(bytes))
        {
            let batch = self.context.json_record(bytes, line, at);
            self.context_batch(batch);
            return;
        }
        let max = self.opts.max_record_bytes;
        let mut evaluated = match offset {
            Some(_) => evaluate_line(bytes, line, &self.file, max),
            None => evaluate_record(bytes, line, &self.file, max),
        };
        if let (Some(offset), Evaluated::Classified(Classified::Sts(event), _)) =
            (offset, &mut evaluated)
            && let crate::evidence::RawText::Text(text) = &mut event.raw
        {
            let at = offset + (bytes.as_ptr() as usize - untrimmed.as_ptr() as usize) as u64;
            event.raw = self.evidence.file_at(std::mem::take(text), bytes, at);
        }
        // A line that holds records otherwise (an envelope, an array, a JSON string) is
        // not one more record of the related-events index: its records are, each once
        // (`nested_line` reads them through `record`).
        if !matches!(evaluated, Evaluated::Nested(_)) {
            let batch = self.context.json_record(bytes, line, at);
            self.context_batch(batch);
        }
        match evaluated {
            Evaluated::Classified(classified, repair) => {
                self.repaired(line, repair);
                self.dispatch_at(classified, line);
            }
            Evaluated::Malformed(message) => self.malformed(line, message),
            Evaluated::Nested(nested) => {
                let at = offset.unwrap_or(at)
                    + (bytes.as_ptr() as usize - untrimmed.as_ptr() as usize) as u64;
                self.nested_line(bytes, line, at, nested);
            }
        }
    }

    /// A JSON-lines line that is not one record (`Evaluated::Nested`), counted as one so far:
    /// an array or an envelope is read as the document reader reads a document (the same
    /// envelope rules, one code path: `docstream::scan_line`), a JSON string as the line it
    /// holds (said once a file). `bytes`: the line, trimmed; `offset`: where it starts.
    pub(super) fn nested_line(&mut self, bytes: &[u8], line: u64, offset: u64, nested: Nested) {
        // What the line holds is counted instead of the line.
        self.summary.records = self.summary.records.saturating_sub(1);
        match nested {
            Nested::Document => super::docstream::scan_line(self, bytes, line, offset),
            Nested::Text(text) => self.text_line(&text, line, offset),
        }
    }

    /// A JSON string at the top level of a line (or of a document) holding JSON text: read
    /// as the line that text would be (one level: a string in it is not unwrapped again),
    /// said once a file. Counted as one record, or as what it holds (an array, an envelope).
    pub(super) fn text_line(&mut self, text: &str, line: u64, offset: u64) {
        if !self.text_line_said {
            self.text_line_said = true;
            self.problem(
                Some(line),
                "a record written as a JSON string (a double-encoded log line): read as the \
                 JSON text it holds (so are the file's other lines like it)"
                    .to_owned(),
            );
        }
        let inner = trim_ascii(text.as_bytes());
        let max = self.opts.max_record_bytes;
        let evaluated = evaluate_value(inner, line, &self.file, max, Shapes::Line { text: false });
        if !matches!(evaluated, Evaluated::Nested(_)) {
            // One record: a related record like the same record one a line, at the string's
            // place (the read-back decodes the string there: `context::record`).
            let batch = self.context.json_record(inner, line, offset);
            self.context_batch(batch);
        }
        match evaluated {
            Evaluated::Nested(_) => super::docstream::scan_line(self, inner, line, offset),
            Evaluated::Classified(classified, repair) => {
                self.summary.records += 1;
                self.repaired(line, repair);
                // Its raw text is not the file's bytes: it is kept aside (spilled).
                self.dispatch_at(classified, line);
            }
            Evaluated::Malformed(message) => {
                self.summary.records += 1;
                self.malformed(line, format!("in the JSON string: {message}"));
            }
        }
    }

    /// What a record evaluated away from the dispatching thread came to, at its line.
    /// `bytes` is the record (trimmed) and `offset` where it starts, for a nested line.
    pub(super) fn dispatch_evaluated(
        &mut self,
        evaluated: Evaluated,
        line: u64,
        bytes: &[u8],
        offset: u64,
    ) {
        match evaluated {
            Evaluated::Classified(mut classified, repair) => {
                if let Classified::Sts(event) = &mut classified {
                    event.source.line = line;
                }
                self.repaired(line, repair);
                self.dispatch_at(classified, line);
            }
            Evaluated::Malformed(message) => self.malformed(line, message),
            Evaluated::Nested(nested) => self.nested_line(bytes, line, offset, nested),
        }
    }
}

/// What a record (past the prefilter) came to, and what was replaced to read it.
pub(super) enum Evaluated {
    Classified(Classified, Option<decode::Repair>),
    Malformed(String),
    /// A JSON-lines line that holds records the way a document does, or as a JSON string
    /// (only from [`evaluate_line`]).
    Nested(Nested),
}

/// How a JSON-lines line that is not one record holds its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Nested {
    /// An array of records, or an envelope (`{"records":[…]}`, `{"value":[…]}`,
    /// `{"Schema":…,"Results":[…]}`, `{"tables":[…]}`): read as a JSON document.
    Document,
    /// A JSON string whose text is a JSON object or array (a double-encoded log line).
    Text(String),
}

/// Which shapes besides a record a value may take where it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shapes {
    /// A JSON document's element, a table's row: a record (the document reader has
    /// already unwrapped arrays and envelopes by its own rules).
    Record,
    /// A JSON-lines line: an array or an envelope too, and (`text`) a JSON string holding
    /// JSON text (one level: a string in a string is not unwrapped again).
    Line { text: bool },
}

/// The envelope keys of a JSON document (`docstream`) and of the sniffing (`sniff`): an
/// object with one of them over an array is an envelope, not a record.
pub(super) const ENVELOPE_KEYS: [&str; 6] =
    ["value", "records", "results", "Results", "tables", "Tables"];

/// Whether a parsed line holds records otherwise than as one record.
fn nested_shape(value: &Value, text: bool) -> Option<Nested> {
    match value {
        Value::Array(_) => Some(Nested::Document),
        Value::Object(obj) => ENVELOPE_KEYS
            .iter()
            .any(|k| obj.get(*k).is_some_and(Value::is_array))
            .then_some(Nested::Document),
        Value::String(s) if text && s.trim_start().starts_with(['{', '[']) => {
            Some(Nested::Text(s.clone()))
        }
        _ => None,
    }
}

/// Parses and classifies one trimmed record. The same for every path, so that the parallel
/// scan returns what the plain one does. An STS event's trace is not kept: its raw text is
/// the text parsed here (repaired, when it was), so the drill-down gets the same trace back
/// by evaluating that text again ([`super::retrace`]).
pub(super) fn evaluate_record(
    bytes: &[u8],
    line: u64,
    file: &Arc<str>,
    max_record_bytes: usize,
) -> Evaluated {
    evaluate_value(bytes, line, file, max_record_bytes, Shapes::Record)
}

/// [`evaluate_record`] for a JSON-lines line: one that is an array, an envelope or a JSON
/// string holding JSON text comes back as [`Evaluated::Nested`], for [`Ctx::nested_line`].
pub(super) fn evaluate_line(
    bytes: &[u8],
    line: u64,
    file: &Arc<str>,
    max_record_bytes: usize,
) -> Evaluated {
    evaluate_value(
        bytes,
        line,
        file,
        max_record_bytes,
        Shapes::Line { text: true },
    )
}

fn evaluate_value(
    bytes: &[u8],
    line: u64,
    file: &Arc<str>,
    max_record_bytes: usize,
    shapes: Shapes,
) -> Evaluated {
    // Most records past the prefilter are CloudAppEvents rows: read only what the query
    // reads (`pruned`), else parse the whole record.
    let quick = (bytes.len() <= max_record_bytes)
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
        .and_then(|raw| super::pruned::classify_pruned(raw, &Origin { file, line, raw }));
    let mut evaluated = match quick {
        Some(classified) => Evaluated::Classified(classified, None),
        None => evaluate_traced(bytes, line, file, max_record_bytes, shapes),
    };
    if let Evaluated::Classified(Classified::Sts(event), _) = &mut evaluated {
        event.trace_kept = None;
    }
    evaluated
}

/// [`evaluate_record`], with the event's trace.
pub(super) fn evaluate_record_traced(
    bytes: &[u8],
    line: u64,
    file: &Arc<str>,
    max_record_bytes: usize,
) -> Evaluated {
    evaluate_traced(bytes, line, file, max_record_bytes, Shapes::Record)
}

/// [`evaluate_line`], with the event's trace (follow mode).
pub(super) fn evaluate_line_traced(
    bytes: &[u8],
    line: u64,
    file: &Arc<str>,
    max_record_bytes: usize,
) -> Evaluated {
    evaluate_traced(
        bytes,
        line,
        file,
        max_record_bytes,
        Shapes::Line { text: true },
    )
}

fn evaluate_traced(
    bytes: &[u8],
    line: u64,
    file: &Arc<str>,
    max_record_bytes: usize,
    shapes: Shapes,
) -> Evaluated {
    if bytes.len() > max_record_bytes {
        // The words of a line the reader cut at the limit: where the blocks of a file fall
        // decides which of the two sees a long line, and a file read by its path and through
        // standard input falls into blocks differently.
        return Evaluated::Malformed(
            over_limit_message(max_record_bytes)
                + super::docstream::sts_note(holds_sts_operation(bytes)),
        );
    }
    // Valid UTF-8 is parsed as it is (the usual case). Only a record that fails is looked at
    // again: invalid UTF-8 and lone surrogate escapes are replaced by U+FFFD (as Kusto does at
    // ingestion) and values nested deeper than serde_json parses are kept as text (see
    // `json_depth`), and the record is read; the fast path is unchanged.
    let (value, raw, repair): (Value, _, _) = match decode::parse_repaired(bytes) {
        Ok(parsed) => parsed,
        Err(e) => return not_json(bytes, e, (line, file, max_record_bytes, shapes)),
    };
    if let Shapes::Line { text } = shapes
        && let Some(nested) = nested_shape(&value, text)
    {
        return Evaluated::Nested(nested);
    }
    let origin = Origin {
        file,
        line,
        raw: &raw,
    };
    match classify(value, &origin) {
        // A value of no known shape that holds the operation the query is about: an event
        // may be inside it (`{"data":{…}}`, a wrapper of some other tool). Not guessed at,
        // but said, and counted as skipped (`--strict` fails).
        Classified::Unknown(seen) if holds_sts_operation(bytes) => Evaluated::Malformed(format!(
            "not a record of a known table nor a known envelope ({seen}), yet it holds the STS \
             operation's name (StsRefreshTokenValidFrom); not read"
        )),
        classified => Evaluated::Classified(classified, repair),
    }
}

/// A record that is not valid JSON as read: a UTF-16 line in a file read as UTF-8 is decoded
/// and read (breaker15 #3: PowerShell 5.1 appends in UTF-16LE); UTF-8 text in a file read
/// as UTF-16 is said as such. Either way, whether it names the STS operation is said.
fn not_json(
    bytes: &[u8],
    e: serde_json::Error,
    (line, file, max, shapes): (u64, &Arc<str>, usize, Shapes),
) -> Evaluated {
    use super::mixed_encoding::{UTF16_IN_UTF8, utf8_read_as_utf16, utf16_line};
    let sts = |b: &[u8]| {
        if holds_sts_operation(b) {
            "; it holds the STS operation's name (StsRefreshTokenValidFrom)"
        } else {
            ""
        }
    };
    let parses = |t: &str| decode::check_repaired(t.as_bytes()).is_ok();
    if let Some(text) = utf16_line(bytes, parses) {
        return match evaluate_traced(text.as_bytes(), line, file, max, shapes) {
            Evaluated::Classified(classified, repair) => {
                let mut repair = repair.unwrap_or_default();
                repair.other_encoding = Some(UTF16_IN_UTF8);
                Evaluated::Classified(classified, Some(repair))
            }
            Evaluated::Malformed(why) => Evaluated::Malformed(format!(
                "{UTF16_IN_UTF8} decoded as UTF-16: {why}{}; skipped",
                sts(text.as_bytes())
            )),
            // An array or an envelope in UTF-16: its records are not read one by one.
            Evaluated::Nested(_) => Evaluated::Malformed(format!(
                "{UTF16_IN_UTF8} an array or envelope line, not read{}",
                sts(text.as_bytes())
            )),
        };
    }
    if let Some(utf8) = std::str::from_utf8(bytes).ok().and_then(utf8_read_as_utf16) {
        return Evaluated::Malformed(super::mixed_encoding::utf8_in_utf16_message(&utf8));
    }
    Evaluated::Malformed(format!("not valid JSON: {e}{}", sts(bytes)))
}

/// Whether the bytes hold the STS operation's name (ASCII case ignored), as written.
pub(super) fn holds_sts_operation(bytes: &[u8]) -> bool {
    let needle = crate::rule::STS_NEEDLE.as_bytes();
    bytes
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// True when the bytes are one whole JSON value, once repaired as a record is (invalid UTF-8,
/// lone surrogate escapes, deep nesting): a last line without a newline may be a cut download.
pub(super) fn is_whole_json(bytes: &[u8]) -> bool {
    decode::check_repaired(bytes).is_ok()
}

/// Whether a line of JSON lines (its newline left out) is over the record limit: the
/// record is what is left without the blanks around it (a `\r` of a CRLF line among them),
/// as [`evaluate_record`] measures it. One rule for every reader, so that a file read by its
/// path (blocks at fixed places) and through standard input (blocks where reads end) keeps
/// and skips the same lines.
pub(super) fn over_record_limit(line: &[u8], max_record_bytes: usize) -> bool {
    trim_ascii(line).len() > max_record_bytes
}

/// The warning for a line over the record limit, wherever it was found.
pub(super) fn over_limit_message(max_record_bytes: usize) -> String {
    format!("line longer than the {max_record_bytes} byte record limit; skipped")
}

pub(super) fn trim_ascii(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    b.trim_ascii()
}
