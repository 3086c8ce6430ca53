//! Text repair at the byte level: a record is never dropped because of a string's content.
//!
//! Kusto replaces bytes that are not UTF-8 with U+FFFD (the replacement character) when it
//! ingests data, and keeps the record. We do the same, and also for the JSON escapes of lone
//! UTF-16 surrogates (`"\ud800"`): valid JSON grammar (RFC 8259 §8.2 allows them) that no
//! Unicode string can hold, which serde_json therefore refuses. The repair runs only on the
//! error path, after a record failed to parse as it is: valid input never pays for it.

use std::borrow::Cow;

mod encoding;
pub use encoding::{
    DecodeReader, LineEnd, SAMPLE, TextDecoder, TextEncoding, Utf8After, detect, line_end,
    line_end_between, utf8_after_notice, utf8_line,
};

/// U+FFFD, the character every replaced byte sequence or escape becomes.
pub const REPLACEMENT: char = '\u{fffd}';

/// What [`repair_json`] changed in one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repair {
    /// Invalid UTF-8 sequences replaced (each by one U+FFFD, as `String::from_utf8_lossy`).
    pub invalid_sequences: usize,
    /// `\uXXXX` escapes of lone surrogates replaced.
    pub lone_surrogates: usize,
    /// Raw control characters (U+0000–U+001F, which JSON requires escaped) inside strings,
    /// read as the characters they are (see [`crate::json_controls`]).
    pub raw_controls: usize,
    /// Arrays and objects below [`crate::json_depth::MAX_DEPTH`] levels kept as JSON text (a string
    /// starting with U+FFFD), see [`crate::json_depth`].
    pub deep_values: usize,
    /// The text ends inside a value below that depth: what comes before it was parsed, so
    /// that the error says where the record ends.
    pub deep_cut_short: bool,
    /// Byte offset in the record of the first replacement.
    pub first_at: usize,
    /// The record was in another encoding than the file's and was decoded from it (the
    /// sentence that says so: `load::mixed_encoding`).
    pub other_encoding: Option<&'static str>,
}

impl Repair {
    /// True when nothing was replaced: only raw control characters, kept as written.
    pub fn only_controls_kept(&self) -> bool {
        self.invalid_sequences == 0
            && self.lone_surrogates == 0
            && self.deep_values == 0
            && !self.deep_cut_short
            && self.other_encoding.is_none()
    }

    /// True when the record was only decoded from another encoding: nothing replaced.
    pub fn only_decoded(&self) -> bool {
        self.other_encoding.is_some()
            && Self {
                other_encoding: None,
                ..*self
            } == Self::default()
    }

    /// Counts the record in its file's summary: among those read with raw control
    /// characters kept, or with characters replaced. A record only decoded from another
    /// encoding is neither (nothing in it was replaced). A first load and follow mode count
    /// by it, so that both say the same of one file (breaker16 #9: follow mode counted a
    /// UTF-16 record in a UTF-8 file as "read with invalid characters replaced").
    pub fn count_in(&self, summary: &mut crate::model::FileSummary) {
        if self.only_controls_kept() {
            summary.controls_kept += 1;
        } else if !self.only_decoded() {
            summary.replaced += 1;
        }
    }

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
        if self.raw_controls > 0 {
            said.push(format!(
                "{} raw control character{} inside a string (JSON requires them escaped) kept as written",
                self.raw_controls,
                plural(self.raw_controls)
            ));
        }
        if self.deep_values > 0 {
            said.push(format!(
                "{} value{} nested deeper than {} levels kept as JSON text (a string starting with U+FFFD)",
                self.deep_values,
                plural(self.deep_values),
                crate::json_depth::MAX_DEPTH
            ));
        }
        let decoded = self
            .other_encoding
            .map(|what| format!("{what} decoded as UTF-16; "))
            .unwrap_or_default();
        if said.is_empty() {
            return format!("{decoded}the record was read");
        }
        format!(
            "{decoded}{} (first at byte {} of the record); the record was read",
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

/// The record's text with invalid UTF-8 and lone surrogate escapes replaced by U+FFFD, values
/// nested deeper than [`crate::json_depth::MAX_DEPTH`] kept as text and raw control characters
/// inside strings escaped: the text to parse, or `None` when there was nothing to change (the
/// record is damaged in another way).
pub fn repair_json(bytes: &[u8]) -> Option<(String, Repair)> {
    repair(bytes).map(|r| {
        let parse = r.parse.unwrap_or(r.kept);
        (parse, r.repair)
    })
}

/// What [`repair`] made of a record.
struct Repaired {
    /// The text the event keeps: repaired, but with raw control characters as written, so
    /// that [`has_replacement`] sees them (their escapes could be the record's own).
    kept: String,
    /// The text to parse when it differs from `kept` (raw control characters escaped).
    parse: Option<String>,
    repair: Repair,
}

fn repair(bytes: &[u8]) -> Option<Repaired> {
    let mut repair = Repair::default();
    let text = lossy(bytes, &mut repair);
    let fixed = replace_lone_surrogates(&text, &mut repair);
    let replaced = repair.invalid_sequences > 0 || repair.lone_surrogates > 0;
    let kept = match crate::json_depth::cut_deep(&fixed) {
        Some(cut) => {
            if !replaced {
                repair.first_at = cut.first_at;
            }
            repair.deep_values = cut.values;
            repair.deep_cut_short = cut.values == 0;
            Some(cut.text)
        }
        None => None,
    };
    let escaped = crate::json_controls::escape_in_strings(kept.as_deref().unwrap_or(&fixed));
    if let Some(e) = &escaped {
        if !replaced && kept.is_none() {
            repair.first_at = e.first_at;
        }
        repair.raw_controls = e.count;
    }
    if !replaced && kept.is_none() && escaped.is_none() {
        return None;
    }
    Some(Repaired {
        kept: kept.unwrap_or_else(|| fixed.into_owned()),
        parse: escaped.map(|e| e.text),
        repair,
    })
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
        Err(e) => match repair(bytes) {
            Some(r) => match serde_json::from_str(r.parse.as_deref().unwrap_or(&r.kept)) {
                Ok(v) => Ok((v, Cow::Owned(r.kept), Some(r.repair))),
                Err(again) if r.repair.cut_nesting() => Err(again),
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
/// whose deep values are kept as text when it is parsed, or a raw control character inside a
/// string (see [`crate::json_controls`]); or that a value, once decoded, holds a character
/// the neutraliser escapes (a flood of combining marks among them): written as it is or as
/// a `\uXXXX` escape at any level of nesting (`\u001b`, `\u202e`, a pair for a tag
/// character), in any field, so a record's `ctrl` hint does not depend on how its export
/// spelled the character. The escapes of a tab, line feed and carriage return are not
/// counted (multi-line values are ordinary in exports), nor the short ones (`\n`).
pub fn has_replacement(text: &str) -> bool {
    if text.contains(REPLACEMENT) || crate::neutralize::has_dangerous_beyond_ascii(text) {
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
            let low = hex4(b.get(r + 1..r + 5)).filter(|&l| is_low(l));
            let (true, Some(low)) = (r > run && b.get(r) == Some(&b'u'), low) else {
                return true;
            };
            let pair = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            if char::from_u32(pair).is_some_and(crate::neutralize::is_dangerous) {
                return true;
            }
            at = r + 5;
        } else if !matches!(code, 0x09 | 0x0a | 0x0d)
            && char::from_u32(code).is_some_and(crate::neutralize::is_dangerous)
        {
            return true;
        }
    }
    crate::json_controls::in_strings(text) || crate::json_depth::holds_deep_json(text)
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
    fn nested_json_text_is_parsed_with_repair_and_the_mark_is_seen() {
        let v = parse_json_text(r#"{"UserAgent":"\ud800x"}"#).unwrap();
        assert_eq!(v["UserAgent"], "\u{fffd}x");
        assert!(has_replacement(r#"{"RawEventData":"{\"u\":\"\\ud800\"}"}"#));
        assert!(has_replacement("a\u{fffd}"));
        assert!(!has_replacement(r#"{"e":"\ud83d\ude00","f":"\u00e9"}"#));
        assert!(!has_replacement(r#"{"R":"{\"e\":\"\\ud83d\\ude00\"}"}"#));
    }
}
