#![allow(clippy::panic, clippy::unwrap_used)]
//! Related records of standard input (`cat export | sts-triage report -`): standard input
//! cannot be read again, so the content read from it is copied aside as it is read, and its
//! related records are read back from the copy: the JSON report gives their event ids, and
//! Enter in the workbench's context panel opens them. The inputs are those of
//! `tests/fixtures/context-shapes` (a revocation after `Update user` and `Reset user password` of the
//! same user in one correlation).

use std::path::Path;

use serde_json::Value;

use super::{Tmux, report_of_stdin};
use crate::support::BIN;
use crate::support::context::shapes_uid as uid;

const DIR: &str = "tests/fixtures/context-shapes";

/// `report --format json -` with `input` on standard input.
fn json_report_of_stdin(input: &[u8], data_home: &Path) -> Value {
    let (json, _) = report_of_stdin(input, &["--format", "json"], data_home);
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_json_report_gives_the_ids_of_related_records_read_from_standard_input() {
    let data = tempfile::tempdir().unwrap();
    let csv = std::fs::read(Path::new(DIR).join("purview-multiline.csv")).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let inputs = [
        (
            "gzip JSON lines",
            std::fs::read(Path::new(DIR).join("cae-lines.jsonl.gz")).unwrap(),
        ),
        (
            "JSON array on one line",
            std::fs::read(Path::new(DIR).join("cae-array-one-line.json")).unwrap(),
        ),
        ("CSV over lines", csv),
        ("UTF-16 CSV", utf16),
    ];
    for (what, input) in inputs {
        let r = json_report_of_stdin(&input, data.path());
        let related = r["findings"][0]["related"].as_array().unwrap();
        let ids: Vec<&str> = related
            .iter()
            .map(|r| r["id"].as_str().unwrap_or("(none)"))
            .collect();
        assert_eq!(ids, [uid(0), uid(1)], "{what}: {related:?}");
        assert_eq!(related[1]["file"], "(stdin)", "{what}");
        assert_eq!(related[1]["operation"], "Reset user password.", "{what}");
    }
}

#[test]
fn enter_on_a_related_record_of_standard_input_opens_it_in_the_workbench() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(DIR).join("purview-multiline.csv"),
        dir.path().join("export.csv"),
    )
    .unwrap();
    let t = Tmux::new("stdin");
    let cmd = format!(
        "cd {} && cat export.csv | XDG_DATA_HOME={} exec {BIN} -",
        dir.path().display(),
        dir.path().display()
    );
    // 200 columns: the raw record's panel (42% beside the context panel) has the room for
    // its whole title, `(stdin):35` named.
    t.start_sized(&cmd, 200, 45);
    t.wait_for("flagged 1");
    t.keys(&["Enter"]);
    t.wait_for("StsRefreshTokensValidFrom");
    t.keys(&["x"]);
    t.wait_for("context: 2 related");
    t.keys(&["k", "Enter"]);
    t.wait_for("related -00:00:01 · Reset user password. · (stdin):35");
    let s = t.wait_for_all(&[&format!("\"Id\": \"{}\"", uid(1)), "\"AuditData\": {"]);
    for other in [0, 2, 3] {
        assert!(!s.contains(&uid(other)), "only the reset is shown: {s}");
    }
    assert!(!s.contains("could not be read back"), "{s}");
}
