#![allow(clippy::panic, clippy::unwrap_used)]
//! One revocation in two exports, its target named two ways: the UAL record by UPN
//! (`ObjectId`) and `User_<id>` (`Target[]`), the Entra directoryAudit by the id alone
//! (`targetResources` with a null `userPrincipalName`). Breaker 13, finding 4, target side:
//! the two were two events (the row's Events doubled, each user counted once by UPN and
//! once by id: a false `bulk` at half the threshold) and two related records. They are one
//! event with two sources, as when both name the UPN; two object ids are never folded.

use std::path::Path;

use serde_json::{Value, json};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::context_panel::{ContextPanel, Moment};

use crate::id_only::{STS_OP, UAL_STS_OP, entra, ual, write_lines, write_page};
use crate::support::context::json_report;

/// How an Entra record names its target: (UPN or null, object id) of the record's index,
/// the user's UPN and object id.
type EntraTarget = fn(usize, &str, &str) -> (Value, String);

/// The six users the actor revokes, one a second from 09:00:10: (UPN, object id).
fn users() -> Vec<(String, String)> {
    (0..6)
        .map(|i| {
            (
                format!("user{i}@contoso.onmicrosoft.com"),
                format!("{i:08}-0000-4000-8000-000000000000"),
            )
        })
        .collect()
}

/// The UAL export (UPN and `User_<id>`), and the Entra page whose record `i` names its
/// target as `entra_target(i, upn, id)` gives (UPN or null, object id).
fn write_inputs(
    dir: &Path,
    ual_name: &str,
    entra_name: &str,
    entra_target: impl Fn(usize, &str, &str) -> (Value, String),
) {
    let users = users();
    let ual_records: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, (upn, id))| {
            ual(
                40 + i as u32,
                &format!("09:00:{:02}", 10 + i),
                UAL_STS_OP,
                upn,
                id,
            )
        })
        .collect();
    // Entra writes the time to the 100 ns: the same second, half a second on.
    let entra_records: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, (upn, id))| {
            let (target, target_id) = entra_target(i, upn, id);
            let hms = format!("09:00:{:02}", 10 + i);
            let mut r = entra(
                40 + i as u32,
                &hms,
                STS_OP,
                json!("evil@contoso.onmicrosoft.com"),
                target,
                &target_id,
            );
            r["activityDateTime"] = json!(format!("2025-10-10T{hms}.5000000Z"));
            r
        })
        .collect();
    write_lines(&dir.join(ual_name), &ual_records);
    write_page(&dir.join(entra_name), &entra_records);
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_entra_copy_naming_the_target_by_id_alone_is_the_same_event() {
    // Whichever export is read first.
    for (ual_name, entra_name) in [("ual.jsonl", "entra.json"), ("b-ual.jsonl", "a-entra.json")] {
        let dir = tempfile::tempdir().unwrap();
        write_inputs(dir.path(), ual_name, entra_name, |_, _, id| {
            (Value::Null, id.to_owned())
        });
        let report = json_report(dir.path());
        let rows = report["findings"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{report:#}");
        let r = &rows[0];
        assert_eq!(r["events"], 6, "{ual_name}: {r:#}");
        // Each user once, by the UPN the UAL gives; no `bulk` (6 users, not 12).
        let upns: Vec<String> = users().into_iter().map(|u| u.0).collect();
        assert_eq!(strings(&r["targets"]), upns, "{ual_name}");
        assert_eq!(
            strings(&r["hints"]),
            ["first"],
            "{ual_name}: {}",
            r["context"]
        );
        assert_eq!(
            r["context"],
            "the actor's first record; 5 related records; another copy of this event (first of 6 events)",
            "{ual_name}"
        );
        // The row's event and the others' revocations: each one record seen in both files.
        let copies = strings(&r["copies"]);
        assert_eq!(copies.len(), 1, "{ual_name}: {copies:?}");
        assert!(
            copies[0].ends_with(&format!("/{entra_name}:1")),
            "{copies:?}"
        );
        assert_eq!(r["related_total"], 5);
        for x in r["related"].as_array().unwrap() {
            assert_eq!(x["repeats"], 1, "{x:#}");
            let at = strings(&x["repeats_at"]);
            assert_eq!(at.len(), 1, "{x:#}");
            assert!(
                at[0].ends_with(&format!("/{entra_name}:1")) || at[0].contains(ual_name),
                "{x:#}"
            );
        }
    }
}

#[test]
fn another_object_id_or_another_upn_of_the_id_is_another_target() {
    // The control: each Entra record names another user's id (alone, or under the UAL's
    // UPN), or the UAL user's id under another UPN: twelve events, as many targets.
    let others: [EntraTarget; 3] = [
        |i, _, _| (Value::Null, format!("{:08}-1111-4000-8000-000000000000", i)),
        |i, upn, _| (json!(upn), format!("{:08}-1111-4000-8000-000000000000", i)),
        |i, _, id| {
            (
                json!(format!("someone{i}@contoso.onmicrosoft.com")),
                id.to_owned(),
            )
        },
    ];
    for (n, other) in others.into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        write_inputs(dir.path(), "ual.jsonl", "entra.json", other);
        let report = json_report(dir.path());
        let rows = report["findings"].as_array().unwrap();
        let events: u64 = rows.iter().map(|r| r["events"].as_u64().unwrap()).sum();
        assert_eq!(events, 12, "case {n}: {report:#}");
        let copies: usize = rows
            .iter()
            .map(|r| r["copies"].as_array().unwrap().len())
            .sum();
        assert_eq!(copies, 0, "case {n}");
    }
}

#[test]
fn the_context_panel_says_where_the_one_record_was_seen() {
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path(), "ual.jsonl", "entra.json", |_, _, id| {
        (Value::Null, id.to_owned())
    });
    let report = scan_paths(&[dir.path().to_path_buf()], &ScanOptions::default()).unwrap();
    assert_eq!(report.events.len(), 6);
    let first = (0..report.events.len())
        .min_by_key(|&i| report.events[i].time)
        .unwrap();
    let panel = ContextPanel::new(&report, first, sts_triage::hints::HintConfig::default());
    let related: Vec<String> = (0..panel.rows.len())
        .filter(|&i| matches!(panel.rows[i], Moment::Related(_)))
        .map(|i| panel.row_text(&report, i).what_within(200))
        .collect();
    assert_eq!(related.len(), 5, "{related:#?}");
    for (line, (upn, _)) in related.iter().zip(users().into_iter().skip(1)) {
        assert_eq!(
            *line,
            format!("{UAL_STS_OP} by evil@contoso.onmicrosoft.com → {upn} ▸(2 sources)")
        );
    }
    assert_eq!(panel.copies.len(), 1);
}
