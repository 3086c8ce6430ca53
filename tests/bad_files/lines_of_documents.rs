//! Breaker finding 2 (session 11): a JSON-lines line that holds records otherwise than as
//! one record (an array, an envelope, a JSON string) is read as the document reader reads
//! it, wherever it stands in the file; a line of no known shape that holds the STS
//! operation is said, with its line.

use super::*;

/// A CloudAppEvents row (the shape of the hunting API and the streaming export).
fn cloud_row(id: &str, user: &str) -> String {
    let raw: serde_json::Value = serde_json::from_str(&rec(id, user)).unwrap();
    serde_json::json!({
        "Timestamp": "2020-12-15T11:05:00Z",
        "ActionType": STS_OP,
        "AccountObjectId": format!("oid-{user}"),
        "AccountDisplayName": user,
        "IPAddress": "203.0.113.5",
        "RawEventData": raw,
    })
    .to_string()
}

/// Lines of every shape a JSON-lines file may hold records in, one flagged user each
/// (two in the array line).
fn shaped_lines() -> Vec<String> {
    vec![
        format!("[{},{}]", rec("a1", "array1@x"), rec("a2", "array2@x")),
        format!(
            r#"{{"records":[{{"category":"AdvancedHunting-CloudAppEvents","properties":{}}}]}}"#,
            cloud_row("s1", "stream@x")
        ),
        format!(
            r#"{{"@odata.context":"x","value":[{}]}}"#,
            rec("g1", "graph@x")
        ),
        format!(
            r#"{{"Schema":[{{"Name":"Timestamp","Type":"DateTime"}}],"Results":[{}]}}"#,
            cloud_row("h1", "hunting@x")
        ),
        serde_json::Value::String(rec("t1", "string@x")).to_string(),
    ]
}

const SHAPED_USERS: [&str; 6] = [
    "array1@x",
    "array2@x",
    "stream@x",
    "graph@x",
    "hunting@x",
    "string@x",
];

#[test]
fn every_shape_of_line_is_read_after_a_plain_first_line_and_before_one() {
    let dir = tempfile::tempdir().unwrap();
    let plain = rec("p1", "plain@x");
    let mut expected: Vec<&str> = SHAPED_USERS.to_vec();
    expected.push("plain@x");
    // The plain record first (the file is JSON lines), then last (the file starts with an
    // array: read as a document, as before): the same rows either way.
    let first = format!("{plain}\n{}\n", shaped_lines().join("\n"));
    let last = format!("{}\n{plain}\n", shaped_lines().join("\n"));
    for (name, text) in [("plain-first.jsonl", first), ("plain-last.jsonl", last)] {
        let p = write(dir.path(), name, text.as_bytes());
        let r = run(&["--strict"], &[&p]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.names(), names(&expected), "{name}: {}", r.stderr);
        assert!(
            summary_line(&r, &p).ends_with("7 records, 7 STS events, 0 skipped"),
            "{name}: records, not lines, are counted: {}",
            r.stderr
        );
    }
}

#[test]
fn records_of_a_line_keep_its_line_and_read_back_for_the_drill_down() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}\n{}\n", rec("p1", "plain@x"), shaped_lines().join("\n"));
    let p = write(dir.path(), "lines.jsonl", text.as_bytes());
    let report = scan_paths(std::slice::from_ref(&p), &ScanOptions::default()).unwrap();
    let mut lines: Vec<(u64, String)> = report
        .events
        .iter()
        .map(|e| {
            let raw = e.raw.text().expect("the raw text reads back");
            assert!(raw.starts_with('{'), "one record, not its line: {raw}");
            // The why panel's trace is evaluated again from that text.
            assert!(e.trace().minutes_added.is_some(), "{raw}");
            let id = serde_json::from_str::<serde_json::Value>(&raw).unwrap();
            let id = id["Id"]
                .as_str()
                .or(id["RawEventData"]["Id"].as_str())
                .or(id["properties"]["RawEventData"]["Id"].as_str());
            (e.source.line, id.unwrap_or_default().to_owned())
        })
        .collect();
    lines.sort();
    let expected: Vec<(u64, String)> = [
        (1, "p1"),
        (2, "a1"),
        (2, "a2"),
        (3, "s1"),
        (4, "g1"),
        (5, "h1"),
        (6, "t1"),
    ]
    .iter()
    .map(|(l, id)| (*l, (*id).to_owned()))
    .collect();
    assert_eq!(lines, expected, "{:?}", report.problems);
    // The JSON string line is said once, at its line.
    let said: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.line, &p.message))
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, Some(6));
    assert!(
        said[0].1.contains("a record written as a JSON string"),
        "{said:?}"
    );
}

#[test]
fn a_shaped_line_past_the_prefilters_start_is_read() {
    // Past the first records every line is not parsed: only those holding the STS
    // operation's name. An envelope line holding it is unwrapped there too.
    let dir = tempfile::tempdir().unwrap();
    let mut text: String = (0..1500).map(|i| other_rec(i) + "\n").collect();
    text.push_str(&shaped_lines().join("\n"));
    text.push('\n');
    text.push_str(&other_rec(9999));
    text.push('\n');
    let p = write(dir.path(), "long.jsonl", text.as_bytes());
    let r = run(&["--strict"], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&SHAPED_USERS), "{}", r.stderr);
    assert!(
        summary_line(&r, &p).ends_with("1507 records, 6 STS events, 0 skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_line_of_no_known_shape_holding_the_sts_operation_is_said_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n{{\"data\":{}}}\n{}\n",
        rec("p1", "plain@x"),
        rec("w1", "wrapped@x"),
        other_rec(1)
    );
    let p = write(dir.path(), "wrapper.jsonl", text.as_bytes());
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["plain@x"]));
    r.stderr_has(&format!(
        "{}:2: not a record of a known table nor a known envelope (top-level keys: data), \
         yet it holds the STS operation's name (StsRefreshTokenValidFrom); not read",
        p.display()
    ));
    assert!(summary_line(&r, &p).ends_with("3 records, 1 STS event, 1 skipped"));
    // `--strict`: a record not read fails the run.
    assert_ne!(run(&["--strict"], &[&p]).code, 0);
}
