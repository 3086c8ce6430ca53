//! In every export shape the reset beside a revocation is found: the revocation has the `reset`
//! hint.

use super::*;

#[test]
fn a_reset_beside_a_revocation_is_found_in_every_export_shape() {
    let dir = tempfile::tempdir().unwrap();
    // In the revocation's correlation, and (in another correlation) by its target 1 s before.
    for correlated in [true, false] {
        let reset_corr = if correlated {
            CORR
        } else {
            "c0ffee00-0000-4000-8000-0000000000bb"
        };
        for (name, text, has_corr) in flow_shapes(reset_corr) {
            let name = format!("{}-{name}", if correlated { "corr" } else { "near" });
            let path = write(dir.path(), &name, &text);
            let report = scan(&path);
            assert_eq!(report.events.len(), 1, "{name}: the revocation");
            let e = &report.events[0];
            assert!(
                e.parties.target.eq_ignore_ascii_case(VICTIM),
                "{name}: {:?}",
                e.parties
            );
            assert_eq!(report.context.len(), 3, "{name}: every record indexed");
            let related = report.context.related(e, &HintConfig::default().context);
            let reset = related
                .iter()
                .find(|r| {
                    let entry = &report.context.entries[r.entry];
                    report.context.text(entry.operation).starts_with("Reset")
                })
                .unwrap_or_else(|| panic!("{name}: the reset is related: {related:?}"));
            let entry = &report.context.entries[reset.entry];
            assert!(
                report
                    .context
                    .text(entry.target)
                    .eq_ignore_ascii_case(VICTIM),
                "{name}: the reset's target"
            );
            assert!(reset.why.target, "{name}: {:?}", reset.why);
            assert_eq!(
                reset.why.correlation,
                correlated && has_corr,
                "{name}: {:?}",
                reset.why
            );
            assert_eq!(reset.offset_secs, Some(-1), "{name}");
            let b = badges(&report);
            assert!(b.contains(&"reset"), "{name}: {b:?}");
            let line = sts_triage::context::summary::event_line(
                &Inputs::new(&report, HintConfig::default()),
                &report,
                0,
            );
            assert!(
                line.starts_with("reset by the same actor 1 s before"),
                "{name}: {line}"
            );
        }
    }
}
