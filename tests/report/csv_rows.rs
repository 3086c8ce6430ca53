//! The CSV report: one row per finding with its decision, an app actor named by its id.

use super::*;

#[test]
fn csv_has_one_row_per_finding_with_its_decision() {
    let text = stdout(&report_with_fixture_journal("csv"));
    assert_no_raw_controls(&text, "csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // 7 rows, then the 2 decided near misses, each with why it was passed over (the
    // unreviewed one, of the query's own kind, is counted: README, report).
    assert_eq!(rows.len(), 9);
    let near = CSV_COLUMNS.iter().position(|c| *c == "near_miss").unwrap();
    assert_eq!(rows.iter().filter(|r| !r[near].is_empty()).count(), 2);
    let evil = rows.iter().find(|r| &r[8] == "5b4c-0007").unwrap();
    assert_eq!(&evil[0], "suspicious");
    assert_eq!(&evil[2], "alice");
    assert!(
        evil[1].contains("| see `INC-4711`\\x1b[2J"),
        "{:?}",
        &evil[1]
    );
    assert_eq!(&evil[9], "evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com");
    // The actor's UPN beside the display name, neutralised as every cell is.
    let actors = CSV_COLUMNS.iter().position(|c| *c == "actors").unwrap();
    assert_eq!(
        &evil[actors],
        "evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com"
    );
    let admin = rows.iter().find(|r| &r[8] == "5b4c-0001").unwrap();
    assert_eq!(&admin[actors], "admin@contoso.com");
}

#[test]
fn csv_names_an_app_actor_by_its_id_beside_the_name_it_chose() {
    // An app named like a user: the display name is the user's, the actor is the app, named
    // with its service principal id, as in the Markdown's `Actor UPN / app`.
    let out = run(&[
        "report",
        "--format",
        "csv",
        "tests/fixtures/context-app-actor/app-named-like-a-user.jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in &rows {
        let (name, actor) = (&row[col("account_display_name")], &row[col("actors")]);
        let id = &row[col("account_object_id")];
        assert!(id.starts_with("evil-sp"), "{text}");
        assert!(
            actor.ends_with(&format!("({id})")),
            "{name}: actor {actor:?}"
        );
        assert_ne!(
            name, actor,
            "the chosen name alone never stands for the app"
        );
    }
}
