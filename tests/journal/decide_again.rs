#![allow(clippy::panic, clippy::unwrap_used)]
//! Near misses marked `[decide again: id shared]` (a decision saved under their plain
//! `event:<id>` no longer applies: two near misses now share the id, see
//! `tests/same_id_keys.rs`) are counted in the header (`2 to decide again`), and a row
//! loses its mark as soon as the analyst decides it again, not at the next load; an undo
//! gives it back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support;
use sts_triage::journal::{Decision, Verdict};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Column, NEAR_MISS_COLUMNS};

const ID: &str = "11111111-2222-4333-8444-555555555502";

/// A UAL near miss (no ModifiedProperties) of event `ID` at `time`.
fn near_miss(dir: &Path, name: &str, time: &str) -> PathBuf {
    let record = json!({
        "CreationTime": time, "Id": ID,
        "Operation": "Update StsRefreshTokenValidFrom Timestamp.", "RecordType": 8,
        "Workload": "AzureActiveDirectory", "UserId": "helpdesk.admin@contoso.example",
        "ObjectId": "victim.user@contoso.example", "ClientIP": "203.0.113.7",
        "ModifiedProperties": support::ual_sts_props("", ""),
        "Actor": [{"ID": "helpdesk.admin@contoso.example", "Type": 5}],
        "Target": [{"ID": "victim.user@contoso.example", "Type": 5}]
    });
    let path = dir.join(name);
    std::fs::write(&path, format!("{record}\n")).unwrap();
    path
}

/// The near misses' Reason cells, in item order.
fn reasons(app: &App) -> Vec<String> {
    let at = NEAR_MISS_COLUMNS
        .iter()
        .position(|&c| c == Column::Reason)
        .unwrap();
    app.near
        .items
        .iter()
        .map(|it| it.cells[at].to_owned())
        .collect()
}

fn header(app: &App, w: u16) -> String {
    support::screen(app, w, 24)
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn rows_to_decide_again_are_counted_and_lose_the_mark_once_decided() {
    let dir = tempfile::tempdir().unwrap();
    let a = near_miss(dir.path(), "a.jsonl", "2024-02-01T10:00:00");
    let b = near_miss(dir.path(), "b.jsonl", "2024-02-03T11:30:00");
    let plain = Decision {
        verdict: Verdict::Suspicious,
        note: "revoked by an attacker".into(),
        analyst: "ana".into(),
        time: "2024-03-01T09:00:00.000Z".into(),
        ..Decision::default()
    };
    let decisions: HashMap<String, Decision> = [(format!("event:{ID}"), plain)].into();
    let report = support::scan(&[a.to_str().unwrap(), b.to_str().unwrap()]);
    let mut app = support::sized(
        App::new("j.sts-triage.jsonl", "ana", decisions).with_report(report),
        120,
        24,
    );
    app.apply(Action::Intent(Intent::ToggleNearMisses));
    let marked = |app: &App| {
        reasons(app)
            .iter()
            .filter(|r| r.starts_with("[decide again: id shared]"))
            .count()
    };
    assert_eq!(marked(&app), 2);
    // Kept however narrow the screen, in its short wording at 60 columns.
    for w in [60, 80, 120] {
        let h = header(&app, w);
        assert!(
            h.contains("2 near misses to decide again") || h.contains("· 2 again"),
            "{w}: {h}"
        );
    }
    // Decided again under its own key: the mark goes at once, the count follows.
    app.apply(Action::Intent(Intent::MarkLegitimate));
    assert_eq!(marked(&app), 1, "{:?}", reasons(&app));
    assert!(
        header(&app, 120).contains("1 near miss to decide again"),
        "{}",
        header(&app, 120)
    );
    let s = support::screen(&app, 160, 24);
    assert_eq!(s.matches("[decide again: id shared]").count(), 1, "{s}");
    // Undone, the row has no decision of its own again.
    app.apply(Action::Intent(Intent::Undo));
    assert_eq!(marked(&app), 2, "{:?}", reasons(&app));
    assert!(
        header(&app, 120).contains("2 near misses to decide again"),
        "{}",
        header(&app, 120)
    );
}
