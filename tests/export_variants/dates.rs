//! Dates whose month is a word: .NET's long patterns ("F") of several cultures, RFC 1123,
//! Excel's `dd-mmm-yyyy`, and the ISO spellings with ` UTC` or an offset without its colon.

use super::check;

#[test]
fn long_dates_of_dotnet_cultures_are_read() {
    // Each was "is no date or time sts-triage reads": the rows had no time and an empty
    // tokenMinutesRemaining (0 and 52035 here).
    for file in [
        "portal-long-date.csv",
        "portal-long-date-en-us.csv",
        "portal-long-date-de-de.csv",
        "portal-long-date-fr-fr.csv",
    ] {
        let err = check(file);
        assert!(!err.contains("is no date or time"), "{file}: {err}");
    }
}

#[test]
fn named_months_and_iso_spellings_other_tools_write() {
    // These read already; kept so that the long-date reader, tried after them, changes none.
    for file in [
        "portal-long-date-en-gb.csv",
        "portal-rfc1123.csv",
        "portal-dd-mmm-yyyy.csv",
        "portal-utc-suffix.csv",
        "portal-iso-offset-nocolon.csv",
    ] {
        let err = check(file);
        assert!(!err.contains("is no date or time"), "{file}: {err}");
    }
}

#[test]
fn numeric_dates_of_more_cultures_are_read_and_their_order_settled() {
    // sk-SK '5. 11. 2024', hr-HR '5.11.2024.', fi-FI '16.42.19': "is no date or time"
    // (no time, tokenMinutesRemaining empty). it-IT's '05/11/2024 16.42.19' likewise. A
    // two-digit year '05/11/24 16:42' was read month-first with nothing said (-256320
    // minutes remaining for 0), although every record's CreationTime says day-first.
    for file in [
        "portal-sk-sk.csv",
        "portal-hr-hr.csv",
        "portal-fi-fi.csv",
        "portal-it-it-dotted-time.csv",
        "portal-two-digit-year.csv",
    ] {
        let err = check(file);
        assert!(!err.contains("is no date or time"), "{file}: {err}");
    }
    let err = check("portal-two-digit-year.csv");
    assert!(
        err.contains("Timestamp: every date reads both ways; the records' CreationTime shows they are day-first"),
        "{err}"
    );
}
