//! The few fields of a record the related-events index keeps, read straight from its bytes.
//!
//! Every record of a file passes through here (most of them are not STS events and are
//! never parsed), so the record is not parsed into a value: its structure is found from
//! bitmaps of its bytes ([`Skeleton`]; a record of another shape is walked string by string
//! by [`Walker`], which reads the same members) and each field is read from the key at its place in the schema, never from
//! text inside a string value (a display name or a user agent can hold
//! `", "ObjectId": "victim…`):
//! - the record's own members (a CloudAppEvents or Log Analytics row's columns, a Unified
//!   Audit Log record's fields);
//! - the members of its audit record, `RawEventData` (CloudAppEvents), `AuditData`
//!   (Search-UnifiedAuditLog, Purview) or `auditData` (Microsoft Graph audit log query
//!   records), an object or JSON text in a string, which is decoded
//!   once and walked as its own document. Only the Unified Audit Log's keys are read there
//!   ([`ual_key`]), and where both levels have a key the audit record's value is taken (it is
//!   the event as Microsoft wrote it; a row's `ObjectId` column is an object id, its
//!   `RawEventData.ObjectId` the UPN the STS event's own target is read from).
//!
//! Nothing deeper is read: a key inside `ModifiedProperties`, `ExtendedProperties` or any
//! other nested value is not the record's.
//!
//! Keys are matched as the schemas spell them (ASCII case kept). A key written twice in one
//! object gives its last value, as serde_json's map (and so the query's reading of the
//! record in `load`) keeps it. Records of the Entra audit and sign-in shapes (an
//! `initiatedBy` / `InitiatedBy` member, or a `userPrincipalName` member and no audit
//! record, at the top or in a `properties` envelope), whose people are nested objects, are
//! parsed whole with serde_json instead (they are rare in large exports).

use std::borrow::Cow;

use serde_json::Value;

use super::skeleton::Skeleton;
use super::times::time_of;
use super::walk::Walker;
use crate::model::ActorKind;

/// The fields of one record, borrowed from its bytes where they could be. Values are the
/// bytes as read (JSON escapes decoded): UTF-8 is checked once per distinct value when the
/// index keeps it (`ContextIndex::absorb`), not here for every record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    pub time: Option<i64>,
    pub operation: Cow<'a, [u8]>,
    /// The actor's key as its kind knows it ([`crate::model::actor_keys`]): a user's UPN, an
    /// application's id, the name of an application with no id (a user with no UPN is
    /// keyed by its object id, [`Self::actor_id`], when the index takes it in).
    pub actor: Cow<'a, [u8]>,
    pub actor_kind: ActorKind,
    /// An application's name ([`ActorKind::App`]; empty otherwise), shown beside its id.
    pub actor_name: Cow<'a, [u8]>,
    /// A user's object id (CloudAppEvents `AccountObjectId`, UAL `User_<guid>`, Entra
    /// `initiatedBy.user.id`; empty when the record has none or the actor is an app): kept
    /// as a hash, it tells two principals under one UPN apart (`ContextIndex`'s principal).
    pub actor_id: Cow<'a, [u8]>,
    pub target: Cow<'a, [u8]>,
    /// The target's object id where the record names the target by UPN too (UAL
    /// `Target[]`'s `User_<guid>` beside a UPN `ObjectId`, Entra `targetResources`' `id`
    /// beside its `userPrincipalName`; empty otherwise): ties a copy of the record that names
    /// the target by its id alone to it (`ContextIndex`'s target ids).
    pub target_id: Cow<'a, [u8]>,
    pub ip: Cow<'a, [u8]>,
    pub correlation: Cow<'a, [u8]>,
    pub result: Cow<'a, [u8]>,
}

impl Fields<'_> {
    /// operation, actor, target, ip, correlation, result as text (tests, messages).
    pub fn texts(&self) -> [String; 6] {
        [
            &self.operation,
            &self.actor,
            &self.target,
            &self.ip,
            &self.correlation,
            &self.result,
        ]
        .map(|v| String::from_utf8_lossy(v).into_owned())
    }
}

/// A string's bytes as a field value.
fn owned(s: String) -> Cow<'static, [u8]> {
    Cow::Owned(s.into_bytes())
}

/// A key's value at the cursor: the text of a string; the `Actor` and `Target` arrays as
/// written.
fn value<'a>(w: &mut Walker<'a>, k: K) -> Option<Cow<'a, [u8]>> {
    if k == K::Actor || k == K::Target {
        return w.raw().map(Cow::Borrowed);
    }
    w.text()
}

/// An application's actor as `context::parties::ual_actor` reads it, when the record's
/// `UserId` (`ServicePrincipal_<id>`) or its UAL `Actor` entries say the actor is one: its
/// kind, its key (the service principal's id; the name of an app with no id) and its name.
/// None for a user (the `UserId` stands), which is most records: the entries are parsed
/// only when they name a service principal.
fn app_actor(user_id: &[u8], actor: &[u8]) -> Option<(ActorKind, Vec<u8>, Vec<u8>)> {
    // Built once: `memmem::find` builds its searcher on every call, and this one is made
    // for every record with an `Actor` (1% of the reading's CPU, issue 12, thirteenth round).
    static SERVICE_PRINCIPAL: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"ServicePrincipal"));
    if !user_id.starts_with(b"ServicePrincipal_") {
        SERVICE_PRINCIPAL.find(actor)?;
    }
    // Read as the loader reads it (a raw control character in an app's name included).
    let mut entries =
        crate::load::decode::parse_repaired::<Value>(actor).map_or(Value::Null, |(v, _, _)| v);
    // JSON text in a string (Sentinel OfficeActivity in Log Analytics JSON).
    if let Value::String(text) = &entries {
        entries = crate::json_depth::parse_value(text).unwrap_or(Value::Null);
    }
    let user_id = String::from_utf8_lossy(user_id);
    let list = super::parties::actor_entries(Some(&entries));
    let (shown, id, kind) = super::parties::ual_actor(&user_id, &list);
    match kind {
        ActorKind::User => None,
        ActorKind::App => {
            let name = super::parties::app_name(&shown, &id).as_bytes().to_vec();
            Some((kind, id.into_bytes(), name))
        }
        ActorKind::NamedApp => Some((kind, shown.into_bytes(), Vec::new())),
    }
}

/// The record's own level and its audit record's.
#[derive(Clone, Copy)]
enum Level {
    Row = 0,
    Audit = 1,
}

/// Where one key's value is, until the record's fields are made from it: a place in the
/// record rather than an `Option<Cow>`, so that the slots are set, read and dropped with no
/// branch on an allocation (their fill and drop were ~40 of A's extra samples, issue 12,
/// twelfth round), and an escaped value is decoded only when it is the one taken.
///
/// `record[start..end]` as written (a string's text between its quotes, the `Actor` array
/// whole; empty: no value, or one that is no string); [`ESCAPED`] set in `end` when that
/// text holds an escape to decode; `start` [`COPIED`] for [`Slots::copied`]`[end]`.
#[derive(Clone, Copy, Default)]
struct At {
    start: u32,
    end: u32,
}

/// In [`At::end`]: the string holds an escape (records are under 2 GiB: `Skeleton::mark`).
const ESCAPED: u32 = 1 << 31;

/// [`At::start`] of a value the walk read.
const COPIED: u32 = u32::MAX;

impl At {
    /// `record[start..end]`, `escaped` when it holds an escape.
    #[inline(always)]
    fn text(start: u32, end: u32, escaped: bool) -> Self {
        Self {
            start,
            end: end | (u32::from(escaped) * ESCAPED),
        }
    }
}

/// The value of each key in one record, at each level (the last, where a key repeats).
struct Slots<'a> {
    /// The record's bytes, where [`At::Raw`] and [`At::Escaped`] are.
    record: &'a [u8],
    values: [[At; SLOTS]; 2],
    /// The values read by the walk (a record not of the skeleton's shape, an audit record
    /// written as JSON text in a string): empty, so no allocation, for most records.
    copied: Vec<Cow<'a, [u8]>>,
    entra: bool,
    /// A `userPrincipalName` member (read as the row's `UserPrincipalName`).
    upn: bool,
    /// A `RawEventData` / `AuditData` / `auditData` member.
    audit: bool,
    /// Any key read: a JSON line without one gives no record to the index.
    any: bool,
}

impl<'a> Slots<'a> {
    fn new(record: &'a [u8]) -> Self {
        Self {
            record,
            values: Default::default(),
            copied: Vec::new(),
            entra: false,
            upn: false,
            audit: false,
            any: false,
        }
    }

    /// Sets a key's value read by the walk.
    fn set(&mut self, level: Level, k: K, v: Cow<'a, [u8]>) {
        let end = u32::try_from(self.copied.len()).unwrap_or(u32::MAX);
        self.copied.push(v);
        self.set_at(level, k, At { start: COPIED, end });
    }

    /// Sets a key's value found in the record.
    #[inline(always)]
    fn set_at(&mut self, level: Level, k: K, at: At) {
        self.values[level as usize][k as usize] = at;
        self.any = true;
    }

    /// Reads one record (a JSON object) from its skeleton, else walks it; a record that
    /// breaks off keeps what was read.
    fn read(bytes: &'a [u8], scratch: &mut Scratch) -> Self {
        let mut slots = Self::new(bytes);
        let Scratch { skeleton, memo } = scratch;
        if skeleton.mark(bytes) && slots.members(bytes, skeleton, Some(memo)).is_some() {
            return slots;
        }
        Self::walked(bytes)
    }

    /// [`Self::read`] with every key looked up, none taken from the last record's (tests).
    #[cfg(test)]
    fn read_plain(bytes: &'a [u8]) -> Self {
        let mut slots = Self::new(bytes);
        let mut skeleton = Skeleton::default();
        if skeleton.mark(bytes) && slots.members(bytes, &skeleton, None).is_some() {
            return slots;
        }
        Self::walked(bytes)
    }

    /// Walks one record string by string (any shape: pretty JSON, an envelope).
    fn walked(bytes: &'a [u8]) -> Self {
        let mut slots = Self::new(bytes);
        let _ = slots.row(&mut Walker::new(bytes), true);
        slots
    }

    /// The members of a row (the record, or the row in its `properties` envelope when
    /// `envelope` allows one: Defender's streaming API, Entra diagnostic settings).
    fn row(&mut self, w: &mut Walker<'a>, envelope: bool) -> Option<()> {
        w.object(|w, key| match row_member(key) {
            Member::Field(k) => {
                let v = value(w, k)?;
                self.set(Level::Row, k, v);
                Some(())
            }
            Member::Audit => {
                self.audit = true;
                self.audit(w)
            }
            Member::Entra => {
                self.entra = true;
                self.any = true;
                Some(())
            }
            Member::Upn => {
                self.upn = true;
                let v = w.text()?;
                self.set(Level::Row, K::UserPrincipalName, v);
                Some(())
            }
            Member::Envelope if envelope && w.peek()? == b'{' => self.row(w, false),
            Member::Envelope | Member::Other => Some(()),
        })
    }

    /// The audit record at the cursor: an object, or JSON text in a string (decoded once,
    /// then walked as a document of its own; its values are copied out of it).
    fn audit(&mut self, w: &mut Walker<'a>) -> Option<()> {
        match w.peek()? {
            b'{' => w.object(|w, key| {
                if let Some(k) = ual_key(key) {
                    let v = value(w, k)?;
                    self.set(Level::Audit, k, v);
                } else if is_dictionary(key) && w.peek()? == b'{' {
                    self.audit_copied(w)?;
                }
                Some(())
            }),
            b'"' => {
                let text = w.text()?;
                let _ = self.audit_copied(&mut Walker::new(&text));
                Some(())
            }
            _ => w.skip(),
        }
    }

    /// An audit record whose values are copied out (JSON text decoded, or a dictionary that
    /// holds the record: Graph v1.0's `dynamicProperties`, the Graph PowerShell SDK's
    /// `AdditionalProperties`, as the loader reads them).
    fn audit_copied(&mut self, w: &mut Walker<'_>) -> Option<()> {
        w.object(|w, key| {
            if let Some(k) = ual_key(key) {
                let v = value(w, k)?.into_owned();
                self.set(Level::Audit, k, Cow::Owned(v));
            } else if is_dictionary(key) && w.peek()? == b'{' {
                self.audit_copied(w)?;
            }
            Some(())
        })
    }

    /// A key's value: the audit record's, else the row's; None when empty. Each is read
    /// once (taken).
    #[inline]
    fn take(&mut self, k: K) -> Option<Cow<'a, [u8]>> {
        for level in [Level::Audit, Level::Row] {
            let at = std::mem::take(&mut self.values[level as usize][k as usize]);
            // Most slots of a record are empty: one compare.
            if at.start == at.end {
                continue;
            }
            let v = self.value(at);
            if !v.is_empty() {
                return Some(v);
            }
        }
        None
    }

    /// The value at `at`, escapes decoded.
    fn value(&mut self, at: At) -> Cow<'a, [u8]> {
        let record = self.record;
        let (start, end) = (at.start as usize, (at.end & !ESCAPED) as usize);
        if at.start == COPIED {
            return self
                .copied
                .get_mut(end)
                .map(std::mem::take)
                .unwrap_or_default();
        }
        let text = record.get(start..end).unwrap_or_default();
        if at.end & ESCAPED == 0 {
            return Cow::Borrowed(text);
        }
        // The string with its quotes, as `Skeleton::text` decodes it.
        Cow::Owned(super::walk::decode(
            record.get(start - 1..end + 1).unwrap_or_default(),
        ))
    }

    /// The value of the first of `keys` that has one.
    fn first(&mut self, keys: &[K]) -> Cow<'a, [u8]> {
        keys.iter().find_map(|&k| self.take(k)).unwrap_or_default()
    }

    /// The record's fields; `record` is its bytes, parsed whole when it is an Entra record.
    /// The slots by reference: taken by value, they were copied (about 400 bytes) for
    /// every record (issue 12, sixteenth round).
    fn fields(&mut self, record: &'a [u8]) -> Fields<'a> {
        if self.entra || (self.upn && !self.audit) {
            return parsed(record).unwrap_or_default();
        }
        let operation = self.first(&[K::ActionType, K::Operation, K::OperationName]);
        let time = self.first(&[K::Timestamp, K::CreationTime, K::TimeGenerated]);
        // Log Analytics sign-in rows have both: the UPN is whom an analyst knows (UserId is
        // the object id there; in the Unified Audit Log, UserId is the UPN).
        let mut actor = self.first(&[K::UserPrincipalName, K::UserId]);
        let (mut actor_kind, mut actor_name) = (ActorKind::User, Cow::Borrowed(&b""[..]));
        // An application acting (UAL): its UserId is its display name, its id is in `Actor`.
        let entries = self.take(K::Actor).unwrap_or_default();
        // A user's object id: AccountObjectId (CloudAppEvents), else the `User_<guid>` entry.
        let mut actor_id = self.first(&[K::AccountObjectId]);
        if actor_id.is_empty()
            && let Some(g) = super::parties::user_guid(&entries)
        {
            actor_id = Cow::Owned(g.to_vec());
        }
        if let Some((kind, key, name)) = app_actor(&actor, &entries) {
            (actor_kind, actor, actor_name) = (kind, Cow::Owned(key), Cow::Owned(name));
            actor_id = Cow::Borrowed(&b""[..]);
        }
        let ip = self.first(&[K::IpAddress, K::ClientIp, K::ActorIp]);
        // Target and correlation only where they mean something: directory (Azure AD)
        // records. Mail and file records have no correlation id, and their ObjectId is a
        // file or an item.
        let workload = self.first(&[K::Workload]);
        let directory = workload.is_empty() || *workload == *DIRECTORY;
        let mut target_id = Cow::Borrowed(&b""[..]);
        let (target, correlation) = if directory {
            let mut target = self.first(&[K::ObjectId, K::OfficeObjectId, K::AadTarget]);
            // A UPN in `ObjectId` is the user's only where the `Target` entries do not say
            // the object is of another class (a group named as the victim's UPN).
            if memchr::memchr(b'@', &target).is_some()
                && let Some(entries) = self.take(K::Target)
            {
                match user_target_id(&entries) {
                    Some(id) => target_id = Cow::Owned(id.to_vec()),
                    None => {
                        if let Some(other) = non_user_target(&entries) {
                            target = Cow::Owned(other);
                        }
                    }
                }
            }
            (target, self.first(&[K::InterSystemsId, K::CorrelationId]))
        } else {
            (Cow::Borrowed(&b""[..]), Cow::Borrowed(&b""[..]))
        };
        Fields {
            time: time_of(&time),
            operation,
            actor,
            actor_kind,
            actor_name,
            actor_id,
            target,
            target_id,
            ip,
            correlation,
            result: self.first(&[K::ResultStatus]),
        }
    }
}

/// The scratch space of the reader, reused from record to record: the skeleton of the
/// record read, and what the last one's members were.
#[derive(Default)]
struct Scratch {
    skeleton: Skeleton,
    memo: members::Memo,
}

/// The fields of each JSON line of a block that has any key the index reads:
/// `each(line index from 0, byte offset of the line's start in `region`, fields)`.
pub fn json_lines<'a>(region: &'a [u8], mut each: impl FnMut(u64, usize, Fields<'a>)) {
    let mut scratch = Scratch::default();
    let mut start = 0;
    let mut index = 0u64;
    while start < region.len() {
        let end = memchr::memchr(b'\n', &region[start..]).map_or(region.len(), |i| start + i);
        let line = &region[start..end];
        if line.trim_ascii_start().first() == Some(&b'{') {
            let mut slots = Slots::read(line, &mut scratch);
            if slots.any {
                each(index, start, slots.fields(line));
            }
        }
        start = end + 1;
        index += 1;
    }
}

/// The object id of the `User_<guid>` entry of a UAL `Target` array (`value`: where the
/// array starts, or the array as JSON text in a string), without its prefix: the first such
/// entry, as `context::parties` reads the target's id. None where the array has none (then
/// [`non_user_target`] looks at what it names).
fn user_target_id(value: &[u8]) -> Option<&[u8]> {
    let raw = Walker::new(value).raw()?;
    let at = memchr::memmem::find(raw, b"\"User_")? + b"\"User_".len();
    let rest = &raw[at..];
    // A GUID's characters only: an escape or a quote ends it (the text form's `\"`).
    let len = rest
        .iter()
        .position(|&b| !(b.is_ascii_hexdigit() || b == b'-'))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// The object a UAL `Target` array names when its entries say it is no user (a group, an
/// application: [`super::parties::ual_non_user_target`]): its object id, empty when they
/// give none. `value` is where the array starts (bytes after it may follow), or the array
/// as JSON text in a string (Sentinel OfficeActivity). Most `Target` arrays of a record
/// whose `ObjectId` is a UPN have a `User_<guid>` entry: those are not parsed.
fn non_user_target(value: &[u8]) -> Option<Vec<u8>> {
    let raw = Walker::new(value).raw()?;
    if memchr::memmem::find(raw, b"\"User_").is_some() {
        return None;
    }
    let mut entries =
        crate::load::decode::parse_repaired::<Value>(raw).map_or(Value::Null, |(v, _, _)| v);
    if let Value::String(text) = &entries {
        entries = crate::json_depth::parse_value(text).unwrap_or(Value::Null);
    }
    let list = super::parties::actor_entries(Some(&entries));
    super::parties::ual_non_user_target(&list).map(|id| id.as_bytes().to_vec())
}

/// The `Workload` of Azure AD (directory) records.
const DIRECTORY: &[u8] = b"AzureActiveDirectory";

/// A member of an audit record that holds the record's own members (see `audit_copied`).
fn is_dictionary(key: &[u8]) -> bool {
    key.eq_ignore_ascii_case(b"dynamicProperties")
        || key.eq_ignore_ascii_case(b"AdditionalProperties")
}

/// The fields of a JSON record (a JSON line, a document's element, a CSV AuditData cell).
pub fn json_record(bytes: &[u8]) -> Fields<'_> {
    thread_local! {
        // One scratch a thread: a JSON document's records come here one by one.
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
    }
    SCRATCH
        .with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => Slots::read(bytes, &mut scratch),
            Err(_) => Slots::walked(bytes),
        })
        .fields(bytes)
}

/// The fields of a JSON record read by the walk alone (tests compare both readers).
#[cfg(test)]
pub fn walked_record(bytes: &[u8]) -> Fields<'_> {
    Slots::walked(bytes).fields(bytes)
}

/// The fields of a JSON record read from its skeleton with every key looked up (tests
/// compare the reading that takes keys from the last record's with it).
#[cfg(test)]
pub fn plain_record(bytes: &[u8]) -> Fields<'_> {
    Slots::read_plain(bytes).fields(bytes)
}

#[path = "extract_keys.rs"]
mod keys;
use keys::{K, Member, SLOTS, row_member, ual_key};

#[path = "extract_csv.rs"]
mod csv_columns;
pub use csv_columns::{CsvColumns, OUTER_TARGET, OUTER_WORKLOAD, outer_target};

#[path = "extract_members.rs"]
mod members;

#[path = "extract_value.rs"]
mod value_record;
pub use value_record::from_value;
use value_record::parsed;

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "extract_memo_tests.rs"]
mod memo_tests;
