#![allow(clippy::panic, clippy::unwrap_used)]
//! Whose record a related record is: the target the context index keys it by, in each
//! export shape, on small inputs written for it (synthetic values, the real shapes).
//!
//! - An Entra audit record names its target by the `targetResources` entry of type `User`,
//!   by UPN or object id: a group (or an application) whose display name is the victim's
//!   UPN, listed first in a password reset, never makes that reset the victim's.
//! - Microsoft Graph audit log query records (`auditData`, and their own `objectId` when it
//!   is empty), Sentinel OfficeActivity rows (`OfficeObjectId`, `AADTarget`,
//!   `InterSystemsId`; JSON lines and the portal CSV), Hawk's simple view (JSON and CSV) and
//!   the Entra admin center download give their reset a target (and a correlation where the
//!   shape has one): the revocation beside it has the `reset` hint.
//! - A related record's target and actor are shown as first written (the index compares
//!   them with ASCII case ignored).

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;

use serde_json::{Value, json};
use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::app::Overlay;

mod support;
use support::context::{app_of, json_report};
use support::{keys, press};

const VICTIM: &str = "victim.user@contoso.com";
const VICTIM_ID: &str = "b1c7a000-0000-4000-8000-0000000000b1";
const HELPDESK: &str = "helpdesk.admin@contoso.com";
const HELPDESK_ID: &str = "a0a0a000-0000-4000-8000-0000000000a0";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn scan(path: &Path) -> ScanReport {
    scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap()
}

/// The context hints of the report's only STS event.
fn badges(report: &ScanReport) -> Vec<&'static str> {
    assert_eq!(report.events.len(), 1, "one STS event");
    let inputs = Inputs::new(report, HintConfig::default());
    inputs.event_hints(0).iter().map(|h| h.badge()).collect()
}

// --- Entra targets -------------------------------------------------------------------------

/// A group whose display name is the victim's UPN (anyone who may create a group chooses it).
fn group_named_like_the_victim() -> Value {
    json!({"id": "9f9f9f00-0000-4000-8000-00000000009f", "displayName": VICTIM, "type": "Group",
        "userPrincipalName": null, "groupType": "unifiedGroups", "modifiedProperties": []})
}

fn user(upn: &str, id: &str) -> Value {
    json!({"id": id, "displayName": "Some User", "type": "User", "userPrincipalName": upn,
        "modifiedProperties": []})
}

/// A Graph directoryAudit of the helpdesk admin; `targets` are its `targetResources`.
fn directory_audit(n: u32, time: &str, activity: &str, corr: &str, targets: Value) -> Value {
    json!({"id": format!("Directory_{corr}_{n}"), "category": "UserManagement",
        "correlationId": corr, "result": "success", "resultReason": "",
        "activityDisplayName": activity, "activityDateTime": time,
        "loggedByService": "Core Directory", "operationType": "Update",
        "initiatedBy": {"user": {"id": HELPDESK_ID, "displayName": null,
            "userPrincipalName": HELPDESK, "ipAddress": "198.51.100.23"}, "app": null},
        "targetResources": targets, "additionalDetails": []})
}

/// The victim's revocation at 10:30:00, and a password reset one second before (in another
/// correlation) whose `targetResources` are `reset_targets`.
fn graph_page(reset_targets: Value) -> String {
    let mut victim = user(VICTIM, VICTIM_ID);
    victim["modifiedProperties"] = json!([{"displayName": "StsRefreshTokensValidFrom",
        "oldValue": "[\"2024-05-01T00:00:00Z\"]", "newValue": "[\"2024-05-02T10:30:00Z\"]"}]);
    let page = json!({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
    "value": [
        directory_audit(1, "2024-05-02T10:29:59Z", "Reset user password", "c0ffee00-0000-4000-8000-000000000007", reset_targets),
        directory_audit(2, "2024-05-02T10:30:00Z", "Update StsRefreshTokenValidFrom Timestamp", "c0ffee00-0000-4000-8000-000000000008", json!([victim])),
    ]});
    serde_json::to_string_pretty(&page).unwrap()
}

/// The same two records as Log Analytics AuditLogs rows (dynamic columns as JSON text), one
/// a line.
fn auditlogs_rows(reset_targets: Value) -> String {
    let page: Value = serde_json::from_str(&graph_page(reset_targets)).unwrap();
    page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            json!({"TimeGenerated": g["activityDateTime"], "OperationName": g["activityDisplayName"],
                "Category": "UserManagement", "Result": "success", "CorrelationId": g["correlationId"],
                "Id": g["id"], "ActivityDisplayName": g["activityDisplayName"],
                "ActivityDateTime": g["activityDateTime"], "LoggedByService": "Core Directory",
                "InitiatedBy": g["initiatedBy"].to_string(),
                "TargetResources": g["targetResources"].to_string(), "Type": "AuditLogs"})
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_group_named_like_the_victim_is_not_the_victim_in_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let other = user(
        "other.user@contoso.com",
        "c2c2c200-0000-4000-8000-0000000000c2",
    );
    let cases = [
        // The group first, then another user: the reset is the other user's.
        (json!([group_named_like_the_victim(), other]), false),
        // Only the group: the reset is nobody's the event knows.
        (json!([group_named_like_the_victim()]), false),
        // The group first, then the victim: the reset is the victim's.
        (
            json!([group_named_like_the_victim(), user(VICTIM, VICTIM_ID)]),
            true,
        ),
        // The victim's entry named by its object id alone (no UPN written).
        (
            json!([group_named_like_the_victim(), user("", VICTIM_ID)]),
            true,
        ),
    ];
    for (n, (targets, reset)) in cases.into_iter().enumerate() {
        for (shape, text) in [
            ("graph.json", graph_page(targets.clone())),
            ("auditlogs.jsonl", auditlogs_rows(targets.clone())),
        ] {
            let path = write(dir.path(), &format!("{n}-{shape}"), &text);
            let report = scan(&path);
            let e = &report.events[0];
            assert_eq!(
                (e.parties.target.as_str(), e.parties.target_id.as_str()),
                (VICTIM, VICTIM_ID),
                "{shape} {n}"
            );
            let b = badges(&report);
            assert_eq!(
                b.contains(&"reset"),
                reset,
                "{shape} {n}: {targets} gives {b:?}"
            );
            let line = sts_triage::context::summary::event_line(
                &Inputs::new(&report, HintConfig::default()),
                &report,
                0,
            );
            assert_eq!(line.starts_with("reset by"), reset, "{shape} {n}: {line}");
        }
    }
}

// --- Shapes whose target and correlation were not read ------------------------------------

const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const RESET: &str = "Reset user password.";
const CORR: &str = "c0ffee00-0000-4000-8000-0000000000c0";

/// A Unified Audit Log record (Azure AD) of the helpdesk admin on the victim at 10:29:`second`.
fn ual(second: u32, op: &str, corr: &str, n: u32) -> Value {
    let props = if op == STS {
        json!([{"Name": "StsRefreshTokensValidFrom",
            "NewValue": "[\r\n  \"2024-05-02T10:30:00Z\"\r\n]",
            "OldValue": "[\r\n  \"2024-05-01T00:00:00Z\"\r\n]"}])
    } else {
        json!([])
    };
    json!({"CreationTime": format!("2024-05-02T10:29:{second:02}"),
        "Id": format!("5e5e5e5e-0000-4000-8000-{n:012}"), "Operation": op,
        "OrganizationId": "0c0c0c0c-0000-4000-8000-00000000c0de", "RecordType": 8,
        "ResultStatus": "Success", "UserKey": "10037FFE80000001@contoso.com", "UserType": 0,
        "Version": 1, "Workload": "AzureActiveDirectory", "ClientIP": "198.51.100.23",
        "ObjectId": VICTIM, "UserId": HELPDESK, "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": [{"Name": "extendedAuditEventCategory", "Value": "User"}],
        "ModifiedProperties": props,
        "Actor": [{"ID": HELPDESK, "Type": 5}, {"ID": format!("User_{HELPDESK_ID}"), "Type": 2},
            {"ID": HELPDESK_ID, "Type": 2}, {"ID": "User", "Type": 2}],
        "ActorContextId": "0c0c0c0c-0000-4000-8000-00000000c0de", "ActorIpAddress": "",
        "InterSystemsId": corr, "IntraSystemId": format!("1a1a1a1a-0000-4000-8000-{n:012}"),
        "SupportTicketId": "",
        "Target": [{"ID": format!("User_{VICTIM_ID}"), "Type": 2}, {"ID": VICTIM, "Type": 5}],
        "TargetContextId": "0c0c0c0c-0000-4000-8000-00000000c0de"})
}

/// An update of the victim (noise) 30 s before, the reset 1 s before the revocation (in
/// `reset_corr`), the revocation (in `CORR`).
fn flow(reset_corr: &str) -> Vec<Value> {
    vec![
        ual(
            30,
            "Update user.",
            "c0ffee00-0000-4000-8000-0000000000aa",
            1,
        ),
        ual(59, RESET, reset_corr, 2),
        {
            let mut sts = ual(0, STS, CORR, 3);
            sts["CreationTime"] = json!("2024-05-02T10:30:00");
            sts
        },
    ]
}

/// A Microsoft Graph audit log query record (`/security/auditLog/queries/{id}/records`).
fn graph_record(r: &Value) -> Value {
    json!({"id": r["Id"], "createdDateTime": format!("{}Z", r["CreationTime"].as_str().unwrap()),
        "auditLogRecordType": "azureActiveDirectory", "operation": r["Operation"],
        "organizationId": r["OrganizationId"], "userType": "regular",
        "userId": "10037FFE80000001@contoso.com", "service": "AzureActiveDirectory",
        "objectId": r["ObjectId"], "userPrincipalName": HELPDESK, "clientIp": r["ClientIP"],
        "administrativeUnits": [], "auditData": r})
}

/// A Sentinel OfficeActivity row: the UAL's arrays as JSON text, `OfficeObjectId`,
/// `AADTarget`, `OfficeWorkload`, `OfficeId`.
fn office_activity(r: &Value) -> Value {
    json!({"TenantId": r["OrganizationId"],
        "TimeGenerated": format!("{}Z", r["CreationTime"].as_str().unwrap()),
        "Operation": r["Operation"], "OrganizationId": r["OrganizationId"], "UserType": "Regular",
        "UserKey": r["UserKey"], "OfficeWorkload": "AzureActiveDirectory", "ResultStatus": "Success",
        "OfficeObjectId": r["ObjectId"], "UserId": r["UserId"], "ClientIP": r["ClientIP"],
        "Actor": r["Actor"].to_string(), "ActorContextId": r["ActorContextId"], "ActorIpAddress": "",
        "AzureActiveDirectory_EventType": "1", "ExtendedProperties": r["ExtendedProperties"].to_string(),
        "ModifiedProperties": r["ModifiedProperties"].to_string(), "AADTarget": r["ObjectId"],
        "InterSystemsId": r["InterSystemsId"], "IntraSystemId": r["IntraSystemId"],
        "TargetContextId": r["TargetContextId"], "RecordType": "AzureActiveDirectory",
        "SourceSystem": "OfficeActivityManager", "OfficeId": r["Id"], "Type": "OfficeActivity"})
}

/// Hawk's simple view of a Search-UnifiedAuditLog result: the arrays spread over
/// `Actor_0_ID`, `ModifiedProperties_0_Name`… columns (an empty array as "").
fn hawk(r: &Value) -> Vec<(String, String)> {
    let time = r["CreationTime"].as_str().unwrap();
    let ms = chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M:%S")
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let mut out: Vec<(String, String)> = [
        ("RunspaceId", "3c3c".to_owned()),
        ("RecordType", "8".to_owned()),
        ("CreationDate", format!("/Date({ms})/")),
        ("UserIds", HELPDESK.to_owned()),
        ("Operations", r["Operation"].as_str().unwrap().to_owned()),
        ("ResultIndex", "1".to_owned()),
        ("ResultCount", "3".to_owned()),
        ("Identity", r["Id"].as_str().unwrap().to_owned()),
        ("IsValid", "True".to_owned()),
        ("ObjectState", "Unchanged".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (k, v) in r.as_object().unwrap() {
        match v {
            Value::Array(items) if items.is_empty() => out.push((k.clone(), String::new())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    for (f, x) in item.as_object().unwrap() {
                        let text = x.as_str().map_or_else(|| x.to_string(), str::to_owned);
                        out.push((format!("{k}_{i}_{f}"), text));
                    }
                }
            }
            Value::String(s) => out.push((k.clone(), s.clone())),
            other => out.push((k.clone(), other.to_string())),
        }
    }
    out
}

/// CSV text of rows of (column, value), every field quoted (Export-Csv); the header is the
/// union of the rows' columns, in the order first seen.
fn csv_text(rows: &[Vec<(String, String)>]) -> String {
    let mut header: Vec<String> = Vec::new();
    for row in rows {
        for (k, _) in row {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = header.iter().map(|h| q(h)).collect::<Vec<_>>().join(",") + "\r\n";
    for row in rows {
        let cells: Vec<String> = header
            .iter()
            .map(|h| q(row.iter().find(|(k, _)| k == h).map_or("", |(_, v)| v)))
            .collect();
        out += &(cells.join(",") + "\r\n");
    }
    out
}

/// The Sentinel portal's CSV export of OfficeActivity rows (`TimeGenerated [UTC]`).
fn office_activity_csv(rows: &[Value]) -> String {
    let rows: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            office_activity(r)
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let k = if k == "TimeGenerated" {
                        "TimeGenerated [UTC]".to_owned()
                    } else {
                        k.clone()
                    };
                    (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                })
                .collect()
        })
        .collect();
    csv_text(&rows)
}

/// The Entra admin center's "Download" (CSV) of the same records (Graph activity names).
fn entra_download(rows: &[Value]) -> String {
    let header = "Date (UTC),CorrelationId,Service,Category,Activity,Result,ResultReason,User Agent,ActorType,ActorDisplayName,ActorObjectId,ActorUserPrincipalName,IPAddress,ActorHomeTenantId,ActorHomeTenantName,ActorServicePrincipalId,ActorServicePrincipalName,Target1Type,Target1DisplayName,Target1ObjectId,Target1UserPrincipalName,Target1ModifiedProperty1Name,Target1ModifiedProperty1OldValue,Target1ModifiedProperty1NewValue,Target2Type,Target2DisplayName,Target2ObjectId,Target2UserPrincipalName";
    let mut out = header.to_owned() + "\r\n";
    for r in rows {
        let op = r["Operation"].as_str().unwrap().trim_end_matches('.');
        let props = if op == STS.trim_end_matches('.') {
            "StsRefreshTokensValidFrom,\"[\"\"2024-05-01T00:00:00Z\"\"]\",\"[\"\"2024-05-02T10:30:00Z\"\"]\""
        } else {
            ",,"
        };
        // A group named like the victim beside each record's user: it is not the target.
        out += &format!(
            "{}.1230000+00:00,{},Core Directory,UserManagement,{op},success,,,User,Helpdesk Admin,{HELPDESK_ID},{HELPDESK},198.51.100.23,,,,,User,Victim User,{VICTIM_ID},{VICTIM},{props},Group,{VICTIM},9f9f9f00-0000-4000-8000-00000000009f,\r\n",
            r["CreationTime"].as_str().unwrap(),
            r["InterSystemsId"].as_str().unwrap(),
        );
    }
    out
}

fn json_lines(rows: impl Iterator<Item = Value>) -> String {
    rows.map(|v| v.to_string()).collect::<Vec<_>>().join("\n") + "\n"
}

/// Each shape of the flow: (file name, text, whether the shape carries a correlation id).
fn flow_shapes(reset_corr: &str) -> Vec<(&'static str, String, bool)> {
    let rows = flow(reset_corr);
    let no_audit = |r: &Value| {
        let mut g = graph_record(r);
        // A Graph record's auditData can come back empty: its own columns still name it.
        if r["Operation"] != STS {
            g["auditData"] = json!("");
        }
        g
    };
    // A script's Export-Csv (or ConvertTo-Json at its default depth) writes a nested
    // auditData as `System.Collections.Hashtable`: the record's own `objectId` names the
    // target, of the STS event as of the records beside it.
    let hashtable = |r: &Value| {
        let mut g = graph_record(r);
        g["auditData"] = json!("System.Collections.Hashtable");
        g["administrativeUnits"] = json!("");
        g
    };
    let hashtable_csv: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            let g = hashtable(r);
            g.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .collect();
    vec![
        (
            "graph-records-hashtable.csv",
            csv_text(&hashtable_csv),
            false,
        ),
        (
            "graph-records-hashtable.json",
            serde_json::to_string_pretty(&rows.iter().map(hashtable).collect::<Vec<_>>()).unwrap(),
            false,
        ),
        (
            "graph-records.json",
            serde_json::to_string_pretty(&rows.iter().map(graph_record).collect::<Vec<_>>())
                .unwrap(),
            true,
        ),
        (
            "graph-records.jsonl",
            json_lines(rows.iter().map(graph_record)),
            true,
        ),
        (
            "graph-records-no-audit.jsonl",
            json_lines(rows.iter().map(no_audit)),
            false,
        ),
        (
            "officeactivity.jsonl",
            json_lines(rows.iter().map(office_activity)),
            true,
        ),
        ("officeactivity.csv", office_activity_csv(&rows), true),
        (
            "hawk.json",
            serde_json::to_string_pretty(
                &rows
                    .iter()
                    .map(|r| {
                        Value::Object(
                            hawk(r)
                                .into_iter()
                                .map(|(k, v)| (k, Value::String(v)))
                                .collect(),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
            true,
        ),
        (
            "hawk.csv",
            csv_text(&rows.iter().map(hawk).collect::<Vec<_>>()),
            true,
        ),
        ("entra-download.csv", entra_download(&rows), true),
    ]
}

#[test]
fn a_reset_beside_a_revocation_is_found_in_every_export_shape() {
    let dir = tempfile::tempdir().unwrap();
    // In the revocation's correlation, and (in another correlation) by its target 1 s before.
    for correlated in [true, false] {
        let reset_corr = if correlated {
            CORR
        } else {
            "c0ffee00-0000-4000-8000-0000000000bb"
        };
        for (name, text, has_corr) in flow_shapes(reset_corr) {
            let name = format!("{}-{name}", if correlated { "corr" } else { "near" });
            let path = write(dir.path(), &name, &text);
            let report = scan(&path);
            assert_eq!(report.events.len(), 1, "{name}: the revocation");
            let e = &report.events[0];
            assert!(
                e.parties.target.eq_ignore_ascii_case(VICTIM),
                "{name}: {:?}",
                e.parties
            );
            assert_eq!(report.context.len(), 3, "{name}: every record indexed");
            let related = report.context.related(e, &HintConfig::default().context);
            let reset = related
                .iter()
                .find(|r| {
                    let entry = &report.context.entries[r.entry];
                    report.context.text(entry.operation).starts_with("Reset")
                })
                .unwrap_or_else(|| panic!("{name}: the reset is related: {related:?}"));
            let entry = &report.context.entries[reset.entry];
            assert!(
                report
                    .context
                    .text(entry.target)
                    .eq_ignore_ascii_case(VICTIM),
                "{name}: the reset's target"
            );
            assert!(reset.why.target, "{name}: {:?}", reset.why);
            assert_eq!(
                reset.why.correlation,
                correlated && has_corr,
                "{name}: {:?}",
                reset.why
            );
            assert_eq!(reset.offset_secs, Some(-1), "{name}");
            let b = badges(&report);
            assert!(b.contains(&"reset"), "{name}: {b:?}");
            let line = sts_triage::context::summary::event_line(
                &Inputs::new(&report, HintConfig::default()),
                &report,
                0,
            );
            assert!(
                line.starts_with("reset by the same actor 1 s before"),
                "{name}: {line}"
            );
        }
    }
}

// --- Related records as written ------------------------------------------------------------

#[test]
fn a_related_record_shows_its_target_and_actor_as_written() {
    let dir = tempfile::tempdir().unwrap();
    // The update and the reset write the victim and the admin with capitals; the revocation
    // in lower case.
    let mut rows = flow(CORR);
    for r in &mut rows[..2] {
        r["ObjectId"] = json!("Victim.User@Contoso.com");
        r["UserId"] = json!("HelpDesk.Admin@Contoso.com");
    }
    let path = write(dir.path(), "ual.jsonl", &json_lines(rows.into_iter()));

    let report = scan(&path);
    assert!(
        badges(&report).contains(&"reset"),
        "case is ignored to relate"
    );
    let v = json_report(&path);
    let related = v["findings"][0]["related"].as_array().unwrap();
    assert_eq!(related.len(), 2, "{related:#?}");
    for r in related {
        assert_eq!(r["target"], "Victim.User@Contoso.com", "{r:#}");
        assert_eq!(r["actor"], "HelpDesk.Admin@Contoso.com", "{r:#}");
    }

    // The workbench's context panel shows the same.
    let mut app = app_of(&path, 160, 45);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    let p = d.context.as_ref().expect("context panel open");
    let lines: Vec<String> = (0..p.rows.len())
        .map(|i| p.row_text(&app.report, i).what)
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("by HelpDesk.Admin@Contoso.com → Victim.User@Contoso.com")),
        "{lines:?}"
    );
}

// --- A Graph record whose auditData became a Hashtable --------------------------------------

/// A Microsoft Graph audit log query record whose `auditData` a script wrote as
/// `System.Collections.Hashtable` (the case handed over as CSV, and the same records saved by
/// `ConvertTo-Json` at its default depth, written for this project) still names its target by
/// its own `objectId`: the Target column, the `target:` filter and the event all say it.
#[test]
fn a_hashtable_audit_data_leaves_the_record_s_object_id_as_the_target() {
    let formats = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats");
    for (path, targets, filter) in [
        (
            formats.join("graph-audit-search-hashtable.csv"),
            &[
                "victim.user@contoso.example",
                "second.victim@contoso.example",
                "third.user@contoso.example",
            ][..],
            "second",
        ),
        (
            formats.join("synthetic/graph-records-hashtable.json"),
            &[
                "lena.fischer@fabrikam.example",
                "3c3c3c3c-0000-4000-8000-0000000000c3",
            ][..],
            "lena",
        ),
    ] {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let report = scan(&path);
        let mut got: Vec<&str> = report
            .events
            .iter()
            .map(|e| e.parties.target.as_str())
            .collect();
        got.sort_unstable();
        let mut want = targets.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{name}: the events' targets");

        let mut app = app_of(&path, 160, 45);
        keys(&mut app, "m");
        let col = sts_triage::tui::columns::near_miss(sts_triage::tui::columns::Column::Target);
        let t = &app.near;
        let mut cells: Vec<String> = t.order.iter().map(|&i| app.cell(t, i, col)).collect();
        cells.sort_unstable();
        assert_eq!(cells, want, "{name}: the Target column");
        keys(&mut app, &format!("/target:{filter}"));
        press(&mut app, KeyCode::Enter);
        let shown = support::screen(&app, 160, 45);
        let count = format!("1 of {} shown", targets.len());
        assert!(shown.contains(&count), "{name}: {count}\n{shown}");
    }
    // The reset beside the revocation is related by its target, with no correlation.
    let report = scan(&formats.join("synthetic/graph-records-hashtable.json"));
    assert!(
        report.events.iter().any(|e| {
            report
                .context
                .related(e, &HintConfig::default().context)
                .iter()
                .any(|r| r.why.target && !r.why.correlation)
        }),
        "the reset is related by target"
    );
}
