//! The byte prefilter that decides which records are parsed.

use aho_corasick::AhoCorasick;

/// The cheap byte test that decides which records are parsed: a record can be an STS event
/// only if its bytes hold the operation's name (ASCII case ignored), or a JSON `\u` escape
/// of an ASCII letter (which could spell part of it); and a row of the query's own result
/// only if they hold its column `tokenMinutesRemaining` or such an escape. Everything else
/// cannot match and is not parsed: an escape of anything but a letter (`\u003c` for `<`, as .NET writes it)
/// decodes to a character that is not in the name, so the name could only stand on one side
/// of it, where it is found as it is written.
///
/// The search is a SIMD multi-pattern search (Teddy) for every case spelling of a rare two
/// letter stretch of the name (`sr`, of `StsRefresh`) plus the escapes `\u004`-`\u007`;
/// each hit is verified in place. Two-byte patterns let Teddy compare two bytes a position instead of four, which
/// doubles its speed over blocks of JSON (about 13 GB/s against 6-7 GB/s for `kenv` and
/// `\u00`); the pair is rare in exports (in the generated 1%-STS data it stands nowhere but
/// in the name), so the extra hits to verify cost little.
pub struct Prefilter {
    teddy: Option<aho_corasick::packed::Searcher>,
    /// Used where Teddy is not available.
    fallback: Option<AhoCorasick>,
}

/// A column every row of the query's own result has (`load::record`: a record with
/// `tokenMinutesAdded` and `tokenMinutesRemaining`, names matched ASCII case ignored): such
/// a row holds no STS operation name, yet it is a row to triage, and from it on every
/// record of the file is parsed. Its `sR` is the fragment searched for, so the rows are
/// found at no cost: a hit is confirmed as the name or as this column.
const RESULT_COLUMN: &str = "tokenMinutesRemaining";
/// Where in [`RESULT_COLUMN`] the searched stretch (`sR`) stands.
const RESULT_FRAGMENT_AT: usize = 11;

/// Where in [`crate::rule::STS_NEEDLE`] the stretch that is searched for starts.
const FRAGMENT_AT: usize = 2;
const FRAGMENT_LEN: usize = 2;

/// The escapes that can be ASCII letters, up to their first hex digit (4-7); the second is
/// checked in place. Searched whole by Teddy (it verifies its own candidates), so the many
/// escapes of other characters (`\u003c`, `\u00e9`) do not stop the search one by one.
const ESCAPES: [&[u8]; 4] = [b"\\u004", b"\\u005", b"\\u006", b"\\u007"];

impl Prefilter {
    pub fn new() -> Self {
        let needle = crate::rule::STS_NEEDLE.as_bytes();
        let fragment = needle
            .get(FRAGMENT_AT..FRAGMENT_AT + FRAGMENT_LEN)
            .unwrap_or(needle);
        // The escapes first; the others are the case spellings of the fragment.
        let mut patterns: Vec<Vec<u8>> = ESCAPES.iter().map(|e| e.to_vec()).collect();
        for mask in 0u32..(1 << fragment.len()) {
            let spelled = fragment
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    if mask & (1 << i) == 0 {
                        b.to_ascii_lowercase()
                    } else {
                        b.to_ascii_uppercase()
                    }
                })
                .collect();
            patterns.push(spelled);
        }
        let teddy = aho_corasick::packed::Config::new()
            .builder()
            .extend(&patterns)
            .build();
        let fallback = if teddy.is_some() {
            None
        } else {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([crate::rule::STS_NEEDLE, RESULT_COLUMN, "\\u"])
                .ok()
        };
        Self { teddy, fallback }
    }

    /// True when the bytes may hold an STS event.
    pub fn may_match(&self, bytes: &[u8]) -> bool {
        self.find_from(bytes, 0).is_some()
    }

    /// A position at or after `from`, inside the candidate, of the first candidate that
    /// starts at or after `from` (the name itself or a letter escape).
    pub fn find_from(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let Some(teddy) = &self.teddy else {
            return match &self.fallback {
                Some(m) => m
                    .find(aho_corasick::Input::new(bytes).range(from..))
                    .map(|m| m.start()),
                None => (from < bytes.len()).then_some(from),
            };
        };
        let needle = crate::rule::STS_NEEDLE.as_bytes();
        let mut at = from;
        while at < bytes.len() {
            let span = aho_corasick::Span {
                start: at,
                end: bytes.len(),
            };
            let hit = teddy.find_in(bytes, span)?;
            let p = hit.start();
            let confirmed = if hit.pattern().as_usize() < ESCAPES.len() {
                letter_escape(bytes.get(p + 4..p + 6))
            } else {
                written_at(bytes, p, FRAGMENT_AT, needle)
                    || written_at(bytes, p, RESULT_FRAGMENT_AT, RESULT_COLUMN.as_bytes())
            };
            if confirmed {
                return Some(p);
            }
            at = p + 1;
        }
        None
    }
}

/// True when `word` is written (ASCII case ignored) with its byte `fragment_at` at `hit`.
fn written_at(bytes: &[u8], hit: usize, fragment_at: usize, word: &[u8]) -> bool {
    hit.checked_sub(fragment_at)
        .and_then(|start| bytes.get(start..start + word.len()))
        .is_some_and(|written| written.eq_ignore_ascii_case(word))
}

/// True when the two hex digits after `\u00` make an ASCII letter (41-5a, 61-7a).
fn letter_escape(digits: Option<&[u8]>) -> bool {
    let Some(&[hi, lo]) = digits else {
        // Cut off at the end of the bytes: say yes, the record is parsed.
        return true;
    };
    let lo = lo.to_ascii_lowercase();
    let is_hex = lo.is_ascii_digit() || (b'a'..=b'f').contains(&lo);
    match hi {
        b'4' | b'6' => is_hex && lo != b'0',
        b'5' | b'7' => lo.is_ascii_digit() || lo == b'a',
        _ => false,
    }
}

impl Default for Prefilter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAME: &str = "StsRefreshTokenValidFrom";

    fn line(op: &str) -> Vec<u8> {
        format!(r#"{{"ActionType":"Update {op} Timestamp.","RawEventData":{{"Id":"x"}}}}"#)
            .into_bytes()
    }

    /// What the prefilter promises, written plainly: the name or the query result's column
    /// in any ASCII case, or a `\u00` escape of an ASCII letter.
    fn may_hold_name(bytes: &[u8]) -> bool {
        let lower = bytes.to_ascii_lowercase();
        let named = lower
            .windows(STS_NEEDLE_LEN)
            .any(|w| w == crate::rule::STS_NEEDLE.as_bytes())
            || lower
                .windows(RESULT_COLUMN.len())
                .any(|w| w == RESULT_COLUMN.to_ascii_lowercase().as_bytes());
        let escaped = lower.windows(6).any(|w| {
            w.starts_with(b"\\u00")
                && u8::from_str_radix(std::str::from_utf8(&w[4..]).unwrap_or("zz"), 16)
                    .is_ok_and(|c| c.is_ascii_alphabetic())
        });
        named || escaped
    }

    const STS_NEEDLE_LEN: usize = crate::rule::STS_NEEDLE.len();

    /// The JSON escape of one character, hex digits in the given case.
    fn escape(c: char, upper_hex: bool) -> String {
        let e = format!("\\u{:04x}", c as u32);
        if upper_hex {
            e.to_ascii_uppercase().replace("\\U", "\\u")
        } else {
            e
        }
    }

    #[test]
    fn the_name_in_any_case_is_found() {
        let p = Prefilter::new();
        for op in [
            NAME,
            "stsrefreshtokenvalidfrom",
            "STSREFRESHTOKENVALIDFROM",
            "sTsReFrEsHtOkEnVaLiDfRoM",
        ] {
            assert!(p.may_match(&line(op)), "{op}");
        }
        // Not the name: one letter off, or only the searched pair.
        for op in [
            "StsRefreshTokenValidFrim",
            "StRefreshTokenValidFrom",
            "IsRead",
            "usr SR sr",
        ] {
            assert!(!p.may_match(&line(op)), "{op}");
        }
    }

    #[test]
    fn a_row_of_the_query_result_is_found_by_its_column() {
        let p = Prefilter::new();
        for column in [
            "tokenMinutesRemaining",
            "TOKENMINUTESREMAINING",
            "tokenminutesremaining",
        ] {
            let row = format!(r#"{{"AccountObjectId":"o","tokenMinutesAdded":1,"{column}":2}}"#);
            assert!(p.may_match(row.as_bytes()), "{column}");
        }
        for other in [
            "tokenMinutesRemainin",
            "okenMinutesRemaining",
            "tokenMinutesAdded",
            "usersRead",
        ] {
            let row = format!(r#"{{"AccountObjectId":"o","{other}":2}}"#);
            assert!(!p.may_match(row.as_bytes()), "{other}");
        }
    }

    #[test]
    fn a_letter_written_as_an_escape_is_found_wherever_it_stands() {
        let p = Prefilter::new();
        for at in 0..NAME.len() {
            for upper_hex in [false, true] {
                let op: String = NAME
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i == at {
                            escape(c, upper_hex)
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                assert!(p.may_match(&line(&op)), "{op}");
            }
        }
        // Every ASCII letter's escape counts; the escapes of the characters around the letters
        // (`@ [ \` { <`) cannot spell the name and are passed over.
        for c in ('A'..='Z').chain('a'..='z') {
            assert!(p.may_match(&line(&escape(c, false))), "{c}");
            assert!(p.may_match(&line(&escape(c, true))), "{c}");
        }
        for c in ['@', '[', '`', '{', '<', '>', '&', 'é'] {
            assert!(!p.may_match(&line(&escape(c, false))), "{c}");
            assert!(!p.may_match(&line(&escape(c, true))), "{c}");
        }
        // An escape cut off by the end of the bytes after its first digit: parsed. Cut
        // before, it is not a candidate: the bytes are no JSON, so no STS event, and the last
        // line of a file, where a cut download shows, is checked whatever the prefilter says.
        assert!(p.may_match(b"x\\u005"));
        for cut in [&b"x\\u"[..], b"x\\u0", b"x\\u00", b"x\\u1", b"x\\u003"] {
            assert!(!p.may_match(cut), "{}", String::from_utf8_lossy(cut));
        }
    }

    #[test]
    fn find_from_points_inside_the_candidate_at_or_after_from() {
        let p = Prefilter::new();
        let mut data = line("nothing");
        data.push(b'\n');
        let first = data.len();
        data.extend(line(NAME));
        data.push(b'\n');
        let second = data.len();
        data.extend(line("Sts\\u0052efreshTokenValidFrom"));
        data.push(b'\n');
        let hit = p.find_from(&data, 0).unwrap();
        assert!((first..second).contains(&hit));
        let hit = p.find_from(&data, second).unwrap();
        assert!(hit >= second);
        assert_eq!(p.find_from(&data, data.len() - 1), None);
    }

    /// Pieces of lines: the name in a random case, the name with letters escaped, the pair
    /// searched for, escapes of letters and of other characters, backslashes, newlines.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(any::<bool>(), NAME.len()).prop_map(|up| {
                NAME.chars()
                    .zip(up)
                    .map(|(c, u)| {
                        if u {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect()
            }),
            (proptest::collection::vec(0..4u8, NAME.len())).prop_map(|how| {
                NAME.chars()
                    .zip(how)
                    .map(|(c, h)| match h {
                        0 => escape(c, false),
                        1 => escape(c, true),
                        _ => c.to_string(),
                    })
                    .collect()
            }),
            "[a-zA-Z0-9 \":{},\\\\]{0,12}",
            Just("sr".to_owned()),
            Just("SR".to_owned()),
            Just("sR".to_owned()),
            Just("\\u003c".to_owned()),
            Just("\\u005B".to_owned()),
            Just("\\u0041".to_owned()),
            Just("\\u006e".to_owned()),
            Just("\\u00".to_owned()),
            Just("\\u".to_owned()),
            Just("\\\\u0053".to_owned()),
            Just("\n".to_owned()),
            Just("StsRefreshTokenValidFro".to_owned()),
            Just("tsRefreshTokenValidFrom".to_owned()),
            Just("tokenMinutesRemaining".to_owned()),
            Just("TokenMinutesRemainin".to_owned()),
            Just("okenminutesremaining".to_owned()),
        ]
    }

    proptest! {
        /// Walking the lines as the block scan does (find a hit, skip to the end of its line)
        /// visits exactly the lines that may hold the name.
        #[test]
        fn the_lines_found_are_the_lines_that_may_hold_the_name(
            pieces in proptest::collection::vec(piece(), 0..40)
        ) {
            let mut data = pieces.concat().into_bytes();
            // Blank lines at the end, so that no escape is cut off by the end of the bytes
            // (a cut escape is always a candidate, tested above).
            data.extend_from_slice(b"\n\n\n\n\n\n");
            let p = Prefilter::new();
            let mut found = Vec::new();
            let mut pos = 0;
            while let Some(hit) = p.find_from(&data, pos) {
                prop_assert!(hit >= pos);
                let start = memchr::memrchr(b'\n', &data[..hit]).map_or(0, |i| i + 1);
                let end = memchr::memchr(b'\n', &data[hit..]).map_or(data.len(), |i| hit + i);
                found.push(start);
                pos = end + 1;
            }
            let mut expected = Vec::new();
            let mut start = 0;
            for end in memchr::memchr_iter(b'\n', &data) {
                if may_hold_name(&data[start..end]) {
                    expected.push(start);
                }
                start = end + 1;
            }
            prop_assert_eq!(found, expected);
        }
    }
}
