#![allow(clippy::panic, clippy::unwrap_used)]
//! The related records of a row in the JSON report are capped (10), the records of the same
//! correlation first and then the nearest in time, with how many more there are; and the
//! report written to a file (`-o`) is the same bytes as the one written to standard output.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::context::json_report_bytes as report;

const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const ADMIN: &str = "role.admin@fabrikam.example";

/// A UAL record (Office 365 Management Activity API, Azure AD) of `op` by `ADMIN`.
fn ual(minute: u32, op: &str, target: &str, corr: &str, n: usize) -> String {
    let props = if op == STS {
        json!([{"Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\r\n  \"2024-05-01T00:00:00Z\"\r\n]",
                "NewValue": format!("[\r\n  \"2024-05-02T10:{minute:02}:00Z\"\r\n]")}])
    } else {
        json!([])
    };
    json!({
        "CreationTime": format!("2024-05-02T10:{minute:02}:00"),
        "Id": format!("10000000-0000-4000-8000-{n:012}"),
        "Operation": op,
        "RecordType": 8,
        "ResultStatus": "Success",
        "Workload": "AzureActiveDirectory",
        "ClientIP": "198.51.100.23",
        "ObjectId": target,
        "UserId": ADMIN,
        "ModifiedProperties": props,
        "Actor": [{"ID": ADMIN, "Type": 5}, {"ID": "User_5e1f0000-0000-4000-8000-000000000001", "Type": 2}],
        "InterSystemsId": corr,
        "Target": [{"ID": target, "Type": 5}],
    })
    .to_string()
}

#[test]
fn a_row_lists_ten_related_records_correlation_first_and_says_how_many_more() {
    let dir = tempfile::tempdir().unwrap();
    // One revocation at 10:30 by the admin, who also updated 14 other users between 10:00
    // and 10:58; the record of the same correlation is the farthest in time (10:00).
    let mut lines = vec![ual(
        0,
        "Update user.",
        "far.user@fabrikam.example",
        "corr-sts",
        0,
    )];
    for n in 1..14u32 {
        let minute = if n < 7 { 30 - n * 4 } else { 30 + (n - 6) * 4 };
        let target = format!("user{n}@fabrikam.example");
        lines.push(ual(
            minute,
            "Update user.",
            &target,
            &format!("corr-{n}"),
            n as usize,
        ));
    }
    lines.push(ual(30, STS, "victim@fabrikam.example", "corr-sts", 99));
    let input = dir.path().join("ual.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();

    let v: Value = serde_json::from_slice(&report(&input, &[])).unwrap();
    let row = &v["findings"][0];
    let related = row["related"].as_array().unwrap();
    assert_eq!(related.len(), 10, "{related:#?}");
    assert_eq!(row["related_total"], 14);
    assert_eq!(row["related_more"], 4);
    // The correlated record is kept although it is the farthest, the others are the
    // nearest (within 20 minutes), listed in time order.
    assert!(
        related
            .iter()
            .any(|r| r["source"].as_str().unwrap().ends_with(":1")
                && r["why"].as_str().unwrap().contains("same correlation")),
        "{related:#?}"
    );
    let offsets: Vec<i64> = related
        .iter()
        .map(|r| r["offset_secs"].as_i64().unwrap())
        .collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{offsets:?}");
    assert!(
        offsets
            .iter()
            .filter(|&&o| o != -1800)
            .all(|o| o.abs() <= 20 * 60),
        "{offsets:?}"
    );

    // Streamed to a file, the report is the same bytes.
    let file = dir.path().join("report.json");
    let printed = report(&input, &[]);
    report(&input, &["-o", file.to_str().unwrap()]);
    assert_eq!(std::fs::read(&file).unwrap(), printed);

    // `-o -` is standard output, as `-` is standard input among the paths; no file named `-`.
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "--format", "json", "-q", "-o", "-"])
        .arg(&input)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, printed);
    assert!(!dir.path().join("-").exists());
}

/// The JSON report listed a UAL `UserLoggedIn`'s `ObjectId` (the resource signed in to, an
/// application id) as the related record's target, where the context panel says `sign-in
/// to <app>`: a GUID there read as the object id of whose tokens. The signed-in user is the
/// actor, the resource is `resource`, the target empty; other records keep their target.
#[test]
fn a_related_sign_in_names_its_resource_apart_from_the_target() {
    let v: Value =
        serde_json::from_slice(&report(std::path::Path::new("assets/samples"), &[])).unwrap();
    let related: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["related"].as_array().unwrap())
        .collect();
    let sign_ins: Vec<&&Value> = related
        .iter()
        .filter(|r| r["operation"] == "UserLoggedIn")
        .collect();
    assert!(!sign_ins.is_empty(), "the samples' sign-ins are related");
    for r in sign_ins {
        assert_eq!(r["target"], "", "{r}");
        let resource = r["resource"].as_str().unwrap();
        assert_eq!(resource.len(), 36, "an application id: {r}");
        assert!(r["actor"].as_str().unwrap().contains('@'), "the user: {r}");
    }
    let others: Vec<&&Value> = related
        .iter()
        .filter(|r| r["operation"] == "Reset user password.")
        .collect();
    assert!(!others.is_empty());
    for r in others {
        assert!(r["target"].as_str().unwrap().contains('@'), "{r}");
        assert_eq!(r["resource"], Value::Null, "{r}");
    }
}
