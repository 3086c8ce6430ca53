//! The text encoding of a followed file: decided from its first bytes as a first load
//! decides it (`decode::detect`), and its bytes decoded to UTF-8 as a first load decodes
//! them (`decode::TextDecoder`, encoding_rs), so that a row read under `--follow` has the
//! same text and the same key as without it (breaker15 #1: a Windows-1252 file read as
//! UTF-8 gave `J�rgen` and a key no verdict carried over to; a UTF-8 byte order mark lost
//! the first record; a UTF-16 file was not followed at all).
//!
//! The report's SHA-256 and size are of the file's bytes (the raw ones), so each piece of
//! text keeps the raw bytes it came from until it is taken.

use std::collections::VecDeque;

use crate::load::decode::{self, LineEnd, TextDecoder};

/// The UTF-8 byte order mark, which a first load does not read as text.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// How the bytes of a followed file become the text its records are read from.
pub(super) enum Text {
    /// Not decided yet. `sample`: the bytes passed on as text so far, all ASCII without NUL
    /// (which every encoding reads alike); `held`: the bytes read after them, held until
    /// the decision (the first line of the file, or a byte that is not such ASCII).
    Deciding { sample: Vec<u8>, held: Vec<u8> },
    /// UTF-8: the bytes are the text.
    Utf8,
    /// Decoded to UTF-8 (UTF-16, UTF-32, Windows-1252, Mac Roman).
    Decoded(Box<Decoded>),
}

/// A file decoded as it is read, line by line.
pub(super) struct Decoded {
    decoder: TextDecoder,
    /// UTF-8 text met at a line's start in a file read as UTF-16 or UTF-32 (records
    /// appended in another encoding: PowerShell 7's `>>` to a Windows PowerShell 5.1
    /// export): the bytes from there on are read as UTF-8. Decoded as UTF-16, its lines
    /// had no newline the decoder knows and were held, unsaid, up to the record limit.
    utf8: bool,
    /// The bytes read after the last line end decoded.
    raw: Vec<u8>,
    /// The pieces of text given and not yet taken whole: each its text's length and the
    /// bytes of the file it came from.
    pieces: VecDeque<(usize, Vec<u8>)>,
    /// How much of the first piece's text was taken.
    front_taken: usize,
}

/// What [`Text::feed`] made of bytes read.
#[derive(Default)]
pub(super) struct Fed {
    /// A UTF-8 byte order mark at the file's start: bytes of the file, not of its text.
    pub mark: Vec<u8>,
    /// The text to read records from (UTF-8).
    pub text: Vec<u8>,
    /// The encoding, when it was decided now and is not UTF-8: the notice a first load
    /// says (`decoded as UTF-16LE (byte order mark)`).
    pub notice: Option<String>,
    /// UTF-8 text met now in a file read as UTF-16 or UTF-32 ([`Decoded::utf8`]): the
    /// encoding the file was read in, how many of the bytes read (counted back from the end
    /// of what was read) are from the UTF-8 text's start, to name its byte offset, and how
    /// much of `text` comes before it, to name its line.
    pub utf8_after: Option<(&'static str, usize, usize)>,
}

impl Text {
    pub(super) fn new() -> Self {
        Self::Deciding {
            sample: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Takes the bytes `fresh` read next from the file; `untaken`: how much of the text
    /// given so far was not taken yet; `limit`: the record limit (a line is never held
    /// undecoded beyond it).
    pub(super) fn feed(&mut self, fresh: &[u8], untaken: usize, limit: usize) -> Fed {
        let mut fed = Fed::default();
        match self {
            Self::Utf8 => fed.text.extend_from_slice(fresh),
            Self::Decoded(d) => fed.utf8_after = d.decode_lines(fresh, limit, &mut fed.text),
            Self::Deciding { sample, held } => {
                held.extend_from_slice(fresh);
                let first_line = !sample.is_empty()
                    || held.len() >= 4096
                    || (memchr::memchr(b'\n', held).is_some() && held.len() >= 16);
                if !first_line {
                    return fed;
                }
                let not_ascii = |b: &u8| *b >= 0x80 || *b == 0;
                // At the file's start, a byte that is not ASCII anywhere in the first bytes
                // decides now (UTF-16 without a byte order mark starts `{` NUL).
                let first = &held[..held.len().min(decode::SAMPLE)];
                let plain = if sample.is_empty() && first.iter().any(not_ascii) {
                    0
                } else {
                    held.iter()
                        .position(not_ascii)
                        .unwrap_or(held.len())
                        .min(decode::SAMPLE.saturating_sub(sample.len()))
                };
                fed.text.extend_from_slice(&held[..plain]);
                sample.extend_from_slice(&held[..plain]);
                held.drain(..plain);
                if held.is_empty() && sample.len() < decode::SAMPLE {
                    return fed;
                }
                let mut first = sample.clone();
                let more = decode::SAMPLE.saturating_sub(first.len()).min(held.len());
                first.extend_from_slice(&held[..more]);
                let encoding = decode::detect(&first);
                let held = std::mem::take(held);
                match TextDecoder::new(encoding) {
                    None => {
                        let body = match held.strip_prefix(UTF8_BOM) {
                            Some(body) if sample.is_empty() => {
                                fed.mark = UTF8_BOM.to_vec();
                                body
                            }
                            _ => &held[..],
                        };
                        fed.text.extend_from_slice(body);
                        *self = Self::Utf8;
                    }
                    Some(decoder) => {
                        // The ASCII text given before, not yet taken, is its own bytes.
                        let given = untaken + fed.text.len();
                        let mut pieces = VecDeque::new();
                        if given > 0 {
                            pieces.push_back((given, sample[sample.len() - given..].to_vec()));
                        }
                        let mut d = Box::new(Decoded {
                            decoder,
                            utf8: false,
                            raw: Vec::new(),
                            pieces,
                            front_taken: 0,
                        });
                        fed.utf8_after = d.decode_lines(&held, limit, &mut fed.text);
                        fed.notice = encoding.notice();
                        *self = Self::Decoded(d);
                    }
                }
            }
        }
        fed
    }

    /// The bytes of the file that the next `len` bytes of text taken came from, for the
    /// SHA-256 and size of what was read; `None` when they are the text itself. Bytes are
    /// given once the whole text of their piece (a line) was taken.
    pub(super) fn raw_of(&mut self, len: usize) -> Option<Vec<u8>> {
        let Self::Decoded(d) = self else {
            return None;
        };
        let mut raw = Vec::new();
        let mut left = len;
        while left > 0 {
            let Some((text_len, bytes)) = d.pieces.front() else {
                break;
            };
            let rest = text_len - d.front_taken;
            if left < rest {
                d.front_taken += left;
                break;
            }
            left -= rest;
            raw.extend_from_slice(bytes);
            d.pieces.pop_front();
            d.front_taken = 0;
        }
        Some(raw)
    }

    /// The bytes read and held, not yet given as text (before the decision, or a line not
    /// yet ended): said when the file is replaced.
    pub(super) fn holds_bytes(&self) -> bool {
        match self {
            Self::Deciding { held, .. } => !held.is_empty(),
            Self::Utf8 => false,
            Self::Decoded(d) => !d.raw.is_empty(),
        }
    }
}

impl Decoded {
    /// Decodes the whole lines of what was read (each line its own piece), and a line
    /// still without its end once its bytes pass the record limit (read as a first load
    /// reads it: passed over up to its end), cut at a whole code unit. Returns, when UTF-8
    /// text was met now at a line's start ([`Decoded::utf8`], decided as a first load
    /// decides it: `decode::utf8_line`), the encoding read until then, how many bytes of
    /// what is held from its start, and the length of `text` before it.
    fn decode_lines(
        &mut self,
        fresh: &[u8],
        limit: usize,
        text: &mut Vec<u8>,
    ) -> Option<(&'static str, usize, usize)> {
        self.raw.extend_from_slice(fresh);
        let mut from = 0;
        let mut met = None;
        loop {
            let rest = &self.raw[from..];
            if !self.utf8
                && let Some(wide) = self.decoder.wide_name()
                && decode::utf8_line(rest) == Some(true)
            {
                self.utf8 = true;
                met = Some((wide, rest.len(), text.len()));
            }
            let end = if self.utf8 {
                memchr::memchr(b'\n', rest).map(|i| i + 1)
            } else if let Some(wide) = self.decoder.wide_name() {
                match decode::line_end(&self.decoder, rest, false) {
                    LineEnd::Newline(end) => Some(end),
                    LineEnd::Utf8(p) => {
                        // UTF-8 text after a last line with no line end (breaker16 #1): the
                        // line's wide part, the line end a first load reads between them,
                        // then the UTF-8 lines. Its line is the one after that line end.
                        let between = decode::line_end_between(&rest[p..]);
                        let own = memchr::memchr(b'\n', &rest[p..]).map_or(0, |i| i + 1);
                        let held = rest.len() - p;
                        self.piece(from, from + p, text);
                        text.extend_from_slice(between);
                        if let Some(piece) = self.pieces.back_mut() {
                            piece.0 += between.len();
                        }
                        let before = text.len() + if between.is_empty() { own } else { 0 };
                        met = Some((wide, held, before));
                        self.utf8 = true;
                        from += p;
                        continue;
                    }
                    LineEnd::Undecided(_) | LineEnd::Open => None,
                }
            } else {
                self.decoder.newline_end(rest)
            };
            let Some(end) = end else {
                break;
            };
            self.piece(from, from + end, text);
            from += end;
        }
        if self.raw.len() - from > limit {
            let end = from + (self.raw.len() - from) / 4 * 4;
            self.piece(from, end, text);
            from = end;
        }
        self.raw.drain(..from);
        met
    }

    fn piece(&mut self, from: usize, to: usize, text: &mut Vec<u8>) {
        let before = text.len();
        if self.utf8 {
            text.extend_from_slice(&self.raw[from..to]);
        } else {
            self.decoder.decode(&self.raw[from..to], text);
        }
        self.pieces
            .push_back((text.len() - before, self.raw[from..to].to_vec()));
    }
}
