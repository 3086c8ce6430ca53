//! Context in words, for the findings report and the copied rows: a short line per STS
//! event or flagged row (`reset by the same actor 1 s before; 4 related records`) and the
//! related records as stable references.

use serde_json::json;

use super::Related;
use crate::hints::{Hint, Inputs, offset_words};
use crate::model::{Finding, StsEvent};
use crate::scan::ScanReport;

/// The most related records listed per row in the JSON report (`related`); how many more
/// there are is `related_more` (and all of them `related_total`). Ten holds a whole helpdesk
/// flow in one correlation (reset, update user, the STS change, a group or licence change:
/// 3-6 records, listed first) and the nearest others in time. Fifty made the report on a
/// 1 GB export 99 MB of mostly the same neighbours repeated row after row.
pub const RELATED_LISTED: usize = 10;

/// A context hint in a few words.
pub fn hint_words(h: &Hint) -> Option<String> {
    Some(match h {
        Hint::Reset {
            same_actor,
            correlated,
            same_target,
            offset_secs,
            ..
        } => format!(
            "reset by {} {}{}{}",
            if *same_actor {
                "the same actor"
            } else {
                "another actor"
            },
            offset_words(*offset_secs),
            if *correlated {
                " (same correlation)"
            } else {
                ""
            },
            if *same_target {
                ""
            } else {
                " (its record names no target)"
            }
        ),
        Hint::SelfChange => "the actor is the target".to_owned(),
        Hint::Bulk { users, minutes } => format!("bulk: {users} users within {minutes} min"),
        Hint::First => "the actor's first record".to_owned(),
        Hint::SignIn { ip, offset_secs } => {
            format!("sign-in from {ip} {}", offset_words(*offset_secs))
        }
        _ => return None,
    })
}

/// The context line of one STS event.
pub fn event_line(inputs: &Inputs, report: &ScanReport, i: usize) -> String {
    let related = report.events.get(i).map_or(0, |e| {
        report.context.related_count(e, &inputs.config().context)
    });
    event_line_counted(inputs, report, i, related)
}

/// [`event_line`] with the event's count of related records already known (the JSON
/// report has it from [`nearest`]): counting them is most of the line's cost.
pub fn event_line_counted(
    inputs: &Inputs,
    report: &ScanReport,
    i: usize,
    related: usize,
) -> String {
    event_line_given(&inputs.event_hints(i), report, i, related)
}

/// [`event_line_counted`] given the event's hints ([`Inputs::event_hints`]), made already
/// for its row's Hints cell: the sign-in and first-record lookups are made once a row.
pub fn event_line_given(hints: &[Hint], report: &ScanReport, i: usize, related: usize) -> String {
    let mut parts: Vec<String> = hints.iter().filter_map(hint_words).collect();
    if let Some(words) = report.context.coverage().words() {
        // A stopped load's index counts nothing: its 0 would read as a finding.
        parts.push(words.to_owned());
    } else if let Some(e) = report.events.get(i) {
        parts.push(match related {
            0 => "no related records".to_owned(),
            1 => "1 related record".to_owned(),
            n => format!("{n} related records"),
        });
        // Copies of the event itself are never counted as related records.
        match report.context.copies(e).len() {
            0 => {}
            1 => parts.push("another copy of this event".to_owned()),
            n => parts.push(format!("{n} other copies of this event")),
        }
    }
    parts.join("; ")
}

/// The context line of a flagged row: that of its first event (and how many more).
pub fn finding_line(inputs: &Inputs, report: &ScanReport, f: &Finding) -> String {
    finding_line_counted(inputs, report, f, first_related(inputs, report, f))
}

/// [`finding_line`] given `first`, the hints of the row's first event
/// ([`Inputs::event_hints`] of `f.events[0]`).
pub fn finding_line_given(
    inputs: &Inputs,
    report: &ScanReport,
    f: &Finding,
    first: &[Hint],
) -> String {
    let related = first_related(inputs, report, f);
    finding_line_of(f, |i| event_line_given(first, report, i, related))
}

/// The count of related records of a row's first event (0 without one).
fn first_related(inputs: &Inputs, report: &ScanReport, f: &Finding) -> usize {
    f.events.first().map_or(0, |&i| {
        inputs.related_count(i).unwrap_or_else(|| {
            report.events.get(i).map_or(0, |e| {
                report.context.related_count(e, &inputs.config().context)
            })
        })
    })
}

/// [`finding_line`] with its first event's count of related records already known.
pub fn finding_line_counted(
    inputs: &Inputs,
    report: &ScanReport,
    f: &Finding,
    related: usize,
) -> String {
    finding_line_of(f, |i| event_line_counted(inputs, report, i, related))
}

/// A row's context line from the line of its first event, `first_line`.
fn finding_line_of(f: &Finding, first_line: impl FnOnce(usize) -> String) -> String {
    match f.events.split_first() {
        None => "no events (read from a query-result export)".to_owned(),
        // The headless commands keep most events of a row lean: its totals count them all.
        Some((&first, _)) if f.totals.events > 1 => format!(
            "{} (first of {} events)",
            first_line(first),
            f.totals.events
        ),
        Some((&first, _)) => first_line(first),
    }
}

/// The places (`file:line`) of an event's other copies: the same event id read again.
pub fn copies_json(report: &ScanReport, e: &StsEvent) -> serde_json::Value {
    let index = &report.context;
    let places: Vec<String> = index
        .copies(e)
        .iter()
        .map(|&i| index.source_at(i).to_string())
        .collect();
    json!(places)
}

/// One related record as the JSON report lists it.
///
/// A sign-in (UAL `UserLoggedIn`, whose `ObjectId` is the resource signed in to, an
/// application id) has no target: the user who signed in is its actor, and the resource is
/// its `resource` (null for every other record), as the context panel says `sign-in to
/// <resource>` and never `→ <resource>`, where a GUID would read as whose tokens.
pub fn related_json(report: &ScanReport, r: &Related) -> serde_json::Value {
    let index = &report.context;
    let e = &index.record(r.entry);
    let operation = index.text(e.operation);
    let target = index.text(e.target);
    let (target, resource) = if crate::hints::is_sign_in_operation(operation) && !target.is_empty()
    {
        ("", Some(target))
    } else {
        (target, None)
    };
    json!({
        "source": index.source(e).to_string(),
        "offset_secs": r.offset_secs,
        "operation": operation,
        "actor": index.actor_label(e.actor),
        "target": target,
        "resource": resource,
        "ip": index.ip_text(e),
        "result": index.text(e.result),
        "why": r.why.label(),
        "repeats": r.repeats,
    })
}

/// The places (`file:line`) of the records folded into a related record besides its own
/// ([`Related::repeats`] of them: the same record in other exports, or records written
/// alike), so that the JSON report never passes several records off as one.
pub fn repeats_at(
    report: &ScanReport,
    e: &StsEvent,
    inputs: &Inputs,
    r: &Related,
) -> serde_json::Value {
    if r.repeats == 0 {
        return json!([]);
    }
    let index = &report.context;
    let places: Vec<String> = index
        .folded(e, &inputs.config().context, r)
        .into_iter()
        .filter(|&i| i != r.entry)
        .map(|i| index.source_at(i).to_string())
        .collect();
    json!(places)
}

/// The related records of an event to list, at most [`RELATED_LISTED`]: those of the same
/// correlation first, then the nearest in time (ordered by their offset from the event),
/// and how many are related in all.
pub fn nearest(report: &ScanReport, e: &StsEvent, inputs: &Inputs) -> (Vec<Related>, usize) {
    let (mut listed, total) =
        report
            .context
            .nearest_related(e, &inputs.config().context, RELATED_LISTED, true);
    listed.sort_by_key(|r| (r.offset_secs.unwrap_or(i64::MIN), r.entry));
    (listed, total)
}
