//! Negated terms (split out of `tests`): a negated term leaves out only the rows that hold
//! what it names, over rows of service accounts and their look-alikes.

use super::tests::{fixture_of, kept};
use super::*;
use crate::journal::Verdict;

/// A negated term leaves out only the rows that hold what it names (breaker 15, finding 5):
/// `!account:svc` left out `steve.clark` (s…v…c in order) and `!203.0.113.1` left out
/// `203.0.113.17`, so filtering out known service accounts or an admin's address hid their
/// look-alikes, the names an attacker picks; `!!account:svc` constrained nothing, unsaid.
#[test]
fn a_negated_term_leaves_out_only_the_rows_holding_what_it_names() {
    let row = |key, account, ip| {
        (
            key,
            "2024-05-01T00:00:00Z",
            account,
            ip,
            "",
            None,
            None,
            1,
            "",
            Verdict::Unreviewed,
        )
    };
    let f = fixture_of(&[
        row("a", "svc-backup@contoso.com", "203.0.113.1"),
        row("b", "svc-sync@contoso.com", "203.0.113.1"),
        row("c", "steve.clark@contoso.com", "203.0.113.17"),
        row("d", "svc2@contoso.com", "2001:db8::1a"),
    ]);
    let cases = [
        // Kept fuzzily, left out by the text itself.
        ("account:svc", "abcd"),
        ("!account:svc", "c"),
        ("!acc:svc-", "cd"),
        ("!svc", "c"),
        // A whole address leaves out that address, never a longer one it begins.
        ("!203.0.113.1", "cd"),
        ("!ip:203.0.113.1", "cd"),
        ("!2001:db8::1", "abcd"),
        ("!2001:db8::1a", "abc"),
        // A prefix is still there for who wants it, said as one.
        ("!ip:203.0.113.", "d"),
    ];
    for (filter, want) in cases {
        assert_eq!(kept(&f, filter, &Zone::Utc), want, "{filter}");
    }
    let err = parse_filter("!!account:svc", &Zone::Utc).expect_err("!!");
    assert_eq!(err.term, "!!account:svc");
    assert!(err.to_string().contains("write account:svc"), "{err}");
}
