//! What a scanning thread finds in a block of JSON lines, and the plain line-by-line scan of
//! a region on the dispatching thread.

use std::sync::Arc;

use super::envelope_line::may_hold_records;
use super::json::{Ctx, Evaluated, evaluate_line, is_whole_json, trim_ascii};
use super::mixed_encoding::may_be_utf16;
use super::record::Classified;
use super::{Prefilter, ScanOptions};

/// The last line without a DOS end-of-file mark (Ctrl+Z, 0x1A), which `copy a+b all`
/// writes after the files it joins (its ASCII mode): the mark is no record.
fn without_dos_eof(last: &[u8]) -> &[u8] {
    // The NUL of a UTF-16LE newline (`0A 00`) ending a file read as UTF-8 that goes on in
    // UTF-16 (`super::mixed_encoding`): no record, and no cut line.
    if last == b"\0" {
        return &last[..0];
    }
    last.strip_suffix(b"\x1a").map_or(last, trim_ascii)
}

const TRUNCATED_LAST_LINE: &str =
    "truncated or invalid JSON on the last line (no newline at the end of the file)";

/// What a last line without its newline that is no whole JSON value is said as: UTF-8 text
/// in a file read as UTF-16 (the reverse of `mixed_encoding`'s case: one such line to the
/// file's end), else a cut line.
fn last_line_message(tail: &[u8]) -> String {
    match std::str::from_utf8(tail)
        .ok()
        .and_then(super::mixed_encoding::utf8_read_as_utf16)
    {
        Some(utf8) => super::mixed_encoding::utf8_in_utf16_message(&utf8),
        None => TRUNCATED_LAST_LINE.to_owned(),
    }
}

/// What a scanning thread found in a block: its line and record counts and the candidate
/// records, evaluated (their line numbers counted from the block's first line, from 0).
#[derive(Default)]
pub(super) struct BlockScan {
    lines: u64,
    records: u64,
    hits: Vec<Hit>,
    /// Every record's compact context (`context::block_batches`), lines from 0.
    pub(super) context: Vec<crate::context::Batch>,
}

struct Hit {
    /// Lines before it in the block.
    line: u64,
    /// Records in the block up to it, itself included.
    records_through: u64,
    /// The offset after its line.
    end: usize,
    /// Where the record (trimmed) is in the region, for a line that holds records otherwise
    /// (`Evaluated::Nested`).
    at: std::ops::Range<usize>,
    evaluated: Evaluated,
}

impl BlockScan {
    /// Takes the lines that hold records otherwise (an envelope, an array, a JSON string:
    /// `Evaluated::Nested`) out of the block's related-events batches: their records are
    /// given to the index when the line is read (`Ctx::nested_line`), each once, and the
    /// line is not one more record.
    pub(super) fn without_nested_lines_in_context(&mut self) {
        let nested: Vec<u64> = self
            .hits
            .iter()
            .filter(|h| matches!(h.evaluated, Evaluated::Nested(_)))
            .map(|h| h.line)
            .collect();
        if nested.is_empty() {
            return;
        }
        for batch in &mut self.context {
            batch
                .entries
                .retain(|e| nested.binary_search(&e.line).is_err());
        }
    }
}

/// The complete lines of a stretch the prefilter passes over, counted up to the first that
/// may hold records otherwise than as one record (an envelope, an array, a JSON string:
/// [`may_hold_records`]), which is parsed whatever the prefilter says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Passed {
    lines: u64,
    /// The lines counted that are records (not blank).
    records: u64,
    /// Where the lines counted end: the start of the line that may hold records, else after
    /// the stretch's last newline.
    end: usize,
    /// A line that may hold records starts at `end`.
    holds_records: bool,
}

/// Counts the complete lines of `stretch` as [`Passed`] says: one look at each line's first
/// bytes, on the newlines' walk the count makes anyway.
fn pass_over(stretch: &[u8]) -> Passed {
    let mut lines = 0u64;
    let mut blank = 0u64;
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', stretch) {
        let line = &stretch[start..nl];
        let holds_records = match line.first() {
            None => {
                blank += 1;
                false
            }
            Some(&b) if b.is_ascii_whitespace() || b == 0xef => {
                let trimmed = trim_ascii(line);
                blank += u64::from(trimmed.is_empty());
                may_hold_records(trimmed)
            }
            Some(_) => may_hold_records(line),
        };
        if holds_records {
            return Passed {
                lines,
                records: lines - blank,
                end: start,
                holds_records,
            };
        }
        lines += 1;
        start = nl + 1;
    }
    Passed {
        lines,
        records: lines - blank,
        end: start,
        holds_records: false,
    }
}

/// Where a region of the input stands, for filing the raw texts of its events.
pub(super) struct Filing<'a> {
    pub(super) filer: &'a crate::evidence::Filer,
    /// The content offset of the region's first byte.
    pub(super) offset: u64,
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
        let mut evaluated = evaluate_line(bytes, 0, file, opts.max_record_bytes);
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

/// Finds and evaluates the candidate records of a block (on a scanning thread): the lines
/// the prefilter lets through, and those that may hold records otherwise (an envelope, an
/// array, a JSON string: [`may_hold_records`]), so that the records of such a line are
/// counted and indexed as the same records one a line would be.
///
/// Without a prefilter (the context-only pass, `ScanOptions::context_only`) only the latter
/// are looked at, and only those that do hold records otherwise are kept
/// (`Evaluated::Nested`): the pass needs them for the records' count and their context, and
/// nothing else (no raw text is filed).
pub(super) fn scan_block(
    region: &[u8],
    last: bool,
    prefilter: Option<&Prefilter>,
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
    let evaluate = |bytes: &[u8]| match prefilter {
        Some(_) => Some(at.evaluate(region, bytes, file, opts)),
        None => Some(evaluate_line(bytes, 0, file, opts.max_record_bytes))
            .filter(|e| matches!(e, Evaluated::Nested(_))),
    };
    let mut pos = 0;
    // The prefilter's next candidate, kept while lines before it are parsed (a block of
    // envelope lines is searched once, not once a line).
    let mut next_hit: Option<Option<usize>> = None;
    while pos < body.len() {
        let hit = match next_hit {
            Some(Some(h)) if h >= pos => Some(h),
            Some(None) => None,
            _ => prefilter.and_then(|p| p.find_from(body, pos)),
        };
        next_hit = Some(hit);
        let stop = hit.map_or(body.len(), |hit| {
            memchr::memrchr(b'\n', &body[pos..hit]).map_or(pos, |i| pos + i + 1)
        });
        let passed = pass_over(&body[pos..stop]);
        scan.lines += passed.lines;
        scan.records += passed.records;
        let line_start = if passed.holds_records {
            pos + passed.end
        } else if hit.is_some() {
            stop
        } else {
            break;
        };
        let end = memchr::memchr(b'\n', &body[line_start..]).map_or(body.len(), |i| line_start + i);
        let bytes = trim_ascii(&body[line_start..end]);
        scan.records += 1;
        if let Some(evaluated) = evaluate(bytes) {
            scan.hits.push(Hit {
                line: scan.lines,
                records_through: scan.records,
                end: (end + 1).min(body.len()),
                at: place(region, bytes),
                evaluated,
            });
        }
        scan.lines += 1;
        pos = end + 1;
    }
    let tail = without_dos_eof(trim_ascii(&region[body_end..]));
    if !tail.is_empty() {
        scan.records += 1;
        let evaluated = if !is_whole_json(tail) && !may_be_utf16(tail) {
            prefilter.map(|_| Evaluated::Malformed(last_line_message(tail)))
        } else if prefilter.is_some_and(|p| p.may_match(tail)) || may_hold_records(tail) {
            evaluate(tail)
        } else {
            None
        };
        if let Some(evaluated) = evaluated {
            scan.hits.push(Hit {
                line: scan.lines,
                records_through: scan.records,
                end: region.len(),
                at: place(region, tail),
                evaluated,
            });
        }
    }
    scan
}

/// Where `part` (a slice of `region`) is in it.
fn place(region: &[u8], part: &[u8]) -> std::ops::Range<usize> {
    // Pointer arithmetic on two slices of one buffer.
    let start = part.as_ptr() as usize - region.as_ptr() as usize;
    start..start + part.len()
}

/// Sends on what a scanning thread found in a block.
pub(super) fn apply_scan(
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
        let bytes = &region[hit.at.clone()];
        ctx.dispatch_evaluated(hit.evaluated, line, bytes, offset + hit.at.start as u64);
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

/// Scans whole lines on this thread. `line_no` is the number of the region's first line,
/// and is advanced.
/// `offset` is the content offset of the region's first byte.
pub(super) fn scan_lines_region(
    ctx: &mut Ctx,
    region: &[u8],
    offset: u64,
    line_no: &mut u64,
    last: bool,
) {
    let mut pos = 0;
    // The prefilter's next candidate, kept while lines before it are parsed.
    let mut next_hit: Option<Option<usize>> = None;
    while pos < region.len() {
        if ctx.prefilter_allowed() {
            // Fast path: jump to the next candidate (or the next line that may hold records
            // otherwise), counting and indexing the lines passed over.
            let hit = match next_hit {
                Some(Some(h)) if h >= pos => Some(h),
                Some(None) => None,
                _ => ctx.prefilter.find_from(region, pos),
            };
            next_hit = Some(hit);
            let stop = hit.map_or(region.len(), |hit| {
                memchr::memrchr(b'\n', &region[pos..hit]).map_or(pos, |i| pos + i + 1)
            });
            let passed = pass_over_lines(ctx, &region[pos..stop], offset + pos as u64, line_no);
            if passed.holds_records {
                pos += passed.end;
            } else if hit.is_some() {
                pos = stop;
            } else {
                // What is left has no newline: the file's last line, or nothing.
                let start = pos + passed.end;
                let rest = &region[start..];
                if last {
                    // The last line has no newline: parse it, it may be a truncated record.
                    let line = *line_no;
                    ctx.record_always(rest, line, Some(offset + start as u64));
                } else if !trim_ascii(rest).is_empty() {
                    ctx.summary.records += 1;
                }
                return;
            }
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

/// Counts the complete lines of a stretch the prefilter passes over, and the records among
/// them, up to the first that may hold records otherwise ([`pass_over`]); gives the records
/// counted to the related-events index, as `record_placed` gives a record it parses.
/// `offset`: the content offset of the stretch.
fn pass_over_lines(ctx: &mut Ctx, stretch: &[u8], offset: u64, line_no: &mut u64) -> Passed {
    let passed = pass_over(stretch);
    if ctx.context.on {
        for batch in ctx
            .context
            .json_lines(&stretch[..passed.end], *line_no, offset)
        {
            ctx.context_batch(Some(batch));
        }
    }
    ctx.summary.records += passed.records;
    *line_no += passed.lines;
    passed
}

impl Ctx<'_> {
    /// A record parsed whatever the prefilter says (the unterminated last line, where a
    /// truncated download shows).
    fn record_always(&mut self, bytes: &[u8], line: u64, offset: Option<u64>) {
        let trimmed = without_dos_eof(trim_ascii(bytes));
        if trimmed.is_empty() {
            return;
        }
        if !is_whole_json(trimmed) && !may_be_utf16(trimmed) {
            self.summary.records += 1;
            self.malformed(line, last_line_message(trimmed));
            return;
        }
        self.record_placed(bytes, line, offset);
    }
}
