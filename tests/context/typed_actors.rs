#![allow(clippy::panic, clippy::unwrap_used)]
//! Two principals never look like one: an actor is a user (UPN, object id), an application
//! by its id, or an application with no id by its name, and a key of one kind never equals
//! a key of another, whatever the texts. Inputs in `tests/fixtures/typed-actors/` (written
//! by its `make.py`: synthetic values in the UAL's and Log Analytics AuditLogs' shapes).

use sts_triage::hints::{Hint, HintConfig, Inputs};
use sts_triage::model::ActorKind;
use sts_triage::scan::ScanReport;
use sts_triage::tui::app::Overlay;
use sts_triage::tui::columns::{Column, finding};

use crate::support::scan;

const DIR: &str = "tests/fixtures/typed-actors";
const HELPDESK: &str = "helpdesk.admin@contoso.com";

/// Each STS event's actor as shown, its kind and its context hints.
fn hints(report: &ScanReport) -> Vec<(String, ActorKind, Vec<Hint>)> {
    let inputs = Inputs::new(report, HintConfig::default());
    (0..report.events.len())
        .map(|i| {
            let p = &report.events[i].parties;
            (
                p.actor_label().to_owned(),
                p.actor_kind,
                inputs.event_hints(i),
            )
        })
        .collect()
}

fn badges(hints: &[Hint]) -> Vec<&'static str> {
    hints.iter().map(Hint::badge).collect()
}

fn reset_by_same_actor(hints: &[Hint]) -> Option<bool> {
    hints.iter().find_map(|h| match h {
        Hint::Reset { same_actor, .. } => Some(*same_actor),
        _ => None,
    })
}

/// The admin's revocation after a reset by the app without id named like the admin: the
/// reset is another actor's, the revocation is the admin's first record, and the reset is
/// related by its target only.
fn assert_the_admins_revocation_is_apart(name: &str) {
    let report = scan(&[&format!("{DIR}/{name}")]);
    let hints = hints(&report);
    let (i, (_, _, admin)) = hints
        .iter()
        .enumerate()
        .find(|(_, (a, k, _))| a == HELPDESK && *k == ActorKind::User)
        .unwrap_or_else(|| panic!("{name}: the admin's revocation: {hints:?}"));
    assert_eq!(reset_by_same_actor(admin), Some(false), "{name}: {admin:?}");
    assert!(badges(admin).contains(&"first"), "{name}: {admin:?}");
    let index = &report.context;
    let related = index.related(&report.events[i], &Default::default());
    let reset = related
        .iter()
        .find(|r| {
            index
                .text(index.entries[r.entry].operation)
                .starts_with("Reset")
        })
        .unwrap_or_else(|| panic!("{name}: the reset is related: {related:?}"));
    assert!(
        reset.why.target && !reset.why.actor,
        "{name}: {:?}",
        reset.why
    );
    assert_eq!(
        index.actor_label(index.entries[reset.entry].actor),
        format!("{HELPDESK} (app, no id)"),
        "{name}"
    );
}

#[test]
fn an_entra_app_without_ids_named_like_the_admin_is_not_the_admin() {
    assert_the_admins_revocation_is_apart("entra-app-without-id.jsonl");
}

#[test]
fn a_ual_application_class_without_id_named_like_the_admin_is_not_the_admin() {
    assert_the_admins_revocation_is_apart("ual-app-class-without-id.jsonl");
    // The app's revocation of the admin's own sessions: no `self`, and shown as an app.
    let report = scan(&[&format!("{DIR}/ual-app-class-without-id.jsonl")]);
    let hints = hints(&report);
    let (actor, kind, own) = &hints[1];
    assert_eq!(
        (actor.as_str(), *kind),
        (
            format!("{HELPDESK} (app, no id)").as_str(),
            ActorKind::NamedApp
        )
    );
    assert_eq!(report.events[1].parties.target.as_str(), HELPDESK);
    assert!(!badges(own).contains(&"self"), "{own:?}");
    // Its reset 5 min before is its own: the same app without id is one actor.
    assert_eq!(
        reset_by_same_actor(own),
        None,
        "another target's reset: {own:?}"
    );
    assert!(!badges(own).contains(&"first"), "{own:?}");
}

#[test]
fn a_user_written_like_an_apps_name_and_id_is_not_that_app() {
    // The app "Token Helper (f1f1…)" resets the victim's password; a user whose UserId reads
    // "Token Helper (f1f1…)" revokes the victim's sessions.
    let report = scan(&[&format!("{DIR}/user-written-like-an-app.jsonl")]);
    let hints = hints(&report);
    assert_eq!(hints.len(), 1, "{hints:?}");
    let (actor, kind, h) = &hints[0];
    assert_eq!(kind, &ActorKind::User);
    let index = &report.context;
    let reset = index
        .entries
        .iter()
        .find(|e| index.text(e.operation) == "Reset user password")
        .unwrap();
    assert_eq!(
        &index.actor_label(reset.actor),
        actor,
        "one rendered string"
    );
    assert_eq!(reset_by_same_actor(h), Some(false), "{h:?}");
    assert!(badges(h).contains(&"first"), "{h:?}");
}

#[test]
fn an_app_without_id_named_like_a_bulk_actor_does_not_join_the_bulk() {
    let report = scan(&[&format!("{DIR}/app-without-id-bulk.jsonl")]);
    let hints = hints(&report);
    assert_eq!(hints.len(), 10, "{hints:?}");
    assert!(
        hints.iter().all(|(_, _, h)| !badges(h).contains(&"bulk")),
        "nine users by the admin, one by the app: {hints:?}"
    );
}

#[test]
fn the_frequency_view_and_classify_like_this_keep_the_app_apart() {
    let report = scan(&[&format!("{DIR}/ual-app-class-without-id.jsonl")]);
    let mut app = crate::support::sized(
        crate::support::workbench("t.sts-triage.jsonl", "analyst", report),
        170,
        45,
    );
    crate::support::focus_on(&mut app, Column::Actor);
    crate::support::keys(&mut app, "F");
    let Overlay::Pivot(p) = &app.overlay else {
        panic!("frequency view open: {}", app.status)
    };
    let mut values: Vec<(String, usize)> =
        p.rows.iter().map(|r| (r.value.clone(), r.count)).collect();
    values.sort();
    assert_eq!(
        values,
        [
            (HELPDESK.to_owned(), 1),
            (format!("{HELPDESK} (app, no id)"), 1)
        ]
    );
    crate::support::press(&mut app, ratatui::crossterm::event::KeyCode::Esc);
    // The admin's row decided: the app's row is not the same account.
    let actor = |app: &sts_triage::tui::app::App, item: usize| {
        app.cell(&app.findings, item, finding(Column::Actor))
    };
    crate::support::keys(&mut app, "g");
    while actor(&app, app.findings.current().unwrap()) != HELPDESK {
        crate::support::keys(&mut app, "j");
    }
    crate::support::keys(&mut app, "1c");
    assert!(
        !matches!(&app.overlay, Overlay::Bulk(b) if !b.candidates.is_empty()),
        "nothing like the admin's row: {}",
        crate::support::screen(&app, 170, 45)
    );
    assert!(app.status.contains("no unreviewed row"), "{}", app.status);
}

#[test]
fn two_principals_under_one_upn_in_one_second_are_never_one_record() {
    use sts_triage::hints::HintConfig;
    use sts_triage::tui::context_panel::{ContextPanel, Moment};
    // The admin's reset in three exports, another principal's reset under the admin's UPN
    // and the admin's reset from another address, all in one second; then the revocation.
    let report = scan(&[&format!("{DIR}/twins")]);
    assert_eq!(report.events.len(), 1);
    let panel = ContextPanel::new(&report, 0, HintConfig::default());
    let lines: Vec<String> = (0..panel.rows.len())
        .filter(|&i| matches!(panel.rows[i], Moment::Related(_)))
        .map(|i| panel.row_text(&report, i).what_within(200))
        .collect();
    let reset = format!("Reset user password. by {HELPDESK} → victim.user@contoso.com");
    let mut want = vec![
        reset.clone(),
        reset.clone(),
        format!("{reset} ▸(3 sources)"),
    ];
    let mut got = lines.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{lines:?}");
    assert_eq!(panel.total, 3, "three resets, the admin's counted once");
}
#[test]
fn a_reset_by_another_principal_under_the_admins_upn_is_by_another_actor() {
    let report = scan(&[&format!("{DIR}/other-principal-reset.jsonl")]);
    let hints = hints(&report);
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(reset_by_same_actor(&hints[0].2), Some(false), "{hints:?}");
}

/// The records related to the one STS event of `name` by its actor, as shown.
fn related_by_actor(report: &ScanReport) -> Vec<String> {
    let index = &report.context;
    index
        .related(&report.events[0], &Default::default())
        .iter()
        .filter(|r| r.why.actor)
        .map(|r| {
            let e = &index.entries[r.entry];
            format!(
                "{} by {}",
                index.text(e.operation),
                index.actor_label(e.actor)
            )
        })
        .collect()
}

#[test]
fn another_principal_under_the_admins_upn_is_not_the_admin() {
    // A CloudAppEvents row by another object id under the admin's UPN, 10 min before the
    // admin's revocation (UAL): not related by its actor, and the revocation is the admin's
    // first record.
    let report = scan(&[&format!("{DIR}/same-actor/look-alike-before.jsonl")]);
    assert_eq!(report.events.len(), 1);
    assert_eq!(related_by_actor(&report), Vec::<String>::new());
    let hints = hints(&report);
    assert!(badges(&hints[0].2).contains(&"first"), "{hints:?}");
}

#[test]
fn the_admins_object_id_under_its_old_upn_is_the_admin() {
    // The admin's object id under its old UPN (UAL) 20 min before its revocation (a
    // CloudAppEvents row): related by its actor, and the revocation is not its first record.
    let report = scan(&[&format!("{DIR}/same-actor/renamed-before.jsonl")]);
    assert_eq!(report.events.len(), 1);
    assert_eq!(
        related_by_actor(&report),
        ["Add member to group. by helpdesk.old@contoso.com"]
    );
    let hints = hints(&report);
    assert!(!badges(&hints[0].2).contains(&"first"), "{hints:?}");
}
