//! Whose and when, in words, for decisions read from a journal: the workbench's start
//! (`12 earlier decisions replayed: 9 by alice (2026-11-30 09:12 to 2026-12-01 23:13 UTC),
//! 3 by you (2026-11-30 10:00 UTC)`) and what another workbench appended meanwhile (`2
//! decisions by bob (2026-12-02 02:40 UTC) read from the journal`). The journal's entries
//! carry the analyst and the time; an analyst picking a case up sees whose verdicts the
//! screen shows, and that they are not their own, before reading one row.

use std::collections::{BTreeMap, HashMap};

/// The most analysts named; the others are counted (`and 2 more analysts`).
const NAMED: usize = 3;

/// `9 by alice (2026-11-30 09:12 to 2026-12-01 23:13 UTC), 3 by you (…)`: per analyst of
/// `decided` (analyst, RFC 3339 time), how many and when (the minute, UTC; a range when
/// they differ), the most recent first. `me` is said `you`; an empty name is `unknown`;
/// names are neutralised (a journal is a file anyone may edit) and a long one cut
/// ([`super::shown_analyst`]). Empty when `decided` is.
pub fn whose_text<'a>(decided: impl Iterator<Item = (&'a str, &'a str)>, me: &str) -> String {
    // Per analyst: count, first and last time (RFC 3339 UTC strings order as times).
    let mut by: BTreeMap<&str, (usize, &str, &str)> = BTreeMap::new();
    for (analyst, time) in decided {
        let e = by.entry(analyst.trim()).or_insert((0, time, time));
        e.0 += 1;
        if !time.is_empty() && (e.1.is_empty() || time < e.1) {
            e.1 = time;
        }
        if time > e.2 {
            e.2 = time;
        }
    }
    let mut list: Vec<(&str, (usize, &str, &str))> = by.into_iter().collect();
    // The most recent first; then by name, so that the text is the same on every start.
    list.sort_by(|a, b| b.1.2.cmp(a.1.2).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = list
        .iter()
        .take(NAMED)
        .map(|(who, (n, first, last))| {
            let who = if *who == me.trim() && !who.is_empty() {
                "you".to_owned()
            } else if who.is_empty() {
                "unknown".to_owned()
            } else {
                super::shown_analyst(who)
            };
            let (first, last) = (minute(first), minute(last));
            let when = match (first, last) {
                (Some(a), Some(b)) if a != b => format!(" ({a} to {b} UTC)"),
                (_, Some(b)) => format!(" ({b} UTC)"),
                _ => String::new(),
            };
            format!("{n} by {who}{when}")
        })
        .collect();
    if list.len() > NAMED {
        let more = list.len() - NAMED;
        parts.push(format!(
            "and {more} more analyst{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    parts.join(", ")
}

/// What the workbench's start says of a journal's decisions (a verdict or a note):
/// `3 earlier decisions replayed: 2 by alice (…), 1 by you (…)`, or `0 earlier decisions
/// replayed`.
pub fn replayed_text(decisions: &HashMap<String, super::Decision>, me: &str) -> String {
    let decided: Vec<&super::Decision> = decisions
        .values()
        .filter(|d| d.verdict != super::Verdict::Unreviewed || !d.note.is_empty())
        .collect();
    let n = decided.len();
    if n == 0 {
        return "0 earlier decisions replayed".to_owned();
    }
    let whose = whose_text(
        decided
            .iter()
            .map(|d| (d.analyst.as_str(), d.time.as_str())),
        me,
    );
    format!(
        "{n} earlier decision{} replayed: {whose}",
        if n == 1 { "" } else { "s" }
    )
}

/// `2026-12-01 23:13` of an RFC 3339 time, in UTC; None when it does not read as one.
fn minute(time: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(time).ok().map(|t| {
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_analyst_with_a_count_and_when_the_most_recent_first() {
        let decided = [
            ("alice", "2026-12-01T23:13:29.686Z"),
            ("bob", "2026-11-30T10:00:00.000Z"),
            ("alice", "2026-11-30T09:12:00.000Z"),
        ];
        assert_eq!(
            whose_text(decided.into_iter(), "bob"),
            "2 by alice (2026-11-30 09:12 to 2026-12-01 23:13 UTC), 1 by you (2026-11-30 10:00 UTC)"
        );
        assert_eq!(
            whose_text([("", "garbage"), ("e\u{1b}[2Jve", "")].into_iter(), "x"),
            "1 by unknown, 1 by e\\x1b[2Jve"
        );
        let many = [
            ("a", "2026-01-01T00:00:00Z"),
            ("b", "2026-01-02T00:00:00Z"),
            ("c", "2026-01-03T00:00:00Z"),
            ("d", "2026-01-04T00:00:00Z"),
            ("e", "2026-01-05T00:00:00Z"),
        ];
        assert!(
            whose_text(many.into_iter(), "x").ends_with(", and 2 more analysts"),
            "{}",
            whose_text(many.into_iter(), "x")
        );
        assert_eq!(whose_text(std::iter::empty(), "x"), "");
    }

    #[test]
    fn the_start_says_how_many_decisions_and_whose() {
        let d = |verdict, analyst: &str, time: &str| super::super::Decision {
            verdict,
            analyst: analyst.to_owned(),
            time: time.to_owned(),
            ..Default::default()
        };
        let mut decisions = HashMap::new();
        decisions.insert(
            "row:a".to_owned(),
            d(
                super::super::Verdict::Suspicious,
                "alice",
                "2026-12-01T23:13:29.686Z",
            ),
        );
        // Undone: no decision, not counted.
        decisions.insert(
            "row:b".to_owned(),
            d(
                super::super::Verdict::Unreviewed,
                "bob",
                "2026-12-01T23:14:00Z",
            ),
        );
        assert_eq!(
            replayed_text(&decisions, "carol"),
            "1 earlier decision replayed: 1 by alice (2026-12-01 23:13 UTC)"
        );
        decisions.clear();
        assert_eq!(
            replayed_text(&decisions, "carol"),
            "0 earlier decisions replayed"
        );
    }
}
