//! A related record's target and actor as first written, and a hashtable AuditData that
//! leaves the record's own object id as the target.

use super::*;

#[test]
fn a_related_record_shows_its_target_and_actor_as_written() {
    let dir = tempfile::tempdir().unwrap();
    // The update and the reset write the victim and the admin with capitals; the revocation
    // in lower case.
    let mut rows = flow(CORR);
    for r in &mut rows[..2] {
        r["ObjectId"] = json!("Victim.User@Contoso.com");
        r["UserId"] = json!("HelpDesk.Admin@Contoso.com");
    }
    let path = write(dir.path(), "ual.jsonl", &json_lines(rows.into_iter()));

    let report = scan(&path);
    assert!(
        badges(&report).contains(&"reset"),
        "case is ignored to relate"
    );
    let v = json_report(&path);
    let related = v["findings"][0]["related"].as_array().unwrap();
    assert_eq!(related.len(), 2, "{related:#?}");
    for r in related {
        assert_eq!(r["target"], "Victim.User@Contoso.com", "{r:#}");
        assert_eq!(r["actor"], "HelpDesk.Admin@Contoso.com", "{r:#}");
    }

    // The workbench's context panel shows the same.
    let mut app = app_of(&path, 160, 45);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    let Overlay::Drill(d) = &app.overlay else {
        panic!("drill-down open")
    };
    let p = d.context.as_ref().expect("context panel open");
    let lines: Vec<String> = (0..p.rows.len())
        .map(|i| p.row_text(&app.report, i).what)
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("by HelpDesk.Admin@Contoso.com → Victim.User@Contoso.com")),
        "{lines:?}"
    );
}

/// A Microsoft Graph audit log query record whose `auditData` a script wrote as
/// `System.Collections.Hashtable` (the case handed over as CSV, and the same records saved by
/// `ConvertTo-Json` at its default depth, written for this project) still names its target by
/// its own `objectId`: the Target column, the `target:` filter and the event all say it.
#[test]
fn a_hashtable_audit_data_leaves_the_record_s_object_id_as_the_target() {
    let formats = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats");
    for (path, targets, filter) in [
        (
            formats.join("graph-audit-search-hashtable.csv"),
            &[
                "victim.user@contoso.example",
                "second.victim@contoso.example",
                "third.user@contoso.example",
            ][..],
            "second",
        ),
        (
            formats.join("synthetic/graph-records-hashtable.json"),
            &[
                "lena.fischer@fabrikam.example",
                "3c3c3c3c-0000-4000-8000-0000000000c3",
            ][..],
            "lena",
        ),
    ] {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let report = scan(&path);
        let mut got: Vec<&str> = report
            .events
            .iter()
            .map(|e| e.parties.target.as_str())
            .collect();
        got.sort_unstable();
        let mut want = targets.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{name}: the events' targets");

        let mut app = app_of(&path, 160, 45);
        keys(&mut app, "m");
        let col = sts_triage::tui::columns::near_miss(sts_triage::tui::columns::Column::Target);
        let t = &app.near;
        let mut cells: Vec<String> = t.order.iter().map(|&i| app.cell(t, i, col)).collect();
        cells.sort_unstable();
        assert_eq!(cells, want, "{name}: the Target column");
        keys(&mut app, &format!("/target:{filter}"));
        press(&mut app, KeyCode::Enter);
        let shown = support::screen(&app, 160, 45);
        let count = format!("1 of {} shown", targets.len());
        assert!(shown.contains(&count), "{name}: {count}\n{shown}");
    }
    // The reset beside the revocation is related by its target, with no correlation.
    let report = scan(&formats.join("synthetic/graph-records-hashtable.json"));
    assert!(
        report.events.iter().any(|e| {
            report
                .context
                .related(e, &HintConfig::default().context)
                .iter()
                .any(|r| r.why.target && !r.why.correlation)
        }),
        "the reset is related by target"
    );
}
