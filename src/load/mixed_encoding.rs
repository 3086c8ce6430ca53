//! One file in two encodings (breaker15 #3): Windows PowerShell 5.1 appends in UTF-16LE
//! (`>>`, `Out-File -Append`) to a file it did not write, so a UTF-8 export may go on in
//! UTF-16, and a UTF-16 one in UTF-8. The encoding of a file is decided once from its first
//! bytes (`decode::detect`); a record in the other one failed as "not valid JSON" and its STS
//! event was lost under a warning that named neither.
//!
//! Looked at only on the error path (a record that did not parse), and at the first bytes of
//! each line by the prefilter's walk (a UTF-16 line names the operation with a NUL between
//! its letters, so the prefilter would pass over it): valid input never pays for it.
//!
//! Split at `\n` bytes as UTF-8, UTF-16LE lines start with the NUL of the newline before
//! (`0A 00`) and end with `\r` and its NUL; UTF-16BE lines end with the NUL before it. Of
//! ASCII text the two then read alike once the NUL that is not the line's is dropped; the
//! little-endian reading (PowerShell's) is tried first.

/// What [`decode::Repair::other_encoding`](super::decode::Repair) names.
pub const UTF16_IN_UTF8: &str = "UTF-16 text (a NUL every other byte) in a file read as UTF-8: records appended in another encoding (Windows PowerShell 5.1 `>>`, `Out-File -Append`)?";

/// Whether a line (as split at `\n` bytes, trimmed) may be UTF-16 text, from its first two
/// bytes: a NUL, a UTF-16 byte order mark, or `{` and a NUL.
#[inline]
pub fn may_be_utf16(line: &[u8]) -> bool {
    match line.first() {
        Some(0 | 0xfe | 0xff) => true,
        Some(b'{' | b'[') => line.get(1) == Some(&0),
        _ => false,
    }
}

/// The text of a line that is UTF-16 (LE, else BE) with a NUL every other byte (ASCII text:
/// nearly every pair has one, on one side), decoded to UTF-8; `None` when it is not such a
/// line. `parses`: whether a decoding reads as what is wanted (a JSON value), to choose
/// between the two byte orders where they differ.
pub fn utf16_line(bytes: &[u8], parses: impl Fn(&str) -> bool) -> Option<String> {
    let body = bytes
        .strip_prefix(b"\xff\xfe")
        .or_else(|| bytes.strip_prefix(b"\xfe\xff"))
        .unwrap_or(bytes);
    if body.len() < 4 || !nul_every_other_byte(body) {
        return None;
    }
    let mut tried = Vec::new();
    // Little-endian: its first byte a character's (`{\0`), else the NUL of the newline.
    let le = if body[1] == 0 { body } else { &body[1..] };
    tried.push(decode(le, encoding_rs::UTF_16LE));
    // Big-endian: its first byte a character's high byte.
    tried.push(decode(body, encoding_rs::UTF_16BE));
    let pick = tried.iter().position(|t| parses(t)).unwrap_or(0);
    Some(tried.swap_remove(pick))
}

/// Decodes whole code units (an odd byte at the end is the NUL of the line's end, dropped)
/// and trims the blanks around the text.
fn decode(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> String {
    let even = &bytes[..bytes.len() & !1];
    let (text, _) = encoding.decode_without_bom_handling(even);
    text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0')
        .to_owned()
}

/// Nearly every byte pair (90%) has a NUL on one side, the same side throughout, counted from
/// the first or the second byte.
fn nul_every_other_byte(bytes: &[u8]) -> bool {
    let mut on = [0usize; 2];
    for (i, &b) in bytes.iter().enumerate() {
        on[i % 2] += usize::from(b == 0);
    }
    let pairs = bytes.len() / 2;
    on.iter().any(|&n| n * 10 >= pairs * 9)
}

/// The bytes a line of a file read as UTF-16 had, when they are UTF-8 text (each character
/// the two ASCII bytes of a line in UTF-8: `{"` reads as `❻`): a UTF-16 export that goes on
/// in UTF-8. `None` when the text is not such.
pub fn utf8_read_as_utf16(text: &str) -> Option<Vec<u8>> {
    let units: Vec<u16> = text.encode_utf16().collect();
    if units.len() < 8 {
        return None;
    }
    let ascii = |b: u8| b == b'\t' || b == b'\r' || b == b'\n' || (0x20..0x7f).contains(&b);
    let both = units
        .iter()
        .filter(|u| u.to_le_bytes().iter().all(|&b| ascii(b)))
        .count();
    (both * 10 >= units.len() * 9).then(|| units.iter().flat_map(|u| u.to_le_bytes()).collect())
}

/// What a line of UTF-8 text read as UTF-16 is said as (`utf8`: its bytes as written):
/// how many lines it holds and whether they name the STS operation.
pub fn utf8_in_utf16_message(utf8: &[u8]) -> String {
    let lines = bytecount::count(utf8, b'\n') + usize::from(!utf8.ends_with(b"\n"));
    let naming = utf8
        .split(|&b| b == b'\n')
        .filter(|l| super::json::holds_sts_operation(l))
        .count();
    format!(
        "UTF-8 text in a file read as UTF-16 (records appended in another encoding, PowerShell 7 \
         `>>`?): {lines} line{} of it from here, read as one and not read; {}",
        if lines == 1 { "" } else { "s" },
        if naming == 0 {
            "none holds the STS operation's name".to_owned()
        } else {
            format!("{naming} of them hold the STS operation's name (StsRefreshTokenValidFrom)")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn a_utf16_line_split_at_newline_bytes_is_read_back() {
        let record = r#"{"UserId":"attacker@contoso.com"}"#;
        // The first line after the UTF-8 part, and one after it (the newline's NUL first).
        let first = utf16le(&format!("{record}\r"));
        let mut next = vec![0u8];
        next.extend(utf16le(&format!("{record}\r")));
        let parses = |t: &str| serde_json::from_str::<serde_json::Value>(t).is_ok();
        for line in [&first[..], &next[..]] {
            assert!(may_be_utf16(line));
            assert_eq!(utf16_line(line, parses).as_deref(), Some(record));
        }
        assert_eq!(utf16_line(record.as_bytes(), parses), None);
        assert!(!may_be_utf16(record.as_bytes()));
    }

    #[test]
    fn utf8_read_as_utf16_is_told() {
        let utf8 = b"{\"Operation\":\"Update StsRefreshTokenValidFrom Timestamp.\"}\n{\"a\":1}";
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(utf8);
        assert_eq!(utf8_read_as_utf16(&text).as_deref(), Some(&utf8[..]));
        assert_eq!(
            utf8_read_as_utf16("J\u{fc}rgen M\u{fc}ller, Telef\u{f3}nica"),
            None
        );
    }
}
