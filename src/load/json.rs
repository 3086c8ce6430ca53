//! JSON lines (streamed, with the byte prefilter) and JSON documents (arrays, envelopes such
//! as `{"value":[…]}`, `{"records":[…]}`, `{"results":[…]}`, single or concatenated objects).

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use serde_json::Value;

use super::decode;
use super::record::{Classified, Origin, classify};
use super::{Prefilter, ScanMessage, ScanOptions};
use crate::model::{FileSummary, Problem, SourceKind, SourceRef};

/// How many records at the start of every file are parsed whatever the prefilter says, so
/// that the format is known and a wrong or damaged file is reported.
const ALWAYS_PARSED: u64 = 1000;
/// How many bad records of one file are described; the rest are only counted.
const PROBLEMS_DESCRIBED: u64 = 20;
const CHUNK: usize = 2 << 20;

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
        self.summary.replaced += 1;
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
    fn prefilter_allowed(&self) -> bool {
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
        if let Some(b) = batch.filter(|b| !b.entries.is_empty()) {
            (self.sink)(ScanMessage::Context(Box::new(b)));
        }
    }

    /// One record's bytes: prefilter, parse, classify.
    pub fn record(&mut self, bytes: &[u8], line: u64) {
        self.record_placed(bytes, line, None);
    }

    /// One record's bytes, at content offset `offset` when known (its raw text is then kept
    /// as that place in the input).
    fn record_placed(&mut self, untrimmed: &[u8], line: u64, offset: Option<u64>) {
        let bytes = trim_ascii(untrimmed);
        if bytes.is_empty() {
            return;
        }
        let batch = self.context.json_record(bytes, line);
        self.context_batch(batch);
        self.summary.records += 1;
        if self.prefilter_allowed() && !self.prefilter.may_match(bytes) {
            return;
        }
        let mut evaluated = evaluate_record(bytes, line, &self.file, self.opts.max_record_bytes);
        if let (Some(offset), Evaluated::Classified(Classified::Sts(event), _)) =
            (offset, &mut evaluated)
            && let crate::evidence::RawText::Text(text) = &mut event.raw
        {
            let at = offset + (bytes.as_ptr() as usize - untrimmed.as_ptr() as usize) as u64;
            event.raw = self.evidence.file_at(std::mem::take(text), bytes, at);
        }
        match evaluated {
            Evaluated::Classified(classified, repair) => {
                self.repaired(line, repair);
                self.dispatch_at(classified, line);
            }
            Evaluated::Malformed(message) => self.malformed(line, message),
        }
    }

    /// What a record evaluated away from the dispatching thread came to, at its line.
    fn dispatch_evaluated(&mut self, evaluated: Evaluated, line: u64) {
        match evaluated {
            Evaluated::Classified(mut classified, repair) => {
                if let Classified::Sts(event) = &mut classified {
                    event.source.line = line;
                }
                self.repaired(line, repair);
                self.dispatch_at(classified, line);
            }
            Evaluated::Malformed(message) => self.malformed(line, message),
        }
    }
}

/// What a record (past the prefilter) came to, and what was replaced to read it.
enum Evaluated {
    Classified(Classified, Option<decode::Repair>),
    Malformed(String),
}

/// Parses and classifies one trimmed record. The same for every path, so that the parallel
/// scan returns what the plain one does.
fn evaluate_record(bytes: &[u8], line: u64, file: &Arc<str>, max_record_bytes: usize) -> Evaluated {
    if bytes.len() > max_record_bytes {
        return Evaluated::Malformed(format!(
            "record of {} bytes is over the {} byte limit; skipped",
            bytes.len(),
            max_record_bytes
        ));
    }
    // Valid UTF-8 is checked once, then parsed as text (the usual case). Only a record that
    // fails is looked at again: invalid UTF-8 and lone surrogate escapes are replaced by
    // U+FFFD (as Kusto does at ingestion) and the record is read; the fast path is unchanged.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text).map(|v| (v, std::borrow::Cow::Borrowed(text))),
        Err(_) => serde_json::from_slice(bytes).map(|v| (v, String::from_utf8_lossy(bytes))),
    };
    let (value, raw, repair): (Value, _, _) = match parsed {
        Ok((value, raw)) => (value, raw, None),
        Err(e) => match decode::repair_json(bytes) {
            Some((fixed, repair)) => match serde_json::from_str(&fixed) {
                Ok(value) => (value, std::borrow::Cow::Owned(fixed), Some(repair)),
                Err(_) => return Evaluated::Malformed(format!("not valid JSON: {e}")),
            },
            None => return Evaluated::Malformed(format!("not valid JSON: {e}")),
        },
    };
    let origin = Origin {
        file,
        line,
        raw: &raw,
    };
    Evaluated::Classified(classify(value, &origin), repair)
}

/// True when the bytes are one whole JSON value, once invalid UTF-8 and lone surrogate
/// escapes are replaced (a last line without a newline may be a cut download).
fn is_whole_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
        || decode::repair_json(bytes)
            .is_some_and(|(fixed, _)| serde_json::from_str::<serde::de::IgnoredAny>(&fixed).is_ok())
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    b.trim_ascii()
}

const TRUNCATED_LAST_LINE: &str =
    "truncated or invalid JSON on the last line (no newline at the end of the file)";

/// Blocks read ahead of the one being dispatched, per scanning thread: bounds the memory.
const AHEAD_PER_WORKER: u64 = 2;

/// JSON lines, streamed in large blocks. Past the first records only lines the prefilter
/// lets through are parsed; the line count is kept exact for `file:line` references.
///
/// The blocks are read and scanned on every core: each scanning thread in turn reads the
/// next block (cut at its last newline), then looks for candidate lines in it and parses
/// them. This thread takes the blocks back in file order, numbers their lines and sends what
/// they held on, so the messages come in the order a plain line-by-line scan sends them.
pub fn scan_json_lines(ctx: &mut Ctx, reader: Box<dyn BufRead + Send>) -> io::Result<()> {
    let workers = scanning_threads();
    let shared = Shared {
        state: Mutex::new(ReadState {
            reader,
            carry: Vec::new(),
            pos: 0,
            skipping_long_line: false,
            next_seq: 0,
            dispatched: 0,
            free: Vec::new(),
            finished: false,
        }),
        turn: Condvar::new(),
        in_flight: AHEAD_PER_WORKER * workers as u64 + 1,
        scan: AtomicBool::new(true),
    };
    let prefilter = Prefilter::new();
    let opts: &ScanOptions = ctx.opts;
    let (tx, rx) = mpsc::channel::<(u64, Item)>();
    let filer = ctx.evidence.clone();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let file = ctx.file.clone();
            let (shared, prefilter, filer) = (&shared, &prefilter, &*filer);
            scope.spawn(move || worker(shared, filer, prefilter, &file, opts, &tx));
        }
        drop(tx);
        // However the dispatching ends (done, an error, a cancel, a panic in the sink), the
        // scanning threads are told to stop, so that the scope can join them.
        let _finish = Finish(&shared);
        dispatch_in_order(ctx, &shared, &rx)
    })
}

/// Stops the scanning threads when dropped.
struct Finish<'a>(&'a Shared);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// One per core (at most 8), or `STS_TRIAGE_THREADS` (for measurements).
fn scanning_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    std::env::var("STS_TRIAGE_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(cores)
        .clamp(1, 8)
}

/// The reading side, shared by the scanning threads.
struct Shared {
    state: Mutex<ReadState>,
    turn: Condvar,
    /// How many blocks may be read and not yet dispatched.
    in_flight: u64,
    /// False once the scanning threads' work is of no use (the prefilter is off for the
    /// file): they then only read.
    scan: AtomicBool,
}

struct ReadState {
    reader: Box<dyn BufRead + Send>,
    /// The start of a line the last block cut (no newline in it).
    carry: Vec<u8>,
    /// The content offset of `carry`'s first byte (of the next read when it is empty).
    pos: u64,
    skipping_long_line: bool,
    next_seq: u64,
    dispatched: u64,
    /// Buffers of dispatched blocks, for reuse.
    free: Vec<Vec<u8>>,
    /// The end of the file, a read error or a cancel was met, or the dispatching stopped.
    finished: bool,
}

/// What the reading side hands on, in sequence.
enum Item {
    Block(Block),
    /// A line longer than the record limit begins here; its bytes are skipped.
    LongLine,
    Cancelled,
}

/// Whole lines of the file: `buf[start..end]`.
struct Block {
    buf: Vec<u8>,
    /// The content offset of `buf[0]`.
    base: u64,
    start: usize,
    end: usize,
    /// The block ends the file (no read error): its last line may lack a newline.
    last: bool,
    /// The block begins with the end of a skipped over-long line.
    ends_long_line: bool,
    /// The read error that ended the file after this block.
    error: Option<io::Error>,
    /// What a scanning thread found in it, if it looked.
    found: Option<BlockScan>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ReadState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A block was dispatched: one more may be read.
    fn block_done(&self, buf: Option<Vec<u8>>) {
        let mut state = self.lock();
        state.dispatched += 1;
        state.free.extend(buf);
        drop(state);
        self.turn.notify_all();
    }

    fn finish(&self) {
        self.lock().finished = true;
        self.turn.notify_all();
    }
}

impl ReadState {
    /// Reads the next block of whole lines (or notes the start of an over-long line).
    fn next_item(&mut self, max_record_bytes: usize) -> Item {
        let mut buf = self.free.pop().unwrap_or_default();
        let mut base = self.pos;
        let mut filled = self.carry.len();
        if buf.len() < filled + CHUNK {
            buf.resize(filled + CHUNK, 0);
        }
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            if buf.len() < filled + CHUNK {
                buf.resize(filled + CHUNK, 0);
            }
            let before = filled;
            // A read error (a truncated gzip stream) ends the file: what was read before it
            // is scanned first, then the error is reported.
            let (n, error) = read_full(&mut self.reader, &mut buf[before..before + CHUNK]);
            filled += n;
            let eof = n == 0 && error.is_none();
            let complete = if eof {
                filled
            } else if error.is_some() {
                // The line the error cut is not a record: only whole lines are scanned.
                memchr::memrchr(b'\n', &buf[..filled]).map_or(0, |i| i + 1)
            } else {
                // The bytes before `before` hold no newline.
                match memchr::memrchr(b'\n', &buf[before..filled]) {
                    Some(i) => before + i + 1,
                    None => {
                        if filled > max_record_bytes {
                            // A line longer than any record may be: drop what we have and
                            // skip to its end.
                            let starts = !self.skipping_long_line;
                            self.skipping_long_line = true;
                            base += filled as u64;
                            self.pos = base;
                            filled = 0;
                            if starts {
                                self.free.push(buf);
                                return Item::LongLine;
                            }
                        }
                        continue;
                    }
                }
            };
            let ends_long_line = self.skipping_long_line;
            let mut start = 0;
            if ends_long_line {
                // The rest of the over-long line ends at the first newline.
                start = memchr::memchr(b'\n', &buf[..complete]).map_or(complete, |i| i + 1);
                self.skipping_long_line = false;
            }
            self.carry.extend_from_slice(&buf[complete..filled]);
            self.pos = base + complete as u64;
            return Item::Block(Block {
                buf,
                base,
                start,
                end: complete,
                last: eof,
                ends_long_line,
                error,
                found: None,
            });
        }
    }
}

/// A scanning thread: reads the next block in turn, then scans it.
fn worker(
    shared: &Shared,
    filer: &crate::evidence::Filer,
    prefilter: &Prefilter,
    file: &Arc<str>,
    opts: &ScanOptions,
    tx: &mpsc::Sender<(u64, Item)>,
) {
    // Should a scanning thread panic, the others stop and the dispatching thread sees the
    // channel close instead of waiting for its block; the panic then goes on to the caller.
    let _finish = Finish(shared);
    loop {
        let (seq, item) = {
            let mut state = shared.lock();
            while !state.finished && state.next_seq - state.dispatched >= shared.in_flight {
                state = shared
                    .turn
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if state.finished {
                return;
            }
            let seq = state.next_seq;
            state.next_seq += 1;
            let item = if opts.cancelled() {
                Item::Cancelled
            } else {
                state.next_item(opts.max_record_bytes)
            };
            let ends = match &item {
                Item::Block(b) => b.last || b.error.is_some(),
                Item::LongLine => false,
                Item::Cancelled => true,
            };
            if ends {
                state.finished = true;
                drop(state);
                shared.turn.notify_all();
            }
            (seq, item)
        };
        let item = match item {
            Item::Block(mut block) if shared.scan.load(Ordering::Relaxed) => {
                let region = &block.buf[block.start..block.end];
                let at = Filing {
                    filer,
                    offset: block.base + block.start as u64,
                };
                let mut found = scan_block(region, block.last, prefilter, file, opts, &at);
                if opts.context {
                    found.context = crate::context::block_batches(file, region);
                }
                block.found = Some(found);
                Item::Block(block)
            }
            other => other,
        };
        if tx.send((seq, item)).is_err() {
            return;
        }
    }
}

/// Takes the blocks in file order and sends on what they held.
fn dispatch_in_order(
    ctx: &mut Ctx,
    shared: &Shared,
    rx: &mpsc::Receiver<(u64, Item)>,
) -> io::Result<()> {
    let mut waiting: BTreeMap<u64, Item> = BTreeMap::new();
    let mut next = 0u64;
    let mut line_no: u64 = 1;
    loop {
        let Some(item) = waiting.remove(&next) else {
            match rx.recv() {
                Ok((seq, item)) => {
                    waiting.insert(seq, item);
                    continue;
                }
                Err(_) => return Ok(()),
            }
        };
        next += 1;
        let block = match item {
            Item::Cancelled => return Ok(()),
            Item::LongLine => {
                let message = format!(
                    "line longer than the {} byte record limit; skipped",
                    ctx.opts.max_record_bytes
                );
                ctx.summary.records += 1;
                ctx.malformed(line_no, message);
                shared.block_done(None);
                continue;
            }
            Item::Block(block) => block,
        };
        if ctx.opts.cancelled() {
            return Ok(());
        }
        if block.ends_long_line {
            line_no += 1;
        }
        let region = &block.buf[block.start..block.end];
        match block.found {
            Some(mut found) if ctx.prefilter_allowed() => {
                for mut batch in std::mem::take(&mut found.context) {
                    batch.shift_lines(line_no);
                    ctx.context_batch(Some(batch));
                }
                let offset = block.base + block.start as u64;
                apply_scan(ctx, region, offset, found, &mut line_no, block.last);
            }
            _ => {
                let offset = block.base + block.start as u64;
                scan_lines_region(ctx, region, offset, &mut line_no, block.last);
            }
        }
        if !ctx.prefilter_allowed() && ctx.summary.records > ALWAYS_PARSED {
            // Every record of this file is parsed here (query results): the scanning
            // threads' work would be thrown away.
            shared.scan.store(false, Ordering::Relaxed);
        }
        ctx.progress();
        shared.block_done(Some(block.buf));
        if let Some(e) = block.error {
            ctx.error_line = Some(line_no);
            return Err(e);
        }
        if block.last {
            return Ok(());
        }
    }
}

/// What a scanning thread found in a block: its line and record counts and the candidate
/// records, evaluated (their line numbers counted from the block's first line, from 0).
#[derive(Default)]
struct BlockScan {
    lines: u64,
    records: u64,
    hits: Vec<Hit>,
    /// Every record's compact context (`context::block_batches`), lines from 0.
    context: Vec<crate::context::Batch>,
}

struct Hit {
    /// Lines before it in the block.
    line: u64,
    /// Records in the block up to it, itself included.
    records_through: u64,
    /// The offset after its line.
    end: usize,
    evaluated: Evaluated,
}

impl BlockScan {
    fn count(&mut self, stretch: &[u8]) {
        let (lines, records) = lines_and_records(stretch);
        self.lines += lines;
        self.records += records;
    }
}

/// The complete lines of a stretch, and how many of them are records (not blank).
fn lines_and_records(stretch: &[u8]) -> (u64, u64) {
    let mut lines = 0u64;
    let mut blank = 0u64;
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', stretch) {
        lines += 1;
        let line = &stretch[start..nl];
        let maybe_blank = line
            .first()
            .is_none_or(|&b| b.is_ascii_whitespace() || b == 0xef);
        if maybe_blank && trim_ascii(line).is_empty() {
            blank += 1;
        }
        start = nl + 1;
    }
    (lines, lines - blank)
}

/// Where a region of the input stands, for filing the raw texts of its events.
struct Filing<'a> {
    filer: &'a crate::evidence::Filer,
    /// The content offset of the region's first byte.
    offset: u64,
}

impl Filing<'_> {
    /// Evaluates a record of the region and files its event's raw text.
    fn evaluate(
        &self,
        region: &[u8],
        bytes: &[u8],
        file: &Arc<str>,
        opts: &ScanOptions,
    ) -> Evaluated {
        let mut evaluated = evaluate_record(bytes, 0, file, opts.max_record_bytes);
        if let Evaluated::Classified(Classified::Sts(event), _) = &mut evaluated
            && let crate::evidence::RawText::Text(text) = &mut event.raw
        {
            // Pointer arithmetic on two slices of one buffer: the record's place in it.
            let at = bytes.as_ptr() as usize - region.as_ptr() as usize;
            let text = std::mem::take(text);
            event.raw = self.filer.file_at(text, bytes, self.offset + at as u64);
        }
        evaluated
    }
}

/// Finds and evaluates the candidate records of a block (on a scanning thread).
fn scan_block(
    region: &[u8],
    last: bool,
    prefilter: &Prefilter,
    file: &Arc<str>,
    opts: &ScanOptions,
    at: &Filing,
) -> BlockScan {
    let mut scan = BlockScan::default();
    // The last line of the file, when it has no newline, is looked at whatever the
    // prefilter says: a truncated download shows there.
    let body_end = if last && !region.ends_with(b"\n") {
        memchr::memrchr(b'\n', region).map_or(0, |i| i + 1)
    } else {
        region.len()
    };
    let body = &region[..body_end];
    let mut pos = 0;
    while pos < body.len() {
        let Some(hit) = prefilter.find_from(body, pos) else {
            break;
        };
        let line_start = memchr::memrchr(b'\n', &body[pos..hit]).map_or(pos, |i| pos + i + 1);
        scan.count(&body[pos..line_start]);
        let end = memchr::memchr(b'\n', &body[hit..]).map_or(body.len(), |i| hit + i);
        let bytes = trim_ascii(&body[line_start..end]);
        scan.records += 1;
        scan.hits.push(Hit {
            line: scan.lines,
            records_through: scan.records,
            end: (end + 1).min(body.len()),
            evaluated: at.evaluate(region, bytes, file, opts),
        });
        scan.lines += 1;
        pos = end + 1;
    }
    scan.count(&body[pos.min(body.len())..]);
    let tail = trim_ascii(&region[body_end..]);
    if !tail.is_empty() {
        scan.records += 1;
        let evaluated = if !is_whole_json(tail) {
            Some(Evaluated::Malformed(TRUNCATED_LAST_LINE.to_owned()))
        } else if prefilter.may_match(tail) {
            Some(at.evaluate(region, tail, file, opts))
        } else {
            None
        };
        if let Some(evaluated) = evaluated {
            scan.hits.push(Hit {
                line: scan.lines,
                records_through: scan.records,
                end: region.len(),
                evaluated,
            });
        }
    }
    scan
}

/// Sends on what a scanning thread found in a block.
fn apply_scan(
    ctx: &mut Ctx,
    region: &[u8],
    offset: u64,
    found: BlockScan,
    line_no: &mut u64,
    last: bool,
) {
    let base = *line_no;
    let mut records_counted = 0;
    for hit in found.hits {
        let line = base + hit.line;
        ctx.summary.records += hit.records_through - records_counted;
        records_counted = hit.records_through;
        ctx.dispatch_evaluated(hit.evaluated, line);
        if !ctx.prefilter_allowed() {
            // A query-result row: from here on every record is parsed.
            *line_no = line + 1;
            let rest = offset + hit.end as u64;
            scan_lines_region(ctx, &region[hit.end..], rest, line_no, last);
            return;
        }
    }
    ctx.summary.records += found.records - records_counted;
    *line_no = base + found.lines;
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

/// Scans whole lines on this thread. `line_no` is the number of the region's first line,
/// and is advanced.
/// `offset` is the content offset of the region's first byte.
fn scan_lines_region(ctx: &mut Ctx, region: &[u8], offset: u64, line_no: &mut u64, last: bool) {
    let mut pos = 0;
    while pos < region.len() {
        if ctx.prefilter_allowed() {
            // Fast path: jump to the next candidate, counting the lines passed over.
            let Some(hit) = ctx.prefilter.find_from(region, pos) else {
                let rest = &region[pos..];
                let partial = !rest.is_empty() && !rest.ends_with(b"\n");
                if last && partial {
                    // The last line has no newline: parse it, it may be a truncated record.
                    let start = memchr::memrchr(b'\n', rest).map_or(0, |i| i + 1);
                    count_lines(ctx, &rest[..start], line_no);
                    let line = *line_no;
                    let at = Some(offset + (pos + start) as u64);
                    ctx.record_always(&rest[start..], line, at);
                    return;
                }
                count_lines(ctx, rest, line_no);
                if partial
                    && !trim_ascii(&rest[memchr::memrchr(b'\n', rest).map_or(0, |i| i + 1)..])
                        .is_empty()
                {
                    ctx.summary.records += 1;
                }
                return;
            };
            let line_start = memchr::memrchr(b'\n', &region[pos..hit]).map_or(pos, |i| pos + i + 1);
            count_lines(ctx, &region[pos..line_start], line_no);
            pos = line_start;
        }
        let end = memchr::memchr(b'\n', &region[pos..]).map_or(region.len(), |i| pos + i);
        let line = *line_no;
        let is_last_unterminated = last && end == region.len();
        let at = Some(offset + pos as u64);
        if is_last_unterminated {
            ctx.record_always(&region[pos..end], line, at);
        } else {
            ctx.record_placed(&region[pos..end], line, at);
        }
        *line_no += 1;
        pos = end + 1;
    }
}

/// Counts the complete lines of a skipped stretch, and the records among them.
fn count_lines(ctx: &mut Ctx, stretch: &[u8], line_no: &mut u64) {
    let (lines, records) = lines_and_records(stretch);
    ctx.summary.records += records;
    *line_no += lines;
}

impl Ctx<'_> {
    /// A record parsed whatever the prefilter says (the unterminated last line, where a
    /// truncated download shows).
    fn record_always(&mut self, bytes: &[u8], line: u64, offset: Option<u64>) {
        let trimmed = trim_ascii(bytes);
        if trimmed.is_empty() {
            return;
        }
        if !is_whole_json(trimmed) {
            self.summary.records += 1;
            self.malformed(line, TRUNCATED_LAST_LINE.to_owned());
            return;
        }
        self.record_placed(bytes, line, offset);
    }
}
