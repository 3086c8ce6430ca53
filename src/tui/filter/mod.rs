//! The filter language of the table. A filter is words separated by spaces; a row is
//! shown when it passes every one. How a `col:` term matches comes from the column's kind
//! (`columns::Kind`): fuzzy only for free text; IPs, times and numbers match exactly, by
//! prefix, by CIDR block or by comparison, never fuzzily (fuzzy digits would keep nearly
//! every address). Times are read in the zone the table shows. `SYNTAX` is the language's
//! summary, which the help screen shows and the README's section must list.
//!
//! `parse` reads the text (or says which term is wrong and why), `eval` tests rows, `time`
//! reads time terms; `narrows` says when a new filter only narrows an earlier one (so its
//! result can be filtered instead of every row).

mod eval;
mod parse;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_negated;
mod time;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

pub(crate) use eval::{Resolved, Row, cell_address, matches_terms, resolve};
pub use parse::{
    Cmp, FilterError, Term, Test, column_names, parse_filter, without_unknown_columns,
};
pub use time::{Span, Zone};

use super::columns::{Column, Kind, every_column};

/// The columns the applied `filter`'s `col:` terms name that `columns` (a table's) lack:
/// such a term keeps no row there (`remaining:<0` on the near misses), and the table says
/// why rather than only "no row matches" (newbie 15 #8). A negated term (`!remaining:<0`)
/// keeps every row there and is not named.
pub fn absent_columns(filter: &str, zone: &Zone, columns: &[Column]) -> Vec<Column> {
    let mut out = Vec::new();
    for term in parse_filter(filter, zone).unwrap_or_default() {
        if let Term::Column { column, .. } = term
            && !columns.contains(&column)
            && !out.contains(&column)
        {
            out.push(column);
        }
    }
    out
}

/// The filter language in examples: (what is typed, what it keeps). The help screen lists
/// these rows; the README's "Filter language" section lists every example.
pub const SYNTAX: &[(&str, &str)] = &[
    (
        "helpdsk",
        "a word: its letters in order within one text cell (fuzzy), the start of an IP or number",
    ),
    ("account:alice", "in one column; text columns fuzzily"),
    ("account:=alice@contoso.com", "the whole cell, any case"),
    (
        "isp:=\"Comcast Cable\"",
        "a value with spaces in double quotes (\\\" a quote, \\\\ a backslash)",
    ),
    ("added:>1440", "numbers: = > < >= <= (added:1440 is exact)"),
    ("remaining:<0", "a negative number of minutes left"),
    ("hints:>0", "hints by how many; hints:=app has that badge"),
    (
        "source:portal",
        "the file of the row's own record; copies not searched",
    ),
    (
        "ip:203.0.113.7",
        "that address (IPv4 or IPv6, any spelling of it)",
    ),
    ("ip:10.0.0.0/8", "a CIDR block; ip:2001:db8::/32 for IPv6"),
    ("ip:203.0.113.", "addresses starting so"),
    (
        "time:2024-05",
        "that year, month, day, hour or minute, in the zone shown",
    ),
    (
        "after:2024-05-01",
        "at or after; before:2024-05-02T10:00 is before (Z: UTC)",
    ),
    ("time:>=2024-05-01T10", "times compared: > < >= <="),
    (
        "!word",
        "leaves out rows holding the word itself (not fuzzily)",
    ),
    (
        "!ip:10.0.0.0/8",
        "leaves out what the term keeps; text columns by the text itself",
    ),
];

/// The column names a `col:` term can use, grouped by kind, for the help screen.
pub fn columns_by_kind() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out = Vec::new();
    for (kind, words) in [
        (Kind::Text, "text"),
        (Kind::Number, "numbers"),
        (Kind::Tags, "counted"),
        (Kind::Ip, "IP"),
        (Kind::Time, "time"),
    ] {
        let names: Vec<&str> = every_column()
            .into_iter()
            .filter(|c| c.kind() == kind)
            .filter_map(|c| c.aliases().first().copied())
            .collect();
        if !names.is_empty() {
            out.push((words, names));
        }
    }
    out
}

/// True when the filter `new` can only show fewer rows than `old` did: the same terms, the
/// last one typed further where that can only narrow (a fuzzy word or a typed address
/// prefix extended), or more terms added. Numbers, times and exclusions typed further can
/// widen (`<1` → `<14`), so they are filtered afresh.
pub(super) fn narrows(old: &str, new: &str, zone: &Zone) -> bool {
    if old == new {
        return true;
    }
    if !new.starts_with(old) {
        return false;
    }
    let (Ok(o), Ok(n)) = (parse_filter(old, zone), parse_filter(new, zone)) else {
        return false;
    };
    if o.is_empty() || o.len() > n.len() {
        return false;
    }
    let last = o.len() - 1;
    o[..last] == n[..last]
        && match (&o[last], &n[last]) {
            (a, b) if a == b => true,
            (
                Term::Word {
                    text: a,
                    span: None,
                },
                Term::Word {
                    text: b,
                    span: None,
                },
            ) => b.starts_with(a.as_str()),
            (
                Term::Column {
                    column: ca,
                    test: Test::Fuzzy(a),
                },
                Term::Column {
                    column: cb,
                    test: Test::Fuzzy(b),
                },
            )
            | (
                Term::Column {
                    column: ca,
                    test: Test::Prefix(a),
                },
                Term::Column {
                    column: cb,
                    test: Test::Prefix(b),
                },
                // A boolean word (`proxy:t` -> `proxy:true`) is read as a whole, not as
                // letters: the rows of `proxy:t` are no superset of those of `proxy:true`.
            ) => ca == cb && *ca != Column::Proxy && b.starts_with(a.as_str()),
            _ => false,
        }
}

/// True when the characters of `needle` appear in `hay` in order: the test a fuzzy
/// matcher makes before it scores. Both are lower case.
pub(super) fn is_subsequence(hay: &str, needle: &str) -> bool {
    if needle.is_ascii() {
        // Byte by byte with memchr: an ASCII character cannot stand inside another's UTF-8.
        let hay = hay.as_bytes();
        let mut pos = 0;
        for &b in needle.as_bytes() {
            match memchr::memchr(b, &hay[pos..]) {
                Some(i) => pos += i + 1,
                None => return false,
            }
        }
        return true;
    }
    let mut want = needle.chars();
    let Some(mut c) = want.next() else {
        return true;
    };
    for h in hay.chars() {
        if h == c {
            match want.next() {
                Some(next) => c = next,
                None => return true,
            }
        }
    }
    false
}

/// Character positions of a cell's text that the filter's terms matched, for
/// highlighting: fuzzy words where they matched, prefixes and exact matches whole.
pub fn highlight(
    terms: &[Term],
    column: Column,
    text: &str,
    matcher: &SkimMatcherV2,
) -> Vec<usize> {
    let lower = text.to_lowercase();
    let all = || (0..text.chars().count()).collect::<Vec<_>>();
    let first = |n: usize| (0..n.min(text.chars().count())).collect::<Vec<_>>();
    let mut out = Vec::new();
    for term in terms {
        match term {
            Term::Word { text: word, .. } => match column.kind() {
                Kind::Text | Kind::Tags => {
                    if let Some((_, idx)) = matcher.fuzzy_indices(text, word) {
                        out.extend(idx);
                    }
                }
                Kind::Ip | Kind::Number if lower.starts_with(word.as_str()) => {
                    out.extend(first(word.chars().count()));
                }
                _ => {}
            },
            Term::Column { column: c, test } if *c == column => match test {
                Test::Fuzzy(p) => {
                    if let Some((_, idx)) = matcher.fuzzy_indices(text, p) {
                        out.extend(idx);
                    }
                }
                Test::Prefix(p) => out.extend(first(p.chars().count())),
                // A negated term keeps rows that do not hold it: nothing to mark.
                Test::Contains(_) => {}
                Test::Badge(b) => {
                    let mut at = 0;
                    for part in lower.split(' ') {
                        let n = part.chars().count();
                        if part == b {
                            out.extend(at..at + n);
                        }
                        at += n + 1;
                    }
                }
                _ => out.extend(all()),
            },
            _ => {}
        }
    }
    out
}
