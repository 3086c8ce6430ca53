//! Times whose seconds' fraction follows a comma (make_variants4.py): ISO 8601's own decimal
//! sign, and the fraction as Excel and the browsers of de-DE, fr-FR and other cultures whose
//! decimal sign is a comma write it.

use super::check;

#[test]
fn a_comma_before_the_seconds_fraction_is_read_as_the_decimal_sign() {
    // `2024-11-05T16:42:19,123Z` and Excel de-DE's `05.11.2024 16:42:19,000` were "no date
    // or time sts-triage reads": the flagged rows had an empty tokenMinutesRemaining (0 and
    // 52035 here).
    for file in [
        "portal-iso-comma-fraction.csv",
        "portal-excel-de-milliseconds.csv",
    ] {
        let err = check(file);
        assert!(!err.contains("is no date or time"), "{file}: {err}");
    }
}

#[test]
fn dates_nothing_else_settles_are_read_day_first_when_the_fraction_follows_a_comma() {
    // Sentinel AuditLogs from a fr-FR browser, `05/11/2024 16:42:19,123`: no CreationTime,
    // every day 12 or less. It was unreadable; read month-first it would be 11 May, and the
    // remaining minutes some 256,000 below zero for 0.
    let err = check("sentinel-auditlogs-fr-fr.csv");
    assert!(
        err.contains("TimeGenerated: every date reads both ways; their seconds' fractions follow a comma (hh:mm:ss,fff), as only cultures that write dates day-first write them: the whole column is read day-first"),
        "{err}"
    );
    assert!(!err.contains("read month-first"), "{err}");
}
