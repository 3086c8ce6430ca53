//! Trust12 #5: a JSON-lines line that holds records otherwise (an envelope, `{"records":[…]}`)
//! gives the related-events index each of its records once, and is not one more record
//! itself. Before, a first load indexed the line as a record (with no fields) besides its
//! records; with `--follow` it indexed only the line, so a followed STS event's context panel
//! counted 1 related record where the same file loaded without `--follow` counted 4
//! (`src/load/follow/tests.rs` tests the follow reader).

use sts_triage::load::ScanMessage;

use crate::support::scan_messages;

const STS: &str = r#"{"CreationTime":"2021-02-04T16:32:45","Id":"s1","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"a@b","ObjectId":"v@b","ModifiedProperties":[{"Name":"StsRefreshTokensValidFrom","OldValue":"[\"2021-02-04T15:00:00Z\"]","NewValue":"[\"2021-02-04T16:32:00Z\"]"}],"Actor":[{"ID":"a@b","Type":5}]}"#;

fn related(second: u32, op: &str) -> String {
    format!(
        r#"{{"CreationTime":"2021-02-04T16:32:4{second}","Id":"r{second}","Operation":"{op}","UserId":"a@b","ObjectId":"v@b"}}"#
    )
}

#[test]
fn each_record_of_an_envelope_line_is_indexed_once_and_the_line_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stream.jsonl");
    let envelope = format!(
        "{{\"records\":[{},{}]}}",
        related(1, "Update user."),
        related(2, "Reset user password.")
    );
    std::fs::write(
        &path,
        format!("{}\n{envelope}\n{STS}\n", related(0, "Add user.")),
    )
    .unwrap();
    let mut lines: Vec<u64> = scan_messages(&[path])
        .into_iter()
        .filter_map(|m| match m {
            ScanMessage::Context(b) => Some(b.entries.iter().map(|e| e.line).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [1, 2, 2, 3],
        "line 2 holds two records, and is none itself"
    );
}
