//! The load's notices (what it assumed: day-first dates, Excel's 1900 date system, an
//! encoding) are in the report, not only on the terminal of the load: Markdown's header
//! counts them and `## Load notices` names each file and what was assumed; JSON's `notices`
//! holds the same; the workbench's `Y` copy is the same bytes as `report`.

use super::*;

const DAY_FIRST: &str = "tests/formats/defender-portal-dayfirst.csv";
const SERIAL_1900: &str = "tests/formats/variants/portal-excel-serial.csv";
const MAC_ROMAN: &str = "tests/formats/variants/portal-excel-mac-roman.csv";

fn report_of(format: &str) -> String {
    let out = run(&[
        "report",
        DAY_FIRST,
        SERIAL_1900,
        MAC_ROMAN,
        "--journal",
        JOURNAL,
        "--format",
        format,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn markdown_lists_what_the_load_assumed_for_each_file() {
    let md = report_of("md");
    assert!(
        md.contains("\n- Load notices: 5 (what the load assumed"),
        "the header counts the notices:\n{md}"
    );
    let section = md
        .split("\n## Load notices (5)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no Load notices section:\n{md}"));
    let items: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("- "))
        .take_while(|l| !l.starts_with("## "))
        .collect();
    assert_eq!(items.len(), 5, "{section}");
    // In the order of the files read, each with the file and what was assumed.
    assert!(
        items[0].starts_with(&format!("- `{DAY_FIRST}`: `Timestamp: dates are day-first")),
        "{}",
        items[0]
    );
    assert!(
        items[1].starts_with(&format!(
            "- `{SERIAL_1900}`: `Timestamp: Excel serial dates"
        )) && items[1].contains("Excel's 1900 date system"),
        "{}",
        items[1]
    );
    assert!(
        items[2].starts_with(&format!("- `{MAC_ROMAN}`: `decoded as Mac Roman")),
        "{}",
        items[2]
    );
}

#[test]
fn json_notices_name_the_file_and_what_was_assumed() {
    let v: serde_json::Value = serde_json::from_str(&report_of("json")).unwrap();
    let notices = v["notices"].as_array().unwrap();
    let files: Vec<&str> = notices
        .iter()
        .map(|n| n["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [DAY_FIRST, SERIAL_1900, MAC_ROMAN, MAC_ROMAN, MAC_ROMAN]
    );
    assert!(notices.iter().all(|n| n["line"].is_null()), "{notices:?}");
    let said = notices[0]["message"].as_str().unwrap();
    assert!(said.contains("read day-first"), "{said}");
}

#[test]
fn a_report_without_notices_has_no_section_and_an_empty_list() {
    let md = stdout(&report_with_fixture_journal("md"));
    assert!(!md.contains("Load notices"), "{md}");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&report_with_fixture_journal("json"))).unwrap();
    assert_eq!(v["notices"], serde_json::json!([]));
}

#[test]
fn the_workbench_copies_the_same_notices() {
    let paths: Vec<PathBuf> = [DAY_FIRST, SERIAL_1900, MAC_ROMAN]
        .iter()
        .map(PathBuf::from)
        .collect();
    let scanned = scan_paths(&paths, &ScanOptions::default()).unwrap();
    let replay = journal::read_decisions(&manifest_dir().join(JOURNAL)).unwrap();
    let app = App::new(JOURNAL, "someone-else", replay.decisions).with_report(scanned);
    let copied = sts_triage::tui::report_markdown(&app);
    assert!(copied.contains("## Load notices (5)"), "{copied}");
    assert_eq!(copied, report_of("md"), "the Y copy and `report` differ");
}

#[test]
fn a_report_with_notices_verifies() {
    // Not compared by verify (a session's notices, as a followed file replaced, cannot be
    // said again by a scan of the files now), and no difference either.
    let dir = tempfile::tempdir().unwrap();
    for format in ["md", "json"] {
        let report = dir.path().join(format!("r.{format}"));
        std::fs::write(&report, report_of(format)).unwrap();
        let out = run(&[
            "verify",
            "--report",
            report.to_str().unwrap(),
            "--journal",
            JOURNAL,
            DAY_FIRST,
            SERIAL_1900,
            MAC_ROMAN,
        ]);
        assert!(out.status.success(), "{}", stdout(&out));
    }
}
