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

#[path = "../support/mod.rs"]
mod support;
use support::run_bin as run;

use support::markdown;

mod csv_rows;
mod escaping;
mod files;
mod golden;
mod id_conflict;
mod journal_read;
mod json_keys;
mod load_notices;
mod near_misses;
mod related;
mod row_hints;
mod same_inputs;
mod thresholds;
mod write_safe;
mod writing;

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
