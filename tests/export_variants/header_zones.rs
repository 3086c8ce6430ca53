//! A time column whose header names an offset from UTC (make_variants4.py): its times are
//! local ones, converted to UTC by the offset the records' CreationTime shows.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

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

/// `tests/formats/defender-portal-dayfirst.csv` with its time header written `header`, its
/// times `ahead` hours later (as local time east of UTC writes them), and its records'
/// CreationTime kept or left out; scanned: the rows' tokenMinutesRemaining, the near miss's
/// time, and what the scan said.
fn portal_with(header: &str, ahead: bool, creation: bool) -> (Vec<Value>, Option<Value>, String) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats/defender-portal-dayfirst.csv"),
    )
    .unwrap();
    let mut text = text.replacen("Timestamp,", &format!("{header},"), 1);
    if ahead {
        for (utc, local) in [
            ("10:00:07.000 am", "11:00:07.000 am"),
            ("9:30:11.000 am", "10:30:11.000 am"),
            ("2:45:00.000 pm", "3:45:00.000 pm"),
        ] {
            text = text.replace(&format!(", {utc}\""), &format!(", {local}\""));
        }
    }
    if !creation {
        for at in [
            "2024-03-01T10:00:07",
            "2024-03-02T09:30:11",
            "2024-03-13T14:45:00",
        ] {
            text = text.replace(&format!("\"\"CreationTime\"\":\"\"{at}\"\","), "");
        }
        assert!(!text.contains("CreationTime"));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("zoned.csv");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(super::BIN)
        .args(["scan", "--format", "jsonl", "--near-misses"])
        .arg(&file)
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let remaining = lines
        .iter()
        .filter(|v| v["kind"] != "near_miss")
        .map(|v| v["tokenMinutesRemaining"].clone())
        .collect();
    let near = lines
        .iter()
        .find(|v| v["kind"] == "near_miss")
        .map(|v| v["time"].clone());
    (remaining, near, String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_time_header_with_utc_in_parentheses_is_read_as_utc() {
    // `Timestamp (UTC)` (the README documents it) was no time column: every time null, and
    // nothing said.
    for header in ["Timestamp (UTC)", "TimeGenerated (UTC)"] {
        let (remaining, near, err) = portal_with(header, false, false);
        assert_eq!(remaining, [json!(0), json!(43770)], "{header}: {err}");
        assert_eq!(
            near,
            Some(json!("2024-03-13T14:45:00.0000000Z")),
            "{header}"
        );
    }
}

#[test]
fn the_offset_a_header_names_converts_times_where_no_creation_time_does() {
    // `[UTC+01:00]` with no CreationTime was read as UTC (remaining 43830 for 43770) and the
    // message spoke of a `[Local Time]` header.
    for header in [
        "Timestamp [UTC+01:00]",
        "Timestamp (UTC+01:00)",
        "Timestamp [UTC+1]",
        "Timestamp [UTC+0100]",
        "Timestamp [GMT+01:00]",
    ] {
        let (remaining, near, err) = portal_with(header, true, false);
        assert_eq!(remaining, [json!(0), json!(43770)], "{header}: {err}");
        assert_eq!(
            near,
            Some(json!("2024-03-13T14:45:00.0000000Z")),
            "{header}"
        );
        let mark = &header["Timestamp ".len()..];
        assert!(
            err.contains(&format!("Timestamp: times are local (UTC+01:00, as the header {mark} says; no CreationTime to check it against); converted to UTC")),
            "{header}: {err}"
        );
        assert!(!err.contains("Local Time"), "{err}");
    }
}

#[test]
fn a_header_offset_the_records_contradict_or_no_zone_has_is_said() {
    // UTC values under `[UTC+01:00]`: read by the CreationTime, and the disagreement said.
    let (remaining, _, err) = portal_with("Timestamp [UTC+01:00]", false, true);
    assert_eq!(remaining, [json!(0), json!(43770)], "{err}");
    assert!(
        err.contains("Timestamp: the header says UTC+01:00 ([UTC+01:00]), but against each record's CreationTime the times are UTC+00:00: read by the CreationTime's"),
        "{err}"
    );
    // `[UTC+99:00]` is no offset: said, and the times read as unmarked.
    let (remaining, _, err) = portal_with("Timestamp [UTC+99:00]", false, false);
    assert_eq!(remaining, [json!(0), json!(43770)], "{err}");
    assert!(
        err.contains(
            "Timestamp: the header names the zone \"[UTC+99:00]\", which is no UTC offset"
        ),
        "{err}"
    );
}
