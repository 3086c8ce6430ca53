//! Tests of `context::skeleton`: members found from bitmaps, never inside a string.
use super::*;
use proptest::prelude::*;
use serde_json::Value;

/// Each member the skeleton finds: (at depth 2, key, value as text: a string's text, else
/// empty; None where it breaks off). None when the record is left to the walk.
fn listing(json: &str) -> Option<Vec<(bool, String, Option<String>)>> {
    let bytes = json.as_bytes();
    let mut s = Skeleton::default();
    if !s.mark(bytes) {
        return None;
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Some(
        s.members()
            .map(|(colon, nested)| {
                let key = text(&s.key(bytes, colon));
                (nested, key, s.text(bytes, colon).map(|v| text(&v)))
            })
            .collect(),
    )
}

fn members(list: &[(bool, &str, &str)]) -> Option<Vec<(bool, String, Option<String>)>> {
    Some(
        list.iter()
            .map(|&(n, k, v)| (n, k.to_owned(), Some(v.to_owned())))
            .collect(),
    )
}

/// The quotes that open or close a string, a byte at a time: a backslash escapes the next
/// byte.
fn plain_quotes(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => out.push(i),
            _ => {}
        }
        i += 1;
    }
    out
}

fn marked_quotes(s: &Skeleton) -> Vec<usize> {
    let mut out = Vec::new();
    for (w, bits) in s.words.iter().map(|w| w.quote).enumerate() {
        for b in 0..64 {
            if bits >> b & 1 == 1 {
                out.push(w * 64 + b);
            }
        }
    }
    out
}

#[test]
fn runs_of_backslashes_escape_every_second_byte_across_blocks() {
    // Every run length from 0 to 130 ending at every place around the block edges, then a
    // quote: the quote ends the string exactly when the run is even.
    for run in 0..130 {
        for lead in [0, 1, 30, 61, 62, 63, 64, 65, 126, 127, 128] {
            let mut v = b"{\"".to_vec();
            v.extend(std::iter::repeat_n(b'a', lead));
            v.extend(std::iter::repeat_n(b'\\', run));
            v.extend_from_slice(b"\":1}\"}");
            let mut s = Skeleton::default();
            s.mark(&v);
            assert_eq!(marked_quotes(&s), plain_quotes(&v), "run {run} lead {lead}");
            assert_eq!(s.members().count(), usize::from(run % 2 == 0), "run {run}");
        }
    }
}

#[test]
fn a_key_inside_a_string_value_is_no_member() {
    // As a record holds it: the display name's quotes escaped.
    let json = r#"{"AccountDisplayName":"Evil\", \"ObjectId\": \"victim@contoso.com\", \"x\": \"","ObjectId":"throwaway@contoso.com"}"#;
    assert_eq!(
        listing(json),
        members(&[
            (
                false,
                "AccountDisplayName",
                r#"Evil", "ObjectId": "victim@contoso.com", "x": ""#
            ),
            (false, "ObjectId", "throwaway@contoso.com"),
        ])
    );
    // The same forgery in the audit record, with the escape split across a block edge.
    for pad in 0..70 {
        let json = format!(
            r#"{{"RawEventData":{{"UserAgent":"{}\", \"ObjectId\": \"victim\"","ObjectId":"real"}}}}"#,
            "a".repeat(pad)
        );
        let got = listing(&json).expect("compact");
        let keys: Vec<_> = got.iter().map(|(n, k, _)| (*n, k.as_str())).collect();
        assert_eq!(
            keys,
            [
                (false, "RawEventData"),
                (true, "UserAgent"),
                (true, "ObjectId")
            ]
        );
        assert_eq!(got[2].2.as_deref(), Some("real"), "pad {pad}");
    }
}

#[test]
fn escaped_backslashes_and_quotes_end_strings_where_json_does() {
    // `\\` then `"` closes the string; `\\\"` does not.
    let json = r#"{"a":"x\\","ObjectId":"real","b":"y\\\"ObjectId\\\":\\\"forged","c":"\u0022"}"#;
    assert_eq!(
        listing(json),
        members(&[
            (false, "a", "x\\"),
            (false, "ObjectId", "real"),
            (false, "b", r#"y\"ObjectId\":\"forged"#),
            (false, "c", "\""),
        ])
    );
}

#[test]
fn colons_and_brackets_inside_strings_are_text() {
    let json = r#"{"a":"x:{[","b":"]}\":}}}","c":{"d":"{"},"e":"]]"}"#;
    assert_eq!(
        listing(json),
        members(&[
            (false, "a", "x:{["),
            (false, "b", "]}\":}}}"),
            (false, "c", ""),
            (true, "d", "{"),
            (false, "e", "]]"),
        ])
    );
}

#[test]
fn keys_deeper_than_one_object_down_are_not_members() {
    let json = r#"{ "Extra" : 1, "List":[{"ObjectId":"in an array"}], "Raw":{"UserId":"u","Deep":{"ObjectId":"deep"},"L":[{"ObjectId":"deeper"}]}, "n": -1.5e3, "t": true, "z": null, "ObjectId": "top" }"#;
    // A space before a colon: the walk reads this record.
    assert_eq!(listing(json), None);
    let json = json.replace("\" :", "\":");
    assert_eq!(
        listing(&json),
        members(&[
            (false, "Extra", ""),
            (false, "List", ""),
            (false, "Raw", ""),
            (true, "UserId", "u"),
            (true, "Deep", ""),
            (true, "L", ""),
            (false, "n", ""),
            (false, "t", ""),
            (false, "z", ""),
            (false, "ObjectId", "top"),
        ])
    );
}

#[test]
fn duplicate_and_escaped_keys_are_given_as_written() {
    // The caller keeps the last, as serde_json's map does.
    assert_eq!(
        listing(r#"{"UserId":"first","\u0055serId":"second"}"#),
        members(&[(false, "UserId", "first"), (false, "UserId", "second")])
    );
}

#[test]
fn what_follows_the_record_is_not_its() {
    assert_eq!(
        listing(r#"{"a":"1"} {"UserId":"x","b":{"c":"d"}}"#),
        members(&[(false, "a", "1")])
    );
    assert_eq!(
        listing("\n  {\"a\":\"1\"}\r"),
        members(&[(false, "a", "1")])
    );
}

#[test]
fn other_shapes_are_left_to_the_walk() {
    assert_eq!(listing(r#"["a","b"]"#), None);
    assert_eq!(listing(r#"{"a" :"1"}"#), None);
    assert_eq!(listing("{\"a\"\n:\"1\"}"), None);
    assert_eq!(listing(""), None);
    // A value that breaks off is given as None; the caller walks the record then.
    assert_eq!(
        listing(r#"{"a":"1","b":"2"#),
        Some(vec![
            (false, "a".to_owned(), Some("1".to_owned())),
            (false, "b".to_owned(), None)
        ])
    );
    assert_eq!(
        listing(r#"{"a":,"b":"2"}"#),
        Some(vec![
            (false, "a".to_owned(), None),
            (false, "b".to_owned(), Some("2".to_owned()))
        ])
    );
}

#[test]
fn a_huge_record_gives_its_buffers_back() {
    // More blocks than are kept (6 bytes a member).
    let n = KEEP_WORDS * 64 / 6 + 1;
    let big = format!("{{{}\"a\":1}}", "\"k\":1,".repeat(n));
    let mut s = Skeleton::default();
    assert!(s.mark(big.as_bytes()));
    assert_eq!(s.members().count(), n + 1);
    assert!(s.mark(b"{\"a\":1}"));
    assert_eq!(s.members().count(), 1);
    assert!(s.words.capacity() <= KEEP_WORDS);
}

/// The members a parser gives: the record's own, each followed by those of its value when
/// that is an object.
fn parsed_members(v: &Value) -> Vec<(bool, String, Option<String>)> {
    let text = |v: &Value| Some(v.as_str().unwrap_or_default().to_owned());
    let mut out = Vec::new();
    for (k, x) in v.as_object().into_iter().flatten() {
        out.push((false, k.clone(), text(x)));
        for (k2, y) in x.as_object().into_iter().flatten() {
            out.push((true, k2.clone(), text(y)));
        }
    }
    out
}

/// Strings as a record's attacker-chosen text holds them: quotes, backslashes, forged
/// members, brackets, control characters, any Unicode.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{0,6}",
        Just(r#"", "ObjectId": "victim"#.to_owned()),
        Just("\\".to_owned()),
        Just("\\\"".to_owned()),
        Just("{[:,]}".to_owned()),
        Just("\u{1}\n\t".to_owned()),
        "\\PC{0,12}",
        "[\"\\\\:{}\\[\\],a]{0,70}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("UserId".to_owned()),
        Just("ObjectId".to_owned()),
        Just("RawEventData".to_owned()),
        tricky_text(),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        tricky_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A record: an object of members whose values are any JSON.
pub(super) fn record() -> impl Strategy<Value = Value> {
    proptest::collection::vec((key(), value()), 0..12)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
}

proptest! {
    #[test]
    fn the_members_are_those_serde_json_parses(record in record()) {
        let want = Some(parsed_members(&record));
        let compact = serde_json::to_string(&record).expect("serializes");
        prop_assert_eq!(listing(&compact), want.clone(), "{}", compact);
        let pretty = serde_json::to_string_pretty(&record).expect("serializes");
        prop_assert_eq!(listing(&pretty), want, "{}", pretty);
    }
}

/// Bytes as records hold them: JSON's structure, backslashes, text, anything.
fn block_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => proptest::sample::select(b"\"\\:{}[],aZ 0\x7b\x5b\x7d\x5d\x3a\x22\x5c".to_vec()),
        1 => any::<u8>(),
    ];
    proptest::collection::vec(byte, 0..300)
}

/// What [`Skeleton::mark_with`] found, as a test compares it.
fn marks(s: &Skeleton) -> (Vec<[u64; 4]>, bool, Vec<(usize, bool)>) {
    (
        s.words
            .iter()
            .map(|w| [w.quote, w.slash, w.member, w.nested])
            .collect(),
        s.any_slash,
        s.members().collect(),
    )
}

proptest! {
    /// The AVX2 classification the CPU is given at run time is the SSE2 (or byte by byte)
    /// one, byte for byte: on a CPU with AVX2 the latter is never used by `mark`.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn avx2_kinds_are_the_plain_kinds(bytes in proptest::collection::vec(any::<u8>(), 64), specials in block_bytes()) {
        let Some(simd) = pulp::x86::V3::try_new() else { return Ok(()) };
        for source in [bytes, specials] {
            let mut block = [b' '; 64];
            let n = source.len().min(64);
            block[..n].copy_from_slice(&source[..n]);
            let (a, b) = (kinds(&block), kinds_avx2(simd, &block));
            prop_assert_eq!(
                (a.quote, a.slash, a.colon, a.open, a.close),
                (b.quote, b.slash, b.colon, b.open, b.close)
            );
        }
    }

    /// `mark` (AVX2 where the CPU has it) finds what the portable classification finds, on
    /// records and on bytes that are no JSON at all.
    #[test]
    fn mark_is_the_same_with_either_classification(record in record(), junk in block_bytes()) {
        let compact = serde_json::to_string(&record).expect("serializes");
        let mut junk_record = b"{".to_vec();
        junk_record.extend_from_slice(&junk);
        for bytes in [compact.as_bytes(), &junk_record[..]] {
            let (mut fast, mut plain) = (Skeleton::default(), Skeleton::default());
            let fast_ok = fast.mark(bytes);
            let plain_ok = plain.mark_with(bytes, kinds);
            prop_assert_eq!(fast_ok, plain_ok);
            if fast_ok {
                prop_assert_eq!(marks(&fast), marks(&plain));
            }
        }
    }
}

/// Bytes after `"Actor":` that are JSON arrays or near them: brackets of both kinds,
/// strings holding brackets and escapes, backslashes and quotes outside strings, arrays cut
/// short.
fn array_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "[",
        "]",
        "{",
        "}",
        "\"",
        "\\",
        "\\\"",
        "a",
        ",",
        ":",
        " ",
        "\"x]\"",
        "\"[\"",
        "\"\\\\\"",
        "\"\\\"]\"",
        "{\"ID\":\"u@x\",\"Type\":5}",
    ]);
    (proptest::collection::vec(piece, 0..24), any::<bool>()).prop_map(|(pieces, open)| {
        let body: String = pieces.concat();
        if open { format!("[{body}") } else { body }
    })
}

proptest! {
    /// The end of an array found from the quote bits is the walk's, wherever it says one.
    #[test]
    fn an_array_ends_where_the_walk_ends_it(text in array_text(), after in array_text()) {
        let record = format!("{{\"Actor\":{text},\"Next\":1{after}}}");
        let bytes = record.as_bytes();
        let mut s = Skeleton::default();
        prop_assume!(s.mark(bytes));
        let at = "{\"Actor\":".len();
        if let Some(end) = s.array_end(bytes, at) {
            let raw = crate::context::walk::Walker::at(bytes, at).raw();
            prop_assert_eq!(raw.map(|r| at + r.len()), Some(end), "{}", record);
        }
    }
}

#[test]
fn an_actor_array_ends_at_its_own_bracket() {
    let record = br#"{"Actor":[{"ID":"a]\"[","Type":0},{"ID":"u@x","Type":5}],"Next":"]"}"#;
    let mut s = Skeleton::default();
    assert!(s.mark(record));
    let at = br#"{"Actor":"#.len();
    let end = s.array_end(record, at).expect("an array that closes");
    assert_eq!(&record[end..end + 7], br#","Next""#);
    // Not an array, or bytes the walk alone reads: left to it.
    assert_eq!(s.array_end(record, at + 1), None);
    let outside = br#"{"Actor":[\,"a"],"Next":1}"#;
    assert!(s.mark(outside));
    assert_eq!(s.array_end(outside, at), None);
}
