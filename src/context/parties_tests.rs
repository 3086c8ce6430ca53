//! Tests of the parties read from a record (`super`).
use super::*;
use serde_json::json;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[test]
fn an_app_known_only_by_its_id_never_reads_as_a_bare_guid() {
    // A UAL record whose UserId is `ServicePrincipal_<id>` with no Name entry: shown as
    // a bare GUID it passed for a user's object id in the Actor column.
    let id = "aaaaaaaa-1111-2222-3333-444444444444";
    let (actor, actor_id, kind) = ual_actor(&format!("ServicePrincipal_{id}"), &[]);
    assert_eq!(
        (actor.as_str(), actor_id.as_str()),
        (format!("app ({id})").as_str(), id)
    );
    assert_eq!(kind, ActorKind::App);
    assert_eq!(app_name(&actor, id), "");
    assert_eq!(
        app_actor("Microsoft Graph", id),
        format!("Microsoft Graph ({id})")
    );
}

#[test]
fn ual_target_is_the_object_and_the_actor_its_upn_and_guid() {
    let p = ual(&obj(json!({
        "UserId": "helpdesk.admin@contoso.com", "ObjectId": "victim.user@contoso.com",
        "InterSystemsId": "c0ffee00-0000-4000-8000-000000000001",
        "Actor": [{"ID": "helpdesk.admin@contoso.com", "Type": 5}, {"ID": "User_aaaa", "Type": 2}],
        "Target": [{"ID": "User_bbbb", "Type": 2}, {"ID": "victim.user@contoso.com", "Type": 5}]
    })));
    assert_eq!(p.target, "victim.user@contoso.com");
    assert_eq!(p.target_id, "bbbb");
    assert_eq!(p.actor, "helpdesk.admin@contoso.com");
    assert_eq!(p.actor_id, "aaaa");
    assert_eq!(p.correlation, "c0ffee00-0000-4000-8000-000000000001");
}

#[test]
fn ual_target_entries_of_a_group_name_no_user() {
    let target = |object_id: &str, entries: Value| {
        let p = ual(&obj(json!({"ObjectId": object_id, "Target": entries})));
        (p.target, p.target_id)
    };
    let group = json!([{"ID": "Group_aa-1", "Type": 2}, {"ID": "aa-1", "Type": 2},
        {"ID": "Group", "Type": 2}, {"ID": "victim@contoso.com", "Type": 1}]);
    assert_eq!(
        target("victim@contoso.com", group),
        (String::new(), "aa-1".into())
    );
    // The class alone, written as JSON text (Sentinel OfficeActivity).
    let class = json!(r#"[{"ID":"Group","Type":2}]"#);
    assert_eq!(
        target("victim@contoso.com", class),
        (String::new(), String::new())
    );
    // A user's entries, or entries naming no class (a Name of type 1 is the object's
    // own): the ObjectId stands.
    let user = json!([{"ID": "User_bbbb", "Type": 2}, {"ID": "User", "Type": 2}]);
    assert_eq!(
        target("victim@contoso.com", user),
        ("victim@contoso.com".into(), "bbbb".into())
    );
    let named = json!([{"ID": "Group", "Type": 1}]);
    assert_eq!(
        target("victim@contoso.com", named),
        ("victim@contoso.com".into(), String::new())
    );
}

#[test]
fn cloud_app_target_object_and_account_object_id() {
    let row = obj(json!({
        "AccountObjectId": "aaaa", "AccountDisplayName": "Helpdesk",
        "ActivityObjects": "[{\"Type\":\"User\",\"Role\":\"Target object\",\"Name\":\"Victim User\",\"Id\":\"bbbb\"}]"
    }));
    let p = cloud_app(&row, Some(&json!({"UserId": "helpdesk@contoso.com"})));
    assert_eq!((p.target.as_str(), p.target_id.as_str()), ("", "bbbb"));
    assert_eq!(
        (p.actor.as_str(), p.actor_id.as_str()),
        ("helpdesk@contoso.com", "aaaa")
    );
}

#[test]
fn cloud_app_target_is_an_id_or_a_upn_never_a_name() {
    let row = |objects: &str, raw: Value| {
        let row = obj(json!({"ActivityObjects": objects, "ObjectName": "victim@contoso.com"}));
        let p = cloud_app(&row, Some(&raw));
        (p.target, p.target_id)
    };
    let group =
        r#"[{"Type":"Group","Role":"Target object","Name":"victim@contoso.com","Id":"gggg"}]"#;
    // RawEventData's ObjectId is the group's id, or its name.
    for object_id in ["gggg", "Victim Group"] {
        assert_eq!(
            row(group, json!({"ObjectId": object_id})),
            (String::new(), "gggg".into())
        );
    }
    // An Id that is a UPN is the target; a UPN in ObjectId stands.
    let user = r#"[{"Type":"User","Role":"Target object","Name":"Victim","Id":"v@contoso.com"}]"#;
    assert_eq!(
        row(user, json!({"ObjectId": "vvvv"})),
        ("v@contoso.com".into(), String::new())
    );
    assert_eq!(
        row(group, json!({"ObjectId": "v@contoso.com"})),
        ("v@contoso.com".into(), String::new())
    );
    // A name and nothing else: no target.
    let named = r#"[{"Type":"Group","Role":"Target object","Name":"victim@contoso.com"}]"#;
    assert_eq!(row(named, json!({})), (String::new(), String::new()));
}

#[test]
fn entra_target_resource_and_application_initiator() {
    let p = entra(
        &json!([{"id": "bbbb", "userPrincipalName": "victim@contoso.com"}]),
        &json!({"user": null, "app": {"displayName": "Token Helper App", "appId": "app-1", "servicePrincipalId": "sp-1"}}),
        "corr".into(),
    );
    assert_eq!(p.target, "victim@contoso.com");
    assert_eq!(p.target_id, "bbbb");
    assert_eq!(p.actor, "Token Helper App (sp-1)");
    assert_eq!(p.actor_id, "sp-1");
    // A record with no service principal id: the application id.
    let p = entra(
        &json!([]),
        &json!({"app": {"displayName": "Token Helper App", "appId": "app-1", "servicePrincipalId": null}}),
        String::new(),
    );
    assert_eq!(
        (p.actor.as_str(), p.actor_id.as_str()),
        ("Token Helper App (app-1)", "app-1")
    );
}

#[test]
fn entra_target_is_the_user_entry_never_a_display_name() {
    let group = json!({"id": "gggg", "displayName": "victim@contoso.com", "type": "Group"});
    let app = json!({"id": "pppp", "displayName": "victim@contoso.com", "type": "Application"});
    let victim = json!({"id": "vvvv", "displayName": "Victim", "type": "User",
        "userPrincipalName": "victim@contoso.com"});
    let target = |targets: Value| {
        let p = entra(&targets, &Value::Null, String::new());
        (p.target, p.target_id)
    };
    assert_eq!(
        target(json!([group, victim])),
        ("victim@contoso.com".into(), "vvvv".into())
    );
    // No user among the targets: the first object's id, never its display name.
    assert_eq!(target(json!([group, app])), (String::new(), "gggg".into()));
    // A user written with its id alone: the id, not the display name.
    assert_eq!(
        target(json!([{"id": "vvvv", "displayName": "victim@contoso.com", "type": "User"}])),
        (String::new(), "vvvv".into())
    );
    // The type as the admin center's download writes it (any case).
    assert_eq!(
        target(json!([{"id": "vvvv", "type": "user", "userPrincipalName": "v@contoso.com"}])),
        ("v@contoso.com".into(), "vvvv".into())
    );
    assert_eq!(target(json!([])), (String::new(), String::new()));
}
