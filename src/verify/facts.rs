//! `verify`'s check of what a report states above its rows: each input's format, size and
//! record counts (matched by SHA-256, not by name), the time range of the STS events, the
//! analysts, the duplicate and folded records, the files not read, the decisions not
//! applied, the rule and the hint thresholds. The counts per verdict, the files' hashes
//! and the journal's head are compared apart (`verify.rs`), with their own messages.
//!
//! Each fact is a (name, value) pair: in JSON a top-level member (a file: its member of
//! `files` without its path, named by its hash); in Markdown a line of the header (the
//! lines before the first `## `), named by its text before the first `: ` with digits left
//! out (`- N duplicate records (…)`), a file's line by its hash and read after its path.
//! A fact of the report that the re-rendered report states otherwise, or does not state, is
//! a difference; so is a fact the re-rendered report states and the report leaves out.

use serde_json::Value;

use crate::hints::HintConfig;
use crate::neutralize::neutralize;

/// Top-level JSON members compared elsewhere (rows, hashes, journal, counts), or not at all:
/// the load's `notices` include what happened in the session that made the report (a
/// followed file replaced, a file changed since the load), which a scan of the files now
/// cannot say again.
const JSON_ELSEWHERE: [&str; 6] = [
    "findings",
    "near_misses",
    "files",
    "journal",
    "counts",
    "notices",
];

/// Markdown header lines compared elsewhere, or not at all (`- Load notices:`, as JSON's
/// `notices`).
const MARKDOWN_ELSEWHERE: [&str; 5] = [
    "- Journal:",
    "- Rows flagged:",
    "- Near misses:",
    "- Files:",
    "- Load notices:",
];

/// `text` with each path of the report replaced by the path of the input with the same
/// SHA-256, where the two differ (as JSON string content when `json`).
pub(super) fn same_files_renamed(
    text: &str,
    stated: &super::Stated,
    actual: &super::Stated,
    json: bool,
) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    // The files passed over are named by path as the files read are, and paired the same way.
    let named = [
        (&stated.files, &actual.files),
        (&stated.not_read, &actual.not_read),
    ];
    for (path, hash, now_named) in named
        .iter()
        .flat_map(|(s, a)| s.iter().map(move |(p, h)| (p, h, *a)))
    {
        let Some(hash) = hash else { continue };
        let Some((now, _)) = now_named.iter().find(|(_, h)| h.as_ref() == Some(hash)) else {
            continue;
        };
        if now != path {
            let form = |p: &str| {
                if json {
                    let q = serde_json::to_string(p).unwrap_or_default();
                    q.trim_matches('"').to_owned()
                } else {
                    p.to_owned()
                }
            };
            pairs.push((form(path), form(now)));
        }
    }
    replace_at_once(text, &pairs)
}

/// `text` with every `from` of `pairs` replaced by its `to` in one pass: the longest `from`
/// where several start at one place, and never within what was put in. Replacing one pair
/// after the other renamed twice where a new name is an old one (a followed file rotated:
/// `a.jsonl (after rotation 1)` → `a.jsonl`, and `a.jsonl` → `a.jsonl.1`).
fn replace_at_once(text: &str, pairs: &[(String, String)]) -> String {
    let mut hits: Vec<(usize, usize, &str)> = pairs
        .iter()
        .filter(|(from, _)| !from.is_empty())
        .flat_map(|(from, to)| {
            text.match_indices(from.as_str())
                .map(move |(at, _)| (at, from.len(), to.as_str()))
        })
        .collect();
    hits.sort_by_key(|&(at, len, _)| (at, std::cmp::Reverse(len)));
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (at, len, to) in hits {
        if at < done {
            continue;
        }
        out.push_str(&text[done..at]);
        out.push_str(to);
        done = at + len;
    }
    out.push_str(&text[done..]);
    out
}

/// (name, value) facts of a JSON report.
pub fn json_facts(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(obj) = v.as_object() else {
        return out;
    };
    for (k, value) in obj {
        if !JSON_ELSEWHERE.contains(&k.as_str()) {
            out.push((k.clone(), value.to_string()));
        }
    }
    for f in v
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(hash) = f.get("sha256").and_then(Value::as_str) else {
            continue;
        };
        let mut rest = f.clone();
        if let Some(o) = rest.as_object_mut() {
            o.remove("path");
        }
        out.push((format!("file {hash}"), rest.to_string()));
    }
    out
}

/// The counts of one a report made before the fourteenth session wrote in the plural
/// (`1 records`), as reports write them now (`1 record`).
const SINGULARS: [(&str, &str); 5] = [
    ("1 bytes", "1 byte"),
    ("1 records", "1 record"),
    ("1 STS events", "1 STS event"),
    ("1 duplicate records", "1 duplicate record"),
    ("1 entries", "1 entry"),
];

/// `line` with each count of one written as reports write it now: a report made before
/// (`1 records, 1 STS events`) states the same fact as one made now.
fn singular_counts(line: &str) -> std::borrow::Cow<'_, str> {
    let mut out = std::borrow::Cow::Borrowed(line);
    for (old, now) in SINGULARS {
        let mut from = 0;
        while let Some(at) = out[from..].find(old).map(|i| from + i) {
            let end = at + old.len();
            // `1 records` alone, not `21 records` nor `1 recordsX`.
            let alone = !out[..at].ends_with(|c: char| c.is_ascii_digit())
                && !out[end..].starts_with(|c: char| c.is_alphanumeric());
            if alone {
                out.to_mut().replace_range(at..end, now);
                from = at + now.len();
            } else {
                from = end;
            }
        }
    }
    out
}

/// (name, value) facts of a Markdown report's header.
pub fn markdown_facts(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_files = false;
    for line in text.lines() {
        let line = &*singular_counts(line);
        if line.starts_with("## ") {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        if line == "- Files:" {
            in_files = true;
            continue;
        }
        if in_files && let Some(item) = line.strip_prefix("  - ") {
            // `path`: what was read; SHA-256 `hash`. The path is matched by the hash.
            if let Some(hash) = super::backticked_after(item, "SHA-256 ") {
                let after_path = super::code_span_at_start(item)
                    .map_or(item, |_| item.find("`: ").map_or(item, |i| &item[i + 3..]));
                out.push((format!("file {hash}"), after_path.to_owned()));
            }
            continue;
        }
        in_files = false;
        if MARKDOWN_ELSEWHERE.iter().any(|p| line.starts_with(p)) {
            continue;
        }
        out.push(line_fact(line));
    }
    out
}

/// Names a fact that is a whole header line, not a labelled one (see [`line_fact`]).
const LINE: &str = "\u{0}line ";

/// The (name, value) fact of one header line. A labelled line (`- Label: value`) is named
/// by its label; a count before the colon (`- 315 duplicate records (…): …`) is left out of
/// the name and the whole line is the value. Any other line (a quoted warning or banner)
/// is one fact, its whole text, never split at a `: ` inside its sentence: its name, its
/// words without digits (so that a warning whose counts differ is paired with the one
/// expected), is never shown. Showing such names garbled what the report says (newbie13b
/// #1: `DIFFERS >: the report says >`, a path `all-sts-100k.jsonl` shown `all-sts-k.jsonl`,
/// "the report says" in the middle of a sentence).
fn line_fact(line: &str) -> (String, String) {
    if let Some((label, value)) = line.strip_prefix("- ").and_then(|l| l.split_once(": ")) {
        let words = label.trim_start_matches(|c: char| c.is_ascii_digit());
        return if words.len() == label.len() {
            (format!("- {label}"), value.to_owned())
        } else {
            (format!("- {}", words.trim_start()), line.to_owned())
        };
    }
    let words: String = line.chars().filter(|c| !c.is_ascii_digit()).collect();
    (format!("{LINE}{words}"), line.to_owned())
}

/// The hint thresholds a report states (JSON `hint_thresholds`), to re-render it with them.
pub fn json_thresholds(v: &Value) -> Option<HintConfig> {
    let h = v.get("hint_thresholds")?;
    let n = |k: &str| h.get(k).and_then(Value::as_i64);
    thresholds([
        n("far_minutes")?,
        n("reset_minutes")?,
        n("bulk_users")?,
        n("bulk_minutes")?,
        n("target_hours")?,
        n("actor_minutes")?,
    ])
}

/// The hint thresholds a Markdown report states (`- Hint thresholds: far 60 min …`: its six
/// numbers in the order `report::thresholds_line` writes them).
pub fn markdown_thresholds(text: &str) -> Option<HintConfig> {
    let line = text
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .find_map(|l| l.strip_prefix("- Hint thresholds: "))?;
    let n: Vec<i64> = super::numbers(line)
        .into_iter()
        .map(i64::try_from)
        .collect::<Result<_, _>>()
        .ok()?;
    thresholds(<[i64; 6]>::try_from(n).ok()?)
}

fn thresholds([far, reset, users, bulk, target_h, actor_m]: [i64; 6]) -> Option<HintConfig> {
    let mut h = HintConfig {
        far_minutes: far,
        reset_minutes: reset,
        bulk_users: usize::try_from(users).ok()?,
        bulk_minutes: bulk,
        ..HintConfig::default()
    };
    h.context.target_window_secs = target_h.checked_mul(3600)?;
    h.context.actor_window_secs = actor_m.checked_mul(60)?;
    Some(h)
}

/// Each fact of `stated` that `expected` states otherwise or not at all, and each fact of
/// `expected` that `stated` leaves out, as one difference.
pub fn compare(stated: &[(String, String)], expected: &[(String, String)], out: &mut Vec<String>) {
    let shown = |name: &str, v: &str| {
        let v = neutralize(v);
        let mut cut: String = v.chars().take(300).collect();
        if cut.len() < v.len() {
            cut.push('…');
        }
        // A whole line is quoted, so that where it ends is seen.
        if name.starts_with(LINE) {
            format!("\"{cut}\"")
        } else {
            cut
        }
    };
    let mut left: Vec<Option<&(String, String)>> = expected.iter().map(Some).collect();
    for (name, value) in stated {
        let at = left
            .iter()
            .position(|e| e.is_some_and(|(n, v)| n == name && v == value))
            .or_else(|| left.iter().position(|e| e.is_some_and(|(n, _)| n == name)));
        match at.and_then(|i| left[i].take()) {
            Some((_, v)) if v == value => {}
            Some((_, v)) => out.push(format!(
                "{}: the report says {}, the inputs and the journal give {}",
                what(name),
                shown(name, value),
                shown(name, v)
            )),
            None => out.push(format!(
                "{}: the report says {}, the inputs and the journal state nothing of it",
                what(name),
                shown(name, value)
            )),
        }
    }
    for (name, value) in left.into_iter().flatten() {
        out.push(format!(
            "{}: missing from the report, the inputs and the journal give {}",
            what(name),
            shown(name, value)
        ));
    }
}

/// A fact's name in a message.
fn what(name: &str) -> String {
    if name.starts_with(LINE) {
        return "header line".to_owned();
    }
    let name = name.trim_start_matches("- ").trim();
    match name.strip_prefix("file ") {
        Some(hash) => format!("the file with SHA-256 {}", super::short(hash)),
        None => neutralize(name).into_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_missing_or_added_fact_is_each_one_difference() {
        let f = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        let expected = f(&[("- Analysts", "`alice`"), ("- Rule", "X")]);
        let mut out = Vec::new();
        compare(&expected, &expected, &mut out);
        assert!(out.is_empty(), "{out:?}");
        let stated = f(&[("- Analysts", "`mallory`"), ("- Extra", "y")]);
        compare(&stated, &expected, &mut out);
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(
            out[0].starts_with("Analysts: the report says `mallory`"),
            "{out:?}"
        );
        assert!(out[1].starts_with("Extra: the report says"));
        assert!(out[2].starts_with("Rule: missing from the report"));
    }

    #[test]
    fn a_report_made_before_counts_were_singular_states_the_same_facts() {
        let before = "# Findings: X\n\n- Files:\n  - `a.jsonl`: `JSON lines`, 1 bytes, 1 records, 1 STS events, 0 skipped; SHA-256 `abc`\n- 1 duplicate records (same id): x\n- Note: 21 records, 1 recordsX\n";
        let now = "# Findings: X\n\n- Files:\n  - `a.jsonl`: `JSON lines`, 1 byte, 1 record, 1 STS event, 0 skipped; SHA-256 `abc`\n- 1 duplicate record (same id): x\n- Note: 21 records, 1 recordsX\n";
        assert_eq!(markdown_facts(before), markdown_facts(now));
        assert_eq!(
            singular_counts("21 records, 1 recordsX"),
            "21 records, 1 recordsX"
        );
    }

    #[test]
    fn thresholds_are_read_back_from_either_format() {
        let h = HintConfig {
            far_minutes: 30,
            bulk_users: 4,
            ..HintConfig::default()
        };
        let md = "# Findings: X\n\n- Hint thresholds: far 30 min (--far-minutes), reset 5 min (--reset-minutes), bulk 4 users in 10 min (--bulk-users, --bulk-minutes); related records: the target's within ±24 h (--target-hours), the actor's within ±60 min (--actor-minutes)\n";
        assert_eq!(markdown_thresholds(md), Some(h));
        let json = serde_json::json!({"hint_thresholds": {"far_minutes": 30, "reset_minutes": 5, "bulk_users": 4, "bulk_minutes": 10, "target_hours": 24, "actor_minutes": 60}});
        assert_eq!(json_thresholds(&json), Some(h));
    }
}
