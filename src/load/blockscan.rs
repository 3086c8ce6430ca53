//! What a scanning thread finds in a block of JSON lines, and the plain line-by-line scan of
//! a region on the dispatching thread.

use std::sync::Arc;

use super::json::{Ctx, Evaluated, evaluate_line, is_whole_json, trim_ascii};
use super::record::Classified;
use super::{Prefilter, ScanOptions};

/// The last line without a DOS end-of-file mark (Ctrl+Z, 0x1A), which `copy a+b all`
/// writes after the files it joins (its ASCII mode): the mark is no record.
fn without_dos_eof(last: &[u8]) -> &[u8] {
    last.strip_suffix(b"\x1a").map_or(last, trim_ascii)
}

const TRUNCATED_LAST_LINE: &str =
    "truncated or invalid JSON on the last line (no newline at the end of the file)";

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

    /// A block's lines and records counted, no candidate looked for (the context-only
    /// pass: `ScanOptions::context_only`). The unterminated last line of the file counts
    /// as a record, as `scan_block` counts it.
    pub(super) fn counted(region: &[u8]) -> Self {
        let mut scan = Self::default();
        scan.count(region);
        let tail_start = memchr::memrchr(b'\n', region).map_or(0, |i| i + 1);
        if !without_dos_eof(trim_ascii(&region[tail_start..])).is_empty() {
            scan.records += 1;
        }
        scan
    }

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

/// Finds and evaluates the candidate records of a block (on a scanning thread).
pub(super) fn scan_block(
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
            at: place(region, bytes),
            evaluated: at.evaluate(region, bytes, file, opts),
        });
        scan.lines += 1;
        pos = end + 1;
    }
    scan.count(&body[pos.min(body.len())..]);
    let tail = without_dos_eof(trim_ascii(&region[body_end..]));
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
        let trimmed = without_dos_eof(trim_ascii(bytes));
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
