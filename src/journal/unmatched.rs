//! Decisions of the journal that match no loaded row: made on a row (`row:<fingerprint>`)
//! or a near miss (`event:<id>`) that the inputs read do not give: an input changed or was
//! replaced since (logrotate under `--follow`), or a followed file was not yet written that
//! far. Such a decision is kept in the journal and applies again once its row is read, but
//! it is in no count: the header's `reviewed n/m`, the report's totals and `verify` were
//! silent about it, and an analyst could not tell a decision lost from one never made.

use std::collections::{HashMap, HashSet};

use super::{Decision, Verdict};
use crate::scan::ScanReport;

/// How many decisions (a verdict or a note) match no row or near miss of `report`, its rows
/// found by their keys. A near-miss decision matches when an event of its id was read
/// (`event:<id>`, or `event:<id>#<content>` of an id others share): one whose id now names
/// several events is said as not applied elsewhere (`report::decisions_not_applied`).
pub fn unmatched_in_report(decisions: &HashMap<String, Decision>, report: &ScanReport) -> usize {
    let live: Vec<&str> = live_keys(decisions).collect();
    keys_on_no_row(&live, report).len()
}

/// Of `keys` (journal keys), those that name no row or near miss of `report` (in the order
/// given): [`unmatched_in_report`] for any keys, decided now or not (`verify` says which of
/// the decisions made after a report are on rows of its inputs).
pub fn keys_on_no_row<'a>(keys: &[&'a str], report: &ScanReport) -> Vec<&'a str> {
    let wanted: HashSet<&str> = keys
        .iter()
        .copied()
        .filter(|k| !k.starts_with("event:"))
        .collect();
    // Each row's key is a SHA-256 of its values: made only when rows were decided.
    let rows: HashSet<String> = if wanted.is_empty() {
        HashSet::new()
    } else {
        report
            .findings
            .iter()
            .map(|f| f.row.key())
            .filter(|k| wanted.contains(k.as_str()))
            .collect()
    };
    not_loaded(keys, report, |k| rows.contains(k))
}

/// [`unmatched_in_report`] with the rows found by `is_row` (the workbench's tables know
/// their rows' keys): true when a `row:` key is a loaded row's, folded ones included (those
/// are said as rows to decide again).
pub fn unmatched_in_load(
    decisions: &HashMap<String, Decision>,
    report: &ScanReport,
    is_row: impl Fn(&str) -> bool,
) -> usize {
    let live: Vec<&str> = live_keys(decisions).collect();
    not_loaded(&live, report, is_row).len()
}

/// Of `keys`, those of no row (`is_row`) and of no event read by its id.
fn not_loaded<'a>(
    keys: &[&'a str],
    report: &ScanReport,
    is_row: impl Fn(&str) -> bool,
) -> Vec<&'a str> {
    let mut ids: HashMap<&str, bool> = HashMap::new();
    for k in keys {
        if let Some(id) = k.strip_prefix("event:") {
            ids.insert(id, false);
            if let Some((plain, _)) = id.rsplit_once('#') {
                ids.insert(plain, false);
            }
        }
    }
    if !ids.is_empty() {
        for e in &report.events {
            if let Some(seen) = ids.get_mut(e.id.as_str()) {
                *seen = true;
            }
        }
    }
    keys.iter()
        .copied()
        .filter(|k| match k.strip_prefix("event:") {
            Some(id) => {
                let seen = |id: &str| ids.get(id).copied().unwrap_or(false);
                !seen(id) && !id.rsplit_once('#').is_some_and(|(plain, _)| seen(plain))
            }
            None => !is_row(k),
        })
        .collect()
}

/// The keys of the decisions that say something: a verdict, or a note (an undone decision
/// leaves neither).
fn live_keys(decisions: &HashMap<String, Decision>) -> impl Iterator<Item = &str> {
    decisions
        .iter()
        .filter(|(_, d)| d.verdict != Verdict::Unreviewed || !d.note.is_empty())
        .map(|(k, _)| k.as_str())
}

/// What the workbench, `report` and `verify` say of `n` decisions that match no loaded row
/// (None for 0).
pub fn unmatched_sentence(n: usize) -> Option<String> {
    (n > 0).then(|| {
        format!(
            "{} in the journal {} no loaded row (rows these inputs do not give, or not yet: an \
             input changed, replaced, or still being written?); kept in the journal, counted in \
             no total",
            crate::count::count(n, "decision"),
            if n == 1 { "matches" } else { "match" }
        )
    })
}

/// The report's header line on `n` decisions of its journal that match no row or near miss
/// of its inputs (None for 0, so that a report without any says nothing new): the Markdown
/// fact `verify` compares, as the JSON report's `journal_decisions_matching_no_row`.
pub fn unmatched_report_line(n: usize) -> Option<String> {
    (n > 0).then(|| {
        format!(
            "- Journal decisions matching no row: {n} (on rows or near misses these inputs do \
             not give: an input changed or replaced since, rows of another export, or not yet \
             written; kept in the journal, in no count of this report)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided(verdict: Verdict, note: &str) -> Decision {
        Decision {
            verdict,
            note: note.to_owned(),
            ..Decision::default()
        }
    }

    #[test]
    fn decisions_on_rows_and_ids_not_read_are_counted_an_undone_one_is_not() {
        let path = std::path::Path::new("tests/fixtures/workbench.jsonl");
        let report =
            crate::scan::scan_paths(&[path.to_owned()], &Default::default()).expect("scan");
        let row = report.findings[0].row.key();
        let near = report.events[report.near_misses[0]].key();
        let mut decisions = HashMap::from([
            (row, decided(Verdict::Suspicious, "")),
            (near.clone(), decided(Verdict::Legitimate, "")),
            // Of that id, under a content key saved when another shared it.
            (format!("{near}#0000abcd"), decided(Verdict::Legitimate, "")),
        ]);
        assert_eq!(unmatched_in_report(&decisions, &report), 0);
        assert_eq!(unmatched_sentence(0), None);
        decisions.insert(
            "row:000000000000000000000000".to_owned(),
            decided(Verdict::Unreviewed, "a note only"),
        );
        decisions.insert(
            "event:not-read".to_owned(),
            decided(Verdict::Suspicious, ""),
        );
        decisions.insert(
            "row:111111111111111111111111".to_owned(),
            Decision::default(),
        );
        let n = unmatched_in_report(&decisions, &report);
        assert_eq!(n, 2);
        assert!(
            unmatched_sentence(n)
                .unwrap()
                .starts_with("2 decisions in the journal match no loaded row"),
        );
    }
}
