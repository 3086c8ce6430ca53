//! What a scan produces: STS events with their evaluation, the distinct result rows of the
//! query (findings), near misses with their reason, and what went wrong on the way.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use crate::evidence::RawText;
pub use crate::intern::Text;
use crate::kql::KqlDateTime;

pub mod copies;
mod near_miss;
mod parties;
mod totals;

pub use near_miss::NearMissReason;
pub use parties::{ActorKind, EventParties, Parties, actor_keys};
use totals::distinct;
pub use totals::{RowTotals, count_label, thousands};

/// The table an event came from, which decides the rule it is evaluated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A Defender CloudAppEvents row (RawEventData is the UAL record).
    CloudAppEvents,
    /// A Unified Audit Log record, evaluated as the RawEventData of a CloudAppEvents row.
    UnifiedAuditLog,
    /// An Entra ID audit record (AuditLogs, Graph directoryAudits, diagnostic settings),
    /// evaluated with the sibling AuditLogs rule.
    EntraAudit,
    /// A row of an export of the query's own result.
    QueryResult,
}

impl SourceKind {
    /// Which of the records of one event (copies in several export shapes) is its canonical
    /// copy, the one whose row it gives: the lowest rank, then the file name, then the line.
    /// The query was written for CloudAppEvents columns (0); the Unified Audit Log record is
    /// the RawEventData the query reads there (1); Entra AuditLogs and Graph directoryAudits
    /// are read through the sibling rule, with other names for the actor (2); an imported
    /// query result (3) is never a copy of an event.
    pub fn rank(self) -> u8 {
        match self {
            Self::CloudAppEvents => 0,
            Self::UnifiedAuditLog => 1,
            Self::EntraAudit => 2,
            Self::QueryResult => 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CloudAppEvents => "CloudAppEvents",
            Self::UnifiedAuditLog => "Unified Audit Log",
            Self::EntraAudit => "Entra AuditLogs",
            Self::QueryResult => "query result",
        }
    }
}

/// Where a record stands: the file and the 1-based line where the record starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    pub file: Arc<str>,
    pub line: u64,
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One distinct result row: the query's eight output columns, in the query's order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct ResultRow {
    #[serde(rename = "AccountObjectId")]
    pub account_object_id: String,
    #[serde(rename = "AccountDisplayName")]
    pub account_display_name: String,
    #[serde(rename = "Role")]
    pub role: String,
    #[serde(rename = "IPAddress")]
    pub ip_address: String,
    #[serde(rename = "IsAnonymousProxy")]
    pub is_anonymous_proxy: Option<bool>,
    #[serde(rename = "ISP")]
    pub isp: String,
    #[serde(rename = "tokenMinutesAdded")]
    pub token_minutes_added: Option<i64>,
    #[serde(rename = "tokenMinutesRemaining")]
    pub token_minutes_remaining: Option<i64>,
}

impl ResultRow {
    /// The output column names, in order.
    pub const COLUMNS: [&'static str; 8] = [
        "AccountObjectId",
        "AccountDisplayName",
        "Role",
        "IPAddress",
        "IsAnonymousProxy",
        "ISP",
        "tokenMinutesAdded",
        "tokenMinutesRemaining",
    ];

    /// A stable fingerprint of the eight values, `row:<24 hex digits>` (the first 96 bits
    /// of a SHA-256): the same row from any export format of the same data gets the same
    /// key, so decisions carry over; two rows whose values differ get different keys.
    ///
    /// The values are hashed each followed by the unit separator 0x1F: one-to-one while no
    /// value holds 0x1F, and every journal keys its rows so. A value holding 0x1F (a display
    /// name is anyone's to choose) would move the boundary (`Eve\x1fUser` + `X` read as
    /// `Eve` + `User\x1fX`: two rows, one key, a verdict on both); such a row's values are
    /// hashed length-prefixed after a tag of nine 0x1F bytes instead, which no row without
    /// 0x1F (exactly eight of them) can hash as, so the keys of all other rows are unchanged.
    pub fn key(&self) -> String {
        let cells = self.cells();
        let mut h = Sha256::new();
        if cells.iter().any(|c| c.as_bytes().contains(&0x1f)) {
            h.update([0x1f; 9]);
            h.update(b"row key, length-prefixed");
            for cell in &cells {
                h.update((cell.len() as u64).to_le_bytes());
                h.update(cell.as_bytes());
            }
        } else {
            for cell in &cells {
                h.update(cell.as_bytes());
                h.update([0x1f]);
            }
        }
        let digest = h.finalize();
        let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!("row:{hex}")
    }

    /// The eight values as text (null as the empty string, booleans as true/false).
    pub fn cells(&self) -> [String; 8] {
        [
            self.account_object_id.clone(),
            self.account_display_name.clone(),
            self.role.clone(),
            self.ip_address.clone(),
            opt_to_string(self.is_anonymous_proxy),
            self.isp.clone(),
            opt_to_string(self.token_minutes_added),
            opt_to_string(self.token_minutes_remaining),
        ]
    }
}

fn opt_to_string<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// What the query did with one STS event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Returned by the query as this row (an Entra record may give several rows).
    Flagged(Rows),
    /// Passed over, with the reason (boxed: the rarer case, kept small for the many flagged
    /// events).
    NearMiss(Box<NearMissReason>),
}

/// The result rows of a flagged event. Shared: once the event has joined its finding, the
/// event and the finding hold the same row (many events stand behind few distinct rows, so
/// the row is not copied per event).
#[derive(Clone, PartialEq, Eq)]
pub struct Rows(Arc<[ResultRow]>);

impl Rows {
    /// The one row, shared (no copy).
    pub fn one(row: Arc<[ResultRow]>) -> Self {
        Self(row)
    }
    /// The shared slice, to hand to another event with the same rows.
    pub fn shared(&self) -> Arc<[ResultRow]> {
        self.0.clone()
    }
}

impl From<Vec<ResultRow>> for Rows {
    fn from(rows: Vec<ResultRow>) -> Self {
        Self(rows.into())
    }
}

impl std::ops::Deref for Rows {
    type Target = [ResultRow];
    fn deref(&self) -> &[ResultRow] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Rows {
    type Item = &'a ResultRow;
    type IntoIter = std::slice::Iter<'a, ResultRow>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// The clauses of the query with the values this event gave them: the "why flagged" panel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub action_type: String,
    pub action_type_matches: bool,
    pub directory_sync: Option<String>,
    pub display_name: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub old_valid_from: Option<KqlDateTime>,
    pub new_valid_from: Option<KqlDateTime>,
    pub timestamp: Option<KqlDateTime>,
    pub minutes_added: Option<i64>,
    pub minutes_remaining: Option<i64>,
    pub role: String,
}

/// One STS refresh-token event (flagged or not), with everything the workbench's table
/// shows. Kept for every event of a scan (millions, in a tenant that revokes sessions
/// daily), so it holds little: repeated values are shared ([`Text`], `Arc<Parties>`, the
/// finding's row), the raw text is on disk and the trace is evaluated again when asked for.
#[derive(Debug, Clone)]
pub struct StsEvent {
    /// The event's own id (UAL Id, AuditLogs Id, ReportId), else a hash of its raw text.
    pub id: String,
    pub source: SourceRef,
    /// Other records of the same event (same id) met later: counted once, listed here
    /// (`None` when there are none, as for almost every event).
    pub duplicates: Option<Box<Vec<SourceRef>>>,
    pub kind: SourceKind,
    /// The record as read (a JSON line, a JSON document element, or a CSV row as JSON): kept
    /// on disk once the loader has filed it, read back with [`RawText::text`].
    pub raw: RawText,
    pub time: Option<KqlDateTime>,
    pub operation: Text,
    pub actor: Text,
    /// Whose tokens and who did it (context beside the query's columns, never in its rows),
    /// shared by the events with the same parties, each of its texts shared too (see
    /// [`EventParties`]). The correlation id is in [`StsEvent::correlation`], as the context
    /// index keeps it.
    pub parties: Arc<EventParties>,
    /// A 64-bit hash of the correlation id (`context::index::correlation_hash`, ASCII case
    /// ignored; 0: none), the key the context index finds related records by.
    pub correlation: u64,
    /// The clause-by-clause trace, kept only where the raw text is not the record the rule
    /// read (a CSV row, whose cells were turned into a record): for every other source it is
    /// `None` and [`StsEvent::trace`] evaluates the raw text again when the drill-down opens
    /// (about 350 bytes an event not kept in memory).
    pub trace_kept: Option<Box<Trace>>,
    pub outcome: Outcome,
    /// A 32-bit hash of the StsRefreshTokensValidFrom old and new values the rule read
    /// ([`valid_from_hash`]; 0: not read): with the time and the IP, what tells two records
    /// of one id apart (a copy folds into the first; a record with other content is another
    /// event).
    pub valid_from: u32,
    /// Another near miss with this id but other content was read (`same id, different
    /// content`): the journal key then names this one's content ([`StsEvent::key`]).
    pub shares_id: bool,
    /// Another near miss with this id differs from this one only by its parties or
    /// operation: the content key journals wrote before those were compared
    /// ([`StsEvent::legacy_fingerprint`]) would name both, so it names neither.
    pub shares_legacy_key: bool,
    /// Another near miss with this id has this one's content key
    /// ([`StsEvent::content_fingerprint`]) and differs from it only in the values of its
    /// [`StsEvent::near_row`] (another IP or ISP): the key then names those values too.
    pub shares_content_key: bool,
    /// Of a near miss read from a CloudAppEvents row or a UAL record: the query's columns
    /// its record gives (AccountObjectId, AccountDisplayName, IPAddress, IsAnonymousProxy,
    /// ISP; no Role and no minutes, which the query reads only of a flagged record). A copy
    /// must agree with them as a flagged copy agrees with its row (`scan::again`). `None`
    /// for a flagged event (its row is in [`StsEvent::outcome`]) and an Entra near miss.
    pub near_row: Option<Box<ResultRow>>,
}

/// The [`StsEvent::valid_from`] of an evaluation: its old and new valid-from times as read,
/// or, when neither reads as a time, their texts; of a record with no ModifiedProperties,
/// none. 0 where the rule stopped before the values (another operation spelling,
/// DirectorySync, the property not first): they are not known, and not compared. The same
/// hash for every source of one event (a UAL record and its CloudAppEvents row read the
/// same ModifiedProperties).
pub fn valid_from_hash(trace: &Trace, outcome: &Outcome) -> u32 {
    match outcome {
        Outcome::Flagged(_) => {}
        Outcome::NearMiss(r) if matches!(**r, NearMissReason::NoModifiedProperties { .. }) => {}
        Outcome::NearMiss(_) => return 0,
    }
    let v = if trace.old_valid_from.is_some() || trace.new_valid_from.is_some() {
        // A multiply-xor mix of the two instants (one per STS event: SipHash cost 40 ns).
        let part = |t: Option<KqlDateTime>| {
            t.map_or(0x9e37_79b9_7f4a_7c15u64, |t| {
                (t.timestamp() as u64) ^ (u64::from(t.timestamp_subsec_nanos()) << 34)
            })
        };
        let mix = |x: u64| {
            let x = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
            (x ^ (x >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53)
        };
        mix(mix(part(trace.old_valid_from)) ^ part(trace.new_valid_from))
    } else {
        // FNV-1a: the same value in every run and every build (it reaches journal keys
        // through `StsEvent::content_fingerprint`; std's hasher may change between releases).
        let mut h = Fnv::default();
        for v in [&trace.old_value, &trace.new_value] {
            match v {
                Some(v) => {
                    h.write(&[1]);
                    h.write(v.as_bytes());
                    h.write(&[0xff]);
                }
                None => h.write(&[0]),
            }
        }
        h.0
    };
    // Never 0, which says "not read".
    (v ^ (v >> 32)) as u32 | 1
}

impl StsEvent {
    pub fn is_flagged(&self) -> bool {
        matches!(self.outcome, Outcome::Flagged(_))
    }
    pub fn near_miss_reason(&self) -> Option<&NearMissReason> {
        match &self.outcome {
            Outcome::NearMiss(r) => Some(r),
            Outcome::Flagged(_) => None,
        }
    }
    /// Every record of this event: where it was first read, then its duplicates.
    pub fn sources(&self) -> impl Iterator<Item = &SourceRef> {
        std::iter::once(&self.source).chain(self.duplicate_sources())
    }
    /// The other records of this event (same id), in the order read.
    pub fn duplicate_sources(&self) -> &[SourceRef] {
        self.duplicates.as_deref().map_or(&[], Vec::as_slice)
    }
    /// The raw text, read back from where it is kept (one positioned read); should that fail
    /// (the input deleted or cut since the scan), a line saying so and where.
    pub fn raw_text(&self) -> String {
        self.raw.text().unwrap_or_else(|e| {
            format!("(the record could not be read back: {e} · {})", self.source)
        })
    }
    /// The journal key of a near miss: its own id, `event:<id>`; when another near miss
    /// with this id but other content was read ([`StsEvent::shares_id`]), its id and its
    /// content, `event:<id>#<8 hex digits>` ([`StsEvent::content_fingerprint`]), so that a
    /// decision on one never applies to the other; when that content is another's too
    /// ([`StsEvent::shares_content_key`]: the two differ in IP or ISP only), its
    /// [`StsEvent::near_row`]'s values as well, `event:<id>#<8 hex>.<8 hex>`. The plain key
    /// stays that of the usual case, so every journal written before still applies.
    pub fn key(&self) -> String {
        if self.shares_id && self.shares_content_key {
            self.content_row_key()
        } else if self.shares_id {
            self.content_key()
        } else {
            self.plain_key()
        }
    }
    /// The key a near miss is decided under given what is `decided`: [`StsEvent::key`],
    /// except that a near miss whose id no other near miss shares (now) and that has no
    /// decision under its plain key keeps one saved under its content key (made while
    /// another near miss shared its id): nothing decided is lost when it is read alone.
    ///
    /// A decision saved under the content key of the journals written before the parties
    /// and the operation were part of the content ([`StsEvent::legacy_fingerprint`]) is
    /// kept too, unless another near miss of this id has that key as well
    /// ([`StsEvent::shares_legacy_key`]): it cannot say which one it was about.
    pub fn key_in(&self, decided: impl Fn(&str) -> bool) -> String {
        let key = self.key();
        if decided(&key) {
            return key;
        }
        let own = self.content_key();
        if !self.shares_id && decided(&own) {
            return own;
        }
        if !self.shares_id && self.near_row.is_some() {
            let own = self.content_row_key();
            if decided(&own) {
                return own;
            }
        }
        let legacy = self.legacy_key();
        if !self.shares_legacy_key && decided(&legacy) {
            return legacy;
        }
        key
    }
    /// `event:<id>#<legacy fingerprint>`: the content key journals wrote before the parties
    /// and the operation were compared ([`StsEvent::legacy_fingerprint`]).
    pub fn legacy_key(&self) -> String {
        format!("event:{}#{:08x}", self.id, self.legacy_fingerprint())
    }
    /// Whether `decided` holds a decision under a key that now names this near miss and
    /// another one (the plain key while another near miss shares the id; the legacy content
    /// key while another differs from it only by its parties or operation; the content key
    /// while another differs from it only by its IP or ISP), which is therefore applied to
    /// neither ([`StsEvent::key_in`]).
    pub fn stale_key_decided(&self, decided: impl Fn(&str) -> bool) -> bool {
        (self.shares_id && decided(&self.plain_key()))
            || (self.shares_legacy_key && decided(&self.legacy_key()))
            || (self.shares_content_key && decided(&self.content_key()))
    }
    /// `event:<id>`: the key of a near miss whose id no other near miss shares.
    pub fn plain_key(&self) -> String {
        format!("event:{}", self.id)
    }
    /// A 32-bit fingerprint of what tells records of one id apart (the content
    /// `scan::again` compares): the time to the second, the StsRefreshTokensValidFrom
    /// values' hash ([`StsEvent::valid_from`]), the IP, and the parties and operation as
    /// the copy rule compares them ([`copies::parties_text`]). A
    /// function of the event's own record only (FNV-1a), so the same whatever the file
    /// order or the other files read.
    pub fn content_fingerprint(&self) -> u32 {
        let mut h = self.legacy_hash();
        h.write(&[0xfe]);
        h.write(copies::parties_text(&self.parties, &self.operation).as_bytes());
        (h.0 ^ (h.0 >> 32)) as u32
    }
    /// The content fingerprint of the journals written before the parties and the
    /// operation were compared: the time, the valid-from values' hash and the IP only
    /// ([`StsEvent::key_in`] still finds decisions saved under it).
    pub fn legacy_fingerprint(&self) -> u32 {
        let h = self.legacy_hash();
        (h.0 ^ (h.0 >> 32)) as u32
    }
    fn legacy_hash(&self) -> Fnv {
        let mut h = Fnv::default();
        h.write(&self.time.map_or(i64::MIN, |t| t.timestamp()).to_le_bytes());
        h.write(&self.valid_from.to_le_bytes());
        // A near miss's IP (`near_row`) is left out: the keys journals hold stay valid; two
        // near misses told apart only by it are keyed with it (`shares_content_key`).
        let ip = match &self.outcome {
            Outcome::Flagged(rows) => rows.first().map_or("", |r| r.ip_address.as_str()),
            Outcome::NearMiss(_) => "",
        };
        h.write(ip.as_bytes());
        h
    }
}

/// A distinct result row and the events behind it (none for a loaded query-result export).
#[derive(Debug, Clone)]
pub struct Finding {
    pub row: ResultRow,
    /// Indexes into the scan's `events` of the events behind the row that are kept whole:
    /// every one after a plain scan; for the headless commands and the workbench, which keep
    /// most flagged events as a few numbers (`ScanReport::headless`), the first one and a few
    /// others.
    /// [`Finding::totals`] counts them all.
    pub events: Vec<usize>,
    /// What the outputs print of all the events behind the row, totalled as each joined it.
    pub totals: RowTotals,
    /// Where the row came from when it was read from a query-result export.
    pub imported_from: Option<SourceRef>,
    /// Something behind the row was read with bytes or escapes replaced by U+FFFD (invalid
    /// UTF-8, a lone surrogate), or a field of its record holds a character the neutraliser
    /// escapes (`crate::load::decode::has_replacement`): the `ctrl` hint and the ⚠ column
    /// show it.
    pub replaced: bool,
    /// An event behind the row was read from a record whose `ObjectId` and `Target`
    /// entries name different users ([`Parties::targets_differ`]): the row's `lookalike`
    /// hint and ⚠ say so (in the layout's padding: no byte more a row).
    pub targets_differ: bool,
}

impl Finding {
    /// A row no event stands behind any more: every event that gave it was found to be a
    /// copy of an event whose canonical record gives another row (`scan::again`). It is not
    /// a row: the outputs, the counts and the workbench pass it over.
    pub fn is_folded(&self) -> bool {
        self.totals.events == 0 && self.imported_from.is_none()
    }

    /// The distinct targets of the events behind the row, in the order first seen.
    pub fn targets<'a>(&self, events: &'a [StsEvent]) -> Vec<&'a str> {
        distinct(
            self.events
                .iter()
                .map(|&i| events[i].parties.target_label()),
        )
    }

    /// The distinct actors (UPN or application id) of the events behind the row.
    /// One label per principal (kind and label), as [`RowTotals::actors`] lists them.
    pub fn actors<'a>(&self, events: &'a [StsEvent]) -> Vec<&'a str> {
        let mut out: Vec<(ActorKind, &str)> = Vec::new();
        for &i in &self.events {
            let p = &events[i].parties;
            let a = (p.actor_kind, p.actor_label());
            if !a.1.is_empty() && !out.contains(&a) {
                out.push(a);
            }
        }
        out.into_iter().map(|(_, a)| a).collect()
    }

    pub fn first_time(&self, events: &[StsEvent]) -> Option<KqlDateTime> {
        self.events.iter().filter_map(|&i| events[i].time).min()
    }
}

/// A record that could not be read, or a file-level notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: Arc<str>,
    /// 1-based line, when known.
    pub line: Option<u64>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What was read from one file.
#[derive(Debug, Clone, Default)]
pub struct FileSummary {
    pub path: String,
    pub format: String,
    pub bytes: u64,
    pub records: u64,
    pub sts_events: u64,
    pub skipped: u64,
    /// Records read with invalid UTF-8, lone surrogate escapes or too-deep JSON replaced by
    /// U+FFFD.
    pub replaced: u64,
    /// Records read whose only repair was raw control characters inside strings, kept as
    /// written (shown escaped): counted apart, so that the summary never says they were
    /// replaced (breaker 12 #10).
    pub controls_kept: u64,
    /// Lowercase hex SHA-256 of the bytes as they were read (`ScanOptions::hash_inputs`);
    /// `bytes` is then their count.
    pub sha256: Option<String>,
    /// Read by follow mode (a file still being written): `bytes` and `sha256` cover the
    /// whole records read so far, the file may have grown past them.
    pub followed: bool,
}

/// FNV-1a (64 bits): a hash that is the same in every run and every build, for values that
/// reach the journal.
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
