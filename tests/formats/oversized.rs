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
