//! Records over the record limit (`--max-record-mib`), by path and through standard input.

use super::*;

#[test]
fn a_line_over_the_record_limit() {
    // The "100 MB single line", scaled down: --max-record-mib 1 with a 3 MB line
    // (over the limit inside one 4 MiB read block) and a 6 MB line (longer than a block:
    // the streaming skip).
    let dir = tempfile::tempdir().unwrap();
    for (size, name) in [(3_000_000usize, "long3.jsonl"), (6_000_000, "long6.jsonl")] {
        let long = format!("{{\"Operation\":\"{}\"}}", "a".repeat(size));
        let body = format!(
            "{}\n{long}\n{}\n{}\n",
            rec("a1", "alice@x"),
            rec("a3", "carol@x"),
            other_rec(4)
        );
        let p = write(dir.path(), name, body.as_bytes());
        let r = run(&["--max-record-mib", "1"], &[&p]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.names(), names(&["alice@x", "carol@x"]), "{name}");
        r.stderr_has(&format!("{}:2: ", p.display()));
        r.stderr_has("1048576 byte");
        assert_summary(&r, &p, "JSON lines", "4 records, 2 STS events, 1 skipped");
        // Without the low limit the line is read (it is valid JSON of no STS event).
        let r = run(&[], &[&p]);
        assert_eq!(r.code, 0);
        assert_summary(&r, &p, "JSON lines", "4 records, 2 STS events, 0 skipped");
    }

    // The same in a CSV cell.
    let big = format!("{{\"Operation\":\"{}\"}}", "b".repeat(3_000_000));
    let body = format!(
        "{PURVIEW_HEADER}\n{}\n2020-12-15T11:05:00,x@x,{STS_OP},{}\n{}\n",
        purview_row("c1", "alice@x"),
        q(&big),
        purview_row("c3", "carol@x")
    );
    let p = write(dir.path(), "long.csv", body.as_bytes());
    let r = run(&["--max-record-mib", "1"], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "carol@x"]));
    r.stderr_has(&format!(
        "{}:3: CSV row over the record size limit",
        p.display()
    ));

    // And as an element of a JSON document.
    let body = format!(
        "[{},\n{big},\n{}]",
        rec("d1", "alice@x"),
        rec("d3", "carol@x")
    );
    let p = write(dir.path(), "long.json", body.as_bytes());
    let r = run(&["--max-record-mib", "1"], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "carol@x"]));
    r.stderr_has(&format!(
        "{}:2: record over the 1048576 byte limit; skipped",
        p.display()
    ));
}

/// `rec`, padded to exactly `len` bytes.
fn rec_of_len(id: &str, user: &str, len: usize) -> String {
    let r = rec(id, user);
    let pad = len - r.len() - ",\"Pad\":\"\"".len();
    let out = format!("{},\"Pad\":\"{}\"}}", &r[..r.len() - 1], "p".repeat(pad));
    assert_eq!(out.len(), len);
    out
}

#[test]
fn lines_at_the_record_limit_read_alike_by_path_and_through_standard_input() {
    // With --max-record-mib 1: a CRLF line of exactly the limit across the 2 MiB block
    // boundary (read: the `\r` is no part of the record), one byte over it across the 4 MiB
    // boundary (skipped) and one over it inside a block (skipped). By path the file is read
    // in blocks at fixed places, through standard input where each read ends: the same rows
    // and the same warnings, with the same lines.
    const MIB: usize = 1 << 20;
    let mut body = format!("{}\r\n", rec("a1", "alice@x"));
    let mut lines = 1;
    let fill_to = |body: &mut String, lines: &mut usize, at: usize| {
        let mut i = 0;
        while body.len() + 120 < at {
            body.push_str(&other_rec(i));
            body.push_str("\r\n");
            i += 1;
            *lines += 1;
        }
    };
    fill_to(&mut body, &mut lines, 2 * MIB - MIB / 3);
    body.push_str(&rec_of_len("b1", "bob@x", MIB));
    body.push_str("\r\n");
    lines += 1;
    assert!(body.len() > 2 * MIB);
    fill_to(&mut body, &mut lines, 4 * MIB - MIB / 3);
    body.push_str(&rec_of_len("c1", "carol@x", MIB + 1));
    body.push_str("\r\n");
    lines += 1;
    let over_at_4 = lines;
    assert!(body.len() > 4 * MIB);
    body.push_str(&rec_of_len("e1", "erin@x", MIB + MIB / 5));
    body.push('\n');
    lines += 1;
    let over_inside = lines;
    assert!(body.len() < 6 * MIB);
    body.push_str(&format!("{}\r\n", rec("d1", "dave@x")));
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "limit.jsonl", body.as_bytes());

    let by_path = run(&["--max-record-mib", "1"], &[&p]);
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["scan", "--format", "jsonl", "--max-record-mib", "1", "-"])
        .stdin(std::fs::File::open(&p).unwrap())
        .output()
        .unwrap();
    let by_stdin = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    for r in [&by_path, &by_stdin] {
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            r.names(),
            names(&["alice@x", "bob@x", "dave@x"]),
            "{}",
            r.stderr
        );
    }
    let warnings = |r: &Run, file: &str| -> Vec<String> {
        r.stderr
            .lines()
            .filter(|l| l.contains("record limit"))
            .map(|l| l.replace(file, "FILE"))
            .collect()
    };
    let path_warnings = warnings(&by_path, &p.display().to_string());
    assert_eq!(
        path_warnings,
        [over_at_4, over_inside]
            .map(|n| format!(
                "warning: FILE:{n}: line longer than the 1048576 byte record limit; skipped; \
                 it holds the STS operation name (StsRefreshTokenValidFrom)"
            ))
            .to_vec(),
        "{}",
        by_path.stderr
    );
    assert_eq!(
        warnings(&by_stdin, "(stdin)"),
        path_warnings,
        "{}",
        by_stdin.stderr
    );
}
