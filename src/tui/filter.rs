//! The filter language of the table: fuzzy terms over the row, `col:text` terms, `!text`
//! exclusions and `after:`/`before:` time windows; and the test that says when a new filter
//! only narrows an earlier one (so its result can be filtered instead of every row).

use super::columns::Column;
use super::items::Packed;
use crate::journal::Verdict;

/// One term of the filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FilterTerm {
    Fuzzy {
        column: Option<String>,
        text: String,
    },
    Exclude(String),
    /// `after:2021-03-01`: events at or after this time (ticks).
    After(i64),
    /// `before:2021-03-01`: events before this time (ticks).
    Before(i64),
}

pub(super) fn parse_filter(filter: &str) -> Vec<FilterTerm> {
    filter
        .split_whitespace()
        .filter_map(|t| {
            for (prefix, after) in [("after:", true), ("before:", false)] {
                let when = t
                    .strip_prefix(prefix)
                    .and_then(crate::dates::parse_export_time);
                if let Some(dt) = when {
                    let ticks = crate::kql::ticks(&dt);
                    return Some(if after {
                        FilterTerm::After(ticks)
                    } else {
                        FilterTerm::Before(ticks)
                    });
                }
            }
            // A column term still being typed (`ip:`) constrains nothing yet.
            if let Some(col) = t.strip_suffix(':')
                && !col.is_empty()
                && col.chars().all(|c| c.is_ascii_alphabetic() || c == '+')
            {
                return None;
            }
            if let Some(rest) = t.strip_prefix('!') {
                return (!rest.is_empty()).then(|| FilterTerm::Exclude(rest.to_lowercase()));
            }
            if let Some((col, text)) = t.split_once(':')
                && !col.is_empty()
                && !text.is_empty()
                && col.chars().all(|c| c.is_ascii_alphabetic() || c == '+')
            {
                return Some(FilterTerm::Fuzzy {
                    column: Some(col.to_owned()),
                    text: text.to_lowercase(),
                });
            }
            Some(FilterTerm::Fuzzy {
                column: None,
                text: t.to_lowercase(),
            })
        })
        .collect()
}

/// True when the filter `new` can only show fewer rows than `old` did: the same terms,
/// the last one typed further (a fuzzy term's text extended), or more terms added.
pub(super) fn narrows(old: &str, new: &str) -> bool {
    if old == new {
        return true;
    }
    if !new.starts_with(old) {
        return false;
    }
    let (o, n) = (parse_filter(old), parse_filter(new));
    if o.is_empty() || o.len() > n.len() {
        return false;
    }
    let last = o.len() - 1;
    o[..last] == n[..last]
        && match (&o[last], &n[last]) {
            (a, b) if a == b => true,
            (
                FilterTerm::Fuzzy {
                    column: ca,
                    text: ta,
                },
                FilterTerm::Fuzzy {
                    column: cb,
                    text: tb,
                },
            ) => ca == cb && tb.starts_with(ta.as_str()),
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

/// A filter term with its column found (once per refresh, not once per row).
pub(super) enum Resolved<'a> {
    Column(usize, &'a str),
    Plain(std::borrow::Cow<'a, str>),
    Exclude(&'a str),
    After(i64),
    Before(i64),
}

pub(super) fn resolve<'a>(terms: &'a [FilterTerm], columns: &[Column]) -> Vec<Resolved<'a>> {
    terms
        .iter()
        .map(|term| match term {
            FilterTerm::After(t) => Resolved::After(*t),
            FilterTerm::Before(t) => Resolved::Before(*t),
            FilterTerm::Exclude(text) => Resolved::Exclude(text),
            FilterTerm::Fuzzy {
                column: Some(name),
                text,
            } => {
                match columns.iter().position(|c| c.matches_name(name)) {
                    Some(i) => Resolved::Column(i, text),
                    // An unknown column name: the term is plain text.
                    None => Resolved::Plain(format!("{}:{text}", name.to_lowercase()).into()),
                }
            }
            FilterTerm::Fuzzy { column: None, text } => Resolved::Plain(text.as_str().into()),
        })
        .collect()
}

/// Whether one row passes every term: `i` is the row in `packed`.
pub(super) fn matches_terms(
    terms: &[Resolved],
    columns: &[Column],
    packed: &Packed,
    i: usize,
    time: Option<i64>,
    verdict: Verdict,
) -> bool {
    terms.iter().all(|term| match term {
        Resolved::After(t) => time.is_some_and(|x| x >= *t),
        Resolved::Before(t) => time.is_some_and(|x| x < *t),
        Resolved::Exclude(text) => {
            !(packed.row(i).contains(text) || verdict.label().contains(text))
        }
        Resolved::Column(c, text) => {
            let cell = match columns.get(*c) {
                Some(Column::Verdict) => verdict.label(),
                _ => packed.cell(i, *c),
            };
            is_subsequence(cell, text)
        }
        // A plain term is matched over the whole row, as fzf matches over a whole line.
        // A plain term matches within one cell (letters spread over several cells, or
        // over a long file path, would match nearly every row). The whole row is tested
        // first: most rows fail there, cheaply. The source path is matched only by
        // `source:` terms, for the same reason.
        Resolved::Plain(text) => {
            is_subsequence(verdict.label(), text)
                || (is_subsequence(packed.row(i), text)
                    && columns.iter().enumerate().any(|(c, col)| {
                        !matches!(col, Column::Source | Column::Verdict)
                            && is_subsequence(packed.cell(i, c), text)
                    }))
        }
    })
}
