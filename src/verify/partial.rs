//! `verify` of the report of a load that did not read everything (the workbench's `E` or
//! `Y` after Ctrl+C, or during a load): the report says so in its `PARTIAL LOAD` banner,
//! which names the file the load stopped in, about how far it read it and how many records
//! that was, and the files it never reached.
//!
//! A scan of the whole inputs gives other rows than such a report (more events join a row,
//! rows come that the load never reached), so comparing the two listed thousands of false
//! differences and hid the one fact that explains them (newbie13b #1). Instead:
//! - after a load the analyst stopped and that wound down, the record count is exact (the
//!   loader stops between blocks of whole records, and the count is its own): the file is
//!   cut after that many records and the rows and counts are checked against a scan of just
//!   that, the files read whole as always, and the files never reached are left out;
//! - a report made while the loader was still at work states a count of records that the
//!   rows may already have passed: its rows and counts cannot be checked, which is said
//!   rather than a list of false differences.
//!
//! The journal (its chain, the report's entry count and head) is checked as for any report,
//! and so is the SHA-256 the report states for the whole file read in part.

use std::collections::HashMap;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::count::count;
use crate::load::{PartialRead, ScanOptions};
use crate::neutralize::name as shown;
use crate::report::FileHash;
use crate::scan::ScanReport;

/// What a report's `PARTIAL LOAD` banner states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Partial {
    /// The banner's sentence, as the report says it (the content of its code span).
    pub said: String,
    /// The load was stopped by the analyst and had wound down when the report was made:
    /// the record count of the file read in part is exact.
    pub exact: bool,
    /// The file read in part: its name as the report gives it and the records read.
    pub cut: Option<(String, u64)>,
    /// The whole file's SHA-256 the report states for the file read in part.
    pub whole_sha256: Option<String>,
    /// Files not read at all.
    pub unread: Vec<String>,
}

/// How `verify` reads the inputs of a partial report: `opts` with what the load read
/// ([`ScanOptions::partial`]), and whether its rows and counts can be checked (the load was
/// stopped and wound down, and the file read in part could be cut after its records). Says
/// first what the report covers and what is checked (`found.partial`).
pub(super) fn plan(
    p: &Partial,
    paths: &[PathBuf],
    opts: &ScanOptions,
    found: &mut super::Findings,
) -> (ScanOptions, bool) {
    let mut opts = opts.clone();
    let mut read = PartialRead {
        cut: None,
        unread: p.unread.clone(),
    };
    let said = crate::neutralize::neutralize(&p.said).into_owned();
    let mut exact = p.exact;
    let how = match &p.cut {
        _ if !p.exact => {
            "it was made while the load was still at work, so the records its rows cover are not known exactly: its rows and counts are not checked".to_owned()
        }
        Some((name, records)) => {
            let given = paths.iter().find(|q| q.display().to_string() == *name);
            match given.map(|q| bytes_of_records(q, *records)) {
                Some(Ok(bytes)) => {
                    read.cut = Some((name.clone(), bytes));
                    format!(
                        "its rows and counts are checked against a scan of the first {} of {}",
                        count(*records, "record"),
                        shown(name)
                    )
                }
                Some(Err(e)) => {
                    exact = false;
                    format!(
                        "{} cannot be read ({}): its rows and counts are not checked",
                        shown(name),
                        crate::neutralize::neutralize(&e.to_string())
                    )
                }
                None => {
                    exact = false;
                    format!(
                        "{} is not among the inputs given: its rows and counts are not checked",
                        shown(name)
                    )
                }
            }
        }
        None => "its rows and counts are checked against a scan of the files it read whole".to_owned(),
    };
    if !exact && let Some((name, _)) = &p.cut {
        // Its rows are not checked: neither is the file, which a whole scan would call
        // "not in the report" or give other rows of.
        read.unread.push(name.clone());
    }
    for q in paths {
        let q = q.display().to_string();
        if read.unread.contains(&q) {
            found.notes.push(format!(
                "input {}: {} by the load the report covers, not checked",
                shown(&q),
                if p.cut.as_ref().is_some_and(|(n, _)| *n == q) {
                    "read in part"
                } else {
                    "not read"
                }
            ));
        }
    }
    found.partial = Some(format!("this report covers {} ({said}); {how}", p.covers()));
    opts.partial = Some(Arc::new(read));
    (opts, exact)
}

/// After the scan of what the load read: whether the file read in part was cut after as
/// many records as the report says (several records on a line, or one record over several
/// lines, give another count: the rows are then not checked, and that is said). The
/// report's line for that file is compared with the scan's, and the whole file's SHA-256
/// it states with the file's now.
pub(super) fn check_cut(
    p: &Partial,
    opts: &ScanOptions,
    scanned: &ScanReport,
    found: &mut super::Findings,
) -> bool {
    let Some((name, records)) = &p.cut else {
        return p.exact;
    };
    if let Some(stated) = &p.whole_sha256 {
        match crate::load::sha256_file(Path::new(name)) {
            Ok(now) if now == *stated => found.notes.push(format!(
                "input {}: SHA-256 {} of the whole file, as the report says (it covers only its first {})",
                shown(name),
                super::short(&now),
                count(*records, "record")
            )),
            Ok(now) => found.differences.push(format!(
                "input {}: SHA-256 {}, the report says the whole file's was {}: the file changed",
                shown(name),
                super::short(&now),
                super::short(stated)
            )),
            Err(_) => {}
        }
    }
    if opts.partial.as_ref().and_then(|r| r.cut.as_ref()).is_none() {
        return false;
    }
    let got = scanned
        .files
        .iter()
        .find(|f| f.path == *name)
        .map_or(0, |f| f.records);
    if got == *records {
        return true;
    }
    found.partial = Some(format!(
        "this report covers {} ({}); its first {} could not be cut exactly ({} lines hold {}: several records on a line, or a record over several lines): its rows and counts are not checked",
        p.covers(),
        crate::neutralize::neutralize(&p.said),
        count(*records, "record"),
        records,
        count(got, "record")
    ));
    false
}

/// What the report says of the hash of the file read in part (`SHA-256 unavailable (…)`),
/// so that the report written again from the scan says the same of it.
pub(super) fn known_hashes(p: &Partial, text: &str) -> HashMap<String, FileHash> {
    let Some((name, _)) = &p.cut else {
        return HashMap::new();
    };
    text.lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("  - "))
        .find(|item| super::code_span_at_start(item).as_deref() == Some(name))
        .and_then(|item| item.split_once("; SHA-256 unavailable (").map(|(_, w)| w))
        .and_then(super::code_span_at_start)
        .map(|why| HashMap::from([(name.clone(), FileHash::Unavailable(why))]))
        .unwrap_or_default()
}

/// The line of the report's Files list for `name`, after the name.
fn file_line<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("  - "))
        .find(|item| super::code_span_at_start(item).as_deref() == Some(name))
        .and_then(|item| item.find("`: ").map(|i| &item[i + 3..]))
}

/// The report's line for the file read in part against the line written again from the
/// scan of its records (its format and counts; the hash is checked apart).
pub(super) fn compare_cut_line(p: &Partial, stated: &str, expected: &str, out: &mut Vec<String>) {
    let Some((name, records)) = &p.cut else {
        return;
    };
    let (a, b) = (file_line(stated, name), file_line(expected, name));
    if a != b {
        out.push(format!(
            "input {} (read in part): the report says \"{}\", a scan of its first {} gives \"{}\"",
            shown(name),
            crate::neutralize::neutralize(a.unwrap_or("nothing")),
            count(*records, "record"),
            crate::neutralize::neutralize(b.unwrap_or("nothing"))
        ));
    }
}

impl Partial {
    /// What load the report covers, for the first line `verify` says.
    fn covers(&self) -> &'static str {
        if self.said.starts_with("load stopped by the analyst") {
            "a stopped load"
        } else {
            "a load not finished when it was made"
        }
    }
}

/// The `PARTIAL LOAD` banner of a Markdown report (None: the report covers whole loads).
pub(super) fn of_markdown(text: &str) -> Option<Partial> {
    let header: Vec<&str> = text.lines().take_while(|l| !l.starts_with("## ")).collect();
    let at = header
        .iter()
        .position(|l| l.starts_with("> **PARTIAL LOAD.** "))?;
    let said = super::code_span_at_start(&header[at]["> **PARTIAL LOAD.** ".len()..])?;
    let mut cut_name = None;
    let mut unread = Vec::new();
    for line in header[at + 1..].iter().take_while(|l| l.starts_with('>')) {
        let Some(item) = line.strip_prefix("> - ") else {
            continue;
        };
        let Some(name) = super::code_span_at_start(item) else {
            continue;
        };
        if item.ends_with(" (read in part)") {
            cut_name = Some(name);
        } else if item.ends_with(" (not read)") {
            unread.push(name);
        }
    }
    // `NAME read to about byte N of M (K records)` after a stopped load; `NAME being read,
    // to about byte …` while it was still at work.
    let exact = said.starts_with("load stopped by the analyst: ");
    let cut = cut_name.and_then(|name| {
        let rest = said
            .split_once(&format!("{name} read to about byte "))
            .or_else(|| said.split_once(&format!("{name} being read, to about byte ")))?
            .1;
        let records = rest.split_once(" (")?.1;
        let records = records
            .strip_suffix(")")
            .unwrap_or(records)
            .split_once(' ')?
            .0
            .parse()
            .ok()?;
        Some((name, records))
    });
    let whole_sha256 = cut.as_ref().and_then(|(name, _)| {
        header
            .iter()
            .filter_map(|l| l.strip_prefix("  - "))
            .find(|item| super::code_span_at_start(item).as_deref() == Some(name))
            .and_then(|item| {
                item.split_once("the whole file's SHA-256 is ")
                    .map(|(_, h)| h)
            })
            .map(|h| h.chars().take_while(char::is_ascii_hexdigit).collect())
    });
    Some(Partial {
        said,
        exact,
        cut,
        whole_sha256,
        unread,
    })
}

/// The report's text without its `PARTIAL LOAD` banner (checked apart): what a scan of what
/// the load read re-renders.
pub(super) fn without_banner(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_banner = false;
    let mut in_header = true;
    for line in text.split_inclusive('\n') {
        if line.starts_with("## ") {
            in_header = false;
        }
        if in_header && line.starts_with("> **PARTIAL LOAD.** ") {
            in_banner = true;
            continue;
        }
        if in_banner {
            if line.starts_with('>') {
                continue;
            }
            in_banner = false;
            // The blank line after the banner.
            if line.trim().is_empty() {
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// How many bytes of `path`'s content (decompressed for gzip) hold its first `records`
/// records when each non-blank line is one record: the end of the `records`-th non-blank
/// line, or the whole content when it has fewer. The scan of that prefix says how many
/// records it read, which is checked against `records` (several records on one line, or
/// one over several lines, give another count).
pub(super) fn bytes_of_records(path: &Path, records: u64) -> io::Result<u64> {
    let input = crate::load::open_input(path).map_err(|e| io::Error::other(e.to_string()))?;
    let mut reader = input.reader;
    let mut line = Vec::new();
    let (mut bytes, mut seen) = (0u64, 0u64);
    while seen < records {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        if !line.iter().all(u8::is_ascii_whitespace) {
            seen += 1;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const REPORT: &str = "# Findings: X\n\n> **PARTIAL LOAD.** `load stopped by the analyst: /d/all-sts-100k.jsonl read to about byte 700 of 9000 (5 records); 1 file not read: b.jsonl`. The findings below cover only what was read.\n>\n> - `/d/all-sts-100k.jsonl` (read in part)\n>\n> - `b.jsonl` (not read)\n\n- Rule: X\n- Files:\n  - `/d/all-sts-100k.jsonl`: `JSON lines`, 9000 bytes, 5 records, 5 STS events, 0 skipped; SHA-256 unavailable (`read in part, to about byte 700 of 9000: the whole file's SHA-256 is 5fefb79, which the findings do not cover`)\n\n## Rows\n";

    #[test]
    fn the_banner_gives_the_file_cut_its_records_its_hash_and_the_files_not_read() {
        let p = of_markdown(REPORT).unwrap();
        assert!(p.exact);
        // The name exactly as written: digits kept.
        assert_eq!(p.cut, Some(("/d/all-sts-100k.jsonl".to_owned(), 5)));
        assert_eq!(p.whole_sha256.as_deref(), Some("5fefb79"));
        assert_eq!(p.unread, vec!["b.jsonl".to_owned()]);
        let still = REPORT.replace(
            "load stopped by the analyst: /d/all-sts-100k.jsonl read to",
            "still loading when this was made: 0 of 2 files read; /d/all-sts-100k.jsonl being read, to",
        );
        let p = of_markdown(&still).unwrap();
        assert!(!p.exact);
        assert_eq!(p.cut, Some(("/d/all-sts-100k.jsonl".to_owned(), 5)));
        assert!(of_markdown(&without_banner(REPORT)).is_none());
        assert!(without_banner(REPORT).starts_with("# Findings: X\n\n- Rule: X\n"));
    }
}
