//! The CSV report: one line per finding, then one per near miss, every string guarded for
//! spreadsheets.

use std::collections::HashMap;
use std::io::{self, Write};

use super::{Grouped, ReportContext, finding_sources, verdict_of};
use crate::context::summary;
use crate::hints::{Hint, Inputs};
use crate::journal::Decision;
use crate::kql::format_datetime;
use crate::neutralize::{csv_cell, write_csv_line};
use crate::scan::ScanReport;

/// The CSV report's header.
pub const CSV_COLUMNS: [&str; 24] = [
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
    "targets",
    "context",
    // Last, so that the columns before keep their places: the actor's stable identity
    // (UPN, or an application's service principal id), which the attacker does not choose,
    // beside `account_display_name`, which they do (Markdown's `Actor UPN / app`).
    "actors",
    // Added after, for the same reason: the row's hints as the Markdown's Hints column
    // gives them (`lookalike far`), and why a principal of the row may pass for another.
    "hints",
    "lookalike",
    // The kind of each of `actors`, in its order (`user; app`): an app may be named like a
    // user's UPN or like another app's `name (id)`; the kind is ours, not the event's.
    "actor_kinds",
    // Added last: on a near miss's line (listed after the flagged rows, every one, decided
    // or not), why the query passed over it; empty on a flagged row's.
    "near_miss",
];

/// The badges of a row's hints in one cell (`lookalike far`).
fn hints_cell(hints: &[Hint]) -> String {
    let badges: Vec<&str> = hints.iter().map(Hint::badge).collect();
    badges.join(" ")
}

/// Writes the CSV report: one row per finding (suspicious, legitimate, then unreviewed),
/// every string neutralised and guarded against formula injection, a cell holding `,` `;`
/// or tab quoted. Sources, targets and actors are joined with `; `. The context column is
/// made with `ctx.hints` (CSV has no header line to state them: the Markdown and JSON do).
pub fn write_csv(
    out: &mut dyn Write,
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> io::Result<()> {
    let g = Grouped::new(report, decisions);
    // Every row is written: its first event's related records counted beside the tables.
    let inputs = Inputs::with_related_counts_and_tables(report, ctx.hints, ctx.tables.as_ref());
    write_csv_line(out, CSV_COLUMNS)?;
    let num = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    for &i in g.findings.iter().flatten() {
        let f = &report.findings[i];
        let r = &f.row;
        let key = r.key();
        let d = verdict_of(decisions, &key);
        let hints = inputs.finding_hints(f);
        write_csv_line(
            out,
            [
                d.verdict.label().to_owned(),
                csv_cell(&d.note),
                csv_cell(&d.analyst),
                csv_cell(&d.time),
                f.totals
                    .first
                    .as_ref()
                    .map(format_datetime)
                    .unwrap_or_default(),
                f.totals
                    .last
                    .as_ref()
                    .map(format_datetime)
                    .unwrap_or_default(),
                f.totals.events.to_string(),
                csv_cell(&finding_sources(report, f).join("; ")),
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
                csv_cell(&f.totals.targets().join("; ")),
                csv_cell(&summary::finding_line(&inputs, report, f)),
                csv_cell(&f.totals.actors().join("; ")),
                hints_cell(&hints),
                hints
                    .iter()
                    .find(|h| matches!(h, Hint::Lookalike { .. }))
                    .map(|h| csv_cell(&h.to_string()))
                    .unwrap_or_default(),
                f.totals
                    .actor_principals()
                    .iter()
                    .map(|(k, _)| k.word())
                    .collect::<Vec<_>>()
                    .join("; "),
                String::new(),
            ],
        )?;
    }
    // Then every near miss (suspicious, legitimate, unreviewed): the event's own values
    // where a row's go, its key, and why the query passed over it.
    for &i in g.near_misses.iter().flatten() {
        let e = &report.events[i];
        let key = e.key_in(|k| decisions.contains_key(k));
        let d = verdict_of(decisions, &key);
        let hints = inputs.event_hints(i);
        let time = e.time.as_ref().map(format_datetime).unwrap_or_default();
        let actor = e.parties.actor_label();
        write_csv_line(
            out,
            [
                d.verdict.label().to_owned(),
                csv_cell(&d.note),
                csv_cell(&d.analyst),
                csv_cell(&d.time),
                time.clone(),
                time,
                "1".to_owned(),
                csv_cell(&e.source.to_string()),
                String::new(),
                csv_cell(&e.actor),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                csv_cell(&key),
                csv_cell(e.parties.target_label()),
                csv_cell(&summary::event_line(&inputs, report, i)),
                csv_cell(actor),
                hints_cell(&hints),
                hints
                    .iter()
                    .find(|h| matches!(h, Hint::Lookalike { .. }))
                    .map(|h| csv_cell(&h.to_string()))
                    .unwrap_or_default(),
                if actor.is_empty() {
                    String::new()
                } else {
                    e.parties.actor_kind.word().to_owned()
                },
                csv_cell(
                    &e.near_miss_reason()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
            ],
        )?;
    }
    Ok(())
}
