//! The Markdown report and the Markdown tables of copied rows.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{FileHash, Grouped, ReportContext, finding_sources, unreviewed_warning, verdict_of};
use crate::context::summary;
use crate::hints::{HintConfig, Inputs};
use crate::journal::Decision;
use crate::kql::{KqlDateTime, format_datetime};
use crate::model::{Finding, StsEvent, count_label};
use crate::neutralize::{markdown_cell, markdown_inline};
use crate::rule::{RULE_ID, RULE_NAME};
use crate::scan::ScanReport;

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "null".to_owned(), |x| x.to_string())
}

fn time_or_dash(t: Option<&KqlDateTime>) -> String {
    t.map_or_else(|| "—".to_owned(), format_datetime)
}

const ROW_HEADER: &str = "| First seen (UTC) | Account | AccountObjectId | Role | IP | Proxy | ISP | +Minutes | Remaining | Events | Source | Verdict | Note | Analyst | Decided (UTC) | Target | Actor UPN / app | Context |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

const NEAR_MISS_HEADER: &str = "| Time (UTC) | Actor | Operation | Reason | Source | Event id | Verdict | Note | Analyst | Decided (UTC) | Target | Actor UPN / app | Context |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

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
pub fn finding_line(f: &Finding, events: &[StsEvent], d: &Decision, context: &str) -> String {
    let r = &f.row;
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
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
        markdown_cell(&targets_cell(f, events)),
        markdown_cell(&f.actors(events).join(", ")),
        markdown_cell(context),
    )
}

/// The targets of a row in one cell: the one target, or the count and the list.
fn targets_cell(f: &Finding, events: &[StsEvent]) -> String {
    let targets = f.targets(events);
    match targets.len() {
        0 | 1 => count_label(&targets, "user"),
        _ => format!("{}: {}", count_label(&targets, "user"), targets.join(", ")),
    }
}

/// The copied text of some findings: a Markdown table.
pub fn findings_table(
    report: &ScanReport,
    indexes: &[usize],
    decisions: &HashMap<String, Decision>,
) -> String {
    let mut out = String::from(ROW_HEADER);
    let inputs = Inputs::new(report, HintConfig::default());
    for &i in indexes {
        let f = &report.findings[i];
        out.push_str(&finding_line(
            f,
            &report.events,
            &verdict_of(decisions, &f.row.key()),
            &summary::finding_line(&inputs, report, f),
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
    let inputs = Inputs::new(report, HintConfig::default());
    for &i in event_indexes {
        let e = &report.events[i];
        let d = verdict_of(decisions, &e.key());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
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
            markdown_cell(e.parties.target_label()),
            markdown_cell(e.parties.actor_label()),
            markdown_cell(&summary::event_line(&inputs, report, i)),
        );
    }
    out
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
            FileHash::BytesRead { sha256, bytes } => format!(
                "SHA-256 `{sha256}` of the {bytes} bytes read so far (followed: the file may have grown since)"
            ),
            FileHash::Unavailable(why) => {
                format!("SHA-256 unavailable ({})", markdown_inline(&why))
            }
        };
        let _ = writeln!(
            out,
            "  - {}: {}, {} bytes, {} records, {} STS events, {} skipped; {hash}",
            markdown_inline(&f.path),
            markdown_inline(&f.format),
            f.bytes,
            f.records,
            f.sts_events,
            f.skipped
        );
    }
    if let Some(j) = &ctx.journal {
        let _ = writeln!(out, "- Journal: {}", journal_line(j));
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
    if report.duplicate_records > 0 {
        let _ = writeln!(
            out,
            "- {} duplicate records (same id): each event is counted once; every record is listed",
            report.duplicate_records
        );
    }
    let _ = writeln!(
        out,
        "- Near misses: {} (suspicious {}, legitimate {}, unreviewed {})",
        report.near_misses.len(),
        g.near_misses[0].len(),
        g.near_misses[1].len(),
        g.near_miss_unreviewed
    );
    let analysts: Vec<String> = g.analysts.iter().map(|a| markdown_inline(a)).collect();
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
    not_read_section(&mut out, report);
    out
}

/// `## Not read`: the files found inside a folder that were passed over, with why and their
/// SHA-256, so that nothing is left out of the report in silence. Absent when every file was
/// read.
fn not_read_section(out: &mut String, report: &ScanReport) {
    if report.not_read.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Not read ({})\n", report.not_read.len());
    for n in &report.not_read {
        let hash = match &n.sha256 {
            Some(h) => format!("SHA-256 `{h}`"),
            None => "SHA-256 unavailable".to_owned(),
        };
        let _ = writeln!(
            out,
            "- {}: {}; {hash}",
            markdown_cell(&n.path),
            markdown_cell(&n.reason)
        );
    }
}

/// The journal's line of the Markdown report: path, entries and head hash (what
/// `sts-triage verify --report` reads back).
fn journal_line(j: &super::JournalSource) -> String {
    let path = markdown_inline(&j.path);
    match (&j.head, j.found) {
        (_, false) => format!("{path} (not found: no decisions)"),
        (Some(head), true) => format!("{path}; {} entries; head SHA-256 `{head}`", j.entries),
        (None, true) => format!("{path}; 0 entries"),
    }
}
