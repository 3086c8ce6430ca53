//! Every near miss is in the report, decided or not (breaker 12 #3): an attacker who puts
//! the word DirectorySync in their own text (a UPN, a User-Agent) makes their event a near
//! miss, and the hand-over report must show it, with the field that held the word.

use super::*;

const DIRSYNC: &str = "tests/fixtures/dirsync-text.jsonl";

fn report_of(format: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("sts-nm-{}-{format}", std::process::id()));
    let journal = dir.join("none.j.jsonl");
    let out = run(&[
        "report",
        DIRSYNC,
        "--format",
        format,
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    (stdout(&out), stderr(&out))
}

#[test]
fn unreviewed_near_misses_are_listed_with_the_field_that_held_the_word() {
    let (md, err) = report_of("md");
    // The warning counts the near misses, in the report and on standard error.
    let warning = "1 of 1 flagged rows and 3 of 3 near misses are still unreviewed";
    assert!(md.contains(warning), "{md}");
    assert!(err.contains(warning), "{err}");
    assert!(md.contains("## Near misses not reviewed (3)"), "{md}");
    let line = |who: &str| {
        md.lines()
            .find(|l| l.starts_with("| 2025") && l.contains(who))
            .unwrap_or_else(|| panic!("no near-miss line of {who}:\n{md}"))
            .to_owned()
    };
    let ua = line("evil@contoso.onmicrosoft.com");
    assert!(
        ua.contains("only in actor text: ExtendedProperties[0].Value (\"additionalDetails\")"),
        "{ua}"
    );
    assert!(line("directorysync.svc@").contains("only in actor text: UserId"));
    // The sync's own property is the query's intended exclusion: counted, not listed (the
    // report's memory stays bounded by its rows), and said.
    assert!(!md.contains("Sync_DC01_"), "{md}");
    assert!(
        md.contains("1 more near miss is counted, not listed"),
        "{md}"
    );
}

#[test]
fn the_json_and_csv_reports_list_unreviewed_near_misses_too() {
    let (json, _) = report_of("json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let near = v["near_misses"].as_array().unwrap();
    assert_eq!(near.len(), 2, "{json}");
    let evil = near
        .iter()
        .find(|n| n["actor"] == "evil@contoso.onmicrosoft.com")
        .unwrap();
    assert_eq!(evil["verdict"], "unreviewed");
    assert!(
        evil["detail"]
            .as_str()
            .unwrap()
            .contains("only in actor text: ExtendedProperties[0].Value")
    );
    assert!(
        v["warning"]
            .as_str()
            .unwrap()
            .contains("3 of 3 near misses")
    );

    let (csv, _) = report_of("csv");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let col = CSV_COLUMNS.iter().position(|c| *c == "near_miss").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    let evil = rows
        .iter()
        .find(|r| &r[9] == "evil@contoso.onmicrosoft.com")
        .unwrap();
    assert_eq!(&evil[0], "unreviewed");
    assert!(
        evil[col].contains("only in actor text: ExtendedProperties[0].Value"),
        "{csv}"
    );
    assert!(
        rows.iter().filter(|r| r[col].is_empty()).count() == 1,
        "{csv}"
    );
    assert!(!csv.contains("Sync_DC01_"), "{csv}");
}
