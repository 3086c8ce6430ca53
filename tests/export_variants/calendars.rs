//! Time columns in another calendar or as Excel's numbers (make_variants3.py): read as the
//! dates they are, and said once per column.

use super::check;

#[test]
fn thai_buddhist_years_are_read_as_the_gregorian_year_and_said() {
    // th-TH's 5/11/2567 16:42:19: it was read as the year 2567 (tokenMinutesRemaining
    // 285333120 for 0), with nothing said but "no CreationTime settles it".
    let err = check("portal-th-th.csv");
    assert!(
        err.contains("Timestamp: years of the Thai Buddhist era (line 3: \"5/11/2567 16:42:19\"; the th-TH culture's calendar) read as the Gregorian year 543 earlier (4 values)"),
        "{err}"
    );
    assert!(
        err.contains("Timestamp: every date reads both ways; the records' CreationTime shows they are day-first"),
        "{err}"
    );
}

#[test]
fn excel_serial_dates_are_read_and_their_precision_said() {
    // 45601.6961: it was "no date or time sts-triage reads", the flagged rows without
    // tokenMinutesRemaining.
    let err = check("portal-excel-serial.csv");
    assert!(
        err.contains("Timestamp: Excel serial dates (line 3: \"45601.6961\"; days since 1899-12-30, Excel's 1900 date system) read as times (4 values): written to ±4.3 s, 4 took the second from their record's CreationTime"),
        "{err}"
    );
    assert!(!err.contains("is no date or time"), "{err}");
}

#[test]
fn excel_serial_dates_of_the_1904_system_are_told_by_the_creation_time_and_said() {
    // 44139.6961, Excel for Mac's 1904 date system: read as the 1900 system's it is
    // 2020-11-04, four years and a day early (tokenMinutesRemaining of millions of minutes
    // for 0). The records' CreationTime tells the system; the rows are the 1900 file's.
    let err = check("portal-excel-serial-1904.csv");
    assert!(
        err.contains("Timestamp: Excel serial dates of the 1904 date system (line 3: \"44139.6961\"; days since 1904-01-01"),
        "{err}"
    );
    assert!(
        err.contains("(4 of 4 values, 2024-11-05 16:42:19 to 2024-11-08 01:02:03 UTC)"),
        "{err}"
    );
}

#[test]
fn offsets_of_quarter_hours_either_side_of_utc() {
    check("ah-offsets-quarter-hours.jsonl");
}
