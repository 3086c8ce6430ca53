//! `sts-triage verify`: checks a journal's hash chain and, given a findings report and the
//! input files, whether the report matches them (the inputs' SHA-256, the journal's entry
//! count and head hash, the counts per verdict recomputed from the inputs and the journal,
//! and each row's verdict, note, analyst and decision time: see [`rows`]).
//!
//! Exit status: 0 when everything matches, 1 when something differs (each difference on one
//! line of standard output), 2 when an input cannot be read (the journal, the report, a path).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::journal::{self, JournalError, chain};
use crate::load::ScanOptions;
use crate::neutralize::neutralize;
use crate::report::{self, ReportContext};

mod body;
mod compare;
mod facts;
mod grown;
mod partial;
mod rows;

use compare::{compare_counts, compare_files, compare_journal, entries, short};

/// What a check found: differences (exit 1) and notes (said, but not differences).
#[derive(Debug, Default)]
pub struct Findings {
    pub differences: Vec<String>,
    pub notes: Vec<String>,
    /// Said first, once, of a report that covers a load not read to its end: what it
    /// covers and what of it is checked (see `verify::partial`).
    pub partial: Option<String>,
}

/// A journal as `verify` sees it.
#[derive(Debug, Default)]
pub struct JournalFacts {
    pub entries: usize,
    pub head: Option<String>,
    /// Hash of each entry line, in order (to find where a report's head is).
    pub hashes: Vec<String>,
    pub decisions: HashMap<String, journal::Decision>,
}

/// Checks the chain of the journal at `path`. Unreadable is an `Err` (exit 2); a line that
/// is not an entry or breaks the chain is a difference.
pub fn check_journal(path: &Path, found: &mut Findings) -> Result<JournalFacts, String> {
    let shown = crate::neutralize::name(&path.display().to_string()).into_owned();
    let text = journal::read_text(path).map_err(|e| neutralize(&e.to_string()).into_owned())?;
    let parsed = match chain::parse(&shown, &text, 1) {
        Ok(p) => p,
        Err(JournalError::Corrupt { line, why, .. }) => {
            // The entries before the bad line are still checked and counted: saying
            // "0 entries" of a journal whose first 26 lines are sound would be untrue.
            let before: usize = text
                .split_inclusive(|&b| b == b'\n')
                .take(line.saturating_sub(1))
                .map(<[u8]>::len)
                .sum();
            found.differences.push(format!(
                "journal line {line}: not a journal entry ({}); the lines after it are not checked",
                neutralize(&why)
            ));
            return match chain::parse(&shown, &text[..before], 1) {
                Ok(p) if line > 1 => Ok(facts_of(&shown, &text[..before], &p, found)?),
                _ => Ok(JournalFacts::default()),
            };
        }
        Err(e) => return Err(neutralize(&e.to_string()).into_owned()),
    };
    facts_of(&shown, &text, &parsed, found)
}

/// The chain's checks and the facts of journal `text`, parsed into `parsed`.
fn facts_of(
    shown: &str,
    text: &[u8],
    parsed: &chain::Parsed,
    found: &mut Findings,
) -> Result<JournalFacts, String> {
    if let Some((line, _)) = parsed.torn {
        found.notes.push(format!(
            "journal line {line}: cut off by a crash (never confirmed as saved), not counted"
        ));
    }
    let check = chain::check(&parsed.lines);
    for b in &check.breaks {
        found
            .differences
            .push(format!("journal line {}: {}", b.line, b.what));
    }
    match check.chain_start {
        Some(1) => {}
        Some(start) => found.notes.push(format!(
            "journal lines 1-{}: written before the chain, not protected by it (the chain starts at line {start})",
            start - 1
        )),
        None if parsed.lines.is_empty() => {}
        None => found.notes.push(format!(
            "journal: none of its {} carries prev (written before the chain): nothing to check",
            entries(parsed.lines.len())
        )),
    }
    let replay = journal::replay(shown, text).map_err(|e| e.to_string())?;
    Ok(JournalFacts {
        entries: parsed.lines.len(),
        head: parsed.lines.last().map(|l| l.hash.clone()),
        hashes: parsed.lines.iter().map(|l| l.hash.clone()).collect(),
        decisions: replay.decisions,
    })
}

/// What a report states, read back from its JSON or Markdown.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stated {
    /// (path as shown, SHA-256 or None when unavailable).
    files: Vec<(String, Option<String>)>,
    /// (entries, head) of the journal, None when the report names no head.
    journal: Option<(usize, Option<String>)>,
    /// total, suspicious, legitimate, unreviewed.
    findings: Option<[u64; 4]>,
    near_misses: Option<[u64; 4]>,
    /// Hashes that cover only the first bytes of a followed file (`SHA-256 `…` of the N
    /// bytes read so far`): hash → N.
    read_so_far: HashMap<String, u64>,
    /// The files found in a folder and passed over (`## Not read`, JSON `not_read`): (path
    /// as shown, SHA-256), so that a hand-over copied under another path pairs them by
    /// their bytes as it pairs the files read (newcomer 16, finding 1).
    not_read: Vec<(String, Option<String>)>,
}

fn counts_of(v: &Value) -> Option<[u64; 4]> {
    let n = |k: &str| v.get(k).and_then(Value::as_u64);
    Some([
        n("total")?,
        n("suspicious")?,
        n("legitimate")?,
        n("unreviewed")?,
    ])
}

/// (path, SHA-256) of each item of a JSON report's `files` or `not_read`.
fn path_and_hash(list: Option<&Value>) -> Vec<(String, Option<String>)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f.get("path")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                f.get("sha256").and_then(Value::as_str).map(str::to_owned),
            )
        })
        .collect()
}

fn stated_from_json(v: &Value) -> Option<Stated> {
    v.get("report_format")?;
    v.get("files")?.as_array()?;
    let files = path_and_hash(v.get("files"));
    let journal = v.get("journal").and_then(|j| {
        let entries = j.get("entries")?.as_u64()?;
        let head = j.get("head_sha256")?.as_str().map(str::to_owned);
        Some((usize::try_from(entries).ok()?, head))
    });
    let counts = v.get("counts")?;
    Some(Stated {
        files,
        journal,
        findings: counts.get("findings").and_then(counts_of),
        near_misses: counts.get("near_misses").and_then(counts_of),
        // A followed file is reported by the workbench, in Markdown only.
        read_so_far: HashMap::new(),
        not_read: path_and_hash(v.get("not_read")),
    })
}

/// The text between the first "`" after `marker` and the next "`".
fn backticked_after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &line[line.find(marker)? + marker.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

fn numbers(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Undoes the Markdown escaping of a cell for messages (`\_` → `_`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The content of the Markdown code span that starts `text` (CommonMark 6.1: the fence is
/// a run of backticks closed by a run of the same length; one space is removed from each
/// side when both have one), as `report` writes event strings.
fn code_span_at_start(text: &str) -> Option<String> {
    let fence_len = text.len() - text.trim_start_matches('`').len();
    if fence_len == 0 {
        return None;
    }
    let fence = &text[..fence_len];
    let body = &text[fence_len..];
    let mut from = 0;
    let end = loop {
        let at = from + body[from..].find(fence)?;
        let run = body[at..].len() - body[at..].trim_start_matches('`').len();
        if run == fence_len {
            break at;
        }
        from = at + run;
    };
    let content = &body[..end];
    let content = match content.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
        Some(inner) if !content.trim().is_empty() => inner,
        _ => content,
    };
    Some(content.to_owned())
}

fn stated_from_markdown(text: &str) -> Option<Stated> {
    if !text.starts_with("# Findings") {
        return None;
    }
    let mut s = Stated::default();
    let mut in_files = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            break;
        }
        if line == "- Files:" {
            in_files = true;
            continue;
        }
        if in_files && let Some(item) = line.strip_prefix("  - ") {
            // The path is a code span (a path may hold ": "); older reports escaped it.
            let name = code_span_at_start(item)
                .unwrap_or_else(|| unescape(item.find(": ").map_or(item, |i| &item[..i])));
            let hash = backticked_after(item, "SHA-256 ").map(str::to_owned);
            if let Some(h) = &hash
                && let Some(rest) = item.split_once(&format!("`{h}` of the ")).map(|(_, r)| r)
                && let Some(n) = rest
                    .strip_suffix(")")
                    .unwrap_or(rest)
                    .split_once(" bytes read so far")
                    .and_then(|(n, _)| n.parse().ok())
            {
                s.read_so_far.insert(h.clone(), n);
            }
            s.files.push((name, hash));
            continue;
        }
        in_files = false;
        if let Some(rest) = line.strip_prefix("- Journal: ") {
            s.journal = if rest.ends_with("(not found: no decisions)") {
                Some((0, None))
            } else {
                let head = backticked_after(rest, "; head SHA-256 ").map(str::to_owned);
                rest.rsplit("; ")
                    .find_map(|part| {
                        // `1 entry` since the fourteenth session, `1 entries` before.
                        part.strip_suffix(" entries")
                            .or_else(|| part.strip_suffix(" entry"))?
                            .parse()
                            .ok()
                    })
                    .map(|n| (n, head))
            };
        } else if let Some(rest) = line.strip_prefix("- Rows flagged: ") {
            s.findings = <[u64; 4]>::try_from(numbers(rest)).ok();
        } else if let Some(rest) = line.strip_prefix("- Near misses: ") {
            s.near_misses = <[u64; 4]>::try_from(numbers(rest)).ok();
        }
    }
    // `## Not read (N)`: `- `path`: `reason`; SHA-256 `hash`` (`report::markdown_sections`).
    let mut in_not_read = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            in_not_read = line.starts_with("## Not read");
        } else if in_not_read
            && let Some(item) = line.strip_prefix("- ")
            && let Some(name) = code_span_at_start(item)
        {
            let hash = backticked_after(item, "SHA-256 ").map(str::to_owned);
            s.not_read.push((name, hash));
        }
    }
    Some(s)
}

/// Checks a report against the journal and the inputs it names.
pub fn check_report(
    report_path: &Path,
    journal_path: &Path,
    paths: &[PathBuf],
    opts: &ScanOptions,
    found: &mut Findings,
) -> Result<(), String> {
    let shown = crate::neutralize::name(&report_path.display().to_string()).into_owned();
    let text = std::fs::read_to_string(report_path).map_err(|e| format!("{shown}: {e}"))?;
    let json = text
        .trim_start()
        .starts_with('{')
        .then(|| serde_json::from_str::<Value>(&text).ok())
        .flatten();
    let stated = match &json {
        Some(v) => stated_from_json(v),
        None => stated_from_markdown(&text),
    }
    .ok_or_else(|| format!("{shown}: not a findings report of sts-triage (Markdown or JSON)"))?;
    // A report made before any decision names a journal that was never created (breaker
    // 15 #6): that journal is missing as the report says, not unreadable.
    let mut facts = match check_journal(journal_path, found) {
        Err(_) if stated.journal == Some((0, None)) && !journal_path.exists() => {
            found.notes.push(format!(
                "journal {}: not found, as the report says (no decisions)",
                crate::neutralize::name(&journal_path.display().to_string())
            ));
            JournalFacts::default()
        }
        r => r?,
    };
    // A report made before later decisions is checked against the journal as of its head
    // (the entry count and head hash it names); the later entries are said apart
    // (`compare_journal`). Checked against the journal now, each row decided since was a
    // difference of its own.
    // The keys decided after the report's head: which are rows of these inputs is said.
    let mut later: Vec<String> = Vec::new();
    let (entries_then, head_then, decisions) = match compare::head_before_end(&stated, &facts) {
        Some(n) => {
            let shown = crate::neutralize::name(&journal_path.display().to_string()).into_owned();
            let text = journal::read_text(journal_path)
                .map_err(|e| neutralize(&e.to_string()).into_owned())?;
            let then = journal::replay_first(&shown, &text, n)
                .map_err(|e| neutralize(&e.to_string()).into_owned())?;
            later = compare::keys_after(&shown, &text, n);
            (n, then.head, then.decisions)
        }
        None => (
            facts.entries,
            facts.head.clone(),
            std::mem::take(&mut facts.decisions),
        ),
    };
    // A stopped load's report: only what the load read is scanned (newbie13b #1).
    let partial = json
        .is_none()
        .then(|| partial::of_markdown(&text))
        .flatten();
    // A followed file grown since the report: checked as far as the report covers it.
    let grown = partial
        .is_none()
        .then(|| grown::find(&stated, paths))
        .flatten();
    let (opts, mut rows_checked) = match (&partial, &grown) {
        (Some(p), _) => partial::plan(p, paths, opts, found),
        (None, Some(g)) => (grown::options(g, opts), true),
        (None, None) => (opts.clone(), true),
    };
    let mut scanned = crate::scan::scan_paths(paths, &opts)
        .map_err(|e| neutralize(&e.to_string()).into_owned())?;
    if let Some(g) = &grown {
        grown::as_followed(g, &mut scanned);
    }
    if let Some(p) = &partial {
        rows_checked = partial::check_cut(p, &opts, &scanned, found) && rows_checked;
    }
    let known = partial
        .as_ref()
        .map(|p| partial::known_hashes(p, &text))
        .unwrap_or_default();
    let mut stated = stated;
    let text = match &partial {
        Some(p) => {
            // The file read in part is checked apart (`partial::check_cut`).
            let cut = p.cut.as_ref().map(|(name, _)| name.as_str());
            stated.files.retain(|(name, _)| Some(name.as_str()) != cut);
            partial::without_banner(&text)
        }
        None => text,
    };
    // Re-rendered with the thresholds the report states, so that its header says the same.
    let thresholds = match &json {
        Some(v) => facts::json_thresholds(v),
        None => facts::markdown_thresholds(&text),
    };
    let mut ctx =
        ReportContext::new_knowing(&scanned, &journal_path.display().to_string(), true, &known)
            .with_journal_chain(entries_then, head_then);
    if let Some(h) = thresholds {
        ctx = ctx.with_hints(h);
    }
    let expected = report::json_report(&scanned, &decisions, &ctx);
    let mut actual = stated_from_json(&expected).ok_or("the recomputed report has no counts")?;
    if let Some((cut, _)) = partial.as_ref().and_then(|p| p.cut.as_ref()) {
        actual.files.retain(|(name, _)| name != cut);
    }
    compare_files(&stated, &actual, found);
    let later: Vec<&str> = later.iter().map(String::as_str).collect();
    let later_off = journal::keys_on_no_row(&later, &scanned).len();
    compare_journal(&stated, &facts, (later.len() - later_off, later_off), found);
    // Decisions on rows the inputs do not give are in no total the report states: said, as
    // `report` says them (not a difference: the report could not show them).
    if let Some(n) = journal::unmatched_sentence(journal::unmatched_in_report(&decisions, &scanned))
    {
        found.notes.push(format!("journal: {n}"));
    }
    if !rows_checked {
        // What the rows, counts and header facts depend on is not known exactly (said
        // first, `found.partial`): listing them as differences would be untrue.
        return Ok(());
    }
    compare_counts(&stated, &actual, found);
    // The same bytes given under another path (a hand-over copied elsewhere): the report's
    // cells name them by the path the report was made with.
    let text = facts::same_files_renamed(&text, &stated, &actual, json.is_some());
    let Findings {
        differences: diffs,
        notes,
        ..
    } = found;
    match serde_json::from_str::<Value>(&text)
        .ok()
        .filter(|_| json.is_some())
    {
        Some(v) => {
            facts::compare(&facts::json_facts(&v), &facts::json_facts(&expected), diffs);
            rows::compare_json(&v, &expected, diffs);
            if partial.is_none() {
                body::compare_json(&v, &expected, diffs, notes);
            }
        }
        None => {
            let md = report::markdown_report(&scanned, &decisions, &ctx);
            if let Some(p) = &partial {
                partial::compare_cut_line(p, &text, &md, diffs);
            }
            // A followed file's line says what was read while followed, compared above.
            let not_followed = |facts: Vec<(String, String)>| -> Vec<(String, String)> {
                facts
                    .into_iter()
                    .filter(|(name, _)| {
                        name.strip_prefix("file ")
                            .is_none_or(|h| !stated.read_so_far.contains_key(h))
                    })
                    .collect()
            };
            facts::compare(
                &not_followed(facts::markdown_facts(&text)),
                &not_followed(facts::markdown_facts(&md)),
                diffs,
            );
            rows::compare_markdown(&text, &md, diffs);
            // A stopped load's report is written from what the load read, which a scan of
            // the first records does not make again line for line (its notices, the cut).
            if partial.is_none() {
                body::compare_markdown(&text, &md, diffs, notes);
            }
        }
    }
    Ok(())
}

/// Runs `verify` and returns its exit status (0, 1 or 2), writing one line per difference,
/// then the notes and a last line saying whether everything matched.
pub fn run(
    journal_path: &Path,
    report_path: Option<&Path>,
    paths: &[PathBuf],
    opts: &ScanOptions,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let mut found = Findings::default();
    let result = match report_path {
        None => check_journal(journal_path, &mut found).map(|f| {
            found.notes.push(format!(
                "journal {}: {}, head SHA-256 {}",
                crate::neutralize::name(&journal_path.display().to_string()),
                entries(f.entries),
                f.head.as_deref().unwrap_or("none (no entries)")
            ));
        }),
        Some(r) => check_report(r, journal_path, paths, opts, &mut found),
    };
    if let Err(e) = result {
        writeln!(out, "unreadable: {e}")?;
        return Ok(2);
    }
    if let Some(p) = &found.partial {
        writeln!(out, "PARTIAL: {p}")?;
    }
    for d in &found.differences {
        writeln!(out, "DIFFERS {d}")?;
    }
    for n in &found.notes {
        writeln!(out, "note: {n}")?;
    }
    if found.differences.is_empty() && found.partial.is_some() {
        // Not 0: a script that takes 0 for "the report is the evidence's" must not take a
        // report of part of it (see README, `verify`).
        writeln!(
            out,
            "PARTIAL OK: what could be checked matches the journal and the inputs, but the report covers only what the load read (see the first line)"
        )?;
        Ok(3)
    } else if found.differences.is_empty() {
        writeln!(
            out,
            "OK: {}",
            if report_path.is_some() {
                "the report matches the journal and the inputs (not checked: the Context cells, \
                 and the hints that read related records: reset, self, bulk, first, signin, \
                 conflict, lookalike)"
            } else {
                "the journal's chain is intact"
            }
        )?;
        Ok(0)
    } else {
        writeln!(
            out,
            "{}",
            crate::count::count(found.differences.len(), "difference")
        )?;
        Ok(1)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_json_reports_state_the_same_facts() {
        let md = "# Findings: X\n\n- Rule: X\n- Files:\n  - a\\_b.jsonl: JSON lines, 10 bytes, 1 records, 1 STS events, 0 skipped; SHA-256 `abc`\n  - (stdin): JSON lines, 1 bytes, 0 records, 0 STS events, 0 skipped; SHA-256 unavailable (standard input)\n- Journal: j.jsonl; 9 entries; head SHA-256 `def`\n- Rows flagged: 7 (suspicious 2, legitimate 2, unreviewed 3)\n- Near misses: 3 (suspicious 1, legitimate 1, unreviewed 1)\n\n## Suspicious rows (2)\n- Rows flagged: 1 (suspicious 0, legitimate 0, unreviewed 1)\n";
        let json = serde_json::json!({
            "report_format": 1,
            "files": [{"path": "a_b.jsonl", "sha256": "abc"}, {"path": "(stdin)", "sha256": null}],
            "journal": {"path": "j.jsonl", "found": true, "entries": 9, "head_sha256": "def"},
            "counts": {
                "findings": {"total": 7, "suspicious": 2, "legitimate": 2, "unreviewed": 3},
                "near_misses": {"total": 3, "suspicious": 1, "legitimate": 1, "unreviewed": 1},
            },
        });
        let a = stated_from_markdown(md).unwrap();
        assert_eq!(a, stated_from_json(&json).unwrap());
        assert_eq!(a.journal, Some((9, Some("def".to_owned()))));
        assert!(stated_from_markdown("hello").is_none());
        // Paths as code spans, as the report writes them now.
        let spans = md.replace("a\\_b.jsonl", "`a_b.jsonl`");
        assert_eq!(stated_from_markdown(&spans).unwrap(), a);
        assert_eq!(
            code_span_at_start("`` a`b: c ``: x").as_deref(),
            Some("a`b: c")
        );
        assert_eq!(code_span_at_start("plain: x"), None);
    }
}
