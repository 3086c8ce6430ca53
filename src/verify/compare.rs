//! `verify`'s comparisons of what a report states above its rows with what the inputs and
//! the journal give: the inputs' SHA-256 (matched by bytes, then by name), the journal's
//! entry count and head, and the counts per verdict.

use std::io;
use std::path::Path;

use super::{Findings, JournalFacts, Stated};
use crate::journal::chain;
use crate::neutralize::neutralize;

/// `1 entry`, `2 entries`.
pub(super) fn entries(n: usize) -> String {
    crate::count::count_as(n, "entry", "entries")
}

/// `entry 5`, `entries 5-7`.
fn entry_span(first: usize, last: usize) -> String {
    if first == last {
        format!("entry {first}")
    } else {
        format!("entries {first}-{last}")
    }
}

/// The entry count of the journal as of the report's head, when the report names an earlier
/// state of this journal (its head is an entry before the last, counted as the report
/// counts it): the report is checked against that state, and the later entries said apart.
pub(super) fn head_before_end(stated: &Stated, facts: &JournalFacts) -> Option<usize> {
    let (entries, Some(head)) = stated.journal.as_ref()? else {
        return None;
    };
    let i = facts.hashes.iter().position(|h| h == head)?;
    (i + 1 == *entries && *entries < facts.entries).then_some(*entries)
}

pub(super) fn short(h: &str) -> &str {
    chain::short(h)
}

fn file_name(p: &str) -> &str {
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

pub(super) fn compare_files(stated: &Stated, actual: &Stated, found: &mut Findings) {
    let mut unmatched_report: Vec<&(String, Option<String>)> = stated
        .files
        .iter()
        .filter(|(_, h)| {
            h.as_ref()
                .is_none_or(|h| !actual.files.iter().any(|(_, a)| a.as_ref() == Some(h)))
        })
        .collect();
    for (path, hash) in &actual.files {
        let Some(hash) = hash else {
            found.notes.push(format!(
                "input {}: not hashed (standard input), not checked",
                crate::neutralize::name(path)
            ));
            continue;
        };
        if stated.files.iter().any(|(_, h)| h.as_ref() == Some(hash)) {
            // A followed file checked as far as the report covers it (`grown`): the one
            // difference its growth makes.
            if let Some(n) = stated.read_so_far.get(hash)
                && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > *n)
            {
                found.differences.push(grew(path, *n));
                continue;
            }
            found.notes.push(format!(
                "input {}: SHA-256 {}, as the report says",
                crate::neutralize::name(path),
                short(hash)
            ));
            continue;
        }
        let same_name = unmatched_report
            .iter()
            .position(|(p, _)| file_name(p) == file_name(path));
        match same_name {
            Some(i) => {
                let (_, old) = unmatched_report.remove(i);
                // A followed file the report covers in part: did it only grow?
                let grew = old
                    .as_ref()
                    .and_then(|h| Some((h, *stated.read_so_far.get(h)?)))
                    .filter(|(h, n)| sha256_prefix(Path::new(path), *n).is_ok_and(|p| p == **h));
                found.differences.push(match grew {
                    Some((_, n)) => self::grew(path, n),
                    None => match old.as_deref() {
                        Some(old) => format!(
                            "input {}: SHA-256 {}, the report says {}: the file changed",
                            crate::neutralize::name(path),
                            short(hash),
                            short(old)
                        ),
                        // A report of a stopped load (or of a file read in part) states no
                        // hash: its bytes cannot be checked, which is no sign they changed
                        // (the final newcomer of the thirteenth session read "the file
                        // changed" of read-only evidence).
                        None => format!(
                            "input {}: SHA-256 {}; the report states none for it (a stopped load or a file read in part: see the report's header), so it covers only part of these bytes and they cannot be checked against it",
                            crate::neutralize::name(path),
                            short(hash)
                        ),
                    },
                });
            }
            None => found.differences.push(format!(
                "input {} (SHA-256 {}): not in the report",
                crate::neutralize::name(path),
                short(hash)
            )),
        }
    }
    for (path, hash) in unmatched_report {
        found.differences.push(format!(
            "the report's file {} (SHA-256 {}): no input given has these bytes",
            neutralize(path),
            hash.as_deref().map_or("unavailable", short)
        ));
    }
}

/// `input P: grew since the report: …`, of a followed file whose first `n` bytes the report
/// covers.
fn grew(path: &str, n: u64) -> String {
    format!(
        "input {}: grew since the report: its first {n} bytes are the ones the report covers (read while followed), what came after is not in the report",
        crate::neutralize::name(path)
    )
}

/// The SHA-256 of the first `bytes` bytes of a file (lowercase hex); an error when it is
/// shorter.
pub(super) fn sha256_prefix(path: &Path, bytes: u64) -> io::Result<String> {
    use io::Read as _;
    use sha2::Digest as _;
    let mut file = std::fs::File::open(path)?.take(bytes);
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut n = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => {
                hasher.update(&buf[..k]);
                n += k as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if n != bytes {
        return Err(io::Error::other("shorter than the bytes reported"));
    }
    Ok(crate::load::hex(&hasher.finalize()))
}

/// The keys of the journal's entries after its first `entries`, each once, in order (`text`
/// parsed as [`chain::parse`] reads it; none when it cannot be).
pub(super) fn keys_after(shown: &str, text: &[u8], entries: usize) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for l in chain::parse(shown, text, 1)
        .map(|p| p.lines)
        .unwrap_or_default()
        .into_iter()
        .skip(entries)
    {
        if !keys.contains(&l.entry.key) {
            keys.push(l.entry.key);
        }
    }
    keys
}

/// What a report made now would show of the decisions made after a report's head, on
/// `later` = (rows of these inputs, rows these inputs do not give) they decide (breaker 16
/// #6: "a report made now would show them" was said of decisions on rows no report of
/// these inputs shows).
fn made_now(later: (usize, usize)) -> String {
    match later {
        (_, 0) => "a report made now would show them".to_owned(),
        (0, off) => format!(
            "{} no row of these inputs: a report made now would differ from this one only in \
             its count of journal decisions matching no row",
            if off == 1 {
                "it decides"
            } else {
                "they decide"
            }
        ),
        (on, off) => format!(
            "of the {} they decide, a report made now would show the {on} of these inputs, and \
             count the {off} these inputs do not give only among the journal decisions matching \
             no row",
            crate::count::count(on + off, "row")
        ),
    }
}

/// The report's journal (entry count, head) against the journal's; `later` is what
/// [`made_now`] says of the decisions made after the report's head.
pub(super) fn compare_journal(
    stated: &Stated,
    facts: &JournalFacts,
    later: (usize, usize),
    found: &mut Findings,
) {
    let Some((entries, head)) = &stated.journal else {
        found.differences.push(
            "journal: the report names no entry count and head hash (made by a version without the chain)".to_owned(),
        );
        return;
    };
    if *entries == facts.entries && *head == facts.head {
        return;
    }
    let Some(head) = head else {
        found.differences.push(format!(
            "journal: the report was made with no entries, the journal has {}",
            self::entries(facts.entries)
        ));
        return;
    };
    match facts.hashes.iter().position(|h| h == head) {
        // Checked against the journal as of the report's head (`check_report`): what came
        // after is no difference of the report's, and is said apart.
        Some(i) if i + 1 == *entries => found.notes.push(format!(
            "journal: {} made after this report ({}, after its head, entry {}): the report is \
             checked against the journal as of its head; {}",
            crate::count::count(facts.entries - entries, "decision"),
            entry_span(i + 2, facts.entries),
            i + 1,
            made_now(later)
        )),
        Some(i) => found.differences.push(format!(
            "journal: the report's head {} is entry {} of the journal, but the report counts {}",
            short(head),
            i + 1,
            self::entries(*entries)
        )),
        None => found.differences.push(format!(
            "journal: the report's head {} ({}) is no line of this journal (now {}, head {}): another journal, or its last lines were edited or removed",
            short(head),
            self::entries(*entries),
            self::entries(facts.entries),
            facts.head.as_deref().map_or("none", short)
        )),
    }
}

pub(super) fn compare_counts(stated: &Stated, actual: &Stated, found: &mut Findings) {
    let show = |c: Option<[u64; 4]>| {
        c.map_or_else(
            || "nothing".to_owned(),
            |[t, s, l, u]| format!("{t} (suspicious {s}, legitimate {l}, unreviewed {u})"),
        )
    };
    for (what, a, b) in [
        ("rows flagged", stated.findings, actual.findings),
        ("near misses", stated.near_misses, actual.near_misses),
    ] {
        if a != b {
            found.differences.push(format!(
                "counts of {what}: the report says {}, the inputs and the journal give {}",
                show(a),
                show(b)
            ));
        }
    }
}
