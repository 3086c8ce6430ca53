//! The Markdown report and the Markdown tables of copied rows.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::markdown_sections::{
    conflicts_section, journal_line, load_notices_section, not_read_section,
};
use super::{FileHash, Grouped, ReportContext, thresholds_line, unreviewed_warning};
use crate::context::summary;
use crate::count::count;
use crate::hints::{HintConfig, Inputs};
use crate::journal::Decision;
use crate::kql::{KqlDateTime, format_datetime};
use crate::lookalike::mark_edge_spaces;
use crate::model::{Finding, count_label};
use crate::neutralize::{markdown_inline, push_markdown_cell};
use crate::rule::{RULE_ID, RULE_NAME};
use crate::scan::ScanReport;

/// `null` for none, as the JSON of the row says it.
fn push_opt<T: std::fmt::Display>(out: &mut String, v: Option<T>) {
    match v {
        // Writing into memory cannot fail.
        Some(x) => {
            let _ = write!(out, "{x}");
        }
        None => out.push_str("null"),
    }
}

fn time_or_dash(t: Option<&KqlDateTime>) -> String {
    t.map_or_else(|| "—".to_owned(), format_datetime)
}

/// A cell's separator: `| ` before the first, ` | ` between, ` |` and the line's end after
/// the last (`push_end`).
fn push_next(out: &mut String, first: bool) {
    out.push_str(if first { "| " } else { " | " });
}

const ROW_HEADER: &str = "| First seen (UTC) | Account | AccountObjectId | Role | IP | Proxy | ISP | +Minutes | Remaining | Events | Source | Verdict | Note | Analyst | Decided (UTC) | Target | Actor UPN / app | Context | Hints |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

const NEAR_MISS_HEADER: &str = "| Time (UTC) | Actor | Operation | Reason | Source | Event id | Verdict | Note | Analyst | Decided (UTC) | Target | Actor UPN / app | Context | Hints |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

/// The first source, then how many other events and copies (records of the row's events
/// that are not their own: the same event read again) there are, apart: `a.jsonl:3 (+1
/// event, +2 copies)`. The Events column counts events, never copies.
fn source_summary(report: &ScanReport, f: &Finding) -> String {
    // Only the first is written: the others are counted, not formatted.
    let sources = report.row_sources(f);
    let Some(first) = sources.first() else {
        return String::new();
    };
    // A row read from a query-result export has one source and no event.
    let events = f.totals.events.max(1);
    let mut more = Vec::new();
    match events - 1 {
        0 => {}
        1 => more.push("+1 event".to_owned()),
        n => more.push(format!("+{n} events")),
    }
    let copies = sources.len().saturating_sub(events);
    if copies > 0 {
        more.push(crate::model::copies::copies_text(copies));
    }
    let first = first.to_string();
    let first = crate::neutralize::name(&first);
    if more.is_empty() {
        first.into_owned()
    } else {
        format!("{first} ({})", more.join(", "))
    }
}

/// The hints' badges in one cell (`reset first`), as the workbench's Hints column shows them.
fn push_badges_cell(out: &mut String, hints: &[crate::hints::Hint]) {
    let mut badges = String::new();
    for (k, h) in hints.iter().enumerate() {
        if k > 0 {
            badges.push(' ');
        }
        badges.push_str(h.badge());
    }
    push_markdown_cell(out, &badges);
}

/// One Markdown table row for a finding; `context` its context line, `hints` its hints
/// (the Hints cell has their badges, `reset first`; what they say of the row's targets is
/// said in words after the context line: the reader of the report alone sees the doubt).
pub fn finding_line(
    report: &ScanReport,
    f: &Finding,
    d: &Decision,
    context: &str,
    hints: &[crate::hints::Hint],
) -> String {
    let mut out = String::new();
    push_finding_line(&mut out, report, f, d, context, hints);
    out
}

/// [`finding_line`] appended to `out`: the rows of a report are written cell by cell into
/// one buffer a part (`rows`), with no string a cell.
fn push_finding_line(
    out: &mut String,
    report: &ScanReport,
    f: &Finding,
    d: &Decision,
    context: &str,
    hints: &[crate::hints::Hint],
) {
    let r = &f.row;
    push_next(out, true);
    out.push_str(&time_or_dash(f.totals.first.as_ref()));
    push_next(out, false);
    push_markdown_cell(out, &mark_edge_spaces(&r.account_display_name));
    for cell in [&r.account_object_id, &r.role, &r.ip_address] {
        push_next(out, false);
        push_markdown_cell(out, cell);
    }
    push_next(out, false);
    push_opt(out, r.is_anonymous_proxy);
    push_next(out, false);
    push_markdown_cell(out, &r.isp);
    push_next(out, false);
    push_opt(out, r.token_minutes_added);
    push_next(out, false);
    push_opt(out, r.token_minutes_remaining);
    push_next(out, false);
    push_opt(out, Some(f.totals.events));
    push_next(out, false);
    push_markdown_cell(out, &source_summary(report, f));
    push_next(out, false);
    push_verdict_cell(out, d, f);
    push_next(out, false);
    push_markdown_cell(out, &d.note);
    push_next(out, false);
    push_analyst_cell(out, d);
    push_next(out, false);
    push_markdown_cell(out, &d.time);
    push_next(out, false);
    push_markdown_cell(out, &mark_edge_spaces(&targets_cell(f)));
    push_next(out, false);
    push_actors_cell(out, &f.totals.actor_principals());
    push_next(out, false);
    let notes = crate::lookalike_targets::target_notes(hints);
    if notes.is_empty() {
        push_markdown_cell(out, context);
    } else {
        let mut context = context.to_owned();
        for note in notes {
            context.push_str("; ");
            context.push_str(&note);
        }
        push_markdown_cell(out, &context);
    }
    push_next(out, false);
    push_badges_cell(out, hints);
    out.push_str(" |\n");
}

/// The Analyst cell: the analyst, and a decision made by a journal line outside the hash
/// chain marked as such (`report::outside_chain_mark`), outside the code span.
fn push_analyst_cell(out: &mut String, d: &Decision) {
    push_markdown_cell(out, &d.analyst);
    if d.outside_chain.is_some() {
        out.push_str(&super::outside_chain_mark(d));
    }
}

/// The verdict of a row, and the events that joined it since (`legitimate (1 new event
/// since your decision)`), as the workbench marks such a row: the verdict does not cover
/// them.
fn push_verdict_cell(out: &mut String, d: &Decision, f: &Finding) {
    out.push_str(d.verdict.label());
    if let Some(n) = d.new_events(u64::try_from(f.totals.events).unwrap_or(u64::MAX)) {
        out.push_str(" (");
        out.push_str(&crate::journal::new_events_text(n));
        out.push(')');
    }
}

/// The actors of a row in one cell, each as its kind in words outside its code span (`user
/// `a@contoso.com``, `app `Microsoft Graph (00000003-…)``): the text inside is the
/// event's, the kind before it is ours, so an app named like a user's UPN never reads as
/// that user.
fn push_actors_cell(out: &mut String, actors: &[(crate::model::ActorKind, &str)]) {
    let mut first = true;
    for (k, a) in actors.iter().filter(|(_, a)| !a.is_empty()) {
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(k.word());
        out.push(' ');
        push_markdown_cell(out, &mark_edge_spaces(a));
    }
}

/// The targets of a row in one cell: the one target, or the count and the list.
fn targets_cell(f: &Finding) -> String {
    let targets = f.totals.targets();
    match targets.len() {
        0 | 1 => count_label(&targets, "user"),
        _ => format!("{}: {}", count_label(&targets, "user"), targets.join(", ")),
    }
}

/// The copied text of some findings: a Markdown table.
/// `hints`: the thresholds of the workbench the rows are copied from.
pub fn findings_table(
    report: &ScanReport,
    indexes: &[usize],
    decisions: &HashMap<String, Decision>,
    hints: HintConfig,
) -> String {
    let mut out = Vec::new();
    let inputs = Inputs::new(report, hints);
    let _ = write_findings_table(&mut out, report, indexes, decisions, &inputs);
    String::from_utf8_lossy(&out).into_owned()
}

/// The table of some findings, written row by row (formatted on two threads: `rows`).
fn write_findings_table(
    out: &mut dyn Write,
    report: &ScanReport,
    indexes: &[usize],
    decisions: &HashMap<String, Decision>,
    inputs: &Inputs,
) -> io::Result<()> {
    out.write_all(ROW_HEADER.as_bytes())?;
    super::rows::write_rows(out, indexes.len(), |k, buf| {
        let f = &report.findings[indexes[k]];
        // The first event's hints make both its context line and the Hints cell.
        let first = f.events.first().map(|&i| (i, inputs.event_hints(i)));
        let context = match &first {
            Some((_, hints)) => summary::finding_line_given(inputs, report, f, hints),
            None => summary::finding_line(inputs, report, f),
        };
        let hints = inputs.finding_hints_given(f, first.as_ref().map(|(i, h)| (*i, h.as_slice())));
        push_finding_line(
            buf,
            report,
            f,
            &super::row_decision(decisions, f),
            &context,
            &hints,
        );
    })
}

/// The copied text of some near misses: a Markdown table.
/// `hints`: the thresholds of the workbench the rows are copied from.
pub fn near_miss_table(
    report: &ScanReport,
    event_indexes: &[usize],
    decisions: &HashMap<String, Decision>,
    hints: HintConfig,
) -> String {
    let mut out = Vec::new();
    let inputs = Inputs::new(report, hints);
    let _ = write_near_miss_table(&mut out, report, event_indexes, decisions, &inputs);
    String::from_utf8_lossy(&out).into_owned()
}

/// The table of some near misses, written row by row (formatted on two threads: `rows`).
fn write_near_miss_table(
    out: &mut dyn Write,
    report: &ScanReport,
    event_indexes: &[usize],
    decisions: &HashMap<String, Decision>,
    inputs: &Inputs,
) -> io::Result<()> {
    out.write_all(NEAR_MISS_HEADER.as_bytes())?;
    super::rows::write_rows(out, event_indexes.len(), |k, out| {
        let i = event_indexes[k];
        let e = &report.events[i];
        let d = super::near_miss_decision(decisions, e);
        push_next(out, true);
        out.push_str(&time_or_dash(e.time.as_ref()));
        for cell in [&e.actor, &e.operation] {
            push_next(out, false);
            push_markdown_cell(out, cell);
        }
        push_next(out, false);
        push_markdown_cell(
            out,
            &e.near_miss_reason()
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
        push_next(out, false);
        push_markdown_cell(out, &crate::neutralize::name(&e.source.to_string()));
        push_next(out, false);
        push_markdown_cell(out, &e.id);
        push_next(out, false);
        out.push_str(d.verdict.label());
        push_next(out, false);
        push_markdown_cell(out, &d.note);
        push_next(out, false);
        push_analyst_cell(out, &d);
        push_next(out, false);
        push_markdown_cell(out, &d.time);
        push_next(out, false);
        push_markdown_cell(out, e.parties.target_label());
        push_next(out, false);
        push_actors_cell(out, &[(e.parties.actor_kind, e.parties.actor_label())]);
        push_next(out, false);
        let hints = inputs.event_hints(i);
        let related = report.context.related_count(e, &inputs.config().context);
        push_markdown_cell(out, &summary::event_line_given(&hints, report, i, related));
        push_next(out, false);
        push_badges_cell(out, &hints);
        out.push_str(" |\n");
    })
}

/// The Markdown findings report: rule, files with their SHA-256, journal, time range,
/// counts per verdict (a warning while rows are unreviewed), then the suspicious, the
/// legitimate and the unreviewed rows, then the near misses marked suspicious or legitimate.
/// This is the one producer of the report: `sts-triage report` streams it with
/// [`write_markdown`] and the `Y` key copies this text of it, so both are the same bytes.
pub fn markdown_report(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_markdown(&mut out, report, decisions, ctx);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the Markdown findings report row by row: memory holds a few parts of rows at a
/// time (formatted on two threads, written in order: `rows`), never the whole report.
pub fn write_markdown(
    out: &mut dyn Write,
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> io::Result<()> {
    let g = Grouped::new(report, decisions);
    // Each row's related records are counted with its other context, on the rows' two
    // threads: counted apart beforehand (`Inputs::with_related_counts`), they were a pass
    // of their own, and the rows read the same lookups again.
    let inputs = Inputs::made_or_new(report, ctx.hints, ctx.tables.as_ref());
    writeln!(out, "# Findings: {RULE_NAME}\n")?;
    writeln!(out, "- Rule: {RULE_NAME} (id {RULE_ID})")?;
    writeln!(out, "- Hint thresholds: {}", thresholds_line(&ctx.hints))?;
    writeln!(out, "- Files:")?;
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
        writeln!(
            out,
            "  - {}: {}, {}, {}, {}, {} skipped; {hash}",
            markdown_inline(&crate::neutralize::name(&f.path)),
            markdown_inline(&f.format),
            count(f.bytes, "byte"),
            count(f.records, "record"),
            count(f.sts_events, "STS event"),
            f.skipped
        )?;
    }
    if let Some(j) = &ctx.journal {
        writeln!(out, "- Journal: {}", journal_line(j))?;
    }
    let outside = super::outside_chain_decisions(decisions);
    if !outside.is_empty() {
        let lines: Vec<String> = outside
            .iter()
            .map(|(n, key)| {
                format!(
                    "line {n} decides {}",
                    markdown_inline(&crate::journal::shown_key(key))
                )
            })
            .collect();
        writeln!(
            out,
            "- Journal lines outside the hash chain (not written by sts-triage; applied, marked in the Analyst cell): {}",
            lines.join(", ")
        )?;
    }
    // Decisions on rows these inputs do not give: in no count below, so said here.
    if let Some(line) = crate::journal::unmatched_report_line(crate::journal::unmatched_in_report(
        decisions, report,
    )) {
        writeln!(out, "{line}")?;
    }
    match &g.time_range {
        Some((min, max)) => {
            writeln!(
                out,
                "- Time range of the STS events (UTC): {} – {}",
                format_datetime(min),
                format_datetime(max)
            )?;
        }
        None => {
            writeln!(out, "- Time range of the STS events (UTC): none recorded")?;
        }
    }
    let [suspicious, legitimate, unreviewed] = &g.findings;
    writeln!(
        out,
        "- Rows flagged: {} (suspicious {}, legitimate {}, unreviewed {})",
        // The rows after folding (a folded row is no row: `ScanReport::rows_flagged`), as
        // the JSON report, the scan summary, the header and `verify` count them.
        report.rows_flagged(),
        suspicious.len(),
        legitimate.len(),
        unreviewed.len()
    )?;
    let changed = report
        .findings
        .iter()
        .filter(|f| !f.is_folded())
        .filter(|f| {
            super::row_decision(decisions, f)
                .new_events(u64::try_from(f.totals.events).unwrap_or(u64::MAX))
                .is_some()
        })
        .count();
    if changed > 0 {
        writeln!(
            out,
            "- Rows changed since decided: {changed} (events joined them after their verdict, which does not cover them: see `new event` in the Verdict column)"
        )?;
    }
    if report.duplicate_records > 0 {
        writeln!(
            out,
            "- {} (same id, or the same change in another export): each event is counted once; every record is listed",
            count(report.duplicate_records, "duplicate record")
        )?;
    }
    if let Some(line) = super::folded_sentence(report) {
        writeln!(out, "- {line}")?;
    }
    writeln!(
        out,
        "- Near misses: {} (suspicious {}, legitimate {}, unreviewed {})",
        report.near_miss_count(),
        g.near_misses[0].len(),
        g.near_misses[1].len(),
        g.near_miss_unreviewed
    )?;
    let analysts: Vec<String> = g.analysts.iter().map(|a| markdown_inline(a)).collect();
    writeln!(
        out,
        "- Analysts: {}",
        if analysts.is_empty() {
            "none".to_owned()
        } else {
            analysts.join(", ")
        }
    )?;
    if let Some(w) = super::unsigned_sentence(decisions) {
        writeln!(out, "- Unsigned: {w}")?;
    }
    let notices = super::load_notices(report);
    if !notices.is_empty() {
        writeln!(
            out,
            "- Load notices: {} (what the load assumed, repaired or skipped, by file: listed under *Load notices*)",
            notices.len()
        )?;
    }
    if let Some(w) = unreviewed_warning(report, decisions) {
        writeln!(
            out,
            "\n> **Warning: {w}.** They are listed under *Unreviewed rows* and *Near misses not reviewed*; this report is not final."
        )?;
    }
    for (id, n) in super::decisions_not_applied(report, decisions) {
        let w = super::not_applied_sentence(&markdown_inline(&id), n);
        writeln!(out, "\n> **Warning:** {w}.")?;
    }
    for w in super::folded_row_decisions(report, decisions) {
        writeln!(out, "\n> **Warning:** {w}.")?;
    }
    let sections = [
        ("Suspicious rows", suspicious),
        ("Legitimate rows", legitimate),
        ("Unreviewed rows", unreviewed),
    ];
    for (title, rows) in sections {
        writeln!(out, "\n## {title} ({})\n", rows.len())?;
        if rows.is_empty() {
            writeln!(out, "None.")?;
        } else {
            write_findings_table(out, report, rows, decisions, &inputs)?;
        }
    }
    let sections = [
        ("Near misses marked suspicious", &g.near_misses[0]),
        ("Near misses marked legitimate", &g.near_misses[1]),
        ("Near misses not reviewed", &g.near_misses[2]),
    ];
    for (i, (title, events)) in sections.into_iter().enumerate() {
        // Unreviewed near misses kept as counts (`ScanReport::near_misses_to_keep`) are
        // counted in the title and said, never dropped without a word.
        let counted = if i == 2 {
            g.near_miss_unreviewed.saturating_sub(events.len())
        } else {
            0
        };
        writeln!(out, "\n## {title} ({})\n", events.len() + counted)?;
        if events.is_empty() && counted == 0 {
            writeln!(out, "None.")?;
            continue;
        }
        if !events.is_empty() {
            writeln!(
                out,
                "STS refresh-token events the query passed over, with the clause that dropped them.\n"
            )?;
            write_near_miss_table(out, report, events, decisions, &inputs)?;
        }
        if counted > 0 {
            writeln!(
                out,
                "{}{counted} {} counted, not listed (kept as counts so that the report's memory is bounded by its rows): a near miss whose DirectorySync term stands only in text the actor chooses, or whose record is damaged, is always listed; `sts-triage scan --near-misses` lists each of the others with its reason.",
                if events.is_empty() { "" } else { "\n" },
                if counted == 1 {
                    "more near miss is"
                } else {
                    "more near misses are"
                },
            )?;
        }
    }
    load_notices_section(out, &notices)?;
    not_read_section(out, report)?;
    conflicts_section(out, report)
}
