//! The words the status line says of a decision: what an undo or redo did and what the
//! rows went back to, and what a verdict replaced.

use crate::journal::{Decision, Verdict};

/// What undoing (or redoing) a step does, in the analyst's words, as its head and what the
/// rows went back to: (`undone: suspicious on 3 rows`, `back to unreviewed`), (`redone:
/// note on 1 row`, none); a step of mixed changes (classify like this over rows decided
/// differently) is counted. The caller puts the rows out of sight between the two.
pub(super) fn outcome(
    undo: bool,
    changes: &[(String, Decision, Decision)],
) -> (String, Option<String>) {
    let done = if undo { "undone" } else { "redone" };
    let rows = match changes.len() {
        1 => "1 row".to_owned(),
        n => format!("{n} rows"),
    };
    // The verdict the step set, and the one it replaced, where the same on every row.
    let one = |pick: fn(&(String, Decision, Decision)) -> Verdict| {
        let first = pick(changes.first()?);
        changes.iter().all(|c| pick(c) == first).then_some(first)
    };
    let set = one(|c| c.2.verdict);
    let replaced = one(|c| c.1.verdict);
    let verdicts = changes.iter().all(|(_, b, a)| b.verdict != a.verdict);
    match (set, replaced) {
        (Some(set), Some(replaced)) if verdicts && undo => (
            format!("{done}: {} on {rows}", set.label()),
            Some(format!(
                "back to {}{}",
                replaced.label(),
                restored_by(changes)
            )),
        ),
        (Some(set), Some(_)) if verdicts => (format!("{done}: {} on {rows}", set.label()), None),
        _ if changes.iter().all(|(_, b, a)| b.note != a.note) => {
            (format!("{done}: note on {rows}"), None)
        }
        // One verdict over rows decided differently before (classify like this): an undo
        // says what each row went back to.
        (Some(set), _) if undo => (
            format!("{done}: {} on {rows}", set.label()),
            Some(format!("back to {}", verdicts_before(changes))),
        ),
        (Some(set), _) => (format!("{done}: {} on {rows}", set.label()), None),
        _ if undo => (
            format!(
                "{done}: {}",
                crate::tui::count::count(changes.len(), "decision")
            ),
            Some(format!("back to {}", verdicts_before(changes))),
        ),
        _ => (
            format!(
                "{done}: {}",
                crate::tui::count::count(changes.len(), "decision")
            ),
            None,
        ),
    }
}

/// What a verdict replaced, when it replaced another verdict on any row (unreviewed is no
/// verdict): `suspicious (was legitimate)` for the analyst's own decision, `suspicious (was
/// legitimate by colleague)` for another analyst's (the name read from the journal,
/// neutralised), `legitimate on 3 rows (was 2 suspicious, 1 unreviewed)` over rows decided
/// differently. None when no row had a verdict other than the new one.
pub(super) fn overturned(
    verdict: Verdict,
    changes: &[(String, Decision, Decision)],
    analyst: &str,
) -> Option<String> {
    let changed = |b: &Decision| b.verdict != Verdict::Unreviewed && b.verdict != verdict;
    let first = changes.iter().map(|c| &c.1).find(|b| changed(b))?;
    let rows = match changes.len() {
        1 => String::new(),
        n => format!(" on {n} rows"),
    };
    let same = changes
        .iter()
        .all(|(_, b, _)| (b.verdict, &b.analyst) == (first.verdict, &first.analyst));
    let was = if same {
        let by = if first.analyst == analyst || first.analyst.trim().is_empty() {
            String::new()
        } else {
            format!(" by {}", crate::journal::shown_analyst(&first.analyst))
        };
        format!("{}{by}", first.verdict.label())
    } else {
        verdicts_before(changes)
    };
    Some(format!("{}{rows} (was {was})", verdict.label()))
}

/// The verdicts the rows had before the step, counted: `2 unreviewed, 1 legitimate`
/// (unreviewed, suspicious, legitimate, in that order).
fn verdicts_before(changes: &[(String, Decision, Decision)]) -> String {
    [
        Verdict::Unreviewed,
        Verdict::Suspicious,
        Verdict::Legitimate,
    ]
    .into_iter()
    .filter_map(|v| {
        let n = changes.iter().filter(|(_, b, _)| b.verdict == v).count();
        (n > 0).then(|| format!("{n} {}", v.label()))
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// Whose decision an undo put back, where the same on every row: `: no decision` when the
/// rows had none, ` by bob` (neutralised: a name read from the journal) when one analyst
/// made them all; else nothing.
fn restored_by(changes: &[(String, Decision, Decision)]) -> String {
    let first = match changes.first() {
        Some((_, before, _)) => before,
        None => return String::new(),
    };
    if changes.iter().all(|(_, b, _)| b.time.is_empty()) {
        return ": no decision".to_owned();
    }
    let same = changes
        .iter()
        .all(|(_, b, _)| !b.time.is_empty() && b.analyst == first.analyst);
    if same && !first.analyst.trim().is_empty() {
        format!(" by {}", crate::journal::shown_analyst(&first.analyst))
    } else {
        String::new()
    }
}
