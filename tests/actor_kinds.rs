#![allow(clippy::panic, clippy::unwrap_used)]
//! One principal never looks like another (last session's breaker, F-appname): an app whose
//! display name is `Microsoft Graph (00000003-…)` beside the real Microsoft Graph, an app
//! named like a user's UPN beside that user. The Actor column marks each actor's kind in a
//! cell of its own before the text (`U` user, `A` app), which no event text can take; two
//! principals whose cut text would read the same on screen are cut in their middle, their
//! ids kept; the report, its CSV and JSON name the kind beside the actor.

use std::path::Path;

use serde_json::{Value, json};

mod support;
use support::{run_bin, scan, screen, sized, ual_sts_props, workbench};

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const FAKE_GRAPH: &str = "88888888-8888-4888-8888-888888888888";
const APP_LIKE_USER: &str = "99999999-9999-4999-9999-999999999999";
const USER_ID: &str = "11111111-1111-4111-8111-111111111111";
const UPN: &str = "helpdesk.admin@contoso.example";

/// A UAL STS record at `hour` by `user_id` with `actor` entries, revoking `target`.
fn ual(n: u32, hour: u32, user_id: &str, actor: Value, target: &str) -> Value {
    json!({
        "CreationTime": format!("2025-10-04T{hour:02}:00:00"),
        "Id": format!("ffffffff-0000-4000-8000-{n:012}"),
        "Operation": "Update StsRefreshTokenValidFrom Timestamp.",
        "RecordType": 8,
        "ResultStatus": "Success",
        "UserType": 0,
        "Workload": "AzureActiveDirectory",
        "ObjectId": target,
        "UserId": user_id,
        "ModifiedProperties": ual_sts_props(
            "2025-10-01T10:00:00Z",
            &format!("2025-10-04T{hour:02}:00:00Z"),
        ),
        "Actor": actor,
        "ActorIpAddress": format!("203.0.113.{n}"),
        "Target": [{"ID": target, "Type": 5}],
    })
}

fn app_actor(name: &str, id: &str) -> Value {
    json!([
        {"ID": name, "Type": 1},
        {"ID": format!("ServicePrincipal_{id}"), "Type": 2},
        {"ID": id, "Type": 2},
        {"ID": "ServicePrincipal", "Type": 2}
    ])
}

/// The real Microsoft Graph, an app named after it with its id, a user and an app named
/// like that user's UPN, each revoking another target.
fn write_input(dir: &Path) -> String {
    let records = [
        ual(
            1,
            10,
            "Microsoft Graph",
            app_actor("Microsoft Graph", GRAPH),
            "victim@contoso.example",
        ),
        ual(
            2,
            11,
            &format!("Microsoft Graph ({GRAPH})"),
            app_actor(&format!("Microsoft Graph ({GRAPH})"), FAKE_GRAPH),
            "ceo@contoso.example",
        ),
        ual(
            3,
            12,
            UPN,
            json!([{"ID": UPN, "Type": 5}, {"ID": format!("User_{USER_ID}"), "Type": 2}]),
            "cfo@contoso.example",
        ),
        ual(
            4,
            13,
            UPN,
            app_actor(UPN, APP_LIKE_USER),
            "cto@contoso.example",
        ),
    ];
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    let path = dir.join("appname.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.to_str().unwrap().to_owned()
}

/// The Actor cells of the rows on screen (`w` columns wide, the rows newest first), as
/// drawn from the title's column to the next title.
fn actor_cells(path: &str, w: u16) -> Vec<String> {
    let app = sized(
        workbench("j.sts-triage.jsonl", "analyst", scan(&[path])),
        w,
        20,
    );
    let s = screen(&app, w, 20);
    let lines: Vec<Vec<char>> = s.lines().map(|l| l.chars().collect()).collect();
    let title = lines
        .iter()
        .position(|l| l.iter().collect::<String>().contains(" Actor "))
        .unwrap_or_else(|| panic!("no Actor column at {w}: {s}"));
    let head: String = lines[title].iter().collect();
    let at = head.find(" Actor ").unwrap() + 1;
    let end = head.find(" Role").unwrap();
    // Every character here is one column wide (the input is ASCII).
    lines[title + 1..title + 5]
        .iter()
        .map(|l| l[at..end].iter().collect::<String>().trim_end().to_owned())
        .collect()
}

#[test]
fn the_actor_column_marks_the_kind_and_tells_lookalike_apps_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_input(dir.path());
    for w in [200, 240] {
        let cells = actor_cells(&path, w);
        // Newest first: the app named like the user, the user, the fake Graph, the Graph.
        let marks: Vec<char> = cells.iter().map(|c| c.chars().next().unwrap()).collect();
        assert_eq!(marks, ['A', 'U', 'A', 'A'], "{w}: {cells:#?}");
        for c in &cells {
            assert_eq!(
                c.chars().nth(1),
                Some(' '),
                "{w}: the mark stands apart: {c}"
            );
        }
        // No two principals read the same, whatever the cut.
        for (i, a) in cells.iter().enumerate() {
            for b in &cells[i + 1..] {
                assert_ne!(a, b, "{w}: {cells:#?}");
            }
        }
        // The fake Graph shows its own id's end, not the real one's.
        assert!(cells[2].contains("8888"), "{w}: {cells:#?}");
        assert!(!cells[3].contains("8888"), "{w}: {cells:#?}");
    }
}

#[test]
fn reports_name_each_actors_kind_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_input(dir.path());
    let report = |format: &str| {
        let out = run_bin(&["report", "--format", format, "-o", "-", &path]);
        String::from_utf8(out.stdout).unwrap()
    };
    let md = report("md");
    assert!(md.contains(&format!("user `{UPN}`")), "{md}");
    assert!(
        md.contains(&format!("app `{UPN} ({APP_LIKE_USER})`")),
        "{md}"
    );
    assert!(
        md.contains(&format!("app `Microsoft Graph ({GRAPH}) ({FAKE_GRAPH})`")),
        "{md}"
    );
    let csv = report("csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut kinds: Vec<(String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[col("actors")].to_owned(),
                r[col("actor_kinds")].to_owned(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            (format!("Microsoft Graph ({GRAPH})"), "app".to_owned()),
            (
                format!("Microsoft Graph ({GRAPH}) ({FAKE_GRAPH})"),
                "app".to_owned()
            ),
            (UPN.to_owned(), "user".to_owned()),
            (format!("{UPN} ({APP_LIKE_USER})"), "app".to_owned()),
        ]
    );
    let json: Value = serde_json::from_str(&report("json")).unwrap();
    for f in json["findings"].as_array().unwrap() {
        let kind = if f["actors"][0] == UPN { "user" } else { "app" };
        assert_eq!(f["actor_kinds"], json!([kind]), "{f}");
    }
}

/// A user whose UPN reads like an app's `name (id)` and that app: one text, two principals.
#[test]
fn the_frequency_view_counts_actors_by_principal() {
    let dir = tempfile::tempdir().unwrap();
    let id = "abababab-0000-4000-8000-000000000001";
    let records = [
        ual(
            1,
            10,
            &format!("Token Helper ({id})"),
            json!([{"ID": format!("Token Helper ({id})"), "Type": 5},
                   {"ID": format!("User_{USER_ID}"), "Type": 2}]),
            "victim@contoso.example",
        ),
        ual(
            2,
            11,
            "Token Helper",
            app_actor("Token Helper", id),
            "ceo@contoso.example",
        ),
    ];
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    let path = dir.path().join("twins.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    // The Actor column is drawn from 170 columns (README, the table).
    for (w, h) in [(200, 45), (260, 45)] {
        let mut app = sized(
            workbench(
                "j.sts-triage.jsonl",
                "analyst",
                scan(&[path.to_str().unwrap()]),
            ),
            w,
            h,
        );
        support::focus_on(&mut app, sts_triage::tui::columns::Column::Actor);
        support::keys(&mut app, "F");
        let sts_triage::tui::app::Overlay::Pivot(p) = &app.overlay else {
            panic!("{w}x{h}: frequency view open: {}", app.status)
        };
        assert_eq!(p.rows.len(), 2, "{w}x{h}: {:?}", p.rows);
        assert!(p.rows.iter().all(|r| r.count == 1), "{w}x{h}: {:?}", p.rows);
        let s = screen(&app, w, h);
        let label = format!("Token Helper ({id})");
        // Two lines, each whole after its kind mark.
        assert!(s.contains(&format!("│U {label} ")), "{w}x{h}: {s}");
        assert!(s.contains(&format!("│A {label} ")), "{w}x{h}: {s}");
    }
}

/// Narrower than the Actor column, the drill-down's why panel names the actor with its kind.
#[test]
fn the_why_panel_names_the_actors_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_input(dir.path());
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let mut app = sized(
            workbench("j.sts-triage.jsonl", "analyst", scan(&[&path])),
            w,
            h,
        );
        // Newest first: the app named like the user, then the user.
        support::press(&mut app, ratatui::crossterm::event::KeyCode::Enter);
        let s = screen(&app, w, h);
        assert!(s.contains("· by app"), "{w}x{h}: {s}");
        assert!(!s.contains("· by user"), "{w}x{h}: {s}");
        support::press(&mut app, ratatui::crossterm::event::KeyCode::Esc);
        support::keys(&mut app, "j");
        support::press(&mut app, ratatui::crossterm::event::KeyCode::Enter);
        let s = screen(&app, w, h);
        assert!(s.contains("· by user"), "{w}x{h}: {s}");
        assert!(!s.contains("· by app"), "{w}x{h}: {s}");
    }
}

/// `scan --context` wrote the actors without their kinds, so a script reading its CSV or
/// JSON lines could not tell the app named like the user from the user: each row has the
/// workbench's mark (`ActorKind` / `actor_kind`: `U`, `A`, `N`, `*` several, `?` none) and
/// each actor's letter (`ActorKinds` / `actor_kinds`), a near miss its actor's.
#[test]
fn scan_context_names_each_actors_kind_as_the_workbench_marks_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_input(dir.path());
    // A near miss without an actor beside them (the rule stops at its missing properties).
    let mut text = std::fs::read_to_string(&path).unwrap();
    let mut lone = ual(5, 14, "", json!([]), "cio@contoso.example");
    lone["ModifiedProperties"] = json!([]);
    text.push_str(&format!("{lone}\n"));
    std::fs::write(&path, text).unwrap();
    let scan_out = |format: &str| {
        let out = run_bin(&[
            "scan",
            "--format",
            format,
            "--context",
            "--near-misses",
            &path,
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    let want = |actor: &str| {
        if actor == UPN { "U" } else { "A" }
    };
    let jsonl = scan_out("jsonl");
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rows: Vec<&Value> = lines.iter().filter(|v| v["kind"].is_null()).collect();
    assert_eq!(rows.len(), 4, "{jsonl}");
    for v in rows {
        let actor = v["actors"][0].as_str().unwrap();
        assert_eq!(v["actor_kind"], want(actor), "{v}");
        assert_eq!(v["actor_kinds"], json!([want(actor)]), "{v}");
    }
    let near: Vec<&Value> = lines.iter().filter(|v| v["kind"] == "near_miss").collect();
    assert_eq!(near.len(), 1, "{jsonl}");
    assert_eq!(near[0]["actor_kind"], "?", "{}", near[0]);

    let csv = scan_out("csv");
    let (rows, near) = csv.split_once("\n\n").unwrap();
    let mut rows = csv::Reader::from_reader(rows.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (actors, kind, kinds) = (col("Actors"), col("ActorKind"), col("ActorKinds"));
    let mut n = 0;
    for r in rows.records() {
        let r = r.unwrap();
        assert_eq!(&r[kind], want(&r[actors]), "{r:?}");
        assert_eq!(&r[kinds], want(&r[actors]), "{r:?}");
        n += 1;
    }
    assert_eq!(n, 4, "{csv}");
    let mut near = csv::Reader::from_reader(near.as_bytes());
    let header = near.headers().unwrap().clone();
    let at = header.iter().position(|h| h == "actor_kind").unwrap();
    let marks: Vec<String> = near.records().map(|r| r.unwrap()[at].to_owned()).collect();
    assert_eq!(marks, ["?"], "{csv}");
}
