//! `verify`'s check of each row: every cell a report shows for each flagged row and near
//! miss (the event's values, its targets, actors, sources and copies, and the verdict, note,
//! analyst and decision time), against what the inputs and the journal give that row. The
//! totals per verdict alone miss two verdicts swapped between rows, a note rewritten, or a
//! suspicious row moved to another account, address or target.
//!
//! The expected report is re-rendered from the inputs and the journal by the report's own
//! writer (`report::markdown_report` or `report::json_report`), and the two are compared
//! row by row. A row is found by what identifies it, never by its place in a section: a
//! row moved to another section along with its verdict is still the same row.
//! - JSON: `findings[].key` and `near_misses[].key`.
//! - Markdown: a flagged row by its First seen and Source cells, a near miss by its Time,
//!   Source and Event id cells (see `report::markdown::finding_line`). Several rows can share
//!   these (two events of one second on one line of a JSON document): among them, a row of
//!   the report equal in every compared cell to an expected one is that row; the others are
//!   paired with the expected row they share the most cells with, and their differing cells
//!   named.
//!
//! Not compared: the cells that depend on the related records read (`Context`; JSON
//! `context`, `related`, `related_total`, `related_more`): a report made with `--no-context`
//! or other windows shows other ones for the same inputs. Of the Hints cell only the badges
//! the row's own values and the report's stated thresholds give ([`OWN_HINTS`]) are compared:
//! a report whose `far proxy` was erased no longer verifies (breaker14 #4); `reset`, `self`,
//! `bulk`, `first`, `signin`, `conflict` and `lookalike` read other records.

use std::collections::HashMap;

use serde_json::Value;

use crate::neutralize::neutralize;

/// The decision fields (JSON key, Markdown column), named in messages as "the journal gives".
const DECISION_FIELDS: [(&str, &str); 4] = [
    ("verdict", "Verdict"),
    ("note", "Note"),
    ("analyst", "Analyst"),
    ("decided_at", "Decided (UTC)"),
];

/// Fields and columns left out of the comparison (see the module's doc).
const NOT_COMPARED: [&str; 5] = [
    "context",
    "related",
    "related_total",
    "related_more",
    "Context",
];

/// The hints a row's own values and the report's thresholds give (`hints::Hint::badge`),
/// which `verify` checks; the others read related records.
pub const OWN_HINTS: [&str; 5] = ["back", "far", "proxy", "app", "ctrl"];

/// A compared cell: the Hints cell (Markdown `` `far proxy first` ``, JSON `["far","proxy"]`)
/// as its own-value badges alone, under a name that says so; any other as it is.
fn compared(name: &str, value: String) -> (String, String) {
    if name == "Hints" || name == "hints" {
        let own: Vec<&str> = value
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| OWN_HINTS.contains(w))
            .collect();
        (format!("{name} ({})", OWN_HINTS.join(" ")), own.join(" "))
    } else {
        (name.to_owned(), value)
    }
}

/// One row of a report: what names it in messages, what finds it, its compared cells.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    /// "row" or "near miss".
    kind: &'static str,
    /// Identifies the row across the two reports.
    id: String,
    /// How a message names the row (neutralised when written).
    name: String,
    /// (field or column name, value), in the report's order.
    cells: Vec<(String, String)>,
}

impl Row {
    fn same_cells(&self, other: &Row) -> usize {
        self.cells
            .iter()
            .filter(|c| other.cells.contains(c))
            .count()
    }
}

fn json_rows(v: &Value) -> Vec<Row> {
    let mut rows = Vec::new();
    for (list, kind) in [("findings", "row"), ("near_misses", "near miss")] {
        let Some(items) = v.get(list).and_then(Value::as_array) else {
            continue;
        };
        for item in items {
            let s = |k: &str| match item.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let key = s("key");
            let (time, who) = if kind == "row" {
                (s("first_seen"), s("account_display_name"))
            } else {
                (s("time"), s("actor"))
            };
            let cells = item
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.as_str() != "key" && !NOT_COMPARED.contains(&k.as_str()))
                .map(|(k, _)| compared(k, s(k)))
                .collect();
            rows.push(Row {
                kind,
                id: key.clone(),
                name: format!("{key} ({time}, {who})"),
                cells,
            });
        }
    }
    rows
}

/// The cells of a Markdown table line (`| a | b |`), split at the `|` the writer puts
/// between cells: a `|` inside a value is written `\|`.
fn cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.strip_prefix("| ")?.strip_suffix(" |")?;
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = inner.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
            out.push(inner[start..i].trim_end_matches(' '));
            start = i + 1;
        }
    }
    out.push(&inner[start..]);
    Some(
        out.into_iter()
            .map(|c| c.strip_prefix(' ').unwrap_or(c))
            .collect(),
    )
}

fn markdown_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    // (kind, identifying cells, column names) of the table being read.
    let mut table: Option<(&'static str, &[usize], Vec<String>)> = None;
    for line in text.lines() {
        if line.starts_with("## ") {
            table = None;
            continue;
        }
        let ids: Option<(&'static str, &'static [usize])> =
            if line.starts_with("| First seen (UTC) |") {
                Some(("row", &[0, 10]))
            } else if line.starts_with("| Time (UTC) |") {
                Some(("near miss", &[0, 4, 5]))
            } else {
                None
            };
        if let Some((kind, ids)) = ids {
            let names = cells(line)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_owned)
                .collect();
            table = Some((kind, ids, names));
            continue;
        }
        let Some((kind, ids, names)) = &table else {
            continue;
        };
        let Some(c) = cells(line) else {
            continue;
        };
        if c.len() < names.len() || c[0].starts_with("---") {
            continue;
        }
        let id: Vec<&str> = ids.iter().map(|&i| c[i]).collect();
        rows.push(Row {
            kind,
            id: id.join(" | "),
            name: format!("{} {}, {}", c[0], c[1], id[1..].join(", ")),
            cells: names
                .iter()
                .zip(&c)
                .filter(|(n, _)| !NOT_COMPARED.contains(&n.as_str()))
                .map(|(n, v)| compared(n, (*v).to_owned()))
                .collect(),
        });
    }
    rows
}

/// The differences of one row of the report from the expected row it stands for: each
/// differing cell, the decision's as what the journal gives, the others as what the inputs
/// give.
fn cell_differences(r: &Row, want: &Row) -> Vec<String> {
    let mut what = Vec::new();
    for (field, value) in &r.cells {
        let expected = want
            .cells
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, v)| v.as_str());
        if value == expected {
            continue;
        }
        let decision = DECISION_FIELDS
            .iter()
            .find(|(json, md)| field == json || field == md);
        let (name, source) = match decision {
            Some((json, _)) => (json.replace('_', " "), "the journal gives"),
            None => (field.clone(), "the inputs give"),
        };
        what.push(format!(
            "{}: the report says {}, {source} {}",
            neutralize(&name),
            shown(value),
            shown(expected)
        ));
    }
    for (field, value) in &want.cells {
        if !r.cells.iter().any(|(f, _)| f == field) {
            what.push(format!(
                "{}: missing from the report, the inputs give {}",
                neutralize(field),
                shown(value)
            ));
        }
    }
    what
}

/// Compares the rows of a report with the expected ones: one difference per row whose
/// cells differ (naming each cell), per row of the report the inputs and journal do not
/// give, and per expected row the report leaves out. Differences come in the report's
/// order, then the missing rows in the expected report's order.
fn compare(stated: &[Row], expected: &[Row], out: &mut Vec<String>) {
    let mut left: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in expected.iter().enumerate() {
        left.entry((r.kind, &r.id)).or_default().push(i);
    }
    // Rows equal in every compared cell first, so that a pair of look-alike rows is
    // never matched crosswise.
    let mut pending = Vec::new();
    for r in stated {
        let group = left.entry((r.kind, r.id.as_str())).or_default();
        match group.iter().position(|&e| expected[e].cells == r.cells) {
            Some(at) => {
                group.remove(at);
            }
            None => pending.push(r),
        }
    }
    for r in pending {
        let name = neutralize(&r.name);
        let group = left.entry((r.kind, r.id.as_str())).or_default();
        let best = (0..group.len()).max_by_key(|&k| {
            // The most cells in common; on a tie the first.
            (r.same_cells(&expected[group[k]]), std::cmp::Reverse(k))
        });
        let Some(at) = best else {
            // A report lists only the near misses decided: one the journal no longer decides
            // (undone since) is as absent as one the inputs do not hold.
            out.push(if r.kind == "near miss" {
                format!(
                    "near miss {name}: in the report as decided, but the journal gives it no decision (undone since?) or the inputs hold no such near miss"
                )
            } else {
                format!(
                    "row {name}: in the report, but the inputs and the journal give no such row"
                )
            });
            continue;
        };
        let want = &expected[group.remove(at)];
        let what = cell_differences(r, want);
        if !what.is_empty() {
            out.push(format!("{} {name}: {}", r.kind, what.join("; ")));
        }
    }
    let mut missing: Vec<usize> = left.into_values().flatten().collect();
    missing.sort_unstable();
    for i in missing {
        let r = &expected[i];
        out.push(format!(
            "{} {}: given by the inputs and the journal, missing from the report",
            r.kind,
            neutralize(&r.name)
        ));
    }
}

fn shown(v: &str) -> String {
    if v.is_empty() {
        "nothing".to_owned()
    } else {
        format!("\"{}\"", neutralize(v))
    }
}

/// The differences between a JSON report's rows and the expected JSON report's.
pub fn compare_json(stated: &Value, expected: &Value, out: &mut Vec<String>) {
    compare(&json_rows(stated), &json_rows(expected), out);
}

/// The differences between a Markdown report's rows and the expected Markdown report's.
pub fn compare_markdown(stated: &str, expected: &str, out: &mut Vec<String>) {
    compare(&markdown_rows(stated), &markdown_rows(expected), out);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_at_unescaped_bars_only() {
        assert_eq!(
            cells("| a | `x \\| y` |  | d |").unwrap(),
            vec!["a", "`x \\| y`", "", "d"]
        );
    }
}
