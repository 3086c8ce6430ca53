#![allow(clippy::panic, clippy::unwrap_used)]
//! Deep JSON nesting never hides a flagged event (issue 10): a field nested deeper than
//! serde_json's 128 levels (`"X":[[[[…]]]]`, from whoever controls one field) used to make
//! the whole record "not valid JSON: recursion limit exceeded", so the event was skipped. Now
//! every value below 127 levels is kept as text (U+FFFD and its JSON), the event is evaluated
//! exactly as without the field, marked with the `ctrl` hint and ⚠, in every reader: JSON
//! lines, JSON documents and arrays, gzip, CSV cells, the Graph and Search-UnifiedAuditLog
//! shapes, RawEventData held as text, follow mode; and the drill-down and the context read
//! the same record. Every scan runs on a thread with a 2 MiB stack (the default for a spawned
//! thread), at 130, 100,000 and 1,000,000 levels: nothing recursive walks the depth.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sts_triage::hints::{HintConfig, row_hints};
use sts_triage::load::ScanOptions;
use sts_triage::model::ResultRow;
use sts_triage::scan::{ScanReport, scan_paths};

use super::write;
use crate::support::gzip;

const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const LEVELS: [usize; 3] = [130, 100_000, 1_000_000];
/// Where a generated record gets its deep field.
const MARK: &str = "\"@@DEEP@@\"";

fn deep(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// Runs `f` on a thread with a normal (2 MiB) stack: a recursion over the depth would
/// overflow it and abort the test binary.
fn on_normal_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn scan(path: &Path) -> ScanReport {
    let path = path.to_path_buf();
    on_normal_stack(move || scan_paths(&[path], &ScanOptions::default()).unwrap())
}

/// A UAL record of a token extension by `user`, with `X` (the deep field's place) among its
/// fields.
fn ual(id: &str, user: &str) -> Value {
    json!({
        "CreationTime": "2024-03-02T09:30:11",
        "Id": id,
        "Operation": STS_OP,
        "RecordType": 8,
        "UserId": user,
        "ClientIP": "198.51.100.77",
        "X": "@@DEEP@@",
        "ModifiedProperties": [{
            "Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\r\n  \"2024-03-02T09:00:00Z\"\r\n]",
            "NewValue": "[\r\n  \"2024-02-01T00:00:00Z\"\r\n]"
        }],
        "Actor": [{"ID": user, "Type": 5}, {"ID": "ServicePrincipal", "Type": 2}],
        "Target": [{"ID": format!("User_{id}"), "Type": 2}, {"ID": format!("target-{user}"), "Type": 5}]
    })
}

/// A CloudAppEvents row (advanced hunting) whose RawEventData is the UAL record.
fn cloud_app(id: &str, user: &str, raw_as_text: bool) -> Value {
    let raw = ual(id, user);
    json!({
        "Timestamp": "2024-03-02T09:30:11Z",
        "ActionType": STS_OP,
        "AccountObjectId": format!("oid-{user}"),
        "AccountDisplayName": user,
        "IPAddress": "198.51.100.77",
        "IsAnonymousProxy": false,
        "ISP": "Example ISP",
        "ReportId": format!("r-{id}"),
        "RawEventData": if raw_as_text { Value::String(raw.to_string()) } else { raw }
    })
}

/// The record's text with the deep field in place (or `null`, the control without it).
fn with_deep(record: &Value, levels: Option<usize>) -> String {
    let text = record.to_string();
    match levels {
        None => text.replace(MARK, "null"),
        Some(n) => {
            // Inside JSON text held in a string, the deep field is text too: put it there
            // with its brackets as they are (brackets need no escape).
            let escaped = "\\\"@@DEEP@@\\\"";
            if text.contains(escaped) {
                text.replace(escaped, &deep(n))
            } else {
                text.replace(MARK, &deep(n))
            }
        }
    }
}

/// The flagged row of `user`, with whether it carries the `ctrl` hint and ⚠.
fn row(report: &ScanReport, user: &str) -> (ResultRow, bool, bool) {
    let i = report
        .findings
        .iter()
        .position(|f| {
            f.events.iter().any(|&e| {
                report.events[e].parties.actor == user || &*report.events[e].actor == user
            }) || f.row.account_display_name == user
        })
        .unwrap_or_else(|| {
            panic!(
                "no flagged row for {user:?}; near misses {}, problems {:?}",
                report.near_misses.len(),
                report.problems
            )
        });
    let f = &report.findings[i];
    let ctrl = row_hints(f, HintConfig::default())
        .iter()
        .any(|h| h.badge() == "ctrl");
    let text = sts_triage::tui::items::finding_text(report, i);
    (f.row.clone(), ctrl, text.cells.iter().any(|c| c == "⚠"))
}

/// Scans the file made by `make` from records with the deep field at each depth, and checks
/// that the deep event is flagged exactly as its control without the field, marked, said,
/// and that the events around it are read unmarked.
fn check_reader(name: &str, make: impl Fn(&Path, Option<usize>) -> PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let control = scan(&make(dir.path(), None));
    assert_eq!(control.skipped(), 0, "{name}: {:?}", control.problems);
    let (expected, ..) = row(&control, "deep@x");
    for levels in LEVELS {
        let report = scan(&make(dir.path(), Some(levels)));
        let at = format!("{name} at {levels} levels");
        assert_eq!(report.skipped(), 0, "{at}: {:?}", report.problems);
        assert_eq!(report.findings.len(), 3, "{at}: {:?}", report.problems);
        assert_eq!(report.near_misses.len(), 0, "{at}");
        let (got, ctrl, flag) = row(&report, "deep@x");
        assert_eq!(
            got, expected,
            "{at}: not the row read without the deep field"
        );
        assert!(ctrl && flag, "{at}: the deep event lacks ctrl/⚠");
        for user in ["before@x", "after@x"] {
            let (_, ctrl, flag) = row(&report, user);
            assert!(!ctrl && !flag, "{at}: {user} is marked");
        }
        // The parties (context beside the rows) are those read without the field.
        let parties = |r: &ScanReport| {
            let e = r
                .events
                .iter()
                .find(|e| e.parties.actor == "deep@x" || &*e.actor == "deep@x")
                .unwrap();
            (*e.parties).clone()
        };
        assert_eq!(parties(&report), parties(&control), "{at}");
        // The drill-down: the why panel reads the record back and evaluates it again; the
        // raw panel pretty-prints it.
        let event = report
            .events
            .iter()
            .find(|e| e.parties.actor == "deep@x" || &*e.actor == "deep@x")
            .unwrap();
        let trace = event.trace();
        assert!(trace.action_type_matches, "{at}");
        assert_eq!(trace.minutes_added, expected.token_minutes_added, "{at}");
        let raw = event.raw.text().unwrap();
        let doc = on_normal_stack(move || sts_triage::tui::doc::JsonDoc::parse(&raw).lines.len());
        assert!(
            doc > 5,
            "{at}: the raw panel did not read the record as JSON"
        );
    }
}

/// Three records: before, the deep one, after.
fn three(make: impl Fn(&str, &str) -> Value, levels: Option<usize>) -> Vec<String> {
    vec![
        with_deep(&make("e-before", "before@x"), None),
        with_deep(&make("e-deep", "deep@x"), levels),
        with_deep(&make("e-after", "after@x"), None),
    ]
}

fn lines(records: &[String]) -> Vec<u8> {
    let mut out = records.join("\n").into_bytes();
    out.push(b'\n');
    out
}

#[test]
fn json_lines_plain_and_gzip() {
    check_reader("UAL JSON lines", |dir, levels| {
        write(dir, "ual.jsonl", &lines(&three(ual, levels)))
    });
    check_reader("CloudAppEvents JSON lines, gzip", |dir, levels| {
        let rows = three(|i, u| cloud_app(i, u, false), levels);
        write(dir, "cae.jsonl.gz", &gzip(&lines(&rows)))
    });
    // Log Analytics writes RawEventData as JSON text: the deep field is inside the string.
    check_reader("RawEventData as JSON text", |dir, levels| {
        let rows = three(|i, u| cloud_app(i, u, true), levels);
        write(dir, "la.jsonl", &lines(&rows))
    });
}

#[test]
fn json_documents_arrays_and_gzip() {
    check_reader("{\"value\":[…]} document", |dir, levels| {
        let doc = format!("{{\"value\":[\n{}\n]}}\n", three(ual, levels).join(",\n"));
        write(dir, "ual.json", doc.as_bytes())
    });
    check_reader("array, gzip", |dir, levels| {
        let rows = three(|i, u| cloud_app(i, u, false), levels);
        let doc = format!("[{}]", rows.join(","));
        write(dir, "cae.json.gz", &gzip(doc.as_bytes()))
    });
    check_reader("pretty-printed objects one after another", |dir, levels| {
        let doc: Vec<String> = three(ual, levels)
            .iter()
            .map(|r| r.replacen(",\"", ",\n  \"", 3))
            .collect();
        write(dir, "objects.json", doc.join("\n").as_bytes())
    });
}

/// A CSV cell as Export-Csv writes it.
fn cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[test]
fn csv_audit_data_and_raw_event_data_cells() {
    check_reader("Purview CSV AuditData cell", |dir, levels| {
        let mut csv = "CreationDate,UserIds,Operations,AuditData\n".to_owned();
        for (r, user) in three(ual, levels)
            .iter()
            .zip(["before@x", "deep@x", "after@x"])
        {
            csv.push_str(&format!(
                "2024-03-02T09:30:11,{user},{STS_OP},{}\n",
                cell(r)
            ));
        }
        write(dir, "purview.csv", csv.as_bytes())
    });
    check_reader(
        "Defender portal CSV RawEventData cell, gzip",
        |dir, levels| {
            let mut csv = "Timestamp,ActionType,AccountObjectId,AccountDisplayName,IPAddress,IsAnonymousProxy,ISP,ReportId,RawEventData\n".to_owned();
            for (r, user) in three(ual, levels)
                .iter()
                .zip(["before@x", "deep@x", "after@x"])
            {
                csv.push_str(&format!(
                "2024-03-02T09:30:11Z,{STS_OP},oid-{user},{user},198.51.100.77,false,Example ISP,r-{user},{}\n",
                cell(r)
            ));
            }
            write(dir, "portal.csv.gz", &gzip(csv.as_bytes()))
        },
    );
}

#[test]
fn graph_and_search_unified_audit_log_shapes() {
    // Graph audit log query records: auditData as an object, and as JSON text.
    for as_text in [false, true] {
        check_reader(
            &format!("Graph auditLog records (text: {as_text})"),
            |dir, levels| {
                let rows = three(
                    |id, user| {
                        let inner = ual(id, user);
                        json!({
                            "id": format!("g-{id}"),
                            "createdDateTime": "2024-03-02T09:30:11Z",
                            "operation": STS_OP,
                            "userPrincipalName": user,
                            "auditData": if as_text { Value::String(inner.to_string()) } else { inner }
                        })
                    },
                    levels,
                );
                write(dir, "graph.jsonl", &lines(&rows))
            },
        );
    }
    // Search-UnifiedAuditLog result objects written by ConvertTo-Json (a pretty array).
    check_reader("Search-UnifiedAuditLog ConvertTo-Json", |dir, levels| {
        let rows = three(
            |id, user| {
                json!({
                    "RecordType": "AzureActiveDirectory",
                    "CreationDate": "2024-03-02T09:30:11",
                    "UserIds": user,
                    "Operations": STS_OP,
                    "AuditData": ual(id, user).to_string(),
                    "ResultIndex": 1,
                    "Identity": format!("s-{id}")
                })
            },
            levels,
        );
        write(
            dir,
            "sual.json",
            format!("[\n{}\n]", rows.join(",\n")).as_bytes(),
        )
    });
}

#[test]
fn follow_mode_reads_the_deep_event_as_a_first_load_does() {
    use sts_triage::load::ScanMessage;
    use sts_triage::load::follow::Tail;
    let dir = tempfile::tempdir().unwrap();
    for levels in LEVELS {
        let path = write(dir.path(), "grow.jsonl", &lines(&three(ual, Some(levels))));
        let (events, problems) = on_normal_stack(move || {
            let mut tail = Tail::new(&path);
            let (mut events, mut problems) = (Vec::new(), Vec::new());
            tail.poll(&mut |m| match m {
                ScanMessage::Event(e) => events.push(e),
                ScanMessage::Problem(p) => problems.push(p.message),
                _ => {}
            })
            .unwrap();
            (events, problems)
        });
        let deep = events
            .iter()
            .find(|e| e.id == "e-deep")
            .unwrap_or_else(|| panic!("{levels} levels: the deep event is missing: {problems:?}"));
        assert_eq!(events.len(), 3, "{levels}: {problems:?}");
        assert!(matches!(
            deep.outcome,
            sts_triage::model::Outcome::Flagged(_)
        ));
        assert!(deep.raw.has_replacement(), "{levels}: not marked");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("1 value nested deeper than 127 levels kept as JSON text")),
            "{problems:?}"
        );
    }
}

#[test]
fn a_directory_sync_term_deep_in_the_field_is_still_seen_by_has() {
    // `RawEventData !has "Directorysync"` reads the whole record: the kept text is searched.
    let dir = tempfile::tempdir().unwrap();
    let text = with_deep(&ual("e-sync", "sync@x"), None).replace(
        "\"X\":null",
        &format!(
            "\"X\":{}\"DirectorySync\"{}",
            "[".repeat(300),
            "]".repeat(300)
        ),
    );
    let report = scan(&write(dir.path(), "sync.jsonl", text.as_bytes()));
    assert_eq!(report.skipped(), 0, "{:?}", report.problems);
    assert_eq!(report.findings.len(), 0);
    let miss = report.near_misses[0];
    let reason = match &report.events[miss].outcome {
        sts_triage::model::Outcome::NearMiss(r) => r.to_string(),
        other => panic!("{other:?}"),
    };
    assert!(reason.to_lowercase().contains("directorysync"), "{reason}");
}

#[test]
fn a_deep_value_that_is_not_json_skips_only_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = three(ual, Some(1000));
    // The deep value's innermost part is broken: the record is as damaged as before.
    records[1] = records[1].replacen("[]", "[01]", 1);
    let report = scan(&write(dir.path(), "bad.jsonl", &lines(&records)));
    assert_eq!(report.skipped(), 1);
    assert_eq!(report.findings.len(), 2, "{:?}", report.problems);
    assert!(
        report.problems[0].message.starts_with("not valid JSON:")
            && report.problems[0].line == Some(2),
        "{:?}",
        report.problems
    );
}

#[test]
fn the_binary_keeps_the_flagged_row_of_a_million_levels() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "m.jsonl",
        &lines(&three(|i, u| cloud_app(i, u, false), Some(1_000_000))),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--format", "csv"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("oid-deep@x,deep@x"), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "m.jsonl:2: 1 value nested deeper than 127 levels kept as JSON text (a string starting with U+FFFD)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("0 skipped"), "{stderr}");
}
