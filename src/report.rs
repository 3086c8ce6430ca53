//! The findings report handed over at the end of a triage (Markdown), and the text of
//! copied rows. Every string from an event is neutralised and escaped for Markdown.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::journal::{Decision, Verdict};
use crate::kql::format_datetime;
use crate::model::{Finding, StsEvent};
use crate::neutralize::markdown_cell;
use crate::rule::{RULE_ID, RULE_NAME};
use crate::scan::ScanReport;

fn verdict_of(decisions: &HashMap<String, Decision>, key: &str) -> Decision {
    decisions.get(key).cloned().unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "null".to_owned(), |x| x.to_string())
}

const ROW_HEADER: &str = "| First seen (UTC) | Account | AccountObjectId | Role | IP | Proxy | ISP | +Minutes | Remaining | Events | Verdict | Note |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";

/// One Markdown table row for a finding.
pub fn finding_line(f: &Finding, events: &[StsEvent], d: &Decision) -> String {
    let r = &f.row;
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        f.first_time(events)
            .map_or_else(|| "—".to_owned(), |t| format_datetime(&t)),
        markdown_cell(&r.account_display_name),
        markdown_cell(&r.account_object_id),
        markdown_cell(&r.role),
        markdown_cell(&r.ip_address),
        opt(r.is_anonymous_proxy),
        markdown_cell(&r.isp),
        opt(r.token_minutes_added),
        opt(r.token_minutes_remaining),
        f.events.len(),
        d.verdict.label(),
        markdown_cell(&d.note),
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
    let mut out = String::from(
        "| Time (UTC) | Actor | Operation | Reason | Source | Verdict | Note |\n|---|---|---|---|---|---|---|\n",
    );
    for &i in event_indexes {
        let e = &report.events[i];
        let d = verdict_of(decisions, &e.key());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            e.time
                .as_ref()
                .map_or_else(|| "—".to_owned(), format_datetime),
            markdown_cell(&e.actor),
            markdown_cell(&e.operation),
            markdown_cell(
                &e.near_miss_reason()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
            markdown_cell(&e.source.to_string()),
            d.verdict.label(),
            markdown_cell(&d.note),
        );
    }
    out
}

/// Counts of findings per verdict.
pub fn verdict_counts(report: &ScanReport, decisions: &HashMap<String, Decision>) -> [usize; 3] {
    let mut counts = [0usize; 3];
    for f in &report.findings {
        match verdict_of(decisions, &f.row.key()).verdict {
            Verdict::Unreviewed => counts[0] += 1,
            Verdict::Suspicious => counts[1] += 1,
            Verdict::Legitimate => counts[2] += 1,
        }
    }
    counts
}

/// The Markdown findings report: rule, files, time range, counts per verdict, and the
/// suspicious rows with their notes.
pub fn markdown_report(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    analyst: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Findings: {RULE_NAME}\n");
    let _ = writeln!(out, "- Rule: {RULE_NAME} (id {RULE_ID})");
    if !analyst.is_empty() {
        let _ = writeln!(out, "- Analyst: {}", markdown_cell(analyst));
    }
    let _ = writeln!(out, "- Files:");
    for f in &report.files {
        let _ = writeln!(
            out,
            "  - {} ({}, {} records)",
            markdown_cell(&f.path),
            f.format,
            f.records
        );
    }
    let times: Vec<_> = report.events.iter().filter_map(|e| e.time).collect();
    if let (Some(min), Some(max)) = (times.iter().min(), times.iter().max()) {
        let _ = writeln!(
            out,
            "- Time range: {} – {}",
            format_datetime(min),
            format_datetime(max)
        );
    }
    let [unreviewed, suspicious, legitimate] = verdict_counts(report, decisions);
    let _ = writeln!(
        out,
        "- Rows flagged: {} (suspicious {suspicious}, legitimate {legitimate}, unreviewed {unreviewed}); near misses: {}",
        report.findings.len(),
        report.near_misses.len()
    );
    if unreviewed > 0 {
        let _ = writeln!(
            out,
            "\n**Warning: {unreviewed} row(s) are still unreviewed.**"
        );
    }
    let suspicious_rows: Vec<usize> = (0..report.findings.len())
        .filter(|&i| {
            verdict_of(decisions, &report.findings[i].row.key()).verdict == Verdict::Suspicious
        })
        .collect();
    let _ = writeln!(out, "\n## Suspicious rows\n");
    if suspicious_rows.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        out.push_str(&findings_table(report, &suspicious_rows, decisions));
    }
    let suspicious_misses: Vec<usize> = report
        .near_misses
        .iter()
        .copied()
        .filter(|&i| verdict_of(decisions, &report.events[i].key()).verdict == Verdict::Suspicious)
        .collect();
    if !suspicious_misses.is_empty() {
        let _ = writeln!(
            out,
            "\n## Suspicious near misses (STS events the query passed over)\n"
        );
        out.push_str(&near_miss_table(report, &suspicious_misses, decisions));
    }
    out
}
