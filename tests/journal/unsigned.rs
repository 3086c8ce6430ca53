//! Decisions signed `unknown` (a workbench with no --analyst and no $USER, $LOGNAME or
//! $USERNAME) are said, never silent (trust12 #4): the workbench says it once on its status
//! line with the way to sign (`--analyst NAME`), and `report` says how many on stderr and in
//! its header. Before, `unknown` appeared in the Analyst cells without a word.

use sts_triage::journal::{Decision, Entry, Journal, UNSIGNED, Verdict, analyst_name};

use std::collections::HashMap;

use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Overlay};

use super::verify::case;
use crate::support::scan;

#[test]
fn the_workbench_signs_with_the_first_name_it_finds_and_says_when_it_has_none() {
    let none = |_: &str| None;
    let (who, notice) = analyst_name(None, none);
    assert_eq!(who, UNSIGNED);
    let notice = notice.unwrap();
    assert!(
        notice.starts_with("decisions are signed `unknown`") && notice.contains("--analyst NAME"),
        "{notice}"
    );
    // $LOGNAME when $USER is unset or blank (cron, some containers), $USERNAME on Windows.
    let env = |v: &str| match v {
        "USER" => Some("  ".to_owned()),
        "LOGNAME" => Some("dana".to_owned()),
        _ => None,
    };
    assert_eq!(analyst_name(None, env), ("dana".to_owned(), None));
    let windows = |v: &str| (v == "USERNAME").then(|| "erin".to_owned());
    assert_eq!(analyst_name(None, windows), ("erin".to_owned(), None));
    // --analyst wins; an empty one counts as none.
    assert_eq!(analyst_name(Some("fay"), env), ("fay".to_owned(), None));
    assert_eq!(analyst_name(Some(""), env).0, "dana");
}

#[test]
fn the_workbench_without_a_name_lists_it_in_the_problems_view() {
    let view = |analyst: &str| {
        let mut app = App::new("j.jsonl", analyst, HashMap::new())
            .with_report(scan(&["tests/fixtures/workbench.jsonl"]));
        app.apply(Action::Intent(Intent::Problems));
        let Overlay::Problems(view) = &app.overlay else {
            panic!("no problems view");
        };
        view.entries
            .iter()
            .map(|e| e.text.clone())
            .collect::<Vec<_>>()
    };
    let unsigned = view(UNSIGNED);
    assert!(
        unsigned[0].starts_with("decisions are signed `unknown`")
            && unsigned[0].contains("--analyst NAME"),
        "{unsigned:?}"
    );
    assert!(!view("ana").iter().any(|t| t.contains("signed")));
}

#[test]
fn report_says_how_many_decisions_are_signed_unknown() {
    let c = case();
    let out = c.report("md");
    let (md, err) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(!md.contains("Unsigned") && !err.contains("signed"), "{err}");
    // Two decisions made without a name: one changes a signed row, one is new.
    let old = std::fs::read_to_string(&c.journal).unwrap();
    let keys: Vec<String> = old
        .lines()
        .map(|l| serde_json::from_str::<Entry>(l).unwrap().key)
        .collect();
    let (mut j, _) = Journal::open(&c.journal).unwrap();
    for key in keys.iter().take(2) {
        let d = Decision {
            verdict: Verdict::Legitimate,
            note: "no name".into(),
            ..Decision::default()
        };
        j.append(&[Entry::new(key, &d, UNSIGNED, "set")]).unwrap();
    }
    drop(j);
    let out = c.report("md");
    let (md, err) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(
        err.contains("sts-triage: warning: 2 decisions are signed `unknown`")
            && err.contains("--analyst NAME"),
        "{err}"
    );
    let line = md
        .lines()
        .find(|l| l.starts_with("- Unsigned: "))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(line.contains("2 decisions are signed `unknown`"), "{line}");
}
