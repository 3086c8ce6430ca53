//! JSON lines, streamed in large blocks read and scanned on every core, then taken back in
//! file order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use super::blockbuf::BlockBuf;
use super::blockscan::{BlockScan, Filing, apply_scan, scan_block, scan_lines_region};
use super::hashlane::HashLane;
use super::json::{ALWAYS_PARSED, Ctx};
use super::{Prefilter, ReadDigest, ScanOptions, positioned};

const CHUNK: usize = 2 << 20;

/// Blocks read ahead of the one being dispatched, per scanning thread: bounds the memory.
const AHEAD_PER_WORKER: u64 = 2;

/// JSON lines, streamed in large blocks. Past the first records only lines the prefilter
/// lets through are parsed; the line count is kept exact for `file:line` references.
///
/// The blocks are read and scanned on every core. A regular file (`seekable`) is read at
/// positions: each scanning thread reads a block of its own, outside any lock
/// (`positioned`). Any other input (gzip, standard input, decoded text) is read in turn:
/// each scanning thread reads the next block (cut at its last newline) under a lock. Then
/// the thread looks for candidate lines in its block and parses them, and (positioned reads)
/// the scanning threads hash the blocks in file order ([`HashLane`]). This thread takes the
/// blocks back in file order, numbers their lines and sends what they held on, so the
/// messages come in the order a plain line-by-line scan sends them.
pub fn scan_json_lines(
    ctx: &mut Ctx,
    reader: Box<dyn BufRead + Send>,
    seekable: Option<Seekable>,
) -> io::Result<()> {
    let workers = scanning_threads();
    if let Some(digest) = seekable.as_ref().and_then(|s| s.digest.as_ref()) {
        // The file is read again from its first byte: hash from there.
        digest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .restart();
    }
    let shared = Shared {
        state: Mutex::new(ReadState {
            reader,
            carry: Vec::new(),
            pos: 0,
            skipping: Skipping::No,
            next_seq: 0,
            dispatched: 0,
            free: Vec::new(),
            finished: false,
        }),
        turn: Condvar::new(),
        in_flight: AHEAD_PER_WORKER * workers as u64 + 1,
        scan: AtomicBool::new(true),
        seekable,
        read_so_far: ctx.read_so_far.clone(),
        lane: Mutex::new(HashLane::default()),
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
    /// The file, when it is read at positions (`state.reader` is then not read).
    seekable: Option<Seekable>,
    /// Bytes read, for progress.
    read_so_far: Arc<AtomicU64>,
    /// The scanned items on their way to the dispatching thread, hashed in file order first
    /// when the file's hash is updated here (positioned reads): see [`pass_on`].
    lane: Mutex<HashLane<Item>>,
}

/// A regular file whose content is its bytes (no gzip, no decoding), read at positions.
pub struct Seekable {
    pub file: File,
    /// The hash of the file's bytes, when asked for: updated here in file order (by the
    /// scanning threads, [`pass_on`]), complete once the dispatching thread took the last
    /// block.
    pub digest: Option<Arc<Mutex<ReadDigest>>>,
}

struct ReadState {
    reader: Box<dyn BufRead + Send>,
    /// The start of a line the last block cut (no newline in it).
    carry: Vec<u8>,
    /// The content offset of `carry`'s first byte (of the next read when it is empty).
    pos: u64,
    skipping: Skipping,
    next_seq: u64,
    dispatched: u64,
    /// Buffers of dispatched blocks, for reuse (mapped on their own: unmapped when the
    /// scan ends, [`BlockBuf`]).
    free: Vec<BlockBuf>,
    /// The end of the file, a read error or a cancel was met, or the dispatching stopped.
    finished: bool,
}

/// A line over the record limit being passed over: blanks so far (a blank line is never a
/// record, however long: it is neither counted nor reported), or a record (reported once,
/// as [`Item::LongLine`], when its first non-blank byte is met).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skipping {
    No,
    Blank,
    Record,
}

/// What the reading side hands on, in sequence.
enum Item {
    Block(Block),
    /// A line longer than the record limit begins here; its bytes are skipped. `true` when
    /// its first bytes (up to the limit) hold the STS operation's name.
    LongLine(bool),
    Cancelled,
}

/// Whole lines of the file: `buf[start..end]`.
struct Block {
    buf: BlockBuf,
    /// The content offset of `buf[0]`.
    base: u64,
    start: usize,
    end: usize,
    /// The block ends the file (no read error): its last line may lack a newline.
    last: bool,
    /// The block begins with the end of a skipped over-long line.
    ends_long_line: bool,
    /// That line held only blanks up to its last read: if its end holds more, it is a
    /// record over the limit not yet reported (never for a line of blanks).
    ends_blank_line: bool,
    /// The read error that ended the file after this block.
    error: Option<io::Error>,
    /// A line longer than the record limit begins after the block (positioned reads).
    long_line: bool,
    /// That line holds only blanks: no record, neither counted nor reported.
    long_line_blank: bool,
    /// Its first bytes (up to the limit) hold the STS operation's name.
    long_line_sts: bool,
    /// The bytes of the file the block covers, to hash in order (positioned reads).
    own: Option<Range<usize>>,
    /// What a scanning thread found in it, if it looked.
    found: Option<BlockScan>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ReadState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A block was dispatched: one more may be read.
    fn block_done(&self, buf: Option<BlockBuf>) {
        let mut state = self.lock();
        state.dispatched += 1;
        state.free.extend(buf);
        drop(state);
        self.turn.notify_all();
    }

    /// The hash to update in file order (positioned reads, when asked for).
    fn digest(&self) -> Option<&Mutex<ReadDigest>> {
        self.seekable.as_ref()?.digest.as_deref()
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
        buf.grow_to(filled + CHUNK);
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            buf.grow_to(filled + CHUNK);
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
                        // No newline yet: over the limit once even a `\r` before the
                        // coming `\n` leaves more than the limit ([`super::json::over_record_limit`]).
                        if filled > max_record_bytes.saturating_add(1) {
                            // A line longer than any record may be: drop what we have and
                            // skip to its end. It is reported once a byte that is not a
                            // blank shows it holds a record (`buf` holds only this line).
                            let blank = self.skipping != Skipping::Record
                                && buf[..filled].iter().all(u8::is_ascii_whitespace);
                            let starts = self.skipping != Skipping::Record && !blank;
                            // `buf` holds the line's first bytes (or, after blanks, the
                            // first that are not): an STS event lost is said.
                            let sts = starts && super::json::holds_sts_operation(&buf[..filled]);
                            self.skipping = if blank {
                                Skipping::Blank
                            } else {
                                Skipping::Record
                            };
                            base += filled as u64;
                            self.pos = base;
                            filled = 0;
                            if starts {
                                self.free.push(buf);
                                return Item::LongLine(sts);
                            }
                        }
                        continue;
                    }
                }
            };
            let ends_long_line = self.skipping != Skipping::No;
            let ends_blank_line = self.skipping == Skipping::Blank;
            let mut start = 0;
            if ends_long_line {
                // The rest of the over-long line ends at the first newline.
                start = memchr::memchr(b'\n', &buf[..complete]).map_or(complete, |i| i + 1);
                self.skipping = Skipping::No;
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
                ends_blank_line,
                error,
                long_line: false,
                long_line_blank: false,
                long_line_sts: false,
                own: None,
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
        let Some((seq, item)) = claim(shared, opts) else {
            return;
        };
        let item = match item {
            Item::Block(mut block) if shared.scan.load(Ordering::Relaxed) => {
                let region = &block.buf[block.start..block.end];
                let at = Filing {
                    filer,
                    offset: block.base + block.start as u64,
                };
                // The context-only pass (`context_pass`) looks for no candidate: the
                // block's lines are counted for the context's line numbers, and only the
                // lines that hold records otherwise are read.
                let prefilter = (!opts.context_only).then_some(prefilter);
                let mut found = scan_block(region, block.last, prefilter, file, opts, &at);
                if opts.context {
                    found.context = crate::context::block_batches(file, region);
                    found.without_nested_lines_in_context();
                }
                block.found = Some(found);
                Item::Block(block)
            }
            other => other,
        };
        if !pass_on(shared, seq, item, tx) {
            return;
        }
    }
}

/// Sends an item on to the dispatching thread, hashed first when the file's hash is updated
/// here (positioned reads). The item waits its turn in the lane; the scanning thread that
/// brings the item next in turn hashes it and sends it on, then every item after it that
/// is there, so the dispatching thread receives them in file order.
///
/// Why here and not on the dispatching thread: that thread also takes every block's
/// context batches into the `report`'s index, and with the SHA-256 (about 0.6 s per GB) it
/// was the scan's slowest link: three busy threads shared the two cores, so it ran about two
/// thirds of the time while the scanning threads waited for free blocks, and the scan
/// kept 1.5-1.7 of the two cores busy (BENCHMARKS.md, issue 12, thirteenth round).
///
/// False when the dispatching thread stopped (its receiver is gone).
fn pass_on(shared: &Shared, seq: u64, item: Item, tx: &mpsc::Sender<(u64, Item)>) -> bool {
    let Some(digest) = shared.digest() else {
        return tx.send((seq, item)).is_ok();
    };
    let mut lane = shared.lane.lock().unwrap_or_else(PoisonError::into_inner);
    if !lane.arrive(seq, item) {
        return true;
    }
    while let Some((seq, item)) = lane.next_in_turn() {
        drop(lane);
        if let Item::Block(Block {
            buf,
            own: Some(own),
            ..
        }) = &item
        {
            digest
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .update(&buf[own.clone()]);
        }
        // The hash is marked complete by the dispatching thread only, once it has taken the
        // last block: a scan it stopped before (a cancel, a read error) leaves no hash,
        // whatever was hashed here.
        if tx.send((seq, item)).is_err() {
            return false;
        }
        lane = shared.lane.lock().unwrap_or_else(PoisonError::into_inner);
    }
    true
}

/// The next item in turn, read by this thread: `None` once the file is read (or the
/// dispatching stopped).
fn claim(shared: &Shared, opts: &ScanOptions) -> Option<(u64, Item)> {
    let mut state = shared.lock();
    while !state.finished && state.next_seq - state.dispatched >= shared.in_flight {
        state = shared
            .turn
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
    }
    if state.finished {
        return None;
    }
    let seq = state.next_seq;
    state.next_seq += 1;
    let item = if opts.cancelled() {
        Item::Cancelled
    } else if let Some(seekable) = &shared.seekable {
        // A block of its own, read with the lock released.
        let buf = state.free.pop().unwrap_or_default();
        drop(state);
        let item = read_block_at(seekable, seq, buf, opts.max_record_bytes);
        if let Item::Block(b) = &item {
            let read = b.base + b.own.as_ref().map_or(0, |o| o.end) as u64;
            shared.read_so_far.fetch_max(read, Ordering::Relaxed);
        }
        if ends_file(&item) {
            shared.finish();
        }
        return Some((seq, item));
    } else {
        state.next_item(opts.max_record_bytes)
    };
    if ends_file(&item) {
        state.finished = true;
        drop(state);
        shared.turn.notify_all();
    }
    Some((seq, item))
}

/// Whether no block comes after this item.
fn ends_file(item: &Item) -> bool {
    match item {
        Item::Block(b) => b.last || b.error.is_some(),
        Item::LongLine(_) => false,
        Item::Cancelled => true,
    }
}

/// Block `k` of a file read at positions.
fn read_block_at(seekable: &Seekable, k: u64, mut buf: BlockBuf, max_record_bytes: usize) -> Item {
    let owned = positioned::read_block(&seekable.file, k, CHUNK, &mut buf, max_record_bytes);
    Item::Block(Block {
        buf,
        base: owned.base,
        start: owned.lines.start,
        end: owned.lines.end,
        last: owned.last,
        ends_long_line: false,
        ends_blank_line: false,
        error: owned.error,
        long_line: owned.long_line,
        long_line_blank: owned.long_blank,
        long_line_sts: owned.long_sts,
        own: Some(owned.own),
        found: None,
    })
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
            Item::LongLine(sts) => {
                long_line(ctx, line_no, sts);
                shared.block_done(None);
                continue;
            }
            Item::Block(block) => block,
        };
        if ctx.opts.cancelled() {
            return Ok(());
        }
        if block.ends_long_line {
            // A line of blanks whose end holds more is a record over the limit after all.
            let tail = &block.buf[..block.start];
            if block.ends_blank_line && !tail.iter().all(u8::is_ascii_whitespace) {
                long_line(ctx, line_no, super::json::holds_sts_operation(tail));
            }
            line_no += 1;
        }
        let region = &block.buf[block.start..block.end];
        match block.found {
            Some(mut found) if ctx.prefilter_allowed() => {
                // The records read line by line before this block first, so the context
                // index receives them in file order (no sort at the file's end).
                let before = ctx.context.take();
                ctx.context_batch(Some(before));
                for mut batch in std::mem::take(&mut found.context) {
                    batch.shift(line_no, block.base + block.start as u64);
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
        if block.long_line {
            if !block.long_line_blank {
                long_line(ctx, line_no, block.long_line_sts);
            }
            line_no += 1;
        }
        if let (Some(_), Some(digest), true) = (&block.own, shared.digest(), block.last) {
            // Every block up to this one was hashed, in order, before it was sent here.
            digest
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .reached_end();
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

/// A line longer than the record limit: counted as a record, and skipped; `sts` when the
/// bytes of it looked at (its first, up to the limit) hold the STS operation's name, said as
/// a JSON document's record over the limit says it (an STS event is lost).
fn long_line(ctx: &mut Ctx, line_no: u64, sts: bool) {
    let message = super::json::over_limit_message(ctx.opts.max_record_bytes)
        + super::docstream::sts_note(sts);
    ctx.summary.records += 1;
    ctx.malformed(line_no, message);
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
