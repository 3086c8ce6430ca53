//! A record over the record limit is skipped with a warning that says when it holds the
//! STS operation's name (breaker 14 #5): an STS event is then lost. The input is written at
//! run time (2 MiB, read with `--max-record-mib 1`), nothing big is committed.

use std::process::Command;

fn warnings_of(records: &serde_json::Value) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("doc.json");
    std::fs::write(&path, records.to_string()).unwrap();
    let out = Command::new(super::BIN)
        .args(["scan", "--max-record-mib", "1"])
        .arg(&path)
        .output()
        .unwrap();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_record_over_the_limit_says_when_it_holds_the_sts_operation() {
    let pad = "a".repeat(2 << 20);
    let record = |op: &str| {
        serde_json::json!({"CreationTime": "2025-10-10T11:00:05", "Id": "x1",
            "Operation": op, "Pad": pad})
    };
    let sts = warnings_of(&serde_json::json!([record(
        "Update StsRefreshTokenValidFrom Timestamp."
    )]));
    assert!(
        sts.contains(
            "doc.json:1: record over the 1048576 byte limit; skipped; it holds the STS \
             operation name (StsRefreshTokenValidFrom)"
        ),
        "{sts}"
    );
    let other = warnings_of(&serde_json::json!([record("Update user.")]));
    assert!(
        other.contains("doc.json:1: record over the 1048576 byte limit; skipped\n"),
        "{other}"
    );
}

/// What `scan --max-record-mib 1` says of `content` written as `name` (gzip-compressed when
/// it ends in `.gz`): standard error.
fn scan_stderr(name: &str, content: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(name);
    let bytes = if name.ends_with(".gz") {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, content.as_bytes()).unwrap();
        enc.finish().unwrap()
    } else {
        content.as_bytes().to_vec()
    };
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(super::BIN)
        .args([
            "scan",
            "--max-record-mib",
            "1",
            "--max-gzip-ratio",
            "100000",
        ])
        .arg(&path)
        .output()
        .unwrap();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn json_lines_whose_first_line_is_over_the_limit_are_json_lines_and_say_the_sts_event() {
    // Breaker 14 #5: a UAL JSON-lines export whose first line is an STS record over the
    // limit was read as a "JSON document", and the warning did not say an STS event was lost.
    let pad = "a".repeat((1 << 20) + 4096);
    let record = |id: &str, op: &str, pad: &str| {
        serde_json::json!({"CreationTime": "2025-10-10T11:00:05", "Id": id, "Operation": op,
            "RecordType": 8, "Workload": "AzureActiveDirectory", "UserId": "admin@contoso.example",
            "ObjectId": "user@contoso.example", "ModifiedProperties": [], "Pad": pad})
        .to_string()
    };
    let sts = "Update StsRefreshTokenValidFrom Timestamp.";
    let lines = [
        record("big", sts, &pad),
        record("a", sts, ""),
        record("b", "Update user.", &pad),
        record("c", sts, ""),
    ]
    .join("\n")
        + "\n";
    for name in ["ual.jsonl", "ual.jsonl.gz"] {
        let err = scan_stderr(name, &lines);
        assert!(
            err.contains(": JSON lines (") || err.contains(": gzip JSON lines ("),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!(
                "{name}:1: line longer than the 1048576 byte record limit; skipped; it holds \
                 the STS operation name (StsRefreshTokenValidFrom)\n"
            )),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!(
                "{name}:3: line longer than the 1048576 byte record limit; skipped\n"
            )),
            "{name}: the other record over the limit is no STS event: {err}"
        );
    }
    // An envelope of records written on one line of any length is still a document.
    let envelope = format!(
        "{{\"records\":[{},{}]}}",
        record("a", sts, ""),
        record("b", sts, &pad)
    );
    let err = scan_stderr("envelope.json", &envelope);
    assert!(err.contains(": JSON document ("), "{err}");
}
