//! Raw control characters inside JSON strings: read as the characters they are, never a
//! reason to drop a record.
//!
//! RFC 8259 §7 requires U+0000–U+001F to be escaped inside a string, so serde_json refuses a
//! record holding a raw TAB, ESC or 0x01 byte in a value. Whoever chooses a user agent, a
//! display name or an application name can put one there, and a strict reader would then
//! leave their event out of the query. Kusto's JSON reading is lenient here (as
//! Newtonsoft.Json's is): the string holds the character. So a record that failed to parse
//! is read again with each such character written as its `\u00XX` escape: the parsed string
//! holds exactly the character, the query sees what Kusto sees, and the event is marked
//! (the `ctrl` hint and ⚠, as for a replaced byte). The raw text the event keeps is the
//! record's own, so the mark is seen again wherever the text is read ([`in_strings`]).
//! Records are read so by `load::decode`; JSON text that is not a record of its own (the
//! context index, `parse_json`, a dynamic column written as text) by `json_depth::parse_value`.

/// A text with the raw control characters of its strings escaped.
pub struct Escaped {
    /// The text to parse in place of the record's.
    pub text: String,
    /// How many raw control characters were escaped.
    pub count: usize,
    /// Byte offset in the text of the first.
    pub first_at: usize,
}

/// True when some byte of `b` is below 0x20; a pass the compiler turns into vector code, so
/// that text without any (nearly every record) is passed over at memory speed.
fn any_control(b: &[u8]) -> bool {
    b.chunks(64)
        .any(|chunk| chunk.iter().fold(false, |seen, &c| seen | (c < 0x20)))
}

/// Calls `found` with the offset of each raw control character inside a string of the JSON
/// text `b` (a string's extent is read as JSON reads it: from an unescaped quote to the next
/// one, a backslash escaping the byte after it). Stops when `found` returns false.
fn each_in_strings(b: &[u8], mut found: impl FnMut(usize) -> bool) {
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'"' => in_string = false,
                // The byte after a backslash is escaped: `\"` does not end the string. A
                // backslash before a raw control character is no valid escape either; the
                // character is still looked at.
                b'\\' if b.get(i + 1).is_some_and(|&n| n >= 0x20) => i += 1,
                0..=0x1f if !found(i) => return,
                _ => {}
            }
        } else if c == b'"' {
            in_string = true;
        }
        i += 1;
    }
}

/// True when a string of the JSON text holds a raw control character: the text was read
/// with them escaped ([`escape_in_strings`]), and its event is marked.
pub fn in_strings(text: &str) -> bool {
    let b = text.as_bytes();
    if !any_control(b) {
        return false;
    }
    let mut seen = false;
    each_in_strings(b, |_| {
        seen = true;
        false
    });
    seen
}

/// The text with every raw control character inside a string written as its `\u00XX`
/// escape, or `None` when no string holds one (blanks between values are left: JSON allows
/// TAB, LF and CR there).
pub fn escape_in_strings(text: &str) -> Option<Escaped> {
    let b = text.as_bytes();
    if !any_control(b) {
        return None;
    }
    let mut at = Vec::new();
    each_in_strings(b, |i| {
        at.push(i);
        true
    });
    let first_at = *at.first()?;
    let mut out = String::with_capacity(b.len() + 5 * at.len());
    let mut copied = 0;
    for &i in &at {
        out.push_str(&text[copied..i]);
        out.push_str(&format!("\\u{:04x}", b[i]));
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
    Some(Escaped {
        text: out,
        count: at.len(),
        first_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_characters_inside_strings_are_escaped() {
        let text = "{\n\t\"UserAgent\":\"a\tb\x1bc\",\r\n \"k\\\"\x01\":1}";
        let e = escape_in_strings(text).expect("three raw controls in strings");
        assert_eq!(e.count, 3);
        assert_eq!(e.first_at, text.find("\tb").unwrap());
        assert_eq!(
            e.text,
            "{\n\t\"UserAgent\":\"a\\u0009b\\u001bc\",\r\n \"k\\\"\\u0001\":1}"
        );
        let v: serde_json::Value = serde_json::from_str(&e.text).unwrap();
        assert_eq!(v["UserAgent"], "a\tb\u{1b}c");
        assert!(in_strings(text));
        // Blanks between values and escaped characters are no raw control in a string.
        let pretty = "{\n\t\"a\": \"x\\ty\",\r\n\t\"b\": [1,\n2]\n}";
        assert!(escape_in_strings(pretty).is_none());
        assert!(!in_strings(pretty));
        assert!(!in_strings("{\"a\":\"\\\\\"}\n"));
    }

    #[test]
    fn a_deep_value_and_a_record_keep_the_character() {
        // A value nested deeper than serde_json parses is kept as text holding it.
        let deep = format!("{}\"a\u{1}\"{}", "[".repeat(200), "]".repeat(200));
        let v = crate::json_depth::parse_value(&deep).expect("read");
        let kept = v.as_array().map(|_| v.to_string()).unwrap_or_default();
        assert!(kept.contains(r#"a\\u0001"#), "{kept}");
        // A record: parsed with the character, its raw text kept as written and marked.
        let record = b"{\"UserAgent\":\"a\tb\",\"n\":\"\\ud800\"}";
        let (v, raw, repair) =
            crate::load::decode::parse_repaired::<serde_json::Value>(record).expect("read");
        assert_eq!(v["UserAgent"], "a\tb");
        assert_eq!(v["n"], "\u{fffd}");
        assert_eq!(raw, "{\"UserAgent\":\"a\tb\",\"n\":\"\u{fffd}\"}");
        let repair = repair.expect("repaired");
        assert_eq!((repair.raw_controls, repair.lone_surrogates), (1, 1));
        assert!(crate::load::decode::has_replacement(&raw));
    }
}
