//! The byte prefilter that decides which records are parsed.

use aho_corasick::AhoCorasick;

/// The cheap byte test that decides which records are parsed: a record can be an STS event
/// only if its bytes hold the operation's name (ASCII case ignored), or a JSON `\u` escape
/// of an ASCII letter (which could spell part of it). Everything else cannot match and is
/// not parsed: an escape of anything but a letter (`\u003c` for `<`, as .NET writes it)
/// decodes to a character that is not in the name, so the name could only stand on one side
/// of it, where it is found as it is written.
///
/// The search is a SIMD multi-pattern search (Teddy) for every case spelling of a rare four
/// letter stretch of the name plus `\u00`; each hit is verified in place.
pub struct Prefilter {
    teddy: Option<aho_corasick::packed::Searcher>,
    /// Used where Teddy is not available.
    fallback: Option<AhoCorasick>,
}

/// Where in [`crate::rule::STS_NEEDLE`] the stretch that is searched for starts.
const FRAGMENT_AT: usize = 12;
const FRAGMENT_LEN: usize = 4;

impl Prefilter {
    pub fn new() -> Self {
        let needle = crate::rule::STS_NEEDLE.as_bytes();
        let fragment = needle
            .get(FRAGMENT_AT..FRAGMENT_AT + FRAGMENT_LEN)
            .unwrap_or(needle);
        // Pattern 0 is the escape; the others are the case spellings of the fragment.
        let mut patterns: Vec<Vec<u8>> = vec![b"\\u00".to_vec()];
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
                .build([crate::rule::STS_NEEDLE, "\\u"])
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
            let confirmed = if hit.pattern().as_usize() == 0 {
                letter_escape(bytes.get(p + 4..p + 6))
            } else {
                p.checked_sub(FRAGMENT_AT)
                    .and_then(|start| bytes.get(start..start + needle.len()))
                    .is_some_and(|written| written.eq_ignore_ascii_case(needle))
            };
            if confirmed {
                return Some(p);
            }
            at = p + 1;
        }
        None
    }
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
