//! A record of an event id read with other content too (`same event id, different content`:
//! kept as two events, one may be forged) is never folded in the context panel as a copy of
//! the other content's record: it is a related line of its own, marked `⚠ conflict`
//! (newcomer, session 12: on the bundled samples the panel said `the same record in 9
//! exports` of the genuine event's eight records and the record the why panel flags).

use std::collections::HashMap;

use ratatui::crossterm::event::KeyCode;
use sts_triage::scan::scan_paths;
use sts_triage::tui::app::{App, Overlay};
use sts_triage::tui::context_panel::Moment;

use crate::support::{export_files, keys, press, sized};

#[test]
fn a_record_of_other_content_is_never_folded_as_the_same_record() {
    let report = scan_paths(
        &export_files("assets/samples"),
        &sts_triage::load::ScanOptions::default(),
    )
    .unwrap();
    // The samples' forged record: of a pair of one id with other content, the one in the
    // legacy export (a one-line document: its place, `file:1`, is every record's there; the
    // entry is the record of that event's time and correlation).
    let mut forged = Vec::new();
    for c in &report.id_conflicts {
        for e in report.events.iter().filter(|e| e.id == c.id) {
            for place in e.sources().filter(|p| p.file.contains("legacy-api")) {
                forged.extend(report.context.entry_at(place, e));
            }
        }
    }
    assert_eq!(forged.len(), 1, "{:?}", report.id_conflicts);
    let mut app = sized(
        App::new("t.sts-triage.jsonl", "a", HashMap::new()).with_report(report),
        80,
        24,
    );
    let mut seen = 0;
    for pos in 0..app.findings.order.len() {
        app.findings.cursor = pos;
        press(&mut app, KeyCode::Enter);
        let Overlay::Drill(d) = &app.overlay else {
            panic!("drill-down of row {pos}")
        };
        for _ in 0..d.events.len() {
            keys(&mut app, "x");
            let Overlay::Drill(d) = &app.overlay else {
                panic!("drill-down")
            };
            let Some(p) = d.context.as_deref() else {
                keys(&mut app, "]");
                continue;
            };
            let index = &app.report.context;
            // The event's line stands where its time falls: every related line before it
            // is earlier (a part split from a fold keeps the fold's place in time).
            let at = p
                .rows
                .iter()
                .position(|m| matches!(m, Moment::Event))
                .unwrap();
            for (row, m) in p.rows.iter().enumerate() {
                if let Moment::Related(r) = m
                    && let Some(o) = r.offset_secs
                {
                    assert_eq!(o < 0, row < at, "row {pos}: line {row} of {:?}", p.rows);
                }
            }
            for (row, m) in p.rows.iter().enumerate() {
                let Moment::Related(r) = m else { continue };
                let members = p.folds.get(&r.entry).cloned().unwrap_or(vec![r.entry]);
                if !members.iter().any(|m| forged.contains(m)) {
                    continue;
                }
                seen += 1;
                let places: Vec<String> = members
                    .iter()
                    .map(|&i| index.source_at(i).to_string())
                    .collect();
                assert_eq!(
                    members.len(),
                    1,
                    "row {pos}: the forged record folded with others: {places:?}"
                );
                assert!(p.conflicts.contains(&r.entry));
                let text = p.row_text(&app.report, row);
                assert!(text.fold.starts_with("⚠ conflict"), "{text:?}");
            }
            keys(&mut app, "x");
            keys(&mut app, "]");
        }
        press(&mut app, KeyCode::Esc);
    }
    assert!(
        seen >= 2,
        "the forged record is related to other events: {seen}"
    );
}
