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

/// The workbench's loader (as `sts-triage` starts it) on the named pipe `fifo` fed `input`;
/// `ahead`: the pipe read ahead first, as the workbench does without `--journal` to name
/// its journal by the content. The state once the load has finished.
#[cfg(unix)]
fn loaded_through_a_pipe(fifo: &std::path::Path, input: &[u8], ahead: bool) -> App {
    use std::io::Write as _;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use sts_triage::tui::wake;
    let (target, bytes) = (fifo.to_owned(), input.to_vec());
    // Opening a FIFO for writing waits for its reader.
    let writer = std::thread::spawn(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(target)
            .unwrap()
            .write_all(&bytes)
            .unwrap();
    });
    if ahead {
        sts_triage::journal::for_inputs_reading_stdin(&[fifo.to_owned()]).unwrap();
    }
    let (_input, data, inbox) = wake::channels(4);
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    sts_triage::tui::start_load(
        vec![fifo.to_owned()],
        false,
        Arc::new(AtomicBool::new(false)),
        data,
    );
    // Woken by the loader's batches; the bound only turns a loader that never ends into a
    // failure instead of a test that hangs.
    let mut waits = 0;
    while !app.loading.done {
        waits += 1;
        assert!(waits < 600, "the load never finished");
        inbox.wait(wake::Wait::For(std::time::Duration::from_millis(500)));
        while let Some(batch) = inbox.data() {
            for action in batch {
                app.apply(action);
            }
        }
    }
    writer.join().unwrap();
    app
}

/// Breaker 13 #2: an input given as `<(…)` or `/dev/stdin` is a pipe, read to its end by the
/// load; hashed again for the report, it gave the SHA-256 of nothing (`e3b0c442…`) and
/// `0 bytes`. The report names the size and SHA-256 of the bytes the load read, whether
/// the pipe was read ahead (no `--journal`) or as it came (`--journal`).
#[cfg(unix)]
#[test]
fn a_piped_input_is_reported_with_the_size_and_hash_of_its_bytes() {
    let input = std::fs::read(FIXTURE).unwrap();
    let real = sts_triage::load::hex(&<sha2::Sha256 as sha2::Digest>::digest(&input));
    for ahead in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("export.pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let app = loaded_through_a_pipe(&fifo, &input, ahead);
        let report = sts_triage::tui::report_markdown(&app);
        let line = report
            .lines()
            .find(|l| l.contains("export.pipe") && l.contains("SHA-256"))
            .unwrap_or_else(|| panic!("no hash line:\n{report}"));
        assert!(
            line.contains(&format!("{} bytes", input.len())) && line.contains(&real),
            "read ahead {ahead}: {line}"
        );
    }
}
