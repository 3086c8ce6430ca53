//! Gzip files: truncated, expanding past the decompressed-size limit or too many times per byte.

use super::*;

#[test]
fn truncated_gzip_keeps_what_was_before() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec![rec("a1", "alice@x"), rec("a2", "bob@x")];
    lines.extend((0..200).map(other_rec));
    lines.push(rec("a9", "zed@x"));
    let jsonl = lines.join("\n") + "\n";
    // Cut into the deflate data (the last records are lost, the first are kept).
    let p = write(
        dir.path(),
        "trunc.jsonl.gz",
        &truncated_gzip(jsonl.as_bytes(), 40),
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has("the gzip data is truncated or damaged");
    r.stderr_has("the records before were read");
    let warning = r
        .stderr
        .lines()
        .find(|l| l.contains("gzip data is truncated"))
        .unwrap();
    assert!(
        warning.starts_with(&format!("warning: {}:", p.display())),
        "{warning}"
    );
    // …with the line where the reading stopped.
    let line: u64 = warning
        .trim_start_matches(&format!("warning: {}:", p.display()))
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no line number in {warning}"));
    assert!((3..=203).contains(&line), "{warning}");
    assert!(summary_line(&r, &p).contains("gzip JSON lines"));
    assert_eq!(run(&["--strict"], &[&p]).code, 2);

    // Only the trailer missing: every record is there, the damage is still reported.
    let p = write(
        dir.path(),
        "notrailer.jsonl.gz",
        &truncated_gzip(jsonl.as_bytes(), 8),
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.names().contains(&"zed@x".to_owned()), "{}", r.stderr);

    // CSV and JSON document, gzip-compressed and cut.
    let mut csv = format!("{PURVIEW_HEADER}\n{}\n", purview_row("c1", "alice@x"));
    for i in 0..100 {
        csv.push_str(&format!(
            "2020-12-15T11:05:00,u@x,UserLoggedIn,{}\n",
            q(&other_rec(i))
        ));
    }
    csv.push_str(&purview_row("c9", "zed@x"));
    csv.push('\n');
    let p = write(
        dir.path(),
        "trunc.csv.gz",
        &truncated_gzip(csv.as_bytes(), 40),
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x"]));
    r.stderr_has(&format!("warning: {}:", p.display()));
    r.stderr_has("the gzip data is truncated or damaged");

    let doc = format!("[{}]", lines.join(",\n"));
    let p = write(
        dir.path(),
        "trunc.json.gz",
        &truncated_gzip(doc.as_bytes(), 40),
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has("the gzip data is truncated or damaged");

    // A one-line (minified) document cut before its first newline.
    let doc = format!("{{\"value\":[{}]}}", lines.join(","));
    let p = write(
        dir.path(),
        "minified.json.gz",
        &truncated_gzip(doc.as_bytes(), 40),
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));

    // Cut inside the first record: nothing readable, exit 2 with the cause.
    let p = write(
        dir.path(),
        "first.jsonl.gz",
        &truncated_gzip(rec("a", "b").as_bytes(), 30),
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "sts-triage: {}: line 1: the gzip data is truncated or damaged",
        p.display()
    ));

    // Cut inside the gzip header: nothing readable, exit 2.
    let p = write(dir.path(), "header.gz", &gzip(jsonl.as_bytes())[..6]);
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!("sts-triage: {}: ", p.display()));
}

#[test]
fn gzip_expanding_past_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // ~2.4 MB of JSON lines in ~20 KB of gzip: two STS rows at the start, one at the end.
    let mut lines = vec![rec("a1", "alice@x"), rec("a2", "bob@x")];
    lines.extend((0..25_000).map(other_rec));
    lines.push(rec("a9", "zed@x"));
    let jsonl = lines.join("\n") + "\n";
    let gz = gzip(jsonl.as_bytes());
    assert!(
        gz.len() < 1 << 20 && jsonl.len() > 2 << 20,
        "{} {}",
        gz.len(),
        jsonl.len()
    );
    let p = write(dir.path(), "bomb.jsonl.gz", &gz);
    let r = run(&["--max-decompressed-mib", "1"], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has("the gzip content expands past the 1048576 byte limit (--max-decompressed-mib)");
    r.stderr_has(&format!("warning: {}:", p.display()));
    r.stderr_has("stopped reading");
    assert_eq!(
        run(&["--max-decompressed-mib", "1", "--strict"], &[&p]).code,
        2
    );
    // Under the default limit the whole file is read.
    let r = run(&[], &[&p]);
    assert_eq!(r.names(), names(&["alice@x", "bob@x", "zed@x"]));

    // A JSON document, through the library with a small limit.
    let doc = format!("[{}]", lines.join(",\n"));
    let p = write(dir.path(), "bomb.json.gz", &gzip(doc.as_bytes()));
    let opts = ScanOptions {
        max_decompressed_bytes: 512 << 10,
        ..ScanOptions::default()
    };
    let report = scan_paths(std::slice::from_ref(&p), &opts).unwrap();
    assert_eq!(report.findings.len(), 2);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message.contains("expands past the 524288 byte limit")),
        "{:?}",
        report.problems
    );
    // The default is 256 GiB.
    assert_eq!(ScanOptions::default().max_decompressed_bytes, 256 << 30);
}

#[test]
fn gzip_expanding_too_many_times_per_byte() {
    let dir = tempfile::tempdir().unwrap();
    // Two STS rows, a line of 16 MiB of `x` (gzip holds it in about 16 KB: a thousand
    // times), then a third row.
    let before = format!("{}\n{}\n", rec("a1", "alice@x"), rec("a2", "bob@x"));
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(before.as_bytes()).unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..16 {
        gz.write_all(&block).unwrap();
    }
    gz.write_all(format!("\n{}\n", rec("a9", "zed@x")).as_bytes())
        .unwrap();
    let p = write(dir.path(), "bomb.jsonl.gz", &gz.finish().unwrap());
    // Past the record limit (1 MiB), more than 500 bytes out per byte in: reading stops,
    // the rows before are kept, and the warning names the file, how much was read and the
    // option.
    let r = run(&["--max-record-mib", "1"], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has(&format!("warning: {}:", p.display()));
    r.stderr_has("stopped reading");
    r.stderr_has("the gzip content expands more than 500 times");
    r.stderr_has("(--max-gzip-ratio)");
    // Without that limit the whole file is read: the long line is skipped, the last row read.
    let r = run(&["--max-record-mib", "1", "--max-gzip-ratio", "0"], &[&p]);
    assert_eq!(r.names(), names(&["alice@x", "bob@x", "zed@x"]));
    r.stderr_has("line longer than the 1048576 byte record limit");
}
