//! A JSON-lines line that holds several records (a Graph page saved a line
//! `{"@odata.context":…,"value":[…]}`, an array, Defender's `{"records":[…]}`) and not the STS
//! operation's name, past the first 1,000 records (where the prefilter passes over lines
//! without the name): inside the first 2 MiB block (read line by line on the dispatching
//! thread) and past it (the scanning threads' blocks). Its records are counted, related and
//! hinted as the same records written one a line, in one pass and in the workbench's two
//! (`load::context_pass`). Before, such a line was passed over as one record: the header's
//! count missed its records, and the STS event's reset and sign-ins in it were no related
//! records (`first` instead of `reset signin`); records one a line past the first 1,000 in
//! the first block were not indexed at all.

use super::*;
use crate::support::context::{doc_text, timeline};
use crate::two_passes::one_and_two_passes;
use ratatui::crossterm::event::KeyCode;
use sts_triage::context::summary::event_line;

const ACTOR: &str = "helpdesk@contoso.com";
const TARGET: &str = "victim@contoso.com";

/// An unrelated sign-in of another day, `pad` bytes of user agent long (the records'
/// size decides which block the related records fall into).
fn filler(i: usize, pad: usize) -> Value {
    json!({"CreationTime": format!("2025-09-{:02}T{:02}:{:02}:00", 1 + i % 20, i % 24, i % 60),
        "Id": format!("f{i:06}"), "Operation": "UserLoggedIn", "RecordType": 15,
        "ResultStatus": "Success", "Workload": "AzureActiveDirectory",
        "ClientIP": format!("192.0.2.{}", i % 250), "ObjectId": "app-1",
        "UserId": format!("user{}@contoso.com", i % 300),
        "ExtendedProperties": [{"Name": "UserAgent", "Value": "x".repeat(pad)}],
        "Actor": [{"ID": format!("user{}@contoso.com", i % 300), "Type": 5}]})
}

fn audit(time: &str, id: &str, op: &str, actor: &str, ip: &str) -> Value {
    json!({"CreationTime": time, "Id": id, "Operation": op, "RecordType": 8,
        "ResultStatus": "Success", "Workload": "AzureActiveDirectory", "ClientIP": ip,
        "ObjectId": TARGET, "UserId": actor, "Actor": [{"ID": actor, "Type": 5}],
        "Target": [{"ID": TARGET, "Type": 5}]})
}

/// The helpdesk's reset of the target and its update, then two sign-ins of the helpdesk
/// from another address than the revocation's and one of the target.
fn related() -> (Vec<Value>, Vec<Value>) {
    let changes = vec![
        audit(
            "2025-10-01T14:30:00",
            "reset-1",
            "Reset user password.",
            ACTOR,
            "",
        ),
        audit("2025-10-01T14:31:00", "upd-1", "Update user.", ACTOR, ""),
    ];
    let sign_ins = (0..3)
        .map(|k| {
            let who = if k < 2 { ACTOR } else { TARGET };
            json!({"CreationTime": format!("2025-10-01T14:{}:00", 33 + k), "Id": format!("si-{k}"),
                "Operation": "UserLoggedIn", "RecordType": 15, "ResultStatus": "Success",
                "Workload": "AzureActiveDirectory", "ClientIP": format!("203.0.113.{}", 50 + k),
                "ObjectId": "app-x", "UserId": who, "Actor": [{"ID": who, "Type": 5}]})
        })
        .collect();
    (changes, sign_ins)
}

fn revocation() -> Value {
    let mut v = audit("2025-10-01T14:32:27", "sts-1", STS, ACTOR, "198.51.100.7");
    v["ModifiedProperties"] =
        support::ual_sts_props("2025-06-15T08:12:03Z", "2025-10-01T14:32:26Z");
    v
}

/// How the related records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    OneALine,
    GraphPage,
    Array,
    Records,
    /// Each record a JSON string holding its text (a double-encoded log line).
    JsonString,
}

/// `before` fillers of `pad` bytes, the reset and the update as `shapes.0` writes them, the
/// sign-ins as `shapes.1` does, 20 more fillers, then the revocation.
fn write(path: &Path, before: usize, pad: usize, shapes: (Shape, Shape)) {
    let (changes, sign_ins) = related();
    let mut out: Vec<Value> = (0..before).map(|i| filler(i, pad)).collect();
    let envelope = |records: Vec<Value>, shape| match shape {
        Shape::OneALine => records,
        Shape::GraphPage => vec![json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
            "value": records})],
        Shape::Array => vec![Value::Array(records)],
        Shape::Records => vec![json!({ "records": records })],
        Shape::JsonString => records
            .into_iter()
            .map(|r| Value::String(r.to_string()))
            .collect(),
    };
    out.extend(envelope(changes, shapes.0));
    out.extend(envelope(sign_ins, shapes.1));
    out.extend((before..before + 20).map(|i| filler(i, pad)));
    out.push(revocation());
    std::fs::write(path, lines(out.into_iter())).unwrap();
}

/// What the analyst sees of the revocation: the records read, its hints, its context line,
/// and its related records (offset, why, operation, actor; not their places, which differ
/// between the shapes).
fn seen(report: &ScanReport) -> (u64, Vec<&'static str>, String, Vec<String>) {
    assert_eq!(report.events.len(), 1);
    let inputs = Inputs::new(report, HintConfig::default());
    let e = &report.events[0];
    let related = report
        .context
        .related(e, &HintConfig::default().context)
        .iter()
        .map(|r| {
            let entry = &report.context.entries[r.entry];
            format!(
                "{:?} {:?} {} by {}",
                r.offset_secs,
                r.why,
                report.context.text(entry.operation),
                report.context.text(entry.actor)
            )
        })
        .collect();
    (
        report.files[0].records,
        badges(&inputs, 0),
        event_line(&inputs, report, 0),
        related,
    )
}

/// The context panel of the workbench over `report`: the revocation's drill-down, `x`.
fn panel(report: ScanReport) -> Vec<String> {
    let mut app = support::sized(support::workbench("j.jsonl", "a", report), 160, 45);
    support::press(&mut app, KeyCode::Enter);
    support::press(&mut app, KeyCode::Char('x'));
    timeline(&app)
}

#[test]
fn envelope_lines_past_the_first_records_are_counted_and_related_as_one_record_a_line() {
    let dir = tempfile::tempdir().unwrap();
    // 1,050 records of ~300 bytes: past the first 1,000 records, inside the first block;
    // of ~2,300 bytes: past the first 2 MiB block too.
    for (place, pad) in [("first block", 100), ("later block", 2100)] {
        let plain = dir.path().join("plain.jsonl");
        write(&plain, 1050, pad, (Shape::OneALine, Shape::OneALine));
        let (one, two) = one_and_two_passes(std::slice::from_ref(&plain));
        let want = seen(&one);
        assert_eq!(want.0, 1050 + 5 + 20 + 1, "{place}: every record counted");
        assert_eq!(want.1, ["reset", "signin"], "{place}: {want:?}");
        assert_eq!(want.3.len(), 5, "{place}: {want:?}");
        assert_eq!(seen(&two), want, "{place}: two passes");
        let want_panel = panel(one);
        assert_eq!(
            want_panel.len(),
            6,
            "{place}: the event and 5 records: {want_panel:?}"
        );
        assert_eq!(panel(two), want_panel, "{place}: two passes");
        for shapes in [
            (Shape::GraphPage, Shape::Array),
            (Shape::Records, Shape::Records),
            (Shape::JsonString, Shape::JsonString),
            (Shape::OneALine, Shape::JsonString),
        ] {
            let path = dir.path().join(format!("{:?}.jsonl", shapes.0));
            write(&path, 1050, pad, shapes);
            let (one, two) = one_and_two_passes(std::slice::from_ref(&path));
            assert!(one.files[0].bytes > if pad > 1000 { 2 << 20 } else { 0 });
            assert_eq!(seen(&one), want, "{place}, {shapes:?}: one pass");
            assert_eq!(seen(&two), want, "{place}, {shapes:?}: two passes");
            assert_eq!(panel(one), want_panel, "{place}, {shapes:?}: one pass");
            assert_eq!(panel(two), want_panel, "{place}, {shapes:?}: two passes");
        }
    }
}

/// A query-result row (its `tokenMinutesRemaining` holds the prefilter's `sR`) past the first
/// 1,000 records and the first block: from it on every line is parsed, and the rest of its
/// block, whose lines the scanning thread had indexed already, is read line by line. Each
/// record is related and indexed once, as in the workbench's two passes (which never parse
/// the row).
#[test]
fn records_after_a_query_result_row_in_a_block_are_indexed_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    let (changes, sign_ins) = related();
    let mut out: Vec<Value> = (0..8000).map(|i| filler(i, 100)).collect();
    out.push(
        json!({"AccountObjectId": "o-1", "AccountDisplayName": "StsRefreshTokenValidFrom",
        "Role": "User", "IPAddress": "192.0.2.1", "IsAnonymousProxy": false, "ISP": "",
        "tokenMinutesAdded": 5, "tokenMinutesRemaining": 3}),
    );
    out.extend(changes);
    out.extend(sign_ins);
    out.push(revocation());
    std::fs::write(&path, lines(out.into_iter())).unwrap();
    let (one, two) = one_and_two_passes(std::slice::from_ref(&path));
    assert!(
        one.files[0].format.contains("query result"),
        "the row is read: {}",
        one.files[0].format
    );
    // Every record once: the fillers, the row, the related records and the revocation.
    assert_eq!(one.files[0].records, 8000 + 1 + 5 + 1);
    assert_eq!(one.context.len() as u64, one.files[0].records);
    assert_eq!(two.context.len(), one.context.len());
    let seen_once = seen(&one);
    assert_eq!(seen_once.1, ["reset", "signin"], "{seen_once:?}");
    assert_eq!(seen_once.3.len(), 5, "{seen_once:?}");
    assert_eq!(seen(&two), seen_once);
}

/// A related record written as a JSON string (a double-encoded log line) opens, from the
/// context panel, as the record the string holds: the read-back decodes the string at the
/// record's place. Before, such records were counted but never related (`first`, "no
/// related records"), and a read-back there found no record.
#[test]
fn a_related_record_written_as_a_json_string_opens_as_the_record_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strings.jsonl");
    write(&path, 1050, 100, (Shape::JsonString, Shape::OneALine));
    let (one, two) = one_and_two_passes(std::slice::from_ref(&path));
    for (passes, report) in [("one pass", one), ("two passes", two)] {
        let mut app = support::sized(support::workbench("j.jsonl", "a", report), 160, 45);
        support::press(&mut app, KeyCode::Enter);
        support::press(&mut app, KeyCode::Char('x'));
        let rows = timeline(&app);
        assert!(
            rows[0].contains("Reset user password."),
            "{passes}: {rows:?}"
        );
        for _ in 0..rows.len() {
            support::press(&mut app, KeyCode::Char('k'));
        }
        support::press(&mut app, KeyCode::Enter);
        let shown = doc_text(&app);
        assert!(
            shown.contains("\"reset-1\"") && shown.contains("Reset user password."),
            "{passes}: the reset as the string holds it:\n{shown}"
        );
        assert!(!shown.contains("changed since"), "{passes}:\n{shown}");
    }
}

/// Rows of the query's own result appended after 1,000 and more records of another export
/// (`cat ual.jsonl result.jsonl`), each without the STS operation's name (the eight columns
/// only), in the first block and past it: every row is read, in one pass and in two. Before,
/// the prefilter passed over them: rows to triage silently missing.
#[test]
fn query_result_rows_after_the_first_records_are_read() {
    let dir = tempfile::tempdir().unwrap();
    for (place, pad) in [("first block", 100), ("later block", 2100)] {
        let path = dir.path().join("appended.jsonl");
        let mut out: Vec<Value> = (0..1500).map(|i| filler(i, pad)).collect();
        out.extend((0..3).map(|k| {
            json!({"AccountObjectId": format!("o-{k}"), "AccountDisplayName": format!("Admin {k}"),
                "Role": "User", "IPAddress": "192.0.2.1", "IsAnonymousProxy": false, "ISP": "",
                "tokenMinutesAdded": 5 + k, "TOKENMINUTESREMAINING": 3})
        }));
        std::fs::write(&path, lines(out.into_iter())).unwrap();
        let (one, two) = one_and_two_passes(std::slice::from_ref(&path));
        for (passes, report) in [("one pass", &one), ("two passes", &two)] {
            assert_eq!(report.files[0].records, 1503, "{place}, {passes}");
            let names: Vec<&str> = report
                .findings
                .iter()
                .map(|f| f.row.account_display_name.as_str())
                .collect();
            assert_eq!(
                names.len(),
                3,
                "{place}, {passes}: the three rows: {names:?}"
            );
        }
    }
}
