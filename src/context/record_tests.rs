//! Tests of `record`, kept apart so that the module stays readable.

use super::*;

fn at(path: &std::path::Path, line: u64, offset: u64, layout: Option<Layout>) -> Place {
    Place {
        file: path.to_string_lossy().as_ref().into(),
        offset,
        line,
        layout: layout.map(Arc::new),
        expect: None,
    }
}

#[test]
fn a_record_is_read_back_by_its_offset_in_every_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = RecordReader::default();
    let lines = dir.path().join("a.jsonl");
    let many: Vec<String> = (1..=10_000)
        .map(|i| format!("{{\"n\": {i}, \"s\": \"}} {{\"}}\n"))
        .collect();
    let offset_of = |n: usize| many[..n - 1].iter().map(String::len).sum::<usize>() as u64;
    std::fs::write(&lines, many.concat()).unwrap();
    for n in [1, 4097, 9_999, 2, 10_000] {
        let text = r.read(&at(&lines, n as u64, offset_of(n), None));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["n"], n, "line {n}");
    }
    // A document on one line: every record on line 1, each at its own offset.
    let one = dir.path().join("one.json");
    let doc = r#"{"value":[{"a":1,"s":"]}"},{"a":2,"b":[{"c":3}]}]}"#;
    std::fs::write(&one, doc).unwrap();
    let second = doc.find(r#"{"a":2"#).unwrap() as u64;
    assert_eq!(
        r.read(&at(&one, 1, second, None)),
        r#"{"a":2,"b":[{"c":3}]}"#
    );
    let pretty = dir.path().join("p.json");
    let text = "{\"value\": [\n  {\n    \"a\": [1, {\"b\": 2}]\n  },\n  {\"a\": 3}\n]}\n";
    std::fs::write(&pretty, text).unwrap();
    assert_eq!(
        r.read(&at(&pretty, 2, 12, None)).replace([' ', '\n'], ""),
        r#"{"a":[1,{"b":2}]}"#
    );
    // A Log Analytics row, rebuilt with its table's columns (blank cells left out).
    let la = dir.path().join("la.json");
    let doc = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"OperationName","type":"string"},{"name":"Extra","type":"string"}],"rows":[["Update user",""],["Reset user password.","x"]]}]}"#;
    std::fs::write(&la, doc).unwrap();
    let row = doc.find(r#"["Reset"#).unwrap() as u64;
    let layout = Layout::Rows {
        columns: vec!["OperationName".into(), "Extra".into()],
        keep_blank: false,
    };
    let v: Value = serde_json::from_str(&r.read(&at(&la, 1, row, Some(layout.clone())))).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"OperationName": "Reset user password.", "Extra": "x"})
    );
    let first = doc.find(r#"["Update"#).unwrap() as u64;
    let v: Value = serde_json::from_str(&r.read(&at(&la, 1, first, Some(layout)))).unwrap();
    assert_eq!(v, serde_json::json!({"OperationName": "Update user"}));
    // CSV rows by their first line: a quoted cell may hold line breaks.
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "#TYPE X\r\n\"Operation\",\"AuditData\"\r\n\"Update user.\",\"{\r\n \"\"Id\"\": \"\"a\"\"}\"\r\n\"Reset user password.\",\"{\"\"Id\"\": \"\"x\"\"}\"\r\n",
    )
    .unwrap();
    let v: Value =
        serde_json::from_str(&r.read(&at(&csv, 5, 0, Some(Layout::Csv { delimiter: b',' }))))
            .unwrap();
    assert_eq!(v["Operation"], "Reset user password.");
    assert_eq!(v["AuditData"]["Id"], "x", "JSON in a cell is embedded");
    let v: Value =
        serde_json::from_str(&r.read(&at(&csv, 3, 0, Some(Layout::Csv { delimiter: b',' }))))
            .unwrap();
    assert_eq!(v["AuditData"]["Id"], "a");
    // gzip: the offset in the decompressed content.
    let gz = dir.path().join("g.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    io::Write::write_all(&mut enc, many.concat().as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let v: Value = serde_json::from_str(&r.read(&at(&gz, 5000, offset_of(5000), None))).unwrap();
    assert_eq!(v["n"], 5000);
    let gone = r.read(&at(&dir.path().join("gone.jsonl"), 1, 0, None));
    assert!(
        gone.starts_with("(the record could not be read back from "),
        "{gone}"
    );
    let stdin = r.read(&Place {
        file: "(stdin)".into(),
        offset: 0,
        line: 3,
        layout: None,
        expect: None,
    });
    assert!(stdin.contains("standard input"), "{stdin}");
}

/// A related record with a value nested deep before its fields (breaker 13, finding 8: a
/// million levels, 6 MB, past the 4 MiB read): read back within the limit it is checked
/// and shown; past it, it is shown cut and said not checked, never "the file changed".
/// Another record at the place is still caught.
#[test]
fn a_deep_record_past_the_cut_is_not_called_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.jsonl");
    let fields = r#""CreationTime":"2025-10-10T09:00:25","Operation":"Update user.","UserId":"evil@contoso.onmicrosoft.com","ObjectId":"megan.bowen@contoso.onmicrosoft.com"}"#;
    let record = |levels: usize| {
        format!(
            "{{\"Deep\":{}1{},{fields}",
            "{\"a\":".repeat(levels),
            "}".repeat(levels)
        )
    };
    // 200,000 levels (1.2 MB): deeper than any parser's recursion, and read whole.
    let deep = record(200_000);
    let other = format!("{{{fields}").replace("Update user.", "Add member to group.");
    std::fs::write(&path, format!("{deep}\n{other}\n")).unwrap();
    let expect = {
        let f = crate::context::extract::json_record(deep.as_bytes());
        Expect {
            time: f.time.unwrap(),
            correlation: crate::context::index::correlation_hash_bytes(&f.correlation),
            operation: String::from_utf8_lossy(&f.operation).as_ref().into(),
            actor: String::from_utf8_lossy(&f.actor).as_ref().into(),
            target: String::from_utf8_lossy(&f.target).as_ref().into(),
        }
    };
    assert_eq!(&*expect.operation, "Update user.");
    let place = Place {
        expect: Some(expect),
        ..at(&path, 1, 0, None)
    };
    let whole = RecordReader::default().try_read(&place).unwrap();
    assert_eq!(whole, deep, "read whole and checked");
    // The same record past the read's limit: cut, and said not checked.
    let cut = RecordReader::with_limit(100_000).read(&place);
    assert!(cut.starts_with("{\"Deep\":{\"a\":"), "{}", &cut[..40]);
    assert!(
        !cut.contains("changed since the load"),
        "{}",
        &cut[cut.len() - 200..]
    );
    assert!(
        cut.ends_with(
            "(cut at 100000 bytes: the record goes on)\n(not checked against the load: its time, operation, actor and target are not all before the cut)"
        ),
        "{}",
        &cut[cut.len() - 200..]
    );
    // Another record at the place (the file rewritten) is still called so.
    let moved = Place {
        offset: deep.len() as u64 + 1,
        ..place.clone()
    };
    let err = RecordReader::with_limit(100_000)
        .try_read(&moved)
        .unwrap_err();
    assert_eq!(err.to_string(), crate::evidence::CHANGED_SINCE_LOAD);
}
