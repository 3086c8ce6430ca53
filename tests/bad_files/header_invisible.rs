//! A CSV header whose AuditData column name holds an invisible character (breaker 12 #9:
//! `AuditData\u{200b}`, also a byte order mark inside the line, a no-break space): the column
//! was not recognised, so each STS record of the export became a near miss "no
//! ModifiedProperties". Now the column is read as AuditData and the file says the header as
//! written, escaped.

use super::*;

#[test]
fn an_audit_data_header_with_an_invisible_character_is_read_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("zwsp.csv", "AuditData\u{200b}", "AuditData\\u{200b}"),
        ("bom.csv", "\u{feff}AuditData", "\\u{feff}AuditData"),
        ("nbsp.csv", "\u{a0}AuditData\u{a0}", "\\xa0AuditData\\xa0"),
    ];
    for (name, column, escaped) in cases {
        let row = format!(
            "2020-12-15T11:05:00,evil@contoso.com,{STS_OP},{}",
            q(&rec("e1", "evil@contoso.com"))
        );
        let csv = format!("CreationDate,UserIds,Operations,{column}\r\n{row}\r\n");
        let path = write(dir.path(), name, csv.as_bytes());
        let r = run(&["--near-misses"], &[&path]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        // The row, not a near miss "no ModifiedProperties".
        assert_eq!(r.names(), ["evil@contoso.com"], "{name}: {}", r.stdout);
        assert!(!r.stdout.contains("near_miss"), "{name}: {}", r.stdout);
        r.stderr_has(&format!(
            "{name}: header: column 4 is written \"{escaped}\", with invisible characters or \
             look-alike spaces: read as the column \"AuditData\""
        ));
    }
}
