#![allow(clippy::panic, clippy::unwrap_used)]
//! Who did it, and to whom, when attackers choose the names: inputs in
//! `tests/fixtures/context-actors/` (written by its `make.py`, synthetic values in the real
//! shapes). An identity comes from ids and UPNs, never from a display name alone; an IP
//! address is the same address however a record writes it.

use sts_triage::hints::{Hint, HintConfig, Inputs};
use sts_triage::scan::ScanReport;

use crate::support::scan;

const DIR: &str = "tests/fixtures/context-actors";

/// The context hints of each STS event, by the event's actor.
fn hints_by_actor(report: &ScanReport) -> Vec<(String, Vec<Hint>)> {
    let inputs = Inputs::new(report, HintConfig::default());
    (0..report.events.len())
        .map(|i| {
            let actor = report.events[i].parties.actor_label().to_owned();
            (actor, inputs.event_hints(i))
        })
        .collect()
}

#[test]
fn a_sign_in_from_the_same_address_written_another_way_is_no_other_ip() {
    let report = scan(&[&format!("{DIR}/signin-addresses.jsonl")]);
    let hints = hints_by_actor(&report);
    assert_eq!(hints.len(), 8, "{hints:?}");
    // The same address: with a port, IPv4-mapped IPv6 (bare, bracketed with a port), the
    // revocation's ClientIP bracketed with a port, IPv6 in capitals without zero
    // compression, IPv6 with a port against leading zeros.
    for (n, (actor, h)) in hints.iter().enumerate().take(6) {
        assert_eq!(actor, &format!("agent{n}@contoso.com"));
        assert!(
            !h.iter().any(|h| matches!(h, Hint::SignIn { .. })),
            "{actor}: {h:?}"
        );
    }
    // Another address: the hint names it as the sign-in wrote it.
    for (n, written) in [(6, "198.51.100.11:51000"), (7, "[2001:DB8::C]:443")] {
        let (actor, h) = &hints[n];
        assert_eq!(actor, &format!("agent{n}@contoso.com"));
        let ip = h.iter().find_map(|h| match h {
            Hint::SignIn { ip, .. } => Some(ip.as_str()),
            _ => None,
        });
        assert_eq!(ip, Some(written), "{actor}: {h:?}");
    }
}

const HELPDESK: &str = "helpdesk.admin@contoso.com";
/// The service principal named like the helpdesk admin (its object id).
const EVIL_SP: &str = "e5e5e5e5-0000-4000-8000-0000000000e5";

fn badges(hints: &[Hint]) -> Vec<&'static str> {
    hints.iter().map(Hint::badge).collect()
}

#[test]
fn a_ual_service_principal_named_like_a_user_is_not_that_user() {
    let report = scan(&[&format!("{DIR}/ual-app-named-like-a-user.jsonl")]);
    let app = format!("{HELPDESK} ({EVIL_SP})");
    let hints = hints_by_actor(&report);
    assert_eq!(hints.len(), 2, "{hints:?}");
    for (i, (actor, _)) in hints.iter().enumerate() {
        assert_eq!(actor, &app, "known by its id, not by its UserId");
        assert_eq!(report.events[i].parties.actor_id.as_str(), EVIL_SP);
    }
    // The victim's revocation: the admin's reset 30 s before is by another actor, and the
    // app's revocation is its first record.
    let (_, victim) = &hints[0];
    let reset = victim.iter().find_map(|h| match h {
        Hint::Reset { same_actor, .. } => Some(*same_actor),
        _ => None,
    });
    assert_eq!(reset, Some(false), "{victim:?}");
    assert!(badges(victim).contains(&"first"), "{victim:?}");
    // The admin's own sessions revoked by the app named like the admin: no `self`.
    let (_, own) = &hints[1];
    assert!(!badges(own).contains(&"self"), "{own:?}");
    // And in the findings report.
    let out = crate::support::run_bin(&[
        "report",
        "--format",
        "md",
        "-o",
        "-",
        &format!("{DIR}/ual-app-named-like-a-user.jsonl"),
    ]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("reset by another actor 30 s before"), "{md}");
    assert!(!md.contains("the actor is the target"), "{md}");
    assert!(md.contains(EVIL_SP), "the app named with its id: {md}");
}

#[test]
fn a_ual_service_principal_named_like_a_bulk_actor_does_not_join_the_bulk() {
    // Nine revocations by the admin, a tenth by the app named like the admin: no one
    // revoked ten users.
    let report = scan(&[&format!("{DIR}/ual-app-bulk.jsonl")]);
    let hints = hints_by_actor(&report);
    assert_eq!(hints.len(), 10, "{hints:?}");
    assert!(
        hints.iter().all(|(_, h)| !badges(h).contains(&"bulk")),
        "{hints:?}"
    );
    assert_eq!(
        hints.iter().filter(|(a, _)| a.contains(EVIL_SP)).count(),
        1,
        "{hints:?}"
    );
}

#[test]
fn one_service_principal_in_the_ual_and_in_entra_audit_logs_is_one_actor() {
    // Token Helper resets the victim's password (AuditLogs row: initiatedBy.app) then
    // revokes the victim's sessions (UAL record: UserId "Token Helper", Actor
    // ServicePrincipal_<id>), 20 s later in another correlation.
    let report = scan(&[&format!("{DIR}/sp-in-two-logs")]);
    assert_eq!(report.events.len(), 1);
    let sp = "f1f1f1f1-0000-4000-8000-0000000000f1";
    let p = &report.events[0].parties;
    assert_eq!(p.actor.as_str(), format!("Token Helper ({sp})"));
    assert_eq!(p.actor_id.as_str(), sp);
    let related = report
        .context
        .related(&report.events[0], &Default::default());
    let reset = related
        .iter()
        .find(|r| {
            report
                .context
                .text(report.context.entries[r.entry].operation)
                == "Reset user password"
        })
        .unwrap();
    assert!(reset.why.actor && reset.why.target, "{:?}", reset.why);
    assert_eq!(
        report
            .context
            .actor_label(report.context.entries[reset.entry].actor),
        p.actor.as_str()
    );
    let hints = hints_by_actor(&report);
    let h = &hints[0].1;
    let same_actor = h.iter().find_map(|h| match h {
        Hint::Reset { same_actor, .. } => Some(*same_actor),
        _ => None,
    });
    assert_eq!(same_actor, Some(true), "{h:?}");
    assert!(!badges(h).contains(&"first"), "{h:?}");
}

#[test]
fn a_cloud_app_target_named_like_the_victim_is_not_the_victim() {
    // The admin resets the victim's password, then (1 s later) revokes the sessions of an
    // account renamed "victim.user@contoso.com"; the victim revokes a group so named.
    // RawEventData.ObjectId is each object's id; ActivityObjects names them like the victim.
    let report = scan(&[&format!("{DIR}/cae-target-named-like-victim.jsonl")]);
    let hints = hints_by_actor(&report);
    assert_eq!(hints.len(), 2, "{hints:?}");
    let target = |i: usize| {
        let p = &report.events[i].parties;
        (p.target.to_string(), p.target_label().to_owned())
    };
    // The renamed account: known by its object id; the victim's reset is not its reset.
    assert_eq!(
        target(0),
        (String::new(), "d4d4d4d4-0000-4000-8000-0000000000d4".into())
    );
    assert!(!badges(&hints[0].1).contains(&"reset"), "{hints:?}");
    // The group, by the victim: not the victim changing their own sessions.
    assert_eq!(hints[1].0, "victim.user@contoso.com");
    assert_eq!(
        target(1),
        (String::new(), "9f9f9f00-0000-4000-8000-00000000009f".into())
    );
    assert!(!badges(&hints[1].1).contains(&"self"), "{hints:?}");
}

#[test]
fn classify_like_this_compares_ids_with_ids_and_upns_with_upns() {
    use sts_triage::tui::app::Overlay;
    use sts_triage::tui::columns::{Column, finding};
    use sts_triage::tui::overlay::Link;
    // ann's CloudAppEvents row (AccountObjectId, UPN in RawEventData), ann's UAL row (no
    // User_<id> entry: no AccountObjectId, her UPN), mallory's row named as ann's object id.
    let report = scan(&[&format!("{DIR}/classify-identity.jsonl")]);
    let mut app = crate::support::sized(
        crate::support::workbench("t.sts-triage.jsonl", "analyst", report),
        80,
        24,
    );
    let ip = |app: &sts_triage::tui::app::App, item: usize| {
        app.cell(&app.findings, item, finding(Column::Ip))
    };
    let go_to = |app: &mut sts_triage::tui::app::App, address: &str| {
        crate::support::keys(app, "g");
        while ip(app, app.findings.current().unwrap()) != address {
            crate::support::keys(app, "j");
        }
    };
    go_to(&mut app, "203.0.113.10");
    crate::support::keys(&mut app, "1");
    go_to(&mut app, "203.0.113.10");
    crate::support::keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    let offered: Vec<(String, Link, bool)> = b
        .candidates
        .iter()
        .map(|c| (ip(&app, c.item), c.link, c.ticked))
        .collect();
    // ann's other row, by her UPN, ticked; never mallory's, named like ann's object id.
    assert_eq!(
        offered,
        vec![("198.51.100.20".to_owned(), Link::Account, true)],
        "{}",
        crate::support::screen(&app, 80, 24)
    );
    press_enter(&mut app);
}

fn press_enter(app: &mut sts_triage::tui::app::App) {
    crate::support::press(app, ratatui::crossterm::event::KeyCode::Enter);
    assert!(app.status.contains("marked 1 row "), "{}", app.status);
}

#[test]
fn an_office_activity_app_with_its_actor_as_json_text_is_known_by_its_id() {
    // Sentinel OfficeActivity writes Actor as JSON text (Log Analytics JSON, the CSV).
    let app = format!("{HELPDESK} ({EVIL_SP})");
    for name in ["office-activity-app.jsonl", "office-activity-app.csv"] {
        let report = scan(&[&format!("{DIR}/{name}")]);
        let hints = hints_by_actor(&report);
        assert_eq!(hints.len(), 1, "{name}: {hints:?}");
        assert_eq!(hints[0].0, app, "{name}");
        // Its own record in the index is the app's too, and the admin's update a minute
        // before is not the app's: the app's first record.
        let index = &report.context;
        let actors: Vec<String> = index
            .entries
            .iter()
            .map(|e| index.actor_label(e.actor))
            .collect();
        assert_eq!(actors, [HELPDESK, app.as_str()], "{name}");
        assert!(badges(&hints[0].1).contains(&"first"), "{name}: {hints:?}");
    }
}
