//! Records cut off: the last JSON line cut, a JSON array or a value envelope cut in the middle.

use super::*;

#[test]
fn truncated_json_lines_last_line_cut() {
    let dir = tempfile::tempdir().unwrap();
    let cut = &rec("a3", "carol@x")[..150];
    let body = format!("{}\n{}\n{cut}", rec("a1", "alice@x"), rec("a2", "bob@x"));
    let p = write(dir.path(), "trunc.jsonl", body.as_bytes());
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has(&format!("{}:3: truncated or invalid JSON", p.display()));
    assert_summary(&r, &p, "JSON lines", "3 records, 2 STS events, 1 skipped");
    r.stderr_has("records skipped: 1");

    let strict = run(&["--strict"], &[&p]);
    assert_eq!(strict.code, 2);
    strict.stderr_has("--strict: 1 malformed record(s); first: ");
    strict.stderr_has(&format!("{}:3:", p.display()));
    assert!(strict.stdout.is_empty());
}

#[test]
fn json_array_cut_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let full = format!(
        "[\n{},\n{},\n{}\n]\n",
        rec("j1", "alice@x"),
        rec("j2", "bob@x"),
        rec("j3", "carol@x")
    );
    // Cut inside the third element, and just after the second element's comma.
    let inside = full.find("\"j3\"").unwrap();
    let after_comma = full
        .find(",\n{\"CreationTime\":\"2020-12-15T11:05:00\",\"Id\":\"j3\"")
        .unwrap()
        + 2;
    for (name, cut, needle) in [
        (
            "cut-inside.json",
            inside,
            "4: not valid JSON: EOF while parsing",
        ),
        (
            "cut-after-comma.json",
            after_comma,
            "4: the JSON array is not closed",
        ),
    ] {
        let p = write(dir.path(), name, &full.as_bytes()[..cut]);
        let r = run(&[], &[&p]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.names(), names(&["alice@x", "bob@x"]), "{name}");
        r.stderr_has(&format!("{}:{needle}", p.display()));
        r.stderr_has("the JSON array is not closed: the file looks truncated");
    }
    // Cut right after a whole element: the array is not closed.
    let after_second = full
        .find(",\n{\"CreationTime\":\"2020-12-15T11:05:00\",\"Id\":\"j3\"")
        .unwrap();
    let p = write(
        dir.path(),
        "unclosed.json",
        &full.as_bytes()[..after_second],
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has("the JSON array is not closed: the file looks truncated");
}

#[test]
fn value_envelope_cut_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let full = format!(
        "{{\"@odata.context\":\"https://graph/x\",\"value\":[\n{},\n{},\n{}\n]}}\n",
        rec("j1", "alice@x"),
        rec("j2", "bob@x"),
        rec("j3", "carol@x")
    );
    let cut = full.find("\"j3\"").unwrap() + 10;
    let p = write(dir.path(), "envelope.json", &full.as_bytes()[..cut]);
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has(&format!(
        "{}:1: the JSON document is damaged (EOF while parsing",
        p.display()
    ));
    r.stderr_has("reading the records before the damage");
    r.stderr_has(&format!("{}:4: not valid JSON", p.display()));
    assert_summary(
        &r,
        &p,
        "JSON document",
        "3 records, 2 STS events, 1 skipped",
    );

    // The same on one line (no newlines at all), as Graph writes it.
    let one_line = full.replace('\n', "");
    let cut = one_line.find("\"j3\"").unwrap() + 10;
    let p = write(
        dir.path(),
        "envelope-1line.json",
        &one_line.as_bytes()[..cut],
    );
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x", "bob@x"]));
    r.stderr_has(&format!("{}:1: the JSON document is damaged", p.display()));
}
