//! `sts-triage verify` checks the report's text outside its header and rows (breaker 15,
//! finding 4): a load notice deleted or rewritten, a section appended, the sentence that
//! counts the near misses not listed changed, the JSON `notices` emptied are each caught;
//! a report made before any decision verifies without the journal it names (finding 6).

use super::verify::{case, make_report, verify_report};
use super::verify_rows::verify_edited;

/// A case whose input has a line that is not JSON: the report then carries a load notice.
fn case_with_notice() -> super::verify::Case {
    let c = case();
    let mut text = std::fs::read_to_string(&c.input).unwrap();
    text.push_str("{\"Timestamp\": \"2021-05-01T00:00:00Z\", not json\n");
    std::fs::write(&c.input, text).unwrap();
    c
}

#[test]
fn a_markdown_report_stripped_of_its_notices_or_given_a_conclusion_is_caught() {
    let c = case_with_notice();
    let report = make_report(&c, "md");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "the report as written verifies: {out}");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("## Load notices (1)"), "{text}");

    let appended = verify_edited(&c, &report, |t| {
        format!("{t}\n## Conclusion\n\nAll rows reviewed; no compromise found.\n")
    });
    assert!(
        appended.iter().any(|d| d.contains("no compromise found")),
        "{appended:?}"
    );

    let notices_gone = verify_edited(&c, &report, |t| {
        let at = t.find("\n## Load notices").unwrap();
        let end = t[at + 1..].find("\n## ").map_or(t.len(), |e| at + 1 + e);
        let header_line = t
            .lines()
            .find(|l| l.starts_with("- Load notices:"))
            .unwrap();
        format!("{}{}", &t[..at], &t[end..]).replace(&format!("{header_line}\n"), "")
    });
    assert!(
        notices_gone
            .iter()
            .any(|d| d.starts_with("load notice:") && d.contains("not valid JSON")),
        "{notices_gone:?}"
    );

    let rewritten = verify_edited(&c, &report, |t| {
        let line = t.lines().find(|l| l.contains("not valid JSON")).unwrap();
        t.replace(line, "- `workbench.jsonl:13`: `blank line`")
    });
    assert!(
        rewritten.iter().any(|d| d.starts_with("load notice:")),
        "{rewritten:?}"
    );
}

#[test]
fn a_json_report_whose_notices_were_emptied_is_caught() {
    let c = case_with_notice();
    let report = make_report(&c, "json");
    assert_eq!(verify_report(&c, &report).0, Some(0));
    let d = verify_edited(&c, &report, |t| {
        let mut v: serde_json::Value = serde_json::from_str(t).unwrap();
        v["notices"] = serde_json::json!([]);
        serde_json::to_string_pretty(&v).unwrap()
    });
    assert!(d.iter().any(|d| d.starts_with("load notice:")), "{d:?}");
}

#[test]
fn a_report_made_before_any_decision_verifies_without_its_journal() {
    let c = case();
    std::fs::remove_file(&c.journal).unwrap();
    let report = make_report(&c, "md");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("(not found: no decisions)"), "{text}");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("not found, as the report says"), "{out}");
}
