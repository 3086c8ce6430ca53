//! UTF-8 text in a file read as UTF-16 or UTF-32 (breaker15 #3's reverse case, follow16 #2):
//! PowerShell 7 appends in UTF-8 (`>>`, `Out-File -Append`) to a Windows PowerShell 5.1
//! export in UTF-16LE. Decoded as UTF-16, each two bytes of it became one character
//! (`{"` read as `❻`) and its lines one line of no newline: named, never read. A wide file
//! is decoded line by line instead; at each line's start, a line of UTF-8 text (no NUL up
//! to its `\n` byte, valid UTF-8: ASCII text in UTF-16 has a NUL every other byte) turns the
//! rest of the file to UTF-8, read as it is. Follow mode decides the same, line by line
//! (`load::follow::decoded`), so that a row read while followed is one of a first load's.

use std::io::{self, BufRead};
use std::sync::{Arc, OnceLock};

use super::{DecodeReader, TextDecoder};

/// Where UTF-8 text met in a UTF-16 or UTF-32 file starts, once read: its byte offset in the
/// file, its line (1-based, in the text read), and the encoding read before it.
pub type Utf8After = Arc<OnceLock<(u64, u64, &'static str)>>;

/// How long a line's start is held to decide whether it is UTF-8 text (no NUL in it and no
/// `\n` yet): past this, it is decoded in the file's encoding.
const UNDECIDED: usize = 1 << 20;

/// The line-by-line state of a wide file's [`DecodeReader`].
pub(super) struct Wide {
    decoder: TextDecoder,
    /// Bytes taken from the input, not yet decoded: a line's start not yet decided, or the
    /// bytes of a code unit cut by the end of a read.
    carry: Vec<u8>,
    /// The next byte starts a line (after the file's first: its encoding was decided).
    at_line_start: bool,
    /// Bytes of the file decoded or passed on so far, and the newlines among them (one a
    /// line found: no count over the text).
    raw: u64,
    lines: u64,
    /// UTF-8 text was met: the rest is read as it is.
    utf8: bool,
    pub(super) met: Utf8After,
}

impl Wide {
    pub(super) fn new(decoder: TextDecoder) -> Self {
        Self {
            decoder,
            carry: Vec::new(),
            at_line_start: false,
            raw: 0,
            lines: 0,
            utf8: false,
            met: Arc::default(),
        }
    }
}

/// Whether `rest`, at a line's start in a wide file, is a line of UTF-8 text: `None` while
/// not known (its bytes so far blanks, or text with neither a NUL nor a `\n` yet). Follow
/// mode decides by it too.
pub fn utf8_line(rest: &[u8]) -> Option<bool> {
    let start = rest.iter().position(|b| !b" \t\r\n".contains(b))?;
    let body = &rest[start..];
    // A line of UTF-16 or UTF-32 text has a NUL among its first characters' bytes.
    if body[..body.len().min(8)].contains(&0) {
        return Some(false);
    }
    match memchr::memchr(b'\n', body) {
        Some(nl) => Some(!body[..nl].contains(&0) && std::str::from_utf8(&body[..nl]).is_ok()),
        None if body.contains(&0) => Some(false),
        None => None,
    }
}

/// How a line of a wide file, from a code unit's start (the line's, or where an earlier
/// read left it), goes on ([`line_end`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// Its newline in the file's encoding ends just before this byte.
    Newline(usize),
    /// UTF-8 text starts at this byte (a code unit's start), before any such newline: the
    /// export's last line had no line end, and the UTF-8 records were appended straight
    /// after it or after a `\n` or `\r\n` of their own (breaker16 #1).
    Utf8(usize),
    /// The bytes from this one (a code unit's start) may be UTF-8 text: not known until
    /// more are read.
    Undecided(usize),
    /// No end in these bytes.
    Open,
}

/// Bytes of UTF-8 text (blanks not counted) that must follow to take it for such inside a
/// wide line: text in a script beyond Latin-1 has no NUL either (CJK, Cyrillic in UTF-16),
/// and its bytes may read as a few characters of UTF-8.
const UTF8_RUN: usize = 16;

/// How the line at the start of `rest` ends in a file decoded by `decoder` (a wide one):
/// at its newline in the file's encoding, or where UTF-8 text appended after a last line
/// with no line end starts. `last`: `rest` ends the file. Follow mode decides by it too.
///
/// UTF-8 text starts after the line's last NUL (at a code unit's start: ASCII text in
/// UTF-16 has a NUL a character) when the bytes from there are lines of it ([`utf8_run`]):
/// before a `\n` byte that is no newline of the file's encoding, or at the file's end.
pub fn line_end(decoder: &TextDecoder, rest: &[u8], last: bool) -> LineEnd {
    let unit = if wide_name(decoder).starts_with("UTF-16") {
        2
    } else {
        4
    };
    let newline = decoder.newline_end(rest);
    let part = &rest[..newline.map_or(rest.len(), |end| end - unit)];
    let ended = last || newline.is_some();
    // Where UTF-8 text before `at` would start: after the last NUL, at a code unit's start.
    let start =
        |at: usize| memchr::memrchr(0, &part[..at]).map_or(0, |z| (z + 1).next_multiple_of(unit));
    let candidates =
        memchr::memchr_iter(b'\n', part).chain(newline.is_none().then_some(part.len()));
    let mut tried = None;
    for q in candidates {
        let p = start(q);
        // The bytes from `p` were looked at for an earlier `\n` already.
        if p > q || tried.replace(p) == Some(p) {
            continue;
        }
        match utf8_run(&part[p..], ended) {
            Run::Text => return LineEnd::Utf8(p),
            Run::More if p < part.len() => return LineEnd::Undecided(p),
            Run::More | Run::No => {}
        }
    }
    newline.map_or(LineEnd::Open, LineEnd::Newline)
}

/// Whether bytes start with UTF-8 text ([`line_end`]).
enum Run {
    /// Lines of it: at least [`UTF8_RUN`] bytes that are not blanks, in whole lines (or up
    /// to `ended`), valid UTF-8, no NUL, no control character but tab, CR and LF.
    Text,
    /// Such bytes up to the end, too few yet.
    More,
    No,
}

fn utf8_run(bytes: &[u8], ended: bool) -> Run {
    let plain = bytes
        .iter()
        .position(|&b| b < 0x20 && !b"\t\r\n".contains(&b))
        .unwrap_or(bytes.len());
    let (valid, cut) = match std::str::from_utf8(&bytes[..plain]) {
        Ok(_) => (plain, false),
        Err(e) => (e.valid_up_to(), e.error_len().is_none()),
    };
    let to_end = valid == bytes.len() || (cut && plain == bytes.len());
    let text = &bytes[..valid];
    let whole = if to_end && ended {
        text.len()
    } else {
        memchr::memrchr(b'\n', text).map_or(0, |i| i + 1)
    };
    let content = text[..whole]
        .iter()
        .filter(|b| !b" \t\r\n".contains(b))
        .count();
    if content >= UTF8_RUN {
        Run::Text
    } else if to_end && !ended {
        Run::More
    } else {
        Run::No
    }
}

/// What is read between a wide line with no line end and the UTF-8 text after it: a line
/// end when the UTF-8 text does not start with its own, so that the last wide record and
/// the first UTF-8 one are two records (glued, a CSV row's last quote ran into the next
/// row's first).
pub fn line_end_between(utf8: &[u8]) -> &'static [u8] {
    match utf8.first() {
        Some(b'\r' | b'\n') => b"",
        _ => b"\n",
    }
}

impl<R: BufRead> DecodeReader<R> {
    /// One read of a wide file into `out`, line by line (see the module's comment). The
    /// input's buffer is decoded where it is; only bytes held over (a line's start not yet
    /// decided, a code unit cut) are copied, with the next read's first bytes.
    pub(super) fn fill_wide(&mut self) -> io::Result<()> {
        let Some(w) = self.wide.as_mut() else {
            return Ok(());
        };
        self.pos = 0;
        let src = self.inner.fill_buf()?;
        let last = src.is_empty();
        let taken = if w.carry.is_empty() {
            w.take(src, last, &mut self.out);
            src.len()
        } else {
            // At least as much as is held, so that a long line held costs its bytes a few
            // times, not once a read.
            let n = src.len().min(w.carry.len().max(64 << 10));
            let mut work = std::mem::take(&mut w.carry);
            work.extend_from_slice(&src[..n]);
            w.take(&work, last, &mut self.out);
            n
        };
        self.inner.consume(taken);
        self.done = last && w.carry.is_empty();
        Ok(())
    }
}

impl Wide {
    /// Decodes `work` (read after what was taken before) into `out`: the whole lines of the
    /// file's encoding at once, up to a line of UTF-8 text, then that text as it is. What
    /// cannot be decided or decoded yet is held in `carry`.
    fn take(&mut self, work: &[u8], last: bool, out: &mut Vec<u8>) {
        let mut at = 0;
        if !self.utf8 {
            let mut undecided = false;
            // UTF-8 text met inside a line: its line in the text read (after the line it
            // was appended to).
            let mut within = None;
            loop {
                let rest = &work[at..];
                if rest.is_empty() {
                    break;
                }
                if self.at_line_start {
                    match utf8_line(rest) {
                        Some(true) => {
                            self.utf8 = true;
                            break;
                        }
                        None if !last && rest.len() < UNDECIDED => {
                            undecided = true;
                            break;
                        }
                        _ => {}
                    }
                }
                match line_end(&self.decoder, rest, last) {
                    LineEnd::Newline(end) => {
                        at += end;
                        self.lines += 1;
                        self.at_line_start = true;
                    }
                    LineEnd::Utf8(p) => {
                        let own_line = !(self.at_line_start && p == 0);
                        within = Some(self.lines + 1 + u64::from(own_line));
                        at += p;
                        self.utf8 = true;
                        break;
                    }
                    LineEnd::Undecided(p) if rest.len() - p < UNDECIDED => {
                        at += p;
                        self.at_line_start &= p == 0;
                        undecided = true;
                        break;
                    }
                    LineEnd::Undecided(_) | LineEnd::Open => break,
                }
            }
            self.decoder.decode(&work[..at], out);
            let rest = &work[at..];
            if self.utf8 {
                if within.is_some() {
                    out.extend_from_slice(line_end_between(rest));
                }
                let _ = self.met.set((
                    self.raw + at as u64,
                    within.unwrap_or(self.lines + 1),
                    wide_name(&self.decoder),
                ));
            } else if !undecided && !rest.is_empty() {
                // A line not ended here: its whole code units (all of it at the end), so
                // that the next read goes on at a unit's start.
                let unit = if wide_name(&self.decoder).starts_with("UTF-16") {
                    2
                } else {
                    4
                };
                let whole = if last {
                    rest.len()
                } else {
                    rest.len() / unit * unit
                };
                self.decoder.decode_part(&rest[..whole], last, out);
                at += whole;
                self.at_line_start = false;
            }
        }
        if self.utf8 {
            out.extend_from_slice(&work[at..]);
            at = work.len();
        }
        self.carry = work[at..].to_vec();
        self.raw += at as u64;
    }
}

fn wide_name(d: &TextDecoder) -> &'static str {
    d.wide_name().unwrap_or("UTF-16")
}

/// What the loader says of UTF-8 text met in a wide file (on the line it starts).
pub fn utf8_after_notice(byte: u64, wide: &str) -> String {
    format!(
        "UTF-8 text from byte {byte} in a file read as {wide} (records appended in another \
         encoding, PowerShell 7 `>>`?): read as UTF-8 from this line"
    )
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use super::super::{DecodeReader, TextEncoding};

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// The text read through reads of `cap` bytes (a line, a character cut anywhere), and
    /// where UTF-8 text was met.
    fn read(bytes: &[u8], cap: usize) -> (String, Option<(u64, u64, &'static str)>) {
        let encoding = TextEncoding::Utf16 {
            big_endian: false,
            bom: true,
        };
        let inner = BufReader::with_capacity(cap, bytes);
        let mut r = DecodeReader::new(inner, encoding).expect("a decoder");
        let met = r.utf8_after().expect("wide");
        let mut text = String::new();
        r.read_to_string(&mut text).expect("read");
        (text, met.get().copied())
    }

    #[test]
    fn utf8_lines_after_utf16_ones_are_read_as_utf8_whatever_the_reads() {
        let mut bytes = utf16le("\u{feff}{\"a\":\"J\u{fc}rgen\"}\r\n{\"b\":2}\r\n");
        let at = bytes.len() as u64;
        bytes.extend_from_slice("{\"c\":\"M\u{fc}ller\"}\n{\"d\":4}\n".as_bytes());
        for cap in [1, 3, 7, 64, 1 << 16] {
            assert_eq!(
                read(&bytes, cap),
                (
                    "{\"a\":\"J\u{fc}rgen\"}\r\n{\"b\":2}\r\n{\"c\":\"M\u{fc}ller\"}\n{\"d\":4}\n"
                        .to_owned(),
                    Some((at, 3, "UTF-16LE"))
                ),
                "reads of {cap} bytes"
            );
        }
    }

    #[test]
    fn a_utf16_file_reads_as_it_did_whatever_the_reads() {
        let text = "{\"a\":\"J\u{fc}rgen \u{1f600}\"}\r\n\r\n{\"b\":\"\u{4e2d}\u{6587}\"}\r\nlast";
        let mut bytes = utf16le("\u{feff}");
        bytes.extend(utf16le(text));
        for cap in [1, 3, 7, 64] {
            assert_eq!(read(&bytes, cap), (text.to_owned(), None), "{cap}");
        }
        // An odd byte at the end: a character cut, as encoding_rs says it.
        bytes.push(b'x');
        assert_eq!(read(&bytes, 5).0, format!("{text}\u{fffd}"));
    }

    /// Breaker16 #1: UTF-8 records appended after a last UTF-16 line with no line end,
    /// straight after it or after a line end of their own, are read as UTF-8 whatever the
    /// reads, a line end put between when they bring none; text of other scripts in UTF-16
    /// (no NUL in it, a `\n` byte inside a character: `上` is `0A 4E`) stays UTF-16.
    #[test]
    fn utf8_text_after_a_utf16_line_with_no_end_is_read_as_utf8() {
        let wide = "{\"a\":\"J\u{fc}rgen\"}\r\n{\"b\":2}";
        let utf8 = "{\"c\":\"M\u{fc}ller\"}\n{\"d\":4}\n";
        for (join, between) in [("", "\n"), ("\n", ""), ("\r\n", "")] {
            let mut bytes = utf16le(&format!("\u{feff}{wide}"));
            let at = bytes.len() as u64;
            bytes.extend_from_slice(format!("{join}{utf8}").as_bytes());
            for cap in [1, 3, 7, 64, 1 << 16] {
                assert_eq!(
                    read(&bytes, cap),
                    (
                        format!("{wide}{between}{join}{utf8}"),
                        Some((at, 3, "UTF-16LE"))
                    ),
                    "joined by {join:?}, reads of {cap} bytes"
                );
            }
        }
        let cjk = "{\"a\":\"\u{4e0a}\u{4e2d}\u{6587}\u{4e0a}\u{4e0a}\u{5929}\u{5730}\u{4e0a}\u{4e0a}\"}\r\n{\"b\":\"\u{4e0a}\"}";
        let bytes = utf16le(&format!("\u{feff}{cjk}"));
        for cap in [1, 7, 1 << 16] {
            assert_eq!(read(&bytes, cap), (cjk.to_owned(), None), "{cap}");
        }
    }
}
