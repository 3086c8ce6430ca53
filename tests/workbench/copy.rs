//! Copying rows and the report (neutralised Markdown) and exporting it beside the journal.

use super::*;

#[test]
fn copying_rows_and_the_report_is_neutralised_markdown() {
    let mut app = app();
    app.apply(Action::Intent(Intent::MarkSuspicious));
    keys(&mut app, "/evil");
    press(&mut app, KeyCode::Enter);
    app.apply(Action::Intent(Intent::CopyRows));
    app.apply(Action::Intent(Intent::CopyReport));
    let mut copies: Vec<String> = app
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(app.effects.last(), Some(&Effect::Report { to_file: None }));
    copies.push(sts_triage::tui::report_markdown(&app));
    for c in &copies {
        assert!(
            !c.chars().any(|ch| ch.is_control() && ch != '\n'),
            "no raw control character: {c:?}"
        );
        assert!(!c.contains('\u{202e}'));
    }
    assert!(
        copies[0].contains("evil\\x1b"),
        "the payload is visible, escaped: {}",
        copies[0]
    );
    assert!(copies[1].contains("UpdateStsRefreshToken[Solorigate]"));
    assert!(copies[1].contains("suspicious 1"));
}

#[test]
fn export_writes_the_report_beside_the_journal() {
    let mut app = App::new("/tmp/x/export.jsonl.sts-triage.jsonl", "a", HashMap::new());
    keys(&mut app, "E");
    assert_eq!(
        app.effects,
        vec![Effect::Report {
            to_file: Some(PathBuf::from("/tmp/x/export.jsonl.sts-triage.report.md"))
        }]
    );
    app.apply(Action::Exported {
        path: "r.md".into(),
        bytes: 10,
    });
    assert!(app.status.contains("report written: r.md"));
}
