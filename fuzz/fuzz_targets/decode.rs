//! The byte layer: encoding detection and decoding, the repair of invalid UTF-8 and lone
//! surrogate escapes, and the replacement mark. Asserts what the loader relies on: a
//! repaired record has no lone surrogate left and parses wherever the original differed only
//! by those; the decoder always gives UTF-8; JSON nested deeper than serde_json reads is cut
//! without a crash.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use sts_triage::load::decode::{
    DecodeReader, detect, has_replacement, parse_json_text, repair_json,
};

fuzz_target!(|data: &[u8]| {
    let encoding = detect(data);
    if let Some(mut reader) = DecodeReader::new(data, encoding) {
        let mut text = String::new();
        // read_to_string fails on invalid UTF-8: the decoder must never produce it.
        assert!(reader.read_to_string(&mut text).is_ok(), "{encoding:?}");
    }
    if let Some((fixed, repair)) = repair_json(data) {
        assert!(
            repair.invalid_sequences + repair.lone_surrogates + repair.deep_values > 0
                || repair.deep_cut_short
        );
        assert!(repair.first_at <= data.len());
        // A second pass finds nothing left to replace.
        assert!(repair_json(fixed.as_bytes()).is_none());
        let _ = has_replacement(&fixed);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_json_text(text);
        let _ = has_replacement(text);
        // Deep nesting (issue 10): values below 127 levels are kept as text, by loops, never
        // by recursion; whatever the depth, this returns.
        let _ = sts_triage::json_depth::parse_value(text);
        let _ = sts_triage::json_depth::holds_deep_json(text);
    }
});
