#![allow(clippy::panic, clippy::unwrap_used)]
//! Nothing read is ever silently left out, and one unreadable file never stops the rest
//! (issues 10 and 14): a file inside a folder that is of no known format, empty, unreadable
//! (a dangling link, no permission), a zip archive or a FIFO is listed with why in the
//! `scan` summary and under "Not read" in the report (with its SHA-256), and the other files
//! are read; links to files are followed. Sniffing looks past noise (a NUL byte in the first
//! row, 70,000 leading blank lines). The report's SHA-256 is that of the bytes read.

use std::path::{Path, PathBuf};
use std::process::Command;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;

const HOSTILE: &str = "tests/cases/hostile";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(args)
        .output()
        .unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

fn summary_of<'a>(r: &'a Run, path: &str) -> &'a str {
    r.stderr
        .lines()
        .find(|l| l.starts_with(&format!("{path}: ")) && l.contains(" records, "))
        .unwrap_or_else(|| panic!("no summary for {path}:\n{}", r.stderr))
}

#[test]
fn a_nul_in_the_first_row_and_leading_blank_lines_are_read() {
    let csv = format!("{HOSTILE}/csv-nul-in-first-row-rejects-file.csv");
    let r = run(&["scan", "--format", "jsonl", &csv]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        summary_of(&r, &csv).ends_with("CSV (CloudAppEvents), 7 records, 6 STS events, 0 skipped")
    );
    assert_eq!(r.stdout.lines().count(), 4);

    let jsonl = format!("{HOSTILE}/jsonl-70k-leading-newlines-called-empty.jsonl");
    let r = run(&["scan", "--format", "jsonl", &jsonl]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        summary_of(&r, &jsonl)
            .ends_with("JSON lines (CloudAppEvents), 23 records, 20 STS events, 0 skipped")
    );

    // Our own: a CSV whose header comes after 100 KB of CRLF blank lines and spaces, and
    // whose first row holds a NUL in a display name; line numbers stay those of the file.
    let dir = tempfile::tempdir().unwrap();
    let mut body = " \r\n".repeat(40_000).into_bytes();
    let audit = flagged("e-csv", "csv@x").trim_end().replace('"', "\"\"");
    body.extend_from_slice(
        format!("CreationDate,UserIds,Operations,AuditData\r\n2024-03-01T10:00:07,a\0b@x,Update StsRefreshTokenValidFrom Timestamp.,\"{audit}\"\r\n2024-03-01T10:00:08,c@x,Update user.,\"{{\"\"Operation\"\":\"\r\n").as_bytes(),
    );
    let p = dir.path().join("blank-then-csv.csv");
    std::fs::write(&p, body).unwrap();
    let p = p.display().to_string();
    let r = run(&["scan", "--format", "jsonl", &p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(summary_of(&r, &p).contains("CSV ("), "{}", r.stderr);
    assert!(r.stdout.contains("csv@x"), "{}", r.stderr);
    let report = scan_paths(&[PathBuf::from(&p)], &ScanOptions::default()).unwrap();
    assert_eq!(
        report.events[0].source.line, 40_002,
        "line numbers count the blank lines"
    );

    // A file whose first line is binary is still not read, with the NUL named.
    let junk = dir.path().join("junk.dat");
    std::fs::write(&junk, b"\x01\x02\0\x03\x04\x05,\x06\x07\x08\n").unwrap();
    let r = run(&["scan", junk.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("binary content (a NUL byte at byte offset 2)"),
        "{}",
        r.stderr
    );
}

fn flagged(id: &str, user: &str) -> String {
    serde_json::json!({
        "CreationTime": "2024-03-01T10:00:07",
        "Id": id,
        "Operation": "Update StsRefreshTokenValidFrom Timestamp.",
        "RecordType": 8,
        "UserId": user,
        "ClientIP": "203.0.113.24",
        "ModifiedProperties": [{
            "Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\"2023-11-20T08:15:00Z\"]",
            "NewValue": "[\"2024-03-01T10:00:06Z\"]"
        }],
        "Actor": [{"ID": user, "Type": 5}, {"ID": "User", "Type": 2}]
    })
    .to_string()
        + "\n"
}

/// A folder as an analyst's collection may look after a bad day.
fn messy_folder(root: &Path) -> PathBuf {
    let dir = root.join("case");
    let outside = root.join("elsewhere");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(dir.join("good.jsonl"), flagged("e1", "alice@x")).unwrap();
    std::fs::write(outside.join("linked.jsonl"), flagged("e2", "bob@x")).unwrap();
    std::os::unix::fs::symlink(outside.join("linked.jsonl"), dir.join("link.jsonl")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.jsonl"), dir.join("dangling.jsonl")).unwrap();
    // A link back up: the folder is read once.
    std::os::unix::fs::symlink(&dir, dir.join("sub").join("loop")).unwrap();
    std::fs::write(dir.join("export.zip"), b"PK\x03\x04\x14\0\0\0\x08\0rest").unwrap();
    std::fs::write(dir.join("empty.csv"), b"").unwrap();
    let fifo = dir.join("pipe.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    dir
}

#[test]
fn a_folder_with_files_that_cannot_be_read() {
    let root = tempfile::tempdir().unwrap();
    let dir = messy_folder(root.path());
    let d = dir.display().to_string();
    let r = run(&["scan", "--format", "jsonl", &d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("alice@x") && r.stdout.contains("bob@x"));
    assert_eq!(r.stdout.lines().count(), 2, "the loop read a file twice");
    for (name, why) in [
        (
            "dangling.jsonl",
            "passed over: unreadable: No such file or directory",
        ),
        (
            "export.zip",
            "passed over: not a file of any known format (a zip archive: extract it first)",
        ),
        (
            "empty.csv",
            "passed over: not a file of any known format (the file is empty)",
        ),
        ("pipe.jsonl", "passed over: not a regular file"),
    ] {
        let line = format!("warning: {d}/{name}: {why}");
        assert!(r.stderr.contains(&line), "{line:?} missing:\n{}", r.stderr);
    }

    let r = run(&[
        "report",
        "--journal",
        root.path().join("j.jsonl").to_str().unwrap(),
        &d,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let section = r
        .stdout
        .split("\n## Not read (4)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no Not read section:\n{}", r.stdout));
    let zip_hash = sts_triage::load::sha256_file(&dir.join("export.zip")).unwrap();
    let line_of = |name: &str| {
        section
            .lines()
            .find(|l| l.starts_with("- ") && l.contains(&format!("{d}/{name}")))
            .unwrap_or_else(|| panic!("{name} not listed:\n{section}"))
    };
    let zip = line_of("export.zip");
    assert!(
        zip.contains("a zip archive: extract it first") && zip.contains(&zip_hash),
        "{zip}"
    );
    let dangling = line_of("dangling.jsonl");
    assert!(
        dangling.contains("unreadable: No such file or directory")
            && dangling.ends_with("SHA-256 unavailable"),
        "{dangling}"
    );

    // The library's list, as the workbench reads it.
    let report = scan_paths(std::slice::from_ref(&dir), &ScanOptions::default()).unwrap();
    let mut listed: Vec<(String, bool)> = report
        .not_read
        .iter()
        .map(|n| {
            let name = n.path.rsplit('/').next().unwrap().to_owned();
            (name, n.sha256.is_some())
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            ("dangling.jsonl".to_owned(), false),
            ("empty.csv".to_owned(), true),
            ("export.zip".to_owned(), true),
            ("pipe.jsonl".to_owned(), false),
        ]
    );

    // Named on the command line, a zip is an error that says what it is.
    let zip = format!("{d}/export.zip");
    let r = run(&["scan", &zip]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("a zip archive: extract it first"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_without_read_permission_is_passed_over() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("case");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("good.jsonl"), flagged("e1", "alice@x")).unwrap();
    let locked = dir.join("locked.jsonl");
    std::fs::write(&locked, flagged("e2", "bob@x")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = run(&["scan", "--format", "jsonl", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("alice@x"));
    if std::fs::File::open(&locked).is_err() {
        // Not root: the file cannot be read, and says so.
        assert!(
            r.stderr
                .contains("locked.jsonl: passed over: unreadable: Permission denied"),
            "{}",
            r.stderr
        );
    } else {
        // Root reads it anyway.
        assert!(r.stdout.contains("bob@x"));
    }
}

#[test]
fn the_report_hashes_the_bytes_the_scan_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ual.jsonl");
    let before = flagged("e1", "alice@x");
    std::fs::write(&p, &before).unwrap();
    let opts = ScanOptions {
        hash_inputs: true,
        ..ScanOptions::default()
    };
    let report = scan_paths(std::slice::from_ref(&p), &opts).unwrap();
    let read_hash = sts_triage::load::sha256_file(&p).unwrap();
    // The file changes after the scan: the report still describes what was read.
    std::fs::write(&p, before.repeat(3)).unwrap();
    let ctx = sts_triage::report::ReportContext::new(&report, "j.jsonl", false);
    let md = sts_triage::report::markdown_report(&report, &Default::default(), &ctx);
    assert!(
        md.contains(&format!("{} bytes, 1 record", before.len()))
            && md.contains(&format!("SHA-256 `{read_hash}`")),
        "{md}"
    );
}

/// Breaker finding 3 (session 11): files passed over by their name inside a folder were
/// left out in silence ("Files passed over (0)"). Now they are listed with why, and the
/// format of every other file is told by its content: a `.txt` or misnamed `.xlsx` export
/// is read, and so is an export named like a journal.
#[test]
fn files_passed_over_by_name_are_listed_and_other_names_read_by_content() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("case");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git").join("HEAD"), flagged("g1", "git@x")).unwrap();
    std::fs::write(dir.join("main.jsonl"), flagged("e1", "alice@x")).unwrap();
    std::fs::write(dir.join("audit-export.txt"), flagged("e2", "bob@x")).unwrap();
    std::fs::write(
        dir.join("Search-UnifiedAuditLog.xlsx"),
        flagged("e3", "erin@x"),
    )
    .unwrap();
    std::fs::write(dir.join("export.sts-triage.jsonl"), flagged("e4", "dave@x")).unwrap();
    std::fs::write(dir.join(".hidden-export.jsonl"), flagged("e5", "carol@x")).unwrap();
    let journal = r#"{"key":"row:1","verdict":"legitimate","note":"","analyst":"a","time":"2026-12-01T20:05:14.554Z","version":"0.1.0","action":"set","events":1,"prev":"00"}"#;
    std::fs::write(dir.join("case.sts-triage.jsonl"), format!("{journal}\n")).unwrap();
    // A note beside the exports: listed quietly, no warning (every folder of exports has
    // one), and a text file that is no export with it.
    std::fs::write(dir.join("README.md"), "# Case 7\n").unwrap();
    std::fs::write(dir.join("todo.txt"), "ask Lee about the 09:00 reset\n").unwrap();
    let d = dir.display().to_string();

    let r = run(&["scan", "--format", "jsonl", &d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut users: Vec<&str> = ["alice@x", "bob@x", "dave@x", "erin@x"]
        .into_iter()
        .filter(|u| r.stdout.contains(u))
        .collect();
    users.sort_unstable();
    assert_eq!(
        users,
        ["alice@x", "bob@x", "dave@x", "erin@x"],
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout.lines().count(), 4, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "files: 4 · passed over: 3 · 2 other files passed over: notes · records read: 4 · "
        ),
        "{}",
        r.stderr
    );
    let name_it = "name it on the command line to read it";
    let listed = [
        (
            ".git",
            format!("a hidden folder (its name starts with a dot): {name_it}"),
        ),
        (
            ".hidden-export.jsonl",
            format!("a hidden file (its name starts with a dot): {name_it}"),
        ),
        (
            "case.sts-triage.jsonl",
            format!("an sts-triage journal (the analyst's verdicts, not an export): {name_it}"),
        ),
    ];
    for (name, why) in &listed {
        let line = format!("warning: {d}/{name}: passed over: {why}");
        assert!(r.stderr.contains(&line), "{line:?} missing:\n{}", r.stderr);
    }
    assert!(
        !r.stderr.contains("README.md") && !r.stderr.contains("todo.txt"),
        "no warning for a note: {}",
        r.stderr
    );

    // The report's "Not read" section and the library's list (the workbench's `p`).
    let j = root.path().join("j.jsonl");
    let r = run(&["report", "--journal", j.to_str().unwrap(), &d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\n## Not read (5)\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "a note by its name (.md), not an export: name it on the command line to read it"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("a note (.txt, of no known format: "),
        "{}",
        r.stdout
    );
    let report = scan_paths(std::slice::from_ref(&dir), &ScanOptions::default()).unwrap();
    let mut not_read: Vec<(String, String)> = report
        .not_read
        .iter()
        .filter(|n| n.other.is_none())
        .map(|n| {
            (
                n.path.rsplit('/').next().unwrap().to_owned(),
                n.reason.clone(),
            )
        })
        .collect();
    not_read.sort();
    let mut expected: Vec<(String, String)> = listed
        .iter()
        .map(|(n, why)| ((*n).to_owned(), why.clone()))
        .collect();
    expected.sort();
    assert_eq!(not_read, expected);
    let mut others: Vec<(&str, Option<&str>)> = report
        .not_read
        .iter()
        .filter(|n| n.other.is_some())
        .map(|n| (n.path.rsplit('/').next().unwrap(), n.other))
        .collect();
    others.sort_unstable();
    assert_eq!(
        others,
        [("README.md", Some("note")), ("todo.txt", Some("note"))]
    );

    // Named on the command line, a hidden file is read.
    let hidden = format!("{d}/.hidden-export.jsonl");
    let r = run(&["scan", "--format", "jsonl", &hidden]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("carol@x"), "{}", r.stdout);
}
