//! A structural walk over the bytes of one JSON object, for the context index: each member's
//! key is read where the object's structure puts it, never inside a string value.
//!
//! The index reads a few fields of every record of multi-gigabyte files, so it does not
//! build a parsed value; but it must not take text inside a value for a key. A record's
//! strings are chosen by whoever names an account or an application, or sends a user agent,
//! and such a string can hold `", "ObjectId": "victim…` (written `\", \"ObjectId\": \"victim…`
//! in the record): a search for `"ObjectId"` finds it there. Here a string is always read to
//! its closing quote (escapes included), a nested array or object is passed over whole
//! (its brackets counted outside its strings), and a caller sees only the keys of the object
//! it walks, one level at a time: what a JSON parser would give it.
//!
//! The walk checks the structure it goes through, not every byte a parser would check (a
//! number's digits, the escapes inside a string passed over): a record with such an error
//! gives the fields read up to where the walk notices, and the loader's own parse reports
//! the record.

use std::borrow::Cow;

/// A cursor in the bytes of one JSON text.
pub struct Walker<'b> {
    bytes: &'b [u8],
    at: usize,
}

/// JSON's insignificant whitespace (RFC 8259 §2).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// A string's text with its escapes decoded, read as the loader reads it
/// (`load::decode::parse_repaired`: a lone surrogate's escape as U+FFFD, a raw control
/// character as itself); a string that is not JSON even so as empty.
pub fn decode(quoted: &[u8]) -> Vec<u8> {
    crate::load::decode::parse_repaired::<String>(quoted)
        .map(|(text, _, _)| text)
        .unwrap_or_default()
        .into_bytes()
}

/// Bytes of `0x01`, and of `0x80`: the words of a SWAR search (8 bytes at a time).
const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that equals `c`. Only the lowest set bit is exact (a
/// borrow can set a bit above a match, never below one): enough to find the first match.
fn eq_mask(w: u64, c: u8) -> u64 {
    let x = w ^ (LO * u64::from(c));
    x.wrapping_sub(LO) & !x & HI
}

/// A word of `bytes` from `at` (which has 8 bytes from there).
#[inline]
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The first byte of `bytes[from..]` that is one of `set` (up to three; repeat one to look
/// for fewer). Most strings and gaps of a record are short (names, GUIDs, addresses),
/// where a word at a time beats a vector search's setup; past [`WORDS`] words the rest goes
/// to `memchr`.
#[inline]
fn find_any(bytes: &[u8], from: usize, set: [u8; 3]) -> Option<usize> {
    let mut j = from;
    let stop = bytes.len().min(from.saturating_add(8 * WORDS));
    while j + 8 <= stop {
        let w = word(bytes, j);
        let mut m = eq_mask(w, set[0]) | eq_mask(w, set[1]);
        if set[2] != set[1] {
            m |= eq_mask(w, set[2]);
        }
        if m != 0 {
            return Some(j + (m.trailing_zeros() / 8) as usize);
        }
        j += 8;
    }
    let rest = bytes.get(j..)?;
    if set[2] == set[1] {
        memchr::memchr2(set[0], set[1], rest).map(|i| j + i)
    } else {
        memchr::memchr3(set[0], set[1], set[2], rest).map(|i| j + i)
    }
}

/// Words searched one at a time before a vector search takes over.
const WORDS: usize = 12;

impl<'b> Walker<'b> {
    pub fn new(bytes: &'b [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// A walk of `bytes` from the value at `at` (found otherwise: [`super::skeleton`]).
    pub fn at(bytes: &'b [u8], at: usize) -> Self {
        Self { bytes, at }
    }

    /// The next byte that is not whitespace (the cursor moved to it).
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.bytes.get(self.at) {
            if !is_space(c) {
                return Some(c);
            }
            self.at += 1;
        }
        None
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    #[inline]
    /// At a `"`: the bytes from it to its closing quote (both included), and whether any
    /// escape is between them; the cursor after the closing quote.
    fn quoted(&mut self) -> Option<(&'b [u8], bool)> {
        let bytes = self.bytes;
        let start = self.at;
        let mut j = start + 1;
        let mut escaped = false;
        loop {
            let k = find_any(bytes, j, [b'"', b'\\', b'\\'])?;
            if bytes[k] == b'"' {
                self.at = k + 1;
                return Some((&bytes[start..=k], escaped));
            }
            // A backslash and the byte it escapes (a `\uXXXX`'s hex digits hold no quote).
            escaped = true;
            j = k + 2;
        }
    }

    /// The string value at the cursor, its escapes decoded; any other value is passed over
    /// and read as empty (a null, a number, an object: no text of the field's).
    pub fn text(&mut self) -> Option<Cow<'b, [u8]>> {
        if self.peek()? != b'"' {
            self.skip()?;
            return Some(Cow::Borrowed(b""));
        }
        let (quoted, escaped) = self.quoted()?;
        Some(if escaped {
            Cow::Owned(decode(quoted))
        } else {
            Cow::Borrowed(&quoted[1..quoted.len() - 1])
        })
    }

    /// The value at the cursor as written (passed over whole), for a caller that reads it
    /// only when it must (a UAL `Actor` array).
    pub fn raw(&mut self) -> Option<&'b [u8]> {
        self.peek()?;
        let start = self.at;
        self.skip()?;
        self.bytes.get(start..self.at)
    }

    /// Passes over the value at the cursor.
    pub fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.quoted()?;
            }
            b'{' => self.skip_nested(b'{', b'}')?,
            b'[' => self.skip_nested(b'[', b']')?,
            _ => {
                // A number, `true`, `false`, `null`: up to the next delimiter.
                let start = self.at;
                while let Some(&c) = self.bytes.get(self.at) {
                    if matches!(c, b',' | b'}' | b']' | b'"' | b'{' | b'[') || is_space(c) {
                        break;
                    }
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
            }
        }
        Some(())
    }

    /// An array or object passed over whole: its own kind of bracket counted outside its
    /// strings (the other kind balances inside it in any valid JSON), no recursion.
    fn skip_nested(&mut self, open: u8, close: u8) -> Option<()> {
        let mut depth = 0usize;
        loop {
            let k = find_any(self.bytes, self.at, [b'"', open, close])?;
            self.at = k;
            match self.bytes[k] {
                b'"' => {
                    self.quoted()?;
                }
                c if c == open => {
                    depth += 1;
                    self.at += 1;
                }
                _ => {
                    depth = depth.checked_sub(1)?;
                    self.at += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
            }
        }
    }

    /// The members of the object at the cursor, in order: `member(walker, key)` is called
    /// with the cursor at the member's value, which it must read ([`Self::text`], a walk of
    /// its own) or pass over ([`Self::skip`]). The key is decoded when it holds an escape
    /// (`\u0055serId` is `UserId`, as a parser reads it). None when the bytes are not an
    /// object or break off: the members before were given.
    pub fn object(&mut self, mut member: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let (quoted, escaped) = self.quoted()?;
            let key: Cow<'_, [u8]> = if escaped {
                Cow::Owned(decode(quoted))
            } else {
                Cow::Borrowed(&quoted[1..quoted.len() - 1])
            };
            self.eat(b':')?;
            self.peek()?;
            let value_at = self.at;
            member(self, &key)?;
            if self.at == value_at {
                // The callback read nothing: pass over the value, so the walk goes on.
                self.skip()?;
            }
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The members of the top-level object, their string values decoded (others empty).
    fn members(json: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let _ = Walker::new(json.as_bytes()).object(|w, k| {
            let v = w.text()?;
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            ));
            Some(())
        });
        out
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_word_search_finds_the_first_byte_of_the_set_as_a_plain_search_does() {
        // Every place of one or two set bytes among bytes that differ from them by one bit
        // (where a word-at-a-time search could mistake a borrow for a match).
        let fill = [b'#', b'!', b'\x80', b'\xa2', b'Z', b'\x00', b'\xff', b'|'];
        for len in 0..80 {
            let base: Vec<u8> = (0..len).map(|i| fill[i % fill.len()]).collect();
            for a in 0..=len {
                for (x, y) in [(b'"', b'"'), (b'\\', b'}'), (b'}', b'"')] {
                    let mut v = base.clone();
                    if a < len {
                        v[a] = x;
                    }
                    if a + 9 < len {
                        v[a + 9] = y;
                    }
                    for from in [0, 1, 7] {
                        let want = v
                            .iter()
                            .skip(from)
                            .position(|c| [b'"', b'\\', b'}'].contains(c))
                            .map(|p| p + from);
                        assert_eq!(find_any(&v, from, [b'"', b'\\', b'}']), want);
                    }
                }
            }
        }
    }

    #[test]
    fn a_key_inside_a_string_value_is_no_member() {
        // As a record holds it: the display name's quotes escaped.
        let json = r#"{"AccountDisplayName":"Evil\", \"ObjectId\": \"victim@contoso.com\", \"x\": \"","ObjectId":"throwaway@contoso.com"}"#;
        assert_eq!(
            members(json),
            pairs(&[
                (
                    "AccountDisplayName",
                    r#"Evil", "ObjectId": "victim@contoso.com", "x": ""#
                ),
                ("ObjectId", "throwaway@contoso.com"),
            ])
        );
    }

    #[test]
    fn escaped_backslashes_and_quotes_end_strings_where_json_does() {
        // `\\` then `"` closes the string; `\\\"` does not.
        let json =
            r#"{"a":"x\\","ObjectId":"real","b":"y\\\"ObjectId\\\":\\\"forged","c":"\u0022"}"#;
        assert_eq!(
            members(json),
            pairs(&[
                ("a", "x\\"),
                ("ObjectId", "real"),
                ("b", r#"y\"ObjectId\":\"forged"#),
                ("c", "\""),
            ])
        );
    }

    #[test]
    fn keys_of_nested_values_are_not_members_of_the_outer_object() {
        let json = r#"{ "Extra" : {"ObjectId":"deep","L":[{"ObjectId":"deeper"},"]}"]} ,
            "List":[["}"],{"a":"{"}], "n": -1.5e3, "t": true, "z": null, "ObjectId" : "top" }"#;
        assert_eq!(
            members(json),
            pairs(&[
                ("Extra", ""),
                ("List", ""),
                ("n", ""),
                ("t", ""),
                ("z", ""),
                ("ObjectId", "top"),
            ])
        );
    }

    #[test]
    fn duplicate_keys_are_each_given_in_order() {
        // The caller keeps the last, as serde_json's map does (see `extract`).
        let json = r#"{"UserId":"first","UserId":"second"}"#;
        assert_eq!(
            members(json),
            pairs(&[("UserId", "first"), ("UserId", "second")])
        );
    }

    #[test]
    fn an_escaped_key_is_read_as_its_text() {
        let json = r#"{"\u0055serId":"a@b"}"#;
        assert_eq!(members(json), pairs(&[("UserId", "a@b")]));
    }

    #[test]
    fn broken_text_gives_the_members_before_the_break() {
        assert_eq!(members(r#"{"a":"1","b":"2"#), pairs(&[("a", "1")]));
        assert_eq!(members(r#"{"a":"1" "b":"2"}"#), pairs(&[("a", "1")]));
        assert!(members(r#"["a","b"]"#).is_empty());
        assert!(members(r#"{"a":}"#).is_empty());
        // A value that is no JSON value ends the walk.
        assert_eq!(members(r#"{"x":"1","a":]]}"#), pairs(&[("x", "1")]));
        assert_eq!(
            members(r#"{"x":"1","a":[]]]}"#),
            pairs(&[("x", "1"), ("a", "")])
        );
    }
}
