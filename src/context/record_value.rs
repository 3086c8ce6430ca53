//! Finding a record's text in a byte stream from its place: the first byte of a value, a
//! record written as a JSON string, a JSON object or array to its matching end (kept apart
//! from `record`, which decides where to read and checks what it read).

use std::io::{self, BufRead};

use super::MAX_RECORD;

/// How the text of a record cut at [`MAX_RECORD`] ends (after `\n(cut at N bytes`).
pub(super) const CUT_END: &str = ": the record goes on)";

/// The reader's first byte after blanks and the separators between a document's values
/// (`,`), which are passed over; `None` at the end.
pub(super) fn first_byte(r: &mut impl BufRead) -> io::Result<Option<u8>> {
    loop {
        let buf = r.fill_buf()?;
        let Some(&b) = buf.first() else {
            return Ok(None);
        };
        if b.is_ascii_whitespace() || b == b',' {
            r.consume(1);
            continue;
        }
        return Ok(Some(b));
    }
}

/// Where [`scan`] stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    /// At the closing quote of the JSON string at the reader's position.
    ClosingQuote,
    /// At the end matching the first `{` or `[` (what comes before it is passed over).
    MatchingEnd,
}

/// The bytes [`scan`] read, and whether they reached where it stops (`false`: the limit).
struct Scanned {
    bytes: Vec<u8>,
    whole: bool,
}

/// Reads a JSON string or a JSON object or array to its end (strings and escapes passed
/// over), or to the first read that takes it past `limit` bytes.
fn scan(r: &mut impl BufRead, until: Until, limit: usize) -> io::Result<Scanned> {
    let mut out: Vec<u8> = Vec::new();
    let (mut depth, mut in_str, mut escaped, mut started) = (0usize, false, false, false);
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Err(io::Error::other(if started {
                "the file ends inside the record"
            } else {
                "no record there (changed since the load?)"
            }));
        }
        let mut end = None;
        for (i, &b) in buf.iter().enumerate() {
            if !started {
                match (until, b) {
                    (Until::ClosingQuote, b'"') => in_str = true,
                    (Until::MatchingEnd, b'{' | b'[') => depth = 1,
                    _ => continue,
                }
                started = true;
                out.push(b);
                continue;
            }
            out.push(b);
            if in_str {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_str = false,
                    _ => {}
                }
                if in_str || depth > 0 {
                    continue;
                }
                end = Some(i + 1);
                break;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let used = end.unwrap_or(buf.len());
        r.consume(used);
        if end.is_some() || out.len() > limit {
            return Ok(Scanned {
                bytes: out,
                whole: end.is_some(),
            });
        }
    }
}

/// The text a JSON string at the reader's position holds (its escapes decoded), trimmed: a
/// record written as a JSON string. At most [`MAX_RECORD`] bytes of the string are read.
pub(super) fn string_value(r: &mut impl BufRead) -> io::Result<String> {
    let out = scan(r, Until::ClosingQuote, MAX_RECORD)?;
    if !out.whole {
        return Err(io::Error::other(format!(
            "the record written as a JSON string there is over {MAX_RECORD} bytes"
        )));
    }
    let text: String = serde_json::from_slice(&out.bytes)
        .map_err(|e| io::Error::other(format!("the JSON string there: {e}")))?;
    Ok(text.trim().to_owned())
}

/// The JSON object or array starting at the first `{` or `[`: up to its matching end
/// (strings and escapes skipped), at most `limit` bytes ([`MAX_RECORD`]; past it the text
/// is cut and ends with [`CUT_END`]).
pub(super) fn json_value(r: &mut impl BufRead, limit: usize) -> io::Result<String> {
    let out = scan(r, Until::MatchingEnd, limit)?;
    let mut text = String::from_utf8_lossy(&out.bytes).into_owned();
    if !out.whole {
        text.push_str(&format!("\n(cut at {limit} bytes{CUT_END}"));
    }
    Ok(text)
}
