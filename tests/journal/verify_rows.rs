//! `sts-triage verify` checks each row of a report against the journal, not only the counts
//! per verdict: two verdicts swapped between rows (the totals stay the same), a rewritten
//! note or analyst, in the Markdown and the JSON report, each named by its row (exit 1).

use std::path::Path;

use super::verify::{case, differences, make_report, verify_report};

/// Verifies the report at `path` after `edit` rewrote its text: the differences printed
/// (exit status 1 required).
pub(super) fn verify_edited(
    c: &super::verify::Case,
    path: &Path,
    edit: impl Fn(&str) -> String,
) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(path, edited).unwrap();
    let (code, out) = verify_report(c, path);
    std::fs::write(path, text).unwrap();
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("OK:"), "{out}");
    differences(&out).into_iter().map(str::to_owned).collect()
}

#[test]
fn markdown_verdicts_swapped_between_two_rows_are_caught_naming_both() {
    let c = case();
    let report = make_report(&c, "md");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "untouched: {out}");
    let d = verify_edited(&c, &report, |t| {
        t.replace(
            "| suspicious | `anonymous proxy",
            "| legitimate | `anonymous proxy",
        )
        .replace(
            "| legitimate | `sessions revoked",
            "| suspicious | `sessions revoked",
        )
    });
    // The totals still read 2 suspicious, 2 legitimate: only the rows tell.
    assert_eq!(d.len(), 2, "{d:?}");
    for (who, says) in [
        ("svc-backup@contoso.com", "legitimate"),
        ("admin@contoso.com", "suspicious"),
    ] {
        assert!(
            d.iter().any(|l| l.starts_with("row ")
                && l.contains(who)
                && l.contains(&format!("verdict: the report says \"{says}\""))),
            "{who}: {d:?}"
        );
    }
}

#[test]
fn a_markdown_note_rewritten_on_a_row_and_a_near_miss_is_caught() {
    let c = case();
    let report = make_report(&c, "md");
    let d = verify_edited(&c, &report, |t| {
        t.replace("(ticket 1234)", "(ticket 9999)")
            .replace("`the sync account`", "`approved by the CISO`")
    });
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d.iter().any(|l| l.starts_with("row ")
            && l.contains("admin@contoso.com")
            && l.contains("note:")
            && l.contains("9999")
            && l.contains("1234")),
        "{d:?}"
    );
    assert!(
        d.iter().any(|l| l.starts_with("near miss ")
            && l.contains("sync@contoso.com")
            && l.contains("note:")),
        "{d:?}"
    );
}

#[test]
fn json_verdicts_swapped_a_note_and_an_analyst_rewritten_are_caught() {
    let c = case();
    let report = make_report(&c, "json");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "untouched: {out}");
    let d = verify_edited(&c, &report, |t| {
        let mut v: serde_json::Value = serde_json::from_str(t).unwrap();
        let f = v["findings"].as_array_mut().unwrap();
        let at = |f: &[serde_json::Value], verdict: &str| {
            f.iter().position(|r| r["verdict"] == verdict).unwrap()
        };
        let (s, l) = (at(f, "suspicious"), at(f, "legitimate"));
        f[s]["verdict"] = "legitimate".into();
        f[l]["verdict"] = "suspicious".into();
        let n = &mut v["near_misses"][0];
        n["note"] = "nothing to see".into();
        n["analyst"] = "mallory".into();
        serde_json::to_string_pretty(&v).unwrap()
    });
    assert_eq!(d.len(), 3, "{d:?}");
    assert_eq!(
        d.iter()
            .filter(|l| l.starts_with("row row:") && l.contains("verdict: the report says"))
            .count(),
        2,
        "{d:?}"
    );
    assert!(
        d.iter().any(|l| l.starts_with("near miss event:")
            && l.contains("note: the report says \"nothing to see\"")
            && l.contains("analyst: the report says \"mallory\"")),
        "{d:?}"
    );
}

#[test]
fn a_markdown_row_removed_or_moved_to_another_section_is_named() {
    let c = case();
    let report = make_report(&c, "md");
    let without = |t: &str, who: &str| -> String {
        t.lines()
            .filter(|l| !l.contains(who))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let d = verify_edited(&c, &report, |t| without(t, "`helpdesk@contoso.com`"));
    assert!(
        d.iter().any(|l| l.starts_with("row ")
            && l.contains("helpdesk@contoso.com")
            && l.contains("missing from the report")),
        "{d:?}"
    );
    // The row moved to the unreviewed table with its verdict cell rewritten: found by its
    // cells, not its place.
    let d = verify_edited(&c, &report, |t| {
        let row = t
            .lines()
            .find(|l| l.contains("`admin@contoso.com` |"))
            .unwrap()
            .replace("| legitimate | `sessions", "| unreviewed | `sessions");
        let moved = without(t, "`admin@contoso.com` |");
        // Before the first unreviewed row (alice.admin's).
        let at = moved.find("| 2021-03-02T09:15:30").unwrap();
        format!("{}{row}\n{}", &moved[..at], &moved[at..])
    });
    assert!(
        d.iter().any(|l| l.starts_with("row ")
            && l.contains("admin@contoso.com")
            && l.contains(
                "verdict: the report says \"unreviewed\", the journal gives \"legitimate\""
            )),
        "{d:?}"
    );
}

#[test]
fn a_markdown_near_miss_the_journal_does_not_decide_is_named_as_such() {
    let c = case();
    let report = make_report(&c, "md");
    // dave's near miss, written a second time as if another one, with an id no record has.
    let d = verify_edited(&c, &report, |t| {
        let line = t
            .lines()
            .find(|l| l.contains("`00000009-aaaa-bbbb-cccc-000000000000`"))
            .unwrap();
        let forged = line.replace("00000009-aaaa", "00000099-aaaa");
        t.replace(line, &format!("{line}\n{forged}"))
    });
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("near miss ")
            && d[0].contains("00000099-aaaa")
            && d[0].contains("the journal gives it no decision"),
        "{d:?}"
    );
}
