//! The analyst's decisions, appended to a JSON-lines journal the moment they are made and
//! replayed on start. Nothing decided is ever lost: every entry is written in one `write`
//! on an append-only descriptor under an exclusive lock and synced before it counts as saved;
//! a failed write is cut back off the file ([`Journal::append`]). Each entry carries the hash
//! of the line before it ([`chain`]), so a journal edited by hand is caught by `verify`.

mod append;
pub mod chain;
mod key;
mod location;
mod place;
mod prefix;
pub use prefix::{RACY, modified_ns, settled};
mod reload;
mod unmatched;
mod whose;
pub use key::{shown_analyst, shown_key};
pub use reload::Reloaded;
pub use unmatched::{
    keys_on_no_row, unmatched_in_load, unmatched_in_report, unmatched_report_line,
    unmatched_sentence,
};
pub use whose::{replayed_text, whose_text};

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

pub use append::Journal;
pub use chain::GENESIS;
pub use location::*;

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The analyst's verdict on a row.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    #[default]
    Unreviewed,
    Suspicious,
    Legitimate,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Self::Unreviewed => "unreviewed",
            Self::Suspicious => "suspicious",
            Self::Legitimate => "legitimate",
        }
    }
}

/// The state of one row: its verdict and note, and who decided it when.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub note: String,
    /// The analyst of the last entry for the row ("" before any decision).
    #[serde(default)]
    pub analyst: String,
    /// The UTC time of the last entry for the row.
    #[serde(default)]
    pub time: String,
    /// How many events the row stood for when it was decided (a flagged row; None for a
    /// near miss, one event by its id, and for decisions written before this was kept).
    /// More events now: events joined the row that the analyst never saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    /// The 1-based journal line that made this decision, when that line is outside the
    /// journal's hash chain (no `prev` after the chain started: added by hand, a colleague's
    /// merge, or another tool; never written by this version). Such a decision is applied, and
    /// marked wherever the analyst reads it (the why panel, the report's Analyst cell, the
    /// problems view, `report`'s stderr). None for a decision of a chained line, and for a
    /// decision made in this workbench. Not part of the journal's text.
    #[serde(skip)]
    pub outside_chain: Option<usize>,
}

impl Decision {
    /// How many events joined the row since this decision, for a row of `now` events:
    /// None for no verdict, for a decision that kept no count, or for no more events.
    pub fn new_events(&self, now: u64) -> Option<u64> {
        let then = self.events?;
        (self.verdict != Verdict::Unreviewed && now > then).then(|| now - then)
    }
}

/// `1 new event since your decision`: the same words on the row's drill-down, the
/// workbench's report and `sts-triage report`.
pub fn new_events_text(n: u64) -> String {
    format!(
        "{n} new event{} since your decision",
        if n == 1 { "" } else { "s" }
    )
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The row key: `row:<fingerprint of the 8 values>` or `event:<event id>`.
    pub key: String,
    pub verdict: Verdict,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub analyst: String,
    /// UTC time of the decision, RFC 3339.
    pub time: String,
    #[serde(default)]
    pub version: String,
    /// `set`, `undo`, `redo` or [`RETRY`].
    #[serde(default = "default_action")]
    pub action: String,
    /// On an entry that puts an earlier decision back (an undo or a redo, or a write
    /// retried after a failed save): who made that decision and when, which the replay
    /// restores, while `analyst` and `time` above say who put it back and when. Both empty:
    /// the row had no decision, and has none again. Absent on a new decision (and on undo
    /// entries written before this field, which replay as decisions of their own analyst).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restores: Option<Restored>,
    /// How many events the row stood for when decided ([`Decision::events`]); absent on a
    /// near miss and in entries written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    /// The SHA-256 (lowercase hex) of the previous entry's line, or [`GENESIS`] for the
    /// first entry; set by [`Journal::append`]. Absent in entries written before the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// The action of an entry writing again a decision a failed save left unwritten (it
/// `restores` that decision's analyst and time, so it keeps the time it was made). Never
/// written over a later entry of another writer on its key ([`Journal::take_held_back`]).
pub const RETRY: &str = "retry";

fn default_action() -> String {
    "set".to_owned()
}

/// Who made the decision an entry puts back, and when (see [`Entry::restores`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Restored {
    #[serde(default)]
    pub analyst: String,
    /// UTC time of that decision, RFC 3339; empty when there was no decision.
    #[serde(default)]
    pub time: String,
}

impl Entry {
    pub fn new(key: &str, decision: &Decision, analyst: &str, action: &str) -> Self {
        Self {
            key: key.to_owned(),
            verdict: decision.verdict,
            note: decision.note.clone(),
            analyst: analyst.to_owned(),
            time: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            action: action.to_owned(),
            restores: None,
            events: decision.events,
            prev: None,
        }
    }

    /// An entry putting `earlier` back exactly (verdict, note, its analyst and time; or no
    /// decision, when `earlier` has no time), written by `analyst` now.
    pub fn restoring(key: &str, earlier: &Decision, analyst: &str, action: &str) -> Self {
        Self {
            restores: Some(Restored {
                analyst: earlier.analyst.clone(),
                time: earlier.time.clone(),
            }),
            ..Self::new(key, earlier, analyst, action)
        }
    }

    /// The row's decision once this entry is applied: its own verdict, note, analyst and
    /// time; for an entry that restores one, the restored analyst and time; None when it
    /// restores no decision at all.
    pub fn decision(&self) -> Option<Decision> {
        let (analyst, time) = match &self.restores {
            Some(r) if r.time.is_empty() => return None,
            Some(r) => (&r.analyst, &r.time),
            None => (&self.analyst, &self.time),
        };
        Some(Decision {
            verdict: self.verdict,
            note: self.note.clone(),
            analyst: analyst.clone(),
            time: time.clone(),
            events: self.events,
            outside_chain: None,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {error}")]
    Io { path: String, error: io::Error },
    #[error(
        "journal {path}, line {line}: not a journal entry ({why}); fix or move the file, it is never replaced"
    )]
    Corrupt {
        path: String,
        line: usize,
        why: String,
    },
}

/// What replaying a journal gave.
#[derive(Debug, Default)]
pub struct Replay {
    pub decisions: HashMap<String, Decision>,
    pub entries: usize,
    /// The SHA-256 of the last entry line (None for a journal without entries).
    pub head: Option<String>,
    /// A torn last line (a crash mid-write) that was ignored or cut off.
    pub warning: Option<String>,
    /// The entry lines outside the hash chain (no `prev` although the chain started before
    /// them), with the key each decides: applied, and said ([`Replay::outside_chain_warning`]).
    pub outside_chain: Vec<(usize, String)>,
}

impl Replay {
    /// The sentence naming the journal's lines outside its hash chain, for the workbench's
    /// status line and `report`'s stderr; None when every line is in the chain.
    pub fn outside_chain_warning(&self, path: &str) -> Option<String> {
        outside_chain_sentence(path, &self.outside_chain)
    }
}

/// `journal J: line 3 (row:…) is outside the hash chain…`: what the workbench, `report` and the
/// report's header say of entry lines the tool did not write (see [`Decision::outside_chain`]).
/// The choice said here: such a line is applied (it may be a colleague's hand merge, and a
/// decision is never dropped without a word), and marked on its row.
pub fn outside_chain_sentence(path: &str, lines: &[(usize, String)]) -> Option<String> {
    let (first, rest) = lines.split_first()?;
    let listed = |(n, key): &(usize, String)| format!("{n} ({})", shown_key(key));
    let which = if rest.is_empty() {
        format!("line {}", listed(first))
    } else {
        format!(
            "lines {}",
            lines.iter().map(listed).collect::<Vec<_>>().join(", ")
        )
    };
    Some(format!(
        "journal {path}: {which} outside its hash chain (no prev: not written by sts-triage, \
         added by hand or by another tool); applied, and marked on {} where loaded; \
         `sts-triage verify --journal` checks the chain",
        // A key of no loaded row marks nothing: "where loaded" (breaker 16 #8).
        if rest.is_empty() {
            "its row"
        } else {
            "their rows"
        }
    ))
}

/// Reads and replays the journal at `path` without creating or writing it (the report
/// reads decisions, it never makes a journal). Read under a shared lock, so an entry being
/// appended by a workbench is read whole or not at all. A missing journal is an `Io` error
/// of kind `NotFound`, for the caller to treat as "no decisions".
pub fn read_decisions(path: &Path) -> Result<Replay, JournalError> {
    let text = read_text(path)?;
    replay(&path.display().to_string(), &text)
}

/// The journal's bytes, read under a shared lock (so an entry being appended is read whole
/// or not at all), without creating or writing anything.
pub fn read_text(path: &Path) -> Result<Vec<u8>, JournalError> {
    let display = path.display().to_string();
    let io_err = |error| JournalError::Io {
        path: display.clone(),
        error,
    };
    // Checked before opening: opening a pipe to read would wait for a writer.
    if !std::fs::metadata(path).map_err(io_err)?.is_file() {
        return Err(io_err(io::Error::other("not a regular file")));
    }
    let mut file = File::open(path).map_err(io_err)?;
    file.lock_shared().map_err(io_err)?;
    let mut text = Vec::new();
    let read = file.read_to_end(&mut text);
    let unlocked = file.unlock();
    read.map_err(io_err)?;
    unlocked.map_err(io_err)?;
    Ok(text)
}

/// Replays journal text: the last entry of each key wins. A torn last line is ignored with a
/// warning; any other bad line (a line cut short in the middle included) is an error naming
/// it.
pub fn replay(path: &str, text: &[u8]) -> Result<Replay, JournalError> {
    let parsed = chain::parse(path, text, 1)?;
    Ok(replay_parsed(path, &parsed, false))
}

/// The decisions of the first `entries` entries of journal `text`: the journal as of an
/// earlier head (`verify` checks a report against the journal state it names).
pub fn replay_first(path: &str, text: &[u8], entries: usize) -> Result<Replay, JournalError> {
    let mut parsed = chain::parse(path, text, 1)?;
    parsed.lines.truncate(entries);
    Ok(replay_parsed(path, &parsed, false))
}

/// The decisions of parsed lines; `cut` says whether a torn last line was cut off the file
/// (by a workbench holding the lock) or only ignored (by a reader).
fn replay_parsed(path: &str, parsed: &chain::Parsed, cut: bool) -> Replay {
    let mut out = Replay::default();
    // A line without `prev` once the chain started was not written by this version: its
    // decision is applied but marked (see `Decision::outside_chain`), never silently.
    // (`chain::check`'s "no prev although the chain starts at line N".)
    let chain_start = parsed
        .lines
        .iter()
        .find(|l| l.entry.prev.is_some())
        .map(|l| l.number);
    for l in &parsed.lines {
        let e = &l.entry;
        out.entries += 1;
        let by_hand = e.prev.is_none() && chain_start.is_some_and(|start| l.number > start);
        if by_hand {
            out.outside_chain.push((l.number, e.key.clone()));
        }
        match e.decision() {
            Some(mut d) => {
                d.outside_chain = by_hand.then_some(l.number);
                out.decisions.insert(e.key.clone(), d)
            }
            None => out.decisions.remove(&e.key),
        };
    }
    out.head = parsed.lines.last().map(|l| l.hash.clone());
    if let Some((line, _)) = parsed.torn {
        out.warning = Some(format!(
            "journal {path}: line {line} was cut off by a crash (never confirmed as saved) and is {}",
            if cut { "removed" } else { "ignored" }
        ));
    }
    out
}

/// The name decisions are signed with when the workbench knows none ([`analyst_name`]).
pub const UNSIGNED: &str = "unknown";

/// Who signs the workbench's decisions: `--analyst NAME`, else the login name from the
/// environment (`$USER`, then `$LOGNAME`, then Windows' `$USERNAME`; an empty or blank
/// value counts as none), else [`UNSIGNED`] with the notice to show once on screen (a
/// journal signed `unknown` cannot say who decided). `env` reads a variable.
pub fn analyst_name(
    given: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> (String, Option<String>) {
    let name = given
        .map(str::to_owned)
        .into_iter()
        .chain(["USER", "LOGNAME", "USERNAME"].into_iter().filter_map(&env))
        .find(|n| !n.trim().is_empty());
    match name {
        Some(n) => (n, None),
        None => (UNSIGNED.to_owned(), Some(unsigned_notice())),
    }
}

/// What the workbench says (on its status line at start, before where its journal is, and
/// first in its problems view) when its decisions are signed [`UNSIGNED`]: the way out
/// first, the reason last, so that an 80-column line shows both the fact and the way out.
pub fn unsigned_notice() -> String {
    format!(
        "decisions are signed `{UNSIGNED}`: restart with --analyst NAME to sign them (no --analyst, $USER, $LOGNAME or $USERNAME)"
    )
}

/// What the workbench says when an entry another analyst appended touches the row being
/// decided: `bob marked this legitimate 2 min ago`. The analyst's name is neutralised (it
/// comes from a file); an entry without one is "another analyst".
pub fn foreign_notice(e: &Entry, now: chrono::DateTime<Utc>) -> String {
    foreign_said(e, now, true)
}

/// [`foreign_notice`] without "this", for an entry read while idle and said with the row
/// it names after it: `bob marked legitimate just now`.
pub fn foreign_said(e: &Entry, now: chrono::DateTime<Utc>, this: bool) -> String {
    let who = shown_analyst(&e.analyst);
    let (this, it) = if this { ("this ", "this") } else { ("", "it") };
    let what = match e.action.as_str() {
        "undo" => format!("undid a decision, leaving {it} {}", e.verdict.label()),
        "redo" => format!("redid a decision, marking {this}{}", e.verdict.label()),
        RETRY => format!(
            "wrote a decision a failed save had held back, marking {this}{}",
            e.verdict.label()
        ),
        _ => format!("marked {this}{}", e.verdict.label()),
    };
    let when = chrono::DateTime::parse_from_rfc3339(&e.time).map_or_else(
        |_| String::new(),
        |t| {
            let secs = (now - t.with_timezone(&Utc)).num_seconds().max(0);
            match secs {
                0..60 => " just now".to_owned(),
                60..3600 => format!(" {} min ago", secs / 60),
                3600..86400 => format!(" {} h ago", secs / 3600),
                _ => format!(" on {}", t.with_timezone(&Utc).format("%Y-%m-%d")),
            }
        },
    );
    format!("{who} {what}{when}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_default_journal_is_the_same_however_the_input_is_spelled() {
        let dir = tempfile::tempdir().unwrap();
        let evidence = dir.path().join("case 7");
        std::fs::create_dir(&evidence).unwrap();
        std::fs::write(evidence.join("a.jsonl"), "").unwrap();
        let expected = std::fs::canonicalize(dir.path())
            .unwrap()
            .join("case 7.sts-triage.jsonl");
        assert_eq!(default_location(&evidence), expected, "a folder: beside it");
        let trailing = PathBuf::from(format!("{}/", evidence.display()));
        assert_eq!(default_location(&trailing), expected);
        let dotted = evidence.join(".");
        assert_eq!(default_location(&dotted), expected);
        let file = evidence.join("a.jsonl");
        assert_eq!(
            default_location(&file),
            std::fs::canonicalize(&evidence)
                .unwrap()
                .join("a.jsonl.sts-triage.jsonl")
        );
        assert!(!expected.exists(), "nothing created");
    }

    #[test]
    fn the_default_journal_of_several_inputs_does_not_depend_on_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "").unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let ab = default_for_inputs(&[a.clone(), b.clone()]);
        assert_eq!(ab, base.join("a.csv.sts-triage.jsonl"));
        assert_eq!(default_for_inputs(&[b.clone(), a.clone()]), ab);
        // The same input spelled twice, or given once more: the same journal.
        let dotted = dir.path().join(".").join("b.csv");
        assert_eq!(default_for_inputs(&[dotted, a.clone(), b.clone()]), ab);
        assert!(!ab.exists(), "nothing created");
        // A journal an older version named after the first input as given (`b.csv a.csv`)
        // is still found, in either order, until the sorted name has one.
        let older = base.join("b.csv.sts-triage.jsonl");
        std::fs::write(&older, "").unwrap();
        assert_eq!(default_for_inputs(&[b.clone(), a.clone()]), older);
        assert_eq!(default_for_inputs(&[a.clone(), b.clone()]), older);
        std::fs::write(&ab, "").unwrap();
        assert_eq!(default_for_inputs(&[b.clone(), a.clone()]), ab);
        // One input: as before.
        assert_eq!(default_for_inputs(std::slice::from_ref(&b)), older);
    }

    fn entry(key: &str, v: Verdict) -> Entry {
        Entry::new(
            key,
            &Decision {
                verdict: v,
                note: "n".into(),
                ..Decision::default()
            },
            "ana",
            "set",
        )
    }

    #[test]
    fn decisions_survive_reopen_and_last_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("j.jsonl");
        let (mut j, r) = Journal::open(&path).expect("open");
        assert!(r.decisions.is_empty());
        j.append(&[entry("row:a", Verdict::Suspicious)])
            .expect("append");
        j.append(&[
            entry("row:a", Verdict::Legitimate),
            entry("row:b", Verdict::Suspicious),
        ])
        .expect("append");
        drop(j);
        let (_, r) = Journal::open(&path).expect("reopen");
        assert_eq!(r.decisions["row:a"].verdict, Verdict::Legitimate);
        assert_eq!(r.decisions["row:b"].verdict, Verdict::Suspicious);
        assert_eq!(r.entries, 3);
    }

    #[test]
    fn torn_last_line_is_ignored_but_a_bad_middle_line_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("j.jsonl");
        let good = serde_json::to_string(&entry("row:a", Verdict::Suspicious)).expect("json");
        std::fs::write(&path, format!("{good}\n{{\"key\":\"row:b\",\"verd")).expect("write");
        let (mut j, r) = Journal::open(&path).expect("open with torn line");
        assert!(r.warning.is_some());
        assert_eq!(r.decisions.len(), 1);
        j.append(&[entry("row:c", Verdict::Legitimate)])
            .expect("append");
        drop(j);
        let (_, r) = Journal::open(&path).expect("reopen after torn line");
        assert_eq!(r.decisions.len(), 2, "the new entry is on its own line");

        std::fs::write(&path, format!("garbage\n{good}\n")).expect("write");
        let err = Journal::open(&path).expect_err("corrupt");
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn a_foreign_notice_names_the_analyst_neutralised_and_the_age() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let mut e = entry("row:a", Verdict::Legitimate);
        e.analyst = "bob".into();
        e.time = "2026-01-01T11:58:00.000Z".into();
        assert_eq!(
            foreign_notice(&e, now),
            "bob marked this legitimate 2 min ago"
        );
        e.analyst = "ev\u{1b}[2Jil".into();
        e.time = "2026-01-01T09:00:00Z".into();
        let n = foreign_notice(&e, now);
        assert!(
            !n.contains('\u{1b}') && n.ends_with("marked this legitimate 3 h ago"),
            "{n}"
        );
        e.analyst = String::new();
        e.action = "undo".into();
        e.verdict = Verdict::Unreviewed;
        e.time = "2026-01-01T11:59:59Z".into();
        assert_eq!(
            foreign_notice(&e, now),
            "another analyst undid a decision, leaving this unreviewed just now"
        );
    }
}
