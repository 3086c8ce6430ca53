//! The drill-down's "why" panel: the query's clauses, one by one, with the values this
//! event gave them (every event string neutralised).

use super::items::opt_text;
use crate::kql::format_datetime;
use crate::model::Outcome;
use crate::neutralize::neutralize;
use crate::scan::ScanReport;

const NOT_REACHED: &str = "not reached: an earlier clause dropped the event";

/// The "why flagged" panel: the query's clauses with the values this event gave.
pub fn why_lines(report: &ScanReport, event: usize) -> Vec<(String, String, Option<bool>)> {
    let e = &report.events[event];
    let t = &match e.trace_checked() {
        Ok(t) => t,
        // No clause is ticked, and no result said, that the record cannot back.
        Err(why) => {
            return vec![(
                "the query, clause by clause".to_owned(),
                format!("cannot be shown: {why}; the table's values are those read at the load"),
                None,
            )];
        }
    };
    let entra = e.kind == crate::model::SourceKind::EntraAudit;
    let dt = |d: Option<crate::kql::KqlDateTime>| {
        d.as_ref()
            .map_or_else(|| "null".to_owned(), format_datetime)
    };
    let mut out = Vec::new();
    out.push((
        if entra {
            "OperationName has 'StsRefreshTokenValidFrom'".to_owned()
        } else {
            "ActionType == \"Update StsRefreshTokenValidFrom Timestamp.\"".to_owned()
        },
        format!("{:?}", neutralize(&t.action_type)),
        Some(t.action_type_matches),
    ));
    out.push((
        if entra {
            "modifiedProperties !has 'DirectorySync'".to_owned()
        } else {
            "RawEventData !has \"Directorysync\"".to_owned()
        },
        if t.action_type_matches {
            t.directory_sync.as_ref().map_or_else(
                || match unusable(e) {
                    // "no such term" would read as if the record had been searched whole.
                    Some(why) => format!("not found in what could be read: {why}"),
                    None => "no such term".to_owned(),
                },
                // The term only in text the actor chose: said on the clause itself.
                |p| {
                    if crate::tui::items::dirsync_in_actor_text(&e.outcome) {
                        format!(
                            "found only in actor text at {} (text the actor or client chose, not the sync's own property)",
                            neutralize(p)
                        )
                    } else {
                        format!("found at {}", neutralize(p))
                    }
                },
            )
        } else {
            NOT_REACHED.to_owned()
        },
        t.action_type_matches.then_some(t.directory_sync.is_none()),
    ));
    let name_ok = matches!(e.outcome, Outcome::Flagged(_));
    out.push((
        if entra {
            "modifiedProperties[*].displayName =~ 'StsRefreshTokensValidFrom'".to_owned()
        } else {
            "ModifiedProperties[0].Name == \"StsRefreshTokensValidFrom\"".to_owned()
        },
        if t.action_type_matches && t.directory_sync.is_none() {
            t.display_name.as_ref().map_or_else(
                || match unusable(e) {
                    Some(why) => format!("null: {why}"),
                    None => "null".to_owned(),
                },
                |n| format!("{:?}", neutralize(n)),
            )
        } else {
            NOT_REACHED.to_owned()
        },
        (t.action_type_matches && t.directory_sync.is_none()).then_some(name_ok),
    ));
    if name_ok {
        out.push((
            "oldValue → todatetime(parse_json(tostring(oldValue))[0])".to_owned(),
            format!(
                "{} → {}",
                neutralize(
                    t.old_value
                        .as_deref()
                        .filter(|v| !v.is_empty())
                        .unwrap_or("null")
                ),
                dt(t.old_valid_from)
            ),
            None,
        ));
        out.push((
            "newValue → todatetime(parse_json(tostring(newValue))[0])".to_owned(),
            format!(
                "{} → {}",
                neutralize(
                    t.new_value
                        .as_deref()
                        .filter(|v| !v.is_empty())
                        .unwrap_or("null")
                ),
                dt(t.new_valid_from)
            ),
            None,
        ));
        out.push((
            "tokenMinutesAdded = datetime_diff('minute', new, old)".to_owned(),
            opt_text(t.minutes_added).if_empty("null"),
            None,
        ));
        out.push((
            format!(
                "tokenMinutesRemaining = datetime_diff('minute', {}, new)",
                if entra { "TimeGenerated" } else { "Timestamp" }
            ),
            format!(
                "{} (event time {})",
                opt_text(t.minutes_remaining).if_empty("null"),
                dt(t.timestamp)
            ),
            None,
        ));
        out.push((
            if entra {
                "Role = initiator kind".to_owned()
            } else {
                "Role = tostring(RawEventData.Actor[-1].ID)".to_owned()
            },
            format!("{:?}", neutralize(&t.role)),
            None,
        ));
    }
    let verdict = match &e.outcome {
        Outcome::Flagged(rows) => format!(
            "returned by the query ({})",
            crate::tui::count::count(rows.len(), "row")
        ),
        Outcome::NearMiss(r) => format!("passed over: {}", neutralize(&r.to_string())),
    };
    out.push(("Result".to_owned(), verdict, Some(name_ok)));
    out
}

/// `◆ target victim@… · by user actor@…`: whose tokens changed and who changed them, by UPN
/// (else the object id), as the record names them (neutralised). The actor's kind (`user`,
/// `app`, `app without id`) is ours and comes first: an app named `helpdesk@contoso.com`
/// reads `by app helpdesk@contoso.com (<id>)`. The ids are in the raw record above; at 80
/// columns this stays within two lines.
fn parties_line(p: &crate::model::EventParties) -> String {
    let named = |label: &str| {
        if label.is_empty() {
            "(not named by the record)".to_owned()
        } else {
            // As the table's cells show it: a leading space is `␠`.
            crate::lookalike::visible(label)
        }
    };
    let kind = if p.actor_label().is_empty() {
        String::new()
    } else {
        format!("{} ", p.actor_kind.word())
    };
    format!(
        "◆ target {} · by {kind}{}",
        named(p.target_label()),
        named(p.actor_label())
    )
}

/// `⚠ actor …: same UPN, another object id …` / `⚠ target …`: another principal (another
/// object id) under the UPN of the event's actor or target, seen anywhere in the loaded data
/// (breaker 13 #7a: a recycled UPN, or a forged record, read only in non-STS records, had
/// nothing to tell it apart). The target's other id is named (the index keeps a target UPN's
/// first two ids); the actor's is not (the index keeps a hash of each record's actor id).
/// Neutralised. None for a user the event names without an object id, or an app.
fn same_upn_lines(
    index: &crate::context::ContextIndex,
    p: &crate::model::EventParties,
) -> Vec<String> {
    let mut out = Vec::new();
    if p.actor_kind == crate::model::ActorKind::User
        && !p.actor.is_empty()
        && !p.actor_id.is_empty()
        && index.actor_upn_other_principal(&p.actor, &p.actor_id)
    {
        out.push(format!(
            "⚠ actor {}: same UPN, another object id in the loaded data (this event's is {}): a re-created account, or another principal passing for it; its records are not this actor's",
            crate::lookalike::visible(&p.actor),
            neutralize(&p.actor_id)
        ));
    }
    if !p.target.is_empty()
        && let Some(other) = index.target_upn_other_id(&p.target, &p.target_id)
    {
        out.push(format!(
            "⚠ target {}: same UPN, another object id {} in the loaded data (this event's is {}): a re-created account, or a forged record",
            crate::lookalike::visible(&p.target),
            neutralize(&other),
            neutralize(&p.target_id)
        ));
    }
    out
}

/// What is wrong with an event's record when it could not be read whole (cut, no JSON,
/// no record at all), neutralised; None for a record read whole.
fn unusable(e: &crate::model::StsEvent) -> Option<String> {
    use crate::model::NearMissReason as R;
    match e.near_miss_reason()? {
        r @ (R::UnparseableValues { .. } | R::RecordCut { .. } | R::AuditDataUnusable { .. }) => {
            Some(neutralize(&r.to_string()).into_owned())
        }
        _ => None,
    }
}

trait IfEmpty {
    fn if_empty(self, default: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, default: &str) -> String {
        if self.is_empty() {
            default.to_owned()
        } else {
            self
        }
    }
}

/// What a line of the why-panel is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhyKind {
    /// Whose tokens and who did it: the event's target and actor, first of all.
    Parties,
    /// The analyst's note on the row.
    Note,
    /// A hint of the row, with its reason.
    Hint,
    /// A clause of the query: passed (`Some(true)`), failed, or a computed column (`None`).
    Clause(Option<bool>),
    /// The clause that dropped a near miss: marked apart.
    Dropped,
    /// The value this event gave a clause.
    Value,
    /// The value under the clause that dropped the event.
    DroppedValue,
}

/// Marks the clause that dropped a near miss.
pub const DROPPED_MARK: &str = "▶ ";
pub const DROPPED_NOTE: &str = " ◀ dropped here";

/// The clause (index into [`why_lines`]) that dropped a near miss: the first that failed.
/// None for a flagged event.
pub fn dropped_at(lines: &[(String, String, Option<bool>)]) -> Option<usize> {
    let (_, clauses) = lines.split_last()?;
    clauses.iter().position(|(_, _, ok)| *ok == Some(false))
}

/// The whole why-panel (the event's target and actor, the row's note, its hints, then the
/// clauses with their values), wrapped to `width`: the lines drawn and scrolled, with
/// whether each starts a clause.
pub fn panel_lines(
    report: &ScanReport,
    event: usize,
    hints: &[String],
    note: &str,
    width: usize,
) -> Vec<(WhyKind, bool, String)> {
    panel_lines_decided(report, event, hints, note, None, &[], width)
}

/// [`panel_lines`] of a row whose decision was made by a journal line outside the hash
/// chain (`outside_chain`: that line, `journal::Decision::outside_chain`): said right after
/// the parties, before the note, so the analyst reads whose decision it is not. `notes`:
/// what the record shown says of its parties that no export writes (`JsonDoc::notes`,
/// neutralised), under the parties.
pub fn panel_lines_decided(
    report: &ScanReport,
    event: usize,
    hints: &[String],
    note: &str,
    outside_chain: Option<usize>,
    notes: &[String],
    width: usize,
) -> Vec<(WhyKind, bool, String)> {
    let mut out = Vec::new();
    let mut push = |kind: WhyKind, text: &str| {
        for (i, l) in super::wrap::wrap(text, width).into_iter().enumerate() {
            out.push((kind, i == 0, l));
        }
    };
    if let Some(e) = report.events.get(event) {
        push(WhyKind::Parties, &parties_line(&e.parties));
        for n in same_upn_lines(&report.context, &e.parties) {
            push(WhyKind::Hint, &n);
        }
    }
    for n in notes {
        push(WhyKind::Hint, n);
    }
    if let Some(line) = outside_chain {
        push(
            WhyKind::Hint,
            &format!(
                "▲ decided by journal line {line}, outside the hash chain: a line sts-triage did not write (added by hand or by another tool); applied"
            ),
        );
    }
    if !note.is_empty() {
        // The note is the analyst's text, perhaps pasted from an event: neutralised too.
        push(WhyKind::Note, &format!("✎ note: {}", neutralize(note)));
    }
    for h in hints {
        // Hints quote event strings (the role): neutralised here too.
        push(WhyKind::Hint, &neutralize(&format!("▲ {h}")));
    }
    let lines = why_lines(report, event);
    let dropped = dropped_at(&lines);
    for (i, (clause, value, ok)) in lines.into_iter().enumerate() {
        let value = format!("    {}", neutralize(&value));
        if Some(i) == dropped {
            push(
                WhyKind::Dropped,
                &format!("{DROPPED_MARK}✗ {clause}{DROPPED_NOTE}"),
            );
            push(WhyKind::DroppedValue, &value);
        } else {
            let mark = match ok {
                Some(true) => "✓",
                Some(false) => "✗",
                None => " ",
            };
            push(WhyKind::Clause(ok), &format!("{mark} {clause}"));
            push(WhyKind::Value, &value);
        }
    }
    out
}
