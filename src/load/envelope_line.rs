//! Which JSON-lines lines may hold records otherwise than as one record (an envelope, an
//! array, a JSON string), told from their first bytes alone: such a line is parsed on every
//! path (line by line, the scanning threads' blocks, the context-only pass, `--follow`)
//! even where the prefilter passes over lines without the STS operation's name, so that its
//! records are counted and reach the related-events index as the same records one a line
//! would. The test runs on every line the prefilter passes over: a table look-up for most.

/// The first keys [`may_hold_records`] looks for: the envelope keys
/// (`super::json::ENVELOPE_KEYS`), and those written before them (`{"Schema":…,"Results":…`,
/// a Graph page `{"@odata.context":…,"value":…`).
const FIRST_KEYS: [&str; 8] = [
    "value", "records", "results", "Results", "tables", "Tables", "Schema", "@odata",
];

/// For each byte, which of [`FIRST_KEYS`] hold it at `at` (bit `i`: key `i`).
const fn keys_with_byte_at(at: usize) -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < FIRST_KEYS.len() {
        table[FIRST_KEYS[i].as_bytes()[at] as usize] |= 1 << i;
        i += 1;
    }
    table
}

/// Which of [`FIRST_KEYS`] start with a byte, and which have a byte second: most lines are
/// told by these two look-ups (`{"Timestamp"`: `T` starts `Tables`, whose second byte is not
/// `i`; `{"CreationTime"`: no key starts with `C`), the others compared with the keys left.
const KEY_FIRST: [u8; 256] = keys_with_byte_at(0);
const KEY_SECOND: [u8; 256] = keys_with_byte_at(1);

/// Each of [`FIRST_KEYS`] as the little-endian word of its bytes (each key is under 8 bytes)
/// and the mask of those bytes: a key is compared with a line's next 8 bytes at once.
const KEY_WORDS: [(u64, u64); 8] = {
    let mut words = [(0u64, 0u64); 8];
    let mut i = 0;
    while i < FIRST_KEYS.len() {
        let key = FIRST_KEYS[i].as_bytes();
        let mut j = 0;
        while j < key.len() {
            words[i].0 |= (key[j] as u64) << (8 * j);
            words[i].1 |= 0xff << (8 * j);
            j += 1;
        }
        i += 1;
    }
    words
};

/// Whether a JSON-lines line (its start trimmed) may hold records otherwise than as one
/// record, from its first bytes alone: an array, a JSON string, or an object whose first key
/// is an envelope's (`{"records":[…]}` as Defender's streaming export writes it, `{"tables":…`,
/// `{"Schema":…,"Results":…`, a Graph page `{"@odata.context":…,"value":…`). The line itself
/// is no record of the related-events index: its records are, each once.
#[inline]
pub(super) fn may_hold_records(line: &[u8]) -> bool {
    match line.first() {
        Some(b'[' | b'"') => true,
        // The usual `{"Key`: two look-ups, here.
        Some(b'{') if line.get(1) == Some(&b'"') => match (line.get(2), line.get(3)) {
            (Some(&a), Some(&b)) if KEY_FIRST[usize::from(a)] & KEY_SECOND[usize::from(b)] == 0 => {
                false
            }
            _ => first_key_opens_envelope(&line[2..]),
        },
        // UTF-16 text in a file read as UTF-8 (`super::mixed_encoding`): parsed whatever the
        // prefilter says, which cannot see the operation's name with NULs between its letters.
        Some(b'{') if line.get(1) == Some(&0) => true,
        Some(b'{') => super::json::trim_ascii(&line[1..])
            .strip_prefix(b"\"")
            .is_some_and(first_key_opens_envelope),
        Some(0 | 0xfe | 0xff) => super::mixed_encoding::may_be_utf16(line),
        _ => false,
    }
}

/// Whether `key` (the bytes after an object's first `"`) starts with one of [`FIRST_KEYS`].
fn first_key_opens_envelope(key: &[u8]) -> bool {
    let keys = match key {
        [a, b, ..] => KEY_FIRST[usize::from(*a)] & KEY_SECOND[usize::from(*b)],
        _ => 0,
    };
    if keys == 0 {
        return false;
    }
    match key.first_chunk::<8>() {
        Some(next) => {
            let next = u64::from_le_bytes(*next);
            (0..FIRST_KEYS.len()).any(|i| {
                let (word, mask) = KEY_WORDS[i];
                keys & (1 << i) != 0 && next & mask == word
            })
        }
        // A line that ends within 8 bytes of the key (`{"value":1}` at most).
        None => FIRST_KEYS.iter().any(|k| key.starts_with(k.as_bytes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule as first written (every key compared with the trimmed rest): the tables and
    /// words above only make it quicker.
    fn plain(line: &[u8]) -> bool {
        match line.first() {
            Some(b'[' | b'"') => true,
            Some(b'{') => {
                let rest = super::super::json::trim_ascii(&line[1..]);
                FIRST_KEYS.iter().any(|k| {
                    rest.strip_prefix(b"\"")
                        .is_some_and(|r| r.starts_with(k.as_bytes()))
                })
            }
            _ => false,
        }
    }

    #[test]
    fn every_envelope_key_is_looked_for() {
        for k in super::super::json::ENVELOPE_KEYS {
            assert!(FIRST_KEYS.contains(&k), "{k}");
            let line = format!("{{\"{k}\":[{{}}]}}");
            assert!(may_hold_records(line.as_bytes()), "{line}");
            let spaced = format!("{{ \"{k}\" : [] }}");
            assert!(may_hold_records(spaced.as_bytes()), "{spaced}");
        }
        for line in [
            r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata","value":[]}"#,
            r#"{"Schema":{},"Results":[]}"#,
            r#"[{"a":1}]"#,
            r#""{\"a\":1}""#,
            r#"{"value":1}"#,
        ] {
            assert!(may_hold_records(line.as_bytes()), "{line}");
        }
        for line in [
            r#"{"Timestamp":"2021-02-01T00:00:03Z","ActionType":"x"}"#,
            r#"{"Tablet":1}"#,
            r#"{"CreationTime":"2021-02-01T00:00:03","Operation":"x"}"#,
            r#"{"valu":1}"#,
            r#"{"#,
            "",
            "{}",
        ] {
            assert!(!may_hold_records(line.as_bytes()), "{line}");
        }
    }

    proptest! {
        #[test]
        fn the_quick_test_is_the_plain_rule(
            head in prop_oneof![Just("{\""), Just("{ \""), Just("{"), Just("["), Just("\""), Just(" ")],
            key in prop_oneof![
                proptest::sample::select(FIRST_KEYS.to_vec()).prop_map(str::to_owned),
                "[a-zA-Z@.]{0,9}",
            ],
            cut in 0usize..12,
            tail in "[\":a-z{}\\[\\] ]{0,10}",
        ) {
            let key = &key[..cut.min(key.len())];
            let line = format!("{head}{key}{tail}");
            prop_assert_eq!(may_hold_records(line.as_bytes()), plain(line.as_bytes()), "{}", line);
        }
    }
}
