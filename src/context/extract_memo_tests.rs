//! Tests of the keys taken from the last record's (`members::Memo`):
//! the fields read so equal those read with every key looked up, and those of the walk.
use super::tests::fast_and_walked::{record, text};
use super::*;
use proptest::prelude::*;
use serde_json::Value;

/// `record` with its `n`-th member's key changed in its last byte (a near miss of a
/// key read at that place in the last record) or lengthened by one in front.
fn renamed(record: &Value, n: usize, front: bool) -> Value {
    let Value::Object(m) = record else {
        return record.clone();
    };
    let n = n % m.len().max(1);
    let out = m.iter().enumerate().map(|(i, (k, v))| {
        let k = match (i == n, front) {
            (false, _) => k.clone(),
            (true, true) => format!("X{k}"),
            (true, false) => {
                let mut k = k.clone();
                let last = k.pop().map_or('x', |c| if c == 'x' { 'y' } else { 'x' });
                k.push(last);
                k
            }
        };
        (k, v.clone())
    });
    Value::Object(out.collect())
}

proptest! {
    /// The keys taken from the last record's places (`members::Memo`) are the keys
    /// looked up: lines of a few shapes in turn, each with a value changed (the keys'
    /// places in the bytes move) or a key renamed at a place the last line had it.
    #[test]
    fn keys_taken_from_the_last_record_are_the_keys_looked_up(
        shapes in proptest::collection::vec(record(), 1..4),
        picks in proptest::collection::vec((0usize..4, text(), 0usize..8, 0u8..3), 1..10),
    ) {
        let lines: Vec<String> = picks
            .iter()
            .map(|(shape, value, n, change)| {
                let mut r = shapes[shape % shapes.len()].clone();
                if let Value::Object(m) = &mut r
                    && let Some((_, v)) = m.iter_mut().next()
                {
                    *v = Value::String(value.clone());
                }
                if *change > 0 {
                    r = renamed(&r, *n, *change == 2);
                }
                serde_json::to_string(&r).expect("serializes")
            })
            .collect();
        let block = lines.join("\n");
        let mut read = Vec::new();
        json_lines(block.as_bytes(), |i, _, f| read.push((i as usize, f)));
        for (i, f) in &read {
            let line = lines[*i].as_bytes();
            prop_assert_eq!(f, &plain_record(line), "line {}: {}", i, lines[*i]);
            prop_assert_eq!(f, &walked_record(line), "line {}: {}", i, lines[*i]);
        }
        for (i, line) in lines.iter().enumerate() {
            if plain_record(line.as_bytes()) != Fields::default() {
                prop_assert!(read.iter().any(|(j, _)| *j == i), "line {} not read", i);
            }
        }
    }
}

#[test]
fn a_key_that_ends_as_the_last_records_key_at_its_place_is_not_taken_for_it() {
    // Line 2's second member ends as line 1's `ObjectId` at the same place, but is
    // longer (`XObjectId`), escaped (`Obj\u0065ctId` is `ObjectId`), or a near miss.
    let block = concat!(
        r#"{"Timestamp":"2024-03-01T10:00:00Z","ObjectId":"a@contoso.com","Workload":"AzureActiveDirectory"}"#,
        "\n",
        r#"{"Timestamp":"2024-03-01T10:00:01Z","XObjectId":"b@contoso.com","Workload":"AzureActiveDirectory"}"#,
        "\n",
        r#"{"Timestamp":"2024-03-01T10:00:02Z","ObjectId":"c@contoso.com","Workload":"AzureActiveDirectory"}"#,
        "\n",
        r#"{"Timestamp":"2024-03-01T10:00:03Z","Obj\u0065ctId":"d@contoso.com","Workload":"AzureActiveDirectory"}"#,
        "\n",
        r#"{"Timestamp":"2024-03-01T10:00:04Z","ObjectIx":"e@contoso.com","Workload":"AzureActiveDirectory"}"#,
    );
    let mut targets = Vec::new();
    json_lines(block.as_bytes(), |_, _, f| {
        targets.push(f.texts()[2].clone())
    });
    assert_eq!(
        targets,
        ["a@contoso.com", "", "c@contoso.com", "d@contoso.com", ""]
    );
}

/// A member as written: a key the reader reads (or not), its value a string (escaped or
/// not, empty), another value, or a UAL `Actor` array.
fn member() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "Timestamp",
        "ActionType",
        "IPAddress",
        "UserId",
        "ObjectId",
        "Workload",
        "ResultStatus",
        "Operation",
        "ClientIP",
        "AccountObjectId",
        "InterSystemsId",
        "Actor",
        "Other",
    ]);
    let value = prop_oneof![
        4 => text().prop_map(|t| serde_json::to_string(&t).expect("serializes")),
        1 => Just(r#""a\u0040contoso.com\\x""#.to_owned()),
        1 => Just(r#""AzureActiveDirectory""#.to_owned()),
        1 => Just(r#""""#.to_owned()),
        1 => Just("null".to_owned()),
        1 => Just(r#"[{"ID":"User_0c3f2a10-0000-4000-8000-000000000001","Type":5}]"#.to_owned()),
    ];
    (key, value).prop_map(|(k, v)| format!("\"{k}\":{v}"))
}

proptest! {
    /// Keys written more than once (the last value is the record's, as serde_json's map
    /// reads it), values with escapes decoded only when taken, at both levels and in an
    /// audit record written as JSON text: the skeleton's reading (with the memo, in a block
    /// of lines, and with every key looked up) is the walk's.
    #[test]
    fn keys_written_twice_are_read_as_the_walk_reads_them(
        lines in proptest::collection::vec(
            (
                proptest::collection::vec(member(), 0..6),
                proptest::collection::vec(member(), 0..6),
                proptest::collection::vec(member(), 0..4),
                any::<bool>(),
            ),
            1..5,
        ),
    ) {
        let lines: Vec<String> = lines
            .into_iter()
            .map(|(mut row, audit, rest, as_text)| {
                let audit = format!("{{{}}}", audit.join(","));
                let audit = if as_text {
                    serde_json::to_string(&audit).expect("serializes")
                } else {
                    audit
                };
                row.push(format!("\"RawEventData\":{audit}"));
                row.extend(rest);
                format!("{{{}}}", row.join(","))
            })
            .collect();
        let block = lines.join("\n");
        let mut read = Vec::new();
        json_lines(block.as_bytes(), |i, _, f| read.push((i as usize, f)));
        for (i, line) in lines.iter().enumerate() {
            if walked_record(line.as_bytes()) != Fields::default() {
                prop_assert!(read.iter().any(|(j, _)| *j == i), "line {} not read", i);
            }
        }
        for (i, f) in &read {
            let line = lines[*i].as_bytes();
            let walked = walked_record(line);
            prop_assert_eq!(f, &walked, "line {}: {}", i, lines[*i]);
            prop_assert_eq!(&plain_record(line), &walked, "{}", lines[*i]);
            prop_assert_eq!(&json_record(line), &walked, "{}", lines[*i]);
        }
    }
}
