//! Text repair at the byte level: a record is never dropped because of a string's content.
//!
//! Kusto replaces bytes that are not UTF-8 with U+FFFD (the replacement character) when it
//! ingests data, and keeps the record. We do the same, and also for the JSON escapes of lone
//! UTF-16 surrogates (`"\ud800"`): valid JSON grammar (RFC 8259 §8.2 allows them) that no
//! Unicode string can hold, which serde_json therefore refuses. The repair runs only on the
//! error path, after a record failed to parse as it is: valid input never pays for it.

use std::borrow::Cow;

/// U+FFFD, the character every replaced byte sequence or escape becomes.
pub const REPLACEMENT: char = '\u{fffd}';

/// What [`repair_json`] changed in one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repair {
    /// Invalid UTF-8 sequences replaced (each by one U+FFFD, as `String::from_utf8_lossy`).
    pub invalid_sequences: usize,
    /// `\uXXXX` escapes of lone surrogates replaced.
    pub lone_surrogates: usize,
    /// Arrays and objects below [`crate::json_depth::MAX_DEPTH`] levels kept as JSON text (a string
    /// starting with U+FFFD), see [`crate::json_depth`].
    pub deep_values: usize,
    /// The text ends inside a value below that depth: what comes before it was parsed, so
    /// that the error says where the record ends.
    pub deep_cut_short: bool,
    /// Byte offset in the record of the first replacement.
    pub first_at: usize,
}

impl Repair {
    /// `1 invalid UTF-8 byte sequence replaced by U+FFFD (first at byte 812 of the record);
    /// the record was read`.
    pub fn describe(&self) -> String {
        let mut what = Vec::new();
        if self.invalid_sequences > 0 {
            what.push(format!(
                "{} invalid UTF-8 byte sequence{}",
                self.invalid_sequences,
                plural(self.invalid_sequences)
            ));
        }
        if self.lone_surrogates > 0 {
            what.push(format!(
                "{} lone surrogate escape{}",
                self.lone_surrogates,
                plural(self.lone_surrogates)
            ));
        }
        let mut said = Vec::new();
        if !what.is_empty() {
            said.push(format!("{} replaced by U+FFFD", what.join(" and ")));
        }
        if self.deep_values > 0 {
            said.push(format!(
                "{} value{} nested deeper than {} levels kept as JSON text (a string starting with U+FFFD)",
                self.deep_values,
                plural(self.deep_values),
                crate::json_depth::MAX_DEPTH
            ));
        }
        format!(
            "{} (first at byte {} of the record); the record was read",
            said.join("; "),
            self.first_at
        )
    }

    /// True when the nesting was cut: the repaired text's parse error is then the one to
    /// report (the record's own only says that serde_json's recursion limit was reached).
    fn cut_nesting(&self) -> bool {
        self.deep_values > 0 || self.deep_cut_short
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The record's text with invalid UTF-8 and lone surrogate escapes replaced by U+FFFD and
/// values nested deeper than [`crate::json_depth::MAX_DEPTH`] kept as text, or `None` when there
/// was nothing to change (the record is damaged in another way).
pub fn repair_json(bytes: &[u8]) -> Option<(String, Repair)> {
    let mut repair = Repair::default();
    let text = lossy(bytes, &mut repair);
    let fixed = replace_lone_surrogates(&text, &mut repair);
    let replaced = repair.invalid_sequences > 0 || repair.lone_surrogates > 0;
    match crate::json_depth::cut_deep(&fixed) {
        Some(cut) => {
            if !replaced {
                repair.first_at = cut.first_at;
            }
            repair.deep_values = cut.values;
            repair.deep_cut_short = cut.values == 0;
            Some((cut.text, repair))
        }
        None if replaced => Some((fixed.into_owned(), repair)),
        None => None,
    }
}

/// Parses one record (or JSON text found inside one) as `T`: as it is first (valid input
/// never pays for more), then, if that fails, repaired by [`repair_json`]. Returns the value,
/// the text that was parsed (the record's own, or the repaired one, which is what the event
/// keeps as its raw text) and what was repaired.
///
/// Errors: the record's own parse error, or the repaired text's when the nesting was cut.
pub fn parse_repaired<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<(T, Cow<'_, str>, Option<Repair>), serde_json::Error> {
    let first = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text).map(|v| (v, Cow::Borrowed(text))),
        Err(_) => serde_json::from_slice(bytes).map(|v| (v, String::from_utf8_lossy(bytes))),
    };
    match first {
        Ok((v, text)) => Ok((v, text, None)),
        Err(e) => match repair_json(bytes) {
            Some((fixed, repair)) => match serde_json::from_str(&fixed) {
                Ok(v) => Ok((v, Cow::Owned(fixed), Some(repair))),
                Err(again) if repair.cut_nesting() => Err(again),
                Err(_) => Err(e),
            },
            None => Err(e),
        },
    }
}

/// Checks that the bytes are one JSON value once repaired as [`parse_repaired`] would, without
/// building it. Errors as [`parse_repaired`].
pub fn check_repaired(bytes: &[u8]) -> Result<(), serde_json::Error> {
    parse_repaired::<serde::de::IgnoredAny>(bytes).map(|_| ())
}

/// Parses JSON text found inside a record (RawEventData or AuditData written as a string):
/// as it is first, then, if it fails, repaired (lone surrogate escapes, deep nesting).
pub fn parse_json_text(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    parse_json_text_repaired(text).map(|(v, _)| v)
}

/// [`parse_json_text`], also saying what was replaced.
pub fn parse_json_text_repaired(
    text: &str,
) -> Result<(serde_json::Value, Option<Repair>), serde_json::Error> {
    parse_repaired(text.as_bytes()).map(|(v, _, repair)| (v, repair))
}

/// True when the text shows that something was replaced when it was read: a U+FFFD, the
/// escape of a lone surrogate at any level of JSON-in-JSON nesting (`\\ud800` inside a
/// RawEventData string), which is replaced only when the inner text is parsed, or nesting
/// deeper than [`crate::json_depth::MAX_DEPTH`] levels (in the text or in JSON text inside it),
/// whose deep values are kept as text when it is parsed.
pub fn has_replacement(text: &str) -> bool {
    if text.contains(REPLACEMENT) {
        return true;
    }
    let b = text.as_bytes();
    let mut at = 0;
    while let Some(p) = memchr::memchr(b'\\', &b[at..]).map(|p| p + at) {
        // Past every backslash of the run: `\\\\u` is the escape of an escaped backslash.
        let mut q = p;
        while b.get(q) == Some(&b'\\') {
            q += 1;
        }
        at = q;
        if b.get(q) != Some(&b'u') {
            continue;
        }
        let Some(code) = hex4(b.get(q + 1..q + 5)) else {
            continue;
        };
        if is_low(code) {
            return true;
        }
        if is_high(code) {
            // A pair continues with backslashes and a low surrogate.
            let mut r = q + 5;
            let run = r;
            while b.get(r) == Some(&b'\\') {
                r += 1;
            }
            let paired =
                r > run && b.get(r) == Some(&b'u') && hex4(b.get(r + 1..r + 5)).is_some_and(is_low);
            if !paired {
                return true;
            }
            at = r + 5;
        }
    }
    crate::json_depth::holds_deep_json(text)
}

/// `String::from_utf8_lossy`, counting what it replaced.
fn lossy<'a>(bytes: &'a [u8], repair: &mut Repair) -> Cow<'a, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            if repair.invalid_sequences == 0 && repair.lone_surrogates == 0 {
                repair.first_at = chunk_offset(bytes, chunk.invalid());
            }
            repair.invalid_sequences += 1;
            out.push(REPLACEMENT);
        }
    }
    Cow::Owned(out)
}

/// Where a sub-slice starts in its parent.
fn chunk_offset(parent: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(parent.as_ptr() as usize)
}

fn hex4(digits: Option<&[u8]>) -> Option<u32> {
    let digits = digits?;
    let text = std::str::from_utf8(digits).ok()?;
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

fn is_high(code: u32) -> bool {
    (0xd800..0xdc00).contains(&code)
}

fn is_low(code: u32) -> bool {
    (0xdc00..0xe000).contains(&code)
}

/// Replaces `\uD800`-style escapes that are not half of a surrogate pair by U+FFFD (as a
/// character, which is valid inside a JSON string). Other escapes, `\\u…` (an escaped
/// backslash followed by text) among them, are left as they are.
fn replace_lone_surrogates<'a>(text: &'a Cow<'a, str>, repair: &mut Repair) -> Cow<'a, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    // `at` may pass the end (a backslash as the last byte): `get` ends the loop there.
    while let Some(p) = b
        .get(at..)
        .and_then(|rest| memchr::memchr(b'\\', rest))
        .map(|p| p + at)
    {
        if b.get(p + 1) != Some(&b'u') {
            // Any other escape is two bytes (`\\` included); a multi-byte character after a
            // backslash is invalid JSON anyway and is left for the parser to name.
            at = p + 2;
            continue;
        }
        let Some(code) = hex4(b.get(p + 2..p + 6)) else {
            at = p + 2;
            continue;
        };
        at = p + 6;
        if is_high(code) {
            let pair = b.get(p + 6..p + 8) == Some(b"\\u")
                && hex4(b.get(p + 8..p + 12)).is_some_and(is_low);
            if pair {
                at = p + 12;
                continue;
            }
        } else if !is_low(code) {
            continue;
        }
        let s = out.get_or_insert_with(|| String::with_capacity(b.len()));
        s.push_str(&text[copied..p]);
        s.push(REPLACEMENT);
        copied = p + 6;
        if repair.invalid_sequences == 0 && repair.lone_surrogates == 0 {
            repair.first_at = p;
        }
        repair.lone_surrogates += 1;
    }
    match out {
        None => Cow::Borrowed(text.as_ref()),
        Some(mut s) => {
            s.push_str(&text[copied..]);
            Cow::Owned(s)
        }
    }
}

/// How many bytes at the start of a file decide its encoding.
pub const SAMPLE: usize = 1 << 20;

/// The text encoding of a file, decided once from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (with or without BOM): read as it is, the fast path.
    Utf8,
    /// UTF-16, and how it was recognised (a byte order mark, or the NUL pattern of ASCII
    /// text: every other byte zero).
    Utf16 { big_endian: bool, bom: bool },
    /// Windows-1252 (Excel's "CSV" save, Windows PowerShell 5.1 "Default"): the bytes are not
    /// UTF-8 and their high bytes stand inside words, as accented letters do.
    Windows1252,
}

impl TextEncoding {
    /// The notice said once for a file that is decoded, or `None` for UTF-8.
    pub fn notice(self) -> Option<String> {
        match self {
            Self::Utf8 => None,
            Self::Utf16 { big_endian, bom } => Some(format!(
                "decoded as UTF-16{} ({})",
                if big_endian { "BE" } else { "LE" },
                if bom {
                    "byte order mark"
                } else {
                    "no byte order mark; every other byte is NUL"
                }
            )),
            Self::Windows1252 => Some(
                "decoded as Windows-1252 (the bytes are not UTF-8; accented letters as Excel and Windows PowerShell 5.1 write them)"
                    .to_owned(),
            ),
        }
    }

    fn encoding(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Self::Utf8 => None,
            Self::Utf16 {
                big_endian: false, ..
            } => Some(encoding_rs::UTF_16LE),
            Self::Utf16 {
                big_endian: true, ..
            } => Some(encoding_rs::UTF_16BE),
            Self::Windows1252 => Some(encoding_rs::WINDOWS_1252),
        }
    }
}

/// Decides the encoding from the first bytes of a file (up to [`SAMPLE`]), in this order:
/// a UTF-16 byte order mark; UTF-16 without one when the NUL pattern is certain (ASCII text
/// in UTF-16 has a NUL in every other byte; at least 16 bytes, no NUL on the other side);
/// UTF-8 when the bytes are valid UTF-8 (a sequence cut by the end of the sample allowed),
/// or when they hold a valid multi-byte sequence (a UTF-8 file with a few bad bytes: those
/// become U+FFFD record by record); else Windows-1252 when most high bytes are letters in
/// Windows-1252 that follow an ASCII letter or come before a lower-case one, as accented
/// letters do (`Jürgen`, `Telefónica`).
/// A lone high byte elsewhere (`"\xffMozilla`) is a bad byte in a UTF-8 file.
pub fn detect(sample: &[u8]) -> TextEncoding {
    if sample.starts_with(b"\xff\xfe") {
        return TextEncoding::Utf16 {
            big_endian: false,
            bom: true,
        };
    }
    if sample.starts_with(b"\xfe\xff") {
        return TextEncoding::Utf16 {
            big_endian: true,
            bom: true,
        };
    }
    if let Some(big_endian) = utf16_by_nuls(sample) {
        return TextEncoding::Utf16 {
            big_endian,
            bom: false,
        };
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return TextEncoding::Utf8,
        Err(e) if e.error_len().is_none() => return TextEncoding::Utf8,
        Err(_) => {}
    }
    let mut multibyte = false;
    for chunk in sample.utf8_chunks() {
        if chunk.valid().chars().any(|c| c.len_utf8() > 1) {
            multibyte = true;
            break;
        }
    }
    if multibyte {
        return TextEncoding::Utf8;
    }
    let (mut high, mut in_word) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate() {
        if b < 0x80 {
            continue;
        }
        high += 1;
        if !is_cp1252_letter(b) {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| sample.get(j));
        let after = sample.get(i + 1);
        if before.is_some_and(u8::is_ascii_alphabetic) || after.is_some_and(u8::is_ascii_lowercase)
        {
            in_word += 1;
        }
    }
    if in_word * 2 > high {
        TextEncoding::Windows1252
    } else {
        TextEncoding::Utf8
    }
}

/// True for a byte that is a letter in Windows-1252 (`À`-`ÿ` but `×` and `÷`, and `Š Œ Ž
/// š œ ž Ÿ ƒ ª µ º`).
fn is_cp1252_letter(b: u8) -> bool {
    matches!(b, 0xc0..=0xff if b != 0xd7 && b != 0xf7)
        || matches!(
            b,
            0x83 | 0x8a | 0x8c | 0x8e | 0x9a | 0x9c | 0x9e | 0x9f | 0xaa | 0xb5 | 0xba
        )
}

/// UTF-16 without a byte order mark: `Some(big_endian)` when one side of every byte pair is
/// NUL and the other never is (ASCII text), over at least 16 bytes.
fn utf16_by_nuls(sample: &[u8]) -> Option<bool> {
    let pairs = &sample[..sample.len().min(4096) & !1];
    if pairs.len() < 16 {
        return None;
    }
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in pairs.chunks_exact(2) {
        even_nul += usize::from(pair[0] == 0);
        odd_nul += usize::from(pair[1] == 0);
    }
    let n = pairs.len() / 2;
    // Nearly every pair has its NUL on one side (a few non-ASCII characters allowed), and
    // none on the other (a NUL there would be U+0000 or a character like U+0100).
    if odd_nul * 10 >= n * 9 && even_nul == 0 {
        Some(false)
    } else if even_nul * 10 >= n * 9 && odd_nul == 0 {
        Some(true)
    } else {
        None
    }
}

/// A reader that decodes its input to UTF-8 as it is read (encoding_rs), so that the
/// readers after it see UTF-8 whatever the file's encoding. A byte order mark is removed;
/// malformed sequences become U+FFFD.
pub struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: std::io::BufRead> DecodeReader<R> {
    /// Decodes `inner` from `encoding`; `None` for UTF-8, which needs no reader.
    pub fn new(inner: R, encoding: TextEncoding) -> Option<Self> {
        let decoder = encoding.encoding()?.new_decoder_with_bom_removal();
        Some(Self {
            inner,
            decoder,
            out: Vec::new(),
            pos: 0,
            done: false,
        })
    }
}

impl<R: std::io::BufRead> std::io::Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let avail = std::io::BufRead::fill_buf(self)?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        std::io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for DecodeReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.out.len() && !self.done {
            self.out.clear();
            self.out.resize(64 << 10, 0);
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let (_, read, written, _) = self.decoder.decode_to_utf8(src, &mut self.out, last);
            self.inner.consume(read);
            self.out.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        Ok(&self.out[self.pos.min(self.out.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_and_lone_surrogates_become_the_replacement_character() {
        let (fixed, r) = repair_json(b"{\"a\":\"x\xffy\",\"b\":\"\\ud800z\"}").unwrap();
        let v: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v["a"], "x\u{fffd}y");
        assert_eq!(v["b"], "\u{fffd}z");
        assert_eq!(
            (r.invalid_sequences, r.lone_surrogates, r.first_at),
            (1, 1, 7)
        );

        // A pair, an escaped backslash before `u`, and a lone low surrogate.
        let (fixed, r) =
            repair_json(br#"{"p":"\ud83d\ude00","q":"\\ud800","r":"\uDC00"}"#).unwrap();
        let v: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v["p"], "\u{1f600}");
        assert_eq!(v["q"], "\\ud800");
        assert_eq!(v["r"], "\u{fffd}");
        assert_eq!(r.lone_surrogates, 1);

        assert!(repair_json(br#"{"a":"ok \u00e9"}"#).is_none());
        // A backslash as the last byte (found by fuzzing: it panicked).
        assert!(repair_json(b"{\"a\":\"x\xff\\").is_some());
        assert!(repair_json(b"\\").is_none());
        assert!(repair_json(b"{\"a\":").is_none());
    }

    #[test]
    fn encodings_are_told_apart() {
        let utf16le: Vec<u8> = "{\"UserId\":\"a@x\"}\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf16be: Vec<u8> = "UserIds,Operations\r\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let le = TextEncoding::Utf16 {
            big_endian: false,
            bom: false,
        };
        let be = TextEncoding::Utf16 {
            big_endian: true,
            bom: false,
        };
        assert_eq!(detect(&utf16le), le);
        assert_eq!(detect(&utf16be), be);
        assert_eq!(
            detect(b"Name,ISP\nJ\xfcrgen M\xfcller,Telef\xf3nica\n"),
            TextEncoding::Windows1252
        );
        // One bad byte in an otherwise ASCII UTF-8 file, and bad bytes beside real UTF-8.
        assert_eq!(
            detect(b"{\"UserAgent\":\"\xffMozilla/5.0\"}\n"),
            TextEncoding::Utf8
        );
        assert_eq!(
            detect("{\"a\":\"J\u{fc}rgen\"}\n".as_bytes()),
            TextEncoding::Utf8
        );
        assert_eq!(
            detect(b"{\"a\":\"J\xfcrgen \xc3\xa9\"}"),
            TextEncoding::Utf8
        );
        // A UTF-8 sequence cut by the end of the sample is still UTF-8.
        assert_eq!(detect(b"{\"a\":\"\xc3"), TextEncoding::Utf8);

        let mut decoded = String::new();
        let mut r = DecodeReader::new(&utf16le[..], le).unwrap();
        std::io::Read::read_to_string(&mut r, &mut decoded).unwrap();
        assert_eq!(decoded, "{\"UserId\":\"a@x\"}\r\n");
    }

    #[test]
    fn nested_json_text_is_parsed_with_repair_and_the_mark_is_seen() {
        let v = parse_json_text(r#"{"UserAgent":"\ud800x"}"#).unwrap();
        assert_eq!(v["UserAgent"], "\u{fffd}x");
        assert!(has_replacement(r#"{"RawEventData":"{\"u\":\"\\ud800\"}"}"#));
        assert!(has_replacement("a\u{fffd}"));
        assert!(!has_replacement(r#"{"e":"\ud83d\ude00","f":"\u00e9"}"#));
        assert!(!has_replacement(r#"{"R":"{\"e\":\"\\ud83d\\ude00\"}"}"#));
    }
}
