//! JSON nested deeper than serde_json parses: kept, never a reason to drop a record.
//! Below the loader (`load::decode` reads records with it) and beside the context and the
//! KQL functions, which parse JSON text of their own.
//!
//! serde_json stops at 128 levels of arrays and objects (its recursion limit, which keeps its
//! recursive parser and the recursive drop of a `Value` within a thread's stack). An attacker
//! who controls one field of an event could nest it deeper and so push the whole event out of
//! the findings as "not valid JSON". The rule reads nothing below a few levels
//! (`ModifiedProperties[0].NewValue`, `Actor[-1].ID`), so a record is read with every value
//! that would open a level deeper than [`MAX_DEPTH`] replaced by a JSON string: U+FFFD
//! followed by the value's own JSON text. Nothing read is lost (the text is all there, and a
//! `has` on the record still finds its terms), the record is evaluated as it would be
//! without the deep field, memory stays about the record's size (no value tree of millions of
//! levels is built), and the U+FFFD marks the event with the `ctrl` hint and ⚠ as for any
//! replaced character.
//!
//! Everything here is iterative (explicit stacks on the heap, bounded by the record), so no
//! depth of input reaches the thread's stack. The cut runs only after a parse failed.

use serde_json::Value;

/// U+FFFD, which starts the text of a value kept as text (as it stands for any replaced byte).
pub const REPLACEMENT: char = '\u{fffd}';

/// The deepest level of arrays and objects kept as parsed values: the most serde_json parses
/// (its recursion limit of 128 counts the level that fails).
pub const MAX_DEPTH: usize = 127;

/// What [`cut_deep`] did to a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The text to parse in place of the record's.
    pub text: String,
    /// Values below [`MAX_DEPTH`] kept as JSON text in a string.
    pub values: usize,
    /// Byte offset in the record of the first of them.
    pub first_at: usize,
}

/// The text with every array or object that would open a level below [`MAX_DEPTH`] replaced
/// by the string `"\u{fffd}<its JSON text>"`, or `None` when nothing nests that deep or a
/// deep value is not valid JSON (the record is then as damaged as it was). A text that ends
/// inside a deep value is cut before that value, so that parsing it says where it ended.
pub fn cut_deep(text: &str) -> Option<Cut> {
    let b = text.as_bytes();
    if !many_brackets(b) {
        return None;
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut values = 0;
    let mut first_at = 0;
    // The open containers above the cut (`true`: an object); never more than MAX_DEPTH.
    let mut open: Vec<bool> = Vec::new();
    // The last byte outside strings and blanks: a deep container is a value only after `:`,
    // `[`, or `,` inside an array (not in a key's place).
    let mut last = 0u8;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                i = string_end(b, i).unwrap_or(b.len());
                last = b'"';
                continue;
            }
            b'[' | b'{' if open.len() == MAX_DEPTH => {
                let in_value_place = match last {
                    b':' | b'[' => true,
                    b',' => open.last() == Some(&false),
                    _ => false,
                };
                if !in_value_place {
                    return None;
                }
                match skip_value(b, i) {
                    Ok(end) => {
                        if values == 0 {
                            first_at = i;
                            out.reserve(b.len() + 16);
                        }
                        values += 1;
                        out.push_str(&text[copied..i]);
                        push_kept(&mut out, &text[i..end]);
                        copied = end;
                        i = end;
                        last = b'"';
                        continue;
                    }
                    Err(Bad::Eof) => {
                        // Parsing what comes before says "EOF while parsing".
                        out.push_str(&text[copied..i]);
                        return Some(Cut {
                            text: out,
                            values,
                            first_at: if values == 0 { i } else { first_at },
                        });
                    }
                    Err(Bad::Invalid) => return None,
                }
            }
            b'[' | b'{' => open.push(c == b'{'),
            b']' | b'}' => {
                open.pop();
            }
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        last = c;
        i += 1;
    }
    if values == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(Cut {
        text: out,
        values,
        first_at,
    })
}

/// True when reading the text as JSON keeps values as text ([`cut_deep`]): the text, or
/// JSON text inside one of its strings (a RawEventData or AuditData written as text, at any
/// level of such nesting), is JSON that nests arrays and objects deeper than [`MAX_DEPTH`].
/// The event is then marked. Brackets in a string that is not such JSON are text.
pub fn holds_deep_json(text: &str) -> bool {
    holds_deep(text)
}

fn holds_deep(text: &str) -> bool {
    let b = text.as_bytes();
    if !many_brackets(b) {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let Some(end) = string_end(b, i) else {
                    return false;
                };
                let body = &b[i + 1..end - 1];
                let json_like = body
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|c| matches!(c, b'[' | b'{'));
                // The string's own text is decoded and looked at as JSON. Each level of
                // JSON-in-a-string escapes the quotes of the one inside, so the levels are few.
                if json_like
                    && many_brackets(body)
                    && unquote(&b[i..end]).is_some_and(|s| holds_deep(&s))
                {
                    return true;
                }
                i = end;
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return cut_deep(text).is_some_and(|cut| {
                        cut.values > 0
                            && serde_json::from_str::<serde::de::IgnoredAny>(&cut.text).is_ok()
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// The text of a JSON string literal (quotes included); an escape that is not valid (a lone
/// surrogate, which serde_json refuses) becomes U+FFFD, as the record's reading makes it.
fn unquote(literal: &[u8]) -> Option<String> {
    if let Ok(s) = serde_json::from_slice::<String>(literal) {
        return Some(s);
    }
    let body = std::str::from_utf8(literal.get(1..literal.len().checked_sub(1)?)?).ok()?;
    let mut out = String::with_capacity(body.len());
    let mut units: Vec<u16> = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or(REPLACEMENT)));
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        if e == 'u' {
            let hex: String = chars.by_ref().take(4).collect();
            units.push(u16::from_str_radix(&hex, 16).ok()?);
            continue;
        }
        out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or(REPLACEMENT)));
        out.push(match e {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            other => other,
        });
    }
    out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or(REPLACEMENT)));
    Some(out)
}

/// Parses JSON text as [`Value`]: as it is, else with the values nested deeper than
/// [`MAX_DEPTH`] kept as text ([`cut_deep`]). For JSON text that is not a record of its own
/// (a dynamic column written as text, `parse_json`); a record is read by
/// `load::decode::parse_repaired`, which also replaces invalid characters and says what it did.
///
/// Raw control characters inside strings are read as the characters they are
/// ([`crate::json_controls`]), as a record's are.
pub fn parse_value(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text).or_else(|e| {
        let escaped = crate::json_controls::escape_in_strings(text);
        let text = escaped.as_ref().map_or(text, |x| x.text.as_str());
        match cut_deep(text) {
            Some(cut) => serde_json::from_str(&cut.text),
            None if escaped.is_some() => serde_json::from_str(text).map_err(|_| e),
            None => Err(e),
        }
    })
}

/// True when the bytes hold more `[` and `{` than [`MAX_DEPTH`]: a text with no more cannot
/// nest deeper (stops counting there).
fn many_brackets(b: &[u8]) -> bool {
    memchr::memchr2_iter(b'[', b'{', b).nth(MAX_DEPTH).is_some()
}

/// `"\u{fffd}` + the value's text + `"`, the text escaped as a JSON string.
fn push_kept(out: &mut String, value: &str) {
    let quoted = Value::String(value.to_owned()).to_string();
    out.push('"');
    out.push(REPLACEMENT);
    out.push_str(&quoted[1..]);
}

/// The index just past the closing quote of the string starting at `start` (`b[start]` is
/// the opening quote), or `None` when the text ends first.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i] == b'\\' {
            i += 2;
        } else {
            return Some(i + 1);
        }
    }
}

/// Why a deep value could not be skipped.
#[derive(Debug, PartialEq, Eq)]
enum Bad {
    /// The text ends inside it.
    Eof,
    /// It is not valid JSON (RFC 8259).
    Invalid,
}

/// What the validator expects next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Value,
    /// Just after `[`.
    ValueOrClose,
    /// Just after `{`.
    KeyOrClose,
    /// After `,` in an object.
    Key,
    Colon,
    CommaOrClose,
}

/// Checks one JSON value starting at `start` and returns the index just past it, iteratively
/// (the open containers on a heap stack, one byte each), with serde_json's grammar: strings
/// without raw control characters and with valid escapes, numbers that are finite.
fn skip_value(b: &[u8], start: usize) -> Result<usize, Bad> {
    let mut open: Vec<bool> = Vec::new();
    let mut want = Want::Value;
    let mut i = start;
    loop {
        while b
            .get(i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            return Err(Bad::Eof);
        };
        let mut scalar_end = None;
        match want {
            Want::Value | Want::ValueOrClose => match c {
                b']' if want == Want::ValueOrClose => {
                    open.pop();
                    i += 1;
                    if open.is_empty() {
                        return Ok(i);
                    }
                    want = Want::CommaOrClose;
                }
                b'[' | b'{' => {
                    open.push(c == b'{');
                    i += 1;
                    want = if c == b'{' {
                        Want::KeyOrClose
                    } else {
                        Want::ValueOrClose
                    };
                }
                b'"' => scalar_end = Some(string(b, i)?),
                b'-' | b'0'..=b'9' => scalar_end = Some(number(b, i)?),
                b't' => scalar_end = Some(literal(b, i, b"true")?),
                b'f' => scalar_end = Some(literal(b, i, b"false")?),
                b'n' => scalar_end = Some(literal(b, i, b"null")?),
                _ => return Err(Bad::Invalid),
            },
            Want::KeyOrClose | Want::Key => match c {
                b'}' if want == Want::KeyOrClose => {
                    open.pop();
                    i += 1;
                    if open.is_empty() {
                        return Ok(i);
                    }
                    want = Want::CommaOrClose;
                }
                b'"' => {
                    i = string(b, i)?;
                    want = Want::Colon;
                }
                _ => return Err(Bad::Invalid),
            },
            Want::Colon => {
                if c != b':' {
                    return Err(Bad::Invalid);
                }
                i += 1;
                want = Want::Value;
            }
            Want::CommaOrClose => {
                let object = open.last().copied().unwrap_or(false);
                match c {
                    b',' => {
                        i += 1;
                        want = if object { Want::Key } else { Want::Value };
                    }
                    b'}' if object => {
                        open.pop();
                        i += 1;
                        if open.is_empty() {
                            return Ok(i);
                        }
                    }
                    b']' if !object => {
                        open.pop();
                        i += 1;
                        if open.is_empty() {
                            return Ok(i);
                        }
                    }
                    _ => return Err(Bad::Invalid),
                }
            }
        }
        if let Some(end) = scalar_end {
            // `skip_value` starts at a container, so a scalar is always inside one.
            i = end;
            want = Want::CommaOrClose;
        }
    }
}

/// Past a JSON string starting at `b[start] == '"'`.
fn string(b: &[u8], start: usize) -> Result<usize, Bad> {
    let mut i = start + 1;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(Bad::Eof);
        };
        match c {
            b'"' => return Ok(i + 1),
            b'\\' => {
                let Some(&e) = b.get(i + 1) else {
                    return Err(Bad::Eof);
                };
                match e {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                    b'u' => {
                        for k in 2..6 {
                            match b.get(i + k) {
                                None => return Err(Bad::Eof),
                                Some(h) if h.is_ascii_hexdigit() => {}
                                Some(_) => return Err(Bad::Invalid),
                            }
                        }
                        i += 6;
                    }
                    _ => return Err(Bad::Invalid),
                }
            }
            // A raw control character is read as the character (`load::raw_controls`): the
            // kept text is a string re-encoded whole, so it is escaped there.
            _ => i += 1,
        }
    }
}

/// Past a JSON number starting at `start`; serde_json refuses one that is not finite.
fn number(b: &[u8], start: usize) -> Result<usize, Bad> {
    let digits = |mut i: usize| {
        let from = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i - from)
    };
    let mut i = start;
    if b[i] == b'-' {
        i += 1;
    }
    match b.get(i) {
        None => return Err(Bad::Eof),
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i).0,
        Some(_) => return Err(Bad::Invalid),
    }
    let mut float = false;
    if b.get(i) == Some(&b'.') {
        float = true;
        let (end, n) = digits(i + 1);
        if n == 0 {
            return Err(if end >= b.len() {
                Bad::Eof
            } else {
                Bad::Invalid
            });
        }
        i = end;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        float = true;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (end, n) = digits(i);
        if n == 0 {
            return Err(if end >= b.len() {
                Bad::Eof
            } else {
                Bad::Invalid
            });
        }
        i = end;
    }
    if i >= b.len() {
        // Inside a container, a number is always followed by something.
        return Err(Bad::Eof);
    }
    if float {
        let text = std::str::from_utf8(&b[start..i]).map_err(|_| Bad::Invalid)?;
        if !text.parse::<f64>().is_ok_and(f64::is_finite) {
            return Err(Bad::Invalid);
        }
    }
    Ok(i)
}

fn literal(b: &[u8], start: usize, word: &[u8]) -> Result<usize, Bad> {
    let have = &b[start..b.len().min(start + word.len())];
    if have == word {
        Ok(start + word.len())
    } else if word.starts_with(have) {
        Err(Bad::Eof)
    } else {
        Err(Bad::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize, inner: &str) -> String {
        format!("{}{inner}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn serde_json_parses_exactly_max_depth_levels() {
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH, "1")).is_ok());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1, "1")).is_err());
        assert!(cut_deep(&nested(MAX_DEPTH, "1")).is_none());
    }

    #[test]
    fn a_deep_value_is_kept_as_its_text_and_the_rest_parses() {
        for levels in [MAX_DEPTH + 1, 130, 5_000, 200_000] {
            let deep = nested(
                levels,
                r#"{"k":"v \"q\"","n":-1.5e3,"t":[true,false,null]}"#,
            );
            let text = format!(r#"{{"Id":"a","X":{deep},"Operation":"op"}}"#);
            let cut = cut_deep(&text).expect("cut");
            assert_eq!(cut.values, 1);
            assert_eq!(cut.first_at, text.find('[').unwrap() + MAX_DEPTH - 1);
            let v: Value = serde_json::from_str(&cut.text).expect("parses");
            assert_eq!(v["Operation"], "op");
            let mut at = &v["X"];
            for _ in 0..MAX_DEPTH - 2 {
                at = &at[0];
            }
            let kept = at[0].as_str().expect("a string");
            let expected_tail = &deep[MAX_DEPTH - 1..deep.len() - (MAX_DEPTH - 1)];
            assert_eq!(kept.strip_prefix(REPLACEMENT), Some(expected_tail));
            assert!(holds_deep_json(&text));
            assert!(!holds_deep_json(&cut.text));
        }
    }

    #[test]
    fn deep_values_in_objects_and_after_commas_are_cut_each() {
        let obj = format!("{}1{}", r#"{"a":"#.repeat(200), "}".repeat(200));
        let text = format!(r#"[{obj}, {obj}, "x"]"#);
        let cut = cut_deep(&text).expect("cut");
        assert_eq!(cut.values, 2);
        let v: Value = serde_json::from_str(&cut.text).expect("parses");
        assert_eq!(v[2], "x");
    }

    #[test]
    fn invalid_deep_values_are_not_made_valid() {
        let bad = [
            nested(200, "01"),
            nested(200, "1e400"),
            nested(200, r#""\x""#),
            nested(200, "tru"),
            nested(200, "1,"),
            format!("{}]", nested(200, "1")),
            format!("{}{}", "[".repeat(200), "}".repeat(200)),
            // A deep array in a key's place.
            format!(
                "{}{{{}:1}}{}",
                "[".repeat(MAX_DEPTH - 1),
                nested(5, "1"),
                "]".repeat(MAX_DEPTH - 1)
            ),
        ];
        for text in bad {
            let cut = cut_deep(&text).map(|c| c.text).unwrap_or(text.clone());
            assert!(
                serde_json::from_str::<Value>(&cut).is_err(),
                "{}",
                &text[text.len().saturating_sub(30)..]
            );
        }
    }

    #[test]
    fn a_text_that_ends_inside_a_deep_value_reads_as_cut_short() {
        let text = format!(r#"{{"Id":"a","X":{}"#, "[".repeat(500));
        let cut = cut_deep(&text).expect("cut");
        let e = serde_json::from_str::<Value>(&cut.text).unwrap_err();
        assert!(e.is_eof(), "{e}");
    }

    #[test]
    fn brackets_inside_strings_are_not_nesting() {
        let text = format!(r#"{{"UserAgent":"{}"}}"#, "[".repeat(1000));
        assert!(cut_deep(&text).is_none());
        assert!(!holds_deep_json(&text));
        // Deep JSON text in a string that is not valid JSON is not marked either.
        let text = format!(r#"{{"UserAgent":"{}1]"}}"#, "[".repeat(1000));
        assert!(!holds_deep_json(&text));
        // ...unless the string is JSON text, as RawEventData written as a string is.
        let inner = Value::String(nested(300, "1")).to_string();
        let text = format!(r#"{{"RawEventData":{inner}}}"#);
        assert!(cut_deep(&text).is_none());
        assert!(holds_deep_json(&text));
        let twice = Value::String(format!(r#"{{"AuditData":{inner}}}"#)).to_string();
        assert!(holds_deep_json(&format!(r#"{{"RawEventData":{twice}}}"#)));
    }
}
