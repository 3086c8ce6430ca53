//! `sts-triage verify` compares every cell of a report that does not depend on the related
//! records read, and what the report states above its rows: a flagged row moved to another
//! account, address or object id, the analysts, the time range or a file's record counts
//! rewritten are each caught (exit 1); the same inputs copied under another folder still
//! verify.

use super::verify::{case, make_report};
use super::verify_rows::verify_edited as differences_after;

#[test]
fn a_markdown_row_moved_to_another_account_and_address_is_caught_cell_by_cell() {
    let c = case();
    let report = make_report(&c, "md");
    let d = differences_after(&c, &report, |t| {
        t.replace(
            "| `svc-backup@contoso.com` | `5b4c-0002` | `ServicePrincipal` | `198.51.100.7` |",
            "| `bob.ops@contoso.com` | `5b4c-0006` | `ServicePrincipal` | `203.0.113.77` |",
        )
    });
    assert_eq!(d.len(), 1, "{d:?}");
    for said in [
        "Account: the report says \"`bob.ops@contoso.com`\", the inputs give \"`svc-backup@contoso.com`\"",
        "AccountObjectId: the report says \"`5b4c-0006`\"",
        "IP: the report says \"`203.0.113.77`\", the inputs give \"`198.51.100.7`\"",
    ] {
        assert!(d[0].contains(said), "{said}: {d:?}");
    }
}

#[test]
fn markdown_analysts_time_range_and_a_files_counts_rewritten_are_caught() {
    let c = case();
    let report = make_report(&c, "md");
    let d = differences_after(&c, &report, |t| {
        t.replace("- Analysts: `alice`, `bob`", "- Analysts: `mallory`")
            .replace("12 records, 11 STS events", "1 record, 0 STS events")
            .replace("– 2021-05-02T00:00:10", "– 2021-01-01T00:00:00")
    });
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(
        d.iter().any(|l| l.starts_with(
            "Analysts: the report says `mallory`, the inputs and the journal give `alice`, `bob`"
        )),
        "{d:?}"
    );
    assert!(
        d.iter().any(|l| l.starts_with("the file with SHA-256 ")
            && l.contains("1 record, 0 STS events")
            && l.contains("12 records, 11 STS events")),
        "{d:?}"
    );
    assert!(d.iter().any(|l| l.starts_with("Time range")), "{d:?}");
}

#[test]
fn json_cells_and_stated_facts_rewritten_are_caught() {
    let c = case();
    let report = make_report(&c, "json");
    let d = differences_after(&c, &report, |t| {
        let mut v: serde_json::Value = serde_json::from_str(t).unwrap();
        v["analysts"] = serde_json::json!(["mallory"]);
        let row = &mut v["findings"][0];
        row["ip_address"] = serde_json::json!("192.0.2.1");
        row["token_minutes_added"] = serde_json::json!(1);
        serde_json::to_string_pretty(&v).unwrap()
    });
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d.iter()
            .any(|l| l.starts_with("analysts: the report says [\"mallory\"]")),
        "{d:?}"
    );
    assert!(
        d.iter().any(|l| l.starts_with("row ")
            && l.contains("ip_address: the report says \"192.0.2.1\"")
            && l.contains("token_minutes_added: the report says \"1\"")),
        "{d:?}"
    );
}

#[test]
fn the_same_inputs_under_another_folder_still_verify() {
    let c = case();
    for format in ["md", "json"] {
        let report = make_report(&c, format);
        // The investigator's copy: the same bytes, another path.
        let elsewhere = tempfile::tempdir().unwrap();
        let moved = elsewhere.path().join("evidence-copy.jsonl");
        std::fs::copy(&c.input, &moved).unwrap();
        let out = crate::support::run_bin(&[
            "verify".as_ref(),
            "--report".as_ref(),
            report.as_os_str(),
            "--journal".as_ref(),
            c.journal.as_os_str(),
            moved.as_os_str(),
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {text}");
    }
}

#[test]
fn a_hint_the_rows_own_values_give_erased_is_caught_a_related_records_hint_is_not_checked() {
    // breaker14 #4: a Hints cell that lost `far proxy first` verified OK.
    let c = case();
    let report = make_report(&c, "md");
    let text = std::fs::read_to_string(&report).unwrap();
    // The service principal's row: `app` comes from its Role alone.
    let line = text
        .lines()
        .find(|l| l.contains("| `svc-backup@contoso.com` |"))
        .unwrap();
    let hints = line.trim_end_matches(" |").rsplit(" | ").next().unwrap();
    assert!(hints.contains("app"), "{line}");
    let badges: Vec<&str> = hints.trim_matches('`').split(' ').collect();
    let keep = |own: bool| {
        let kept: Vec<&str> = badges
            .iter()
            .copied()
            .filter(|b| ["back", "far", "proxy", "app", "ctrl"].contains(b) != own)
            .collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("`{}`", kept.join(" "))
        }
    };
    let erased = |cell: String| {
        let edited = line.replacen(&format!("| {hints} |"), &format!("| {cell} |"), 1);
        move |t: &str| t.replacen(line, &edited, 1)
    };
    let d = differences_after(&c, &report, erased(keep(true)));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].contains("Hints (back far proxy app ctrl): the report says")
            && d[0].contains("the report says nothing, the inputs give \"")
            && d[0].contains("app\""),
        "{d:?}"
    );
    // Erasing only what related records give (`first`, `bulk`…) is not seen: the OK line
    // says those went unchecked.
    if badges.len() > 1 {
        std::fs::write(&report, erased(keep(false))(&text)).unwrap();
        let (code, out) = super::verify::verify_report(&c, &report);
        assert_eq!(code, Some(0), "{out}");
        assert!(
            out.contains("OK: the report matches")
                && out.contains("not checked: the Context cells"),
            "{out}"
        );
    }
}
