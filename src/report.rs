//! The findings report handed over at the end of a triage (Markdown, JSON, CSV), and the
//! text of copied rows. Every string from an event is neutralised and escaped for Markdown
//! and guarded for CSV; JSON keeps the exact values (JSON-escaped).
//!
//! The Markdown report is produced by [`markdown_report`] alone: `sts-triage report` writes
//! it and the workbench's `Y` key copies it, so both are the same text for the same inputs,
//! journal and decisions.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::journal::{Decision, Verdict};
use crate::kql::{KqlDateTime, format_datetime};
use crate::model::{Finding, StsEvent};
use crate::neutralize::{csv_cell, is_dangerous, markdown_cell};
use crate::rule::{RULE_ID, RULE_NAME};
use crate::scan::ScanReport;

/// The version of the JSON report's layout (`report_format`); it changes only when a field
/// is renamed or removed.
pub const JSON_REPORT_FORMAT: u32 = 1;

fn verdict_of(decisions: &HashMap<String, Decision>, key: &str) -> Decision {
    decisions.get(key).cloned().unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "null".to_owned(), |x| x.to_string())
}

fn time_or_dash(t: Option<&KqlDateTime>) -> String {
    t.map_or_else(|| "—".to_owned(), format_datetime)
}

const ROW_HEADER: &str = "| First seen (UTC) | Account | AccountObjectId | Role | IP | Proxy | ISP | +Minutes | Remaining | Events | Source | Verdict | Note | Analyst | Decided (UTC) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

const NEAR_MISS_HEADER: &str = "| Time (UTC) | Actor | Operation | Reason | Source | Event id | Verdict | Note | Analyst | Decided (UTC) |\n|---|---|---|---|---|---|---|---|---|---|\n";

/// Where a finding stands in the files: every event's `file:line`, or the line of the
/// query-result export it was read from.
fn finding_sources(f: &Finding, events: &[StsEvent]) -> Vec<String> {
    if f.events.is_empty() {
        return f.imported_from.iter().map(ToString::to_string).collect();
    }
    f.events
        .iter()
        .map(|&i| events[i].source.to_string())
        .collect()
}

/// The first source, and how many more there are.
fn source_summary(f: &Finding, events: &[StsEvent]) -> String {
    let sources = finding_sources(f, events);
    match sources.split_first() {
        None => String::new(),
        Some((first, [])) => first.clone(),
        Some((first, rest)) => format!("{first} (+{} more)", rest.len()),
    }
}

/// One Markdown table row for a finding.
pub fn finding_line(f: &Finding, events: &[StsEvent], d: &Decision) -> String {
    let r = &f.row;
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        time_or_dash(f.first_time(events).as_ref()),
        markdown_cell(&r.account_display_name),
        markdown_cell(&r.account_object_id),
        markdown_cell(&r.role),
        markdown_cell(&r.ip_address),
        opt(r.is_anonymous_proxy),
        markdown_cell(&r.isp),
        opt(r.token_minutes_added),
        opt(r.token_minutes_remaining),
        f.events.len(),
        markdown_cell(&source_summary(f, events)),
        d.verdict.label(),
        markdown_cell(&d.note),
        markdown_cell(&d.analyst),
        markdown_cell(&d.time),
    )
}

/// The copied text of some findings: a Markdown table.
pub fn findings_table(
    report: &ScanReport,
    indexes: &[usize],
    decisions: &HashMap<String, Decision>,
) -> String {
    let mut out = String::from(ROW_HEADER);
    for &i in indexes {
        let f = &report.findings[i];
        out.push_str(&finding_line(
            f,
            &report.events,
            &verdict_of(decisions, &f.row.key()),
        ));
    }
    out
}

/// The copied text of some near misses: a Markdown table.
pub fn near_miss_table(
    report: &ScanReport,
    event_indexes: &[usize],
    decisions: &HashMap<String, Decision>,
) -> String {
    let mut out = String::from(NEAR_MISS_HEADER);
    for &i in event_indexes {
        let e = &report.events[i];
        let d = verdict_of(decisions, &e.key());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            time_or_dash(e.time.as_ref()),
            markdown_cell(&e.actor),
            markdown_cell(&e.operation),
            markdown_cell(
                &e.near_miss_reason()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
            markdown_cell(&e.source.to_string()),
            markdown_cell(&e.id),
            d.verdict.label(),
            markdown_cell(&d.note),
            markdown_cell(&d.analyst),
            markdown_cell(&d.time),
        );
    }
    out
}

/// Counts of findings per verdict: `[unreviewed, suspicious, legitimate]`.
pub fn verdict_counts(report: &ScanReport, decisions: &HashMap<String, Decision>) -> [usize; 3] {
    let mut counts = [0usize; 3];
    for f in &report.findings {
        counts[slot(verdict_of(decisions, &f.row.key()).verdict)] += 1;
    }
    counts
}

fn slot(v: Verdict) -> usize {
    match v {
        Verdict::Unreviewed => 0,
        Verdict::Suspicious => 1,
        Verdict::Legitimate => 2,
    }
}

/// The SHA-256 of a file's bytes as stored (a gzip file is hashed compressed), read in
/// blocks so that a file of any size is hashed in constant memory. Lowercase hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        }))
}

/// The hash of one input file, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileHash {
    /// Lowercase hex SHA-256 of the bytes as stored.
    Sha256(String),
    /// Why the file could not be hashed (standard input, unreadable since the scan).
    Unavailable(String),
}

/// Where the decisions of a report came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalSource {
    pub path: String,
    /// False when the journal does not exist (no decisions yet).
    pub found: bool,
}

/// What the report says beyond the scan and the decisions: the inputs' hashes and the
/// journal. Computed when the report is made (`sts-triage report`, or `Y` in the workbench).
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// Per input file, by the path the scan shows (`FileSummary::path`).
    pub hashes: HashMap<String, FileHash>,
    pub journal: Option<JournalSource>,
}

impl ReportContext {
    /// Hashes every file of the report (standard input cannot be hashed again: it was
    /// consumed by the scan).
    pub fn new(report: &ScanReport, journal_path: &str, journal_found: bool) -> Self {
        let hashes = report
            .files
            .iter()
            .map(|f| {
                let hash = if f.path == "(stdin)" {
                    FileHash::Unavailable("standard input, not hashed".to_owned())
                } else {
                    match sha256_file(Path::new(&f.path)) {
                        Ok(h) => FileHash::Sha256(h),
                        Err(e) => FileHash::Unavailable(format!("not hashed: {e}")),
                    }
                };
                (f.path.clone(), hash)
            })
            .collect();
        Self {
            hashes,
            journal: Some(JournalSource {
                path: journal_path.to_owned(),
                found: journal_found,
            }),
        }
    }

    fn hash(&self, path: &str) -> FileHash {
        self.hashes
            .get(path)
            .cloned()
            .unwrap_or_else(|| FileHash::Unavailable("not hashed".to_owned()))
    }
}

/// The rows of a report, grouped by verdict, each group in time order.
struct Grouped {
    /// Finding indexes: suspicious, legitimate, unreviewed.
    findings: [Vec<usize>; 3],
    /// Near-miss event indexes: suspicious, legitimate.
    near_misses: [Vec<usize>; 2],
    near_miss_unreviewed: usize,
    time_range: Option<(KqlDateTime, KqlDateTime)>,
    /// Analysts of the suspicious and legitimate decisions reported.
    analysts: BTreeSet<String>,
}

impl Grouped {
    fn new(report: &ScanReport, decisions: &HashMap<String, Decision>) -> Self {
        let mut findings: [Vec<usize>; 3] = Default::default();
        let mut analysts = BTreeSet::new();
        for (i, f) in report.findings.iter().enumerate() {
            let d = verdict_of(decisions, &f.row.key());
            let group = match d.verdict {
                Verdict::Suspicious => 0,
                Verdict::Legitimate => 1,
                Verdict::Unreviewed => 2,
            };
            if group < 2 && !d.analyst.is_empty() {
                analysts.insert(d.analyst);
            }
            findings[group].push(i);
        }
        for group in &mut findings {
            // Oldest first; rows without events (a query-result export) last.
            group.sort_by_cached_key(|&i| {
                let f = &report.findings[i];
                let t = f.first_time(&report.events);
                (t.is_none(), t, &f.row)
            });
        }
        let mut near_misses: [Vec<usize>; 2] = Default::default();
        let mut near_miss_unreviewed = 0;
        for &e in &report.near_misses {
            let d = verdict_of(decisions, &report.events[e].key());
            let group = match d.verdict {
                Verdict::Suspicious => 0,
                Verdict::Legitimate => 1,
                Verdict::Unreviewed => {
                    near_miss_unreviewed += 1;
                    continue;
                }
            };
            if !d.analyst.is_empty() {
                analysts.insert(d.analyst);
            }
            near_misses[group].push(e);
        }
        for group in &mut near_misses {
            group.sort_by_cached_key(|&e| {
                let ev = &report.events[e];
                (ev.time.is_none(), ev.time, e)
            });
        }
        let times = report.events.iter().filter_map(|e| e.time);
        let time_range = times.clone().min().zip(times.max());
        Self {
            findings,
            near_misses,
            near_miss_unreviewed,
            time_range,
            analysts,
        }
    }

    fn unreviewed(&self) -> usize {
        self.findings[2].len()
    }
}

/// The warning of a report with unreviewed rows, or None when every row is decided.
pub fn unreviewed_warning(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
) -> Option<String> {
    let unreviewed = verdict_counts(report, decisions)[0];
    (unreviewed > 0).then(|| {
        format!(
            "{unreviewed} of {} flagged rows are still unreviewed",
            report.findings.len()
        )
    })
}

/// The Markdown findings report: rule, files with their SHA-256, journal, time range,
/// counts per verdict (a warning while rows are unreviewed), then the suspicious, the
/// legitimate and the unreviewed rows, then the near misses marked suspicious or legitimate.
/// This is the one producer of the report: `sts-triage report` and the `Y` key both use it.
pub fn markdown_report(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> String {
    let g = Grouped::new(report, decisions);
    let mut out = String::new();
    let _ = writeln!(out, "# Findings: {RULE_NAME}\n");
    let _ = writeln!(out, "- Rule: {RULE_NAME} (id {RULE_ID})");
    let _ = writeln!(out, "- Files:");
    for f in &report.files {
        let hash = match ctx.hash(&f.path) {
            FileHash::Sha256(h) => format!("SHA-256 `{h}`"),
            FileHash::Unavailable(why) => format!("SHA-256 unavailable ({})", markdown_cell(&why)),
        };
        let _ = writeln!(
            out,
            "  - {}: {}, {} bytes, {} records, {} STS events, {} skipped; {hash}",
            markdown_cell(&f.path),
            markdown_cell(&f.format),
            f.bytes,
            f.records,
            f.sts_events,
            f.skipped
        );
    }
    if let Some(j) = &ctx.journal {
        let _ = writeln!(
            out,
            "- Journal: {}{}",
            markdown_cell(&j.path),
            if j.found {
                ""
            } else {
                " (not found: no decisions)"
            }
        );
    }
    match &g.time_range {
        Some((min, max)) => {
            let _ = writeln!(
                out,
                "- Time range of the STS events (UTC): {} – {}",
                format_datetime(min),
                format_datetime(max)
            );
        }
        None => {
            let _ = writeln!(out, "- Time range of the STS events (UTC): none recorded");
        }
    }
    let [suspicious, legitimate, unreviewed] = &g.findings;
    let _ = writeln!(
        out,
        "- Rows flagged: {} (suspicious {}, legitimate {}, unreviewed {})",
        report.findings.len(),
        suspicious.len(),
        legitimate.len(),
        unreviewed.len()
    );
    let _ = writeln!(
        out,
        "- Near misses: {} (suspicious {}, legitimate {}, unreviewed {})",
        report.near_misses.len(),
        g.near_misses[0].len(),
        g.near_misses[1].len(),
        g.near_miss_unreviewed
    );
    let analysts: Vec<String> = g.analysts.iter().map(|a| markdown_cell(a)).collect();
    let _ = writeln!(
        out,
        "- Analysts: {}",
        if analysts.is_empty() {
            "none".to_owned()
        } else {
            analysts.join(", ")
        }
    );
    if let Some(w) = unreviewed_warning(report, decisions) {
        let _ = writeln!(
            out,
            "\n> **Warning: {w}.** They are listed under *Unreviewed rows*; this report is not final."
        );
    }
    let sections = [
        ("Suspicious rows", suspicious),
        ("Legitimate rows", legitimate),
        ("Unreviewed rows", unreviewed),
    ];
    for (title, rows) in sections {
        let _ = writeln!(out, "\n## {title} ({})\n", rows.len());
        if rows.is_empty() {
            let _ = writeln!(out, "None.");
        } else {
            out.push_str(&findings_table(report, rows, decisions));
        }
    }
    let sections = [
        ("Near misses marked suspicious", &g.near_misses[0]),
        ("Near misses marked legitimate", &g.near_misses[1]),
    ];
    for (title, events) in sections {
        let _ = writeln!(out, "\n## {title} ({})\n", events.len());
        if events.is_empty() {
            let _ = writeln!(out, "None.");
        } else {
            let _ = writeln!(
                out,
                "STS refresh-token events the query passed over, with the clause that dropped them.\n"
            );
            out.push_str(&near_miss_table(report, events, decisions));
        }
    }
    out
}

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
    let files: Vec<serde_json::Value> = report
        .files
        .iter()
        .map(|f| {
            let (sha256, why) = match ctx.hash(&f.path) {
                FileHash::Sha256(h) => (Some(h), None),
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
            serde_json::Value::Object(obj)
        })
        .collect();
    let counts = |total: usize, s: usize, l: usize, u: usize| json!({"total": total, "suspicious": s, "legitimate": l, "unreviewed": u});
    json!({
        "report_format": JSON_REPORT_FORMAT,
        "rule": {"name": RULE_NAME, "id": RULE_ID},
        "files": files,
        "journal": ctx.journal.as_ref().map(|j| json!({"path": j.path, "found": j.found})),
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

/// Writes the JSON report, pretty-printed. DEL, the C1 controls and the bidi controls are
/// written as `\uXXXX` escapes too (serde_json escapes only C0): the values are unchanged
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
            let _ = write!(safe, "\\u{:04x}", c as u32);
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    out.write_all(safe.as_bytes())
}

/// The CSV report's header.
pub const CSV_COLUMNS: [&str; 17] = [
    "verdict",
    "note",
    "analyst",
    "decided_at",
    "first_seen",
    "last_seen",
    "events",
    "sources",
    "account_object_id",
    "account_display_name",
    "role",
    "ip_address",
    "is_anonymous_proxy",
    "isp",
    "token_minutes_added",
    "token_minutes_remaining",
    "key",
];

/// Writes the CSV report: one row per finding (suspicious, legitimate, then unreviewed),
/// every string neutralised and guarded against formula injection. Sources are joined
/// with `; `.
pub fn write_csv(
    out: &mut dyn Write,
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
) -> io::Result<()> {
    let g = Grouped::new(report, decisions);
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| io::Error::other(e.to_string());
    w.write_record(CSV_COLUMNS).map_err(err)?;
    let num = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    for &i in g.findings.iter().flatten() {
        let f = &report.findings[i];
        let r = &f.row;
        let key = r.key();
        let d = verdict_of(decisions, &key);
        let last = f.events.iter().filter_map(|&e| report.events[e].time).max();
        w.write_record([
            d.verdict.label().to_owned(),
            csv_cell(&d.note),
            csv_cell(&d.analyst),
            csv_cell(&d.time),
            f.first_time(&report.events)
                .as_ref()
                .map(format_datetime)
                .unwrap_or_default(),
            last.as_ref().map(format_datetime).unwrap_or_default(),
            f.events.len().to_string(),
            csv_cell(&finding_sources(f, &report.events).join("; ")),
            csv_cell(&r.account_object_id),
            csv_cell(&r.account_display_name),
            csv_cell(&r.role),
            csv_cell(&r.ip_address),
            r.is_anonymous_proxy
                .map(|b| b.to_string())
                .unwrap_or_default(),
            csv_cell(&r.isp),
            num(r.token_minutes_added),
            num(r.token_minutes_remaining),
            key,
        ])
        .map_err(err)?;
    }
    w.flush()
}
