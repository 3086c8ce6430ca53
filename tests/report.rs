#![allow(clippy::panic, clippy::unwrap_used)]
//! `sts-triage report`: golden files (Markdown, JSON, CSV) from the workbench fixture and a
//! fixed journal, the same Markdown as the workbench's `Y` copy, a report that never creates
//! a journal, stable JSON keys, and escaping.
//!
//! To regenerate the golden files after an intended change: `UPDATE_GOLDEN=1 cargo test --test report`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use sts_triage::journal::{self, Verdict};
use sts_triage::load::{ScanMessage, ScanOptions};
use sts_triage::model::{ResultRow, SourceRef};
use sts_triage::report::{self, CSV_COLUMNS, ReportContext};
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect};

mod support;
use support::run_bin as run;

use support::markdown;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";
const JOURNAL: &str = "tests/fixtures/workbench.journal.jsonl";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn report_with_fixture_journal(format: &str) -> Output {
    let out = run(&["report", FIXTURE, "--journal", JOURNAL, "--format", format]);
    assert!(
        out.status.success(),
        "report --format {format} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn golden(name: &str, actual: &str) {
    let path = manifest_dir().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from the golden file at line {}:\n  golden: {:?}\n  actual: {:?}\n(UPDATE_GOLDEN=1 rewrites it after an intended change)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first),
        );
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// No C0/C1 control (other than the line feed), DEL, or bidi control anywhere.
fn assert_no_raw_controls(text: &str, what: &str) {
    for (n, line) in text.lines().enumerate() {
        assert!(
            !line.chars().any(sts_triage::neutralize::is_dangerous),
            "{what} line {} holds a raw control character: {line:?}",
            n + 1
        );
    }
}

#[test]
fn markdown_matches_the_golden_file() {
    let out = report_with_fixture_journal("md");
    golden("workbench.report.md", &stdout(&out));
}

#[test]
fn json_matches_the_golden_file() {
    let out = report_with_fixture_journal("json");
    golden("workbench.report.json", &stdout(&out));
}

#[test]
fn csv_matches_the_golden_file() {
    let out = report_with_fixture_journal("csv");
    golden("workbench.report.csv", &stdout(&out));
}

#[test]
fn the_report_is_exactly_what_the_workbench_copies() {
    let scanned = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let replay = journal::read_decisions(&manifest_dir().join(JOURNAL)).unwrap();
    // The journal path as the workbench shows it is the one given on its command line.
    let mut app = App::new(JOURNAL, "someone-else", replay.decisions).with_report(scanned);
    app.apply(Action::Intent(Intent::CopyReport));
    assert!(
        app.effects.contains(&Effect::Report { to_file: None }),
        "Y asks the shell for the report"
    );
    let copied = sts_triage::tui::report_markdown(&app);
    let cli = stdout(&report_with_fixture_journal("md"));
    assert_eq!(copied, cli, "the Y copy and `sts-triage report` differ");
}

#[test]
fn counts_follow_the_journal_with_undo_and_stray_keys() {
    let scanned = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let replay = journal::read_decisions(&manifest_dir().join(JOURNAL)).unwrap();
    assert_eq!(replay.entries, 9);
    // [unreviewed, suspicious, legitimate]: the undone row is unreviewed again; the key of
    // a row from another export counts nowhere.
    assert_eq!(
        report::verdict_counts(&scanned, &replay.decisions),
        [3, 2, 2]
    );
    let undone = scanned
        .findings
        .iter()
        .find(|f| f.row.account_display_name == "alice.admin@contoso.com")
        .unwrap();
    assert_eq!(
        replay.decisions[&undone.row.key()].verdict,
        Verdict::Unreviewed
    );
}

#[test]
fn markdown_renders_event_strings_exactly_and_holds_no_raw_control() {
    let md = stdout(&report_with_fixture_journal("md"));
    assert_no_raw_controls(&md, "markdown");
    // Rendered (CommonMark with GFM tables), the note and the display name read exactly as
    // their neutralised values: a pipe, backticks and brackets included.
    let r = markdown::render(&md);
    let cells: BTreeSet<&str> = r.rows.iter().flatten().map(String::as_str).collect();
    assert!(
        cells.contains(
            "escape and bidi payload in the display name | see `INC-4711`\\x1b[2J; token re-validated 6360 min"
        ),
        "{cells:#?}"
    );
    assert!(cells.contains("evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com"));
    // Every table row has exactly its columns: no value broke out of its cell.
    for row in &r.rows {
        assert!(row.len() == 19 || row.len() == 14, "{row:?}");
    }
    // Sections in order; nothing hidden.
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("no {s:?} in {md}"));
    assert!(at("## Suspicious rows (2)") < at("## Legitimate rows (2)"));
    assert!(at("## Legitimate rows (2)") < at("## Unreviewed rows (3)"));
    assert!(at("## Unreviewed rows (3)") < at("## Near misses marked suspicious (1)"));
    assert!(
        at("## Near misses marked suspicious (1)") < at("## Near misses marked legitimate (1)")
    );
    assert!(md.contains("**Warning: 3 of 7 flagged rows are still unreviewed.**"));
    assert!(md.contains("SHA-256 `"));
    assert!(
        r.text.contains("Analysts: alice, bob\n"),
        "carol decided nothing here"
    );
}

#[test]
fn json_parses_with_stable_keys_and_exact_values() {
    let out = report_with_fixture_journal("json");
    let text = stdout(&out);
    assert_no_raw_controls(&text, "json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&v),
        [
            "report_format",
            "rule",
            "files",
            "not_read",
            "journal",
            "hint_thresholds",
            "time_range",
            "counts",
            "analysts",
            "warning",
            "decisions_not_applied",
            "findings",
            "near_misses"
        ]
    );
    assert_eq!(v["report_format"], 1);
    assert_eq!(v["rule"]["id"], "634dfbd6-0a42-40da-854e-2161cf137f14");
    assert_eq!(v["rule"]["name"], "UpdateStsRefreshToken[Solorigate]");
    assert_eq!(
        keys(&v["files"][0]),
        [
            "path",
            "format",
            "bytes",
            "records",
            "sts_events",
            "skipped",
            "sha256",
            "sha256_unavailable"
        ]
    );
    let bytes = std::fs::read(manifest_dir().join(FIXTURE)).unwrap();
    assert_eq!(v["files"][0]["path"], FIXTURE);
    assert_eq!(
        v["files"][0]["sha256"].as_str().unwrap(),
        report::sha256_file(&manifest_dir().join(FIXTURE)).unwrap()
    );
    assert_eq!(v["files"][0]["bytes"], bytes.len());
    assert_eq!(v["journal"]["path"], JOURNAL);
    assert_eq!(v["journal"]["found"], true);
    assert_eq!(keys(&v["time_range"]), ["first", "last"]);
    assert_eq!(
        v["counts"]["findings"],
        serde_json::json!({"total": 7, "suspicious": 2, "legitimate": 2, "unreviewed": 3})
    );
    assert_eq!(
        v["counts"]["near_misses"],
        serde_json::json!({"total": 3, "suspicious": 1, "legitimate": 1, "unreviewed": 1})
    );
    assert_eq!(v["analysts"], serde_json::json!(["alice", "bob"]));
    assert_eq!(v["warning"], "3 of 7 flagged rows are still unreviewed");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 7);
    for f in findings {
        assert_eq!(
            keys(f),
            [
                "key",
                "verdict",
                "note",
                "analyst",
                "decided_at",
                "first_seen",
                "last_seen",
                "events",
                "sources",
                "account_object_id",
                "account_display_name",
                "role",
                "ip_address",
                "is_anonymous_proxy",
                "isp",
                "token_minutes_added",
                "token_minutes_remaining",
                "targets",
                "actors",
                "context",
                "related",
                "related_total",
                "related_more",
                "copies",
                "hints",
                "lookalike"
            ]
        );
    }
    let verdicts: Vec<&str> = findings
        .iter()
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        [
            "suspicious",
            "suspicious",
            "legitimate",
            "legitimate",
            "unreviewed",
            "unreviewed",
            "unreviewed"
        ]
    );
    // Exact values: the payload and the note come back as they were.
    let evil = findings
        .iter()
        .find(|f| f["account_object_id"] == "5b4c-0007")
        .unwrap();
    assert_eq!(
        evil["account_display_name"],
        "evil\u{1b}]0;pwned\u{7}\u{202e}admin@contoso.com"
    );
    assert!(
        evil["note"]
            .as_str()
            .unwrap()
            .contains("`INC-4711`\u{1b}[2J")
    );
    assert_eq!(evil["analyst"], "alice");
    assert_eq!(evil["decided_at"], "2024-03-01T09:00:00.000Z");
    let undone = findings
        .iter()
        .find(|f| f["account_object_id"] == "5b4c-0005")
        .unwrap();
    assert_eq!(undone["verdict"], "unreviewed");
    let never = findings
        .iter()
        .find(|f| f["account_object_id"] == "5b4c-0006")
        .unwrap();
    assert_eq!(never["decided_at"], serde_json::Value::Null);
    let near = v["near_misses"].as_array().unwrap();
    assert_eq!(near.len(), 2, "only the near misses marked are listed");
    assert_eq!(
        keys(&near[0]),
        [
            "key",
            "verdict",
            "note",
            "analyst",
            "decided_at",
            "event_id",
            "time",
            "actor",
            "operation",
            "reason",
            "detail",
            "source",
            "target",
            "actor_id",
            "context",
            "related",
            "related_total",
            "related_more",
            "copies"
        ]
    );
    assert_eq!(near[0]["reason"], "no_modified_properties");
    assert_eq!(near[1]["reason"], "directory_sync");
}

#[test]
fn csv_has_one_row_per_finding_with_its_decision() {
    let text = stdout(&report_with_fixture_journal("csv"));
    assert_no_raw_controls(&text, "csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    let evil = rows.iter().find(|r| &r[8] == "5b4c-0007").unwrap();
    assert_eq!(&evil[0], "suspicious");
    assert_eq!(&evil[2], "alice");
    assert!(
        evil[1].contains("| see `INC-4711`\\x1b[2J"),
        "{:?}",
        &evil[1]
    );
    assert_eq!(&evil[9], "evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com");
    // The actor's UPN beside the display name, neutralised as every cell is.
    let actors = CSV_COLUMNS.iter().position(|c| *c == "actors").unwrap();
    assert_eq!(
        &evil[actors],
        "evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com"
    );
    let admin = rows.iter().find(|r| &r[8] == "5b4c-0001").unwrap();
    assert_eq!(&admin[actors], "admin@contoso.com");
}

#[test]
fn csv_names_an_app_actor_by_its_id_beside_the_name_it_chose() {
    // An app named like a user: the display name is the user's, the actor is the app, named
    // with its service principal id, as in the Markdown's `Actor UPN / app`.
    let out = run(&[
        "report",
        "--format",
        "csv",
        "tests/fixtures/context-app-actor/app-named-like-a-user.jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in &rows {
        let (name, actor) = (&row[col("account_display_name")], &row[col("actors")]);
        let id = &row[col("account_object_id")];
        assert!(id.starts_with("evil-sp"), "{text}");
        assert!(
            actor.ends_with(&format!("({id})")),
            "{name}: actor {actor:?}"
        );
        assert_ne!(
            name, actor,
            "the chosen name alone never stands for the app"
        );
    }
}

#[test]
fn csv_cells_are_guarded_against_formulas() {
    let mut scanned = ScanReport::default();
    let row = ResultRow {
        account_object_id: "-1".into(),
        account_display_name: "=HYPERLINK(\"http://x\",\"y\")".into(),
        role: "@SUM(A1)".into(),
        ip_address: "+1".into(),
        isp: "\tcmd".into(),
        ..ResultRow::default()
    };
    let key = row.key();
    scanned.apply(ScanMessage::ImportedRow {
        row,
        source: SourceRef {
            file: "=x.csv".into(),
            line: 2,
        },
    });
    let decisions = HashMap::from([(
        key,
        journal::Decision {
            verdict: Verdict::Suspicious,
            note: "=cmd|' /C calc'!A0".into(),
            analyst: "+ana".into(),
            time: "2024-03-01T09:00:00.000Z".into(),
            events: None,
        },
    )]);
    let mut out = Vec::new();
    report::write_csv(&mut out, &scanned, &decisions, &ReportContext::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    for (i, cell) in row.iter().enumerate() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "column {} is not guarded: {cell:?}",
            CSV_COLUMNS[i]
        );
    }
    assert_eq!(&row[1], "'=cmd|' /C calc'!A0");
    assert_eq!(&row[7], "'=x.csv:2", "sources");
    // No events behind an imported row: no times, and the Markdown says so.
    let md = report::markdown_report(&scanned, &decisions, &ReportContext::default());
    assert!(md.contains("Time range of the STS events (UTC): none recorded"));
    assert!(md.contains("\\=HYPERLINK") || md.contains("=HYPERLINK"));
}

#[test]
fn report_never_creates_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let before: BTreeSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    // The default journal, beside the input, does not exist.
    let out = run(&["report", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("no journal at "), "{err}");
    assert!(err.contains("export.jsonl.sts-triage.jsonl"), "{err}");
    assert!(
        err.contains("warning: 7 of 7 flagged rows are still unreviewed"),
        "{err}"
    );
    let md = stdout(&out);
    assert!(md.contains("(not found: no decisions)"), "{md}");
    assert!(md.contains("unreviewed 7)"), "{md}");

    // A journal named with --journal that does not exist is not created either.
    let named = dir.path().join("sub").join("named.jsonl");
    let out = run(&[
        "report",
        input.to_str().unwrap(),
        "--journal",
        named.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["journal"]["found"], false);

    let after: BTreeSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "report wrote nothing beside the input");
    assert!(!named.exists() && !named.parent().unwrap().exists());
}

#[test]
fn the_default_journal_is_the_workbenchs_and_is_read_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let journal = journal::default_location(&input);
    assert_eq!(journal, dir.path().join("export.jsonl.sts-triage.jsonl"));
    std::fs::copy(manifest_dir().join(JOURNAL), &journal).unwrap();
    let before = std::fs::read(&journal).unwrap();
    let out = run(&["report", input.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["counts"]["findings"]["suspicious"], 2);
    assert_eq!(v["journal"]["found"], true);
    assert_eq!(std::fs::read(&journal).unwrap(), before);
}

#[test]
fn output_file_is_written_whole_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let target = dir.path().join("report.md");
    let out = run(&[
        "report",
        input.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(&target).unwrap();
    assert!(md.starts_with("# Findings: UpdateStsRefreshToken[Solorigate]\n"));

    let original = std::fs::read(&input).unwrap();
    let out = run(&[
        "report",
        input.to_str().unwrap(),
        "--output",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("never written"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&input).unwrap(), original);
}

#[test]
fn a_corrupt_journal_is_an_error_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "garbage\n").unwrap();
    let out = run(&["report", FIXTURE, "--journal", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), "garbage\n");
}

#[test]
fn sha256_is_of_the_bytes_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("abc.gz");
    std::fs::write(&p, b"abc").unwrap();
    assert_eq!(
        report::sha256_file(&p).unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // Larger than one read block.
    let big = vec![b'a'; 1_000_000];
    std::fs::write(&p, &big).unwrap();
    assert_eq!(
        report::sha256_file(&p).unwrap(),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn a_gzip_input_is_hashed_compressed() {
    use sha2::{Digest, Sha256};
    let gz = "assets/samples/cloudappevents-ah-api.jsonl.gz";
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("none.jsonl");
    let out = run(&[
        "report",
        gz,
        "--journal",
        journal.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let stored = std::fs::read(manifest_dir().join(gz)).unwrap();
    assert_eq!(&stored[..2], [0x1f, 0x8b]);
    let expected: String = Sha256::digest(&stored)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v["files"][0]["sha256"], expected.as_str());
    assert_eq!(v["files"][0]["bytes"], stored.len());
    assert!(!journal.exists());
}

#[test]
fn a_journal_that_is_not_a_regular_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["report", FIXTURE, "--journal", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}
