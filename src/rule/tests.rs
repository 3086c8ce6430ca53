//! The rule on CloudAppEvents rows, UAL records and Entra records: rows and near misses.

use super::*;
use serde_json::json;

fn row(raw: Value) -> CloudAppRow {
    CloudAppRow {
        action_type: ACTION_TYPE.to_owned(),
        raw_event_data: RawEventData::Json(raw),
        account_object_id: "oid".into(),
        account_display_name: "admin@contoso.com".into(),
        ip_address: "203.0.113.5".into(),
        is_anonymous_proxy: Some(false),
        isp: "ISP".into(),
        timestamp: kql::todatetime("2020-12-15T11:05:00Z"),
    }
}

fn sts_raw(extra: Value) -> Value {
    let mut v = json!({
        "ModifiedProperties": [{"Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\r\n  \"2020-12-14T10:02:26Z\"\r\n]",
            "NewValue": "[\r\n  \"2020-12-15T11:03:27Z\"\r\n]"}],
        "Actor": [{"ID": "admin@contoso.com", "Type": 5}, {"ID": "User", "Type": 2}]
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    v
}

#[test]
fn the_documented_whole_query_example() {
    let (outcome, trace) = evaluate_cloud_app_row(&row(sts_raw(json!({})))).expect("sts");
    let Outcome::Flagged(rows) = outcome else {
        unreachable!("flagged expected, got {outcome:?}")
    };
    assert_eq!(rows[0].token_minutes_added, Some(1501));
    assert_eq!(rows[0].token_minutes_remaining, Some(2));
    assert_eq!(rows[0].role, "User");
    assert_eq!(trace.role, "User");
}

#[test]
fn near_miss_reasons_follow_the_query_order() {
    let mut r = row(sts_raw(json!({"Note": "Sync_DirectorySync"})));
    let (o, _) = evaluate_cloud_app_row(&r).expect("sts");
    assert_eq!(
        o,
        Outcome::NearMiss(Box::new(NearMissReason::DirectorySync {
            path: "Note".into(),
            client_text: true,
        }))
    );
    r.action_type = "Update StsRefreshTokenValidFrom Timestamp".into();
    let (o, _) = evaluate_cloud_app_row(&r).expect("sts");
    assert!(matches!(
        o,
        Outcome::NearMiss(r) if matches!(*r, NearMissReason::OperationSpelledDifferently { .. })
    ));
    let r = row(json!({"ModifiedProperties": [], "Actor": []}));
    let (o, _) = evaluate_cloud_app_row(&r).expect("sts");
    assert_eq!(
        o,
        Outcome::NearMiss(Box::new(NearMissReason::NoModifiedProperties {
            field: "ModifiedProperties".into()
        }))
    );
    let r = row(json!({"ModifiedProperties": [
        {"Name": "Included Updated Properties", "OldValue": "", "NewValue": "StsRefreshTokensValidFrom"},
        {"Name": "StsRefreshTokensValidFrom", "OldValue": "[]", "NewValue": "[]"}]}));
    let (o, _) = evaluate_cloud_app_row(&r).expect("sts");
    assert_eq!(
        o,
        Outcome::NearMiss(Box::new(NearMissReason::PropertyNotAtIndex0 {
            found_at: Some(1),
            at_index_0: "Included Updated Properties".into()
        }))
    );
}

#[test]
fn xdirectorysyncy_is_not_directorysync_and_null_values_stay() {
    let mut raw = sts_raw(json!({"Note": "xDirectorysyncY"}));
    raw["ModifiedProperties"][0]["OldValue"] = json!("");
    raw["Actor"] = json!([]);
    let (o, _) = evaluate_cloud_app_row(&row(raw)).expect("sts");
    let Outcome::Flagged(rows) = o else {
        unreachable!("flagged expected")
    };
    assert_eq!(rows[0].token_minutes_added, None);
    assert_eq!(rows[0].role, "");
}

#[test]
fn ual_columns_are_derived_from_the_record() {
    let rec = json!({"CreationTime": "2021-02-04T16:32:42", "Operation": ACTION_TYPE,
        "UserId": "admin@contoso.com", "ClientIP": "198.51.100.7", "ActorIpAddress": "",
        "Actor": [{"ID": "admin@contoso.com", "Type": 5}, {"ID": "User_1111", "Type": 2}, {"ID": "User", "Type": 2}]});
    let r = cloud_app_row_from_ual(rec);
    assert_eq!(r.account_object_id, "1111");
    assert_eq!(r.ip_address, "198.51.100.7");
    assert_eq!(r.account_display_name, "admin@contoso.com");
    assert!(r.timestamp.is_some());
}

#[test]
fn raw_event_data_cut_short_is_named_as_cut() {
    let mut r = row(json!({}));
    r.raw_event_data = RawEventData::Text(r#"{"Id":"x","ModifiedProperties":[{"Na"#.into());
    let (o, _) = evaluate_cloud_app_row(&r).expect("sts");
    assert_eq!(
        o,
        Outcome::NearMiss(Box::new(NearMissReason::RecordCut {
            field: "RawEventData".into(),
            at_chars: 36
        }))
    );
    r.raw_event_data = RawEventData::Text("not json at all".into());
    let (o, _) = evaluate_cloud_app_row(&r).expect("sts");
    assert!(matches!(
        o,
        Outcome::NearMiss(r) if matches!(*r, NearMissReason::UnparseableValues { .. })
    ));
}

#[test]
fn client_ip_ports_are_dropped_and_other_text_kept() {
    assert_eq!(ip_without_port("203.0.113.24:51002"), "203.0.113.24");
    assert_eq!(ip_without_port("[203.0.113.24]:51001"), "203.0.113.24");
    assert_eq!(ip_without_port("[2001:db8::5]:443"), "2001:db8::5");
    assert_eq!(ip_without_port("2001:db8::5"), "2001:db8::5");
    assert_eq!(ip_without_port("198.51.100.7"), "198.51.100.7");
    assert_eq!(ip_without_port("<null>"), "<null>");
    assert_eq!(
        ip_without_port("[2001:db8::5]:99999"),
        "[2001:db8::5]:99999"
    );
    assert_eq!(ip_without_port(""), "");
}

#[test]
fn an_app_of_nulls_is_no_actor() {
    let rec = EntraRecord {
        operation: "Update StsRefreshTokenValidFrom Timestamp".into(),
        time: kql::todatetime("2026-09-10T14:32:30Z"),
        target_resources: json!([{"modifiedProperties": [
            {"displayName": "StsRefreshTokensValidFrom", "oldValue": "[\"2025-10-01T00:34:24Z\"]", "newValue": "[\"2026-09-10T14:32:27Z\"]"}]}]),
        initiated_by: json!({"app": {"appId": null, "displayName": null, "servicePrincipalId": null},
            "user": {"id": "u1", "displayName": null, "userPrincipalName": "", "ipAddress": "203.0.113.9"}}),
        properties_field: "TargetResources[0].ModifiedProperties".into(),
    };
    let (o, _) = evaluate_entra_record(&rec).expect("sts");
    let Outcome::Flagged(rows) = o else {
        unreachable!("flagged expected")
    };
    assert_eq!(
        (rows[0].role.as_str(), rows[0].account_object_id.as_str()),
        ("User", "u1")
    );
    assert_eq!(rows[0].ip_address, "203.0.113.9");
}

#[test]
fn entra_rule_expands_every_matching_property() {
    let rec = EntraRecord {
        operation: "Update StsRefreshTokenValidFrom Timestamp".into(),
        time: kql::todatetime("2026-09-10T14:32:30Z"),
        target_resources: json!([{"modifiedProperties": [
            {"displayName": "Included Updated Properties", "oldValue": null, "newValue": "x"},
            {"displayName": "stsrefreshtokensvalidfrom", "oldValue": "[\"2025-10-01T00:34:24Z\"]", "newValue": "[\"2026-09-10T14:32:27Z\"]"}]}]),
        initiated_by: json!({"user": {"id": "u1", "userPrincipalName": "a@b", "ipAddress": "<null>"}}),
        properties_field: "targetResources[0].modifiedProperties".into(),
    };
    let (o, _) = evaluate_entra_record(&rec).expect("sts");
    let Outcome::Flagged(rows) = o else {
        unreachable!("flagged expected")
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_minutes_added, Some(496_198));
    assert_eq!(rows[0].ip_address, "");
    assert_eq!(rows[0].role, "User");
}
