//! The story written in every export shape: UAL, CloudAppEvents (JSON lines, array, portal
//! CSV), Purview CSV, Graph directoryAudits, Log Analytics AuditLogs and AuditLogs CSV.

use super::*;

pub(crate) fn guid(s: &str) -> String {
    // A stable synthetic object id per name.
    let h = s
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("{h:08x}-0000-4000-8000-{:012x}", s.len())
}

pub(crate) fn ual(e: &Ev, i: usize) -> Value {
    let props = if e.sts && !e.near {
        json!([{"Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\r\n  \"2024-01-01T00:00:00Z\"\r\n]",
                "NewValue": format!("[\r\n  \"{}\"\r\n]", e.time)}])
    } else {
        json!([])
    };
    let mut target = json!([]);
    if !e.target.is_empty() {
        target = json!([{"ID": format!("User_{}", guid(&e.target)), "Type": 2},
                        {"ID": e.target, "Type": 5}]);
    }
    json!({
        "CreationTime": e.time.trim_end_matches('Z'),
        "Id": format!("00000000-0000-4000-8000-{i:012}"),
        "Operation": e.op,
        "RecordType": if e.op == "UserLoggedIn" { 15 } else { 8 },
        "ResultStatus": "Success",
        "Workload": "AzureActiveDirectory",
        "ClientIP": e.ip,
        "ObjectId": e.target,
        "UserId": e.actor,
        "ModifiedProperties": props,
        "Actor": [{"ID": e.actor, "Type": 5}, {"ID": format!("User_{}", guid(&e.actor)), "Type": 2}, {"ID": "User", "Type": 2}],
        "InterSystemsId": e.corr,
        "Target": target,
    })
}

pub(crate) fn cloud_app(e: &Ev, i: usize) -> Value {
    json!({
        "Timestamp": e.time,
        "ActionType": e.op,
        "Application": "Microsoft 365",
        "AccountObjectId": guid(&e.actor),
        "AccountDisplayName": "Helpdesk",
        "IPAddress": e.ip,
        "IsAnonymousProxy": false,
        "ISP": "Contoso ISP",
        "ReportId": format!("r{i}"),
        "RawEventData": ual(e, i),
    })
}

pub(crate) fn entra(e: &Ev, i: usize) -> Value {
    if e.op == "UserLoggedIn" {
        return json!({"id": format!("s{i}"), "createdDateTime": e.time, "userPrincipalName": e.actor,
            "appDisplayName": "Azure Portal", "ipAddress": e.ip, "correlationId": format!("sign-{i}"),
            "status": {"errorCode": 0}});
    }
    let op = match e.op {
        STS => "Update StsRefreshTokenValidFrom Timestamp",
        "Reset user password." => "Reset user password",
        other => other.trim_end_matches('.'),
    };
    let props = if e.sts && !e.near {
        json!([{"displayName": "StsRefreshTokensValidFrom", "oldValue": "[\"2024-01-01T00:00:00Z\"]",
                "newValue": format!("[\"{}\"]", e.time)}])
    } else {
        json!([])
    };
    json!({"id": format!("Directory_{i}"), "category": "UserManagement", "correlationId": e.corr,
        "result": "success", "activityDisplayName": op, "activityDateTime": e.time,
        "initiatedBy": {"user": {"id": guid(&e.actor), "userPrincipalName": e.actor, "ipAddress": e.ip}},
        "targetResources": [{"id": guid(&e.target), "type": "User", "userPrincipalName": e.target,
            "modifiedProperties": props}]})
}

pub(crate) fn purview_csv(evs: &[Ev]) -> String {
    let mut out = String::from(
        "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n",
    );
    for (i, e) in evs.iter().enumerate() {
        let data = ual(e, i).to_string().replace('"', "\"\"");
        out.push_str(&format!(
            "{},{},8,{},{},\"{data}\",,\r\n",
            guid(&i.to_string()),
            e.time,
            e.op,
            e.actor
        ));
    }
    out
}

/// Defender portal CSV: the row's columns, RawEventData as JSON text in a quoted cell.
pub(crate) fn cloud_app_csv(evs: &[Ev]) -> String {
    let mut out = String::from(
        "Timestamp,ActionType,Application,AccountObjectId,AccountDisplayName,IPAddress,IsAnonymousProxy,ISP,ReportId,RawEventData\r\n",
    );
    for (i, e) in evs.iter().enumerate() {
        let raw = ual(e, i).to_string().replace('"', "\"\"");
        out.push_str(&format!(
            "{},{},Microsoft 365,{},Helpdesk,{},false,Contoso ISP,r{i},\"{raw}\"\r\n",
            e.time,
            e.op,
            guid(&e.actor),
            e.ip
        ));
    }
    out
}

/// Log Analytics rows, one a line: AuditLogs (InitiatedBy and TargetResources as JSON text)
/// and SigninLogs (the user's UPN and object id as columns).
pub(crate) fn log_analytics(e: &Ev, i: usize) -> Value {
    if e.op == "UserLoggedIn" {
        return json!({"TimeGenerated": e.time, "OperationName": "Sign-in activity",
            "Category": "SignInLogs", "ResultType": "0", "CorrelationId": format!("sign-{i}"),
            "UserPrincipalName": e.actor, "UserId": guid(&e.actor), "IPAddress": e.ip,
            "AppDisplayName": "Azure Portal", "Type": "SigninLogs"});
    }
    let g = entra(e, i);
    json!({"TimeGenerated": e.time, "OperationName": g["activityDisplayName"],
        "Category": "UserManagement", "Result": "success", "CorrelationId": e.corr,
        "Id": g["id"], "InitiatedBy": g["initiatedBy"].to_string(),
        "TargetResources": g["targetResources"].to_string(), "Type": "AuditLogs"})
}

/// AuditLogs "Export to CSV" (no sign-in columns: its sign-ins are left out).
pub(crate) fn entra_csv(evs: &[Ev]) -> String {
    let mut out = String::from(
        "TimeGenerated [UTC],OperationName,Category,Result,CorrelationId,Id,InitiatedBy,TargetResources\n",
    );
    for (i, e) in evs
        .iter()
        .enumerate()
        .filter(|(_, e)| e.op != "UserLoggedIn")
    {
        let v = log_analytics(e, i);
        let q = |v: &Value| format!("\"{}\"", v.as_str().unwrap().replace('"', "\"\""));
        out.push_str(&format!(
            "{},{},UserManagement,success,{},{},{},{}\n",
            e.time,
            q(&v["OperationName"]),
            e.corr,
            q(&v["Id"]),
            q(&v["InitiatedBy"]),
            q(&v["TargetResources"]),
        ));
    }
    out
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p
}

pub(crate) fn lines(values: impl Iterator<Item = Value>) -> String {
    values.map(|v| v.to_string() + "\n").collect()
}

/// Every shape of the story.
pub(crate) fn inputs(dir: &Path) -> Vec<PathBuf> {
    shapes(dir, &story())
}

pub(crate) fn shapes(dir: &Path, s: &[Ev]) -> Vec<PathBuf> {
    vec![
        write(dir, "ual.jsonl", &lines(s.iter().enumerate().map(|(i, e)| ual(e, i)))),
        write(
            dir,
            "cae.jsonl",
            &lines(s.iter().enumerate().map(|(i, e)| cloud_app(e, i))),
        ),
        write(
            dir,
            "cae-array.json",
            &serde_json::to_string_pretty(&Value::Array(
                s.iter().enumerate().map(|(i, e)| cloud_app(e, i)).collect(),
            ))
            .unwrap(),
        ),
        write(dir, "purview.csv", &purview_csv(s)),
        write(
            dir,
            "graph.json",
            &serde_json::to_string_pretty(&json!({"value": s.iter().enumerate().map(|(i, e)| entra(e, i)).collect::<Vec<_>>()}))
                .unwrap(),
        ),
        write(dir, "cae-portal.csv", &cloud_app_csv(s)),
        write(
            dir,
            "auditlogs-la.jsonl",
            &lines(s.iter().enumerate().map(|(i, e)| log_analytics(e, i))),
        ),
        write(dir, "auditlogs.csv", &entra_csv(s)),
    ]
}
