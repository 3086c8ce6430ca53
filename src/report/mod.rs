//! The findings report handed over at the end of a triage (Markdown, JSON, CSV), and the
//! text of copied rows. Every string from an event is neutralised and escaped for Markdown
//! and guarded for CSV; JSON keeps the exact values (JSON-escaped).
//!
//! The Markdown report is produced by [`markdown_report`] alone: `sts-triage report` writes
//! it and the workbench's `Y` key copies it, so both are the same text for the same inputs,
//! journal and decisions.
//!
//! Rooms: this module holds what every format shares (the grouping of rows by verdict, the
//! context of hashes and journal); `markdown`, `json` and `csv` each write one format.

mod csv;
mod json;
mod markdown;
mod markdown_sections;
mod rows;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::hints::HintConfig;
use crate::journal::{Decision, Verdict};
use crate::kql::KqlDateTime;
use crate::model::Finding;
use crate::scan::ScanReport;

pub use self::csv::{CSV_COLUMNS, write_csv};
pub use self::json::{JSON_REPORT_FORMAT, json_report, write_json};
pub use self::markdown::{
    finding_line, findings_table, markdown_report, near_miss_table, write_markdown,
};

fn verdict_of(decisions: &HashMap<String, Decision>, key: &str) -> Decision {
    decisions.get(key).cloned().unwrap_or_default()
}

/// The decision on a flagged row (by [`crate::model::ResultRow::key`]). Without any
/// decision the key, a SHA-256 of the row's values, is not made: a report without a
/// journal made each row's key four times over (BENCHMARKS.md, issue 12, sixteenth round).
fn row_decision(decisions: &HashMap<String, Decision>, f: &Finding) -> Decision {
    if decisions.is_empty() {
        return Decision::default();
    }
    verdict_of(decisions, &f.row.key())
}

/// The decision on a near miss (by [`crate::model::StsEvent::key_in`]); see [`row_decision`].
fn near_miss_decision(
    decisions: &HashMap<String, Decision>,
    e: &crate::model::StsEvent,
) -> Decision {
    if decisions.is_empty() {
        return Decision::default();
    }
    verdict_of(decisions, &e.key_in(|k| decisions.contains_key(k)))
}

/// How many decisions (a verdict or a note) are signed [`journal::UNSIGNED`]: made in a
/// workbench that knew no analyst name.
///
/// [`journal::UNSIGNED`]: crate::journal::UNSIGNED
pub fn unsigned_decisions(decisions: &HashMap<String, Decision>) -> usize {
    decisions
        .values()
        .filter(|d| d.verdict != Verdict::Unreviewed || !d.note.is_empty())
        .filter(|d| d.analyst == crate::journal::UNSIGNED)
        .count()
}

/// `2 decisions are signed `unknown`…`: said by `report` on stderr and in the Markdown header
/// when the journal holds any; None when it holds none.
pub fn unsigned_sentence(decisions: &HashMap<String, Decision>) -> Option<String> {
    let n = unsigned_decisions(decisions);
    (n > 0).then(|| {
        format!(
            "{n} decision{} signed `{}`: made in a workbench without --analyst, $USER, $LOGNAME or $USERNAME, so the journal cannot say who decided (start the workbench with --analyst NAME to sign new ones)",
            if n == 1 { " is" } else { "s are" },
            crate::journal::UNSIGNED
        )
    })
}

/// The decisions made by journal lines outside the hash chain ([`Decision::outside_chain`]):
/// (journal line, row key), by line. The report's header names them and each row's Analyst
/// cell is marked; `report` and the workbench say them as a warning.
pub fn outside_chain_decisions(decisions: &HashMap<String, Decision>) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = decisions
        .iter()
        .filter_map(|(k, d)| Some((d.outside_chain?, k.clone())))
        .collect();
    out.sort();
    out
}

/// What follows the analyst of a decision made by a journal line outside the hash chain
/// (` (journal line 3, outside the hash chain)`), else nothing: the same words in the
/// report's Analyst cell and the why panel.
pub fn outside_chain_mark(d: &Decision) -> String {
    d.outside_chain.map_or_else(String::new, |n| {
        format!(" (journal line {n}, outside the hash chain: not written by sts-triage)")
    })
}

/// Where a finding stands in the files: every event's `file:line`, or the line of the
/// query-result export it was read from.
fn finding_sources(report: &ScanReport, f: &Finding) -> Vec<String> {
    report
        .row_sources(f)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The load's notices a report carries (`## Load notices`, JSON `notices`): every problem
/// the loader said of a file (what it assumed, as the 1900 date system of Excel serial dates,
/// day-first dates, an encoding; what it skipped or repaired), but a file passed over (listed
/// under *Not read*). In the order of the files read, each file's by line, those without a
/// line first in the order said: the workbench's `Y`/`E` and `report` list the same, whatever
/// order the scan's threads said them in. Bounded: a loader describes the first records of a
/// file it skips one by one and counts the others (`FileSummary::skipped`).
pub fn load_notices(report: &ScanReport) -> Vec<&crate::model::Problem> {
    let mut out: Vec<&crate::model::Problem> = report
        .problems
        .iter()
        .filter(|p| {
            !(p.line.is_none()
                && p.message.starts_with("passed over: ")
                && report.not_read.iter().any(|n| *n.path == *p.file))
        })
        .collect();
    let rank = |file: &str| {
        report
            .files
            .iter()
            .position(|f| f.path == file)
            .unwrap_or(usize::MAX)
    };
    // Stable: notices without a line keep the order the loader said them in.
    out.sort_by_cached_key(|p| (rank(&p.file), p.file.clone(), p.line));
    out
}

/// Counts of findings per verdict: `[unreviewed, suspicious, legitimate]`.
pub fn verdict_counts(report: &ScanReport, decisions: &HashMap<String, Decision>) -> [usize; 3] {
    let mut counts = [0usize; 3];
    for f in report.findings.iter().filter(|f| !f.is_folded()) {
        counts[slot(row_decision(decisions, f).verdict)] += 1;
    }
    counts
}

fn slot(v: Verdict) -> usize {
    match v {
        Verdict::Unreviewed => 0,
        Verdict::Suspicious => 1,
        Verdict::Legitimate => 2,
    }
}

/// The SHA-256 of a file's bytes as stored (a gzip file is hashed compressed), read in
/// blocks so that a file of any size is hashed in constant memory. Lowercase hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        }))
}

/// The hash of one input file, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileHash {
    /// Lowercase hex SHA-256 of the bytes as stored.
    Sha256(String),
    /// Why the file could not be hashed (standard input, unreadable since the scan).
    Unavailable(String),
    /// Lowercase hex SHA-256 of the first `bytes` bytes of a followed file (follow mode):
    /// the whole records read so far, not the file as it is now (it may have grown).
    BytesRead { sha256: String, bytes: u64 },
}

/// Where the decisions of a report came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalSource {
    pub path: String,
    /// False when the journal does not exist (no decisions yet).
    pub found: bool,
    /// The journal's entries when the report was made.
    pub entries: usize,
    /// The SHA-256 of its last entry line (lowercase hex), what `verify` checks it against.
    pub head: Option<String>,
}

/// What the report says beyond the scan and the decisions: the inputs' hashes and the
/// journal. Computed when the report is made (`sts-triage report`, or `Y` in the workbench).
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// Per input file, by the path the scan shows (`FileSummary::path`).
    pub hashes: HashMap<String, FileHash>,
    pub journal: Option<JournalSource>,
    /// The thresholds the report's hints and context lines are made with: the workbench's
    /// (`E`, `Y`) or `report`'s options of the same names; the report states them.
    pub hints: HintConfig,
    /// The hint tables, when already made for the report with [`Self::hints`] (`report`
    /// makes them beside the context index's lookups, after the scan); else each writer
    /// makes them.
    pub tables: Option<std::sync::Arc<crate::hints::Tables>>,
}

impl ReportContext {
    /// Hashes every file of the report (standard input cannot be hashed again: it was
    /// consumed by the scan).
    pub fn new(report: &ScanReport, journal_path: &str, journal_found: bool) -> Self {
        Self::new_knowing(report, journal_path, journal_found, &HashMap::new())
    }

    /// [`Self::new`], except that a file the scan did not hash and `known` names (by its
    /// path as the scan shows it) is given that instead of being hashed now: the workbench
    /// knows when a file changed during its load, and hashed now it would be another
    /// file's (breaker 13 #5).
    pub fn new_knowing(
        report: &ScanReport,
        journal_path: &str,
        journal_found: bool,
        known: &HashMap<String, FileHash>,
    ) -> Self {
        let hashes = report
            .files
            .iter()
            .map(|f| {
                let hash = if let (true, Some(h)) = (f.followed, &f.sha256) {
                    FileHash::BytesRead {
                        sha256: h.clone(),
                        bytes: f.bytes,
                    }
                } else if let Some(h) = &f.sha256 {
                    // Hashed by the scan from the bytes it read.
                    FileHash::Sha256(h.clone())
                } else if let Some(h) = known.get(&f.path) {
                    h.clone()
                } else if f.path == "(stdin)" {
                    FileHash::Unavailable("standard input, not hashed".to_owned())
                } else if crate::context::stdin_copy::read_once(Path::new(&f.path)) {
                    // A pipe read to its end gives nothing more: never the hash of bytes
                    // the scan did not read (breaker 13 #2: the SHA-256 of nothing).
                    FileHash::Unavailable(
                        "a pipe or device, read once and not hashed as it was read: its bytes cannot be read again".to_owned(),
                    )
                } else {
                    match sha256_file(Path::new(&f.path)) {
                        Ok(h) => FileHash::Sha256(h),
                        Err(e) => FileHash::Unavailable(format!("not hashed: {e}")),
                    }
                };
                (f.path.clone(), hash)
            })
            .collect();
        // The workbench reports its journal as it is on disk now; `report` replaces this
        // with the replay its decisions came from (`with_journal_chain`).
        let chain = journal_found
            .then(|| crate::journal::read_decisions(Path::new(journal_path)).ok())
            .flatten();
        Self {
            hashes,
            journal: Some(JournalSource {
                path: journal_path.to_owned(),
                found: journal_found,
                entries: chain.as_ref().map_or(0, |r| r.entries),
                head: chain.and_then(|r| r.head),
            }),
            hints: HintConfig::default(),
            tables: None,
        }
    }

    /// The hint thresholds and context windows to make the report with (default: the
    /// defaults of the command line).
    #[must_use]
    pub fn with_hints(mut self, hints: HintConfig) -> Self {
        self.hints = hints;
        self
    }

    /// The hint tables made for this report with the thresholds of [`Self::with_hints`]
    /// (made with others, they are not used).
    #[must_use]
    pub fn with_tables(mut self, tables: Option<std::sync::Arc<crate::hints::Tables>>) -> Self {
        self.tables = tables;
        self
    }

    /// The journal's entry count and head hash from the replay the decisions came from, so
    /// that they describe exactly the decisions reported.
    #[must_use]
    pub fn with_journal_chain(mut self, entries: usize, head: Option<String>) -> Self {
        if let Some(j) = &mut self.journal {
            j.entries = entries;
            j.head = head;
        }
        self
    }

    fn hash(&self, path: &str) -> FileHash {
        self.hashes
            .get(path)
            .cloned()
            .unwrap_or_else(|| FileHash::Unavailable("not hashed".to_owned()))
    }
}

/// The rows of a report, grouped by verdict, each group in time order.
struct Grouped {
    /// Finding indexes: suspicious, legitimate, unreviewed.
    findings: [Vec<usize>; 3],
    /// Near-miss event indexes: suspicious, legitimate, unreviewed (every near miss is
    /// listed: an attacker's own text can make their event one, `rule::dirsync`).
    near_misses: [Vec<usize>; 3],
    /// Near misses kept lean (not listed: only a scan given
    /// [`ScanReport::near_misses_to_keep`], which `report` no longer gives) and unreviewed.
    near_miss_unreviewed: usize,
    time_range: Option<(KqlDateTime, KqlDateTime)>,
    /// Analysts of the suspicious and legitimate decisions reported.
    analysts: BTreeSet<String>,
}

impl Grouped {
    fn new(report: &ScanReport, decisions: &HashMap<String, Decision>) -> Self {
        let mut findings: [Vec<usize>; 3] = Default::default();
        let mut analysts = BTreeSet::new();
        // A folded row is no row: its events are those of other rows.
        for (i, f) in report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_folded())
        {
            let d = row_decision(decisions, f);
            let group = match d.verdict {
                Verdict::Suspicious => 0,
                Verdict::Legitimate => 1,
                Verdict::Unreviewed => 2,
            };
            if group < 2 && !d.analyst.is_empty() {
                analysts.insert(d.analyst);
            }
            findings[group].push(i);
        }
        for group in &mut findings {
            // Oldest first; rows without events (a query-result export) last.
            group.sort_by_cached_key(|&i| {
                let f = &report.findings[i];
                let t = f.totals.first;
                (t.is_none(), t, &f.row)
            });
        }
        let mut near_misses: [Vec<usize>; 3] = Default::default();
        // Near misses kept lean have no decision (`ScanReport::near_misses_to_keep`).
        let mut near_miss_unreviewed = report.near_miss_count() - report.near_misses.len();
        for &e in &report.near_misses {
            let d = near_miss_decision(decisions, &report.events[e]);
            let group = match d.verdict {
                Verdict::Suspicious => 0,
                Verdict::Legitimate => 1,
                Verdict::Unreviewed => {
                    near_miss_unreviewed += 1;
                    // Listed only where a scan for `report` keeps it whole (a DirectorySync
                    // term in the actor's own text, a damaged record): the workbench, which
                    // keeps every near miss, writes the same report; the others are counted.
                    if crate::scan::near_miss_can_be_lean(&report.events[e]) {
                        continue;
                    }
                    2
                }
            };
            if group < 2 && !d.analyst.is_empty() {
                analysts.insert(d.analyst);
            }
            near_misses[group].push(e);
        }
        for group in &mut near_misses {
            group.sort_by_cached_key(|&e| {
                let ev = &report.events[e];
                (ev.time.is_none(), ev.time, e)
            });
        }
        let time_range = report.time_range();
        Self {
            findings,
            near_misses,
            near_miss_unreviewed,
            time_range,
            analysts,
        }
    }

    fn unreviewed(&self) -> usize {
        self.findings[2].len()
    }
}

/// The warning of a report with unreviewed rows or near misses, or None when every one is
/// decided. Near misses count too: one may be an attacker's event the query passed over for
/// a word in their own text (`rule::dirsync`).
pub fn unreviewed_warning(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
) -> Option<String> {
    let unreviewed = verdict_counts(report, decisions)[0];
    let near = near_misses_unreviewed(report, decisions);
    let rows = format!("{unreviewed} of {} flagged rows", report.rows_flagged());
    let near_text = format!("{near} of {} near misses", report.near_miss_count());
    match (unreviewed > 0, near > 0) {
        (false, false) => None,
        (true, false) => Some(format!("{rows} are still unreviewed")),
        (false, true) => Some(format!("{near_text} are still unreviewed")),
        (true, true) => Some(format!("{rows} and {near_text} are still unreviewed")),
    }
}

/// How many near misses have no decision (those kept lean have none).
pub fn near_misses_unreviewed(report: &ScanReport, decisions: &HashMap<String, Decision>) -> usize {
    let decided = report
        .near_miss_events()
        .filter(|e| near_miss_decision(decisions, e).verdict != Verdict::Unreviewed)
        .count();
    report.near_miss_count() - decided
}

/// How many records were folded into events of other rows, and from which files: copies of
/// an event whose canonical record gives another row ([`ScanReport::folded_records`]);
/// None when none was. Each stays listed among its event's copies.
pub fn folded_sentence(report: &ScanReport) -> Option<String> {
    if report.folded_records == 0 {
        return None;
    }
    let files: Vec<String> = report
        .folded_from
        .iter()
        .map(|(file, n)| format!("{} {n}", crate::neutralize::name(file)))
        .collect();
    Some(format!(
        "{} folded into events of other rows (copies of one event in several exports give \
         the row of its CloudAppEvents record, else UAL, else Entra AuditLogs; each is listed \
         among its event's copies): {}",
        crate::count::count(report.folded_records, "record"),
        files.join(", ")
    ))
}

/// Decisions saved on a row that is no row any more: every event behind it was found to be
/// a copy of an event whose canonical record gives another row ([`Finding::is_folded`]),
/// so the verdict was made on evidence now read as another row's. Applied to no row (the
/// row that now holds the events may deserve another verdict), never dropped from the
/// journal: one sentence each, in the order of the keys. Why not carried over: the events
/// may now stand behind a row that holds other events too, which that verdict never saw.
pub fn folded_row_decisions(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
) -> Vec<String> {
    let mut out: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.is_folded())
        .filter_map(|f| {
            let key = f.row.key();
            let d = decisions.get(&key)?;
            Some(format!(
                "a decision ({}) on row {key} was not applied: its events are copies of events of \
                 another row (the row of their CloudAppEvents record, else UAL, else Entra \
                 AuditLogs); decide that row",
                d.verdict.label()
            ))
        })
        .collect();
    out.sort();
    out
}

/// Decisions saved under a plain `event:<id>` that no longer apply: near misses of that id
/// whose contents differ were read since ([`crate::model::StsEvent::shares_id`]), so the
/// decision cannot say which it was about; so too a content key saved before the parties
/// were compared that now names two ([`crate::model::StsEvent::stale_key_decided`]). Applied to neither (each is keyed by its own
/// content), never dropped from the journal. Each such id (as read: quote it for the
/// output) with the number of near misses sharing it, in the order of the ids.
pub fn decisions_not_applied(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
) -> Vec<(String, usize)> {
    let mut shared: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for e in report
        .events
        .iter()
        .filter(|e| e.shares_id && !e.is_flagged())
    {
        if e.stale_key_decided(|k| decisions.contains_key(k)) {
            *shared.entry(e.id.as_str()).or_default() += 1;
        }
    }
    shared
        .into_iter()
        .map(|(id, n)| (id.to_owned(), n))
        .collect()
}

/// The sentence said once per id of [`decisions_not_applied`] (in the report, the
/// workbench's header and problems); `id` already quoted for where it goes.
pub fn not_applied_sentence(id: &str, n: usize) -> String {
    format!(
        "a decision on event {id} was not applied: {n} different events now share this id; decide each again"
    )
}

/// Whether near miss `e` is one whose plain `event:<id>` decision was not applied (see
/// [`decisions_not_applied`]) and that has no decision of its own yet: the workbench marks
/// its row.
pub fn decision_not_applied(
    e: &crate::model::StsEvent,
    decisions: &HashMap<String, Decision>,
) -> bool {
    e.stale_key_decided(|k| decisions.contains_key(k))
        && !decisions.contains_key(&e.key_in(|k| decisions.contains_key(k)))
}

/// The thresholds a report was made with, in the words of the options that set them
/// (`--far-minutes` … `--actor-minutes`): the Markdown report's `- Hint thresholds:` line.
fn thresholds_line(h: &HintConfig) -> String {
    format!(
        "far {} min (--far-minutes), reset {} min (--reset-minutes), bulk {} users in {} min (--bulk-users, --bulk-minutes); related records: the target's within ±{} h (--target-hours), the actor's within ±{} min (--actor-minutes)",
        h.far_minutes,
        h.reset_minutes,
        h.bulk_users,
        h.bulk_minutes,
        h.context.target_window_secs / 3600,
        h.context.actor_window_secs / 60,
    )
}

/// The same thresholds as the JSON report's `hint_thresholds`, keyed by the options' names.
fn thresholds_json(h: &HintConfig) -> serde_json::Value {
    serde_json::json!({
        "far_minutes": h.far_minutes,
        "reset_minutes": h.reset_minutes,
        "bulk_users": h.bulk_users,
        "bulk_minutes": h.bulk_minutes,
        "target_hours": h.context.target_window_secs / 3600,
        "actor_minutes": h.context.actor_window_secs / 60,
    })
}
