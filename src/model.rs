//! What a scan produces: STS events with their evaluation, the distinct result rows of the
//! query (findings), near misses with their reason, and what went wrong on the way.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use crate::evidence::RawText;
pub use crate::intern::Text;
use crate::kql::KqlDateTime;

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

    /// A stable fingerprint of the eight values: the same row from any export format of
    /// the same data gets the same key, so decisions carry over.
    pub fn key(&self) -> String {
        let mut h = Sha256::new();
        for cell in self.cells() {
            h.update(cell.as_bytes());
            h.update([0x1f]);
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

/// Why the query passed over an STS refresh-token event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NearMissReason {
    /// ActionType (or Operation) is not exactly the query's literal.
    OperationSpelledDifferently { operation: String },
    /// RawEventData holds the whole term DirectorySync.
    DirectorySync { path: String },
    /// ModifiedProperties is missing or empty. `field` names it as the source spells it
    /// (`ModifiedProperties` in the UAL, `targetResources[0].modifiedProperties` in Entra).
    NoModifiedProperties { field: String },
    /// StsRefreshTokensValidFrom is not at index 0 (found elsewhere, or not at all).
    PropertyNotAtIndex0 {
        found_at: Option<usize>,
        at_index_0: String,
    },
    /// The property at index 0 is StsRefreshTokensValidFrom in another case.
    PropertyNameSpelledDifferently { name: String },
    /// RawEventData (or the record) could not be read as JSON.
    UnparseableValues { detail: String },
    /// The record's JSON (`field`, e.g. AuditData) ends before it closes: the exporting
    /// service or Excel cut it at `at_chars` characters.
    RecordCut { field: String, at_chars: usize },
    /// The record's JSON column holds something that is no record at all (PowerShell's
    /// `System.Collections.Hashtable`, an empty cell): only the outer columns were read.
    AuditDataUnusable { field: String, value: String },
}

impl NearMissReason {
    pub fn code(&self) -> &'static str {
        match self {
            Self::OperationSpelledDifferently { .. } => "operation_spelled_differently",
            Self::DirectorySync { .. } => "directory_sync",
            Self::NoModifiedProperties { .. } => "no_modified_properties",
            Self::PropertyNotAtIndex0 { .. } => "property_not_at_index_0",
            Self::PropertyNameSpelledDifferently { .. } => "property_name_spelled_differently",
            Self::UnparseableValues { .. } => "unparseable_values",
            Self::RecordCut { .. } => "record_cut",
            Self::AuditDataUnusable { .. } => "audit_data_unusable",
        }
    }
}

impl fmt::Display for NearMissReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OperationSpelledDifferently { operation } => {
                write!(f, "operation spelled differently: {operation:?}")
            }
            Self::DirectorySync { path } => write!(f, "DirectorySync term found at {path}"),
            Self::NoModifiedProperties { field } => write!(f, "no {field}"),
            Self::PropertyNotAtIndex0 {
                found_at: Some(i),
                at_index_0,
            } => write!(
                f,
                "StsRefreshTokensValidFrom at index {i}, not 0 ([0] is {at_index_0:?})"
            ),
            Self::PropertyNotAtIndex0 {
                found_at: None,
                at_index_0,
            } => write!(
                f,
                "no StsRefreshTokensValidFrom property ([0] is {at_index_0:?})"
            ),
            Self::PropertyNameSpelledDifferently { name } => {
                write!(f, "property name spelled differently: {name:?}")
            }
            Self::UnparseableValues { detail } => write!(f, "unparseable values: {detail}"),
            Self::RecordCut { field, at_chars } => {
                write!(f, "{field} cut at {} characters", thousands(*at_chars))
            }
            Self::AuditDataUnusable { field, value } if value.trim().is_empty() => {
                write!(f, "{field} is empty: only the outer columns were read")
            }
            Self::AuditDataUnusable { field, value } => write!(
                f,
                "{field} is unusable ({:?}): only the outer columns were read",
                value.chars().take(60).collect::<String>()
            ),
        }
    }
}

/// `3060` → `3,060`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
}

/// Context read from an STS event's record beside the query's columns: the user (or object)
/// whose StsRefreshTokensValidFrom changed, the actor's stable identity (AccountDisplayName is
/// chosen by whoever names the account) and the correlation id that ties the record to the
/// others written with it. Empty strings where the record has no such field. Never changes
/// the query's rows (see `context::parties` for the fields read per source kind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Parties {
    /// The target's UPN (or name, when it has no UPN).
    pub target: String,
    /// The target's object id (GUID), when the record has it.
    pub target_id: String,
    /// The actor's UPN, or an app as `name (service principal id)` (an app's name alone is chosen by
    /// whoever registers it).
    pub actor: String,
    /// The actor's object id or application (service principal) id.
    pub actor_id: String,
    /// What kind of principal the actor is: compared only with its own kind.
    pub actor_kind: ActorKind,
    /// UAL `InterSystemsId`, AuditLogs `CorrelationId`, Graph `correlationId`.
    pub correlation: String,
}

/// What kind of principal an actor is. Two actors are one only when they are of one kind
/// and share a key of it ([`actor_keys`]): an application is named by whoever registers
/// it, so an app named `helpdesk@contoso.com`, or `Helpdesk (a1b2…)`, is never that user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// A user (or a record that names no class): known by its UPN and its object id.
    #[default]
    User,
    /// An application known by its id: the service principal's object id (UAL
    /// `ServicePrincipal_<id>`, Entra `initiatedBy.app.servicePrincipalId`), else its
    /// application id; the actor is shown `name (id)`.
    App,
    /// An application the record gives no id of (Entra `initiatedBy.app` with null ids, a UAL
    /// `ServicePrincipal` class with no id): known by its name, shown `name (app, no id)`
    /// (`context::parties::named_app_actor`), and the same actor only as another app of that
    /// name with no id.
    NamedApp,
}

/// The keys an actor is known by, each with its kind: a user by its UPN (`actor`) and its
/// object id (`actor_id`); an app by its id alone (its `name (id)` is for the eye); an app
/// with no id by its name. Empty keys left out.
pub fn actor_keys<'a>(
    kind: ActorKind,
    actor: &'a str,
    actor_id: &'a str,
) -> Vec<(ActorKind, &'a str)> {
    let keys: &[&str] = match kind {
        ActorKind::User => &[actor, actor_id],
        ActorKind::App => &[actor_id],
        ActorKind::NamedApp => &[actor],
    };
    keys.iter()
        .filter(|k| !k.is_empty())
        .map(|&k| (kind, k))
        .collect()
}

/// A party as shown: its name (UPN, or an app's `name (id)`), else its id.
fn name_else_id<'a>(name: &'a str, id: &'a str) -> &'a str {
    if name.is_empty() { id } else { name }
}

impl Parties {
    /// The target as shown: the UPN, else the object id.
    pub fn target_label(&self) -> &str {
        name_else_id(&self.target, &self.target_id)
    }
    /// The actor as shown: the UPN or application, else its id.
    pub fn actor_label(&self) -> &str {
        name_else_id(&self.actor, &self.actor_id)
    }
}

/// The [`Parties`] of an event as it keeps them: each text shared ([`Text`], interned by
/// the scan), so that an event whose target object id is its own (every event of a tenant
/// that writes the target's id per record) keeps that one text and shares its target's
/// name, actor and actor id with the other events (about 150 bytes an event less than four
/// `String`s of its own). The correlation id is the event's own field
/// ([`StsEvent::correlation`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EventParties {
    /// The target's UPN (or name, when it has no UPN).
    pub target: Text,
    /// The target's object id (GUID), when the record has it.
    pub target_id: Text,
    /// The actor's UPN, or the application's display name.
    pub actor: Text,
    /// The actor's object id or application (service principal) id.
    pub actor_id: Text,
    /// What kind of principal the actor is ([`ActorKind`]).
    pub actor_kind: ActorKind,
}

impl From<Parties> for EventParties {
    fn from(p: Parties) -> Self {
        Self {
            target: p.target.into(),
            target_id: p.target_id.into(),
            actor: p.actor.into(),
            actor_id: p.actor_id.into(),
            actor_kind: p.actor_kind,
        }
    }
}

impl EventParties {
    /// The target as shown: the UPN, else the object id.
    pub fn target_label(&self) -> &str {
        name_else_id(&self.target, &self.target_id)
    }
    /// The actor as shown: the UPN or application, else its id.
    pub fn actor_label(&self) -> &str {
        name_else_id(&self.actor, &self.actor_id)
    }
    /// The keys the actor is known by ([`actor_keys`]).
    pub fn actor_keys(&self) -> Vec<(ActorKind, &str)> {
        actor_keys(self.actor_kind, &self.actor, &self.actor_id)
    }
    /// Whether the actor is the target: a user whose UPN or object id is the target's
    /// (never an application, whatever it is named).
    pub fn actor_is_target(&self) -> bool {
        let same = |a: &str, b: &str| !a.is_empty() && a.eq_ignore_ascii_case(b);
        self.actor_kind == ActorKind::User
            && (same(&self.actor, &self.target) || same(&self.actor_id, &self.target_id))
    }
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
            format!(
                "(the record could not be read back from {}: {e})",
                self.source
            )
        })
    }
    /// The journal key of a near miss: its own id.
    pub fn key(&self) -> String {
        format!("event:{}", self.id)
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
    /// UTF-8, a lone surrogate): the `ctrl` hint and the ⚠ column show it.
    pub replaced: bool,
}

impl Finding {
    /// The distinct targets of the events behind the row, in the order first seen.
    pub fn targets<'a>(&self, events: &'a [StsEvent]) -> Vec<&'a str> {
        distinct(
            self.events
                .iter()
                .map(|&i| events[i].parties.target_label()),
        )
    }

    /// The distinct actors (UPN or application id) of the events behind the row.
    pub fn actors<'a>(&self, events: &'a [StsEvent]) -> Vec<&'a str> {
        distinct(self.events.iter().map(|&i| events[i].parties.actor_label()))
    }

    pub fn first_time(&self, events: &[StsEvent]) -> Option<KqlDateTime> {
        self.events.iter().filter_map(|&i| events[i].time).min()
    }
}

/// What the outputs print of the events behind a row, totalled as each event joins it, so
/// that the headless commands need not keep every event: how many, the first and last time,
/// the distinct targets and actors (first seen first, as [`Finding::targets`] lists them),
/// and for the headless commands every event in the order it joined (a 4-byte reference,
/// for the report's list of sources). The same whether the events are kept or not:
/// `tests/row_totals.rs` compares them with the workbench's per-event functions.
#[derive(Debug, Clone, Default)]
pub struct RowTotals {
    /// Distinct events behind the row.
    pub events: usize,
    /// The earliest and latest event time (events without a time left out).
    pub first: Option<KqlDateTime>,
    pub last: Option<KqlDateTime>,
    targets: DistinctTexts,
    actors: DistinctTexts,
    /// The last event that joined (an event giving the same row twice joins once).
    pub(crate) last_member: Option<u32>,
    /// Headless commands: every event that joined, in order (a scan-internal reference to a
    /// kept or a lean event); empty after a plain scan, whose `events` lists them all.
    pub(crate) members: Vec<u32>,
}

impl RowTotals {
    /// Counts one more event behind the row (`target` and `actor` as
    /// [`Parties::target_label`] and [`Parties::actor_label`] give them).
    pub fn add(&mut self, time: Option<KqlDateTime>, target: &str, actor: &str) {
        self.events += 1;
        if let Some(t) = time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        self.targets.add(target);
        self.actors.add(actor);
    }
    /// The distinct targets, in the order first seen (empty ones left out).
    pub fn targets(&self) -> Vec<&str> {
        self.targets.list.iter().map(Text::as_str).collect()
    }
    /// The distinct actors (UPN or application id), in the order first seen.
    pub fn actors(&self) -> Vec<&str> {
        self.actors.list.iter().map(Text::as_str).collect()
    }
}

/// Distinct non-empty texts in the order first seen; a set beside the list once it is long
/// (a row behind which thousands of users' tokens changed).
#[derive(Debug, Clone, Default)]
struct DistinctTexts {
    list: Vec<Text>,
    set: Option<std::collections::HashSet<Text>>,
}

impl DistinctTexts {
    const LINEAR: usize = 16;

    fn add(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let known = match &self.set {
            Some(set) => set.contains(s),
            None => self.list.iter().any(|t| t.as_str() == s),
        };
        if known {
            return;
        }
        let t = Text::from(s);
        if let Some(set) = &mut self.set {
            set.insert(t.clone());
        } else if self.list.len() >= Self::LINEAR {
            let mut set: std::collections::HashSet<Text> = self.list.iter().cloned().collect();
            set.insert(t.clone());
            self.set = Some(set);
        }
        self.list.push(t);
    }
}

fn distinct<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in items {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A list of targets (or actors) in one cell: the one name, or the count (`3 users`).
pub fn count_label(items: &[&str], noun: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        many => format!("{} {noun}s", many.len()),
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
    /// Records read with invalid UTF-8 or lone surrogate escapes replaced by U+FFFD.
    pub replaced: u64,
    /// Lowercase hex SHA-256 of the bytes as they were read (`ScanOptions::hash_inputs`);
    /// `bytes` is then their count.
    pub sha256: Option<String>,
    /// Read by follow mode (a file still being written): `bytes` and `sha256` cover the
    /// whole records read so far, the file may have grown past them.
    pub followed: bool,
}
