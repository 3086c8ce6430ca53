#![allow(clippy::panic, clippy::unwrap_used)]
//! A Defender portal CSV written in a day-first locale whose every Timestamp reads both
//! ways (days 1-12) and whose records carry no CreationTime to settle it: the file's other
//! dates written the same way (`dd/mm/yyyy`: the StsRefreshTokensValidFrom OldValue inside
//! RawEventData) settle day-first when one of them reads only day-first. Otherwise
//! (those dates read both ways too, or are written another way) month-first is kept, with
//! its warning.

use std::path::Path;

use serde_json::json;
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;

const HEADER: &str = "Timestamp,ActionType,Application,ApplicationId,AccountObjectId,AccountDisplayName,IPAddress,IsAnonymousProxy,ISP,City,CountryCode,UserAgent,ReportId,RawEventData";

/// One portal row; its RawEventData has no CreationTime.
fn row(timestamp: &str, action: &str, id: &str, old: &str, new: &str) -> String {
    let raw = json!({
        "Id": id,
        "Operation": action,
        "RecordType": 8,
        "Workload": "AzureActiveDirectory",
        "ClientIP": "203.0.113.24",
        "ObjectId": "victim.user@contoso.example",
        "UserId": "helpdesk.admin@contoso.example",
        "ModifiedProperties": [
            {"Name": "StsRefreshTokensValidFrom",
             "NewValue": format!("[\r\n  \"{new}\"\r\n]"),
             "OldValue": format!("[\r\n  \"{old}\"\r\n]")},
            {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}
        ],
        "Actor": [{"ID": "helpdesk.admin@contoso.example", "Type": 5}, {"ID": "User", "Type": 2}]
    })
    .to_string()
    .replace('"', "\"\"");
    format!(
        "\"{timestamp}\",{action},Microsoft 365,11161,aaaaaaaa-1111-4222-8333-444444444444,Helpdesk Admin,203.0.113.24,false,Contoso Networks,berlin,DE,Mozilla/5.0 (Windows NT 10.0; Win64; x64),104999001_11161_{id},\"{raw}\""
    )
}

/// The STS event's time and the warnings, of a file whose STS row moves the valid-from
/// time from `old` (written as the locale writes it).
fn read(dir: &Path, name: &str, old: &str) -> (String, Vec<String>) {
    let text = [
        HEADER.to_owned(),
        row(
            "01/03/2024, 10:00:07.000 am",
            "Update StsRefreshTokenValidFrom Timestamp.",
            "11111111-2222-4333-8444-555555555501",
            old,
            "01/03/2024 10:00:06",
        ),
        row(
            "02/03/2024, 09:30:11.000 am",
            "Update user.",
            "11111111-2222-4333-8444-555555555502",
            "",
            "",
        ),
    ]
    .join("\r\n")
        + "\r\n";
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let report = scan_paths(&[path], &ScanOptions::default()).unwrap();
    assert_eq!(report.events.len(), 1, "{:?}", report.problems);
    let time = report.events[0].time.unwrap().to_rfc3339();
    (
        time,
        report.problems.iter().map(|p| p.message.clone()).collect(),
    )
}

#[test]
fn other_dates_of_the_file_written_day_first_settle_an_ambiguous_column() {
    let dir = tempfile::tempdir().unwrap();
    // 20/11/2023: only day-first reads it.
    let (time, problems) = read(dir.path(), "dayfirst.csv", "20/11/2023 08:15:00");
    assert_eq!(time, "2024-03-01T10:00:07+00:00", "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("Timestamp: every date reads both ways") && p.contains("day-first")),
        "{problems:?}"
    );
    assert!(
        !problems.iter().any(|p| p.contains("read month-first")),
        "{problems:?}"
    );
}

#[test]
fn nothing_settles_it_month_first_with_the_warning() {
    let dir = tempfile::tempdir().unwrap();
    // 10/11/2023 reads both ways; 20.11.2023 is written another way than the column.
    for (name, old) in [
        ("both.csv", "10/11/2023 08:15:00"),
        ("other-form.csv", "20.11.2023 08:15:00"),
    ] {
        let (time, problems) = read(dir.path(), name, old);
        assert_eq!(time, "2024-01-03T10:00:07+00:00", "{name}: {problems:?}");
        assert!(
            problems.iter().any(|p| p.contains(
                "Timestamp: every date reads both day-first and month-first and no CreationTime settles it; read month-first"
            )),
            "{name}: {problems:?}"
        );
    }
}
