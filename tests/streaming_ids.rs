#![allow(clippy::panic, clippy::unwrap_used)]
//! Defender streaming-API CloudAppEvents records (`{"time", "category":
//! "AdvancedHunting-CloudAppEvents", "properties": {the row}}`), in a `{"records": [...]}`
//! envelope and one a line (`tests/fixtures/streaming`): the JSON report's related records
//! have the id of the UAL record each carries (`properties.RawEventData.Id`), as a
//! CloudAppEvents row's related records have theirs (`RawEventData.Id`). They had none.

use serde_json::Value;

mod support;
use support::run_bin;

#[test]
fn streaming_records_related_to_a_revocation_have_their_ual_ids() {
    for file in ["records.json", "lines.jsonl"] {
        let path = format!("tests/fixtures/streaming/{file}");
        let out = run_bin(&[
            "report",
            "--format",
            "json",
            "--journal",
            "none.jsonl",
            &path,
        ]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{file}: {v}");
        let related: Vec<(&str, &str, &str)> = findings[0]["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["operation"].as_str().unwrap(),
                    r["id"].as_str().unwrap_or("(none)"),
                    r["id_field"].as_str().unwrap_or("(none)"),
                )
            })
            .collect();
        assert_eq!(
            related,
            [
                (
                    "Update user.",
                    "44444444-0000-4000-8000-000000000001",
                    "properties.RawEventData.Id"
                ),
                (
                    "Reset user password.",
                    "44444444-0000-4000-8000-000000000002",
                    "properties.RawEventData.Id"
                ),
            ],
            "{file}"
        );
    }
}
