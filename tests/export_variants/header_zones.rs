//! A time column whose header names an offset from UTC (make_variants4.py): its times are
//! local ones, converted to UTC by the offset the records' CreationTime shows.

use super::check;

#[test]
fn a_header_naming_utc_plus_one_is_read_as_local_time() {
    // `TimeGenerated [UTC+01:00]` was taken for `[UTC]`: every time an hour late, with
    // nothing said (tokenMinutesRemaining 60 for 0, 52095 for 52035).
    let err = check("la-cloudappevents-utc-plus-one.csv");
    assert!(
        err.contains("TimeGenerated: times are local (UTC+01:00, against each record's CreationTime); converted to UTC"),
        "{err}"
    );
}
