//! The local zone's name and conversion from one rule, whatever the machine's zone: zone
//! files are made here (a TZif file with no transitions and the zone's POSIX rule as its
//! footer, as RFC 8536 allows), never read from the machine.

use super::*;

/// A TZif (version 2) file whose only rule is the POSIX `footer`, named `abbr` before it.
pub(crate) fn tzif(abbr: &str, offset: i32, footer: &str) -> Vec<u8> {
    let header = |out: &mut Vec<u8>| {
        out.extend_from_slice(b"TZif2");
        out.extend_from_slice(&[0; 15]);
        // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
        for n in [0u32, 0, 0, 0, 1, abbr.len() as u32 + 1] {
            out.extend_from_slice(&n.to_be_bytes());
        }
    };
    let data = |out: &mut Vec<u8>| {
        out.extend_from_slice(&offset.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(abbr.as_bytes());
        out.push(0);
    };
    let mut out = Vec::new();
    header(&mut out);
    data(&mut out);
    header(&mut out);
    data(&mut out);
    out.extend_from_slice(format!("\n{footer}\n").as_bytes());
    out
}

pub(crate) const BERLIN: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// A machine whose time zone database holds Europe/Berlin and Etc/UTC only.
pub(crate) fn files(path: &str) -> Option<Vec<u8>> {
    match path {
        "/usr/share/zoneinfo/Europe/Berlin" => Some(tzif("CET", 3600, BERLIN)),
        "/usr/share/zoneinfo/Etc/UTC" | "/etc/localtime" => Some(tzif("UTC", 0, "UTC0")),
        _ => None,
    }
}

fn ticks(rfc3339: &str) -> i64 {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).expect("rfc3339");
    crate::kql::ticks(&t.with_timezone(&chrono::Utc))
}

fn zone(tz: Option<&str>) -> LocalZone {
    LocalZone::resolve(tz, None, Some("/usr/share/zoneinfo/Etc/UTC"), &files)
}

#[test]
fn the_name_is_that_of_the_rule_that_converts() {
    // breaker14 #2: the event at 2025-10-26T02:30Z under each TZ.
    let at = ticks("2025-10-26T02:30:00Z");
    let cases = [
        (
            Some("Europe/Berlin"),
            "Europe/Berlin",
            "2025-10-26 03:30:00",
        ),
        (
            Some(":Europe/Berlin"),
            "Europe/Berlin",
            "2025-10-26 03:30:00",
        ),
        // No file EST5EDT here: the POSIX rule, named by its text.
        (Some("EST5EDT"), "EST5EDT", "2025-10-25 22:30:00"),
        // POSIX offsets are west of UTC: UTC+2 is two hours behind.
        (Some("UTC+2"), "UTC-02:00", "2025-10-26 00:30:00"),
        (Some("XYZ-3"), "UTC+03:00", "2025-10-26 05:30:00"),
        (Some(""), "UTC", "2025-10-26 02:30:00"),
        (None, "Etc/UTC", "2025-10-26 02:30:00"),
    ];
    for (tz, label, shown) in cases {
        let z = zone(tz);
        assert_eq!(z.label(), label, "{tz:?}");
        assert_eq!(z.text(at), shown, "{tz:?}");
        assert_eq!(z.notice(), None, "{tz:?}");
    }
}

#[test]
fn a_tz_that_names_no_zone_is_said_and_times_are_utc() {
    for tz in ["Europe/Nowhere", ":EST5EDT", "1+2"] {
        let z = zone(Some(tz));
        assert_eq!(z.label(), "UTC", "{tz}");
        assert_eq!(
            z.notice(),
            Some(format!("TZ={tz} is not a known zone: times shown in UTC").as_str())
        );
        assert_eq!(z.text(ticks("2025-10-26T02:30:00Z")), "2025-10-26 02:30:00");
    }
    // A control character in TZ never reaches the screen as one.
    let z = zone(Some("Bad\u{1b}[2J"));
    assert!(!z.notice().unwrap_or_default().contains('\u{1b}'));
}

#[test]
fn a_localtime_file_without_a_named_link_is_named_by_its_offsets() {
    let berlin = |path: &str| (path == "/etc/localtime").then(|| tzif("CET", 3600, BERLIN));
    let z = LocalZone::resolve(None, None, None, &berlin);
    assert_eq!(z.label(), "UTC+01:00/+02:00");
    assert_eq!(z.text(ticks("2025-07-01T12:00:00Z")), "2025-07-01 14:00:00");
    let none = LocalZone::resolve(None, None, None, &|_| None);
    assert_eq!(none.label(), "UTC");
}

#[test]
fn a_repeated_local_time_shows_its_offset_and_a_skipped_one_reads_nowhere() {
    let z = zone(Some("Europe/Berlin"));
    // Autumn: 02:00-02:59 is read twice, first at +02 then at +01.
    assert_eq!(
        z.text(ticks("2025-10-26T00:30:00Z")),
        "2025-10-26 02:30:00+02"
    );
    assert_eq!(
        z.text(ticks("2025-10-26T01:30:00Z")),
        "2025-10-26 02:30:00+01"
    );
    assert_eq!(z.text(ticks("2025-10-25T23:59:59Z")), "2025-10-26 01:59:59");
    assert_eq!(z.text(ticks("2025-10-26T02:00:00Z")), "2025-10-26 03:00:00");
    assert_eq!(
        z.readings(ticks("2025-10-26T02:30:00Z")),
        Readings::Twice(ticks("2025-10-26T00:30:00Z"), ticks("2025-10-26T01:30:00Z"))
    );
    assert_eq!(
        z.readings(ticks("2025-10-26T03:00:00Z")),
        Readings::Once(ticks("2025-10-26T02:00:00Z"))
    );
    // Spring: 02:00-02:59 is never read.
    assert_eq!(z.readings(ticks("2025-03-30T02:30:00Z")), Readings::Skipped);
    assert_eq!(
        z.readings(ticks("2025-03-30T03:00:00Z")),
        Readings::Once(ticks("2025-03-30T01:00:00Z"))
    );
    assert_eq!(z.text(ticks("2025-03-30T01:00:00Z")), "2025-03-30 03:00:00");
}
