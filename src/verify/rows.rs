//! `verify`'s check of each row: the verdict, note, analyst and decision time a report shows
//! for each flagged row and near miss, against what the journal gives that row. The totals
//! per verdict alone miss two verdicts swapped between rows, or a note rewritten.
//!
//! The expected report is re-rendered from the inputs and the journal by the report's own
//! writer (`report::markdown_report` or `report::json_report`), and the two are compared
//! row by row. A row is found by what identifies it, never by its place in a section: a
//! row moved to another section along with its verdict is still the same row.
//! - JSON: `findings[].key` and `near_misses[].key`; compared: `verdict`, `note`,
//!   `analyst`, `decided_at`.
//! - Markdown: a flagged row by its First seen and Source cells, a near miss by its Time,
//!   Source and Event id cells; compared: the Verdict, Note, Analyst and Decided cells, as
//!   the writer renders them (see `report::markdown::finding_line`).

use std::collections::HashMap;

use serde_json::Value;

use crate::neutralize::neutralize;

/// The fields of a row's decision, in the order they are compared and named.
const DECISION_FIELDS: [&str; 4] = ["verdict", "note", "analyst", "decided at"];

/// One row of a report: what names it in messages, what finds it, its decision fields.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    /// "row" or "near miss".
    kind: &'static str,
    /// Identifies the row across the two reports.
    id: String,
    /// How a message names the row (neutralised when written).
    name: String,
    decision: [String; 4],
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
            rows.push(Row {
                kind,
                id: key.clone(),
                name: format!("{key} ({time}, {who})"),
                decision: [s("verdict"), s("note"), s("analyst"), s("decided_at")],
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
    // (kind, identifying cells, first decision cell) of the table being read.
    let mut table: Option<(&'static str, &[usize], usize)> = None;
    for line in text.lines() {
        if line.starts_with("## ") {
            table = None;
            continue;
        }
        if line.starts_with("| First seen (UTC) |") {
            table = Some(("row", &[0, 10], 11));
            continue;
        }
        if line.starts_with("| Time (UTC) |") {
            table = Some(("near miss", &[0, 4, 5], 6));
            continue;
        }
        let Some((kind, ids, at)) = table else {
            continue;
        };
        let Some(c) = cells(line) else {
            continue;
        };
        if c.len() < at + 4 || c[0].starts_with("---") {
            continue;
        }
        let id: Vec<&str> = ids.iter().map(|&i| c[i]).collect();
        rows.push(Row {
            kind,
            id: id.join(" | "),
            name: format!("{} {}, {}", c[0], c[1], id[1..].join(", ")),
            decision: [0, 1, 2, 3].map(|k| c[at + k].to_owned()),
        });
    }
    rows
}

/// Compares the rows of a report with the expected ones: one difference per row whose
/// decision fields differ (naming each field), per row of the report the inputs and journal
/// do not give, and per expected row the report leaves out.
fn compare(stated: &[Row], expected: &[Row], out: &mut Vec<String>) {
    let mut left: HashMap<(&str, &str), Vec<&Row>> = HashMap::new();
    for r in expected {
        left.entry((r.kind, &r.id)).or_default().push(r);
    }
    for r in stated {
        let name = neutralize(&r.name);
        let Some(want) = left.get_mut(&(r.kind, r.id.as_str())).and_then(|v| {
            // Rows with the same identity (rare): the one with the same decision if any.
            let i = v.iter().position(|e| e.decision == r.decision).unwrap_or(0);
            (!v.is_empty()).then(|| v.remove(i))
        }) else {
            out.push(format!(
                "{} {name}: in the report, but the inputs and the journal give no such {}",
                r.kind, r.kind
            ));
            continue;
        };
        let what: Vec<String> = DECISION_FIELDS
            .iter()
            .zip(r.decision.iter().zip(&want.decision))
            .filter(|(_, (a, b))| a != b)
            .map(|(field, (a, b))| {
                format!(
                    "{field}: the report says {}, the journal gives {}",
                    shown(a),
                    shown(b)
                )
            })
            .collect();
        if !what.is_empty() {
            out.push(format!("{} {name}: {}", r.kind, what.join("; ")));
        }
    }
    for r in left.values().flatten() {
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
