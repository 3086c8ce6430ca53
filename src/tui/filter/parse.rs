//! Reading the filter's text into terms, or an error naming the term and what is wrong
//! with it. Which test a `col:` term makes comes from the column's kind (`columns::Kind`).

use std::net::IpAddr;

use super::time::{Span, Zone, parse_span};
use crate::tui::columns::{Column, Kind, every_column};

/// How a value is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a column term asks of the column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The letters in order within the cell (lower case), as fzf matches: text only.
    Fuzzy(String),
    /// The text itself within the cell (lower case), letters next to each other: what a
    /// negated text term tests (`!account:svc`). Negating a fuzzy test would leave out the
    /// look-alikes of what is named (`steve.clark` holds `s…v…c`), and a hidden row is
    /// worse than a row kept too many: an attacker picks names like the ones filtered out.
    Contains(String),
    /// The whole cell, in any case.
    Exact(String),
    /// A number (or a Tags column's count) compared.
    Number(Cmp, i64),
    /// One of a Tags cell's badges, whole.
    Badge(String),
    /// The same IP address (IPv4-mapped IPv6 counts as its IPv4 address).
    Address(IpAddr),
    /// An address in a CIDR block (network address, prefix length).
    Cidr(IpAddr, u8),
    /// An address typed in part: the cell's text starts with it.
    Prefix(String),
    /// The row's time compared with a span: `Eq` within it, `Ge` from its start, `Gt`
    /// from its end, `Lt` before its start, `Le` before its end.
    Time(Cmp, Span),
}

/// One term of the filter; a row is shown when it passes every term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A free word: fuzzily within one text cell; the start of an IP or number cell; and
    /// when it reads as a time (`2024-05`), that span of the row's time.
    Word { text: String, span: Option<Span> },
    /// `!word`: rows containing the word in any cell (or their verdict) are left out.
    Exclude(String),
    /// `!203.0.113.1`: a word that reads as a whole IP address leaves out the rows with that
    /// address, as a whole value (an IP cell's address, or the address in a text cell not
    /// run on into more digits), never `203.0.113.17`, as a text test would.
    ExcludeAddress(IpAddr, String),
    /// `col:…` (and `after:`, `before:` on the time).
    Column { column: Column, test: Test },
    /// `!col:…`: the rows the column term would not keep.
    Not(Box<Term>),
}

/// A term the filter cannot read: the term as typed and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{term}: {message}")]
pub struct FilterError {
    pub term: String,
    pub message: String,
}

/// Reads a filter. Times are read in `zone` (the zone the table shows). A term still being
/// typed (`ip:`, `added:>`, `!`) constrains nothing yet; a term that cannot mean anything
/// (an unknown column, month 13, a word where a number goes) is an error.
pub fn parse_filter(filter: &str, zone: &Zone) -> Result<Vec<Term>, FilterError> {
    let mut terms = Vec::new();
    for token in tokens(filter) {
        let fail = |message: String| FilterError {
            term: token.typed.to_owned(),
            message,
        };
        let (negated, body, head) = match token.text.strip_prefix('!') {
            Some(rest) if token.head > 0 => (true, rest, token.head - 1),
            _ => (false, token.text.as_str(), token.head),
        };
        // `!!account:svc` read as `!` of `!account:svc` would keep what it seems to leave
        // out, and read as nothing it constrained nothing unsaid: it is an error.
        if negated && head > 0 && body.starts_with('!') {
            return Err(fail(format!(
                "`!!` is no term: write {} to keep those rows, or !{} to leave them out",
                &token.typed[2..],
                &token.typed[2..]
            )));
        }
        let Some(term) = parse_term(body, head, zone).map_err(fail)? else {
            continue;
        };
        terms.push(match (negated, term) {
            (true, Term::Word { text, .. }) => match text.parse::<IpAddr>() {
                Ok(addr) => Term::ExcludeAddress(addr.to_canonical(), text),
                Err(_) => Term::Exclude(text),
            },
            (
                true,
                Term::Column {
                    column,
                    test: Test::Fuzzy(text),
                },
            ) => Term::Not(Box::new(Term::Column {
                column,
                test: Test::Contains(text),
            })),
            (true, term) => Term::Not(Box::new(term)),
            (false, term) => term,
        });
    }
    Ok(terms)
}

/// The filter with its terms that name no column left out, the others as typed (one space
/// apart), when the rest can be read: what stays applied while such a term is there, so
/// `remaining:>60 acount:ops` (no column `acount`) keeps the rows of `remaining:>60`, never
/// those of the word `acount` it was a keystroke before the colon. `None` when another term
/// is wrong (`after:2021-13`): the last filter that could be read then stays, as a value being
/// typed further is often wrong on the way (`after:2021-1` → `-13` → `-03`).
pub fn without_unknown_columns(filter: &str, zone: &Zone) -> Option<String> {
    let kept: Vec<&str> = tokens(filter)
        .into_iter()
        .filter(|t| !names_no_column(t))
        .map(|t| t.typed)
        .collect();
    let kept = kept.join(" ");
    parse_filter(&kept, zone).is_ok().then_some(kept)
}

/// True when the token is a column term (negated or not) whose column does not exist.
fn names_no_column(token: &Token) -> bool {
    let (body, head) = match token.text.strip_prefix('!') {
        Some(rest) if token.head > 0 => (rest, token.head - 1),
        _ => (token.text.as_str(), token.head),
    };
    column_part(body, head).is_some_and(|(name, _)| {
        let name = name.to_ascii_lowercase();
        !matches!(name.as_str(), "after" | "before")
            && !every_column().into_iter().any(|c| c.matches_name(&name))
    })
}

/// One term of the filter's text: as typed, and its text with the quotes taken off.
struct Token<'a> {
    typed: &'a str,
    text: String,
    /// The bytes of `text` before the first quote: only there can a column name be.
    head: usize,
}

/// The filter's terms: runs of characters between spaces, where a part in double quotes
/// keeps its spaces (`account:"Contoso Admin"`, `"sign in"`); inside quotes `\"` is a
/// quote and `\\` a backslash. A quote still open at the end (being typed) runs to the end.
fn tokens(filter: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = filter.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let (mut text, mut head, mut quoted) = (String::new(), None, false);
        let mut end = filter.len();
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() && !quoted {
                end = i;
                break;
            }
            chars.next();
            match c {
                '"' => {
                    head.get_or_insert(text.len());
                    quoted = !quoted;
                }
                '\\' if quoted => {
                    if let Some(&(_, next @ ('"' | '\\'))) = chars.peek() {
                        chars.next();
                        text.push(next);
                    } else {
                        text.push(c);
                    }
                }
                _ => text.push(c),
            }
        }
        out.push(Token {
            typed: &filter[start..end],
            head: head.unwrap_or(text.len()),
            text,
        });
    }
    out
}

/// The column part of a token (`ip` of `ip:10.0.0.0/8`), when it has one: letters (and
/// `+`, for `+minutes`) before the first colon, itself before any quote (`head`: the bytes
/// before it). A whole IPv6 address (`fe80::1`, `dead::1`) is a word, not a column.
fn column_part(token: &str, head: usize) -> Option<(&str, &str)> {
    let colon = token[..head].find(':')?;
    let (head, value) = (&token[..colon], &token[colon + 1..]);
    let is_name = !head.is_empty() && head.chars().all(|c| c.is_ascii_alphabetic() || c == '+');
    let is_address = token.parse::<IpAddr>().is_ok() || parse_cidr(token).is_ok();
    (is_name && !is_address).then_some((head, value))
}

fn parse_term(token: &str, head: usize, zone: &Zone) -> Result<Option<Term>, String> {
    if token.is_empty() {
        return Ok(None);
    }
    let Some((head, value)) = column_part(token, head) else {
        let text = token.to_lowercase();
        let span = looks_like_time(token)
            .then(|| parse_span(token, zone).ok())
            .flatten();
        return Ok(Some(Term::Word { text, span }));
    };
    let name = head.to_ascii_lowercase();
    let (column, cmp_forced) = match name.as_str() {
        "after" => (Column::Time, Some(Cmp::Ge)),
        "before" => (Column::Time, Some(Cmp::Lt)),
        _ => {
            let column = every_column()
                .into_iter()
                .find(|c| c.matches_name(&name))
                .ok_or_else(|| match nearest_column_name(&name) {
                    // The likely meaning first: a narrow screen cuts the list, not it.
                    Some(near) => {
                        format!(
                            "did you mean {near}? no column {name:?}; {}",
                            column_names()
                        )
                    }
                    None => format!("no column {name:?}; {}", column_names()),
                })?;
            (column, None)
        }
    };
    let (cmp, value) = match cmp_forced {
        Some(cmp) => (Some(cmp), value),
        None => split_operator(value),
    };
    if value.is_empty() {
        // Still being typed.
        return Ok(None);
    }
    let test = column_test(column, cmp, value, zone).map_err(|e| {
        if cmp_forced.is_some() {
            e
        } else {
            format!(
                "{e} ({} holds {})",
                column.title(),
                kind_words(column.kind())
            )
        }
    })?;
    Ok(Some(Term::Column { column, test }))
}

/// `>=5` → (Ge, "5"); `=x` → (Eq, "x"); `x` → (None, "x").
fn split_operator(value: &str) -> (Option<Cmp>, &str) {
    for (op, cmp) in [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
    ] {
        if let Some(rest) = value.strip_prefix(op) {
            return (Some(cmp), rest);
        }
    }
    (None, value)
}

fn column_test(column: Column, cmp: Option<Cmp>, value: &str, zone: &Zone) -> Result<Test, String> {
    let lower = value.to_lowercase();
    let name = column.aliases().first().copied().unwrap_or("");
    let no_compare =
        || format!("{name}: compares with = only; > < >= <= are for numbers and times");
    match (column.kind(), cmp) {
        (Kind::Text, None) => Ok(Test::Fuzzy(lower)),
        (Kind::Text, Some(Cmp::Eq)) => Ok(Test::Exact(lower)),
        (Kind::Ip, Some(Cmp::Eq)) => value
            .parse::<IpAddr>()
            .map(Test::Address)
            .map_err(|_| format!("{value:?} is not a whole IP address")),
        (Kind::Text | Kind::Ip, Some(_)) => Err(no_compare()),
        (Kind::Number, cmp) => Ok(Test::Number(cmp.unwrap_or(Cmp::Eq), number(value)?)),
        (Kind::Tags, None) => Ok(Test::Fuzzy(lower)),
        (Kind::Tags, Some(Cmp::Eq)) => Ok(match value.parse::<i64>() {
            Ok(n) => Test::Number(Cmp::Eq, n),
            Err(_) => Test::Badge(lower),
        }),
        (Kind::Tags, Some(cmp)) => Ok(Test::Number(cmp, number(value)?)),
        (Kind::Ip, None) => ip_test(value),
        (Kind::Time, cmp) => Ok(Test::Time(cmp.unwrap_or(Cmp::Eq), parse_span(value, zone)?)),
    }
}

fn number(value: &str) -> Result<i64, String> {
    value
        .parse::<i64>()
        .map_err(|_| format!("{value:?} is not a whole number"))
}

/// An IP term without `=`: a CIDR block, a whole address, or the start of one.
fn ip_test(value: &str) -> Result<Test, String> {
    if value.contains('/') {
        let (net, len) = parse_cidr(value)?;
        return Ok(Test::Cidr(net, len));
    }
    if let Ok(addr) = value.parse::<IpAddr>() {
        return Ok(Test::Address(addr));
    }
    if value
        .chars()
        .all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':')
    {
        return Ok(Test::Prefix(value.to_lowercase()));
    }
    Err(format!(
        "{value:?} is not an IP address, a CIDR block (10.0.0.0/8, 2001:db8::/32) or the start of an address"
    ))
}

/// `10.0.0.0/8`, `2001:db8::/32`: the network (host bits cleared, as routers read a
/// block written from one of its addresses) and the prefix length.
pub(super) fn parse_cidr(value: &str) -> Result<(IpAddr, u8), String> {
    let (addr, len) = value
        .split_once('/')
        .ok_or_else(|| format!("{value:?} is not a CIDR block"))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| format!("{addr:?} is not an IP address (CIDR: 10.0.0.0/8, 2001:db8::/32)"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len: u8 = match len.parse() {
        Ok(n) if n <= max => n,
        _ if len.is_empty() => return Err(format!("{value:?}: the prefix length is missing")),
        _ => return Err(format!("{value:?}: the prefix length must be 0 to {max}")),
    };
    Ok((mask(addr, len), len))
}

/// The first `len` bits of an address, the rest cleared.
pub(super) fn mask(addr: IpAddr, len: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let m = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let m = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            IpAddr::V6((bits & m).into())
        }
    }
}

/// A free word that starts like a date (`2024-`, or four digits alone).
fn looks_like_time(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) && (b.len() == 4 || b[4] == b'-')
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Number => "whole numbers",
        Kind::Tags => "hint badges, counted",
        Kind::Ip => "IP addresses",
        Kind::Time => "times",
    }
}

/// The names a `col:` term can use, for the unknown-column error.
pub fn column_names() -> String {
    let names: Vec<&str> = every_column()
        .iter()
        .filter_map(|c| c.aliases().first().copied())
        .chain(["after", "before"])
        .collect();
    format!("columns: {}", names.join(" "))
}

/// The column name (a column's first alias, or `after`/`before`) a mistyped `name` most
/// likely meant: the fewest letters added, left out or changed (Levenshtein distance), at
/// most one for a name of up to four letters and two for a longer one; none when two
/// names are equally near (the message would guess). `acount` -> `account`.
pub fn nearest_column_name(name: &str) -> Option<&'static str> {
    let most = if name.chars().count() <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &'static str, bool)> = None;
    for c in every_column() {
        let canonical = c.aliases().first().copied().unwrap_or_default();
        let far = c
            .aliases()
            .iter()
            .map(|a| edit_distance(name, a))
            .min()
            .unwrap_or(usize::MAX);
        best = nearer(best, far, canonical);
    }
    for word in ["after", "before"] {
        best = nearer(best, edit_distance(name, word), word);
    }
    best.filter(|&(far, _, tie)| far <= most && !tie)
        .map(|(_, near, _)| near)
}

/// The nearer of the best so far and `candidate` at distance `far` (a tie is marked).
fn nearer(
    best: Option<(usize, &'static str, bool)>,
    far: usize,
    candidate: &'static str,
) -> Option<(usize, &'static str, bool)> {
    match best {
        Some((b, n, _)) if b == far && n != candidate => Some((b, n, true)),
        Some((b, ..)) if b <= far => best,
        _ => Some((far, candidate, false)),
    }
}

/// Levenshtein distance of two names, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}
