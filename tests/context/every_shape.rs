//! Every shape gives the same targets, actors, related records and context hints.

use super::*;

#[test]
fn every_shape_gives_targets_actors_related_records_and_context_hints() {
    for near in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let s = if near { near_story() } else { story() };
        for path in shapes(dir.path(), &s) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let name = if near {
                format!("{name} (near misses)")
            } else {
                name
            };
            every_shape_case(&name, &path, near);
        }
    }
}

fn every_shape_case(name: &str, path: &Path, near: bool) {
    {
        let report = scan(path, true);
        assert_eq!(report.events.len(), 12, "{name}: STS events");
        assert_eq!(
            report.near_misses.len(),
            if near { 12 } else { 0 },
            "{name}: near misses"
        );
        // An AuditLogs CSV export holds no sign-ins.
        let has_sign_ins = !name.starts_with("auditlogs.csv");
        assert_eq!(
            report.context.len(),
            if has_sign_ins { 16 } else { 14 },
            "{name}: every record indexed"
        );
        let inputs = Inputs::new(&report, HintConfig::default());

        // The helpdesk flow: reset by the same actor 1 s before, in the same correlation,
        // and a sign-in from another address 20 minutes before.
        let i = event_of(&report, HELPDESK, VICTIM);
        let e = &report.events[i];
        assert!(!e.parties.target_id.is_empty(), "{name}: target object id");
        let related = report.context.related(e, &HintConfig::default().context);
        let ops: Vec<&str> = related
            .iter()
            .map(|r| {
                report
                    .context
                    .text(report.context.entries[r.entry].operation)
            })
            .collect();
        assert!(
            ops.iter().any(|o| o.starts_with("Reset user password")),
            "{name}: {ops:?}"
        );
        assert!(
            ops.iter().any(|o| o.starts_with("Update user")),
            "{name}: {ops:?}"
        );
        let reset = related
            .iter()
            .find(|r| {
                report
                    .context
                    .text(report.context.entries[r.entry].operation)
                    .starts_with("Reset")
            })
            .unwrap();
        assert!(
            reset.why.correlation && reset.why.target && reset.why.actor,
            "{name}: {:?}",
            reset.why
        );
        assert_eq!(reset.offset_secs, Some(-1), "{name}");
        // The victim's own sign-in an hour after: the target is its actor (it has no target).
        let victim_sign_in = related.iter().find(|r| {
            let entry = &report.context.entries[r.entry];
            r.offset_secs == Some(3593) && report.context.text(entry.operation) != STS
        });
        assert_eq!(victim_sign_in.is_some(), has_sign_ins, "{name}: {ops:?}");
        if let Some(r) = victim_sign_in {
            assert!(r.why.target && !r.why.actor, "{name}: {:?}", r.why);
        }
        let b = badges(&inputs, i);
        assert!(b.contains(&"reset"), "{name}: {b:?}");
        assert_eq!(b.contains(&"signin"), has_sign_ins, "{name}: {b:?}");
        assert!(
            !b.contains(&"first") && !b.contains(&"self") && !b.contains(&"bulk"),
            "{name}: {b:?}"
        );
        let line = sts_triage::context::summary::event_line(&inputs, &report, i);
        assert!(
            line.starts_with("reset by the same actor 1 s before"),
            "{name}: {line}"
        );

        // A user signing themselves out everywhere.
        let i = event_of(&report, SELF_USER, SELF_USER);
        let b = badges(&inputs, i);
        assert!(b.contains(&"self") && b.contains(&"first"), "{name}: {b:?}");

        // The responder's mass revocation: every one of the ten is bulk, only the first is first.
        let responder: Vec<usize> = (0..report.events.len())
            .filter(|&i| {
                report.events[i]
                    .parties
                    .actor
                    .eq_ignore_ascii_case(RESPONDER)
            })
            .collect();
        assert_eq!(responder.len(), 10, "{name}");
        for (n, &i) in responder.iter().enumerate() {
            let b = badges(&inputs, i);
            assert!(b.contains(&"bulk"), "{name}: {b:?}");
            assert_eq!(b.contains(&"first"), n == 0, "{name} event {n}: {b:?}");
        }
    }
}
