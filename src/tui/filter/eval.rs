//! Testing rows against the filter's terms: the terms' columns are found once per refresh
//! (`resolve`), then every row is tested on the packed lower-case text, its numbers and
//! its time.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use super::is_subsequence;
use super::parse::{Cmp, Term, Test, mask};
use super::time::Span;
use crate::journal::{Decision, Verdict};
use crate::tui::columns::{Column, Kind, cell_values};
use crate::tui::items::{ItemText, Packed};

/// A term with its column found in one table.
#[derive(Debug)]
pub(crate) enum Resolved<'a> {
    /// A column this table does not have (`added:` on the near misses): no row has it.
    Absent,
    Column(usize, Column, &'a Test),
    Word(&'a str, Option<Span>),
    Exclude(&'a str),
    ExcludeAddress(IpAddr, &'a str),
    Not(Box<Resolved<'a>>),
}

pub(crate) fn resolve<'a>(terms: &'a [Term], columns: &[Column]) -> Vec<Resolved<'a>> {
    terms.iter().map(|t| resolve_one(t, columns)).collect()
}

fn resolve_one<'a>(term: &'a Term, columns: &[Column]) -> Resolved<'a> {
    match term {
        Term::Word { text, span } => Resolved::Word(text, *span),
        Term::Exclude(text) => Resolved::Exclude(text),
        Term::ExcludeAddress(addr, text) => Resolved::ExcludeAddress(*addr, text),
        Term::Column { column, test } => match columns.iter().position(|c| c == column) {
            Some(i) => Resolved::Column(i, *column, test),
            None => Resolved::Absent,
        },
        Term::Not(inner) => Resolved::Not(Box::new(resolve_one(inner, columns))),
    }
}

/// What a test of one row reads.
pub(crate) struct Row<'a> {
    pub columns: &'a [Column],
    pub packed: &'a Packed,
    /// The row's index in `packed`.
    pub i: usize,
    pub item: &'a ItemText,
    pub verdict: Verdict,
    /// The analyst's decisions, for the note (read only by `note:` terms).
    pub decisions: &'a HashMap<String, Decision>,
    /// The local zone when the table shows local time: time terms compare the row's
    /// time as its Time cell reads it there.
    pub zone: Option<&'a crate::tui::local_zone::LocalZone>,
}

/// Whether a row passes every term.
pub(crate) fn matches_terms(terms: &[Resolved], row: &Row) -> bool {
    terms.iter().all(|t| matches_one(t, row))
}

fn matches_one(term: &Resolved, row: &Row) -> bool {
    match term {
        Resolved::Absent => false,
        Resolved::Not(inner) => !matches_one(inner, row),
        // As for words, the source path counts only through `source:` (`!source:x`).
        Resolved::Exclude(text) => {
            !(row.verdict.label().contains(text)
                || row.packed.row(row.i).contains(text)
                    && row.columns.iter().enumerate().any(|(c, col)| {
                        *col != Column::Source && row.packed.cell(row.i, c).contains(text)
                    }))
        }
        Resolved::ExcludeAddress(addr, text) => !row.columns.iter().enumerate().any(|(c, col)| {
            let cell = row.packed.cell(row.i, c);
            match col.kind() {
                _ if *col == Column::Source => false,
                Kind::Ip => cell_address(cell) == Some(*addr),
                _ => holds_address(cell, text),
            }
        }),
        Resolved::Column(i, column, test) => column_passes(row, *i, *column, test),
        Resolved::Word(text, span) => word_passes(row, text, *span),
    }
}

/// A free word: fuzzily within one text cell (letters spread over several cells, or over a
/// long file path, would match nearly every row; the source path is matched only by
/// `source:` terms); the start of an IP or number cell (fuzzy digits would match any
/// address); the time when the word reads as one. The whole row is tested first: most rows
/// fail there, cheaply (a prefix is a subsequence too).
fn word_passes(row: &Row, text: &str, span: Option<Span>) -> bool {
    if is_subsequence(row.verdict.label(), text) {
        return true;
    }
    if let (Some(span), Some(t)) = (span, row.item.time) {
        let t = span.time_of(t, row.zone);
        if span.start <= t && t < span.end {
            return true;
        }
    }
    is_subsequence(row.packed.row(row.i), text)
        && row.columns.iter().enumerate().any(|(c, col)| {
            let cell = row.packed.cell(row.i, c);
            match col.kind() {
                _ if matches!(col, Column::Source | Column::Verdict) => false,
                Kind::Text | Kind::Tags => fuzzy_in_cell(*col, cell, text),
                Kind::Ip | Kind::Number => cell.starts_with(text),
                Kind::Time => false,
            }
        })
}

/// A fuzzy word in a text cell. A Target or Actor cell of several parties
/// (`3 users: a@contoso.com, b@contoso.com, c@…`) is tested name by name
/// ([`cell_values`]): over the whole list the letters of almost any name appear in order
/// (`miriam` in `…@contoso.onmicrosoft.com, isaiah…`), so a filter for one user kept other
/// users' bulk rows, where a verdict given to "every row shown" would land on them; and the
/// count before the names (`10 users`) is the table's summary, no party's name.
fn fuzzy_in_cell(column: Column, cell: &str, text: &str) -> bool {
    cell_values(column, cell)
        .into_iter()
        .any(|name| is_subsequence(name, text))
}

fn column_passes(row: &Row, index: usize, column: Column, test: &Test) -> bool {
    let note;
    let flags;
    let cell: &str = match column {
        Column::Verdict => row.verdict.label(),
        // The ⚠ and why the row has it (`⚠ lookalike conflict`), each a value of its own
        // (`cell_values`): `flag:conflict`, `flag:=ctrl`, `flag:⚠`.
        Column::Flag => {
            flags = row.item.flags.words();
            &flags
        }
        Column::Note => {
            note = row
                .decisions
                .get(&row.item.key)
                .map(|d| d.note.to_lowercase())
                .unwrap_or_default();
            &note
        }
        _ => row.packed.cell(row.i, index),
    };
    // A yes/no column (Proxy) is written true/false by scan, report and the CSV: either
    // spelling, and 1/0, is the same value here.
    if column == Column::Proxy
        && let Some(want) = boolean_word(test)
    {
        return cell == want;
    }
    match test {
        Test::Fuzzy(text) => fuzzy_in_cell(column, cell, text),
        Test::Contains(text) => cell_values(column, cell)
            .iter()
            .any(|name| name.contains(text.as_str())),
        Test::Exact(text) => cell_values(column, cell).contains(&text.as_str()),
        Test::Prefix(text) => cell_values(column, cell)
            .iter()
            .any(|name| name.starts_with(text.as_str())),
        Test::Badge(badge) => cell.split_whitespace().any(|b| b == badge),
        Test::Number(cmp, n) => row
            .item
            .numbers
            .get(index)
            .copied()
            .flatten()
            .is_some_and(|v| compare(*cmp, v, *n)),
        Test::Address(addr) => cell_address(cell) == Some(addr.to_canonical()),
        Test::Cidr(net, len) => cell_address(cell)
            .is_some_and(|a| a.is_ipv4() == net.is_ipv4() && mask(a, *len) == *net),
        Test::Time(cmp, span) => row.item.time.is_some_and(|t| {
            let t = span.time_of(t, row.zone);
            match cmp {
                Cmp::Eq => span.start <= t && t < span.end,
                Cmp::Ge => t >= span.start,
                Cmp::Gt => t >= span.end,
                Cmp::Lt => t < span.start,
                Cmp::Le => t < span.end,
            }
        }),
    }
}

/// The cell text (`yes`/`no`) a boolean word of a filter means: true, yes, 1 or false, no, 0
/// (any case); None for any other test.
fn boolean_word(test: &Test) -> Option<&'static str> {
    let (Test::Fuzzy(text) | Test::Contains(text) | Test::Exact(text) | Test::Prefix(text)) = test
    else {
        return None;
    };
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some("yes"),
        "false" | "no" | "0" => Some("no"),
        _ => None,
    }
}

fn compare(cmp: Cmp, value: i64, n: i64) -> bool {
    match cmp {
        Cmp::Eq => value == n,
        Cmp::Lt => value < n,
        Cmp::Le => value <= n,
        Cmp::Gt => value > n,
        Cmp::Ge => value >= n,
    }
}

/// True when `cell` holds the address typed as `text` (both lower case) as a whole value:
/// not run on into more of an address (`203.0.113.1` is not in `203.0.113.17`,
/// `2001:db8::1` not in `2001:db8::1a`) on either side.
fn holds_address(cell: &str, text: &str) -> bool {
    let part_of_address = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    cell.match_indices(text).any(|(at, _)| {
        let before = cell[..at].chars().next_back();
        let after = cell[at + text.len()..].chars().next();
        !before.is_some_and(part_of_address) && !after.is_some_and(part_of_address)
    })
}

/// The address in an IP cell: an address, or one with a port (`203.0.113.7:443`,
/// `[2001:db8::1]:443`, as some UAL records write ClientIP); IPv4-mapped IPv6 as IPv4.
pub(crate) fn cell_address(cell: &str) -> Option<IpAddr> {
    cell.parse::<IpAddr>()
        .ok()
        .or_else(|| cell.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|a| a.to_canonical())
}
