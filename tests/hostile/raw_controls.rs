#![allow(clippy::panic, clippy::unwrap_used)]
//! A raw control character inside a JSON string (a TAB, ESC or 0x01 byte written unescaped,
//! which strict JSON forbids) never hides an event: the string holds the character, as Kusto
//! reads it, in JSON lines, JSON documents and gzip, through the quick and the full parse
//! and in the context index; the event stays flagged with the `ctrl` hint and ⚠, and the
//! character is shown escaped.
//!
//! The input (`tests/cases/hostile/jsonl-raw-controls-in-strings.jsonl`) is the samples'
//! helpdesk flow: `Update user.`, `Reset user password.` (line 2: a TAB and an ESC in its
//! UserAgent, 0x01 in its UserId) and the revocation (line 3: the same, and an ESC in the
//! display name).

use std::path::{Path, PathBuf};

use sts_triage::hints::{HintConfig, row_hints};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

const CASE: &str = "tests/cases/hostile/jsonl-raw-controls-in-strings.jsonl";
/// The display name and actor as Kusto holds them: the characters themselves.
const NAME: &str = "Lee\u{1b}Gu";
const ACTOR: &str = "lee.gu\u{1}@contoso.onmicrosoft.com";

fn scan(path: &Path) -> ScanReport {
    scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap()
}

/// The case as JSON lines, as a pretty-printed JSON document (raw TABs and newlines between
/// values as well), and both gzipped.
fn every_shape(dir: &Path) -> Vec<PathBuf> {
    let lines = std::fs::read(CASE).unwrap();
    let doc = crate::support::json_document(&lines, b"{\n\t\"value\": [\n\t\t", b",\r\n\t\t");
    let mut out = vec![PathBuf::from(CASE)];
    for (name, data) in [
        ("doc.json", doc.clone()),
        ("lines.jsonl.gz", crate::support::gzip(&lines)),
        ("doc.json.gz", crate::support::gzip(&doc)),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        out.push(p);
    }
    out
}

#[test]
fn raw_control_characters_keep_the_flagged_event_and_mark_it() {
    let (code, stdout, stderr) = crate::support::run_status(&["scan", "--format", "jsonl", CASE]);
    assert_eq!(code, 0, "{stderr}");
    // The value as Kusto gives it: the ESC is in the name (JSON-escaped on output).
    assert!(
        stdout.contains(
            r#""AccountDisplayName":"Lee\u001bGu","Role":"User","IPAddress":"198.51.100.77""#
        ),
        "the flagged event of line 3 is missing:\n{stdout}"
    );
    // The summary says what was done, as the warnings do (breaker 12 #10: it said
    // "replaced by U+FFFD" of characters kept as written).
    assert!(
        stderr.contains(
            "3 records, 1 STS event, 0 skipped, 2 read with raw control characters kept as written (shown escaped)\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("U+FFFD"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{CASE}:3: 4 raw control characters inside a string (JSON requires them escaped) kept as written"
        )),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    for path in every_shape(dir.path()) {
        let report = scan(&path);
        let at = path.display();
        assert_eq!(report.skipped(), 0, "{at}: {:?}", report.problems);
        assert_eq!(report.files[0].controls_kept, 2, "{at}");
        assert_eq!(report.files[0].replaced, 0, "{at}");
        assert_eq!(report.findings.len(), 1, "{at}");
        let f = &report.findings[0];
        assert_eq!(f.row.account_display_name, NAME, "{at}");
        assert_eq!(f.row.token_minutes_added, Some(85_039), "{at}");
        let hints = row_hints(f, HintConfig::default());
        let ctrl = hints.iter().find(|h| h.badge() == "ctrl");
        // The why panel says why in words.
        assert!(
            ctrl.is_some_and(|h| h.to_string().contains("raw control characters")),
            "{at}: {hints:?}"
        );
        // On screen the character is shown escaped, and the row carries ⚠.
        let text = sts_triage::tui::items::finding_text(&report, 0);
        assert!(
            text.cells.iter().any(|c| c == "⚠"),
            "{at}: {:?}",
            text.cells
        );
        assert!(
            text.cells
                .iter()
                .any(|c| c.contains("Lee") && c.contains("Gu")),
            "{at}: {:?}",
            text.cells
        );
        assert!(
            text.cells.iter().all(|c| !c.chars().any(char::is_control)),
            "{at}: {:?}",
            text.cells
        );
    }
}

/// The related record with raw control characters is read by the context index as the
/// loader reads it: its id, its actor (the 0x01 kept) and the `reset` hint of the row.
#[test]
fn the_context_index_reads_a_related_record_with_raw_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    for path in every_shape(dir.path()) {
        let report = crate::support::context::json_report(&path);
        let f = &report["findings"][0];
        let at = path.display();
        assert_eq!(f["actors"][0], ACTOR, "{at}");
        let related = f["related"].as_array().unwrap();
        let reset = related
            .iter()
            .find(|r| r["operation"] == "Reset user password.")
            .unwrap_or_else(|| panic!("{at}: no related reset: {related:?}"));
        assert_eq!(reset["actor"], ACTOR, "{at}");
        assert_eq!(reset["id"], "ba1cd387-13fb-5eed-adf5-d12a737408eb", "{at}");
        assert!(
            reset["why"].as_str().unwrap().contains("same actor"),
            "{at}: {reset}"
        );
        let context = f["context"].as_str().unwrap();
        assert!(
            context.starts_with("reset by the same actor 1 s before"),
            "{at}: {context}"
        );
    }
}
