#![allow(clippy::panic, clippy::unwrap_used)]
//! Two records with one event id are copies of one event only when everything the analyst
//! relies on agrees: the actor (its kind, UPN or app id, and object id), the target, the
//! operation, the second, the StsRefreshTokensValidFrom values, and the IP where both have
//! one. Records of one id that name another actor or target (a forged record reusing an
//! admin's event id) are two events: each row shows its own record (target, actor, raw
//! text, source line) in the report and in the workbench's drill-down, the problem `same
//! id, different content` names both places, and `STS events` counts events, not ids;
//! whatever the file order and however the records are split across files, in every
//! source kind (UAL, CloudAppEvents, Graph directoryAudits, a Purview CSV).

use std::path::PathBuf;

use serde_json::Value;

use crate::support;
use sts_triage::scan::ScanReport;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Overlay};
use support::{run_status, screen, sized, workbench};

use super::parties_records::*;

/// Each flagged row as `actor -> target @ file:line (copies)` read from the event its
/// drill-down opens first (the row's own record), sorted.
fn rows(report: &ScanReport) -> Vec<String> {
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            assert_eq!(f.events.len(), 1, "one event behind each row");
            let e = &report.events[f.events[0]];
            let copies: Vec<String> = e.duplicate_sources().iter().map(file_line).collect();
            format!(
                "{} [{}] -> {} @ {} {copies:?}",
                e.parties.actor_label(),
                f.row.account_object_id,
                e.parties.target_label(),
                file_line(&e.source)
            )
        })
        .collect();
    out.sort();
    out
}

/// The report and the problem line of `paths`: two events, not copies; the problem names
/// both places (`a`, `b` as `file:line`).
fn two_events(paths: &[PathBuf], a: &str, b: &str) -> ScanReport {
    let report = scan(paths);
    assert_eq!(report.duplicate_records, 0, "{:?}", rows(&report));
    assert_eq!(report.findings.len(), 2);
    let problems = different_content(&report);
    assert_eq!(problems.len(), 1, "{:?}", report.problems);
    for place in [a, b] {
        assert!(
            problems[0].contains(place),
            "{place} not in {}",
            problems[0]
        );
    }
    report
}

/// The workbench over `report`, 80×24, with the drill-down of the row whose actor is
/// `actor` open: the event it shows, its raw text and the screen.
fn drill(report: ScanReport, actor: &str) -> (String, String, String) {
    let mut app: App = sized(workbench("t.sts-triage.jsonl", "ana", report), 80, 24);
    let row = (0..app.report.findings.len())
        .find(|&i| app.report.findings[i].row.account_display_name == actor)
        .unwrap();
    for _ in 0..app.report.findings.len() {
        if app.table().current() == Some(row) {
            break;
        }
        app.apply(Action::Intent(Intent::MoveDown));
    }
    assert_eq!(app.table().current(), Some(row));
    app.apply(Action::Intent(Intent::Open));
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open");
    };
    let e = &app.report.events[d.events[d.current]];
    let shown = format!(
        "{} -> {} @ {}",
        e.parties.actor_label(),
        e.parties.target_label(),
        file_line(&e.source)
    );
    let raw = support::context::doc_text(&app);
    (shown, raw, screen(&app, 80, 24))
}

/// `report --format json` of `paths`: each row as `actor -> targets @ sources copies`, sorted,
/// and the summary's `STS events: N`.
fn headless(paths: &[PathBuf]) -> (Vec<String>, String) {
    let mut args: Vec<String> = vec!["report".into(), "--format".into(), "json".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let (code, out, err) = run_status(&args);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let mut got: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let sources: Vec<String> = f["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| file_line(&s.as_str().unwrap()))
                .collect();
            format!(
                "{} -> {} @ {sources:?} copies {}",
                f["actors"], f["targets"], f["copies"]
            )
        })
        .collect();
    got.sort();
    let counts = err
        .lines()
        .find(|l| l.contains("STS events:"))
        .unwrap()
        .split(" · ")
        .find(|p| p.starts_with("STS events"))
        .unwrap()
        .to_owned();
    (got, counts)
}

/// What every shape of the breaker's V1 must give, with the admin's record at `admin` and
/// the evil one at `evil` (`file:line`).
fn check_two(paths: &[PathBuf], admin: &str, evil: &str) {
    let report = two_events(paths, admin, evil);
    assert_eq!(
        rows(&report),
        [
            format!(
                "admin@contoso.example [{}] -> victim@contoso.example @ {admin} []",
                ADMIN.actor_id
            ),
            format!(
                "evil@contoso.example [{}] -> ceo@contoso.example @ {evil} []",
                EVIL.actor_id
            ),
        ]
    );
    // The workbench: the evil row's drill-down opens the evil record.
    let (shown, raw, screen) = drill(report, EVIL.actor);
    assert_eq!(
        shown,
        format!("evil@contoso.example -> ceo@contoso.example @ {evil}")
    );
    assert!(raw.contains("ceo@contoso.example"), "{raw}");
    assert!(!raw.contains("victim@contoso.example"), "{raw}");
    assert!(!raw.contains("admin@contoso.example"), "{raw}");
    assert!(
        screen.contains("◆ target ceo@contoso.example · by"),
        "{screen}"
    );
    assert!(!screen.contains("victim@"), "{screen}");
    // The report: each row its own actor, target and source; two events, no copies.
    let (got, counts) = headless(paths);
    assert_eq!(counts, "STS events: 2");
    assert_eq!(
        got,
        [
            format!(
                "[\"admin@contoso.example\"] -> [\"victim@contoso.example\"] @ [{admin:?}] copies []"
            ),
            format!(
                "[\"evil@contoso.example\"] -> [\"ceo@contoso.example\"] @ [{evil:?}] copies []"
            ),
        ]
    );
}

#[test]
fn another_actor_and_target_under_one_id_are_two_events_in_either_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let a = write(dir.path(), "v1.jsonl", &[ual(ADMIN, ip), ual(EVIL, ip)]);
    check_two(std::slice::from_ref(&a), "v1.jsonl:1", "v1.jsonl:2");
    let b = write(dir.path(), "v1b.jsonl", &[ual(EVIL, ip), ual(ADMIN, ip)]);
    check_two(&[b], "v1b.jsonl:2", "v1b.jsonl:1");
}

#[test]
fn another_actor_is_another_event_when_one_record_has_no_ip() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let a = write(dir.path(), "v2.jsonl", &[ual(ADMIN, ip), ual(EVIL, "")]);
    check_two(&[a], "v2.jsonl:1", "v2.jsonl:2");
    let b = write(dir.path(), "v2b.jsonl", &[ual(EVIL, ""), ual(ADMIN, ip)]);
    check_two(&[b], "v2b.jsonl:2", "v2b.jsonl:1");
}

#[test]
fn another_actor_in_another_file_is_another_event_in_either_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let a = write(dir.path(), "v4a.jsonl", &[ual(ADMIN, ip)]);
    let b = write(dir.path(), "v4b.jsonl", &[ual(EVIL, ip)]);
    check_two(&[a.clone(), b.clone()], "v4a.jsonl:1", "v4b.jsonl:1");
    check_two(&[b, a], "v4a.jsonl:1", "v4b.jsonl:1");
}

#[test]
fn only_the_target_or_only_the_actor_differing_is_enough() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let other_target = Parties {
        target: EVIL.target,
        target_id: EVIL.target_id,
        ..ADMIN
    };
    // The same UPN under another object id: another principal.
    let other_principal = Parties {
        actor_id: EVIL.actor_id,
        ..ADMIN
    };
    for (name, other) in [("target", other_target), ("principal", other_principal)] {
        for records in [
            [ual(ADMIN, ip), ual(other, ip)],
            [ual(other, ip), ual(ADMIN, ip)],
        ] {
            let path = write(dir.path(), &format!("{name}.jsonl"), &records);
            let report = scan(std::slice::from_ref(&path));
            assert_eq!(report.duplicate_records, 0, "{name}: {:?}", rows(&report));
            assert_eq!(report.events.len(), 2, "{name}");
            assert_eq!(different_content(&report).len(), 1, "{name}");
            let (_, counts) = headless(std::slice::from_ref(&path));
            assert_eq!(counts, "STS events: 2", "{name}");
            assert_eq!(scan_counts(&[path]), "STS events: 2", "{name}");
        }
    }
}

/// `scan -q`'s summary `STS events: N` of `paths` (`scan` keeps a flagged event's parties
/// as labels).
fn scan_counts(paths: &[PathBuf]) -> String {
    let mut args: Vec<String> = vec!["scan".into(), "--format".into(), "jsonl".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let (code, _, err) = run_status(&args);
    assert_eq!(code, 0, "{err}");
    err.lines()
        .find(|l| l.contains("STS events:"))
        .unwrap()
        .split(" · ")
        .find(|p| p.starts_with("STS events"))
        .unwrap()
        .to_owned()
}

#[test]
fn every_source_kind_keeps_another_actor_apart() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let cae = write(
        dir.path(),
        "cae.jsonl",
        &[cloud_app(&ual(ADMIN, ip)), cloud_app(&ual(EVIL, ip))],
    );
    let entra = write(dir.path(), "graph.jsonl", &[graph(ADMIN), graph(EVIL)]);
    let csv = dir.path().join("purview.csv");
    std::fs::write(&csv, purview_csv(&[ual(ADMIN, ip), ual(EVIL, ip)])).unwrap();
    for path in [cae, entra, csv] {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let line = |l: u64| format!("{name}:{l}");
        // The CSV's records are on lines 2 and 3 (the header is line 1).
        let (a, b) = if name.ends_with(".csv") {
            (line(2), line(3))
        } else {
            (line(1), line(2))
        };
        let report = two_events(std::slice::from_ref(&path), &a, &b);
        let got: Vec<String> = rows(&report)
            .iter()
            .map(|r| r.split(" [").next().unwrap().to_owned() + " " + r.split("] ").nth(1).unwrap())
            .collect();
        assert_eq!(
            got,
            [
                format!("admin@contoso.example -> victim@contoso.example @ {a} []"),
                format!("evil@contoso.example -> ceo@contoso.example @ {b} []"),
            ],
            "{name}"
        );
        let (_, counts) = headless(&[path]);
        assert_eq!(counts, "STS events: 2", "{name}");
    }
}

#[test]
fn copies_still_fold_across_exports_and_upn_case() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let raw = ual(ADMIN, ip);
    let shouting = Parties {
        actor: "ADMIN@Contoso.Example",
        target: "Victim@Contoso.Example",
        ..ADMIN
    };
    let a = write(dir.path(), "a.jsonl", std::slice::from_ref(&raw));
    let cae = write(dir.path(), "cae.jsonl", &[cloud_app(&raw)]);
    let upper = write(dir.path(), "upper.jsonl", &[ual(shouting, "")]);
    for paths in [
        vec![a.clone(), cae.clone()],
        vec![upper.clone(), a.clone(), cae],
    ] {
        let report = scan(&paths);
        assert_eq!(report.events.len(), 1, "{:?}", rows(&report));
        assert_eq!(report.duplicate_records, paths.len() as u64 - 1);
        assert!(
            different_content(&report).is_empty(),
            "{:?}",
            report.problems
        );
        assert_eq!(scan_counts(&paths), "STS events: 1");
        assert_eq!(headless(&paths).1, "STS events: 1");
    }
}

/// A headless report keeps an event whose row is already found as a few numbers (a lean
/// event): a record of its id naming another target must not fold into it either.
#[test]
fn a_lean_event_does_not_take_in_a_record_of_another_target() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let second = "12345678-0000-4000-8000-000000000002";
    let other_target = Parties {
        target: EVIL.target,
        target_id: EVIL.target_id,
        ..ADMIN
    };
    let victim2 = Parties {
        target: "victim2@contoso.example",
        target_id: "22222222-2222-4222-8222-222222222222",
        ..ADMIN
    };
    // The same UPN under another object id: another principal (and another row).
    let other_principal = Parties {
        actor_id: EVIL.actor_id,
        ..victim2
    };
    // Three records of one row (same actor, IP, minutes): the second and third share an
    // id, and so does the fourth.
    let path = write(
        dir.path(),
        "lean.jsonl",
        &[
            ual(ADMIN, ip),
            ual_of(second, victim2, ip, true),
            ual_of(second, other_target, ip, true),
            ual_of(second, other_principal, ip, true),
        ],
    );
    let (got, counts) = headless(std::slice::from_ref(&path));
    assert_eq!(counts, "STS events: 4");
    assert_eq!(
        got,
        [
            "[\"admin@contoso.example\"] -> [\"victim2@contoso.example\"] @ [\"lean.jsonl:4\"] copies []",
            "[\"admin@contoso.example\"] -> [\"victim@contoso.example\",\"victim2@contoso.example\",\"ceo@contoso.example\"] @ [\"lean.jsonl:1\", \"lean.jsonl:2\", \"lean.jsonl:3\"] copies []",
        ]
    );
    // `scan`, which keeps even less of such an event, counts three too.
    let (code, out, err) = run_status(&[
        "scan",
        "--format",
        "jsonl",
        "--context",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("STS events: 4"), "{err}");
    let row: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let mut targets: Vec<&str> = row["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    targets.sort_unstable();
    assert_eq!(
        targets,
        [
            "ceo@contoso.example",
            "victim2@contoso.example",
            "victim@contoso.example"
        ]
    );
}

#[test]
fn one_export_kind_with_other_query_values_under_one_id_gives_both_rows_in_either_order() {
    // Breaker finding (session 10, X14): two CloudAppEvents rows of one event id, alike
    // but for ISP, IsAnonymousProxy and the display name, were folded into one row (the
    // first read), so the `proxy` hint came and went with the line order; Kusto returns
    // both rows (their eight values differ). Two records of one source kind give the
    // query's values alike when they are one record seen twice.
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let plain = cloud_app(&ual(ADMIN, ip));
    let mut proxy = plain.clone();
    proxy["ISP"] = "Evil VPN".into();
    proxy["IsAnonymousProxy"] = true.into();
    proxy["AccountDisplayName"] = "Evil Name".into();
    for (name, records) in [
        ("x14.jsonl", [plain.clone(), proxy.clone()]),
        ("x14b.jsonl", [proxy.clone(), plain.clone()]),
    ] {
        let path = write(dir.path(), name, &records);
        let report = scan(std::slice::from_ref(&path));
        assert_eq!(report.rows_flagged(), 2, "{name}");
        assert_eq!(report.folded_records, 0, "{name}");
        assert_eq!(report.duplicate_records, 0, "{name}");
        assert_eq!(different_content(&report).len(), 1, "{:?}", report.problems);
        // The report (its events kept lean): both rows, one behind the proxy.
        let args = ["report", "--format", "json", &path.display().to_string()];
        let (code, out, err) = run_status(&args);
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("folded"), "{name}: {err}");
        let json: Value = serde_json::from_str(&out).unwrap();
        let mut got: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["account_display_name"], f["isp"], f["is_anonymous_proxy"], f["hints"]
                )
            })
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{name}: {got:?}");
        assert!(
            got[0].starts_with("\"Evil Name\" \"Evil VPN\" true"),
            "{got:?}"
        );
        assert!(got[0].contains("proxy"), "{got:?}");
        assert!(
            got[1].starts_with("\"admin@contoso.example\" \"Contoso Networks\" false"),
            "{got:?}"
        );
    }
}
