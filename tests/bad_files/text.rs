//! Text that is off: invalid UTF-8 inside a record, a byte order mark and CRLF in every shape, a
//! ragged CSV row.

use super::*;

#[test]
fn invalid_utf8_inside_a_record() {
    let dir = tempfile::tempdir().unwrap();
    // JSON lines: the bad bytes become U+FFFD (as Kusto does); the record is read, counted
    // and said where.
    let mut body = format!("{}\n", rec("a1", "alice@x")).into_bytes();
    body.extend_from_slice(
        rec("a2", "b\u{1}ob@x")
            .replace("\\u0001", "\u{ff}")
            .as_bytes(),
    );
    let bad_at = body.iter().position(|&b| b == 0xc3).unwrap();
    body[bad_at] = 0xff; // 0xff 0xbf: not UTF-8
    body.push(b'\n');
    body.extend_from_slice(format!("{}\n", rec("a3", "carol@x")).as_bytes());
    let p = write(dir.path(), "badutf.jsonl", &body);
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.names(),
        names(&["alice@x", "b\u{fffd}\u{fffd}ob@x", "carol@x"])
    );
    r.stderr_has(&format!(
        "{}:2: 2 invalid UTF-8 byte sequences replaced by U+FFFD",
        p.display()
    ));
    assert_summary(
        &r,
        &p,
        "JSON lines",
        "3 records, 3 STS events, 0 skipped, 1 read with invalid characters or too-deep JSON replaced by U+FFFD",
    );

    // A JSON document element: the same (read, not skipped).
    let mut doc = format!("[\n{},\n", rec("d1", "alice@x")).into_bytes();
    // 0x81: not UTF-8, and no letter in Windows-1252 either (a lone letter-like byte after a
    // letter, in an all-ASCII file, is read as Windows-1252 instead).
    doc.extend_from_slice(b"{\"Operation\":\"x\x81\"},\n");
    doc.extend_from_slice(format!("{}\n]\n", rec("d3", "carol@x")).as_bytes());
    let p = write(dir.path(), "badutf.json", &doc);
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "carol@x"]));
    r.stderr_has(&format!(
        "{}:3: 1 invalid UTF-8 byte sequence replaced by U+FFFD",
        p.display()
    ));
    assert_summary(
        &r,
        &p,
        "JSON document",
        "3 records, 2 STS events, 0 skipped, 1 read with invalid characters or too-deep JSON replaced by U+FFFD",
    );

    // CSV: the cell is read with the bad bytes replaced (U+FFFD); the row is kept.
    let mut csv = format!("{PURVIEW_HEADER}\n{}\n", purview_row("c1", "alice@x")).into_bytes();
    csv.extend_from_slice(
        purview_row("c2", "b\u{fffd}b@x")
            .replace('\u{fffd}', "\u{1}")
            .as_bytes(),
    );
    // Bytes that are neither UTF-8 nor letters in Windows-1252 (which an all-ASCII file
    // with letters there would be read as).
    let bad_at = csv.iter().rposition(|&b| b == 1).unwrap();
    csv[bad_at] = 0x81;
    let bad_at = csv.iter().rposition(|&b| b == 1).unwrap();
    csv[bad_at] = 0x90;
    csv.push(b'\n');
    let p = write(dir.path(), "badutf.csv", &csv);
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "b\u{fffd}b@x"]));
}

#[test]
fn csv_with_a_ragged_row() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{PURVIEW_HEADER}\n{}\n2020-12-15T11:05:00,bob@x,extra,{STS_OP},{}\n{}\nshort,row\n",
        purview_row("c1", "alice@x"),
        q(&rec("c2", "bob@x")),
        purview_row("c3", "carol@x")
    );
    let p = write(dir.path(), "ragged.csv", body.as_bytes());
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "carol@x"]));
    r.stderr_has(&format!(
        "{}:3: CSV row has 5 fields where the header has 4; skipped",
        p.display()
    ));
    r.stderr_has(&format!(
        "{}:5: CSV row has 2 fields where the header has 4; skipped",
        p.display()
    ));
    assert_summary(
        &r,
        &p,
        "CSV (Unified Audit Log)",
        "4 records, 2 STS events, 2 skipped",
    );
}

#[test]
fn utf8_bom_and_crlf_in_every_shape() {
    let dir = tempfile::tempdir().unwrap();
    let bom = "\u{feff}";
    let jsonl = format!(
        "{bom}{}\r\n{}\r\n",
        rec("a1", "alice@x"),
        rec("a2", "bob@x")
    );
    let doc = format!(
        "{bom}[\r\n{},\r\n{}\r\n]\r\n",
        rec("a1", "alice@x"),
        rec("a2", "bob@x")
    );
    let envelope = format!(
        "{bom}{{\"value\":[\r\n{},\r\n{}\r\n]}}\r\n",
        rec("a1", "alice@x"),
        rec("a2", "bob@x")
    );
    let csv = format!(
        "{bom}{PURVIEW_HEADER}\r\n{}\r\n{}\r\n",
        purview_row("a1", "alice@x"),
        purview_row("a2", "bob@x")
    );
    let ps = format!(
        "{bom}#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord\r\n\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\"\r\n{}\r\n{}\r\n",
        purview_row("a1", "alice@x"),
        purview_row("a2", "bob@x")
    );
    for (name, body, format) in [
        ("bom.jsonl", jsonl, "JSON lines"),
        ("bom.json", doc, "JSON document"),
        ("envelope.json", envelope, "JSON document"),
        ("bom.csv", csv, "CSV"),
        ("ps.csv", ps, "CSV"),
    ] {
        // Plain and with CRLF only (no BOM).
        for (suffix, text) in [("", body.clone()), (".nobom", body.replace(bom, ""))] {
            let p = write(dir.path(), &format!("{name}{suffix}"), text.as_bytes());
            let r = run(&[], &[&p]);
            assert_eq!(r.code, 0, "{name}: {}", r.stderr);
            assert_eq!(r.names(), names(&["alice@x", "bob@x"]), "{name}");
            assert_summary(&r, &p, format, "2 records, 2 STS events, 0 skipped");
            assert!(!r.stderr.contains("warning:"), "{name}: {}", r.stderr);
        }
    }
    // The PowerShell export's lines are numbered from the file's first line.
    let ps_bad = format!(
        "#TYPE x\r\n\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\"\r\n{}\r\na,b\r\n",
        purview_row("a1", "alice@x")
    );
    let p = write(dir.path(), "ps-bad.csv", ps_bad.as_bytes());
    let r = run(&[], &[&p]);
    r.stderr_has(&format!("{}:4: CSV row has 2 fields", p.display()));
}
