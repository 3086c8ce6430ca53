#![allow(clippy::panic, clippy::unwrap_used)]
//! An Entra app is known by its service principal id, never by its displayName alone: whoever registers an
//! app names it, and an app named `lee.gu@contoso.onmicrosoft.com` is not that user. In
//! `tests/fixtures/context-app-actor/` (Log Analytics AuditLogs rows, synthetic values):
//! the user resets irvin's password, then an app named like the user revokes irvin's
//! tokens (the reset is by another actor), and an app named like megan revokes megan's (no
//! `self`); ten revocations by the user and one by an app named like the user (the user's
//! rows are `bulk`, ten users; the app's row is not).

use std::collections::HashMap;
use std::path::Path;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::app::App;
use sts_triage::tui::columns::{Column, finding};

use crate::support::{run_bin, sized};

const DIR: &str = "tests/fixtures/context-app-actor";

/// Each row's Hints cell beside its Account cell.
fn hints(name: &str) -> Vec<(String, String)> {
    let report = scan_paths(&[Path::new(DIR).join(name)], &ScanOptions::default()).unwrap();
    let app = sized(
        App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report),
        160,
        45,
    );
    app.findings
        .items
        .iter()
        .map(|r| {
            (
                r.cells[finding(Column::Account)].to_string(),
                r.cells[finding(Column::Hint)].to_string(),
            )
        })
        .collect()
}

#[test]
fn an_app_named_like_a_user_is_not_that_user() {
    let rows = hints("app-named-like-a-user.jsonl");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (account, hint) in &rows {
        assert!(!hint.contains("self"), "{account}: {hint}");
        assert!(
            hint.contains("app"),
            "{account}: the app hint stays: {hint}"
        );
    }
    // The reset of the same target 30 s before is still there, but by another actor.
    let out = run_bin(&[
        "report",
        "--format",
        "md",
        "-o",
        "-",
        &format!("{DIR}/app-named-like-a-user.jsonl"),
    ]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("reset by another actor 30 s before"), "{md}");
    assert!(!md.contains("same actor"), "{md}");
    assert!(!md.contains("the actor is the target"), "{md}");
    assert!(md.contains("(evil-sp)"), "the app named with its id: {md}");
}

#[test]
fn an_app_named_like_a_bulk_actor_does_not_join_the_bulk() {
    let rows = hints("bulk-and-an-app-named-like-its-actor.jsonl");
    let bulk = rows.iter().filter(|(_, h)| h.contains("bulk")).count();
    let app = rows.iter().filter(|(_, h)| h.contains("app")).count();
    assert_eq!(app, 1, "one row by the app: {rows:?}");
    assert!(bulk >= 1, "the user's revocations are bulk: {rows:?}");
    assert!(
        rows.iter()
            .all(|(_, h)| !(h.contains("app") && h.contains("bulk"))),
        "the app's row is not bulk: {rows:?}"
    );
}
