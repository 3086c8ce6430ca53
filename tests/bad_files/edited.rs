//! Exports edited by hand or joined by a tool (breaker findings 4 and 10, session 11): an
//! envelope with a second records array, a Purview row whose Operation column disagrees
//! with its AuditData. Nothing in them is left out in silence.

use super::*;

#[test]
fn every_records_array_of_an_envelope_is_read() {
    // The first array was read and the second left out without a word (Python and jq keep
    // the last key, so an analyst checking with them saw the other record).
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (rec("e1", "first@x"), rec("e2", "second@x"));
    let cases = [
        (
            "dup-records.json",
            format!(r#"{{"records":[{a}],"records":[{b}]}}"#),
        ),
        (
            "dup-Results.json",
            format!(r#"{{"Schema":[],"Results":[{a}],"Results":[{b}]}}"#),
        ),
        (
            "value-and-records.json",
            format!(
                r#"{{"@odata.context":"x","value":[{a}],"@odata.nextLink":"y","records":[{b}]}}"#
            ),
        ),
        (
            "Results-and-results.json",
            format!(r#"{{"Results":[{a}],"results":[{b}]}}"#),
        ),
        // Graph pages collected in one array, each page with two arrays.
        (
            "pages.json",
            format!(r#"[{{"value":[{a}],"records":[{b}]}}]"#),
        ),
    ];
    for (name, text) in cases {
        let p = write(dir.path(), name, text.as_bytes());
        let r = run(&["--strict"], &[&p]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(
            r.names(),
            names(&["first@x", "second@x"]),
            "{name}: {}",
            r.stderr
        );
        assert!(
            summary_line(&r, &p).ends_with("2 records, 2 STS events, 0 skipped"),
            "{name}: {}",
            r.stderr
        );
    }
    // A Log Analytics response keeps its own keys (`error` beside the tables): tests/formats.rs.
}

#[test]
fn a_purview_row_whose_operation_column_disagrees_is_read_as_its_audit_data_says() {
    let dir = tempfile::tempdir().unwrap();
    let header = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData";
    let row = |id: &str, op: &str, user: &str| {
        format!(
            "{id},2020-12-15T11:05:00,8,{op},{user},{}",
            q(&rec(id, user))
        )
    };
    let text = format!(
        "{header}\n{}\n{}\n",
        row("r1", STS_OP, "agree@x"),
        row("r2", "UserLoggedIn", "edited@x"),
    );
    let p = write(dir.path(), "purview.csv", text.as_bytes());
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["agree@x", "edited@x"]), "{}", r.stderr);
    r.stderr_has(&format!(
        "{}:3: the row's Operation column (UserLoggedIn) disagrees with the record in its \
         AuditData ({STS_OP}): read as its AuditData says (the record the query reads)",
        p.display()
    ));
    assert!(summary_line(&r, &p).ends_with("2 records, 2 STS events, 0 skipped"));
}
