//! The text encoding of a file (UTF-8, UTF-16, UTF-32, Windows-1252), decided once from its
//! first bytes, and the reader that decodes it to UTF-8 before every record reader.

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
    /// UTF-32 with a byte order mark (Windows PowerShell 5.1 `Out-File -Encoding UTF32`,
    /// `Export-Csv -Encoding UTF32`). encoding_rs has no UTF-32 (the web never uses it): the
    /// reader decodes it itself, four bytes a character.
    Utf32 { big_endian: bool },
    /// Windows-1252 (Excel's "CSV" save, Windows PowerShell 5.1 "Default"): the bytes are not
    /// UTF-8 and their high bytes stand inside words, as accented letters do.
    Windows1252,
    /// Mac Roman (Excel for Mac's "Comma Separated Values" and "Macintosh" saves, classic
    /// Mac OS text): the bytes are not UTF-8, and read as Mac Roman their high bytes are
    /// letters of the case their words give, where Windows-1252 would put capitals or
    /// symbols inside lower-case words (`Sch\x8afer`: `Schäfer`, not `SchŠfer`).
    MacRoman,
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
            Self::Utf32 { big_endian } => Some(format!(
                "decoded as UTF-32{} (byte order mark)",
                if big_endian { "BE" } else { "LE" }
            )),
            Self::Windows1252 => Some(
                "decoded as Windows-1252 (the bytes are not UTF-8; accented letters as Excel and Windows PowerShell 5.1 write them)"
                    .to_owned(),
            ),
            Self::MacRoman => Some(
                "decoded as Mac Roman (the bytes are not UTF-8; accented letters as Excel for Mac writes them: read as Windows-1252 they would be capitals and symbols inside words)"
                    .to_owned(),
            ),
        }
    }

    fn encoding(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Self::Utf8 | Self::Utf32 { .. } => None,
            Self::Utf16 {
                big_endian: false, ..
            } => Some(encoding_rs::UTF_16LE),
            Self::Utf16 {
                big_endian: true, ..
            } => Some(encoding_rs::UTF_16BE),
            Self::Windows1252 => Some(encoding_rs::WINDOWS_1252),
            Self::MacRoman => Some(encoding_rs::MACINTOSH),
        }
    }
}

/// Decides the encoding from the first bytes of a file (up to [`SAMPLE`]), in this order:
/// a UTF-32 byte order mark (before UTF-16's, whose LE mark begins UTF-32LE's); a UTF-16
/// byte order mark; UTF-16 without one when the NUL pattern is certain (ASCII text
/// in UTF-16 has a NUL in every other byte; at least 16 bytes, no NUL on the other side);
/// UTF-8 when the bytes are valid UTF-8 (a sequence cut by the end of the sample allowed),
/// or when they hold a valid multi-byte sequence (a UTF-8 file with a few bad bytes: those
/// become U+FFFD record by record); else Windows-1252 when most high bytes are letters in
/// Windows-1252 that follow an ASCII letter or come before a lower-case one, as accented
/// letters do (`Jürgen`, `Telefónica`); Mac Roman instead when more of its high bytes read
/// as letters of their word's case in Mac Roman than in Windows-1252 (and most do).
/// A lone high byte elsewhere (`"\xffMozilla`) is a bad byte in a UTF-8 file.
pub fn detect(sample: &[u8]) -> TextEncoding {
    if sample.starts_with(b"\xff\xfe\0\0") {
        return TextEncoding::Utf32 { big_endian: false };
    }
    if sample.starts_with(b"\0\0\xfe\xff") {
        return TextEncoding::Utf32 { big_endian: true };
    }
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
        let before = i.checked_sub(1).and_then(|j| sample.get(j));
        let after = sample.get(i + 1);
        if is_cp1252_letter(b) {
            if before.is_some_and(u8::is_ascii_alphabetic)
                || after.is_some_and(u8::is_ascii_lowercase)
            {
                in_word += 1;
            }
        } else if is_cp1252_punctuation(b) {
            // Typographic quotes and dashes (`O’Brien`, `“Business”`, `Fiber – Cable`)
            // stand beside a letter, a digit or a space, or beside one another.
            let beside = |c: Option<&u8>| {
                c.is_some_and(|&c| {
                    c.is_ascii_alphanumeric() || c == b' ' || is_cp1252_punctuation(c)
                })
            };
            if beside(before) || beside(after) {
                in_word += 1;
            }
        }
    }
    let mac = letters_in_their_words(sample, encoding_rs::MACINTOSH);
    if mac * 2 > high && mac > letters_in_their_words(sample, encoding_rs::WINDOWS_1252) {
        TextEncoding::MacRoman
    } else if in_word * 2 > high {
        TextEncoding::Windows1252
    } else {
        TextEncoding::Utf8
    }
}

/// How many high bytes of `sample` read in `encoding` (a single-byte one) as letters that fit
/// their word: lower case after a lower-case ASCII letter, any case after an upper-case one,
/// and any case starting a word whose next letter is lower case. An accented letter read in
/// the wrong one of Windows-1252 and Mac Roman is a symbol, or a capital inside a word.
fn letters_in_their_words(sample: &[u8], encoding: &'static encoding_rs::Encoding) -> usize {
    let table: Vec<char> = (0x80u8..=0xff)
        .map(|b| {
            let byte = [b];
            let (text, _) = encoding.decode_without_bom_handling(&byte);
            text.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect();
    let mut fit = 0;
    for (i, &b) in sample.iter().enumerate() {
        if b < 0x80 {
            continue;
        }
        let c = table[usize::from(b - 0x80)];
        if !c.is_alphabetic() {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| sample.get(j)).copied();
        let after = sample.get(i + 1).copied();
        let fits = match before {
            Some(p) if p.is_ascii_lowercase() => c.is_lowercase(),
            Some(p) if p.is_ascii_uppercase() => true,
            _ => after.is_some_and(|a| a.is_ascii_lowercase()),
        };
        fit += usize::from(fits);
    }
    fit
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

/// True for a byte that is typographic punctuation in Windows-1252, as Word and Excel write
/// it: `‘ ’ “ ” • – —` (0x91-0x97), `…` (0x85) and `€` (0x80).
fn is_cp1252_punctuation(b: u8) -> bool {
    matches!(b, 0x80 | 0x85 | 0x91..=0x97)
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
    decoder: Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
    /// UTF-16 and UTF-32: decoded line by line, so that a line of UTF-8 text appended
    /// (PowerShell 7's `>>` to a Windows PowerShell 5.1 export) is read as UTF-8 from there
    /// on, as follow mode reads it ([`mixed`]).
    wide: Option<Box<mixed::Wide>>,
}

mod mixed;
pub use mixed::{LineEnd, Utf8After, line_end, line_end_between, utf8_after_notice, utf8_line};

impl<R: std::io::BufRead> DecodeReader<R> {
    /// Decodes `inner` from `encoding`; `None` for UTF-8, which needs no reader.
    pub fn new(inner: R, encoding: TextEncoding) -> Option<Self> {
        let decoder = Decoder::new(encoding)?;
        let wide = TextDecoder::new(encoding)
            .filter(|d| d.wide_name().is_some())
            .map(|d| Box::new(mixed::Wide::new(d)));
        Some(Self {
            inner,
            decoder,
            out: Vec::new(),
            pos: 0,
            done: false,
            wide,
        })
    }

    /// Where UTF-8 text met in a UTF-16 or UTF-32 file starts, once read (said by the
    /// loader after the file): shared, as the reader is handed on boxed.
    pub fn utf8_after(&self) -> Option<Utf8After> {
        self.wide.as_ref().map(|w| w.met.clone())
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
            if self.wide.is_some() {
                self.fill_wide()?;
                continue;
            }
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let read = match &mut self.decoder {
                Decoder::Encoding(decoder) => {
                    self.out.resize(64 << 10, 0);
                    let (_, read, written, _) = decoder.decode_to_utf8(src, &mut self.out, last);
                    self.out.truncate(written);
                    read
                }
                Decoder::Utf32 {
                    big_endian,
                    started,
                    carry,
                } => decode_utf32(src, last, *big_endian, started, carry, &mut self.out),
            };
            self.inner.consume(read);
            self.pos = 0;
            self.done = last;
        }
        Ok(&self.out[self.pos.min(self.out.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// A decoder of one file's bytes to UTF-8 fed in pieces, for follow mode, which reads a file
/// as it grows and must decode it exactly as [`DecodeReader`] decodes it at a first load
/// (breaker15 #1: the same row keys, with or without `--follow`). A byte order mark at the
/// start is removed; malformed sequences become U+FFFD.
pub struct TextDecoder {
    decoder: Decoder,
    encoding: TextEncoding,
}

impl TextDecoder {
    /// `None` for UTF-8, which is read as it is.
    pub fn new(encoding: TextEncoding) -> Option<Self> {
        let decoder = Decoder::new(encoding)?;
        Some(Self { decoder, encoding })
    }

    /// Decodes all of `src` to UTF-8, appended to `out` (a character split at the end of
    /// `src` is kept for the next call).
    pub fn decode(&mut self, src: &[u8], out: &mut Vec<u8>) {
        self.decode_part(src, false, out);
    }

    /// [`TextDecoder::decode`]; `last`: `src` ends the input (bytes of a character left
    /// over become U+FFFD).
    fn decode_part(&mut self, src: &[u8], last: bool, out: &mut Vec<u8>) {
        match &mut self.decoder {
            Decoder::Encoding(decoder) => {
                let from = out.len();
                let room = decoder
                    .max_utf8_buffer_length(src.len())
                    .unwrap_or(src.len() * 3 + 16);
                out.resize(from + room, 0);
                let (_, _, written, _) = decoder.decode_to_utf8(src, &mut out[from..], last);
                out.truncate(from + written);
            }
            Decoder::Utf32 {
                big_endian,
                started,
                carry,
            } => {
                decode_utf32(src, last, *big_endian, started, carry, out);
            }
        }
    }

    /// The encoding's name when its code units are wider than a byte (`UTF-16LE`,
    /// `UTF-32BE`), where a `\n` byte is a newline only in its place in a unit.
    pub fn wide_name(&self) -> Option<&'static str> {
        match self.encoding {
            TextEncoding::Utf16 {
                big_endian: false, ..
            } => Some("UTF-16LE"),
            TextEncoding::Utf16 {
                big_endian: true, ..
            } => Some("UTF-16BE"),
            TextEncoding::Utf32 { big_endian: false } => Some("UTF-32LE"),
            TextEncoding::Utf32 { big_endian: true } => Some("UTF-32BE"),
            _ => None,
        }
    }

    /// The end (just after it) of the first newline character of `raw` in this encoding,
    /// where `raw` starts at a character boundary of the file (its start, or just after a
    /// newline): a `\n` byte is one only in its place in a code unit (UTF-16LE `0A 00` at
    /// an even offset, UTF-32BE `00 00 00 0A` at an offset of 4n+3, …).
    pub fn newline_end(&self, raw: &[u8]) -> Option<usize> {
        let (unit, at, zeros): (usize, usize, &[usize]) = match self.encoding {
            TextEncoding::Utf16 {
                big_endian: false, ..
            } => (2, 0, &[1]),
            TextEncoding::Utf16 {
                big_endian: true, ..
            } => (2, 1, &[0]),
            TextEncoding::Utf32 { big_endian: false } => (4, 0, &[1, 2, 3]),
            TextEncoding::Utf32 { big_endian: true } => (4, 3, &[0, 1, 2]),
            _ => return memchr::memchr(b'\n', raw).map(|i| i + 1),
        };
        memchr::memchr_iter(b'\n', raw)
            .filter(|&i| i % unit == at)
            .map(|i| i - at)
            .find(|&start| start + unit <= raw.len() && zeros.iter().all(|&z| raw[start + z] == 0))
            .map(|start| start + unit)
    }
}

/// The decoder of a [`DecodeReader`].
enum Decoder {
    Encoding(encoding_rs::Decoder),
    /// UTF-32: whether the first character (a byte order mark, removed) was read, and the
    /// bytes of a character split between two reads.
    Utf32 {
        big_endian: bool,
        started: bool,
        carry: Vec<u8>,
    },
}

impl Decoder {
    /// A fresh decoder of `encoding` (its byte order mark removed); `None` for UTF-8.
    fn new(encoding: TextEncoding) -> Option<Self> {
        Some(match encoding {
            TextEncoding::Utf32 { big_endian } => Self::Utf32 {
                big_endian,
                started: false,
                carry: Vec::new(),
            },
            other => Self::Encoding(other.encoding()?.new_decoder_with_bom_removal()),
        })
    }
}

/// Decodes the UTF-32 bytes `src` to UTF-8 in `out` and returns how many were used (all):
/// a value that is no character (a surrogate, above U+10FFFF) and bytes left over at the
/// end become U+FFFD.
fn decode_utf32(
    src: &[u8],
    last: bool,
    big_endian: bool,
    started: &mut bool,
    carry: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> usize {
    let mut text = String::with_capacity(src.len() / 4 + 4);
    let mut push = |unit: [u8; 4]| {
        let v = if big_endian {
            u32::from_be_bytes(unit)
        } else {
            u32::from_le_bytes(unit)
        };
        if !std::mem::replace(started, true) && v == 0xfeff {
            return;
        }
        text.push(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER));
    };
    let fill = (4 - carry.len()) % 4;
    let head = fill.min(src.len());
    carry.extend_from_slice(&src[..head]);
    if carry.len() == 4 {
        push([carry[0], carry[1], carry[2], carry[3]]);
        carry.clear();
    }
    let body = &src[head..];
    let whole = body.len() / 4 * 4;
    for unit in body[..whole].chunks_exact(4) {
        push([unit[0], unit[1], unit[2], unit[3]]);
    }
    carry.extend_from_slice(&body[whole..]);
    if last && !carry.is_empty() {
        carry.clear();
        text.push(char::REPLACEMENT_CHARACTER);
    }
    out.extend_from_slice(text.as_bytes());
    src.len()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
        // Only typographic punctuation above ASCII (Excel's save of `O’Brien`, `“x” – y`).
        assert_eq!(
            detect(b"Name,ISP\nSean O\x92Brien,Fiber \x96 \x93Business\x94\n"),
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
        // Excel for Mac's Mac Roman: `Jörg Schäfer, Société Réseaux` (in Windows-1252
        // `Jšrg SchŠfer, SociŽtŽ RŽseaux`); Windows-1252 of the same names stays so.
        assert_eq!(
            detect(b"Name,ISP\rJ\x9arg Sch\x8afer,Soci\x8et\x8e R\x8eseaux\r"),
            TextEncoding::MacRoman
        );
        assert_eq!(
            detect(b"Name,ISP\nJ\xf6rg Sch\xe4fer,Soci\xe9t\xe9 R\xe9seaux\n"),
            TextEncoding::Windows1252
        );
        // A UTF-8 sequence cut by the end of the sample is still UTF-8.
        assert_eq!(detect(b"{\"a\":\"\xc3"), TextEncoding::Utf8);

        let mut decoded = String::new();
        let mut r = DecodeReader::new(&utf16le[..], le).unwrap();
        std::io::Read::read_to_string(&mut r, &mut decoded).unwrap();
        assert_eq!(decoded, "{\"UserId\":\"a@x\"}\r\n");
    }

    #[test]
    fn utf32_is_decoded_across_reads_that_split_its_characters() {
        let text = "{\"UserId\":\"J\u{fc}rgen \u{1f600}\"}\r\n";
        for (big_endian, bom) in [(false, &b"\xff\xfe\0\0"[..]), (true, &b"\0\0\xfe\xff"[..])] {
            let mut bytes = bom.to_vec();
            for c in text.chars() {
                let v = c as u32;
                bytes.extend(if big_endian {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                });
            }
            bytes.push(0x41); // a character cut by the end of the file
            assert_eq!(detect(&bytes), TextEncoding::Utf32 { big_endian });
            // A 3-byte buffer: every character is split between reads.
            let inner = std::io::BufReader::with_capacity(3, &bytes[..]);
            let mut r = DecodeReader::new(inner, TextEncoding::Utf32 { big_endian }).unwrap();
            let mut decoded = String::new();
            std::io::Read::read_to_string(&mut r, &mut decoded).unwrap();
            assert_eq!(decoded, format!("{text}\u{fffd}"));
        }
    }
}
