#![allow(clippy::panic, clippy::unwrap_used)]
//! Writing a file never replaces what is there by another kind of thing: `report --output`
//! into a folder, a link to standard output, a FIFO; the workbench on a dangling `--journal`
//! link. (The temporary-file rules themselves are tested in `src/write_safe.rs`.)

use std::path::Path;
use std::process::{Command, Output};

use crate::support::run_bin;

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    run_bin(args)
}

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn report_to(output: &Path) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("none.jsonl");
    run(&[
        "report".as_ref(),
        FIXTURE.as_ref(),
        "--journal".as_ref(),
        journal.as_os_str(),
        "--output".as_ref(),
        output.as_os_str(),
    ])
}

#[test]
fn report_output_to_a_folder_is_refused_and_the_folder_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = report_to(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a folder"), "{stderr}");
    assert!(dir.path().is_dir());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn report_output_through_a_link_to_standard_output_writes_there_and_keeps_the_link() {
    // Like `--output /dev/stdout`, in a folder of our own: a link to the process's fd 1.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let out = report_to(&link);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("# Findings"), "{stdout}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn report_output_into_a_fifo_goes_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(&fifo).unwrap())
    };
    let out = report_to(&fifo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(reader.join().unwrap().starts_with("# Findings"));
    assert!(!std::fs::metadata(&fifo).unwrap().is_file(), "still a FIFO");
}

#[cfg(unix)]
#[test]
fn a_dangling_link_is_refused_as_report_output_and_as_journal() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.md");
    let link = dir.path().join("report.md");
    std::os::unix::fs::symlink(&missing, &link).unwrap();
    let out = report_to(&link);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!missing.exists());

    // The workbench refuses a dangling --journal before it opens the terminal.
    let target = dir.path().join("elsewhere").join("j.jsonl");
    let journal = dir.path().join("j.jsonl");
    std::os::unix::fs::symlink(&target, &journal).unwrap();
    let out = run(&["--journal".as_ref(), journal.as_os_str(), FIXTURE.as_ref()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!target.exists());
}
