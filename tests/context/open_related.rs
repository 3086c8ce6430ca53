#![allow(clippy::panic, clippy::unwrap_used)]
//! Enter on a related record in the context panel opens that record as its own file holds
//! it, also when the record is a copy of an STS event that another export holds too (the
//! bundled samples have such copies: one revocation in a Log Analytics JSON-lines export, a
//! diagnostic-settings JSON document and the UAL). Before, a copy showed the first copy's
//! stored text under its own file and line: a Log Analytics row titled
//! `entra-diagnostic.json:532`.

use std::path::Path;

use ratatui::crossterm::event::KeyCode;
use serde_json::Value;

use sts_triage::tui::app::Overlay;
use sts_triage::tui::context_panel::Moment;

use crate::support::context::{app_of, doc_text};
use crate::support::{keys, press};

/// The JSON record that starts at `offset` in `file` (a plain JSON or JSON-lines file).
fn record_in_file(file: &Path, offset: u64) -> Value {
    let bytes = std::fs::read(file).unwrap();
    let mut values =
        serde_json::Deserializer::from_slice(&bytes[offset as usize..]).into_iter::<Value>();
    values.next().unwrap().unwrap()
}

#[test]
fn every_related_json_record_of_the_samples_opens_as_its_own_file_holds_it() {
    let dir = Path::new("assets/samples");
    let mut app = app_of(dir, 160, 45);
    let rows = app.findings.items.len();
    assert!(rows > 5, "the samples have findings: {rows}");
    let (mut checked, mut copies) = (0, 0);
    for row in 0..rows {
        // Enough of both kinds seen: the debug build opens each record slowly.
        if copies >= 3 && checked >= 20 {
            break;
        }
        keys(&mut app, "gg");
        for _ in 0..row {
            keys(&mut app, "j");
        }
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "x");
        let n = {
            let Overlay::Drill(d) = &app.overlay else {
                panic!("drill-down open")
            };
            d.context.as_ref().expect("context panel open").rows.len()
        };
        for _ in 0..n {
            keys(&mut app, "k");
        }
        // A folded record (one record seen in several exports) is unfolded by Enter, and
        // each of its records opened in turn: the rows grow as the walk goes.
        let mut i = 0;
        loop {
            let (entry, cursor, folded) = {
                let Overlay::Drill(d) = &app.overlay else {
                    panic!("drill-down open")
                };
                let p = d.context.as_ref().unwrap();
                if i >= p.rows.len() {
                    break;
                }
                let folded = matches!(p.rows[p.cursor], Moment::Related(r) if p.folds.contains_key(&r.entry));
                (p.rows[p.cursor], p.cursor, folded)
            };
            assert_eq!(cursor, i);
            i += 1;
            if folded {
                press(&mut app, KeyCode::Enter);
                keys(&mut app, "j");
                continue;
            }
            let record = match entry {
                Moment::Related(r) => Some(r.entry),
                Moment::Member { entry, .. } => Some(entry),
                _ => None,
            };
            if let Some(record) = record {
                let index = &app.report.context;
                let place = index.place(&index.record(record));
                let file = Path::new(&*place.file);
                let name = file.to_string_lossy().to_string();
                let json = name.ends_with(".json") || name.ends_with(".jsonl");
                let is_copy = app.report.events.iter().any(|e| {
                    e.duplicate_sources()
                        .iter()
                        .any(|s| s.file == place.file && s.line == place.line)
                });
                press(&mut app, KeyCode::Enter);
                if json {
                    let want = record_in_file(&dir.join(file.file_name().unwrap()), place.offset);
                    let shown = doc_text(&app);
                    for key in want.as_object().unwrap().keys() {
                        assert!(
                            shown.contains(&format!("\"{key}\"")) || shown.contains(key.as_str()),
                            "{place}: the file's record has {key:?}, the opened text has not:\n{shown}"
                        );
                    }
                    checked += 1;
                    copies += usize::from(is_copy);
                }
                press(&mut app, KeyCode::Esc);
            }
            keys(&mut app, "j");
        }
        keys(&mut app, "x");
        press(&mut app, KeyCode::Esc);
        assert!(matches!(app.overlay, Overlay::None), "back at the table");
    }
    assert!(checked >= 20, "related JSON records opened: {checked}");
    assert!(
        copies >= 3,
        "some were copies of an STS event in another export"
    );
}
