//! A CSV header that names a record column twice (breaker 12 #4): `…,AuditData,AuditData`
//! with a benign record in the first copy and an STS event in the second. The reader keeps
//! one copy; the other's record was dropped with `0 skipped` and `--strict` exiting 0. Now
//! the file, the line and the columns are said, the copy not read is a skipped record, and
//! `--strict` exits 2.

use super::*;

#[test]
fn a_column_named_twice_is_said_and_the_copy_not_read_counted() {
    let dir = tempfile::tempdir().unwrap();
    let header = "CreationDate,UserIds,Operations,AuditData,AuditData";
    let benign = format!(
        "2020-12-15T11:05:00,u1@x,UserLoggedIn,{},{}",
        q(&other_rec(1)),
        q(&rec("e1", "evil@contoso.com"))
    );
    let same = format!(
        "2020-12-15T11:05:00,admin@contoso.com,{STS_OP},{},{}",
        q(&rec("a1", "admin@contoso.com")),
        q(&rec("a1", "admin@contoso.com"))
    );
    let csv = format!("{header}\n{same}\n{benign}\n");
    let path = write(dir.path(), "dup.csv", csv.as_bytes());
    let r = run(&[], &[&path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), ["admin@contoso.com"]);
    r.stderr_has(
        "dup.csv: the header names the column AuditData twice (columns 4 and 5): column 4 is read",
    );
    // Line 2's copies are the same record: nothing to say. Line 3's differ.
    r.stderr_has(
        "dup.csv:3: the column AuditData appears twice (columns 4 and 5) with different values: \
         column 5 was not read and it names the STS refresh-token operation",
    );
    assert!(!r.stderr.contains("dup.csv:2:"), "{}", r.stderr);
    // Two rows, and the copy not read: a record, skipped.
    r.stderr_has("3 records, 1 STS event, 1 skipped");
    let strict = run(&["--strict"], &[&path]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    strict.stderr_has("--strict: 1 malformed record(s); first: ");
    strict.stderr_has("dup.csv:3: the column AuditData appears twice");
}
