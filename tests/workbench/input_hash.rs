//! The inputs' SHA-256 in a workbench report: the loader hashes a file once every row is
//! in (not while the rows are read), and hands the hash on as `Action::InputHashed`; the
//! report names it. Before it comes, the report hashes the file itself, as it always did
//! for an input its scan did not hash; an input hashed as it was read keeps that hash.

use std::collections::HashMap;
use std::path::PathBuf;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths_with;
use sts_triage::tui::action::Action;
use sts_triage::tui::app::App;

use super::FIXTURE;

/// The report's line naming FIXTURE's hash.
fn hash_line(app: &App) -> String {
    let report = sts_triage::tui::report_markdown(app);
    report
        .lines()
        .find(|l| l.contains(FIXTURE) && l.contains("SHA-256"))
        .unwrap_or_else(|| panic!("no hash line for {FIXTURE}:\n{report}"))
        .to_owned()
}

fn loaded(hash_inputs: bool) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    let opts = ScanOptions {
        hash_inputs,
        ..ScanOptions::default()
    };
    scan_paths_with(&[PathBuf::from(FIXTURE)], &opts, &mut |m| {
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    app
}

#[test]
fn the_hash_made_after_the_load_is_the_one_the_report_names() {
    let real = sts_triage::load::sha256_file(std::path::Path::new(FIXTURE)).unwrap();
    let mut app = loaded(false);
    // Not hashed yet: the report hashes the file as it is.
    assert!(hash_line(&app).contains(&real), "{}", hash_line(&app));
    // The loader's hash (a stand-in value, to tell it from the report's own hashing).
    let handed = "ab".repeat(32);
    app.apply(Action::InputHashed {
        path: FIXTURE.to_owned(),
        sha256: handed.clone(),
    });
    let line = hash_line(&app);
    assert!(line.contains(&handed) && !line.contains(&real), "{line}");
}

#[test]
fn an_input_hashed_as_it_was_read_keeps_that_hash() {
    let real = sts_triage::load::sha256_file(std::path::Path::new(FIXTURE)).unwrap();
    let mut app = loaded(true);
    app.apply(Action::InputHashed {
        path: FIXTURE.to_owned(),
        sha256: "ab".repeat(32),
    });
    let line = hash_line(&app);
    assert!(line.contains(&real), "{line}");
}
