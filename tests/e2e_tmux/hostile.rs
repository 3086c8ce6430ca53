//! Hostile strings on a real terminal: escaped on screen, the terminal left unchanged, and a
//! bracketed paste that runs no key.

use super::*;

/// A CloudAppEvents row whose every shown string carries a terminal attack.
fn hostile_row() -> String {
    let raw = serde_json::json!({
        "CreationTime": "2021-06-01T10:00:00", "Id": "hostile-1",
        "Operation": "Update StsRefreshTokenValidFrom Timestamp.",
        "UserId": "title\u{1b}]0;pwned\u{7}@contoso.com",
        "ModifiedProperties": [{"Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\"2021-06-01T09:00:00Z\"]", "NewValue": "[\"2021-06-01T10:00:00Z\"]"}],
        "Actor": [{"ID": "x", "Type": 5}, {"ID": "\u{9b}31mRole\u{202e}", "Type": 2}]
    });
    serde_json::json!({
        "Timestamp": "2021-06-01T10:00:00Z",
        "ActionType": "Update StsRefreshTokenValidFrom Timestamp.",
        "AccountObjectId": "oid-\u{1b}P+q\u{1b}\\",
        "AccountDisplayName": "clip\u{1b}]52;c;cHduZWQ=\u{7}board",
        "IPAddress": "\u{1b}[31m203.0.113.66",
        "IsAnonymousProxy": false,
        "ISP": "\u{1b}]8;;http://evil.example/\u{7}link\u{1b}]8;;\u{7}\u{7f}",
        "RawEventData": raw
    })
    .to_string()
}

#[test]
fn hostile_strings_show_escaped_and_leave_the_terminal_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hostile.jsonl"),
        format!("{}\n", hostile_row()),
    )
    .unwrap();
    let t = Tmux::new("hostile");
    t.start(dir.path(), "hostile.jsonl");
    let title_before = t.tmux(&["display-message", "-p", "-t", "t", "#{pane_title}"]);
    let s = t.wait_for("reviewed 0/1");
    assert!(
        // The table may cut the cell (the IP column is as wide as its widest address):
        // the escape itself is what must show, the drill-down below shows the rest.
        // (19 columns at 120, whose tokens and the hints beside it: `clip\x1b]52;c;cHdu…`)
        s.contains("clip\\x1b]52;c;cHdu"),
        "the OSC 52 payload is visible:\n{s}"
    );
    // The IP and the Role are drawn from 136 and 153 columns (at 120 whose tokens and the
    // hints come first): the window widened to show them.
    t.tmux(&["resize-window", "-t", "t", "-x", "200", "-y", "35"]);
    let s = t.wait_for("\\x9b31mRole");
    assert!(s.contains("\\x1b[31m203.0."), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("why flagged");
    // The screen is drawn in pieces: wait for the event's line itself.
    let s = t.wait_for("0;pwned");
    assert!(
        s.contains("\\u001b]0;pwned") || s.contains("\\x1b]0;pwned"),
        "{s}"
    );
    // The `app:` hint quotes the role read from the event: escaped like every other string.
    assert!(s.contains("app: the query's Role is \\x9b31mRole"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("reviewed 0/1");
    let title_after = t.tmux(&["display-message", "-p", "-t", "t", "#{pane_title}"]);
    assert_eq!(title_before, title_after, "no title change");
    assert!(!title_after.contains("pwned"));
    assert!(
        t.tmux(&["list-buffers"]).trim().is_empty(),
        "no clipboard write reached tmux"
    );
    // No colour bleeds: with colours captured, every cell of the IP column's row is drawn
    // in the table's own styles, and the escape text is plain text.
    let styled = t.tmux(&["capture-pane", "-p", "-e", "-t", "t"]);
    assert!(
        !styled.contains("\u{1b}[31m203.0.113.66"),
        "the attacker's colour never applies"
    );
    assert!(
        !styled.contains("\u{1b}]8;;http"),
        "no hyperlink escape reached the terminal"
    );
}

#[test]
fn a_bracketed_paste_in_the_note_editor_runs_no_key() {
    let dir = workdir();
    let t = Tmux::new("paste");
    t.start(dir.path(), "export.jsonl");
    t.wait_for("reviewed 0/7");
    let fixture = std::fs::canonicalize("tests/fixtures/note-paste-with-newline.txt").unwrap();
    t.tmux(&["load-buffer", &fixture.display().to_string()]);
    t.keys(&["n"]);
    t.wait_for("note for 1 row ");
    t.tmux(&["paste-buffer", "-p", "-t", "t"]);
    let s = t.wait_for("looks fine 2j2j2q");
    assert!(
        s.contains("note for 1 row "),
        "the editor is still open:\n{s}"
    );
    t.keys(&["Enter"]);
    let s = t.wait_for("saved ✓");
    assert!(s.contains("reviewed 0/7"), "no row was marked:\n{s}");
    let journal =
        std::fs::read_to_string(dir.path().join("export.jsonl.sts-triage.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");
    assert!(
        journal.contains("\"note\":\"looks fine 2j2j2q\""),
        "{journal}"
    );
}
