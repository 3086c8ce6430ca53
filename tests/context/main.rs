#![allow(clippy::panic, clippy::unwrap_used)]
//! Context beside every verdict, on small inputs written for it in every source shape
//! (UAL JSON lines, CloudAppEvents JSON lines, JSON array and portal CSV, Purview CSV, Graph
//! directoryAudits with sign-ins, Log Analytics AuditLogs with SigninLogs rows, AuditLogs
//! CSV), each once with flagged STS events and once with every STS event a near miss: the
//! target and actor of each STS event, the records related to it, the context hints, and
//! rows that are the same with or without context.
//!
//! One test binary for the context: the story above in every shape (every_shape, rows,
//! inputs_read, copies, with the shapes written by `shapes`), and the modules that were test
//! files of their own, each with its own inputs (actors, app_actor, open_related, forgery,
//! envelope_lines, line_shapes, twins, typed_actors, cut, related_bounded, lookalike), and
//! `targets`:
//! whose record a related record is, in each export shape.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

#[path = "../support/mod.rs"]
mod support;

mod actors;
mod app_actor;
mod conflict_folds;
mod copies;
mod cut;
mod envelope_lines;
mod envelope_once;
mod every_shape;
mod forgery;
mod group_target;
mod id_only;
mod inputs_read;
mod line_shapes;
mod lookalike;
mod lookalike_ids;
mod lookalike_loaded;
mod open_related;
mod prepared_beside;
mod related_bounded;
mod rows;
mod same_upn_ids;
mod shapes;
mod target_disagree;
mod target_flag;
mod targets;
mod twins;
mod two_passes;
mod typed_actors;

use shapes::*;

const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const HELPDESK: &str = "helpdesk.admin@contoso.com";
const VICTIM: &str = "victim.user@contoso.com";
const RESPONDER: &str = "ir.responder@contoso.com";
const SELF_USER: &str = "megan.self@contoso.com";
const CORR: &str = "c0ffee00-0000-4000-8000-000000000001";

/// One audit event of the story, in source-neutral terms.
struct Ev {
    time: String,
    op: &'static str,
    actor: String,
    target: String,
    corr: String,
    ip: &'static str,
    sts: bool,
    /// An STS event with an empty ModifiedProperties: a near miss.
    near: bool,
}

fn ev(time: &str, op: &'static str, actor: &str, target: &str, corr: &str, ip: &'static str) -> Ev {
    Ev {
        time: time.to_owned(),
        op,
        actor: actor.to_owned(),
        target: target.to_owned(),
        corr: corr.to_owned(),
        ip,
        sts: op == STS,
        near: false,
    }
}

/// The story with every STS event a near miss (ModifiedProperties empty, as in most real
/// Unified Audit Log exports).
fn near_story() -> Vec<Ev> {
    let mut v = story();
    for e in &mut v {
        e.near = e.sts;
    }
    v
}

/// The story: a helpdesk reset then revocation (same correlation), the admin's sign-in
/// from another address before, the victim's own sign-in an hour after, an incident
/// responder revoking 10 users in 5 minutes, and a user revoking their own sessions.
fn story() -> Vec<Ev> {
    let mut v = vec![
        ev(
            "2024-03-01T09:40:00Z",
            "UserLoggedIn",
            HELPDESK,
            "",
            "",
            "198.51.100.77",
        ),
        ev(
            "2024-03-01T10:00:05Z",
            "Update user.",
            HELPDESK,
            VICTIM,
            CORR,
            "203.0.113.10",
        ),
        ev(
            "2024-03-01T10:00:06Z",
            "Reset user password.",
            HELPDESK,
            VICTIM,
            CORR,
            "203.0.113.10",
        ),
        ev(
            "2024-03-01T10:00:07Z",
            STS,
            HELPDESK,
            VICTIM,
            CORR,
            "203.0.113.10",
        ),
        ev(
            "2024-03-01T11:00:00Z",
            "UserLoggedIn",
            VICTIM,
            "",
            "",
            "203.0.113.50",
        ),
        ev(
            "2024-03-02T08:00:00Z",
            STS,
            SELF_USER,
            SELF_USER,
            "corr-self",
            "192.0.2.50",
        ),
    ];
    for n in 0..10 {
        let time = format!("2024-03-03T12:0{}:{:02}Z", n / 2, (n % 2) * 30);
        let target = format!("user{n}@contoso.com");
        v.push(ev(
            &time,
            STS,
            RESPONDER,
            &target,
            &format!("corr-bulk-{n}"),
            "192.0.2.9",
        ));
    }
    v
}

fn scan(path: &Path, context: bool) -> ScanReport {
    let opts = ScanOptions {
        context,
        ..ScanOptions::default()
    };
    scan_paths(&[path.to_path_buf()], &opts).unwrap()
}

fn badges(inputs: &Inputs, i: usize) -> Vec<&'static str> {
    inputs.event_hints(i).iter().map(|h| h.badge()).collect()
}

fn event_of(report: &ScanReport, actor: &str, target: &str) -> usize {
    report
        .events
        .iter()
        .position(|e| {
            e.parties.actor.eq_ignore_ascii_case(actor)
                && e.parties.target.eq_ignore_ascii_case(target)
        })
        .unwrap_or_else(|| {
            panic!(
                "no STS event by {actor} on {target}: {:#?}",
                report.events.iter().map(|e| &e.parties).collect::<Vec<_>>()
            )
        })
}
