//! A row's context hints where the analyst reads them: the workbench's Hints column, the
//! rows copied with `y` and the Markdown tables of a report, each by row (the query's eight
//! columns).

use std::collections::BTreeMap;

use sts_triage::tui::app::{App, Effect};
use sts_triage::tui::columns::{Column, finding};

use super::keys;
use super::markdown::render;

/// The query's eight columns of a Markdown row (Account … Remaining), and its Hints cell.
fn row_of(cells: &[String]) -> (String, String) {
    assert_eq!(cells.len(), 19, "{cells:?}");
    (cells[1..9].join(" | "), cells[18].clone())
}

/// Badges by row, from the Markdown tables of a text (header rows left out).
pub fn table_hints(md: &str) -> BTreeMap<String, String> {
    render(md)
        .rows
        .iter()
        .filter(|r| r.len() == 19 && r[0] != "First seen (UTC)")
        .map(|r| row_of(r))
        .collect()
}

/// The workbench's Hints column and the `y` copy (one row each) of every flagged row, by
/// row, walked from the first row down.
pub fn screen_and_copy(app: &mut App) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let (mut screen, mut copied) = (BTreeMap::new(), BTreeMap::new());
    keys(app, "gg");
    for _ in 0..app.findings.items.len() {
        let at = app.findings.current().unwrap();
        let shown = app.cell(&app.findings, at, finding(Column::Hint));
        keys(app, "y");
        let Some(Effect::Copy { text, .. }) = app.effects.last() else {
            panic!("a copy: {:?}", app.effects)
        };
        let rows = table_hints(text);
        assert_eq!(rows.len(), 1, "{text}");
        let (row, hints) = rows.into_iter().next().unwrap();
        screen.insert(row.clone(), shown);
        copied.insert(row, hints);
        keys(app, "j");
    }
    (screen, copied)
}
