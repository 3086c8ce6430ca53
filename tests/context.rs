#![allow(clippy::panic, clippy::unwrap_used)]
//! Context beside every verdict, on small inputs written for it in every source shape
//! (UAL JSON lines, CloudAppEvents JSON lines, JSON array and portal CSV, Purview CSV, Graph
//! directoryAudits with sign-ins, Log Analytics AuditLogs with SigninLogs rows, AuditLogs
//! CSV), each once with flagged STS events and once with every STS event a near miss: the
//! target and actor of each STS event, the records related to it, the context hints, and
//! rows that are the same with or without context.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

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

fn guid(s: &str) -> String {
    // A stable synthetic object id per name.
    let h = s
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("{h:08x}-0000-4000-8000-{:012x}", s.len())
}

fn ual(e: &Ev, i: usize) -> Value {
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

fn cloud_app(e: &Ev, i: usize) -> Value {
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

fn entra(e: &Ev, i: usize) -> Value {
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

fn purview_csv(evs: &[Ev]) -> String {
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
fn cloud_app_csv(evs: &[Ev]) -> String {
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
fn log_analytics(e: &Ev, i: usize) -> Value {
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
fn entra_csv(evs: &[Ev]) -> String {
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

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p
}

fn lines(values: impl Iterator<Item = Value>) -> String {
    values.map(|v| v.to_string() + "\n").collect()
}

/// Every shape of the story.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    shapes(dir, &story())
}

fn shapes(dir: &Path, s: &[Ev]) -> Vec<PathBuf> {
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

#[test]
fn every_shape_gives_targets_actors_related_records_and_context_hints() {
    for near in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let s = if near { near_story() } else { story() };
        for path in shapes(dir.path(), &s) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let name = if near {
                format!("{name} (near misses)")
            } else {
                name
            };
            every_shape_case(&name, &path, near);
        }
    }
}

fn every_shape_case(name: &str, path: &Path, near: bool) {
    {
        let report = scan(path, true);
        assert_eq!(report.events.len(), 12, "{name}: STS events");
        assert_eq!(
            report.near_misses.len(),
            if near { 12 } else { 0 },
            "{name}: near misses"
        );
        // An AuditLogs CSV export holds no sign-ins.
        let has_sign_ins = !name.starts_with("auditlogs.csv");
        assert_eq!(
            report.context.len(),
            if has_sign_ins { 16 } else { 14 },
            "{name}: every record indexed"
        );
        let inputs = Inputs::new(&report, HintConfig::default());

        // The helpdesk flow: reset by the same actor 1 s before, in the same correlation,
        // and a sign-in from another address 20 minutes before.
        let i = event_of(&report, HELPDESK, VICTIM);
        let e = &report.events[i];
        assert!(!e.parties.target_id.is_empty(), "{name}: target object id");
        let related = report.context.related(e, &HintConfig::default().context);
        let ops: Vec<&str> = related
            .iter()
            .map(|r| {
                report
                    .context
                    .text(report.context.entries[r.entry].operation)
            })
            .collect();
        assert!(
            ops.iter().any(|o| o.starts_with("Reset user password")),
            "{name}: {ops:?}"
        );
        assert!(
            ops.iter().any(|o| o.starts_with("Update user")),
            "{name}: {ops:?}"
        );
        let reset = related
            .iter()
            .find(|r| {
                report
                    .context
                    .text(report.context.entries[r.entry].operation)
                    .starts_with("Reset")
            })
            .unwrap();
        assert!(
            reset.why.correlation && reset.why.target && reset.why.actor,
            "{name}: {:?}",
            reset.why
        );
        assert_eq!(reset.offset_secs, Some(-1), "{name}");
        // The victim's own sign-in an hour after: the target is its actor (it has no target).
        let victim_sign_in = related.iter().find(|r| {
            let entry = &report.context.entries[r.entry];
            r.offset_secs == Some(3593) && report.context.text(entry.operation) != STS
        });
        assert_eq!(victim_sign_in.is_some(), has_sign_ins, "{name}: {ops:?}");
        if let Some(r) = victim_sign_in {
            assert!(r.why.target && !r.why.actor, "{name}: {:?}", r.why);
        }
        let b = badges(&inputs, i);
        assert!(b.contains(&"reset"), "{name}: {b:?}");
        assert_eq!(b.contains(&"signin"), has_sign_ins, "{name}: {b:?}");
        assert!(
            !b.contains(&"first") && !b.contains(&"self") && !b.contains(&"bulk"),
            "{name}: {b:?}"
        );
        let line = sts_triage::context::summary::event_line(&inputs, &report, i);
        assert!(
            line.starts_with("reset by the same actor 1 s before"),
            "{name}: {line}"
        );

        // A user signing themselves out everywhere.
        let i = event_of(&report, SELF_USER, SELF_USER);
        let b = badges(&inputs, i);
        assert!(b.contains(&"self") && b.contains(&"first"), "{name}: {b:?}");

        // The responder's mass revocation: every one of the ten is bulk, only the first is first.
        let responder: Vec<usize> = (0..report.events.len())
            .filter(|&i| {
                report.events[i]
                    .parties
                    .actor
                    .eq_ignore_ascii_case(RESPONDER)
            })
            .collect();
        assert_eq!(responder.len(), 10, "{name}");
        for (n, &i) in responder.iter().enumerate() {
            let b = badges(&inputs, i);
            assert!(b.contains(&"bulk"), "{name}: {b:?}");
            assert_eq!(b.contains(&"first"), n == 0, "{name} event {n}: {b:?}");
        }
    }
}

#[test]
fn context_never_changes_the_rows_and_a_row_lists_its_targets() {
    let dir = tempfile::tempdir().unwrap();
    for path in inputs(dir.path()) {
        let with = scan(&path, true);
        let without = scan(&path, false);
        let rows = |r: &ScanReport| r.findings.iter().map(|f| f.row.clone()).collect::<Vec<_>>();
        assert_eq!(rows(&with), rows(&without), "{}", path.display());
        assert!(without.context.is_empty());
        for f in &with.findings {
            assert!(!f.targets(&with.events).is_empty(), "{}", path.display());
        }
    }
}

#[test]
fn standard_input_and_gzip_are_indexed_too() {
    let dir = tempfile::tempdir().unwrap();
    let plain = lines(story().iter().enumerate().map(|(i, e)| ual(e, i)));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(plain.as_bytes()).unwrap();
    let gz_path = dir.path().join("ual.jsonl.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let from_gzip = scan(&gz_path, true);
    assert_eq!(from_gzip.context.len(), story().len());

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(plain.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let helpdesk = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["account_display_name"] == HELPDESK)
        .unwrap();
    assert_eq!(helpdesk["targets"], json!([VICTIM]));
    assert!(
        helpdesk["context"]
            .as_str()
            .unwrap()
            .starts_with("reset by the same actor 1 s before")
    );
    let related = helpdesk["related"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["operation"] == "Reset user password." && r["source"] == "(stdin):3"),
        "{related:?}"
    );
}

#[test]
fn a_row_of_several_targets_shows_the_count_and_scan_context_lists_them() {
    // Two revocations by the same actor in the same minute with the same values are one
    // row of the query: its targets are both users.
    let dir = tempfile::tempdir().unwrap();
    let evs = [
        ev(
            "2024-03-04T09:00:00Z",
            STS,
            HELPDESK,
            "a.user@contoso.com",
            "c-a",
            "203.0.113.10",
        ),
        ev(
            "2024-03-04T09:00:00Z",
            STS,
            HELPDESK,
            "b.user@contoso.com",
            "c-b",
            "203.0.113.10",
        ),
    ];
    let path = write(
        dir.path(),
        "two.jsonl",
        &lines(evs.iter().enumerate().map(|(i, e)| ual(e, i))),
    );
    let report = scan(&path, true);
    assert_eq!(report.findings.len(), 1);
    let targets = report.findings[0].targets(&report.events);
    assert_eq!(sts_triage::model::count_label(&targets, "user"), "2 users");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--format", "jsonl", "--context"])
        .arg(&path)
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 10, "{keys:?}");
    assert_eq!(keys[8], "targets");
    assert_eq!(
        v["targets"],
        json!(["a.user@contoso.com", "b.user@contoso.com"])
    );
}

/// The same events read more than once — a CloudAppEvents export (its Timestamp to the 100 ns)
/// and the UAL records it carries (CreationTime to the second, the same event ids), and the
/// UAL file again as `.gz` — are copies: never related records, never counted by a hint.
#[test]
fn copies_of_the_same_event_are_not_related_records_and_change_no_hint() {
    use sts_triage::tui::context_panel::{ContextPanel, Moment};
    let dir = tempfile::tempdir().unwrap();
    let s = story();
    // The CloudAppEvents rows carry a fraction of a second the UAL records do not.
    let cae = lines(s.iter().enumerate().map(|(i, e)| {
        let mut v = cloud_app(e, i);
        v["Timestamp"] = json!(e.time.replace('Z', ".5000000Z"));
        v
    }));
    let plain = lines(s.iter().enumerate().map(|(i, e)| ual(e, i)));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(plain.as_bytes()).unwrap();
    let paths = vec![
        write(dir.path(), "a-cae.jsonl", &cae),
        write(dir.path(), "b-ual.jsonl", &plain),
        {
            let p = dir.path().join("c-ual.jsonl.gz");
            std::fs::write(&p, gz.finish().unwrap()).unwrap();
            p
        },
    ];
    let once = scan(&paths[0], true);
    let thrice = scan_paths(&paths, &ScanOptions::default()).unwrap();
    assert_eq!(thrice.events.len(), 12, "each event counted once");
    let (once_inputs, inputs) = (
        Inputs::new(&once, HintConfig::default()),
        Inputs::new(&thrice, HintConfig::default()),
    );
    let config = HintConfig::default().context;
    for (i, e) in thrice.events.iter().enumerate() {
        let copies = thrice.context.copies(e);
        assert_eq!(copies.len(), 2, "{:?}", e.source);
        let related = thrice.context.related(e, &config);
        assert!(
            related.iter().all(|r| !copies.contains(&r.entry)),
            "a copy is no related record"
        );
        // The same hints as with one copy: a copy makes neither reset nor bulk fire, and a
        // copy written without the fraction of its second does not take `first` away.
        let j = event_of(&once, &e.parties.actor, &e.parties.target);
        assert_eq!(
            badges(&inputs, i),
            badges(&once_inputs, j),
            "{}",
            e.parties.target
        );
    }
    // The helpdesk event: the reset read in all three files is one related record, its
    // two repeats counted.
    let i = event_of(&thrice, HELPDESK, VICTIM);
    let resets: Vec<_> = thrice
        .context
        .related(&thrice.events[i], &config)
        .into_iter()
        .filter(|r| {
            let e = &thrice.context.entries[r.entry];
            thrice.context.text(e.operation) == "Reset user password."
        })
        .collect();
    assert_eq!(resets.len(), 1, "{resets:?}");
    assert_eq!(resets[0].repeats, 2);
    // Its copies one line under it in the context panel.
    let panel = ContextPanel::new(&thrice, i, HintConfig::default());
    let at = panel.rows.iter().position(|m| *m == Moment::Event).unwrap();
    assert_eq!(panel.rows[at + 1], Moment::Copies);
    let text = panel.row_text(&thrice, at + 1);
    assert_eq!(text.offset, "copy");
    assert!(
        text.what.starts_with("2 other copies of this event (")
            && text.what.contains("b-ual.jsonl:4"),
        "{}",
        text.what
    );
    // Not one related record at the event's own second is a copy of it.
    let offsets: Vec<Option<i64>> = (0..panel.rows.len())
        .filter_map(|r| match panel.rows[r] {
            Moment::Related(rel) => Some(rel.offset_secs),
            _ => None,
        })
        .collect();
    assert!(!offsets.contains(&Some(0)), "{offsets:?}");
    let line = sts_triage::context::summary::event_line(&inputs, &thrice, i);
    assert!(line.ends_with("; 2 other copies of this event"), "{line}");
    // The JSON report: the copies apart, never among the related records.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "--format", "json"])
        .args(&paths)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let helpdesk = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["targets"] == json!([VICTIM]))
        .unwrap();
    let copies: Vec<&str> = helpdesk["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert!(copies.iter().any(|c| c.ends_with("c-ual.jsonl.gz:4")));
    for r in helpdesk["related"].as_array().unwrap() {
        assert!(!copies.contains(&r["source"].as_str().unwrap()), "{r}");
    }
}
