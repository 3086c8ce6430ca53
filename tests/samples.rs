#![allow(clippy::panic, clippy::unwrap_used)]
//! `sts-triage scan` on every bundled sample and on the real public samples: the exact rows,
//! the near misses with their lines and reasons, and the summary's counts.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");

struct Scan {
    rows: BTreeSet<String>,
    near_misses: BTreeSet<(u64, String)>,
    stderr: String,
}

fn scan(path: &Path) -> Scan {
    let out = Command::new(BIN)
        .args(["scan", "--format", "jsonl", "--near-misses"])
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        out.status.success(),
        "{}: exit {:?}\n{stderr}",
        path.display(),
        out.status
    );
    let mut rows = BTreeSet::new();
    let mut near_misses = BTreeSet::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v.get("kind").and_then(Value::as_str) == Some("near_miss") {
            let source = v["source"].as_str().unwrap();
            let line_no = source.rsplit(':').next().unwrap().parse().unwrap();
            near_misses.insert((line_no, v["reason"].as_str().unwrap().to_owned()));
        } else {
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                [
                    "AccountObjectId",
                    "AccountDisplayName",
                    "Role",
                    "IPAddress",
                    "IsAnonymousProxy",
                    "ISP",
                    "tokenMinutesAdded",
                    "tokenMinutesRemaining"
                ]
            );
            rows.insert(v.to_string());
        }
    }
    Scan {
        rows,
        near_misses,
        stderr,
    }
}

/// The "N STS events" and "N skipped" of a file's summary line.
fn summary_counts(stderr: &str, file: &Path) -> (u64, u64) {
    let name = file.display().to_string();
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&name))
        .unwrap_or_else(|| panic!("no summary line for {name} in\n{stderr}"));
    let num_before = |word: &str| -> u64 {
        let i = line.find(word).unwrap();
        line[..i]
            .trim_end()
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (num_before(" STS events"), num_before(" skipped"))
}

#[test]
fn every_bundled_sample_gives_exactly_the_expected_rows() {
    let mut checked = 0;
    for entry in std::fs::read_dir("tests/expected").unwrap() {
        let expected_path = entry.unwrap().path();
        let name = expected_path.file_name().unwrap().to_str().unwrap();
        let sample = Path::new("assets/samples").join(name.strip_suffix(".json").unwrap());
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        let got = scan(&sample);
        let rows: BTreeSet<String> = expected["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect();
        assert_eq!(got.rows, rows, "{}: rows", sample.display());
        let near: BTreeSet<(u64, String)> = expected["near_misses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["line"].as_u64().unwrap(),
                    n["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(got.near_misses, near, "{}: near misses", sample.display());
        let (sts, skipped) = summary_counts(&got.stderr, &sample);
        assert_eq!(
            sts,
            expected["sts_events"].as_u64().unwrap(),
            "{}: STS events\n{}",
            sample.display(),
            got.stderr
        );
        let malformed_expected = expected.get("skipped").and_then(Value::as_u64).unwrap_or(0);
        assert_eq!(
            skipped,
            malformed_expected,
            "{}: skipped\n{}",
            sample.display(),
            got.stderr
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} samples checked");
}

#[test]
fn the_real_public_samples_load_return_nothing_and_report_nothing() {
    for name in [
        "otrf-security-datasets__GoldenSAMLADFSMailAccess__AADAuditEvents.jsonl",
        "otrf-security-datasets__GoldenSAMLADFSMailAccess__Microsoft365DefenderEvents.jsonl",
        "otrf-security-datasets__GoldenSAMLADFSMailAccess__OfficeActivityEvents.json",
    ] {
        let path = Path::new("tests/data/otrf").join(name);
        let got = scan(&path);
        assert!(got.rows.is_empty() && got.near_misses.is_empty(), "{name}");
        assert!(!got.stderr.contains("warning"), "{name}: {}", got.stderr);
        let (sts, skipped) = summary_counts(&got.stderr, &path);
        assert_eq!((sts, skipped), (0, 0), "{name}");
        assert!(
            !got.stderr.contains(" 0 records"),
            "records were read: {}",
            got.stderr
        );
    }
}

#[test]
fn the_whole_samples_folder_scans_in_one_go() {
    let out = Command::new(BIN)
        .args(["scan", "--format", "csv", "assets/samples"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("AccountObjectId,AccountDisplayName,Role,IPAddress,IsAnonymousProxy,ISP,tokenMinutesAdded,tokenMinutesRemaining\n"));
    assert!(stdout.lines().count() > 10, "{stdout}");
}

#[test]
fn standard_input_reads_like_the_file_gzip_included() {
    use std::io::Write;
    for name in [
        "cloudappevents-ah-api.jsonl",
        "cloudappevents-ah-api.jsonl.gz",
        "ual-purview.csv",
    ] {
        let path = Path::new("assets/samples").join(name);
        let mut child = Command::new(BIN)
            .args(["scan", "--format", "jsonl", "--near-misses", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(&bytes));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(out.status.success());
        let from_stdin: BTreeSet<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.replace("(stdin)", "FILE"))
            .collect();
        let file_out = Command::new(BIN)
            .args(["scan", "--format", "jsonl", "--near-misses"])
            .arg(&path)
            .output()
            .unwrap();
        let from_file: BTreeSet<String> = String::from_utf8(file_out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.replace(&path.display().to_string(), "FILE"))
            .collect();
        assert_eq!(from_stdin, from_file, "{name}");
        assert!(String::from_utf8(out.stderr).unwrap().contains("(stdin)"));
    }
}

/// The context story at the end of every bundled CloudAppEvents, UAL and Entra sample
/// (2025-10-10, see assets/samples/README.md): a helpdesk reset then revocation, a user
/// signing themselves out, a responder revoking ten users. The findings report's context line
/// of each story row gives the context hints a newcomer sees on the first run.
#[test]
fn every_context_hint_shows_on_the_bundled_samples() {
    let mut seen = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir("assets/samples").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let kind = ["cloudappevents-", "ual-", "entra-"];
        // The legacy API document is written on one line: every record is `file:1`, and
        // the related-records index tells records apart by their line.
        if !kind.iter().any(|k| name.starts_with(k)) || name.contains("legacy-api") {
            continue;
        }
        let out = Command::new(BIN)
            .args(["report", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let story: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["first_seen"].as_str().unwrap().starts_with("2025-10-10"))
            .map(|f| {
                (
                    f["targets"][0].as_str().unwrap().to_owned(),
                    f["context"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(story.len(), 3, "{name}: {story:?}");
        if name == "entra-diagnostic.json" {
            assert!(
                story.iter().all(|(_, c)| !c.contains("sign-in from")),
                "{name}: the event's address is unknown: {story:?}"
            );
        }
        let context = |target: &str| {
            story
                .iter()
                .find(|(t, _)| t.starts_with(target))
                .map(|(_, c)| c.as_str())
                .unwrap_or_else(|| panic!("{name}: no row on {target}: {story:?}"))
        };
        let reset = context("irvin.sayers@");
        assert!(
            reset.starts_with("reset by the same actor 1 s before (same correlation)"),
            "{name}: {reset}"
        );
        let own = context("enrico.cattaneo@");
        assert!(
            own.starts_with("the actor is the target; the actor's first record"),
            "{name}: {own}"
        );
        let bulk = context("debra.berger@");
        assert!(
            bulk.starts_with("bulk: 10 users within 10 min"),
            "{name}: {bulk}"
        );
        for (hint, words) in [
            ("reset", "reset by"),
            ("self", "the actor is the target"),
            ("bulk", "bulk:"),
            ("first", "the actor's first record"),
            ("signin", "sign-in from"),
        ] {
            if story.iter().any(|(_, c)| c.contains(words)) {
                seen.insert(hint);
            }
        }
        // A sign-in from another address: every shape that can hold sign-in records has them
        // (an AuditLogs CSV export has no sign-in columns), except where the event's own
        // address is unknown (Entra diagnostic settings write `<null>`).
        if name != "entra-auditlogs.csv" && name != "entra-diagnostic.json" {
            assert!(
                reset.contains("; sign-in from 198.51.100.80 4 min 53 s before;"),
                "{name}: {reset}"
            );
        }
        files += 1;
    }
    assert_eq!(files, 16);
    assert_eq!(seen.len(), 5, "{seen:?}");
}
