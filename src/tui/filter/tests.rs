//! The filter language, table-driven: every operator on every kind of column, and every
//! error, over five synthetic flagged rows.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::journal::{Decision, Verdict};
use crate::tui::columns::{FINDING_COLUMNS, finding};
use crate::tui::items::{ItemText, Packed};
use crate::tui::local_zone::LocalZone;

pub(super) struct Fixture {
    items: Vec<ItemText>,
    verdicts: Vec<Verdict>,
    packed: Packed,
    decisions: HashMap<String, Decision>,
}

/// (key, time, account, ip, isp, added, remaining, events, hints, verdict)
pub(super) type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    Option<i64>,
    i64,
    &'static str,
    Verdict,
);

const ROWS: [Spec; 5] = [
    (
        "a",
        "2024-04-30T23:30:00Z",
        "alice@contoso.com",
        "203.0.113.7",
        "Comcast",
        Some(1440),
        Some(-5),
        1,
        "new app",
        Verdict::Unreviewed,
    ),
    (
        "b",
        "2024-05-01T00:30:00Z",
        "bob@fabrikam.com",
        "2001:db8::1",
        "Fabrikam ISP",
        Some(60),
        Some(100),
        12,
        "",
        Verdict::Suspicious,
    ),
    (
        "c",
        "2024-05-15T10:00:00Z",
        "carol@contoso.com",
        "10.1.2.3",
        "Comcast Cable",
        Some(1441),
        Some(0),
        2,
        "app",
        Verdict::Legitimate,
    ),
    (
        "d",
        "2024-06-01T00:00:00Z",
        "helpdesk@contoso.com",
        "::ffff:10.9.9.9",
        "",
        None,
        None,
        3,
        "",
        Verdict::Unreviewed,
    ),
    (
        "e",
        "2024-06-01T00:00:01Z",
        "eve@contoso.com",
        "203.0.1.7",
        "Tor exit",
        Some(5),
        Some(5),
        4,
        "",
        Verdict::Unreviewed,
    ),
];

fn fixture() -> Fixture {
    fixture_of(&ROWS)
}

pub(super) fn fixture_of(rows: &[Spec]) -> Fixture {
    let mut items = Vec::new();
    let mut verdicts = Vec::new();
    let mut packed = Packed::default();
    for &(key, time, account, ip, isp, added, remaining, events, hints, verdict) in rows {
        let t = chrono::DateTime::parse_from_rfc3339(time)
            .expect("time")
            .to_utc();
        let mut cells = vec![String::new(); FINDING_COLUMNS.len()];
        let mut numbers = vec![None; FINDING_COLUMNS.len()];
        cells[finding(Column::Time)] = t.format("%Y-%m-%d %H:%M:%S").to_string();
        cells[finding(Column::Account)] = account.to_owned();
        cells[finding(Column::Ip)] = ip.to_owned();
        cells[finding(Column::Isp)] = isp.to_owned();
        cells[finding(Column::Added)] = added.map(|n| n.to_string()).unwrap_or_default();
        cells[finding(Column::Remaining)] = remaining.map(|n| n.to_string()).unwrap_or_default();
        cells[finding(Column::Events)] = events.to_string();
        cells[finding(Column::Hint)] = hints.to_owned();
        cells[finding(Column::Source)] = "evidence/contoso-export.json".to_owned();
        cells[finding(Column::Target)] = target_of(key).to_owned();
        numbers[finding(Column::Added)] = added;
        numbers[finding(Column::Remaining)] = remaining;
        numbers[finding(Column::Events)] = Some(events);
        numbers[finding(Column::Hint)] =
            Some(i64::try_from(hints.split_whitespace().count()).unwrap_or(0));
        let item = ItemText::new(
            key.to_owned(),
            cells,
            numbers,
            Some(crate::kql::ticks(&t)),
            false,
        );
        packed.push(&item);
        items.push(item);
        verdicts.push(verdict);
    }
    let mut decisions = HashMap::new();
    decisions.insert(
        "c".to_owned(),
        Decision {
            verdict: Verdict::Legitimate,
            note: "Revoked by the helpdesk".to_owned(),
            ..Decision::default()
        },
    );
    Fixture {
        items,
        verdicts,
        packed,
        decisions,
    }
}

/// Whose tokens changed: one user, or a row of several (the cell the table builds for them).
fn target_of(key: &str) -> &'static str {
    match key {
        "a" => "Miriam.Graham@contoso.com",
        "b" => {
            "2 users: grady.archie@fabrikam.onmicrosoft.com, isaiah.langer@fabrikam.onmicrosoft.com"
        }
        _ => "",
    }
}

pub(super) fn kept(f: &Fixture, filter: &str, zone: &Zone) -> String {
    let terms = parse_filter(filter, zone).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let resolved = resolve(&terms, &FINDING_COLUMNS);
    (0..f.items.len())
        .filter(|&i| {
            matches_terms(
                &resolved,
                &Row {
                    columns: &FINDING_COLUMNS,
                    packed: &f.packed,
                    i,
                    item: &f.items[i],
                    verdict: f.verdicts[i],
                    decisions: &f.decisions,
                    zone: match zone {
                        Zone::Local(z) => Some(z),
                        Zone::Utc => None,
                    },
                },
            )
        })
        .map(|i| f.items[i].key.as_str())
        .collect()
}

#[test]
fn every_operator_keeps_what_it_says() {
    let f = fixture();
    let cases = [
        // Free words: fuzzy in text cells, prefix on IPs and numbers, a span on the time.
        ("alce", "a"),
        ("contoso", "acde"),
        ("2037", ""),
        ("203.0.1", "ae"),
        ("2024-05", "bc"),
        ("2024", "abcde"),
        // Text columns.
        ("account:alice", "a"),
        ("account:=ALICE@contoso.com", "a"),
        ("account:=alice", ""),
        ("isp:comcast", "ac"),
        ("isp:=comcast", "a"),
        ("verdict:sus", "b"),
        ("note:revoked", "c"),
        ("source:contoso", "abcde"),
        // Numbers: exact or compared, never by their digits.
        ("added:1440", "a"),
        ("added:=60", "b"),
        ("added:>1440", "c"),
        ("added:>=1440", "ac"),
        ("added:<60", "e"),
        ("added:<=60", "be"),
        ("remaining:<0", "a"),
        ("remaining:-5", "a"),
        ("events:1", "a"),
        ("events:>3", "be"),
        // Hints: words, badges, counts.
        ("hints:>0", "ac"),
        ("hints:=0", "bde"),
        ("hints:=app", "ac"),
        ("hints:=new", "a"),
        ("hints:ne", "a"),
        // IPs: an address in any spelling, a CIDR block, a typed prefix.
        ("ip:203.0.1.7", "e"),
        ("ip:203.0.113.7", "a"),
        ("ip:=2001:0db8:0:0::1", "b"),
        ("ip:2001:db8::/32", "b"),
        ("ip:10.0.0.0/8", "cd"),
        ("ip:10.1.2.3/32", "c"),
        ("ip:10.1.2.99/24", "c"),
        ("ip:0.0.0.0/0", "acde"),
        ("ip:::/0", "b"),
        ("ip:203.0.1", "ae"),
        ("ip:203.0.1.", "e"),
        ("ip:2001:db8", "b"),
        // Times in the zone shown (UTC here).
        ("time:2024-05", "bc"),
        ("time:2024-05-01T00", "b"),
        ("time:2024-06-01T00:00:00", "d"),
        ("time:=2024-06-01T00:00:01", "e"),
        ("time:>2024-05", "de"),
        ("time:>=2024-05-15", "cde"),
        ("time:<2024-05", "a"),
        ("time:<=2024-05", "abc"),
        ("after:2024-05-01", "bcde"),
        ("before:2024-05-01", "a"),
        ("after:2024-05-01 before:2024-06", "bc"),
        ("after:2024-05-01T00:30Z", "bcde"),
        // Exclusion and negation.
        ("!contoso", "b"),
        ("!ip:10.0.0.0/8", "abe"),
        ("!added:>100", "bde"),
        ("!after:2024-05", "a"),
        // Terms combine; terms still being typed constrain nothing.
        ("contoso ip:10.0.0.0/8", "cd"),
        ("ip: added:> ! account:= !ip:", "abcde"),
        // A column the table lacks (near misses have a Reason, flagged rows do not).
        ("reason:x", ""),
    ];
    for (filter, want) in cases {
        assert_eq!(kept(&f, filter, &Zone::Utc), want, "{filter:?}");
    }
}

/// A value with spaces goes in double quotes; inside them `\"` is a quote and `\\` a
/// backslash. Without quotes, the space ends the term.
#[test]
fn quoted_values_keep_their_spaces() {
    let f = fixture();
    let cases = [
        (r#"isp:="Comcast Cable""#, "c"),
        ("isp:=Comcast Cable", ""),
        (r#"isp:"comcast cable""#, "c"),
        (r#"isp:="tor exit""#, "e"),
        (r#"!isp:="Comcast Cable""#, "abde"),
        (r#""tor exit""#, "e"),
        (r#"!"comcast cable""#, "abde"),
        (r#"note:"revoked by the""#, "c"),
        (r#"account:"alice@contoso.com""#, "a"),
        // Still being typed: an open quote runs to the end.
        (r#"isp:"comcast ca"#, "c"),
        (r#"isp:="comcast ca"#, ""),
        (r#"isp:"#, "abcde"),
        (r#"isp:"""#, "abcde"),
    ];
    for (filter, want) in cases {
        assert_eq!(kept(&f, filter, &Zone::Utc), want, "{filter:?}");
    }
    let term = |filter: &str| parse_filter(filter, &Zone::Utc).unwrap();
    assert_eq!(
        term(r#"note:="say \"hi\" \\ ok" isp:x"#),
        [
            Term::Column {
                column: Column::Note,
                test: Test::Exact(r#"say "hi" \ ok"#.to_owned()),
            },
            Term::Column {
                column: Column::Isp,
                test: Test::Fuzzy("x".to_owned()),
            },
        ]
    );
    // A colon inside quotes is not a column; a quoted `!` is a character.
    assert_eq!(
        term(r#""ip:x" "!y""#),
        [
            Term::Word {
                text: "ip:x".to_owned(),
                span: None
            },
            Term::Word {
                text: "!y".to_owned(),
                span: None
            },
        ]
    );
    // An error names the term as typed, quotes and all.
    let err = parse_filter(r#"isp:x added:"a b""#, &Zone::Utc).unwrap_err();
    assert_eq!(err.term, r#"added:"a b""#);
}

#[test]
fn time_terms_follow_the_zone_shown() {
    let f = fixture();
    let plus2 = Zone::Local(Arc::new(LocalZone::fixed(2 * 3600)));
    let minus5 = Zone::Local(Arc::new(LocalZone::fixed(-5 * 3600)));
    let cases = [
        // Row a is 2024-04-30 23:30 UTC: 2024-05-01 01:30 at +02:00.
        ("time:2024-05", &plus2, "abc"),
        ("2024-05", &plus2, "abc"),
        ("before:2024-05-01", &plus2, ""),
        ("after:2024-06-01", &plus2, "de"),
        // Rows d and e are 2024-05-31 19:00 at -05:00.
        ("time:2024-05", &minus5, "cde"),
        ("time:2024-05-31T19", &minus5, "de"),
        ("time:2024-05-31T19Z", &minus5, ""),
    ];
    for (filter, zone, want) in cases {
        assert_eq!(kept(&f, filter, zone), want, "{filter:?} {zone:?}");
    }
}

/// Four rows around the autumn clock change in Berlin (breaker14 #3): p at 00:30Z and q at
/// 01:30Z both read 02:30 (+02, then +01), r at 02:30Z reads 03:30, s the day before at
/// 23:59:59Z reads 01:59:59.
fn autumn() -> (Fixture, Zone) {
    let row = |key, time| {
        let (_, _, account, ip, isp, added, remaining, events, hints, verdict) = ROWS[0];
        (
            key, time, account, ip, isp, added, remaining, events, hints, verdict,
        )
    };
    let f = fixture_of(&[
        row("r", "2025-10-26T02:30:00Z"),
        row("q", "2025-10-26T01:30:00Z"),
        row("p", "2025-10-26T00:30:00Z"),
        row("s", "2025-10-25T23:59:59Z"),
    ]);
    // TZ=Europe/Berlin, read from a zone file made for the test (not the machine's).
    let files = crate::tui::local_zone::tests::files;
    let berlin = LocalZone::resolve(Some("Europe/Berlin"), None, None, &files);
    assert_eq!(berlin.label(), "Europe/Berlin");
    (f, Zone::Local(Arc::new(berlin)))
}

#[test]
fn a_local_hour_read_twice_keeps_the_rows_of_both_and_comparisons_follow_the_readings() {
    let (f, berlin) = autumn();
    let cases = [
        // Both rows whose Time reads 02:30, whichever occurrence.
        ("time:2025-10-26T02", "qp"),
        ("time:2025-10-26T02:30", "qp"),
        ("time:2025-10-26T02:30:00", "qp"),
        ("2025-10-26T02", "qp"),
        // Compared as the Time column reads: 02:30 is after 02:00, 01:59:59 is not.
        ("after:2025-10-26T02", "rqp"),
        ("time:>=2025-10-26T02", "rqp"),
        ("time:<=2025-10-26T02", "qps"),
        ("before:2025-10-26T02", "s"),
        ("time:<2025-10-26T03", "qps"),
        ("time:>2025-10-26T02", "r"),
        ("after:2025-10-26T02:31", "r"),
        ("time:2025-10-26", "rqps"),
        ("time:2025-10-25", ""),
        // In UTC (Z) one instant only.
        ("time:2025-10-26T01:30Z", "q"),
        ("time:2025-10-26T00Z", "p"),
    ];
    for (filter, want) in cases {
        assert_eq!(kept(&f, filter, &berlin), want, "{filter}");
        // Each keeps exactly the rows whose Time cell, as shown, it names.
    }
    let Zone::Local(z) = &berlin else {
        unreachable!()
    };
    let shown: Vec<String> = f
        .items
        .iter()
        .map(|i| z.text(i.time.unwrap_or(0)))
        .collect();
    assert_eq!(
        shown,
        [
            "2025-10-26 03:30:00",
            "2025-10-26 02:30:00+01",
            "2025-10-26 02:30:00+02",
            "2025-10-26 01:59:59"
        ]
    );
    // The term says it reads a repeated time; a time skipped in spring is an error.
    let terms = parse_filter("time:2025-10-26T02 after:2025-10-26T01", &berlin).unwrap();
    let repeated: Vec<bool> = terms
        .iter()
        .map(|t| matches!(t, Term::Column { test: Test::Time(_, s), .. } if s.repeated))
        .collect();
    assert_eq!(repeated, [true, false]);
    let err = parse_filter("time:2025-03-30T02:30", &berlin).unwrap_err();
    assert!(
        err.message.contains("does not exist in local time"),
        "{err}"
    );
    // The hour before the spring gap exists whole (its end, 02:00, does not).
    assert!(parse_filter("time:2025-03-30T01", &berlin).is_ok());
}

#[test]
fn every_error_names_the_term_and_what_is_wrong() {
    let cases = [
        ("foo:bar", "no column \"foo\""),
        ("acount:ops", "columns: time account"),
        ("acount:ops", "did you mean account? no column \"acount\""),
        ("tagret:x", "did you mean target?"),
        ("after:2024-13-45", "month 13 does not exist"),
        ("before:2024-02-30", "no day 30"),
        ("time:2024-05-01T25", "hour 25"),
        ("time:>may", "is not a time"),
        ("added:>abc", "\"abc\" is not a whole number"),
        ("events:1.5", "not a whole number"),
        ("hints:>x", "not a whole number"),
        ("account:>5", "compares with = only"),
        ("ip:<10.0.0.1", "compares with = only"),
        ("ip:10.0.0.0/33", "0 to 32"),
        ("ip:2001:db8::/129", "0 to 128"),
        ("ip:10.0.0.0/", "prefix length is missing"),
        ("ip:10.0.0/8", "is not an IP address"),
        ("ip:=10.0", "not a whole IP address"),
        ("ip:zz", "not an IP address"),
        ("!foo:x", "no column"),
    ];
    for (filter, says) in cases {
        let typed = format!("contoso {filter}");
        let err = parse_filter(&typed, &Zone::Utc).expect_err(filter);
        assert_eq!(err.term, filter, "the error names the term");
        assert!(err.to_string().contains(says), "{filter}: {err}");
    }
}

#[test]
fn a_whole_ipv6_address_is_a_word_not_a_column() {
    for word in ["dead::beef", "fe80::1", "abc::/16"] {
        let terms = parse_filter(word, &Zone::Utc).expect(word);
        assert!(matches!(terms[0], Term::Word { .. }), "{word}: {terms:?}");
    }
}

#[test]
fn narrowing_is_claimed_only_where_typing_further_can_only_narrow() {
    let cases = [
        ("al", "alice", true),
        ("al", "al ip:10", true),
        ("account:al", "account:alic", true),
        ("ip:203.0", "ip:203.0.113", true),
        ("added:<1", "added:<14", false),
        ("added:1", "added:14", false),
        ("!ab", "!abc", false),
        ("before:2024", "before:2024-05", false),
        ("ip:10.0.0.0/1", "ip:10.0.0.0/16", false),
        ("alice", "al", false),
        ("foo:", "foo:x", false),
    ];
    for (old, new, want) in cases {
        assert_eq!(narrows(old, new, &Zone::Utc), want, "{old:?} → {new:?}");
    }
}

#[test]
fn every_column_has_a_filter_name_and_every_name_one_column() {
    let all = every_column();
    let mut names: Vec<&str> = all
        .iter()
        .flat_map(|c| c.aliases().iter().copied())
        .collect();
    for c in &all {
        assert!(!c.aliases().is_empty(), "{c:?}");
        let name = c.aliases()[0];
        let value = if c.kind() == Kind::Time { "2024" } else { "1" };
        let term = parse_filter(&format!("{name}:{value}"), &Zone::Utc).expect(name);
        assert!(
            matches!(&term[0], Term::Column { column, .. } if column == c),
            "{name}"
        );
    }
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "a name used by two columns");
    assert!(!names.contains(&"after") && !names.contains(&"before"));
}

#[test]
fn a_name_filter_keeps_rows_of_that_name_not_rows_of_several_other_users() {
    let f = fixture();
    // Over the whole list of row b the letters of "miriam" stand in order (onMIcRosoft.com,
    // IsAiah…onMicrosoft); a verdict on "every row shown" would have landed on b.
    for filter in ["target:miriam", "miriam", "tgt:mgraham"] {
        assert_eq!(kept(&f, filter, &Zone::Utc), "a", "{filter}");
    }
    for filter in ["target:isaiah", "target:ilanger"] {
        assert_eq!(kept(&f, filter, &Zone::Utc), "b", "{filter}");
    }
    // `2 users` is the table's summary of row b, no target's name.
    for filter in ["target:2 users", "target:\"2 users\"", "target:=2 users"] {
        assert_eq!(kept(&f, filter, &Zone::Utc), "", "{filter}");
    }
    assert_eq!(
        kept(&f, "target:=miriam.graham@contoso.com", &Zone::Utc),
        "a"
    );
}

/// `flag:` keeps the rows marked ⚠, by the mark or by why (newbie 13b, findings 2 and 5):
/// a row's ⚠ is drawn alone, and `flag:conflict` found no row.
#[test]
fn flag_terms_keep_rows_by_the_mark_and_by_why() {
    use crate::tui::items::FlagWhy;
    let mut f = fixture();
    let flag = finding(Column::Flag);
    f.items[0].mark(flag, FlagWhy::CTRL);
    f.items[1].mark(flag, FlagWhy::CONFLICT);
    f.items[1].mark(flag, FlagWhy::LOOKALIKE);
    f.items[3].mark(flag, FlagWhy::LOOKALIKE);
    f.packed.rebuild(&f.items);
    // The table draws the mark alone, whatever the reasons.
    assert_eq!(&f.items[1].cells[flag], "⚠");
    let cases = [
        ("flag:⚠", "abd"),
        ("flag:conflict", "b"),
        ("flag:=conflict", "b"),
        ("flag:lookalike", "bd"),
        ("flag:ctrl", "a"),
        ("!flag:conflict", "acde"),
        ("!flag:⚠", "ce"),
        ("flag:=⚠", "abd"),
        // A word of no reason keeps nothing, and a free word never reads the reasons.
        ("flag:proxy", ""),
        ("conflict", ""),
    ];
    for (filter, want) in cases {
        assert_eq!(kept(&f, filter, &Zone::Utc), want, "{filter}");
    }
}
