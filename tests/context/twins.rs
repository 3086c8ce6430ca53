#![allow(clippy::panic, clippy::unwrap_used)]
//! One incident exported three ways and loaded together (`tests/fixtures/twins`: a
//! CloudAppEvents export, a UAL export and an Entra directoryAudits page): the same password
//! reset is in all three, written to the second in the UAL (`Reset user password.`) and to
//! the 100 ns in the others (Entra: `Reset user password`, its own id, no IP address). The
//! analyst sees it once: one line in the context panel that says where it was seen, counted
//! once in the panel's count, `related_total` and the report's context line; the STS event's
//! own copies in the other exports are copies of the event, never related records. Four
//! distinct `Update user.` records one export wrote alike in one second are folded too, but
//! the line says they are four records and each opens on its own.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use ratatui::crossterm::event::KeyCode;
use serde_json::Value;

use sts_triage::context::summary;
use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::app::{App, Overlay};
use sts_triage::tui::context_panel::{ContextPanel, Moment};

use crate::support::context::doc_text;
use crate::support::{keys, press, run_bin, screen, sized};

const DIR: &str = "tests/fixtures/twins";
const FILES: [&str; 3] = ["cae.jsonl", "ual.json", "entra.json"];

fn paths() -> Vec<PathBuf> {
    FILES.iter().map(|f| PathBuf::from(DIR).join(f)).collect()
}

fn loaded() -> ScanReport {
    scan_paths(&paths(), &ScanOptions::default()).unwrap()
}

/// The panel's related lines as the analyst reads them (wide enough to hold them whole).
fn related_lines(report: &ScanReport, panel: &ContextPanel) -> Vec<String> {
    (0..panel.rows.len())
        .filter(|&i| matches!(panel.rows[i], Moment::Related(_)))
        .map(|i| panel.row_text(report, i).what_within(200))
        .collect()
}

#[test]
fn one_record_in_three_exports_is_one_related_line_counted_once() {
    let report = loaded();
    // One STS event: the CloudAppEvents row and its UAL record share an id; the Entra
    // record has its own but is the same change (its twin), a copy too.
    assert_eq!(report.events.len(), 1);
    assert_eq!(report.events[0].duplicate_sources().len(), 2);
    let inputs = Inputs::new(&report, HintConfig::default());
    for (i, e) in report.events.iter().enumerate() {
        let panel = ContextPanel::new(&report, i, HintConfig::default());
        let lines = related_lines(&report, &panel);
        assert_eq!(
            lines,
            [
                "UserLoggedIn by rin.helpdesk@woodgrove.example ▸(2 sources)",
                "Update user. by rin.helpdesk@woodgrove.example → tomas.berg@woodgrove.example ▸(4 records)",
                "Reset user password. by rin.helpdesk@woodgrove.example → tomas.berg@woodgrove.example ▸(3 sources)",
            ],
            "{:?}",
            e.source
        );
        assert_eq!(panel.total, 3);
        // The event's own records in the other two exports: copies, one line under it.
        assert_eq!(panel.copies.len(), 2, "{:?}", e.source);
        assert!(
            panel
                .summary()
                .starts_with("3 related records (and 2 other copies")
        );
        let line = summary::event_line(&inputs, &report, i);
        assert!(
            line.ends_with("; 3 related records; 2 other copies of this event"),
            "{line}"
        );
    }
    // The reset's line lists where it was seen.
    let panel = ContextPanel::new(&report, 0, HintConfig::default());
    let mut panel = panel;
    let reset = (0..panel.rows.len())
        .find(|&i| {
            panel
                .row_text(&report, i)
                .what
                .starts_with("Reset user password.")
        })
        .unwrap();
    panel.cursor = reset;
    let [why, places] = panel.detail(&report);
    assert!(
        why.starts_with("the same record in 3 exports, Enter lists them · same correlation"),
        "{why}"
    );
    for place in ["ual.json:228", "cae.jsonl:2", "entra.json:4"] {
        assert!(places.contains(place), "{place} in {places}");
    }

    // The reports count it once too.
    let out = run_bin(
        &[
            "report".to_owned(),
            "--format".to_owned(),
            "json".to_owned(),
            "--journal".to_owned(),
            "none.jsonl".to_owned(),
        ]
        .into_iter()
        .chain(paths().iter().map(|p| p.display().to_string()))
        .collect::<Vec<_>>(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    // One change, one row: the CloudAppEvents row's (its UAL and Entra records are copies,
    // their rows are no rows of their own).
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["sources"].as_array().unwrap().len(), 3);
    for f in findings {
        assert_eq!(f["related_total"], 3, "{f}");
        let ops: Vec<&str> = f["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["operation"].as_str().unwrap())
            .collect();
        assert_eq!(
            ops,
            ["UserLoggedIn", "Update user.", "Reset user password."],
            "{f}"
        );
        assert_eq!(f["copies"].as_array().unwrap().len(), 2, "{f}");
        // Where the folded records are, besides the one listed.
        let at = |k: usize| f["related"][k]["repeats_at"].clone();
        assert_eq!(
            at(0),
            serde_json::json!(["tests/fixtures/twins/cae.jsonl:1"]),
            "{f}"
        );
        assert_eq!(
            at(1),
            serde_json::json!([
                "tests/fixtures/twins/ual.json:87",
                "tests/fixtures/twins/ual.json:134",
                "tests/fixtures/twins/ual.json:181"
            ]),
            "{f}"
        );
        assert_eq!(
            at(2),
            serde_json::json!([
                "tests/fixtures/twins/cae.jsonl:2",
                "tests/fixtures/twins/entra.json:4"
            ]),
            "{f}"
        );
    }
    let out = run_bin(
        &[
            "report".to_owned(),
            "--journal".to_owned(),
            "none.jsonl".to_owned(),
        ]
        .into_iter()
        .chain(paths().iter().map(|p| p.display().to_string()))
        .collect::<Vec<_>>(),
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        md.matches("3 related records; 2 other copies of this event")
            .count(),
        1,
        "{md}"
    );
}

fn drilled_panel(app: &App) -> &ContextPanel {
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    d.context.as_deref().expect("context panel open")
}

/// Four `Update user.` records of the UAL export, four ids, in one second: folded, the line
/// says four records (never one), Enter lists them and each opens as its own record.
#[test]
fn records_written_alike_say_how_many_and_each_opens() {
    let mut app = sized(
        App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(loaded()),
        80,
        24,
    );
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    let at = {
        let p = drilled_panel(&app);
        (0..p.rows.len())
            .find(|&i| p.row_text(&app.report, i).what.starts_with("Update user."))
            .unwrap()
    };
    while drilled_panel(&app).cursor > at {
        keys(&mut app, "k");
    }
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("▸(4 records)"), "{shown}");
    assert!(
        shown.contains("4 records alike in one export, Enter lists them"),
        "{shown}"
    );
    press(&mut app, KeyCode::Enter);
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("▾(4 records)"), "{shown}");
    for line in [
        "ual.json:40 ",
        "ual.json:87 ",
        "ual.json:134 ",
        "ual.json:181 ",
    ] {
        assert!(shown.contains(line), "{line} in {shown}");
    }
    let mut ids = BTreeSet::new();
    for _ in 0..4 {
        keys(&mut app, "j");
        assert!(matches!(
            drilled_panel(&app).rows[drilled_panel(&app).cursor],
            Moment::Member { .. }
        ));
        press(&mut app, KeyCode::Enter);
        let doc: Value = serde_json::from_str(&doc_text(&app)).unwrap();
        assert_eq!(doc["Operation"], "Update user.");
        ids.insert(doc["Id"].as_str().unwrap().to_owned());
        press(&mut app, KeyCode::Esc);
    }
    assert_eq!(ids.len(), 4, "four records, four ids: {ids:?}");
    // Enter on the folded line folds them again; the count never changed.
    while drilled_panel(&app).cursor > at {
        keys(&mut app, "k");
    }
    press(&mut app, KeyCode::Enter);
    let p = drilled_panel(&app);
    assert!(!p.rows.iter().any(|m| matches!(m, Moment::Member { .. })));
    assert_eq!(p.total, 3);
}
