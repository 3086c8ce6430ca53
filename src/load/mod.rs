//! Reading the files analysts export: paths and folders, gzip, and the detection of the
//! format by content (JSON lines, JSON documents, CSV), never by the file name.

mod blockbuf;
mod blockscan;
pub mod context_pass;
mod csvcalendar;
mod csvdates;
mod csvfile;
mod csvframe;
pub mod decode;
mod docstream;
mod entracsv;
mod envelope_line;
mod flattened;
mod folder;
pub mod follow;
mod hashlane;
mod input;
mod json;
mod jsonlines;
mod mixed_encoding;
mod partial_read;
mod positioned;
mod prefilter;
mod pruned;
pub mod record;
mod retrace;
mod row_time;
mod sniff;
pub(crate) mod tables;
mod wrapped;

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::model::{FileSummary, Problem, ResultRow, SourceRef, StsEvent};

pub(crate) use csvfile::excel_sep_line;
/// An Entra admin center download row in the Graph directoryAudit shape (the context index
/// reads its related records as the loader reads its STS events).
pub use entracsv::graph_record as entra_download_record;
pub use folder::{Found, expand_paths, walk_paths};
pub use input::{Input, ReadDigest, open_input, open_input_hashed};
pub use partial_read::PartialRead;
pub use prefilter::Prefilter;
pub use record::Classified;
use sniff::{FailingReader, read_head, read_sample};
pub use sniff::{Shape, sniff};

/// The default of [`ScanOptions::max_gzip_ratio`].
pub const DEFAULT_GZIP_RATIO: u64 = 500;

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The largest record (line, CSV row, JSON element) read; larger ones are skipped.
    pub max_record_bytes: usize,
    /// The most a gzip file may expand to; reading stops there with a message (a gzip
    /// bomb, or a file far larger than expected). The records before are kept.
    pub max_decompressed_bytes: u64,
    /// The most a gzip file's content may expand per byte of the file once past the record
    /// limit (`--max-gzip-ratio`; 0: no such limit). Real exports expand 5 to 30 times,
    /// a file of one line repeated about 350 times; deflate cannot pass about 1030 times,
    /// which is what a gzip bomb does (3 MB that expand to 3 GB). Reading stops there with
    /// a message naming how much was read; the records before are kept.
    pub max_gzip_ratio: u64,
    /// Set from another thread to stop the scan; what was read so far is kept.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Hash every file's bytes as they are read (`FileSummary::sha256`), so that a report
    /// describes the bytes the scan read, not the file as it is afterwards. Off for `scan`
    /// (it costs a SHA-256 pass on the reading thread).
    pub hash_inputs: bool,
    /// Keep every record's compact context (`context::Collector`); off with `--no-context`.
    pub context: bool,
    /// Read only the context (the workbench's second pass, [`context_pass`]): the JSON-lines
    /// scanning threads count lines and collect every record's context without looking for
    /// the query's candidates. The first records, query-result files, JSON documents and CSV
    /// are read as a scan reads them; the caller drops the rows it is sent.
    pub context_only: bool,
    /// Read only what a stopped load read (`verify` of its report); None otherwise.
    pub partial: Option<Arc<PartialRead>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            max_record_bytes: 64 << 20,
            max_decompressed_bytes: 256 << 30,
            max_gzip_ratio: DEFAULT_GZIP_RATIO,
            cancel: None,
            hash_inputs: false,
            context: true,
            context_only: false,
            partial: None,
        }
    }
}

impl ScanOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// What the loader reports as it goes.
#[derive(Debug)]
pub enum ScanMessage {
    /// A file is about to be read (its size on disk, for progress).
    FileStarted { path: String, bytes: u64 },
    /// An STS event, flagged or a near miss.
    Event(Box<StsEvent>),
    /// A row of a query-result export.
    ImportedRow { row: ResultRow, source: SourceRef },
    /// A record that could not be read, or a notice about a file.
    Problem(Problem),
    /// Bytes of the current file read so far (compressed bytes for gzip).
    Progress { bytes: u64, records: u64 },
    /// A file is done.
    FileDone(FileSummary),
    /// A followed file as read so far (follow mode): replaces the earlier summary of the
    /// same path. A followed file never has a `FileDone`.
    FileSoFar(FileSummary),
    /// A file found inside a folder was passed over (unknown format, unreadable, empty).
    NotRead(NotRead),
    /// The compact context of a stretch of records (`context::Collector`).
    Context(Box<crate::context::Batch>),
}

/// A file that was passed over, with why: listed in the `scan` summary, under "Not read" in
/// the report and in the workbench's problems view, so that nothing read is silently left
/// out. Only files found inside a folder are passed over; a file named on the command line
/// that cannot be read is an error (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRead {
    /// The path as the scan shows it.
    pub path: String,
    /// Why it was not read, for the analyst: `not a file of any known format (a zip archive:
    /// extract it first)`, `unreadable: Permission denied (os error 13)`, `not a regular file
    /// (a FIFO)`.
    pub reason: String,
    /// Lowercase hex SHA-256 of the file's bytes as stored, when they could be read.
    pub sha256: Option<String>,
    /// A note, script or settings file beside the exports (`note`, `script`, `settings`):
    /// listed with the others, but no warning (the header's and the summary's counts of
    /// files passed over leave it out and name it apart). None for a file passed over.
    pub other: Option<&'static str>,
}

impl NotRead {
    /// Describes a file passed over; its bytes are hashed when they can be read.
    pub fn new(path: &Path, reason: String) -> Self {
        Self {
            path: path.display().to_string(),
            reason,
            // Only a regular file: opening a FIFO would wait for a writer.
            sha256: std::fs::metadata(path)
                .is_ok_and(|m| m.is_file())
                .then(|| sha256_file(path).ok())
                .flatten(),
            other: None,
        }
    }

    /// A note, script or settings file beside the exports (`what`), listed quietly.
    pub fn other(path: &Path, what: &'static str, reason: String) -> Self {
        Self {
            other: Some(what),
            ..Self::new(path, reason)
        }
    }
}

/// The SHA-256 of a file's bytes as stored (a gzip file is hashed compressed), in constant
/// memory. Lowercase hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A path that could not be scanned at all: exit status 2 on the command line.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {error}")]
    Unreadable { path: String, error: io::Error },
    #[error("{path}: not a file of any known format ({why})")]
    UnknownFormat { path: String, why: String },
    /// `-` named more than once: what the first reading takes, a second never sees.
    #[error("- given twice: standard input can be read once")]
    StdinTwice,
}

/// Scans one file (or standard input), sending what it finds to `sink`.
pub fn scan_file(
    path: &Path,
    opts: &ScanOptions,
    sink: &mut dyn FnMut(ScanMessage),
) -> Result<FileSummary, LoadError> {
    let display: Arc<str> = Arc::from(if path.as_os_str() == "-" {
        "(stdin)".to_owned()
    } else {
        path.display().to_string()
    });
    let mut input = open_input_hashed(path, opts.hash_inputs)?;
    if input.gzip {
        input.reader = Box::new(DecompressedLimit {
            inner: input.reader,
            left: opts.max_decompressed_bytes,
            limit: opts.max_decompressed_bytes,
            out: 0,
            consumed: input.gzip_consumed.clone(),
            max_ratio: opts.max_gzip_ratio,
            ratio_from: opts.max_record_bytes as u64,
        });
    }
    if let Some((_, bytes)) = opts
        .partial
        .as_ref()
        .and_then(|p| p.cut.as_ref())
        .filter(|(name, _)| **name == *display)
    {
        // Only the content the stopped load read: no positioned reads past it.
        input.reader = Box::new(input.reader.take(*bytes));
        input.regular_file = None;
    }
    sink(ScanMessage::FileStarted {
        path: display.to_string(),
        bytes: input.size,
    });
    // The encoding is decided once from the first bytes; a file that is not UTF-8 is decoded
    // to UTF-8 as it is read, so every reader after this sees UTF-8 (UTF-8 itself is passed
    // through untouched: the fast path).
    let (sample, sample_error) = read_sample(&mut input.reader, decode::SAMPLE);
    let encoding = decode::detect(&sample);
    // A regular file whose content is its bytes may be read at positions, from its start.
    let mut seekable = (encoding == decode::TextEncoding::Utf8 && sample_error.is_none())
        .then(|| input.regular_file.take())
        .flatten();
    let undecoded: Box<dyn BufRead + Send> = match sample_error {
        Some(e) => Box::new(io::Cursor::new(sample).chain(FailingReader(Some(e)))),
        None => Box::new(io::Cursor::new(sample).chain(input.reader)),
    };
    let mut utf8_after = None;
    input.reader = if encoding == decode::TextEncoding::Utf8 {
        undecoded
    } else {
        match decode::DecodeReader::new(undecoded, encoding) {
            Some(decoded) => {
                utf8_after = decoded.utf8_after();
                Box::new(decoded)
            }
            None => {
                return Err(LoadError::UnknownFormat {
                    path: display.to_string(),
                    why: "no decoder for the file's encoding".to_owned(),
                });
            }
        }
    };
    input.reader = crate::context::stdin_copy::tee(path, &display, opts.context, input.reader);
    let (head, head_error) = read_head(
        &mut input.reader,
        opts.max_record_bytes.max(64 << 10),
        &|| opts.cancelled(),
    );
    if head_error.is_some() {
        seekable = None;
    }
    input.reader = match head_error {
        // Nothing readable at all.
        Some(e) if head.is_empty() => {
            return Err(LoadError::Unreadable {
                path: display.to_string(),
                error: e,
            });
        }
        // A short file cut (or a gzip stream damaged) before its first line ended: what was
        // read is scanned, then the error is reported.
        Some(e) => Box::new(io::Cursor::new(head.clone()).chain(FailingReader(Some(e)))),
        None => Box::new(io::Cursor::new(head.clone()).chain(input.reader)),
    };
    let shape = match sniff(&head) {
        // A first line over the record limit: one JSON-lines record too long, skipped and
        // said as one, unless it is an envelope (`sniff::long_first_record`).
        Ok(Shape::JsonDocument) if sniff::long_first_record(&head, opts.max_record_bytes) => {
            Shape::JsonLines
        }
        shape => shape.map_err(|why| LoadError::UnknownFormat {
            path: display.to_string(),
            why,
        })?,
    };
    let mut ctx = json::Ctx {
        file: display.clone(),
        opts,
        sink,
        summary: FileSummary {
            path: display.to_string(),
            bytes: input.size,
            ..FileSummary::default()
        },
        kinds: Vec::new(),
        counts: Vec::new(),
        unknown_seen: None,
        read_so_far: input.read_so_far.clone(),
        prefilter: Prefilter::new(),
        problems_reported: 0,
        unknown_why: None,
        error_line: None,
        line_offset: 0,
        // Raw texts are read back from the file itself only when its content is its bytes.
        evidence: Arc::new(crate::evidence::Filer::new(
            (!input.gzip && path.as_os_str() != "-" && encoding == decode::TextEncoding::Utf8)
                .then_some(path),
        )),
        context: crate::context::Collector::new(display.clone(), opts.context),
        text_line_said: false,
    };
    if let Some(notice) = encoding.notice() {
        ctx.problem(None, notice);
    }
    let result = match shape {
        Shape::JsonLines => {
            let seekable = seekable.map(|file| jsonlines::Seekable {
                file,
                digest: input.digest.clone(),
            });
            jsonlines::scan_json_lines(&mut ctx, input.reader, seekable)
        }
        Shape::JsonDocument => docstream::scan_json_stream(&mut ctx, input.reader),
        Shape::Csv => csvfile::scan_csv(&mut ctx, input.reader),
    };
    if let Some(&(byte, line, wide)) = utf8_after.as_ref().and_then(|m| m.get()) {
        ctx.problem(Some(line), decode::utf8_after_notice(byte, wide));
    }
    let mut summary = match result {
        Ok(()) => ctx.summary.clone(),
        Err(e) => {
            // The records before the error were read and kept.
            let at = input.read_so_far.load(Ordering::Relaxed);
            let what = if e.kind() == io::ErrorKind::FileTooLarge {
                "stopped reading"
            } else if input.gzip {
                "the gzip data is truncated or damaged"
            } else {
                "read error"
            };
            let message = format!(
                "{what} (after {at} bytes of the file): {e}; the records before were read, the rest of the file was not"
            );
            // Counted as a skipped record: part of the file was lost (`--strict` fails).
            ctx.summary.skipped += 1;
            let line = ctx.error_line;
            if ctx.kinds.is_empty() {
                // Nothing of the file could be read (a gzip file cut inside its first record).
                let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
                return Err(LoadError::Unreadable {
                    path: display.to_string(),
                    error: io::Error::new(e.kind(), format!("{at}{message}")),
                });
            }
            ctx.problem(line, message);
            ctx.summary.clone()
        }
    };
    let shape_name = match shape {
        Shape::JsonLines => "JSON lines",
        Shape::JsonDocument => "JSON document",
        Shape::Csv => "CSV",
    };
    let mut kinds = if ctx.kinds.is_empty() {
        // Only records of tables the query is not about: named as what they are.
        let foreign: Vec<&str> = ctx
            .counts
            .iter()
            .filter_map(|(l, _)| l.strip_prefix("other:"))
            .collect();
        if foreign.is_empty() {
            "no known records".to_owned()
        } else {
            format!("{}, not evaluated", foreign.join(" + "))
        }
    } else {
        ctx.kinds.join(" + ")
    };
    if let Some(breakdown) = ctx.breakdown().filter(|_| !ctx.kinds.is_empty()) {
        kinds = format!("{kinds}; {breakdown}");
    }
    summary.format = format!(
        "{}{} ({kinds})",
        if input.gzip { "gzip " } else { "" },
        shape_name
    );
    if let Some(why) = ctx.unknown_why.take() {
        return Err(LoadError::UnknownFormat {
            path: display.to_string(),
            why,
        });
    }
    let foreign_only = ctx.counts.iter().any(|(l, _)| l.starts_with("other:"));
    if ctx.kinds.is_empty() && !foreign_only && summary.records > summary.skipped {
        let seen = ctx
            .unknown_seen
            .take()
            .map(|s| format!("; the first record has {s}"))
            .unwrap_or_default();
        return Err(LoadError::UnknownFormat {
            path: display.to_string(),
            why: format!(
                "{shape_name} with no CloudAppEvents, Unified Audit Log, AuditLogs or query-result records{seen}"
            ),
        });
    }
    if let Some((sha256, bytes)) = input.digest.as_deref().and_then(input::read_digest) {
        summary.sha256 = Some(sha256);
        // A pipe's size is not known when it is opened (0), unless it was read ahead.
        if !crate::context::stdin_copy::read_once(path) && bytes != summary.bytes {
            let message = format!(
                "the file changed while it was read: {} bytes when it was opened, {bytes} bytes read; \
                 the SHA-256 and the size reported are those of the bytes read",
                summary.bytes
            );
            (ctx.sink)(ScanMessage::Problem(Problem {
                file: display.clone(),
                line: None,
                message,
            }));
        }
        summary.bytes = bytes;
    }
    let rest = ctx.context.take();
    ctx.context_batch(Some(rest));
    let done = summary.clone();
    (ctx.sink)(ScanMessage::FileDone(done));
    Ok(summary)
}

/// Stops the reading of a gzip file's content once it has expanded past the limit.
struct DecompressedLimit {
    inner: Box<dyn BufRead + Send>,
    left: u64,
    limit: u64,
    /// Bytes of content handed on so far.
    out: u64,
    /// Bytes of the gzip file the decoder has taken so far.
    consumed: Arc<AtomicU64>,
    /// [`ScanOptions::max_gzip_ratio`] (0: none), checked once `out` passes `ratio_from`
    /// (the record limit: one record may be that long whatever it holds).
    max_ratio: u64,
    ratio_from: u64,
}

impl Read for DecompressedLimit {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for DecompressedLimit {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let (left, limit) = (self.left, self.limit);
        let avail = self.inner.fill_buf()?;
        if avail.is_empty() {
            return Ok(avail);
        }
        let consumed = self.consumed.load(Ordering::Relaxed);
        if self.max_ratio > 0
            && self.out > self.ratio_from
            && self.out > consumed.saturating_mul(self.max_ratio)
        {
            let (out, ratio) = (self.out, self.max_ratio);
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "the gzip content expands more than {ratio} times: its first {consumed} bytes gave \
                     {out} bytes (a decompression bomb, or one line repeated) (--max-gzip-ratio)"
                ),
            ));
        }
        if left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "the gzip content expands past the {limit} byte limit (--max-decompressed-mib)"
                ),
            ));
        }
        let n = usize::try_from(left).map_or(avail.len(), |l| l.min(avail.len()));
        Ok(&avail[..n])
    }

    fn consume(&mut self, amt: usize) {
        self.left = self.left.saturating_sub(amt as u64);
        self.out += amt as u64;
        self.inner.consume(amt);
    }
}

/// Scans CSV rows appended to a followed file: `bytes` is the file's header (and `#TYPE`
/// line) followed by whole rows; `line_offset` is how many lines of the file came before
/// those rows, less the header's, and `byte_offset` how many bytes. `under`: the file line of
/// that header when it is a joined export's, not the file's first; `said`: what earlier polls
/// said of that header (its notes are said once). Returns the last joined
/// export's header met among the rows, which the rows appended after them are read under.
pub(crate) fn scan_csv_rows(
    file: Arc<str>,
    bytes: Vec<u8>,
    (line_offset, byte_offset): (u64, u64),
    (under, said): (Option<u64>, &mut csvfile::HeaderSaid),
    opts: &ScanOptions,
    sink: &mut dyn FnMut(ScanMessage),
) -> Result<(FileSummary, Option<csvfile::JoinedHeader>), String> {
    let mut ctx = followed_ctx(file, opts, sink, line_offset, opts.context);
    ctx.context.csv_base = byte_offset;
    let rows = Box::new(io::Cursor::new(bytes));
    let joined = csvfile::scan_csv_under(&mut ctx, rows, under, said).map_err(|e| e.to_string())?;
    let rest = ctx.context.take();
    ctx.context_batch(Some(rest));
    match ctx.unknown_why.take() {
        Some(why) => Err(why),
        None => Ok((ctx.summary, joined)),
    }
}

/// The reading state for what a followed file appends (CSV rows, a JSON-lines line that
/// holds records): a fresh summary of the file, every record parsed (as the follow reader
/// parses its lines), raw texts kept in memory; `context`: whether the records go to the
/// related-events index from here.
fn followed_ctx<'a>(
    file: Arc<str>,
    opts: &'a ScanOptions,
    sink: &'a mut dyn FnMut(ScanMessage),
    line_offset: u64,
    context: bool,
) -> json::Ctx<'a> {
    json::Ctx {
        file: file.clone(),
        opts,
        sink,
        summary: FileSummary {
            path: file.to_string(),
            ..FileSummary::default()
        },
        kinds: Vec::new(),
        counts: Vec::new(),
        unknown_seen: None,
        read_so_far: Arc::new(AtomicU64::new(0)),
        prefilter: Prefilter::new(),
        problems_reported: 0,
        unknown_why: None,
        error_line: None,
        line_offset,
        evidence: Arc::new(crate::evidence::Filer::new(None)),
        context: crate::context::Collector::new(file, context),
        text_line_said: false,
    }
}

/// Reads a followed JSON-lines line that holds records otherwise than as one record (an
/// array, an envelope, a JSON string: `json::Nested`), as a first load reads it
/// (`json::Ctx::nested_line`). `offset`: the content offset of the line (trimmed). The
/// summary counts the records the line held.
fn scan_nested_line(
    file: Arc<str>,
    (bytes, line, offset): (&[u8], u64, u64),
    nested: json::Nested,
    opts: &ScanOptions,
    sink: &mut dyn FnMut(ScanMessage),
) -> FileSummary {
    // The line's records go to the related-events index, each once (the follow reader does
    // not index such a line itself), as a first load gives them.
    let mut ctx = followed_ctx(file, opts, sink, 0, opts.context);
    // The line itself, which `nested_line` replaces by what it holds.
    ctx.summary.records = 1;
    ctx.nested_line(bytes, line, offset, nested);
    let rest = ctx.context.take();
    ctx.context_batch(Some(rest));
    ctx.summary
}
