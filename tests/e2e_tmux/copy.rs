//! Copy and export from the terminal: OSC 52 into tmux's buffer, a copy too large for OSC 52,
//! and `E` never writing over an input.

use super::*;

#[test]
fn copy_goes_through_osc52_into_the_tmux_buffer() {
    let dir = workdir();
    let t = Tmux::new("osc52");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 0/7");
    t.keys(&["/", "helpdesk", "Enter", "y"]);
    let s = t.wait_for("paste buffer has it");
    // tmux was asked: its set-clipboard is on (the test server's), and the status says so,
    // not that it needs to be. The session is detached (no terminal attached: breaker12
    // #11): said, and no clipboard is claimed.
    assert!(
        s.contains("1 row: only tmux's newest paste buffer has it: no terminal is attached")
            && s.contains("OSC 52 written to tmux")
            && !s.contains("needs tmux"),
        "{s}"
    );
    assert!(!s.contains("terminal's clipboard"), "{s}");
    // tmux takes the sequence as the program writes it: the buffer may come a moment later.
    let buffer = support::poll_until("the copy in tmux's buffer", || {
        let b = t.tmux(&["show-buffer"]);
        if b.contains("helpdesk@contoso.com") {
            Ok(b)
        } else {
            Err(b)
        }
    });
    assert!(
        buffer.contains("| `helpdesk@contoso.com` |"),
        "tmux buffer: {buffer:?}"
    );
    assert!(
        buffer.starts_with("| First seen (UTC) | Account |"),
        "{buffer:?}"
    );
}

#[test]
fn a_copy_too_large_for_osc52_is_written_beside_the_journal_and_never_claimed() {
    let dir = tempfile::tempdir().unwrap();
    // 400 flagged rows: a report of about 106 kB, well over what OSC 52 is safe for
    // (74,997 bytes).
    let line = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    let first = line.lines().next().unwrap().to_owned();
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(
            &first
                .replace("5b4c-0001", &format!("big-{i:04}"))
                .replace("admin@contoso.com", &format!("user{i}@contoso.com"))
                // An event of its own each: copies of one event give one row.
                .replace(
                    "00000001-aaaa-bbbb-cccc-000000000000",
                    &format!("00000001-aaaa-bbbb-cccc-{i:012}"),
                ),
        );
        text.push('\n');
    }
    std::fs::write(dir.path().join("big.jsonl"), text).unwrap();
    let t = Tmux::new("bigcopy");
    t.start(dir.path(), "big.jsonl");
    t.wait_for("reviewed 0/400");
    t.keys(&["Y"]);
    // The copy is made off the key path and written whole (renamed into place): waited for
    // as the file, then as the status that follows it.
    let path = dir.path().join("big.jsonl.sts-triage.copy.md");
    support::poll_until("the copy written beside the journal", || {
        if path.exists() {
            Ok(())
        } else {
            Err(t.screen())
        }
    });
    let s = t.wait_for("the findings report written to");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.len() > 74_997, "{}", written.len());
    assert!(written.starts_with("# Findings"), "{written:.80}");
    assert!(s.contains("big.jsonl.sts-triage.copy.md"), "{s}");
    // Never claimed as sent: inside tmux the claim would read `sent through tmux`.
    assert!(
        !s.contains("sent through") && !s.contains("sent to") && !s.contains("copied to"),
        "{s}"
    );
    assert!(
        t.tmux(&["list-buffers"]).trim().is_empty(),
        "nothing sent to tmux's buffer"
    );
}

#[test]
fn e_never_writes_over_an_input_named_like_its_report() {
    // The input is named as `E`'s report of journal j.jsonl would be: `E` refuses it (by
    // file identity, as `report -o` does) and says nothing was written.
    let dir = workdir();
    std::fs::rename(
        dir.path().join("export.jsonl"),
        dir.path().join("j.report.md"),
    )
    .unwrap();
    let before = std::fs::read(dir.path().join("j.report.md")).unwrap();
    let t = Tmux::new("einput");
    t.start(dir.path(), "--journal ./j.jsonl ./j.report.md");
    t.wait_for("reviewed 0/7");
    t.keys(&["E"]);
    let s = t.wait_for("report NOT written");
    assert!(s.contains("is an input or the journal"), "{s}");
    assert_eq!(
        std::fs::read(dir.path().join("j.report.md")).unwrap(),
        before
    );
}
