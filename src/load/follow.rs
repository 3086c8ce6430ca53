//! Follow mode: keep reading JSON-lines and CSV files that are still being written (an
//! export in progress) and report the records appended since the last look. Only whole
//! records are read; one still being written waits for its newline (outside quotes, in CSV).
//!
//! A followed file never ends, so it never has a `FileDone`: after every look that read
//! something, the tail sends its summary so far (`ScanMessage::FileSoFar`): the bytes of the
//! whole records read, their count, and the SHA-256 of exactly those bytes, so that the
//! header, the report and `sts-triage verify` describe the same bytes.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::json::Evaluated;
use super::record::Classified;
use super::{Prefilter, ScanMessage};
use crate::model::{FileSummary, Problem, SourceRef};

/// What a followed file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TailKind {
    /// Not known until the file has its first line.
    Unknown,
    JsonLines,
    /// CSV: the header lines (with a `#TYPE` line and BOM if any), kept to read new rows.
    Csv {
        header: Vec<u8>,
        header_lines: u64,
        /// The header's file line when it is an export's joined after the first (`>>` of
        /// an export run again): the rows are read back under it.
        under: Option<u64>,
    },
}

mod csv;
mod decoded;
mod rotate;
mod verdict;
use csv::last_csv_record_end;
pub use verdict::{can_follow, not_followed};

/// A file's device and inode (None where the platform has none to give: then only a
/// shorter file or other first bytes show it replaced).
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// The read position in one followed file.
pub struct Tail {
    path: PathBuf,
    file: Arc<str>,
    /// Where the next read starts in the file (bytes of the file).
    offset: u64,
    /// How the file's bytes become text ([`decoded::Text`]): decided as a first load decides.
    text: decoded::Text,
    /// The text given to the record readers so far: where the text read next starts in the
    /// content the related-events index reads back (the file's bytes for UTF-8, a UTF-8
    /// byte order mark counted; the decoded text otherwise, as a first load counts).
    fed: u64,
    /// The text taken so far (whole records and the CSV header, of `fed`).
    taken: u64,
    line: u64,
    partial: Vec<u8>,
    prefilter: Prefilter,
    kind: TailKind,
    opts: super::ScanOptions,
    /// What was read so far: counts of the whole records taken, and their bytes.
    summary: FileSummary,
    /// The SHA-256 of the bytes taken so far (header and whole records, in file order).
    hasher: Sha256,
    /// The summary was sent at least once (an empty file is listed too).
    announced: bool,
    /// A line over the record limit is being passed over up to its newline.
    skipping: bool,
    /// The line being passed over is blanks so far: a blank line (not reported, not a
    /// record) if its newline comes first, a record over the limit if something else does.
    blank_run: bool,
    /// The file read (device, inode; Unix), to see it replaced under its name (logrotate:
    /// renamed and recreated).
    identity: Option<(u64, u64)>,
    /// The first bytes taken (at most [`HEAD_BYTES`]), to see the file rewritten in place
    /// (truncated and written again past what was read).
    head: Vec<u8>,
    /// The last bytes read (at most [`LAST_BYTES`], ending at `offset`), to see the file
    /// rewritten in place with the same first bytes and not shorter (an export job run
    /// again with `>`: breaker 13 #3 kept a row no longer in the file).
    last: Vec<u8>,
    /// How many times the file was replaced ([`Tail::rotate`]): the name of what is read now.
    rotations: u32,
    /// The file was found gone (renamed away, not yet recreated), and that was said.
    missing_said: bool,
    /// What was said of the CSV header the rows are read under (said once, not each poll).
    header_said: super::csvfile::HeaderSaid,
}

/// How much of a followed file's start is kept to see it rewritten in place.
const HEAD_BYTES: usize = 256;

/// How much of what was read last is kept to see it rewritten in place: a rewrite that
/// keeps both the first [`HEAD_BYTES`] and these bytes before the place reached is not
/// seen (re-reading everything read at each poll would read gigabytes a second).
const LAST_BYTES: usize = 4096;

/// A byte of a blank line (README, *Limits*: a line of blanks is never a record).
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// At most this much of the file is read at a time: a followed file of gigabytes, or an
/// endless line appended by an attacker, never sits in memory whole.
const STEP_BYTES: u64 = 8 << 20;

impl Tail {
    /// Starts following `path` from its beginning.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: Arc::from(path.display().to_string()),
            offset: 0,
            text: decoded::Text::new(),
            fed: 0,
            taken: 0,
            line: 1,
            partial: Vec::new(),
            prefilter: Prefilter::new(),
            kind: TailKind::Unknown,
            opts: super::ScanOptions::default(),
            summary: FileSummary {
                path: path.display().to_string(),
                followed: true,
                ..FileSummary::default()
            },
            hasher: Sha256::new(),
            announced: false,
            skipping: false,
            blank_run: false,
            identity: None,
            head: Vec::new(),
            last: Vec::new(),
            rotations: 0,
            missing_said: false,
            header_said: super::csvfile::HeaderSaid::default(),
        }
    }

    /// Reads what was appended since the last call; returns how many whole lines were read.
    /// When it took bytes (and on the first call), the file's summary so far is sent.
    pub fn poll(&mut self, sink: &mut dyn FnMut(ScanMessage)) -> io::Result<u64> {
        let before = self.summary.bytes;
        let lines = self.read_more(sink)?;
        if !self.announced || self.summary.bytes != before {
            self.announced = true;
            self.summary.format = match &self.kind {
                TailKind::Unknown => "not known yet (followed)",
                TailKind::JsonLines => "JSON lines (followed)",
                TailKind::Csv { .. } => "CSV (followed)",
            }
            .to_owned();
            self.summary.sha256 = Some(super::hex(&self.hasher.clone().finalize()));
            sink(ScanMessage::FileSoFar(self.summary.clone()));
        }
        Ok(lines)
    }

    /// Text of whole records (or of the CSV header) taken: the file's bytes it came from
    /// are counted and hashed in order.
    fn take(&mut self, text: &[u8]) {
        self.taken += text.len() as u64;
        match self.text.raw_of(text.len()) {
            Some(raw) => self.take_raw(&raw),
            None => self.take_raw(text),
        }
    }

    /// Bytes of the file taken: counted and hashed in order.
    fn take_raw(&mut self, bytes: &[u8]) {
        let keep = HEAD_BYTES.saturating_sub(self.head.len()).min(bytes.len());
        self.head.extend_from_slice(&bytes[..keep]);
        self.hasher.update(bytes);
        self.summary.bytes += bytes.len() as u64;
    }

    /// Reads up to the file's end in steps of [`STEP_BYTES`]; whole lines read.
    fn read_more(&mut self, sink: &mut dyn FnMut(ScanMessage)) -> io::Result<u64> {
        let mut lines = 0;
        loop {
            let (read, n) = self.read_step(sink)?;
            lines += n;
            self.bound_partial(sink);
            if read == 0 {
                return Ok(lines);
            }
        }
    }

    /// The bytes held while their record is not complete stay within the record limit
    /// (issue 10): a longer one is reported, and passed over up to its newline. Its bytes are
    /// still hashed and counted, so that what the report covers stays the file's prefix.
    fn bound_partial(&mut self, sink: &mut dyn FnMut(ScanMessage)) {
        let limit = self.opts.max_record_bytes;
        if self.partial.len() <= limit {
            return;
        }
        let held = std::mem::take(&mut self.partial);
        self.take(&held);
        self.skipping = true;
        // A JSON line of blanks is a blank line however long, as the other readers read it
        // (a CSV record may hold blanks inside a quoted cell: not read this way).
        if !matches!(self.kind, TailKind::Csv { .. }) && held.iter().all(|&b| is_blank(b)) {
            self.blank_run = true;
            return;
        }
        self.report_over_limit(sink);
    }

    /// The line passed over is a record over the limit: counted as skipped and reported.
    fn report_over_limit(&mut self, sink: &mut dyn FnMut(ScanMessage)) {
        let limit = self.opts.max_record_bytes;
        self.summary.skipped += 1;
        sink(ScanMessage::Problem(Problem {
            file: self.file.clone(),
            line: Some(self.line),
            message: format!(
                "record over the {limit} byte limit (--max-record-mib); skipped up to its line's end"
            ),
        }));
    }

    /// One step: at most [`STEP_BYTES`] read; (bytes read, whole lines read).
    fn read_step(&mut self, sink: &mut dyn FnMut(ScanMessage)) -> io::Result<(u64, u64)> {
        let before = self.offset;
        let lines = self.read_chunk(sink)?;
        // The file replaced ([`Tail::rotate`]): the new one is read from 0, and the caller
        // looks again (it stops at a step that reads nothing).
        let read = self
            .offset
            .checked_sub(before)
            .unwrap_or_else(|| self.offset.max(1));
        Ok((read, lines))
    }

    fn read_chunk(&mut self, sink: &mut dyn FnMut(ScanMessage)) -> io::Result<u64> {
        let mut f = match File::open(&self.path) {
            Ok(f) => f,
            // Renamed away and not yet recreated (logrotate between its two steps): said
            // once, and followed again when it is back.
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.announced => {
                if !self.missing_said {
                    self.missing_said = true;
                    sink(ScanMessage::Problem(Problem {
                        file: self.file.clone(),
                        line: None,
                        message: "the file is gone (renamed or deleted: rotated?); what was read \
                                  is kept, and a new file under its name will be read as a new input"
                            .to_owned(),
                    }));
                }
                return Ok(0);
            }
            Err(e) => return Err(e),
        };
        let meta = f.metadata()?;
        let len = meta.len();
        if let Some(why) = self.replaced(&mut f, &meta, len)? {
            self.rotate(why, sink);
        }
        self.missing_said = false;
        if self.identity.is_none() {
            self.identity = identity(&meta);
        }
        if len == self.offset {
            return Ok(0);
        }
        f.seek(SeekFrom::Start(self.offset))?;
        let mut raw = Vec::new();
        f.take((len - self.offset).min(STEP_BYTES))
            .read_to_end(&mut raw)?;
        self.offset += raw.len() as u64;
        let from = raw.len().saturating_sub(LAST_BYTES);
        self.last.extend_from_slice(&raw[from..]);
        let over = self.last.len().saturating_sub(LAST_BYTES);
        self.last.drain(..over);
        let untaken = (self.fed - self.taken) as usize;
        let fed = self.text.feed(&raw, untaken, self.opts.max_record_bytes);
        if let Some(notice) = fed.notice {
            sink(ScanMessage::Problem(Problem {
                file: self.file.clone(),
                line: None,
                message: notice,
            }));
        }
        if let Some((wide, held, before)) = fed.utf8_after {
            // Said as a first load says it: the text's first byte in the file (what is held
            // from it ends where the read ended), on its line.
            let line = self.line
                + bytecount::count(&self.partial, b'\n') as u64
                + bytecount::count(&fed.text[..before], b'\n') as u64;
            sink(ScanMessage::Problem(Problem {
                file: self.file.clone(),
                line: Some(line),
                message: super::decode::utf8_after_notice(self.offset - held as u64, wide),
            }));
        }
        if !fed.mark.is_empty() {
            // A UTF-8 byte order mark: hashed and counted, not read as the first record's.
            self.fed += fed.mark.len() as u64;
            self.taken += fed.mark.len() as u64;
            self.take_raw(&fed.mark);
        }
        let mut fresh = fed.text;
        self.fed += fresh.len() as u64;
        if self.skipping && self.blank_run {
            // Blanks so far: the line is reported only at its first byte that is not one.
            match fresh.iter().position(|&b| !is_blank(b)) {
                Some(i) if fresh[i] != b'\n' => {
                    self.blank_run = false;
                    self.report_over_limit(sink);
                }
                Some(_) => self.blank_run = false,
                None => {}
            }
        }
        if self.skipping {
            // The rest of a line over the record limit: hashed and counted, not read.
            match memchr::memchr(b'\n', &fresh) {
                None => {
                    self.take(&fresh);
                    return Ok(0);
                }
                Some(i) => {
                    self.take(&fresh[..=i]);
                    self.line += 1;
                    self.skipping = false;
                    fresh.drain(..=i);
                }
            }
        }
        self.partial.extend_from_slice(&fresh);
        if self.kind == TailKind::Unknown {
            self.kind = match memchr::memchr(b'\n', &self.partial) {
                None => return Ok(0),
                Some(_) if super::sniff(&self.partial) == Ok(super::Shape::Csv) => {
                    self.take_csv_header()
                }
                Some(_) => TailKind::JsonLines,
            };
            if self.kind == TailKind::Unknown {
                return Ok(0);
            }
        }
        if let TailKind::Csv {
            header,
            header_lines,
            under,
        } = &self.kind
        {
            let Some(end) = last_csv_record_end(&self.partial) else {
                return Ok(0);
            };
            // Where the rows are in the file, less the header fed again before them.
            let rows_at =
                (self.fed - self.partial.len() as u64).saturating_sub(header.len() as u64);
            let rows: Vec<u8> = self.partial.drain(..end).collect();
            let lines = bytecount::count(&rows, b'\n') as u64;
            let mut bytes = header.clone();
            bytes.extend_from_slice(&rows);
            // Lines of the file before these rows, less the header lines fed again.
            let offset = (self.line - 1).saturating_sub(*header_lines);
            match super::scan_csv_rows(
                self.file.clone(),
                bytes,
                (offset, rows_at),
                (*under, &mut self.header_said),
                &self.opts,
                sink,
            ) {
                Ok((s, joined)) => {
                    // Another export's header among the rows: the rows appended later are
                    // read under it (breaker 14 #1, an export run again and appended).
                    if let Some((header, line)) = joined {
                        self.kind = TailKind::Csv {
                            header,
                            header_lines: 1,
                            under: Some(line),
                        };
                    }
                    self.summary.records += s.records;
                    self.summary.sts_events += s.sts_events;
                    self.summary.skipped += s.skipped;
                    self.summary.replaced += s.replaced;
                    self.summary.controls_kept += s.controls_kept;
                }
                // Where the rows start in the file (its bytes taken so far are its first).
                Err(why) => sink(ScanMessage::Problem(Problem {
                    file: self.file.clone(),
                    line: Some(self.line),
                    message: format!(
                        "follow: the rows appended from byte {} were not read: {why}",
                        self.summary.bytes
                    ),
                })),
            }
            self.take(&rows);
            self.line += lines;
            return Ok(lines);
        }
        let Some(last_nl) = memchr::memrchr(b'\n', &self.partial) else {
            return Ok(0);
        };
        // The content offset of the first line.
        let mut at = self.fed - self.partial.len() as u64;
        let complete: Vec<u8> = self.partial.drain(..=last_nl).collect();
        // Every record, STS or not, goes to the related-events index as in a first load.
        let mut context = crate::context::Collector::new(self.file.clone(), self.opts.context);
        let mut lines = 0;
        // Without its final newline, the block splits into exactly its lines.
        for raw_line in complete[..complete.len() - 1].split(|&b| b == b'\n') {
            let bytes = raw_line.trim_ascii();
            if !bytes.is_empty() {
                self.summary.records += 1;
                // A line that holds records otherwise (an envelope, an array) gives the
                // index its records, each once, never itself as one more.
                let start = at + (bytes.as_ptr() as usize - raw_line.as_ptr() as usize) as u64;
                let candidate = self.prefilter.may_match(bytes)
                    || super::envelope_line::may_hold_records(bytes);
                let nested =
                    candidate && self.record(bytes, (self.line, start), &mut context, sink);
                if !nested && let Some(batch) = context.json_record(bytes, self.line, at) {
                    sink(ScanMessage::Context(Box::new(batch)));
                }
            }
            self.line += 1;
            lines += 1;
            at += raw_line.len() as u64 + 1;
        }
        if !context.is_empty() {
            sink(ScanMessage::Context(Box::new(context.take())));
        }
        self.take(&complete);
        Ok(lines)
    }

    /// One record, read as a first load reads it (`json::evaluate_record_traced`: repaired
    /// characters, deep nesting kept as text, the record limit), its trace kept.
    /// `at`: the content offset of the record's first byte. True when the line held records
    /// otherwise (`Evaluated::Nested`): they were given to the related-events index, after
    /// what `context` held (sent first, so the index gets the file's order).
    fn record(
        &mut self,
        bytes: &[u8],
        (line, at): (u64, u64),
        context: &mut crate::context::Collector,
        sink: &mut dyn FnMut(ScanMessage),
    ) -> bool {
        let max = self.opts.max_record_bytes;
        let classified = match super::json::evaluate_line_traced(bytes, line, &self.file, max) {
            Evaluated::Nested(nested) => {
                // An array or an envelope line (Defender's streaming export writes one
                // `{"records":[…]}` a line), a JSON string: read as a first load reads it.
                if !context.is_empty() {
                    sink(ScanMessage::Context(Box::new(context.take())));
                }
                let s = super::scan_nested_line(
                    self.file.clone(),
                    (bytes, line, at),
                    nested,
                    &self.opts,
                    sink,
                );
                self.summary.records = self.summary.records - 1 + s.records;
                self.summary.sts_events += s.sts_events;
                self.summary.skipped += s.skipped;
                self.summary.replaced += s.replaced;
                self.summary.controls_kept += s.controls_kept;
                return true;
            }
            Evaluated::Classified(classified, repair) => {
                if let Some(repair) = repair {
                    repair.count_in(&mut self.summary);
                    sink(ScanMessage::Problem(Problem {
                        file: self.file.clone(),
                        line: Some(line),
                        message: repair.describe(),
                    }));
                }
                classified
            }
            Evaluated::Malformed(message) => {
                self.summary.skipped += 1;
                sink(ScanMessage::Problem(Problem {
                    file: self.file.clone(),
                    line: Some(line),
                    message,
                }));
                return false;
            }
        };
        match classified {
            Classified::Sts(event) => {
                self.summary.sts_events += 1;
                sink(ScanMessage::Event(event));
            }
            Classified::ResultRow(row) => sink(ScanMessage::ImportedRow {
                row,
                source: SourceRef {
                    file: self.file.clone(),
                    line,
                },
            }),
            Classified::Other(_) | Classified::Foreign(_) | Classified::Unknown(_) => {}
        }
        false
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod csv_tests;

#[cfg(test)]
mod rotate_tests;

#[cfg(test)]
mod encoding_tests;
