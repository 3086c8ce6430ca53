//! The JSON report: exact values, stable field names.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;

use super::{FileHash, Grouped, ReportContext, finding_sources, unreviewed_warning, verdict_of};
use crate::context::summary;
use crate::hints::{HintConfig, Inputs};
use crate::journal::Decision;
use crate::kql::format_datetime;
use crate::neutralize::{is_dangerous, push_json_escape};
use crate::rule::{RULE_ID, RULE_NAME};
use crate::scan::ScanReport;

/// The version of the JSON report's layout (`report_format`); it changes only when a field
/// is renamed or removed.
pub const JSON_REPORT_FORMAT: u32 = 1;

fn decision_json(d: &Decision) -> [(&'static str, serde_json::Value); 4] {
    [
        ("verdict", json!(d.verdict.label())),
        ("note", json!(d.note)),
        ("analyst", json!(d.analyst)),
        ("decided_at", json!((!d.time.is_empty()).then_some(&d.time))),
    ]
}

/// The JSON findings report, as a value. Field names are stable (see README); values are
/// exact, as read.
pub fn json_report(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> serde_json::Value {
    let g = Grouped::new(report, decisions);
    let inputs = Inputs::new(report, HintConfig::default());
    let files: Vec<serde_json::Value> = report
        .files
        .iter()
        .map(|f| {
            let (sha256, why) = match ctx.hash(&f.path) {
                // `bytes` says how many bytes a followed file's hash covers.
                FileHash::Sha256(h) | FileHash::BytesRead { sha256: h, .. } => (Some(h), None),
                FileHash::Unavailable(why) => (None, Some(why)),
            };
            json!({
                "path": f.path,
                "format": f.format,
                "bytes": f.bytes,
                "records": f.records,
                "sts_events": f.sts_events,
                "skipped": f.skipped,
                "sha256": sha256,
                "sha256_unavailable": why,
            })
        })
        .collect();
    let findings: Vec<serde_json::Value> = g
        .findings
        .iter()
        .flatten()
        .map(|&i| {
            let f = &report.findings[i];
            let r = &f.row;
            let key = r.key();
            let mut obj = serde_json::Map::new();
            obj.insert("key".into(), json!(key));
            for (k, v) in decision_json(&verdict_of(decisions, &key)) {
                obj.insert(k.into(), v);
            }
            let last = f.events.iter().filter_map(|&e| report.events[e].time).max();
            obj.insert(
                "first_seen".into(),
                json!(f.first_time(&report.events).as_ref().map(format_datetime)),
            );
            obj.insert(
                "last_seen".into(),
                json!(last.as_ref().map(format_datetime)),
            );
            obj.insert("events".into(), json!(f.events.len()));
            obj.insert("sources".into(), json!(finding_sources(f, &report.events)));
            obj.insert("account_object_id".into(), json!(r.account_object_id));
            obj.insert("account_display_name".into(), json!(r.account_display_name));
            obj.insert("role".into(), json!(r.role));
            obj.insert("ip_address".into(), json!(r.ip_address));
            obj.insert("is_anonymous_proxy".into(), json!(r.is_anonymous_proxy));
            obj.insert("isp".into(), json!(r.isp));
            obj.insert("token_minutes_added".into(), json!(r.token_minutes_added));
            obj.insert(
                "token_minutes_remaining".into(),
                json!(r.token_minutes_remaining),
            );
            obj.insert("targets".into(), json!(f.targets(&report.events)));
            obj.insert("actors".into(), json!(f.actors(&report.events)));
            obj.insert(
                "context".into(),
                json!(summary::finding_line(&inputs, report, f)),
            );
            let (related, total) = f.events.first().map_or((Vec::new(), 0), |&e| {
                summary::nearest(report, &report.events[e], &inputs)
            });
            let related: Vec<serde_json::Value> = related
                .iter()
                .map(|r| summary::related_json(report, r))
                .collect();
            obj.insert("related".into(), json!(related));
            obj.insert("related_total".into(), json!(total));
            serde_json::Value::Object(obj)
        })
        .collect();
    let near_misses: Vec<serde_json::Value> = g
        .near_misses
        .iter()
        .flatten()
        .map(|&i| {
            let e = &report.events[i];
            let key = e.key();
            let mut obj = serde_json::Map::new();
            obj.insert("key".into(), json!(key));
            for (k, v) in decision_json(&verdict_of(decisions, &key)) {
                obj.insert(k.into(), v);
            }
            let reason = e.near_miss_reason();
            obj.insert("event_id".into(), json!(e.id));
            obj.insert("time".into(), json!(e.time.as_ref().map(format_datetime)));
            obj.insert("actor".into(), json!(e.actor));
            obj.insert("operation".into(), json!(e.operation));
            obj.insert("reason".into(), json!(reason.map(|r| r.code())));
            obj.insert("detail".into(), json!(reason.map(ToString::to_string)));
            obj.insert("source".into(), json!(e.source.to_string()));
            obj.insert("target".into(), json!(e.parties.target_label()));
            obj.insert("actor_id".into(), json!(e.parties.actor_label()));
            obj.insert(
                "context".into(),
                json!(summary::event_line(&inputs, report, i)),
            );
            let (related, total) = summary::nearest(report, e, &inputs);
            let related: Vec<serde_json::Value> = related
                .iter()
                .map(|r| summary::related_json(report, r))
                .collect();
            obj.insert("related".into(), json!(related));
            obj.insert("related_total".into(), json!(total));
            serde_json::Value::Object(obj)
        })
        .collect();
    let counts = |total: usize, s: usize, l: usize, u: usize| json!({"total": total, "suspicious": s, "legitimate": l, "unreviewed": u});
    json!({
        "report_format": JSON_REPORT_FORMAT,
        "rule": {"name": RULE_NAME, "id": RULE_ID},
        "files": files,
        "not_read": report.not_read.iter().map(|n| json!({
            "path": n.path,
            "reason": n.reason,
            "sha256": n.sha256,
        })).collect::<Vec<_>>(),
        "journal": ctx.journal.as_ref().map(|j| json!({
            "path": j.path,
            "found": j.found,
            "entries": j.entries,
            "head_sha256": j.head,
        })),
        "time_range": g.time_range.as_ref().map(|(a, b)| json!({
            "first": format_datetime(a),
            "last": format_datetime(b),
        })),
        "counts": {
            "findings": counts(
                report.findings.len(),
                g.findings[0].len(),
                g.findings[1].len(),
                g.unreviewed(),
            ),
            "near_misses": counts(
                report.near_misses.len(),
                g.near_misses[0].len(),
                g.near_misses[1].len(),
                g.near_miss_unreviewed,
            ),
        },
        "analysts": g.analysts,
        "warning": unreviewed_warning(report, decisions),
        "findings": findings,
        "near_misses": near_misses,
    })
}

/// Writes the JSON report, pretty-printed. DEL, the C1 controls, the bidi controls and the
/// invisible characters are written as `\uXXXX` escapes too (a surrogate pair beyond U+FFFF) (serde_json escapes only C0): the values are unchanged
/// for any JSON reader and the bytes are safe on a terminal.
pub fn write_json(
    out: &mut dyn Write,
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> io::Result<()> {
    let text = serde_json::to_string_pretty(&json_report(report, decisions, ctx))
        .map_err(io::Error::other)?;
    // serde_json escapes the C0 controls in strings, and outside strings writes only ASCII
    // and the line feeds of the layout; so every other dangerous character is inside a
    // string, where the escape stands for it.
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if is_dangerous(c) && c != '\n' {
            push_json_escape(&mut safe, c);
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    out.write_all(safe.as_bytes())
}
