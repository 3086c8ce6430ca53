#![allow(clippy::panic, clippy::unwrap_used)]
//! The quick reading against the full parse, record by record: every record read the quick
//! way classifies as the fully parsed record does, and the records it must leave to the
//! full parse are left to it.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::Value;

use super::classify_pruned;
use crate::load::json::{Evaluated, evaluate_record};
use crate::load::record::{Origin, classify};

const OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";

/// A CloudAppEvents row as Defender exports it, with `cols` put in before RawEventData and
/// `raw_extra` inside RawEventData.
fn row(cols: &str, raw_extra: &str) -> String {
    format!(
        r#"{{"Timestamp":"2021-02-02T00:00:03.4225357Z","ActionType":"{OP}","AccountObjectId":"oid-1","AccountDisplayName":"admin@contoso.com","IPAddress":"203.0.113.58","IsAnonymousProxy":false,"ISP":"Contoso","ReportId":"r-1",{cols}"RawEventData":{{"Id":"ev-1","Operation":"{OP}",{raw_extra}"ModifiedProperties":[{{"Name":"StsRefreshTokensValidFrom","NewValue":"[\r\n  \"2021-02-02T00:00:03Z\"\r\n]","OldValue":"[\r\n  \"2021-02-01T00:00:00Z\"\r\n]"}}],"Actor":[{{"ID":"admin@contoso.com","Type":5}},{{"ID":"User_0001","Type":2}},{{"ID":"User","Type":2}}],"Target":[{{"ID":"User_0002","Type":2}},{{"ID":"alex@contoso.com","Type":5}}],"ObjectId":"alex@contoso.com","UserId":"admin@contoso.com","InterSystemsId":"c-1"}},"AdditionalFields":{{}}}}"#
    )
}

fn file() -> Arc<str> {
    Arc::from("t.jsonl")
}

/// The full parse's classification (Debug text), or `None` when the text is not JSON.
fn full(text: &str) -> Option<String> {
    let file = file();
    let origin = Origin {
        file: &file,
        line: 7,
        raw: text,
    };
    let value: Value = serde_json::from_str(text).ok()?;
    Some(format!("{:?}", classify(value, &origin)))
}

/// The quick reading's classification, checked against the full parse when there is one.
fn quick(text: &str) -> Option<String> {
    let file = file();
    let origin = Origin {
        file: &file,
        line: 7,
        raw: text,
    };
    let got = classify_pruned(text, &origin).map(|c| format!("{c:?}"));
    if let Some(got) = &got {
        assert_eq!(Some(got), full(text).as_ref(), "{text}");
    }
    got
}

#[test]
fn rows_are_read_the_quick_way_with_the_full_parse_result() {
    let cases = [
        row("", ""),
        // Columns the query does not read, of every JSON type, escapes but `\u` in them.
        row(
            r#""Extra":{"a":[1,2.5,-0,1e300,12345678901234567890,true,null,{"b":"x\"y\\z\/w\n"}]},"#,
            r#""ExtendedProperties":[{"Name":"additionalDetails","Value":"{\"k\":1}"}],"#,
        ),
        // Read columns of other types and spellings, duplicates (the last value counts).
        row(r#""ISP":null,"IsAnonymousProxy":"True","#, ""),
        row(r#""ISP":"first","ISP":"second","IsAnonymousProxy":1,"#, ""),
        row(
            r#""Timestamp":null,"TimeGenerated":"2021-02-02T00:00:09Z","#,
            "",
        ),
        row(r#""Timestamp":"yesterday","#, ""),
        row(
            r#""ObjectName":"alex","ActivityObjects":[{"Role":"Target object","Name":"alex@contoso.com","Id":"oid-2"}],"#,
            "",
        ),
        row(
            r#""ActivityObjects":"[{\"Role\":\"Target object\",\"Name\":\"bob\"}]","#,
            "",
        ),
        row(
            r#""accountid":"admin","ReportId":7,"#,
            r#""userid":"other","#,
        ),
        row(r#""Note":"ÄÖÜ → 東京","#, r#""actor":[{"ID":"first"}],"#),
        // Near misses decided by the query's clauses (not the Directorysync one).
        row("", "").replace(
            r#""Name":"StsRefreshTokensValidFrom""#,
            r#""Name":"Included""#,
        ),
        row("", "").replace(r#"[\r\n  \"2021-02-01T00:00:00Z\"\r\n]"#, "not a date"),
        row("", "").replacen(OP, "update stsrefreshtokenvalidfrom timestamp", 1),
        // Not an STS event: counted by its table.
        row("", "").replacen(OP, "FileAccessed", 1),
        // RawEventData spelled with a union's suffix, or in another case.
        row("", "").replace(r#""RawEventData":"#, r#""RawEventData_dynamic":"#),
        row("", "").replace(r#""RawEventData":"#, r#""rawEventData":"#),
        row("", "").replace(r#""ActionType":"#, r#""actiontype":"#),
    ];
    for text in &cases {
        assert!(quick(text).is_some(), "not read the quick way: {text}");
    }
}

#[test]
fn other_records_are_left_to_the_full_parse() {
    let cases = [
        // The Directorysync term anywhere, or a `\u` escape anywhere (even a lone surrogate,
        // which the full parse replaces).
        row(r#""Note":"Directorysync","#, ""),
        row("", r#""Sync":"x DIRECTORYSYNC y","#),
        row(r#""Note":"\u0041","#, ""),
        row(r#""UserAgent":"\ud800","#, ""),
        // Two spellings of one column, an envelope, RawEventData that is not an object.
        row(r#""ISP":"a","isp":"b","#, ""),
        row(r#""properties":null,"#, ""),
        row(r#""TableName":"CloudAppEvents","#, ""),
        row("", "").replace(r#""RawEventData":{"#, r#""RawEventData":"x","Rest":{"#),
        // Another table, or no JSON object at all.
        r#"{"CreationTime":"2021-02-02T00:00:03","Operation":"Update StsRefreshTokenValidFrom Timestamp."}"#.to_owned(),
        "[1,2]".to_owned(),
        "\"text\"".to_owned(),
        // Not JSON: out-of-range numbers, nesting too deep, trailing text, cut records.
        row(r#""Extra":1e999,"#, ""),
        row(&format!(r#""Extra":{}1{},"#, "[".repeat(200), "]".repeat(200)), ""),
        format!("{} x", row("", "")),
        row("", "")[..300].to_owned(),
    ];
    for text in &cases {
        assert_eq!(quick(text), None, "read the quick way: {text}");
    }
}

#[test]
fn a_lone_surrogate_in_an_unread_column_still_keeps_the_event_flagged() {
    // Issue 10: replaced with U+FFFD and read, as Kusto does, never dropped.
    let text = row(r#""UserAgent":"Mozilla \udc00","#, "");
    let file = file();
    let Evaluated::Classified(classified, repair) =
        evaluate_record(text.as_bytes(), 1, &file, usize::MAX)
    else {
        panic!("not read");
    };
    assert!(repair.is_some(), "the replacement is said");
    assert!(
        format!("{classified:?}").contains("Flagged"),
        "{classified:?}"
    );
}

/// A column name as an export may spell it.
fn column_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ISP".to_owned()),
        Just("isp".to_owned()),
        Just("IPAddress".to_owned()),
        Just("IsAnonymousProxy".to_owned()),
        Just("TimeGenerated".to_owned()),
        Just("Timestamp".to_owned()),
        Just("ReportId".to_owned()),
        Just("ObjectName".to_owned()),
        Just("ObjectId".to_owned()),
        Just("AccountId".to_owned()),
        Just("AccountObjectId".to_owned()),
        Just("accountobjectid_string".to_owned()),
        Just("ActivityObjects".to_owned()),
        Just("RawEventData_string".to_owned()),
        Just("Application".to_owned()),
        Just("properties".to_owned()),
        Just("TableName".to_owned()),
        "[A-Za-z_]{1,12}",
    ]
}

/// A JSON value of any type, some holding escapes or the Directorysync term.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("0".to_owned()),
        Just("-1.5e3".to_owned()),
        Just(r#""Directorysync""#.to_owned()),
        Just(r#""a\"b\\c\/d\n""#.to_owned()),
        Just(r#""\u0041""#.to_owned()),
        Just(r#""True""#.to_owned()),
        Just(r#""2021-02-02T00:00:09Z""#.to_owned()),
        "\"[a-zA-Z0-9@. ]{0,12}\"",
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec(("[A-Za-z]{1,4}", inner), 0..4).prop_map(|v| {
                let members: Vec<String> = v
                    .into_iter()
                    .map(|(k, v)| format!(r#""{k}":{v}"#))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn quick_reading_never_differs_from_the_full_parse(
        cols in proptest::collection::vec((column_name(), json_value()), 0..6),
        raw in proptest::collection::vec((prop_oneof![
            Just("Id".to_owned()), Just("actor".to_owned()), Just("Target".to_owned()),
            Just("UserId".to_owned()), Just("ModifiedProperties".to_owned()),
            "[A-Za-z]{1,10}"], json_value()), 0..4),
    ) {
        let cols: String = cols.iter().map(|(k, v)| format!(r#""{k}":{v},"#)).collect();
        let raw: String = raw.iter().map(|(k, v)| format!(r#""{k}":{v},"#)).collect();
        // `quick` asserts the equality whenever it reads the record.
        quick(&row(&cols, &raw));
    }
}

#[test]
fn the_column_places_are_those_of_their_names() {
    use super::*;
    let places = [
        (ACTION_TYPE, "ActionType"),
        (RAW_EVENT_DATA, "RawEventData"),
        (ACCOUNT_DISPLAY_NAME, "AccountDisplayName"),
        (IP_ADDRESS, "IPAddress"),
        (IS_ANONYMOUS_PROXY, "IsAnonymousProxy"),
        (ISP, "ISP"),
        (TIMESTAMP, "Timestamp"),
        (TIME_GENERATED, "TimeGenerated"),
        (REPORT_ID, "ReportId"),
    ];
    for (at, name) in places {
        assert_eq!(ROW_COLUMNS[at], name);
        assert!(!PARTY_COLUMNS.contains(&name), "{name}");
    }
    for name in PARTY_COLUMNS {
        assert!(ROW_COLUMNS.contains(&name), "{name}");
    }
}
