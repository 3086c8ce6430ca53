//! Decisions of the journal on rows the load does not give (follow16 #1): a row of a file
//! since changed or rotated, or of a followed file not yet written that far. Kept in the
//! journal, they were in no count and said nowhere: the analyst could not tell a decision
//! lost from one never made. Said on the status line at the load's end, whether the files
//! are followed or not, as `report` and `verify` say it.

use super::*;

const INPUT: &str = "tests/fixtures/workbench.jsonl";

fn decided(verdict: Verdict) -> Decision {
    Decision {
        verdict,
        ..Decision::default()
    }
}

/// The status line as drawn on a screen wide enough to hold it whole.
fn status_line(app: &App) -> String {
    let drawn = support::screen(app, 400, 24);
    drawn.lines().last().unwrap().trim_end().to_owned()
}

#[test]
fn decisions_matching_no_loaded_row_are_said_at_the_load_s_end_followed_or_not() {
    let report = support::scan(&[INPUT]);
    let decisions = HashMap::from([
        (report.findings[0].row.key(), decided(Verdict::Suspicious)),
        (
            "row:000000000000000000000000".to_owned(),
            decided(Verdict::Suspicious),
        ),
        (
            "event:not-read-yet".to_owned(),
            decided(Verdict::Legitimate),
        ),
    ]);
    for follow in [false, true] {
        let mut app = App::new("j.jsonl", "a", decisions.clone());
        sts_triage::scan::scan_paths_with(
            &[PathBuf::from(INPUT)],
            &ScanOptions::default(),
            &mut |m| app.apply(Action::Scan(m)),
        )
        .unwrap();
        app.apply(Action::Sorting);
        app.apply(Action::LoadFinished { error: None });
        if follow {
            app.apply(Action::Following { files: 1 });
        }
        let app = sized(app, 400, 24);
        let status = status_line(&app);
        assert!(
            status.contains(
                "2 decisions in the journal match no loaded row (rows these inputs do not give, \
                 or not yet"
            ),
            "follow {follow}: {status}"
        );
        if follow {
            assert!(status.starts_with("following 1 file"), "{status}");
        }
    }
}
