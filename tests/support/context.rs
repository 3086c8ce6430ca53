//! What the context tests read: a workbench over one input at a size, the drill-down's
//! text, the context panel's timeline and the JSON report of an input.

use std::ffi::OsStr;
use std::path::Path;

use serde_json::Value;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::app::{App, Overlay};

/// The UAL ids of the flow in `tests/fixtures/context-shapes` (its `make.py`): Update user,
/// Reset user password, the revocation, the sign-in.
pub fn shapes_uid(i: usize) -> String {
    format!("3e3e3e3e-0000-4000-8000-{:012}", i + 1)
}

/// A workbench (no decisions yet) over one file or folder scanned with the default
/// options, sized `w`×`h`.
pub fn app_of(path: &Path, w: u16, h: u16) -> App {
    let report = scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap();
    super::sized(
        super::workbench("test.sts-triage.jsonl", "analyst", report),
        w,
        h,
    )
}

/// The text of the open drill-down (the raw record shown), its lines joined by `\n`.
pub fn doc_text(app: &App) -> String {
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    d.doc
        .lines
        .iter()
        .map(sts_triage::tui::doc::DocLine::text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The context panel's rows: `offset why what`.
pub fn timeline(app: &App) -> Vec<String> {
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    let p = d.context.as_ref().expect("context panel open");
    (0..p.rows.len())
        .map(|i| {
            let t = p.row_text(&app.report, i);
            format!("{} {} {}", t.offset, t.why, t.what)
        })
        .collect()
}

/// `report --format json -q PATH`, which must succeed.
pub fn json_report(path: &Path) -> Value {
    serde_json::from_slice(&json_report_bytes(path, &[])).unwrap()
}

/// `report --format json -q EXTRA PATH`, which must succeed: what it prints, as printed.
pub fn json_report_bytes(path: &Path, extra: &[&str]) -> Vec<u8> {
    let mut args: Vec<&OsStr> = ["report", "--format", "json", "-q"]
        .iter()
        .map(OsStr::new)
        .collect();
    args.extend(extra.iter().map(OsStr::new));
    args.push(path.as_os_str());
    super::stdout_bytes_of(&args)
}
