//! One file in two encodings (breaker15 #3). Windows PowerShell 5.1's `>>` (`Out-File
//! -Append`, its default encoding "Unicode") appends UTF-16LE lines to a UTF-8 export; the
//! STS events of those lines are read, each said as decoded, and the NUL of the last UTF-16
//! newline is no "line without a newline". The reverse (a UTF-16 export that goes on in
//! UTF-8, PowerShell 7's `>>`) cannot be read that way, but is said as what it is, with
//! whether the skipped bytes name the STS operation.

use super::*;

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Three benign events in UTF-8 (LF, as Python or PowerShell 7 writes), then three of the
/// attacker appended by PowerShell 5.1 (`>> export.jsonl`: UTF-16LE, CRLF; `bom`: with the
/// byte order mark `Out-File -Append` writes to a file it takes for empty).
fn utf8_then_utf16(bom: bool) -> Vec<u8> {
    let mut bytes: Vec<u8> = (1..=3)
        .flat_map(|i| {
            format!(
                "{}\n",
                rec(&format!("b{i}"), &format!("user{i}@contoso.com"))
            )
            .into_bytes()
        })
        .collect();
    if bom {
        bytes.extend([0xff, 0xfe]);
    }
    for i in 1..=3 {
        bytes.extend(utf16le(&format!(
            "{}\r\n",
            rec(&format!("a{i}"), "attacker@contoso.com")
        )));
    }
    bytes
}

#[test]
fn utf16_records_appended_to_a_utf8_export_are_read() {
    let dir = tempfile::tempdir().unwrap();
    for bom in [false, true] {
        let path = write(dir.path(), "appended.jsonl", &utf8_then_utf16(bom));
        let r = run(&["--near-misses"], &[&path]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_summary(
            &r,
            &path,
            "JSON lines",
            "6 records, 6 STS events, 0 skipped",
        );
        // The attacker's three events (one time, one address) make one flagged row.
        assert_eq!(
            r.stdout.matches("attacker@contoso.com").count(),
            1,
            "the attacker's row:\n{}",
            r.stdout
        );
        // Each decoded record is said at its line.
        for line in 4..=6 {
            r.stderr_has(&format!(
                "appended.jsonl:{line}: UTF-16 text (a NUL every other byte) in a file read as UTF-8"
            ));
        }
        assert!(!r.stderr.contains("no newline at the end"), "{}", r.stderr);
    }
}

/// Follow16 #2: read as UTF-8 from the first such line (they were named and not read), as
/// follow mode reads them when they are appended while it follows the file.
#[test]
fn utf8_records_appended_to_a_utf16_export_are_read_and_said_from_their_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xff, 0xfe];
    for i in 1..=3 {
        bytes.extend(utf16le(&format!(
            "{}\r\n",
            rec(&format!("b{i}"), "user@contoso.com")
        )));
    }
    for i in 1..=3 {
        bytes.extend(format!("{}\n", rec(&format!("a{i}"), "attacker@contoso.com")).into_bytes());
    }
    let path = write(dir.path(), "reverse.jsonl", &bytes);
    let r = run(&["--near-misses"], &[&path]);
    assert_summary(
        &r,
        &path,
        "JSON lines",
        "6 records, 6 STS events, 0 skipped",
    );
    let utf16_bytes = bytes.len() - 3 * (rec("a1", "attacker@contoso.com").len() + 1);
    r.stderr_has(&format!(
        "reverse.jsonl:4: UTF-8 text from byte {utf16_bytes} in a file read as UTF-16LE \
         (records appended in another encoding, PowerShell 7 `>>`?): read as UTF-8 from this \
         line"
    ));
    assert!(!r.stderr.contains("no newline at the end"), "{}", r.stderr);
}
