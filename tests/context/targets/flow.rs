//! A reset beside a revocation written in the shapes whose target and correlation were not read
//! before: UAL, Microsoft Graph audit log query records, Sentinel OfficeActivity (JSON lines and
//! portal CSV), Hawk's simple view (JSON and CSV), the Entra admin center download.

use super::*;

pub(crate) const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";

pub(crate) const RESET: &str = "Reset user password.";

pub(crate) const CORR: &str = "c0ffee00-0000-4000-8000-0000000000c0";

/// A Unified Audit Log record (Azure AD) of the helpdesk admin on the victim at 10:29:`second`.
pub(crate) fn ual(second: u32, op: &str, corr: &str, n: u32) -> Value {
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
pub(crate) fn flow(reset_corr: &str) -> Vec<Value> {
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
pub(crate) fn graph_record(r: &Value) -> Value {
    json!({"id": r["Id"], "createdDateTime": format!("{}Z", r["CreationTime"].as_str().unwrap()),
        "auditLogRecordType": "azureActiveDirectory", "operation": r["Operation"],
        "organizationId": r["OrganizationId"], "userType": "regular",
        "userId": "10037FFE80000001@contoso.com", "service": "AzureActiveDirectory",
        "objectId": r["ObjectId"], "userPrincipalName": HELPDESK, "clientIp": r["ClientIP"],
        "administrativeUnits": [], "auditData": r})
}

/// A Sentinel OfficeActivity row: the UAL's arrays as JSON text, `OfficeObjectId`,
/// `AADTarget`, `OfficeWorkload`, `OfficeId`.
pub(crate) fn office_activity(r: &Value) -> Value {
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
pub(crate) fn hawk(r: &Value) -> Vec<(String, String)> {
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
pub(crate) fn csv_text(rows: &[Vec<(String, String)>]) -> String {
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
pub(crate) fn office_activity_csv(rows: &[Value]) -> String {
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
pub(crate) fn entra_download(rows: &[Value]) -> String {
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

pub(crate) fn json_lines(rows: impl Iterator<Item = Value>) -> String {
    rows.map(|v| v.to_string()).collect::<Vec<_>>().join("\n") + "\n"
}

/// Each shape of the flow: (file name, text, whether the shape carries a correlation id).
pub(crate) fn flow_shapes(reset_corr: &str) -> Vec<(&'static str, String, bool)> {
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
