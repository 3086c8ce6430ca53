#![allow(clippy::panic, clippy::unwrap_used)]
//! `report` prepares the related-records index once, after the scan, and makes the hint
//! tables on the second core while the index's lookups are made
//! (`ScanReport::prepare_context_beside`); the workbench and the library's scan prepare the
//! index at each file's end and the report's writer makes the tables. The two must write the
//! same report: the tables read the records, each actor's first time and the users acting in
//! them before the lookups exist (a look-alike of a user seen only in a record that is no
//! revocation is found from those).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::report::{self, ReportContext};
use sts_triage::scan::{ScanReport, scan_paths_with};

use crate::id_only::{UAL_STS_OP, ual, write_lines};

/// The paths scanned as `report` scans them, the index prepared after the scan (`after`) or
/// at each file's end.
fn scanned(paths: &[PathBuf], after: bool) -> ScanReport {
    let opts = ScanOptions {
        context: true,
        hash_inputs: true,
        ..ScanOptions::default()
    };
    let mut report = ScanReport::default();
    report.headless = true;
    report.prepare_after_scan = after;
    scan_paths_with(paths, &opts, &mut |msg| {
        report.apply(msg);
    })
    .unwrap();
    report
}

/// The Markdown, JSON and CSV reports of `paths`, made both ways; asserts they are the same.
fn same_reports(paths: &[PathBuf]) -> [String; 3] {
    let config = HintConfig::default();
    let mut beside = scanned(paths, true);
    let tables = beside.prepare_context_beside(|r| Inputs::new(r, config).tables());
    let at_each_end = scanned(paths, false);
    let none = HashMap::new();
    let write = |format: &str, r: &ScanReport, ctx: &ReportContext| {
        let mut out = Vec::new();
        match format {
            "md" => report::write_markdown(&mut out, r, &none, ctx),
            "json" => report::write_json(&mut out, r, &none, ctx),
            _ => report::write_csv(&mut out, r, &none, ctx),
        }
        .unwrap();
        String::from_utf8(out).unwrap()
    };
    ["md", "json", "csv"].map(|format| {
        let ctx = ReportContext::new(&beside, "none.sts-triage.jsonl", false)
            .with_tables(Some(tables.clone()));
        let made_beside = write(format, &beside, &ctx);
        let ctx = ReportContext::new(&at_each_end, "none.sts-triage.jsonl", false);
        let made_after = write(format, &at_each_end, &ctx);
        if made_beside != made_after {
            let (x, y) = made_beside
                .lines()
                .zip(made_after.lines())
                .find(|(x, y)| x != y)
                .unwrap_or(("(shorter)", "(longer)"));
            panic!("--format {format}: the report differs:\n{x}\n{y}");
        }
        made_beside
    })
}

#[test]
fn every_sample_together_gives_the_same_report_with_the_tables_made_beside_the_lookups() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let [md, ..] = same_reports(&[samples]);
    // Rows with their related records counted: the index was prepared.
    assert!(md.contains("related record"), "{md}");
}

#[test]
fn a_lookalike_of_a_user_seen_only_in_another_record_is_found_with_the_tables_made_beside() {
    const ADMIN: &str = "admin@contoso.onmicrosoft.com";
    const LOOKALIKE: &str = "admin@contoso.onmicrosoft.corn";
    let by = |mut record: serde_json::Value, actor: &str, id: &str| {
        record["UserId"] = actor.into();
        record["Actor"] = serde_json::json!([
            {"ID": actor, "Type": 5},
            {"ID": format!("User_{id}"), "Type": 2}
        ]);
        record
    };
    let update = by(
        ual(
            20,
            "09:00:20",
            "Update user.",
            "x@contoso.onmicrosoft.com",
            "11111111-1111-1111-1111-111111111111",
        ),
        ADMIN,
        "7cf4093d-5ce4-59d2-b228-26d019a3a435",
    );
    let sts = by(
        ual(
            30,
            "09:00:30",
            UAL_STS_OP,
            "megan.bowen@contoso.onmicrosoft.com",
            "04c819a0-37de-52ad-bb16-408c476e160f",
        ),
        LOOKALIKE,
        "66666666-6666-4666-8666-666666666666",
    );
    let dir = tempfile::tempdir().unwrap();
    // Two files: the admin's record in the first, the revocation in the second.
    write_lines(&dir.path().join("a.jsonl"), &[update]);
    write_lines(&dir.path().join("b.jsonl"), &[sts]);
    let [md, json, _] = same_reports(&[dir.path().to_path_buf()]);
    assert!(md.contains("lookalike"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let why = json["findings"][0]["lookalike"].to_string();
    assert!(why.contains(LOOKALIKE) && why.contains(ADMIN), "{json:#}");
}
