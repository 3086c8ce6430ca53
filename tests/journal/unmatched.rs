//! What the hand-over says of the journal's decisions on rows its inputs do not give
//! (breaker 16 #5d: only `report`'s stderr said them), what `verify` says of such decisions
//! made after a report (#6: "a report made now would show them" of decisions no report of
//! these inputs shows), `verify` of a followed file grown since its report (#7: the growth
//! and about 16 differences that only restated it), and a journal key of unbounded length
//! (#8: 100,000 characters printed whole on stderr, in the report and the problems view).

use sts_triage::journal::{Entry, Journal};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Overlay};

use super::verify::{Case, case, differences, make_report, verify_report};
use crate::support::scan;

const NO_ROW: &str = "row:ffffffffffffffffffffffff";

/// Appends to the case's journal (chained) a decision on `key`, a copy of its first entry.
fn decide(c: &Case, key: &str, note: &str) {
    let text = std::fs::read_to_string(&c.journal).unwrap();
    let mut e: Entry = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    e.key = key.to_owned();
    e.note = note.to_owned();
    e.prev = None;
    let (mut j, _) = Journal::open(&c.journal).unwrap();
    j.append(&[e]).unwrap();
}

fn first_key(c: &Case) -> String {
    let text = std::fs::read_to_string(&c.journal).unwrap();
    let e: Entry = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    e.key
}

fn header_line<'a>(md: &'a str, start: &str) -> Option<&'a str> {
    md.lines()
        .take_while(|l| !l.starts_with("## "))
        .find(|l| l.starts_with(start))
}

const LINE: &str = "- Journal decisions matching no row: ";

#[test]
fn the_report_states_decisions_matching_no_row_and_verify_checks_the_count() {
    let c = case();
    // No decision: the report is as before, in both formats.
    let none = c.journal.with_file_name("none.jsonl");
    for format in ["md", "json"] {
        let out = crate::support::run_bin(&[
            "report".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "--journal".as_ref(),
            none.as_os_str(),
            c.input.as_os_str(),
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("matching no row"), "{text}");
    }
    // The fixture's journal decides one row the fixture does not give; one more.
    let md = String::from_utf8(c.report("md").stdout).unwrap();
    assert!(header_line(&md, &format!("{LINE}1 (")).is_some(), "{md}");
    decide(&c, NO_ROW, "a row of last week's export");
    let md = String::from_utf8(c.report("md").stdout).unwrap();
    assert_eq!(
        header_line(&md, LINE),
        Some(
            "- Journal decisions matching no row: 2 (on rows or near misses these inputs do \
             not give: an input changed or replaced since, rows of another export, or not yet \
             written; kept in the journal, in no count of this report)"
        ),
        "{md}"
    );
    let v: serde_json::Value = serde_json::from_slice(&c.report("json").stdout).unwrap();
    assert_eq!(v["journal_decisions_matching_no_row"], 2);

    let md_path = make_report(&c, "md");
    let json_path = make_report(&c, "json");
    for report in [&md_path, &json_path] {
        let (code, out) = verify_report(&c, report);
        assert_eq!(code, Some(0), "{out}");
    }
    // The count edited, the line or the member removed: each one difference.
    let md = std::fs::read_to_string(&md_path).unwrap();
    let edits = [
        (
            md.replace(&format!("{LINE}2 "), &format!("{LINE}1 ")),
            "Journal decisions matching no row: the report says 1 (",
        ),
        (
            md.lines()
                .filter(|l| !l.starts_with(LINE))
                .map(|l| format!("{l}\n"))
                .collect(),
            "Journal decisions matching no row: missing from the report, the inputs and the \
             journal give 2 (",
        ),
    ];
    for (edited, said) in edits {
        std::fs::write(&md_path, edited).unwrap();
        let (code, out) = verify_report(&c, &md_path);
        assert_eq!(code, Some(1), "{out}");
        assert_eq!(differences(&out).len(), 1, "{out}");
        assert!(differences(&out)[0].starts_with(said), "{out}");
    }
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    v.as_object_mut()
        .unwrap()
        .remove("journal_decisions_matching_no_row");
    std::fs::write(&json_path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, out) = verify_report(&c, &json_path);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        differences(&out),
        vec![
            "journal_decisions_matching_no_row: missing from the report, the inputs and the \
             journal give 2"
        ],
        "{out}"
    );
}

#[test]
fn verify_says_which_later_decisions_a_report_made_now_would_show() {
    let c = case();
    let report = make_report(&c, "md");
    decide(&c, NO_ROW, "a row these inputs do not give");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(
            "note: journal: 1 decision made after this report (entry 10, after its head, entry \
             9): the report is checked against the journal as of its head; it decides no row \
             of these inputs: a report made now would differ from this one only in its count \
             of journal decisions matching no row\n"
        ),
        "{out}"
    );
    decide(&c, &first_key(&c), "decided again");
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(
            "note: journal: 2 decisions made after this report (entries 10-11, after its head, \
             entry 9): the report is checked against the journal as of its head; of the 2 rows \
             they decide, a report made now would show the 1 of these inputs, and count the 1 \
             these inputs do not give only among the journal decisions matching no row\n"
        ),
        "{out}"
    );
}

#[test]
fn verify_of_a_followed_file_grown_since_says_the_growth_once() {
    let c = case();
    let whole = std::fs::read_to_string(&c.input).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    let first = lines[..6].join("\n") + "\n";
    std::fs::write(&c.input, &first).unwrap();
    // The report as the workbench writes it of a followed file: the hash of the bytes read.
    let report = make_report(&c, "md");
    let md = std::fs::read_to_string(&report).unwrap();
    let hash = sts_triage::load::sha256_file(&c.input).unwrap();
    let n = first.len();
    let followed = md.replacen(
        &format!("SHA-256 `{hash}`"),
        &format!(
            "SHA-256 `{hash}` of the {n} bytes read so far (followed: the file may have grown since)"
        ),
        1,
    );
    assert_ne!(followed, md);
    std::fs::write(&report, followed).unwrap();
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(0), "{out}");
    // The export goes on: one difference, the growth; the rest is checked against the
    // bytes the report covers.
    std::fs::write(&c.input, &whole).unwrap();
    let (code, out) = verify_report(&c, &report);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        differences(&out),
        vec![format!(
            "input {}: grew since the report: its first {n} bytes are the ones the report \
             covers (read while followed), what came after is not in the report",
            c.input.display()
        )],
        "{out}"
    );
    assert!(out.ends_with("1 difference\n"), "{out}");
}

#[test]
fn a_journal_key_of_unbounded_length_is_cut_with_its_length_wherever_shown() {
    let c = case();
    let key = format!("row:\u{1b}]0;PWN\u{7}\u{202e}{}", "A".repeat(100_000));
    let line = serde_json::json!({
        "key": key, "verdict": "suspicious", "note": "", "analyst": "mallory",
        "time": "2024-03-02T08:00:00.000Z", "version": "0.1.0", "action": "set",
    });
    let mut text = std::fs::read_to_string(&c.journal).unwrap();
    text.push_str(&format!("{line}\n"));
    std::fs::write(&c.journal, &text).unwrap();
    let n = text.lines().count();
    let shown = format!(
        "row:\\x1b]0;PWN\\x07\\u{{202e}}{}… (cut: a key of 100013 characters)",
        "A".repeat(80 - 9 - 4)
    );
    let out = c.report("md");
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!("line {n} ({shown}) outside")),
        "{err}"
    );
    assert!(err.len() < 2_000 && !err.contains('\u{1b}'), "{err}");
    let md = String::from_utf8(out.stdout).unwrap();
    let header = header_line(&md, "- Journal lines outside the hash chain").unwrap();
    assert!(
        header.ends_with(&format!("line {n} decides `{shown}`")),
        "{header}"
    );
    assert!(md.len() < 20_000, "{}", md.len());
    let v: serde_json::Value = serde_json::from_slice(&c.report("json").stdout).unwrap();
    assert_eq!(
        v["journal"]["outside_chain"],
        serde_json::json!([{"line": n, "key": shown}])
    );
    // The workbench's problems view.
    let (_j, replay) = Journal::open(&c.journal).unwrap();
    let input = c.input.display().to_string();
    let journal = c.journal.display().to_string();
    let mut app = App::new(&journal, "ana", replay.decisions).with_report(scan(&[&input]));
    app.apply(Action::Intent(Intent::Problems));
    let Overlay::Problems(view) = &app.overlay else {
        panic!("no problems view");
    };
    let said = view
        .entries
        .iter()
        .find(|e| e.text.contains("outside its hash chain"))
        .unwrap();
    assert!(
        said.text.contains(&format!("line {n} ({shown})")),
        "{}",
        said.text
    );
    assert!(said.text.len() < 1_000, "{}", said.text.len());
}
