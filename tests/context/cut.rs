#![allow(clippy::panic, clippy::unwrap_used)]
//! A record whose audit record was cut short by the export (Search-UnifiedAuditLog's
//! AuditData around 3,000 characters, a CloudAppEvents RawEventData cut as JSON text) is a
//! near miss, and its first members are still whole: its target, actor and correlation id.
//! The context index reads its fields from those members; the near miss's own parties must
//! come from the same members, or the relations are one-sided: the revocation after it
//! listed the cut record as related (same correlation, target and actor) while the cut
//! record listed nothing, or only the same actor, and showed no target.
//!
//! The story, in each shape: `Reset user password.` of a user, the cut revocation of the
//! same user 1 s later and a whole one 1 s after that, all by one helpdesk agent in one
//! correlation.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;
use serde_json::json;

use sts_triage::tui::app::{Overlay, View};
use sts_triage::tui::columns::{Column, finding, near_miss};

use crate::support::context::{app_of, timeline};
use crate::support::{keys, press};

const TARGET: &str = "ana.lopes@fabrikam.example";
const ACTOR: &str = "desk.agent@fabrikam.example";
const OPERATION: &str = "Update StsRefreshTokenValidFrom Timestamp.";

fn uid(i: usize) -> String {
    format!("5c5c5c5c-0000-4000-8000-{:012}", i + 1)
}

/// The UAL record of the story's `i`th event, members in the order the service writes them
/// (the correlation before the long ModifiedProperties, which the cut falls in).
fn ual(i: usize) -> (String, &'static str) {
    let (time, operation) = [
        ("2024-06-03T10:00:05", "Reset user password."),
        ("2024-06-03T10:00:06", OPERATION),
        ("2024-06-03T10:00:07", OPERATION),
    ][i];
    let modified = if operation == OPERATION {
        // A long old value, as tokens revoked many times have: the export cuts inside it.
        let old: Vec<String> = (0..120)
            .map(|d| format!("2024-{:02}-{:02}T00:00:00Z", 1 + d / 28, 1 + d % 28))
            .collect();
        json!([{"Name": "StsRefreshTokensValidFrom",
                "OldValue": format!("[\r\n  \"{}\"\r\n]", old.join("\",\r\n  \"")),
                "NewValue": format!("[\r\n  \"{time}Z\"\r\n]")}])
    } else {
        json!([])
    };
    let record = json!({
        "CreationTime": time, "Id": uid(i), "Operation": operation, "RecordType": 8,
        "ResultStatus": "Success", "Workload": "AzureActiveDirectory",
        "ClientIP": "203.0.113.21", "ObjectId": TARGET, "UserId": ACTOR,
        "InterSystemsId": "d1d1d1d1-0000-4000-8000-0000000000c1",
        "ModifiedProperties": modified,
        "Actor": [{"ID": ACTOR, "Type": 5},
                  {"ID": "User_5a5a5a5a-0000-4000-8000-0000000000a1", "Type": 2}],
        "Target": [{"ID": "User_7b7b7b7b-0000-4000-8000-0000000000b2", "Type": 2},
                   {"ID": TARGET, "Type": 5}],
    });
    let mut text = serde_json::to_string(&record).unwrap();
    if i == 1 {
        let cut = text.find("\"OldValue\"").unwrap() + 1000;
        assert!(cut < text.find("\"Actor\"").unwrap());
        text.truncate(cut);
    }
    (text, time)
}

/// Search-UnifiedAuditLog | Export-Csv (every field quoted).
fn export_csv() -> String {
    let mut out = String::from(
        "\"RunspaceId\",\"RecordType\",\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\",\"ResultIndex\",\"ResultCount\",\"Identity\",\"IsValid\",\"ObjectState\"\n",
    );
    for i in 0..3 {
        let (text, time) = ual(i);
        let operation = if i == 0 {
            "Reset user password."
        } else {
            OPERATION
        };
        out.push_str(&format!(
            "\"9e9e9e9e-0000-4000-8000-000000000001\",\"AzureActiveDirectory\",\"{time}\",\"{ACTOR}\",\"{operation}\",\"{}\",\"{}\",\"3\",\"{}\",\"True\",\"Unchanged\"\n",
            text.replace('"', "\"\""),
            i + 1,
            uid(i)
        ));
    }
    out
}

/// CloudAppEvents rows as JSON lines, RawEventData as JSON text (as some exports write it).
fn cloud_app_lines() -> String {
    (0..3)
        .map(|i| {
            let (text, time) = ual(i);
            let action = if i == 0 {
                "Reset user password."
            } else {
                OPERATION
            };
            let row = json!({
                "Timestamp": format!("{time}Z"), "ActionType": action,
                "Application": "Microsoft 365",
                "AccountObjectId": "5a5a5a5a-0000-4000-8000-0000000000a1",
                "AccountDisplayName": "Desk Agent", "IPAddress": "203.0.113.21",
                "IsAnonymousProxy": false, "ISP": "Fabrikam Telecom",
                "ReportId": format!("CA_{}", uid(i)), "RawEventData": text,
            });
            format!("{row}\n")
        })
        .collect()
}

#[test]
fn a_cut_record_and_the_revocation_after_it_list_each_other_alike() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: [(&str, String); 2] = [
        ("export.csv", export_csv()),
        ("cloudappevents.jsonl", cloud_app_lines()),
    ];
    for (name, text) in inputs {
        let path: PathBuf = dir.path().join(name);
        std::fs::write(&path, text).unwrap();

        // The cut revocation: a near miss named as cut, with its target and the same
        // relations as anyone else's.
        let mut a = app_of(&path, 160, 45);
        assert_eq!(a.findings.items.len(), 1, "{name}: the whole revocation");
        assert_eq!(a.near.items.len(), 1, "{name}: the cut one");
        keys(&mut a, "m");
        assert_eq!(a.view, View::NearMisses);
        let row = &a.near.items[0].cells;
        assert_eq!(&row[near_miss(Column::Target)], TARGET, "{name}: {row:?}");
        press(&mut a, KeyCode::Enter);
        keys(&mut a, "x");
        let t = timeline(&a);
        assert_eq!(t.len(), 3, "{name}: {t:?}");
        assert!(
            t[0].starts_with("-00:00:01 CTA Reset user password."),
            "{name}: {t:?}"
        );
        assert!(t[1].starts_with("this event"), "{name}: {t:?}");
        assert!(
            t[2].starts_with(&format!("+00:00:01 CTA {OPERATION}")),
            "{name}: {t:?}"
        );

        // The whole revocation lists the cut one for the same reasons.
        let mut c = app_of(&path, 160, 45);
        let row = &c.findings.items[0].cells;
        assert_eq!(&row[finding(Column::Target)], TARGET, "{name}");
        press(&mut c, KeyCode::Enter);
        keys(&mut c, "x");
        let t = timeline(&c);
        assert_eq!(t.len(), 3, "{name}: {t:?}");
        assert!(
            t[0].starts_with("-00:00:02 CTA Reset user password."),
            "{name}: {t:?}"
        );
        assert!(
            t[1].starts_with(&format!("-00:00:01 CTA {OPERATION}")),
            "{name}: {t:?}"
        );
        assert!(t[2].starts_with("this event"), "{name}: {t:?}");
        // Enter on it opens the cut record, as it is in the file.
        keys(&mut c, "k");
        press(&mut c, KeyCode::Enter);
        let Overlay::Drill(d) = &c.overlay else {
            panic!("drill-down open")
        };
        let shown: Vec<String> = d
            .doc
            .lines
            .iter()
            .map(sts_triage::tui::doc::DocLine::text)
            .collect();
        let shown = shown.join("\n");
        assert!(shown.contains(&uid(1)), "{name}: {shown}");
        assert!(!shown.contains(&uid(2)), "{name}: {shown}");
    }
}
