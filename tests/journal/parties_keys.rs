#![allow(clippy::panic, clippy::unwrap_used)]
//! Near misses of one event id that name another actor or target are two near misses,
//! each decided under a key of its own (`event:<id>#<content>`, the content now with the
//! parties and the operation), whatever the file order; a decision saved under the content
//! key of the journals written before (time, valid-from values and IP only) still applies,
//! unless it now names two near misses: then it applies to neither and is said.

use std::path::PathBuf;

use serde_json::json;

use sts_triage::journal::Verdict;
use sts_triage::report;
use sts_triage::scan::ScanReport;
use sts_triage::tui::app::App;

use super::parties_records::*;

#[test]
fn near_misses_of_another_actor_are_two_and_decided_apart() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let a = write(dir.path(), "a.jsonl", &[ual_of(ID, ADMIN, ip, false)]);
    let b = write(dir.path(), "b.jsonl", &[ual_of(ID, EVIL, ip, false)]);
    let keys = |r: &ScanReport| {
        let mut k: Vec<(String, String)> = r
            .near_misses
            .iter()
            .map(|&i| {
                let e = &r.events[i];
                (e.parties.actor_label().to_owned(), e.key())
            })
            .collect();
        k.sort();
        k
    };
    let ab = scan(&[a.clone(), b.clone()]);
    let ba = scan(&[b.clone(), a.clone()]);
    assert_eq!(ab.near_misses.len(), 2);
    assert_eq!(ab.duplicate_records, 0);
    assert_eq!(different_content(&ab).len(), 1);
    assert_eq!(keys(&ab), keys(&ba), "the file order changed the keys");
    let k = keys(&ab);
    assert_ne!(k[0].1, k[1].1, "each near miss has a key of its own");
    for (_, key) in &k {
        assert!(key.starts_with(&format!("event:{ID}#")), "{key}");
    }
    // A decision on the evil one applies to it alone, in either order.
    let evil_key = &k[1].1;
    for order in [[&a, &b], [&b, &a]] {
        let report = scan(&[order[0].clone(), order[1].clone()]);
        let app = App::new("j", "ana", decided(&[evil_key])).with_report(report);
        let mut verdicts: Vec<(String, Verdict)> = app
            .near
            .items
            .iter()
            .zip(app.near.verdicts())
            .map(|(it, v)| {
                let e = app
                    .report
                    .near_misses
                    .iter()
                    .map(|&i| &app.report.events[i])
                    .find(|e| e.key() == it.key)
                    .unwrap();
                (e.parties.actor_label().to_owned(), *v)
            })
            .collect();
        verdicts.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            verdicts,
            [
                ("admin@contoso.example".to_owned(), Verdict::Unreviewed),
                ("evil@contoso.example".to_owned(), Verdict::Suspicious)
            ]
        );
        // A decision under the plain key, made when the admin's record was read alone,
        // applies to neither now.
        let plain = format!("event:{ID}");
        let report = scan(&[order[0].clone(), order[1].clone()]);
        assert_eq!(
            report::decisions_not_applied(&report, &decided(&[&plain])),
            [(ID.to_owned(), 2)]
        );
    }
}

/// The near misses' verdicts in a workbench over `paths` with `decisions`, as
/// `actor @ time verdict`, sorted.
fn near_verdicts(paths: &[PathBuf], decisions: &[&str]) -> Vec<String> {
    let decisions = decided(decisions);
    let app = App::new("j", "ana", decisions.clone()).with_report(scan(paths));
    let mut out: Vec<String> = app
        .near
        .items
        .iter()
        .zip(app.near.verdicts())
        .map(|(it, v)| {
            let e = app
                .report
                .near_misses
                .iter()
                .map(|&i| &app.report.events[i])
                .find(|e| e.key_in(|k| decisions.contains_key(k)) == it.key)
                .unwrap();
            let time = e.time.unwrap().format("%H:%M");
            format!("{} @ {time} {v:?}", e.parties.actor_label())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_content_key_saved_before_parties_were_compared_applies_unless_it_names_two() {
    let dir = tempfile::tempdir().unwrap();
    let ip = "203.0.113.10";
    let mut later = ual_of(ID, ADMIN, ip, false);
    later["CreationTime"] = json!("2025-10-02T11:30:00");
    let a = write(dir.path(), "a.jsonl", &[ual_of(ID, ADMIN, ip, false)]);
    let c = write(dir.path(), "c.jsonl", &[later]);
    let e = write(dir.path(), "e.jsonl", &[ual_of(ID, EVIL, ip, false)]);
    // The key sts-triage a30bbff saved a decision on a's near miss under (read beside c's,
    // another time under the same id): its time, valid-from values and IP only.
    let saved = format!("event:{ID}#48933379");
    for order in [[&a, &c], [&c, &a]] {
        let paths = [order[0].clone(), order[1].clone()];
        assert_eq!(
            near_verdicts(&paths, &[&saved]),
            [
                "admin@contoso.example @ 10:00 Suspicious",
                "admin@contoso.example @ 11:30 Unreviewed"
            ]
        );
        let md = report::markdown_report(&scan(&paths), &decided(&[&saved]), &Default::default());
        assert!(md.contains("## Near misses marked suspicious (1)"), "{md}");
    }
    // The evil record of a's id, time, valid-from values and IP has that key too: it
    // cannot say which of the two it was about, so it applies to neither.
    for paths in [
        [a.clone(), c.clone(), e.clone()],
        [e.clone(), c.clone(), a.clone()],
    ] {
        assert_eq!(
            near_verdicts(&paths, &[&saved]),
            [
                "admin@contoso.example @ 10:00 Unreviewed",
                "admin@contoso.example @ 11:30 Unreviewed",
                "evil@contoso.example @ 10:00 Unreviewed"
            ]
        );
        let md = report::markdown_report(&scan(&paths), &decided(&[&saved]), &Default::default());
        assert!(md.contains("## Near misses marked suspicious (0)"), "{md}");
        // Said, as for a plain key that names two events now.
        assert_eq!(
            report::decisions_not_applied(&scan(&paths), &decided(&[&saved])),
            [(ID.to_owned(), 2)]
        );
        assert!(
            md.contains("was not applied: 2 different events now share this id"),
            "{md}"
        );
    }
}
