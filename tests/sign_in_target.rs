#![allow(clippy::panic, clippy::unwrap_used)]
//! A UAL `UserLoggedIn` record's `ObjectId` is the resource signed in to (an application
//! id), not whose tokens: the context panel shows the sign-in as
//! `UserLoggedIn: sign-in to <app id> by <user>`, never `→ <app id>` as if the GUID were
//! a target's object id.

use ratatui::crossterm::event::KeyCode;

mod support;
use support::context::{app_of, timeline};
use support::{keys, press};

const RESOURCE: &str = "00000003-0000-0ff1-ce00-000000000000";

#[test]
fn a_sign_in_names_its_resource_not_a_target() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string("tests/fixtures/context.jsonl").unwrap();
    // The helpdesk admin signs in to SharePoint Online 10 minutes before the revocation.
    text.push_str(
        &serde_json::json!({
            "Timestamp": "2024-03-01T09:50:00Z", "ActionType": "UserLoggedIn",
            "AccountObjectId": "86d8b1a7-0000-4000-8000-00000000001a",
            "AccountDisplayName": "Helpdesk Admin", "IPAddress": "198.51.100.77",
            "ReportId": "s1",
            "RawEventData": {"CreationTime": "2024-03-01T09:50:00",
                "Id": "20000000-0000-4000-8000-000000000001", "Operation": "UserLoggedIn",
                "RecordType": 15, "ResultStatus": "Success", "Workload": "AzureActiveDirectory",
                "ClientIP": "198.51.100.77", "ObjectId": RESOURCE,
                "UserId": "helpdesk.admin@contoso.com",
                "Actor": [{"ID": "helpdesk.admin@contoso.com", "Type": 5}]}
        })
        .to_string(),
    );
    text.push('\n');
    let path = dir.path().join("ctx.jsonl");
    std::fs::write(&path, text).unwrap();
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = app_of(&path, w, h);
        keys(&mut app, "/actor:helpdesk");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "x");
        let lines = timeline(&app);
        let sign_in = lines
            .iter()
            .find(|l| l.contains(RESOURCE))
            .unwrap_or_else(|| panic!("{w}x{h}: {lines:#?}"));
        assert!(
            sign_in.contains(&format!(
                "UserLoggedIn: sign-in to {RESOURCE} by helpdesk.admin@contoso.com"
            )),
            "{w}x{h}: {sign_in}"
        );
        assert!(!sign_in.contains('→'), "{w}x{h}: {sign_in}");
        let s = support::screen(&app, w, h);
        assert!(s.contains("UserLoggedIn: sign-"), "{w}x{h}: {s}");
    }
}
