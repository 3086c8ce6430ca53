//! The blocks of a regular file, each read by a scanning thread on its own with positioned
//! reads (`pread`), outside any lock.
//!
//! Reading a file is mostly the kernel's copy out of the page cache: with few STS events it
//! is the largest single cost of a scan. Read in turn under a lock, it ran on one core at a
//! time, and each hand-over of the lock waited for the scheduler; read at positions, every
//! scanning thread copies its own block while the others search theirs.
//!
//! Block `k` of size `C` owns the lines that begin in bytes `[k·C, (k+1)·C)` of the file (a
//! line begins at byte 0 and after every `\n`). To know whether a line begins at its first
//! byte it reads from the byte before; to end its last line it reads on past its end up to
//! that line's newline, and no further than the record limit. So the blocks cover every line
//! exactly once and in order, and none needs to know where another one stopped.

use std::fs::File;
use std::io;
use std::ops::Range;

use super::blockbuf::BlockBuf;

/// The first read past a block's end for its last line (doubled while no newline comes):
/// a few times the length of a typical record.
const PROBE: usize = 16 << 10;

/// How far before the block a read begins, for the byte before it. One byte would do, but a
/// read from an odd offset into an aligned buffer makes the kernel's copy out of the page
/// cache (`copy_to_user`, most of a scan's CPU when few records are STS events) 3.3 times
/// slower on this machine's CPUs (0.52 against 0.16 s of system time a GB, measured with
/// `preadv` at destination offsets 0, 1, 7, 64 and 100): the source and the destination must
/// agree in their low bits. Blocks are multiples of 64 bytes, so reading from 64 bytes before
/// keeps both aligned.
const LEAD: u64 = 64;

/// What block `k` holds: the lines that begin in it are `buf[lines]`.
#[derive(Debug)]
pub(super) struct Owned {
    /// The content offset of `buf[0]`.
    pub(super) base: u64,
    /// Whole lines (each ends with `\n`, except the file's last line when `last`).
    pub(super) lines: Range<usize>,
    /// The block's own bytes, `[k·C, (k+1)·C)` of the file (less at the end of the file;
    /// up to the end of the file when its last line ends it), for hashing the file in
    /// order.
    pub(super) own: Range<usize>,
    /// The file ends within the block (or before it).
    pub(super) last: bool,
    /// A line longer than the record limit begins at `lines.end`; the blocks after it
    /// begin after its newline.
    pub(super) long_line: bool,
    /// That line holds only blanks (to its newline or the end of the file): it is no
    /// record, and is passed over unreported.
    pub(super) long_blank: bool,
    /// That line's bytes read (its first, up to the record limit) hold the STS operation's
    /// name: the warning says an STS event is lost.
    pub(super) long_sts: bool,
    /// The read error met after `lines`: the lines of the block after it are not read.
    pub(super) error: Option<io::Error>,
}

/// Reads block `k` (of `block` bytes) of `file` into `buf` (grown as needed, reused by the
/// caller). A line that begins in the block and goes on past its end is read to its
/// newline, unless it is over the record limit ([`super::json::over_record_limit`]): then it is
/// skipped (`long_line`), read no further than the limit.
pub(super) fn read_block(
    file: &File,
    k: u64,
    block: usize,
    buf: &mut BlockBuf,
    max_record_bytes: usize,
) -> Owned {
    let at = k * block as u64;
    let base = at.saturating_sub(LEAD);
    // The bytes before the block, when there are some: the last of them says whether a line
    // begins at `at`.
    let lead = (at - base) as usize;
    let want = lead + block;
    buf.grow_to(want + PROBE);
    let (n, error) = read_full_at(file, &mut buf[..want], base);
    let own = lead.min(n)..n;
    let start = if lead == 0 || n < lead {
        n.min(lead)
    } else {
        memchr::memchr(b'\n', &buf[lead - 1..n]).map_or(n, |i| lead + i)
    };
    let owned = |end: usize, last: bool, long_line: bool, error: Option<io::Error>| Owned {
        base,
        lines: start..end.max(start),
        own: own.clone(),
        last,
        long_line,
        long_blank: false,
        long_sts: false,
        error,
    };
    if error.is_some() {
        // Only whole lines before the error are scanned; the error is reported after them.
        let end = memchr::memrchr(b'\n', &buf[start..n]).map_or(start, |i| start + i + 1);
        return owned(end, false, false, error);
    }
    if n < want {
        return owned(n, true, false, None);
    }
    if start == n || buf[n - 1] == b'\n' {
        // No line begins in the block (it lies inside a long line), or its last line ends
        // with it.
        return owned(n, false, false, None);
    }
    // The block's last line goes on into the next block: read on to its newline.
    let line_start = memchr::memrchr(b'\n', &buf[start..n]).map_or(start, |i| start + i + 1);
    let mut filled = n;
    let mut probe = PROBE;
    loop {
        // Never more than the record limit of one line: a line with no newline in its first
        // `max_record_bytes + 2` bytes (the record, a `\r` and the `\n`) is longer than any
        // record may be.
        let room = (line_start + max_record_bytes + 2).saturating_sub(filled);
        if room == 0 {
            let mut long = owned(line_start, false, true, None);
            long.long_sts = super::json::holds_sts_operation(&buf[line_start..filled]);
            long.long_blank = buf[line_start..filled].iter().all(u8::is_ascii_whitespace)
                && blanks_to_line_end(file, buf, filled, base + filled as u64);
            return long;
        }
        let step = probe.min(room);
        buf.grow_to(filled + step);
        let (m, error) = read_full_at(file, &mut buf[filled..filled + step], base + filled as u64);
        if let Some(i) = memchr::memchr(b'\n', &buf[filled..filled + m]) {
            let end = filled + i;
            if super::json::over_record_limit(&buf[line_start..end], max_record_bytes) {
                let mut long = owned(line_start, false, true, None);
                long.long_sts = super::json::holds_sts_operation(&buf[line_start..end]);
                return long;
            }
            return owned(end + 1, false, false, None);
        }
        filled += m;
        if error.is_some() {
            return owned(line_start, false, false, error);
        }
        if m < step {
            // The file ends here: the bytes after the block are the rest of the file, and
            // no block after this one is read (`last`).
            let mut rest = owned(filled, true, false, None);
            rest.own.end = filled;
            return rest;
        }
        probe = (probe * 2).min(block.max(PROBE));
    }
}

/// Whether the line going on at `offset` holds only blanks up to its newline (or the end
/// of the file, or a read error: the blocks after say that one). Read a step at a time into
/// `buf[from..]`, never held whole: a line of blanks may be any length.
fn blanks_to_line_end(file: &File, buf: &mut BlockBuf, from: usize, mut offset: u64) -> bool {
    let step = PROBE;
    buf.grow_to(from + step);
    loop {
        let (m, error) = read_full_at(file, &mut buf[from..from + step], offset);
        let read = &buf[from..from + m];
        let line = memchr::memchr(b'\n', read).map_or(read, |i| &read[..i]);
        if !line.iter().all(u8::is_ascii_whitespace) {
            return false;
        }
        if line.len() < m || m < step || error.is_some() {
            return true;
        }
        offset += m as u64;
    }
}

/// Fills `buf` from `offset` as far as the file goes; returns how much was read and the
/// error that stopped the reading, if any (the bytes read before it are kept).
fn read_full_at(file: &File, buf: &mut [u8], offset: u64) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while filled < buf.len() {
        match read_at(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests;
