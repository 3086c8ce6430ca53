//! `verify`'s check of a report's text outside its header and its rows (breaker 15, finding
//! 4): the section headings, the sentences between the tables (`6 more near misses are
//! counted, not listed`), the load notices, and anything added after the last section (a
//! forged `## Conclusion`). Without it a hand-over report stripped of the notices that said
//! STS records were skipped, or given a conclusion sts-triage never wrote, still verified.
//!
//! The report is written again from the inputs and the journal by the same writer
//! (`verify::check_report`); every line of either text that is neither a header line (the
//! lines before the first `## `, compared by `facts`) nor a table line (`|…`, compared by
//! `rows`) must be in the other. The load notices are the one part a scan of the inputs now
//! cannot write whole: the session that made the report may have noticed more (a followed
//! file replaced or rotated). So every notice the scan makes must be in the report, and a
//! notice only the report has is named in a note, not checked.

use std::collections::HashMap;

use serde_json::Value;

use crate::neutralize::neutralize;

/// The heading of the load notices' section (`## Load notices (4)`).
const NOTICES: &str = "## Load notices";

/// What a Markdown report says outside its header and tables.
#[derive(Debug, Default)]
struct Body<'a> {
    /// Every other line (blank lines left out), in order.
    lines: Vec<&'a str>,
    /// The items of `## Load notices`.
    notices: Vec<&'a str>,
    /// The count the header's `- Load notices: N (…)` states, when it is there.
    header_count: Option<usize>,
}

fn body(text: &str) -> Body<'_> {
    let mut b = Body::default();
    let mut in_header = true;
    let mut in_notices = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            in_header = false;
            in_notices = line.starts_with(NOTICES);
            if in_notices {
                continue;
            }
        }
        if in_header {
            if let Some(rest) = line.strip_prefix("- Load notices: ") {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                b.header_count = digits.parse().ok();
            }
            continue;
        }
        if line.trim().is_empty() || line.starts_with('|') {
            continue;
        }
        if in_notices && line.starts_with("- ") {
            b.notices.push(line);
        } else {
            b.lines.push(line);
        }
    }
    b
}

/// Each line of `a` not in `b`, as many times as `a` has it more often.
fn missing_from<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    let mut have: HashMap<&str, usize> = HashMap::new();
    for l in b {
        *have.entry(l).or_default() += 1;
    }
    a.iter()
        .copied()
        .filter(|l| match have.get_mut(l) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// A line as a difference shows it: neutralised, cut at 160 characters.
fn shown(line: &str) -> String {
    let n = neutralize(line);
    match n.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &n[..at]),
        None => n.into_owned(),
    }
}

/// Compares the text of a Markdown report outside its header and tables with the text
/// written again (`expected`): a difference for each line the report adds or leaves out and
/// for each notice of the scan it leaves out; a note for each notice only the report has.
pub fn compare_markdown(
    stated: &str,
    expected: &str,
    differences: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let (s, e) = (body(stated), body(expected));
    for line in missing_from(&s.lines, &e.lines) {
        differences.push(format!(
            "text: the report adds a line sts-triage does not write for these inputs and this journal: {}",
            shown(line)
        ));
    }
    for line in missing_from(&e.lines, &s.lines) {
        differences.push(format!(
            "text: the report leaves out a line the inputs and the journal give: {}",
            shown(line)
        ));
    }
    compare_notices(&s.notices, &e.notices, differences, notes);
    if let Some(n) = s.header_count
        && n != s.notices.len()
    {
        differences.push(format!(
            "Load notices: the header says {n}, the report's *Load notices* lists {}",
            s.notices.len()
        ));
    }
    if s.header_count.is_none() && !e.notices.is_empty() {
        differences.push(format!(
            "Load notices: the report's header leaves out `- Load notices: {}`",
            e.notices.len()
        ));
    }
}

/// Every notice of the scan must be in the report; one only the report has is a note.
fn compare_notices(
    stated: &[&str],
    expected: &[&str],
    differences: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    for n in missing_from(expected, stated) {
        differences.push(format!(
            "load notice: the report leaves out (or rewrote) a notice the inputs give: {}",
            shown(n)
        ));
    }
    for n in missing_from(stated, expected) {
        notes.push(format!(
            "load notice not checked (a scan of the inputs now does not make it; the session that wrote the report may have, e.g. a followed file replaced): {}",
            shown(n)
        ));
    }
}

/// The JSON report's `notices`: every notice the scan makes must be there (as for Markdown).
pub fn compare_json(
    stated: &Value,
    expected: &Value,
    differences: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let texts = |v: &Value| -> Vec<String> {
        v.get("notices")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(Value::to_string).collect())
            .unwrap_or_default()
    };
    let (s, e) = (texts(stated), texts(expected));
    let s: Vec<&str> = s.iter().map(String::as_str).collect();
    let e: Vec<&str> = e.iter().map(String::as_str).collect();
    compare_notices(&s, &e, differences, notes);
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "# Findings: X\n\n- Rule: X\n- Load notices: 1 (…)\n\n## Unreviewed rows (1)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n3 more near misses are counted, not listed.\n\n## Load notices (1)\n\n- `a.jsonl:4`: `not valid JSON`\n";

    fn check(stated: &str) -> (Vec<String>, Vec<String>) {
        let (mut d, mut n) = (Vec::new(), Vec::new());
        compare_markdown(stated, REPORT, &mut d, &mut n);
        (d, n)
    }

    #[test]
    fn the_same_text_has_no_difference_and_tables_are_left_to_the_rows_check() {
        assert_eq!(check(REPORT), (vec![], vec![]));
        assert_eq!(check(&REPORT.replace("| 1 | 2 |", "| 9 | 9 |")).0.len(), 0);
    }

    #[test]
    fn a_section_appended_a_sentence_changed_and_notices_removed_are_differences() {
        let appended = format!("{REPORT}\n## Conclusion\n\nNo compromise found.\n");
        assert_eq!(check(&appended).0.len(), 2, "{:?}", check(&appended));
        let changed = REPORT.replace("3 more", "0 more");
        assert_eq!(check(&changed).0.len(), 2);
        let rewritten = REPORT.replace("not valid JSON", "blank line");
        let (d, n) = check(&rewritten);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("not valid JSON"), "{d:?}");
        assert_eq!(n.len(), 1, "the rewritten notice is named, not checked");
        let gone = REPORT.replace("- Load notices: 1 (…)\n", "").replace(
            "## Load notices (1)\n\n- `a.jsonl:4`: `not valid JSON`\n",
            "",
        );
        assert_eq!(check(&gone).0.len(), 2, "{:?}", check(&gone).0);
    }

    #[test]
    fn a_notice_only_the_report_has_is_a_note_and_the_header_count_must_agree() {
        let more = REPORT
            .replace("- Load notices: 1", "- Load notices: 2")
            .replace("## Load notices (1)", "## Load notices (2)")
            + "- `a.jsonl`: `replaced while followed`\n";
        let (d, n) = check(&more);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(n.len(), 1);
        let miscounted = more.replace("- Load notices: 2", "- Load notices: 5");
        assert_eq!(check(&miscounted).0.len(), 1);
    }

    #[test]
    fn json_notices_emptied_are_differences() {
        let expected = serde_json::json!({"notices": [{"file": "a", "line": 4, "message": "x"}]});
        let (mut d, mut n) = (Vec::new(), Vec::new());
        compare_json(
            &serde_json::json!({"notices": []}),
            &expected,
            &mut d,
            &mut n,
        );
        assert_eq!(d.len(), 1);
        d.clear();
        compare_json(&expected, &expected, &mut d, &mut n);
        assert!(d.is_empty() && n.is_empty());
    }
}
