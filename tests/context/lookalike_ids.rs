#![allow(clippy::panic, clippy::unwrap_used)]
//! Principals that pass for another without one odd letter (the breaker tester's V3, V5-V9):
//! one display name under two object ids, a display name that is another's UPN, a service
//! principal named as a user's UPN, one UPN under two object ids, and UPNs that differ from
//! another by white space, letter case (`ADMlN`) or an ASCII look-alike (`c0ntoso`). Each row
//! gets the `lookalike` hint with its reason in the reports; a row of another name does not.
//! Fixtures: tests/fixtures/lookalike-ids/make.py.

use crate::support::run_status;

/// The CSV report's rows of `file` (no journal): (account display name, actors, hints,
/// lookalike).
fn rows(file: &str) -> Vec<(String, String, String, String)> {
    let path = format!("tests/fixtures/lookalike-ids/{file}");
    let (code, csv, err) = run_status(&[
        "report",
        "--format",
        "csv",
        "--journal",
        "/nonexistent/j.jsonl",
        &path,
    ]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[col("account_display_name")].to_owned(),
                rec[col("actors")].to_owned(),
                rec[col("hints")].to_owned(),
                rec[col("lookalike")].to_owned(),
            )
        })
        .collect()
}

/// The `lookalike` reason of the row whose actors cell is `actor`; `None` when the row has
/// no `lookalike` badge (and then no reason either).
fn reason(rows: &[(String, String, String, String)], actor: &str) -> Option<String> {
    let (_, _, hints, why) = rows
        .iter()
        .find(|(_, a, _, _)| a == actor)
        .unwrap_or_else(|| panic!("no row of {actor:?} in {rows:?}"));
    let badge = hints.split(' ').any(|b| b == "lookalike");
    assert_eq!(badge, !why.is_empty(), "{actor}: {hints:?} {why:?}");
    badge.then(|| why.clone())
}

#[test]
fn one_display_name_of_two_object_ids_and_a_display_name_that_is_another_upn() {
    let rows = rows("same-display-name.jsonl");
    let admin = reason(&rows, "admin@contoso.onmicrosoft.com").unwrap();
    assert_eq!(
        admin,
        "account Contoso Admin: display name also used by object id 99999999-9999-9999-9999-999999999999"
    );
    let evil = reason(&rows, "evil@contoso.onmicrosoft.com").unwrap();
    assert_eq!(
        evil,
        "account Contoso Admin: display name also used by object id 11111111-0000-0000-0000-000000000001"
    );
    let evil2 = reason(&rows, "evil2@contoso.onmicrosoft.com").unwrap();
    assert_eq!(
        evil2,
        "account admin@contoso.onmicrosoft.com: display name is another principal's UPN admin@contoso.onmicrosoft.com"
    );
    assert_eq!(reason(&rows, "lee.gu@contoso.onmicrosoft.com"), None);
}

#[test]
fn a_service_principal_named_as_a_users_upn() {
    let rows = rows("app-named-admin.jsonl");
    let app = reason(
        &rows,
        "admin@contoso.com (11112222-3333-4444-5555-666677778888)",
    )
    .unwrap();
    assert!(
        app.contains("application named like user admin@contoso.com"),
        "{app}"
    );
    let user = reason(&rows, "admin@contoso.com").unwrap();
    assert!(
        user.contains("display name also used by object id 11112222-3333-4444-5555-666677778888"),
        "{user}"
    );
    assert_eq!(reason(&rows, "lee.gu@contoso.com"), None);
}

#[test]
fn one_upn_of_two_object_ids_is_flagged_on_both_rows() {
    let rows = rows("same-upn-two-oids.jsonl");
    let flagged: Vec<String> = rows
        .iter()
        .filter(|(_, a, _, _)| a == "admin@contoso.com")
        .map(|(_, _, _, why)| why.clone())
        .collect();
    assert_eq!(
        flagged,
        [
            "actor and account admin@contoso.com: same UPN, another object id 99999999-9999-9999-9999-999999999999",
            "actor and account admin@contoso.com: same UPN, another object id 11111111-0000-0000-0000-000000000001",
        ]
    );
    assert_eq!(reason(&rows, "lee.gu@contoso.com"), None);
}

#[test]
fn white_space_case_and_ascii_look_alikes_of_a_upn_are_flagged_and_shown() {
    let rows = rows("spaces-case-digits.jsonl");
    // A trailing space is written ␠: a bare one is invisible and Markdown drops it.
    let spaced = reason(&rows, "admin@contoso.com ").unwrap();
    assert!(
        spaced.starts_with("actor and account admin@contoso.com␠: white space")
            && spaced.contains("looks like admin@contoso.com,"),
        "{spaced}"
    );
    let nbsp = reason(&rows, "\\xa0admin@contoso.com").unwrap();
    assert!(nbsp.contains("white space"), "{nbsp}");
    // l for I, kept apart by the case of the text as written.
    let upper = reason(&rows, "ADMlN@contoso.com").unwrap();
    assert!(upper.contains("looks like ADMIN@CONTOSO.COM"), "{upper}");
    // 0 for o.
    let zero = reason(&rows, "admin@c0ntoso.com").unwrap();
    assert!(zero.contains("looks like admin@contoso.com,"), "{zero}");
    // The same UPN in capitals is the same principal; another name is not a look-alike.
    let plain = reason(&rows, "admin@contoso.com").unwrap();
    assert!(!plain.contains("ADMIN@CONTOSO.COM,"), "{plain}");
    assert_eq!(reason(&rows, "lee.gu@contoso.com"), None);
}

/// A trailing space shows as ␠ in the workbench's Account column and the Markdown report,
/// where a bare one is invisible (and Markdown drops it).
#[test]
fn a_trailing_space_is_shown_where_it_would_be_invisible() {
    use crate::support::{scan, sized, workbench};
    use sts_triage::tui::columns::{Column, finding};
    let path = "tests/fixtures/lookalike-ids/spaces-case-digits.jsonl";
    let app = sized(
        workbench("j.sts-triage.jsonl", "analyst", scan(&[path])),
        80,
        24,
    );
    let cells: Vec<&str> = (0..app.findings.items.len())
        .map(|i| &app.findings.items[i].cells[finding(Column::Account)])
        .collect();
    assert!(cells.contains(&"admin@contoso.com␠"), "{cells:?}");
    assert!(!cells.iter().any(|c| c.ends_with(' ')), "{cells:?}");
    let (code, md, err) = run_status(&["report", "--journal", "/nonexistent/j.jsonl", path]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("| `admin@contoso.com␠` |"), "{md}");
}

/// The fixture's admin (flagged) and, as a near miss (its property renamed, so the query
/// passes it over), the second account named `Contoso Admin` under another object id.
fn near_miss_namesake(dir: &std::path::Path) -> std::path::PathBuf {
    let text =
        std::fs::read_to_string("tests/fixtures/lookalike-ids/same-display-name.jsonl").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let near = lines[1].replace("\"StsRefreshTokensValidFrom\"", "\"LastDirSyncTime\"");
    assert_ne!(near, lines[1]);
    let path = dir.join("namesake.jsonl");
    std::fs::write(&path, format!("{}\n{near}\n", lines[0])).unwrap();
    path
}

/// Near misses were checked for odd letters only: a second account given the admin's
/// display name passed over by the query showed no ⚠ and no reason. It gets the rows'
/// who-is-who checks: ⚠ in the near-miss view, the reason in its drill-down, and the
/// badge and reason in the report.
#[test]
fn a_near_miss_under_the_admins_display_name_is_marked_like_a_row() {
    use ratatui::crossterm::event::KeyCode;
    use sts_triage::tui::app::Overlay;
    let dir = tempfile::tempdir().unwrap();
    let path = near_miss_namesake(dir.path());
    let report = crate::support::scan(&[path.to_str().unwrap()]);
    assert_eq!((report.findings.len(), report.near_misses.len()), (1, 1));
    let mut app = crate::support::sized(crate::support::workbench("j.jsonl", "a", report), 160, 30);
    crate::support::keys(&mut app, "m");
    let s = crate::support::screen(&app, 160, 30);
    let row = s
        .lines()
        .find(|l| l.contains("Contoso Admin"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains('⚠'), "{s}");
    crate::support::press(&mut app, KeyCode::Enter);
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down")
    };
    let why = "display name also used by object id 11111111-0000-0000-0000-000000000001";
    assert!(d.hints.iter().any(|h| h.contains(why)), "{:?}", d.hints);

    // The report lists it once decided, with the badge and the reason.
    let key = app.near.items[0].key.clone();
    let journal = dir.path().join("j.jsonl");
    let (mut j, _) = sts_triage::journal::Journal::open(&journal).unwrap();
    let decision = sts_triage::journal::Decision {
        verdict: sts_triage::journal::Verdict::Suspicious,
        ..Default::default()
    };
    j.append(&[sts_triage::journal::Entry::new(
        &key, &decision, "a", "mark",
    )])
    .unwrap();
    let out = crate::support::run_bin(&[
        "report",
        "--format",
        "json",
        "--journal",
        journal.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let near = &v["near_misses"][0];
    assert!(
        near["hints"]
            .as_array()
            .unwrap()
            .contains(&"lookalike".into()),
        "{near}"
    );
    assert!(near["lookalike"].as_str().unwrap().contains(why), "{near}");
    let out = crate::support::run_bin(&[
        "report",
        "--journal",
        journal.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let md = String::from_utf8(out.stdout).unwrap();
    let row = md
        .lines()
        .find(|l| l.contains("namesake.jsonl:2"))
        .unwrap_or_else(|| panic!("{md}"));
    let hints = row.trim_end_matches(" |").rsplit("| ").next().unwrap();
    assert!(hints.contains("lookalike"), "{row}");
}
