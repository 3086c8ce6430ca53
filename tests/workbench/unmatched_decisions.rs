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

/// The texts of the open problems view's entries.
fn problems(app: &App) -> Vec<String> {
    match &app.overlay {
        Overlay::Problems(view) => view.entries.iter().map(|e| e.text.clone()).collect(),
        _ => panic!("the problems view is not open"),
    }
}

/// A followed export split in two: `first` read at start, `rest` appended later.
fn split_export(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(INPUT).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (first, rest) = (dir.join("first.jsonl"), dir.join("rest.jsonl"));
    std::fs::write(&first, lines[..5].join("\n") + "\n").unwrap();
    std::fs::write(&rest, lines[5..].join("\n") + "\n").unwrap();
    (first, rest)
}

fn read_into(app: &mut App, path: &std::path::Path) {
    sts_triage::scan::scan_paths_with(&[path.to_owned()], &ScanOptions::default(), &mut |m| {
        app.apply(Action::Scan(m))
    })
    .unwrap();
}

#[test]
fn under_follow_the_count_follows_the_rows_that_arrive_and_the_problems_view_lists_it() {
    // breaker 16 #5a/b: 6 decisions on rows not yet written; once 5 of them were read, the
    // status line still said 6, and the problems view said nothing of the one left.
    let dir = tempfile::tempdir().unwrap();
    let (first, rest) = split_export(dir.path());
    let early = support::scan(&[first.to_str().unwrap()]);
    let early: Vec<String> = early.findings.iter().map(|f| f.row.key()).collect();
    let later = support::scan(&[rest.to_str().unwrap()]);
    let mut decisions: HashMap<String, Decision> = later
        .findings
        .iter()
        .map(|f| f.row.key())
        .filter(|k| !early.contains(k))
        .map(|k| (k, decided(Verdict::Suspicious)))
        .collect();
    let arriving = decisions.len();
    assert!(arriving >= 2, "{arriving}");
    decisions.insert(
        "row:000000000000000000000000".to_owned(),
        decided(Verdict::Legitimate),
    );
    let mut app = App::new("j.jsonl", "a", decisions);
    read_into(&mut app, &first);
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    app.apply(Action::Following { files: 1 });
    let mut app = sized(app, 400, 24);
    let before = format!(
        "{} decisions in the journal match no loaded row",
        arriving + 1
    );
    assert!(status_line(&app).contains(&before), "{}", status_line(&app));
    press(&mut app, KeyCode::Char('p'));
    assert!(
        problems(&app).iter().any(|t| t.starts_with(&before)),
        "{:?}",
        problems(&app)
    );
    // The rest of the export is written while the view is open.
    read_into(&mut app, &rest);
    app.apply(Action::Tick);
    let after = "1 decision in the journal matches no loaded row";
    assert!(
        problems(&app).iter().any(|t| t.starts_with(after)),
        "{:?}",
        problems(&app)
    );
    assert!(!problems(&app).iter().any(|t| t.contains(&before)));
    press(&mut app, KeyCode::Char('p'));
    let status = status_line(&app);
    assert!(
        status.starts_with("following 1 file") && status.contains(after),
        "{status}"
    );
    assert!(!status.contains(&before), "{status}");
}

#[test]
fn when_every_such_decision_gets_its_row_the_status_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (first, rest) = split_export(dir.path());
    let early = support::scan(&[first.to_str().unwrap()]);
    let early: Vec<String> = early.findings.iter().map(|f| f.row.key()).collect();
    let later = support::scan(&[rest.to_str().unwrap()]);
    let key = later
        .findings
        .iter()
        .map(|f| f.row.key())
        .find(|k| !early.contains(k))
        .unwrap();
    let mut app = App::new(
        "j.jsonl",
        "a",
        HashMap::from([(key, decided(Verdict::Suspicious))]),
    );
    read_into(&mut app, &first);
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    assert!(
        status_line(&app).starts_with("1 decision in the journal matches no loaded row"),
        "{}",
        status_line(&app)
    );
    read_into(&mut app, &rest);
    assert_eq!(
        status_line(&app),
        "the 1 decision in the journal that matched no loaded row matches rows read now"
    );
}

#[test]
fn another_workbench_s_decision_on_a_row_not_loaded_here_says_nothing_changed_on_screen() {
    // breaker 16 #5c: it was announced as any decision read, as if a row had changed.
    let report = support::scan(&[INPUT]);
    let here = report.findings[0].row.key();
    let mut app = support::workbench("j.jsonl", "alice", report);
    let bob = |key: &str| {
        sts_triage::journal::Entry::new(key, &decided(Verdict::Suspicious), "bob", "set")
    };
    let elsewhere = "row:000000000000000000000000";
    app.apply(Action::Foreign {
        entries: vec![bob(elsewhere)],
        own: Vec::new(),
        now: chrono::Utc::now(),
    });
    let app = sized(app, 400, 24);
    assert_eq!(
        status_line(&app),
        "bob marked suspicious just now: a row not loaded here, nothing on screen changed"
    );
    let mut app = app;
    app.apply(Action::Foreign {
        entries: vec![bob(&here), bob("event:not-read-here")],
        own: Vec::new(),
        now: chrono::Utc::now(),
    });
    let status = status_line(&app);
    assert!(
        status.starts_with("2 decisions by another workbench read from the journal: 2 by bob")
            && status.ends_with("; 1 of them matches no row loaded here"),
        "{status}"
    );
    press(&mut app, KeyCode::Char('p'));
    assert!(
        problems(&app)
            .iter()
            .any(|t| t.starts_with("2 decisions in the journal match no loaded row")),
        "{:?}",
        problems(&app)
    );
}
