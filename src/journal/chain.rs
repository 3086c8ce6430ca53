//! The journal's lines and their hash chain. Each entry written by this version carries
//! `prev`, the SHA-256 of the previous entry's line (its bytes as stored, without the line
//! feed), so that removing, reordering or editing a line breaks the chain at the next one.
//! The first entry of a new journal has [`GENESIS`] as `prev`; the first entry appended to a
//! journal written before the chain existed has the hash of that journal's last line, so the
//! chain starts at its end (the lines before it are not protected).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{Entry, JournalError};

/// The `prev` of the first entry of a journal: 64 zeros (there is no line before it).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The lowercase hex SHA-256 of a journal line's bytes (without its line feed).
pub fn line_hash(line: &[u8]) -> String {
    Sha256::digest(line)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// One entry line as read.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    pub entry: Entry,
    /// [`line_hash`] of the line.
    pub hash: String,
}

/// A journal's text split into entry lines.
#[derive(Debug, Default)]
pub struct Parsed {
    pub lines: Vec<Line>,
    /// The last line, cut short by a crash mid-write: its 1-based number and the byte
    /// offset where it starts (what lies from there on was never confirmed as saved).
    pub torn: Option<(usize, usize)>,
    /// The text ends with a whole entry but no line feed (a write cut just before it): the
    /// next write must start with a line feed.
    pub needs_newline: bool,
    /// How many lines (blank ones included) the text holds, for numbering what follows.
    pub line_count: usize,
}

/// Splits journal text into entries. `first_line` is the number of the text's first line
/// (1 for a whole file; more for a segment appended since an earlier read). A line that is
/// not an entry is an error naming it, and so is a line cut short anywhere but at the end:
/// only the last line can be torn by a crash.
pub fn parse(path: &str, text: &[u8], first_line: usize) -> Result<Parsed, JournalError> {
    let mut out = Parsed::default();
    let mut start = 0usize;
    let mut number = first_line;
    while start < text.len() {
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let is_last = text[end..].iter().all(|b| b.is_ascii_whitespace());
        let trimmed = line.trim_ascii();
        if !trimmed.is_empty() {
            match serde_json::from_slice::<Entry>(trimmed) {
                Ok(entry) => {
                    out.lines.push(Line {
                        number,
                        entry,
                        hash: line_hash(line),
                    });
                    if is_last && end == text.len() {
                        out.needs_newline = true;
                    }
                }
                Err(e) if e.is_eof() && is_last => {
                    // A line cut short is a write torn by a crash (a kill or power loss
                    // mid-append): what it held was never confirmed as saved.
                    out.torn = Some((number, start));
                }
                Err(e) if e.is_eof() => {
                    return Err(JournalError::Corrupt {
                        path: path.to_owned(),
                        line: number,
                        why: format!(
                            "the line is cut short but more lines follow ({e}); only the last line can be torn by a crash, so a decision here was lost"
                        ),
                    });
                }
                Err(e) => {
                    return Err(JournalError::Corrupt {
                        path: path.to_owned(),
                        line: number,
                        why: e.to_string(),
                    });
                }
            }
        }
        start = end + 1;
        number += 1;
    }
    out.line_count = number - first_line;
    Ok(out)
}

/// Where a chain check found a line that does not follow from the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// 1-based line number of the line whose `prev` is wrong or missing.
    pub line: usize,
    pub what: String,
}

/// The result of checking a journal's chain.
#[derive(Debug, Default)]
pub struct ChainCheck {
    /// The first line that carries `prev` (None: the journal has no chain yet).
    pub chain_start: Option<usize>,
    /// Entry lines before the chain starts (written before the chain existed).
    pub unchained: usize,
    pub breaks: Vec<Break>,
}

/// Checks that every entry line from the first one with `prev` on carries the hash of the
/// entry line before it ([`GENESIS`] for the very first line). A line without `prev` after
/// the chain started (added by hand or by an older version) is a break too.
pub fn check(lines: &[Line]) -> ChainCheck {
    let mut out = ChainCheck::default();
    let by_hash: std::collections::HashMap<&str, usize> =
        lines.iter().map(|l| (l.hash.as_str(), l.number)).collect();
    for (i, l) in lines.iter().enumerate() {
        let expected = i.checked_sub(1).map_or(GENESIS, |p| lines[p].hash.as_str());
        let before = i.checked_sub(1).map_or_else(
            || "the start of the journal".to_owned(),
            |p| format!("line {}", lines[p].number),
        );
        match (&l.entry.prev, out.chain_start) {
            (None, None) => out.unchained += 1,
            (None, Some(start)) => out.breaks.push(Break {
                line: l.number,
                what: format!(
                    "no prev although the chain starts at line {start}: added by hand or by a version without the chain"
                ),
            }),
            (Some(prev), _) => {
                out.chain_start.get_or_insert(l.number);
                if prev != expected {
                    let why = match by_hash.get(prev.as_str()) {
                        Some(n) => format!(
                            "prev is the hash of line {n}, not of {before}: lines were reordered or removed"
                        ),
                        None if prev == GENESIS => format!(
                            "prev marks the first entry of a journal, but {before} comes before it: lines were added before it"
                        ),
                        None => format!(
                            "prev {} matches no line (expected {} of {before}): the line before it was edited or removed",
                            short(prev),
                            short(expected)
                        ),
                    };
                    out.breaks.push(Break {
                        line: l.number,
                        what: why,
                    });
                }
            }
        }
    }
    out
}

/// The first 12 hex digits of a hash, for messages.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
