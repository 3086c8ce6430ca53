//! The report against its golden files (Markdown, JSON, CSV), the same bytes as the workbench's
//! `Y` copy, and counts that follow the journal through undo and stray keys.

use super::*;

fn golden(name: &str, actual: &str) {
    let path = manifest_dir().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from the golden file at line {}:\n  golden: {:?}\n  actual: {:?}\n(UPDATE_GOLDEN=1 rewrites it after an intended change)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first),
        );
    }
}

#[test]
fn markdown_matches_the_golden_file() {
    let out = report_with_fixture_journal("md");
    golden("workbench.report.md", &stdout(&out));
}

#[test]
fn json_matches_the_golden_file() {
    let out = report_with_fixture_journal("json");
    golden("workbench.report.json", &stdout(&out));
}

#[test]
fn csv_matches_the_golden_file() {
    let out = report_with_fixture_journal("csv");
    golden("workbench.report.csv", &stdout(&out));
}

#[test]
fn the_report_is_exactly_what_the_workbench_copies() {
    let scanned = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let replay = journal::read_decisions(&manifest_dir().join(JOURNAL)).unwrap();
    // The journal path as the workbench shows it is the one given on its command line.
    let mut app = App::new(JOURNAL, "someone-else", replay.decisions).with_report(scanned);
    app.apply(Action::Intent(Intent::CopyReport));
    assert!(
        app.effects.contains(&Effect::Report { to_file: None }),
        "Y asks the shell for the report"
    );
    let copied = sts_triage::tui::report_markdown(&app);
    let cli = stdout(&report_with_fixture_journal("md"));
    assert_eq!(copied, cli, "the Y copy and `sts-triage report` differ");
}

#[test]
fn counts_follow_the_journal_with_undo_and_stray_keys() {
    let scanned = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
    let replay = journal::read_decisions(&manifest_dir().join(JOURNAL)).unwrap();
    assert_eq!(replay.entries, 9);
    // [unreviewed, suspicious, legitimate]: the undone row is unreviewed again; the key of
    // a row from another export counts nowhere.
    assert_eq!(
        report::verdict_counts(&scanned, &replay.decisions),
        [3, 2, 2]
    );
    let undone = scanned
        .findings
        .iter()
        .find(|f| f.row.account_display_name == "alice.admin@contoso.com")
        .unwrap();
    assert_eq!(
        replay.decisions[&undone.row.key()].verdict,
        Verdict::Unreviewed
    );
}
