//! The JSON report: it parses, with stable keys and exact values.

use super::*;

#[test]
fn json_parses_with_stable_keys_and_exact_values() {
    let out = report_with_fixture_journal("json");
    let text = stdout(&out);
    assert_no_raw_controls(&text, "json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&v),
        [
            "report_format",
            "rule",
            "files",
            "not_read",
            "notices",
            "same_id_different_content",
            "journal",
            "hint_thresholds",
            "time_range",
            "counts",
            "analysts",
            "warning",
            "decisions_not_applied",
            // The fixture's journal decides a row the fixture does not give.
            "journal_decisions_matching_no_row",
            "folded_records",
            "findings",
            "near_misses"
        ]
    );
    assert_eq!(v["report_format"], 1);
    assert_eq!(v["rule"]["id"], "634dfbd6-0a42-40da-854e-2161cf137f14");
    assert_eq!(v["rule"]["name"], "UpdateStsRefreshToken[Solorigate]");
    assert_eq!(
        keys(&v["files"][0]),
        [
            "path",
            "format",
            "bytes",
            "records",
            "sts_events",
            "skipped",
            "sha256",
            "sha256_unavailable"
        ]
    );
    let bytes = std::fs::read(manifest_dir().join(FIXTURE)).unwrap();
    assert_eq!(v["files"][0]["path"], FIXTURE);
    assert_eq!(
        v["files"][0]["sha256"].as_str().unwrap(),
        report::sha256_file(&manifest_dir().join(FIXTURE)).unwrap()
    );
    assert_eq!(v["files"][0]["bytes"], bytes.len());
    assert_eq!(v["journal"]["path"], JOURNAL);
    assert_eq!(v["journal"]["found"], true);
    assert_eq!(keys(&v["time_range"]), ["first", "last"]);
    assert_eq!(
        v["counts"]["findings"],
        serde_json::json!({"total": 7, "suspicious": 2, "legitimate": 2, "unreviewed": 3})
    );
    assert_eq!(
        v["counts"]["near_misses"],
        serde_json::json!({"total": 3, "suspicious": 1, "legitimate": 1, "unreviewed": 1})
    );
    assert_eq!(v["analysts"], serde_json::json!(["alice", "bob"]));
    assert_eq!(
        v["warning"],
        "3 of 7 flagged rows and 1 of 3 near misses are still unreviewed"
    );
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 7);
    for f in findings {
        assert_eq!(
            keys(f),
            [
                "key",
                "verdict",
                "note",
                "analyst",
                "decided_at",
                "journal_line_outside_chain",
                "first_seen",
                "last_seen",
                "events",
                "sources",
                "account_object_id",
                "account_display_name",
                "role",
                "ip_address",
                "is_anonymous_proxy",
                "isp",
                "token_minutes_added",
                "token_minutes_remaining",
                "targets",
                "actors",
                "context",
                "related",
                "related_total",
                "related_more",
                "copies",
                "hints",
                "lookalike",
                "actor_kinds"
            ]
        );
    }
    let verdicts: Vec<&str> = findings
        .iter()
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        [
            "suspicious",
            "suspicious",
            "legitimate",
            "legitimate",
            "unreviewed",
            "unreviewed",
            "unreviewed"
        ]
    );
    // Exact values: the payload and the note come back as they were.
    let evil = findings
        .iter()
        .find(|f| f["account_object_id"] == "5b4c-0007")
        .unwrap();
    assert_eq!(
        evil["account_display_name"],
        "evil\u{1b}]0;pwned\u{7}\u{202e}admin@contoso.com"
    );
    assert!(
        evil["note"]
            .as_str()
            .unwrap()
            .contains("`INC-4711`\u{1b}[2J")
    );
    assert_eq!(evil["analyst"], "alice");
    assert_eq!(evil["decided_at"], "2024-03-01T09:00:00.000Z");
    let undone = findings
        .iter()
        .find(|f| f["account_object_id"] == "5b4c-0005")
        .unwrap();
    assert_eq!(undone["verdict"], "unreviewed");
    let never = findings
        .iter()
        .find(|f| f["account_object_id"] == "5b4c-0006")
        .unwrap();
    assert_eq!(never["decided_at"], serde_json::Value::Null);
    let near = v["near_misses"].as_array().unwrap();
    // The decided near misses are listed; the unreviewed one (an index-1 property, no actor
    // text) is counted in `counts`, not listed.
    assert_eq!(near.len(), 2, "the decided near misses are listed");
    assert_eq!(v["counts"]["near_misses"]["unreviewed"], 1);
    assert_eq!(
        keys(&near[0]),
        [
            "key",
            "verdict",
            "note",
            "analyst",
            "decided_at",
            "journal_line_outside_chain",
            "event_id",
            "time",
            "actor",
            "operation",
            "reason",
            "detail",
            "source",
            "target",
            "actor_id",
            "context",
            "related",
            "related_total",
            "related_more",
            "copies",
            "actor_kind",
            "hints",
            "lookalike"
        ]
    );
    assert_eq!(near[0]["reason"], "no_modified_properties");
    assert_eq!(near[1]["reason"], "directory_sync");
}
