//! Where each CSV record ends, decided line by line before the csv reader sees the bytes,
//! so that a quoted cell whose quote never closes costs one record, not the rest of the file.
//!
//! The csv reader (like RFC 4180) lets a quoted cell run over lines: after a stray `"` it
//! would take every following line into one cell until another odd quote, or up to the
//! record limit. [`Framer`] sits between the decoded bytes and the csv reader:
//!
//! - a line that closes every quoted cell it opens (nearly every line of every export) is
//!   handed on as it is: the fast path walks its quotes with memchr, with the csv reader's own
//!   quoting rules (a quote opens a cell only at the start of a field; `""` inside a quoted
//!   cell is a quote), and copies nothing else; the parity of the quotes is not enough
//!   (`a,b"c,"d` has two and leaves a cell open);
//! - a line left inside a quoted cell goes to the slow path; if
//!   its quote is still open at the line's end, the following lines are gathered, up to the
//!   record limit, until the quote closes or the file ends;
//! - the gathered record is handed on whole when none of its continuation lines reads as a
//!   row of its own and it ends where a record can (a closing quote followed by a
//!   delimiter or the line's end) with the header's number of fields (a file that ends
//!   inside the quote may: its last record was cut, and the record layer names a cut
//!   AuditData);
//! - otherwise the record is bad: its lines, up to the first continuation line that reads
//!   as a row of its own (the header's number of fields, quotes closed and well formed), are
//!   skipped and reported with the reason, and the reading resumes at that line. With no
//!   such line, the whole gathered record is skipped (a limit reached: the reading resumes
//!   at the line after the limit).
//!
//! Each skipped line is replaced by an empty line, so the csv reader's line numbers stay
//! those of the file (empty lines are not records). Memory: the gathered lines, at most
//! the record limit plus one line of at most the limit.

use std::io::{self, BufRead, Read};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

mod header;
mod quoting;
mod requote;
use header::HeaderShape;
use quoting::{ends_inside, shape, trim_end, whole_closed_lines};

/// What the framer says of records (skipped, or read with a note), for the scan loop to
/// report in line order.
#[derive(Default)]
pub(super) struct Skipped {
    pending: AtomicUsize,
    list: Mutex<Vec<Said>>,
}

/// A record skipped, or a note on one read: its first line (counted from the framer's first
/// line = 1) and what to say.
#[derive(Debug)]
pub(super) struct Said {
    pub line: u64,
    pub message: String,
    pub skipped: bool,
}

impl Skipped {
    fn push(&self, line: u64, message: String) {
        self.say(Said {
            line,
            message,
            skipped: true,
        });
    }

    fn note(&self, line: u64, message: String) {
        self.say(Said {
            line,
            message,
            skipped: false,
        });
    }

    fn say(&self, said: Said) {
        if let Ok(mut list) = self.list.lock() {
            list.push(said);
            self.pending.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// What was said of the records that start before `line` (all of it with `None`).
    pub(super) fn take_before(&self, line: Option<u64>) -> Vec<Said> {
        if self.pending.load(Ordering::Relaxed) == 0 {
            return Vec::new();
        }
        let Ok(mut list) = self.list.lock() else {
            return Vec::new();
        };
        let keep = line.map_or(0, |l| list.iter().filter(|s| s.line >= l).count());
        let cut = list.len() - keep;
        list.sort_by_key(|s| s.line);
        let taken: Vec<_> = list.drain(..cut).collect();
        self.pending.store(list.len(), Ordering::Relaxed);
        taken
    }
}

/// How a gathered record stopped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// The quote closed at a line's end.
    Closed,
    /// The file ended inside the quote.
    EndOfFile,
    /// The record limit was reached inside the quote.
    Limit,
}

enum Line {
    Whole(Vec<u8>),
    /// A line longer than the record limit, passed over to its end; `true` when it ended
    /// with a newline.
    TooLong(bool),
    EndOfFile,
}

/// Hands the csv reader whole records (see the module's comment).
pub(super) struct Framer {
    inner: Box<dyn BufRead + Send>,
    delimiter: u8,
    limit: usize,
    /// Lines to read again before `inner`: those after a bad record's first line, or what
    /// the fast path left for the slow one.
    replay: Vec<u8>,
    /// The start of a line left over by the fast path's last read (no newline yet); it goes
    /// before the next bytes read.
    stash: Vec<u8>,
    replay_at: usize,
    /// Bytes at the front of the current source known to be whole lines of whole records.
    cleared: usize,
    /// Bytes ready for the csv reader (slow path).
    out: Vec<u8>,
    out_at: usize,
    /// Lines handed on or skipped so far.
    lines: u64,
    header: Option<HeaderShape>,
    skipped: std::sync::Arc<Skipped>,
    /// Decides whether rows may be short, from the header's cells.
    short_rows: fn(&[String]) -> bool,
    /// Lines of the file before the framer's first (blank lines, `#TYPE`), for messages.
    offset: u64,
    /// Rows written without quotes were requoted, and said so once.
    said_requoted: bool,
}

/// How many bytes of whole lines the fast path clears at a time.
const CLEAR_AHEAD: usize = 256 << 10;

impl Framer {
    pub(super) fn new(
        inner: Box<dyn BufRead + Send>,
        delimiter: u8,
        limit: usize,
        skipped: std::sync::Arc<Skipped>,
        short_rows: fn(&[String]) -> bool,
        offset: u64,
    ) -> Self {
        Framer {
            inner,
            delimiter,
            limit,
            replay: Vec::new(),
            replay_at: 0,
            stash: Vec::new(),
            cleared: 0,
            out: Vec::new(),
            out_at: 0,
            lines: 0,
            header: None,
            skipped,
            short_rows,
            offset,
            said_requoted: false,
        }
    }

    fn source(&mut self) -> io::Result<&[u8]> {
        if self.replay_at < self.replay.len() {
            return Ok(&self.replay[self.replay_at..]);
        }
        if !self.replay.is_empty() {
            self.replay = Vec::new();
            self.replay_at = 0;
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.replay_at < self.replay.len() {
            self.replay_at += n;
        } else {
            self.inner.consume(n);
        }
    }

    /// The fast path over the source (lines to read again, or the input's buffer): clears
    /// the whole lines at its front that close every quoted cell (each one ends a record).
    fn clear_ahead(&mut self) -> io::Result<()> {
        let (limit, delimiter, json) = (self.limit, self.delimiter, self.json_column());
        let chunk = self.source()?;
        let (at, lines) = whole_closed_lines(
            &chunk[..chunk.len().min(CLEAR_AHEAD)],
            limit,
            delimiter,
            json,
        );
        self.cleared = at;
        self.lines += lines;
        Ok(())
    }

    /// The fast path without a copy: the input is read straight into the csv reader's
    /// buffer (after the start of a line left over from the last read) and the whole lines
    /// that close every quoted cell are handed on where they are. What follows them is kept: the
    /// start of a line (for the next read), or an odd line and the rest (for the slow path,
    /// `None`).
    fn read_direct(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        let kept = self.stash.len();
        buf[..kept].copy_from_slice(&self.stash);
        self.stash.clear();
        let got = self.inner.read(&mut buf[kept..])?;
        let n = kept + got;
        let json = self.json_column();
        let (at, lines) = whole_closed_lines(&buf[..n], self.limit, self.delimiter, json);
        self.lines += lines;
        let rest = &buf[at..n];
        if got == 0 || at == 0 || memchr::memchr(b'\n', rest).is_some() {
            // The end of the input, a line as long as the buffer, or an odd line.
            self.replay = rest.to_vec();
            self.replay_at = 0;
        } else {
            self.stash.extend_from_slice(rest);
        }
        Ok((at > 0).then_some(at))
    }

    /// The next line, bounded by the record limit.
    fn take_line(&mut self) -> io::Result<Line> {
        let mut line = Vec::new();
        loop {
            let limit = self.limit;
            let chunk = self.source()?;
            if chunk.is_empty() {
                return Ok(if line.is_empty() {
                    Line::EndOfFile
                } else {
                    Line::Whole(line)
                });
            }
            let (take, ended) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if line.len() + take > limit {
                self.consume(take);
                let ended = ended || self.pass_line()?;
                return Ok(Line::TooLong(ended));
            }
            line.extend_from_slice(&chunk[..take]);
            self.consume(take);
            if ended {
                return Ok(Line::Whole(line));
            }
        }
    }

    /// Passes over the rest of a line; `true` when a newline ended it.
    fn pass_line(&mut self) -> io::Result<bool> {
        loop {
            let chunk = self.source()?;
            if chunk.is_empty() {
                return Ok(false);
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    self.consume(i + 1);
                    return Ok(true);
                }
                None => {
                    let n = chunk.len();
                    self.consume(n);
                }
            }
        }
    }

    /// The slow path: one line, or the lines of one record whose quote stays open. Returns
    /// false at the end of the input.
    fn frame_one(&mut self) -> io::Result<bool> {
        let first = match self.take_line()? {
            Line::EndOfFile => return Ok(false),
            Line::TooLong(ended) => {
                self.lines += 1;
                self.skipped.push(
                    self.lines,
                    format!(
                        "CSV row over the record size limit ({} bytes, --max-record-mib); skipped",
                        self.limit
                    ),
                );
                if ended {
                    self.out.push(b'\n');
                }
                return Ok(true);
            }
            Line::Whole(line) => line,
        };
        // The cheap look first: a row fails it at its first bytes, where walking its quotes
        // is a pass over it.
        if self.header.is_some()
            && quoting::may_be_header_line(&first, self.delimiter)
            && !ends_inside(&first, self.delimiter, false)
            && self.is_export_header(&first)
        {
            // Another export's header (exports joined one after another): the rows after
            // it are framed by its width, as the csv reader reads them under it. Framed by
            // the first header's, a cell over lines made a record of one field too many,
            // skipped.
            self.header = Some(self.header_shape(&first));
            self.pass(first, 1);
            return Ok(true);
        }
        if let Some((col, width)) = self.json_column()
            && let Some(quoted) = requote::requote(&first, col, width, self.delimiter)
        {
            if !std::mem::replace(&mut self.said_requoted, true) {
                self.skipped.note(self.lines + 1, format!("its JSON column is written without quotes (Export-Csv -UseQuotes Never): each such row is framed by the column's place ({col} columns before it, {} after, none quoted) and read", width - col - 1));
            }
            self.pass(quoted, 1);
            return Ok(true);
        }
        if !ends_inside(&first, self.delimiter, false) {
            self.pass(first, 1);
            return Ok(true);
        }
        self.gather(first)
    }

    /// The JSON column and the header's width, when the header has such a column.
    fn json_column(&self) -> Option<(usize, usize)> {
        self.header.and_then(|h| Some((h.json_col?, h.width)))
    }

    /// Hands on a whole record of `lines` lines (the header's shape is taken from the first).
    fn pass(&mut self, record: Vec<u8>, lines: u64) {
        if self.header.is_none() {
            self.header = Some(self.header_shape(&record));
        }
        self.lines += lines;
        if self.out.is_empty() {
            self.out = record;
        } else {
            self.out.extend_from_slice(&record);
        }
    }

    /// A record whose quote is still open at the end of its first line: its lines are
    /// gathered and the record handed on or skipped (see the module's comment).
    fn gather(&mut self, first: Vec<u8>) -> io::Result<bool> {
        // The record's first line as the file numbers it (in messages).
        let start = self.lines + 1 + self.offset;
        let at = self.lines + 1;
        let mut held = first;
        let mut starts = vec![0usize];
        // A line over the limit met while gathering: passed over (`true`: it ended with a
        // newline).
        let mut too_long = None;
        let mut inside = true;
        let ending = loop {
            if held.len() > self.limit {
                break Ending::Limit;
            }
            match self.take_line()? {
                Line::EndOfFile => break Ending::EndOfFile,
                Line::TooLong(ended) => {
                    too_long = Some(ended);
                    break Ending::Limit;
                }
                Line::Whole(line) => {
                    starts.push(held.len());
                    inside = ends_inside(&line, self.delimiter, inside);
                    held.extend_from_slice(&line);
                    if !inside {
                        break Ending::Closed;
                    }
                }
            }
        };
        let line_at = |i: usize| {
            let end = starts.get(i + 1).copied().unwrap_or(held.len());
            &held[starts[i]..end]
        };
        let header = self.header;
        let whole = shape(trim_end(&held), self.delimiter);
        let fits = header.is_none_or(|h| h.fields_fit(whole.fields));
        if ending != Ending::Limit
            && whole.well_formed
            && fits
            && (ending == Ending::EndOfFile || !whole.open)
        {
            // A cell over several lines, as exports write them: handed on whole. Lines
            // inside it that would read as rows are said (an event string may hold a
            // newline and text that looks like a row: it is never read as one).
            let row_like = (1..starts.len())
                .filter(|&i| self.reads_as_row(line_at(i)))
                .count();
            if row_like > 0 {
                self.skipped.note(
                    at,
                    format!(
                        "a quoted cell runs over lines {start}-{} and holds {}; read as one record",
                        start + starts.len() as u64 - 1,
                        crate::count::count_as(
                            row_like,
                            "line that reads as a row of its own",
                            "lines that read as rows of their own"
                        )
                    ),
                );
            }
            let lines = starts.len() as u64;
            self.pass(held, lines);
            return Ok(true);
        }
        let resync = (1..starts.len()).find(|&i| self.starts_row(line_at(i)));
        // The bad record: its lines up to the first that reads as a row.
        let (mut bad, mut newlines, mut again) = match resync {
            Some(i) => (i as u64, i as u64, Some(held.split_off(starts[i]))),
            None => (
                starts.len() as u64 + u64::from(too_long.is_some()),
                memchr::memchr_iter(b'\n', &held).count() as u64
                    + u64::from(too_long == Some(true)),
                None,
            ),
        };
        let reason = match (ending, resync) {
            (_, Some(_)) => format!(
                "a quote opened on line {start} does not close where a record can end, and line {} starts a row of its own",
                start + bad
            ),
            (Ending::Limit, None) => format!(
                "a quote opened on line {start} never closes within the {} byte record limit (--max-record-mib)",
                self.limit
            ),
            (Ending::EndOfFile, None) if whole.open => {
                format!("a quote opened on line {start} never closes before the end of the file")
            }
            _ if !whole.well_formed => format!(
                "a quote opened on line {start} closes in the middle of a cell on line {}",
                start + bad - 1
            ),
            _ => format!(
                "a quote opened on line {start} runs to line {} and makes a record of {} fields where the header has {}",
                start + bad - 1,
                whole.fields,
                header.map_or(0, |h| h.width)
            ),
        };
        drop(held);
        if ending == Ending::Limit && again.is_none() {
            // Past the limit, the open cell's lines are passed over one at a time (nothing
            // is held) up to the next line that reads as a row.
            loop {
                match self.take_line()? {
                    Line::EndOfFile => break,
                    Line::TooLong(ended) => {
                        bad += 1;
                        newlines += u64::from(ended);
                    }
                    Line::Whole(line) => {
                        if self.starts_row(&line) {
                            again = Some(line);
                            break;
                        }
                        bad += 1;
                        newlines += u64::from(line.ends_with(b"\n"));
                    }
                }
            }
        }
        let last = start + bad - 1;
        let span = if last > start {
            format!("lines {start}-{last}")
        } else {
            format!("line {start}")
        };
        let resume = if again.is_some() {
            format!("; reading on at line {}", last + 1)
        } else {
            String::new()
        };
        self.skipped
            .push(at, format!("{reason}: {span} skipped{resume}"));
        // Empty lines in place of the skipped ones keep the csv reader's line numbers.
        self.lines += newlines;
        self.out
            .extend(std::iter::repeat_n(b'\n', newlines as usize));
        if let Some(mut again) = again {
            again.extend_from_slice(&self.replay[self.replay_at.min(self.replay.len())..]);
            self.replay = again;
            self.replay_at = 0;
            self.cleared = 0;
        }
        Ok(true)
    }

    /// A line that reads as a row of its own: quotes closed and only in quoted cells, the
    /// header's number of fields.
    fn reads_as_row(&self, line: &[u8]) -> bool {
        self.header.is_some_and(|h| {
            let s = shape(trim_end(line), self.delimiter);
            !s.open && s.strict && h.fields_fit(s.fields)
        })
    }

    /// A line that reads as a row, or as the start of one whose last cell goes on over the
    /// next lines (quotes only in quoted cells, at least two fields, no more than the
    /// header's).
    fn starts_row(&self, line: &[u8]) -> bool {
        self.header.is_some_and(|h| {
            let s = shape(trim_end(line), self.delimiter);
            s.strict
                && if s.open {
                    s.fields >= 2 && s.fields <= h.width
                } else {
                    h.fields_fit(s.fields)
                }
        })
    }
}

impl Read for Framer {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_at < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_at);
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                return Ok(n);
            }
            if self.cleared > 0 {
                let want = self.cleared.min(buf.len());
                let chunk = self.source()?;
                let n = want.min(chunk.len());
                buf[..n].copy_from_slice(&chunk[..n]);
                self.consume(n);
                self.cleared -= n;
                return Ok(n);
            }
            self.out.clear();
            self.out_at = 0;
            if self.header.is_some() {
                if self.replay_at < self.replay.len() {
                    self.clear_ahead()?;
                    if self.cleared > 0 {
                        continue;
                    }
                } else if self.stash.len() <= buf.len() / 2
                    && let Some(n) = self.read_direct(buf)?
                {
                    return Ok(n);
                }
            }
            if !self.stash.is_empty() {
                // A line longer than half the buffer: read on by the slow path.
                let mut again = std::mem::take(&mut self.stash);
                again.extend_from_slice(&self.replay[self.replay_at.min(self.replay.len())..]);
                self.replay = again;
                self.replay_at = 0;
            }
            if !self.frame_one()? && self.out.is_empty() {
                return Ok(0);
            }
        }
    }
}

#[cfg(test)]
mod tests;
