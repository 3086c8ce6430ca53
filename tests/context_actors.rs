#![allow(clippy::panic, clippy::unwrap_used)]
//! Who did it, and to whom, when attackers choose the names: inputs in
//! `tests/fixtures/context-actors/` (written by its `make.py`, synthetic values in the real
//! shapes). An identity comes from ids and UPNs, never from a display name alone; an IP
//! address is the same address however a record writes it.

use sts_triage::hints::{Hint, HintConfig, Inputs};
use sts_triage::scan::ScanReport;

mod support;
use support::scan;

const DIR: &str = "tests/fixtures/context-actors";

/// The context hints of each STS event, by the event's actor.
fn hints_by_actor(report: &ScanReport) -> Vec<(String, Vec<Hint>)> {
    let inputs = Inputs::new(report, HintConfig::default());
    (0..report.events.len())
        .map(|i| {
            let actor = report.events[i].parties.actor_label().to_owned();
            (actor, inputs.event_hints(i))
        })
        .collect()
}

#[test]
fn a_sign_in_from_the_same_address_written_another_way_is_no_other_ip() {
    let report = scan(&[&format!("{DIR}/signin-addresses.jsonl")]);
    let hints = hints_by_actor(&report);
    assert_eq!(hints.len(), 8, "{hints:?}");
    // The same address: with a port, IPv4-mapped IPv6 (bare, bracketed with a port), the
    // revocation's ClientIP bracketed with a port, IPv6 in capitals without zero
    // compression, IPv6 with a port against leading zeros.
    for (n, (actor, h)) in hints.iter().enumerate().take(6) {
        assert_eq!(actor, &format!("agent{n}@contoso.com"));
        assert!(
            !h.iter().any(|h| matches!(h, Hint::SignIn { .. })),
            "{actor}: {h:?}"
        );
    }
    // Another address: the hint names it as the sign-in wrote it.
    for (n, written) in [(6, "198.51.100.11:51000"), (7, "[2001:DB8::C]:443")] {
        let (actor, h) = &hints[n];
        assert_eq!(actor, &format!("agent{n}@contoso.com"));
        let ip = h.iter().find_map(|h| match h {
            Hint::SignIn { ip, .. } => Some(ip.as_str()),
            _ => None,
        });
        assert_eq!(ip, Some(written), "{actor}: {h:?}");
    }
}
