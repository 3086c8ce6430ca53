//! The related-events index: every record kept compact (about 48 bytes, strings interned),
//! and the lookups that relate an STS event to the records around it.

use std::collections::HashMap;
use std::sync::Arc;

pub use super::entries::{Compact, Entries};
pub(super) use super::interner::FxBuild;
use super::interner::{Interner, RecentFields};
use super::lookup::{Lookup, Stretch};
use super::record::{Layout, Place};
use super::{Batch, Span};
use crate::model::{ActorKind, SourceRef, StsEvent};

#[path = "index_actors.rs"]
mod actors;
#[path = "index_prepare.rs"]
mod prepare;
use actors::ID_MASK;
pub use actors::{ActorRule, actor_key_of, actor_kind_of, principal_hash};
pub use prepare::PreparedLookups;

/// A record as kept: its time (100 ns ticks since 0001-01-01, `i64::MIN` when unknown), its
/// place, and its fields as ids of interned strings (0 is the empty string). Actors and
/// targets are interned with ASCII case ignored (UPNs are case-insensitive): one id for every
/// spelling, whose text is the first spelling read.
///
/// A record is keyed by its file and byte offset (records of a one-line JSON document share
/// their line); the line is kept beside it for the analyst, in the 4 bytes the layout left
/// as padding (56 bytes in all, as when records were keyed by line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub time: i64,
    /// Where the record starts in its file's content as read (decompressed), in bytes.
    pub offset: u64,
    pub file: u32,
    /// The line where the record starts (1-based; `u32::MAX` for any line past it).
    pub line: u32,
    pub operation: u32,
    pub actor: u32,
    pub target: u32,
    /// The actor's principal: a 32-bit hash of a user's object id (0: none;
    /// [`principal_hash`]).
    pub principal: u32,
    /// An IPv4 address as `1 << 32 | address`, anything else as an interned string id.
    pub ip: u64,
    pub result: u32,
    /// A 64-bit hash of the correlation id (0: none).
    pub correlation: u64,
}
/// A target UPN's object ids as records name them beside it, as GUIDs' 128 bits
/// ([`actors::guid_bits`]): the first, and another if any (0: none). No text is kept: an
/// entry is 36 bytes whatever the ids.
type UpnIds = (u128, u128);

/// A record's IP address as compared ([`ContextIndex::address`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    /// An address, in `std::net`'s value (IPv4-mapped IPv6 as IPv4).
    Ip(std::net::IpAddr),
    /// Text that is no address, by its interned id (equal when written alike).
    Text(u32),
}

/// A stable 64-bit hash of a correlation id, ASCII case ignored (never 0).
pub fn correlation_hash(s: &str) -> u64 {
    correlation_hash_bytes(s.as_bytes())
}

/// [`correlation_hash`] of an id's bytes: eight bytes a step (ASCII upper case folded in
/// the word), each step a multiply, then a final mix so that every bit of the id reaches
/// the high bits the lookups' directory goes by. Every record's correlation id and object
/// id (`principal_hash`) is hashed on the scanning threads: FNV-1a, a multiply a byte, one
/// waiting on the last, was half of handing a record on.
pub fn correlation_hash_bytes(s: &[u8]) -> u64 {
    if s.is_empty() {
        return 0;
    }
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (s.len() as u64).wrapping_mul(K);
    let (words, rest) = s.as_chunks::<8>();
    for w in words {
        h = (h ^ super::interner::ascii_lower_word(u64::from_le_bytes(*w)))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h ^ super::interner::ascii_lower_word(u64::from_le_bytes(last)))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    // MurmurHash3's finaliser.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h.max(1)
}

/// An IPv4 address written as `std::net::Ipv4Addr` parses it (four decimal octets of at
/// most three digits, no leading zero), read from bytes without a UTF-8 check.
pub fn ipv4(b: &[u8]) -> Option<u32> {
    if b.len() < 7 || b.len() > 15 {
        return None;
    }
    let mut out = 0u32;
    let mut parts = 0;
    for part in b.split(|&c| c == b'.') {
        parts += 1;
        if parts > 4
            || part.is_empty()
            || part.len() > 3
            || (part.len() > 1 && part[0] == b'0')
            || !part.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let v = part.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        if v > 255 {
            return None;
        }
        out = out << 8 | v;
    }
    (parts == 4).then_some(out)
}

/// A lookup and its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum By {
    /// Records with this correlation id's hash ([`correlation_hash`]; 0: none).
    Correlation(u64),
    /// Records whose target is this key ([`ContextIndex::party_key`]).
    Target(u32),
    /// Records whose actor is this key.
    Actor(u32),
    /// Records whose actor is this user's key and whose principal is this one (0: the
    /// records that give none): an actor compared by principal too ([`ActorRule`]) reads
    /// these stretches, every record of which holds, rather than its key's whole stretch.
    ActorAs { key: u32, principal: u32 },
}

/// Every record read, compact, with the lookups by correlation, target and actor.
#[derive(Debug, Default, Clone)]
pub struct ContextIndex {
    files: Vec<Arc<str>>,
    /// How the records of a file are written from an offset on, when they are not JSON
    /// objects (CSV rows, Log Analytics table rows): by file, then offset.
    layouts: Vec<(u32, u64, Arc<Layout>)>,
    strings: Interner,
    pub entries: Entries,
    /// Entries by key, each in time order; built by [`ContextIndex::prepare`].
    by_correlation: Lookup<u64>,
    by_target: Lookup<u32>,
    by_actor: Lookup<u32>,
    /// [`Self::by_actor`] with each actor's records ordered by principal, then time
    /// ([`By::ActorAs`]). On a UPN with many principals (the 1%-STS bench file gives a fresh
    /// object id on every record) the key's stretch was walked record by record for every
    /// event, to keep its principal's.
    by_actor_as: Lookup<u32>,
    /// The earliest time of any record of each actor.
    first_of_actor: HashMap<u32, i64, FxBuild>,
    /// The name of each application known by its id ([`ActorKind::App`] keys), as the
    /// first record that names it does: a UAL record written with `ServicePrincipal_<id>`
    /// alone shows the name another record gives.
    app_names: HashMap<u32, u32, FxBuild>,
    /// The same record read at several places (see [`super::twins::Twins`]).
    twins: super::twins::Twins,
    /// Each target UPN's object ids as records name them beside it: the first, and another
    /// if any (no more: the drill-down says there is another, `target_upn_other_id`). One
    /// entry per user named so, not per record (36 bytes, no text).
    target_upn_ids: HashMap<u32, UpnIds, FxBuild>,
    /// Users' principals across records ([`actors::Principals`]).
    principals: actors::Principals,
    prepared: bool,
    /// Off (`--no-context`): nothing was collected.
    pub disabled: bool,
    /// How much of the related records is in (a stopped load: not read, read in part).
    coverage: super::Coverage,
    /// The recent values' ids of the fields taken in ([`RecentFields`]).
    recent: RecentFields,
}

impl ContextIndex {
    /// Takes a batch of the loader in.
    pub fn absorb(&mut self, batch: &Batch) {
        if batch.entries.is_empty() && batch.layouts.is_empty() {
            return;
        }
        let file = match self.files.iter().position(|f| *f == batch.file) {
            Some(i) => i as u32,
            None => {
                self.files.push(batch.file.clone());
                (self.files.len() - 1) as u32
            }
        };
        for (from, layout) in &batch.layouts {
            let at = self
                .layouts
                .partition_point(|(f, o, _)| (*f, *o) <= (file, *from));
            self.layouts.insert(at, (file, *from, layout.clone()));
        }
        for e in &batch.entries {
            let f = |span| batch.field(e, span);
            let entry = Entry {
                time: e.time.unwrap_or(i64::MIN),
                offset: e.offset,
                line: u32::try_from(e.line).unwrap_or(u32::MAX),
                file,
                operation: self
                    .strings
                    .id_recent(f(Span::Operation), &mut self.recent.operation),
                actor: actor_key_of(
                    e.actor_kind,
                    self.strings
                        .party_id_recent(f(Span::Actor), &mut self.recent.actor),
                ),
                target: self
                    .strings
                    .party_id_recent(f(Span::Target), &mut self.recent.target),
                principal: e.principal,
                ip: match e.ipv4 {
                    0 => u64::from(self.strings.id(f(Span::Ip))),
                    v4 => v4,
                },
                result: self
                    .strings
                    .id_recent(f(Span::Result), &mut self.recent.result),
                correlation: e.correlation,
            };
            if entry.target != 0
                && let Some(id) = actors::guid_bits(f(Span::TargetId))
            {
                let (first, other) = self.target_upn_ids.entry(entry.target).or_insert((id, 0));
                if *other == 0 && *first != id {
                    *other = id;
                }
            }
            if actor_kind_of(entry.actor) == ActorKind::App
                && !self.app_names.contains_key(&entry.actor)
                && !f(Span::ActorName).is_empty()
            {
                let name = self.strings.id(f(Span::ActorName));
                self.app_names.insert(entry.actor, name);
            }
            self.entries.push(entry);
        }
        self.prepared = false;
    }

    /// Records taken in from now on wait on an anonymous temporary file until the lookups
    /// are built ([`Self::prepare`]), rather than in memory beside the scan's blocks (see
    /// `on_disk`). For a headless report, whose lookups are built once a file is read; if
    /// the file cannot be made, the records stay in memory ([`Self::take_disk_error`]).
    pub fn hold_on_disk(&mut self) {
        if self.entries.disk.is_some() || self.entries.disk_error.is_some() {
            return;
        }
        match super::on_disk::Disk::new() {
            Ok(d) => self.entries.disk = Some(d),
            Err(e) => self.entries.disk_error = Some(e.to_string()),
        }
        if let Err(e) = self.entries.hold_details_on_disk() {
            self.entries.disk_error = Some(e.to_string());
        }
    }

    /// Why records could not be held on a temporary file or read back from it, once: the
    /// records that could not be read back are missing from the index.
    pub fn take_disk_error(&mut self) -> Option<String> {
        self.entries.disk_error.take()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// How much of the related records the index holds: what it lacks is said by every
    /// reader, never read as "nothing is related".
    pub fn coverage(&self) -> super::Coverage {
        self.coverage
    }

    /// Marks the index as lacking related records (a load stopped before or while they
    /// were read).
    pub fn set_coverage(&mut self, coverage: super::Coverage) {
        self.coverage = coverage;
    }

    /// An index of no record that says why: the related records were not read, or read in
    /// part and dropped.
    pub fn unread(coverage: super::Coverage) -> Self {
        Self {
            coverage,
            ..Self::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The text of an interned id (of an actor's key: its key text, see
    /// [`Self::actor_label`] for how it is shown).
    pub fn text(&self, id: u32) -> &str {
        self.strings.text(id & ID_MASK)
    }

    /// A record's IP address as text.
    pub fn ip_text(&self, e: &Entry) -> String {
        if e.ip >> 32 == 1 {
            std::net::Ipv4Addr::from(e.ip as u32).to_string()
        } else {
            self.strings.text(e.ip as u32).to_owned()
        }
    }
    /// A record's IP address as compared: the address however it was written (a port,
    /// IPv4-mapped IPv6, IPv6 in another case or zero compression: [`super::interner::address`]),
    /// else the text as written; None when the record has none. Shown as written
    /// ([`Self::ip_text`]), compared as this.
    pub fn address(&self, e: &Entry) -> Option<Address> {
        match e.ip {
            0 => None,
            v4 if v4 >> 32 == 1 => Some(Address::Ip(std::net::Ipv4Addr::from(v4 as u32).into())),
            id => {
                let text = self.strings.text(id as u32);
                Some(super::interner::address(text).map_or(Address::Text(id as u32), Address::Ip))
            }
        }
    }
    /// Record `i` whole: its details (offset, IP address, result) are read back from a
    /// temporary file in a headless report ([`Entries::record`]).
    pub fn record(&self, i: usize) -> Entry {
        self.entries.record(i)
    }

    /// Record `i`'s file and line (`file:line`), as the analyst reads it (nothing read back).
    pub fn source_at(&self, i: usize) -> SourceRef {
        SourceRef {
            file: self
                .files
                .get(self.entries.file_of(i) as usize)
                .cloned()
                .unwrap_or_else(|| "".into()),
            line: u64::from(self.entries.line(i)),
        }
    }

    /// A record's file and line (`file:line`), as the analyst reads it.
    pub fn source(&self, e: &Entry) -> SourceRef {
        SourceRef {
            file: self.file_name(e),
            line: u64::from(e.line),
        }
    }

    fn file_name(&self, e: &Entry) -> Arc<str> {
        self.files
            .get(e.file as usize)
            .cloned()
            .unwrap_or_else(|| "".into())
    }

    /// Where a record is and how it is written: what reading it back needs.
    pub fn place(&self, e: &Entry) -> Place {
        let at = self
            .layouts
            .partition_point(|(f, o, _)| (*f, *o) <= (e.file, e.offset));
        let layout = at
            .checked_sub(1)
            .map(|i| &self.layouts[i])
            .filter(|(f, ..)| *f == e.file)
            .map(|(_, _, l)| l.clone());
        Place {
            file: self.file_name(e),
            offset: e.offset,
            line: u64::from(e.line),
            layout,
            expect: Some(super::record::Expect {
                time: e.time,
                correlation: e.correlation,
                operation: self.text(e.operation).into(),
                actor: self.text(e.actor).into(),
                target: self.text(e.target).into(),
            }),
        }
    }

    /// The entry of the record an STS event was read from.
    pub fn entry_of(&self, event: &StsEvent) -> Option<usize> {
        self.entry_at(&event.source, event)
    }

    /// The entry of the record of `event` (or of a copy of it) read at a place
    /// (`file:line`). Records of a one-line document share their line: among them, the one
    /// with the event's time, correlation and operation.
    // Kept out of `related`, whose loop over thousands of records per event is the hot one.
    #[inline(never)]
    pub fn entry_at(&self, at: &SourceRef, event: &StsEvent) -> Option<usize> {
        let file = self.files.iter().position(|f| *f == at.file)? as u32;
        let line = u32::try_from(at.line).unwrap_or(u32::MAX);
        let n = self.entries.len();
        // Within a file, lines grow with offsets: the entries are in (file, line) order too.
        let at = |i: usize| (self.entries.file_of(i), self.entries.line(i));
        let first = partition_point(n, |i| at(i) < (file, line));
        let same = |i: usize| i < n && at(i) == (file, line);
        if !same(first) {
            return None;
        }
        if !same(first + 1) {
            return Some(first);
        }
        let time = event.time.as_ref().map_or(i64::MIN, crate::kql::ticks);
        let second = |t: i64| (t != i64::MIN).then(|| t.div_euclid(TICKS_PER_SEC));
        let op = self.strings.get(event.operation.as_str().as_bytes());
        let score = |i: usize| {
            let e = &self.entries[i];
            u8::from(e.time == time) * 4
                + u8::from(second(e.time) == second(time)) * 2
                + u8::from(e.correlation == event.correlation)
                + u8::from(op.is_some_and(|o| o == e.operation))
        };
        (first..n)
            .take_while(|&i| same(i))
            .max_by_key(|&i| (score(i), std::cmp::Reverse(i)))
    }

    /// The id of an actor or target (ASCII case ignored), if any record has it.
    fn key(&self, s: &str) -> Option<u32> {
        self.strings.party_get(s.as_bytes())
    }

    /// Records with this target within `window` seconds of `time` (ticks).
    pub fn by_target_within(&self, target: &str, time: i64, window: i64) -> &[u32] {
        match self.key(target) {
            Some(k) => self.within(self.by_target.get(&k), time, window),
            None => &[],
        }
    }

    /// Records with this correlation id.
    pub fn by_correlation(&self, correlation: &str) -> &[u32] {
        match correlation_hash(correlation) {
            0 => &[],
            h => self.by_correlation.get(&h),
        }
    }

    /// [`Self::by_correlation`] by the id's hash ([`correlation_hash`], as an STS event keeps
    /// it).
    pub fn by_correlation_hash(&self, hash: u64) -> &[u32] {
        if hash == 0 {
            return &[];
        }
        self.by_correlation.get(&hash)
    }

    fn within<'a>(&self, list: &'a [u32], time: i64, window: i64) -> &'a [u32] {
        if time == i64::MIN {
            return &[];
        }
        let w = window.saturating_mul(TICKS_PER_SEC);
        self.between(list, time.saturating_sub(w), time.saturating_add(w))
    }

    /// The part of a lookup's list (in time order) from `lo` to `hi` ticks, both included.
    fn between<'a>(&self, list: &'a [u32], lo: i64, hi: i64) -> &'a [u32] {
        let (start, end) = self.between_places(list, lo, hi);
        &list[start..end]
    }

    /// Where [`Self::between`]'s part starts and ends in `list` (entries in time order).
    pub(crate) fn between_places(&self, list: &[u32], lo: i64, hi: i64) -> (usize, usize) {
        let t = |i: &u32| self.entries[*i as usize].time;
        let start = list.partition_point(|i| t(i) < lo);
        // The end searched from the start outwards, by doubling steps: a window of seconds
        // holds a few of a busy key's thousands of records, and each step of a search reads
        // an entry at random (most of the related counts' time, BENCHMARKS.md, issue 12,
        // sixteenth round). The same place as a search of the whole list.
        let rest = &list[start..];
        let (mut from, mut to) = (0, 1);
        while to <= rest.len() && t(&rest[to - 1]) <= hi {
            from = to;
            to *= 2;
        }
        let to = to.min(rest.len());
        (
            start,
            start + from + rest[from..to].partition_point(|i| t(i) <= hi),
        )
    }

    /// The records of a lookup's key from `lo` to `hi` ticks (both included), in time
    /// order, and those of them with an identical record before them.
    pub(super) fn stretch(&self, by: By, lo: i64, hi: i64) -> Stretch<'_> {
        match by {
            By::Correlation(0) => Stretch::EMPTY,
            By::Correlation(c) => self.stretch_of(&self.by_correlation, &c, lo, hi),
            By::Target(k) => self.stretch_of(&self.by_target, &k, lo, hi),
            By::Actor(k) => self.stretch_of(&self.by_actor, &k, lo, hi),
            By::ActorAs { key, principal } => {
                let list = self.by_actor_as.get(&key);
                let (from, to) = self
                    .by_actor_as
                    .sub_places(&key, principal, |i| self.entries[i as usize].principal);
                let (start, end) = self.between_places(&list[from..to], lo, hi);
                self.by_actor_as.stretch(&key, from + start, from + end)
            }
        }
    }

    /// [`Self::stretch`]'s records alone (its twinned records not looked up).
    pub(super) fn records(&self, by: By, lo: i64, hi: i64) -> &[u32] {
        let list = match by {
            By::Correlation(0) => return &[],
            By::Correlation(c) => self.by_correlation.get(&c),
            By::Target(k) => self.by_target.get(&k),
            By::Actor(k) => self.by_actor.get(&k),
            By::ActorAs { key, principal } => {
                let list = self.by_actor_as.get(&key);
                let (from, to) = self
                    .by_actor_as
                    .sub_places(&key, principal, |i| self.entries[i as usize].principal);
                &list[from..to]
            }
        };
        self.between(list, lo, hi)
    }

    fn stretch_of<'a, K: super::lookup::Key>(
        &self,
        lookup: &'a Lookup<K>,
        k: &K,
        lo: i64,
        hi: i64,
    ) -> Stretch<'a> {
        let (start, end) = self.between_places(lookup.get(k), lo, hi);
        lookup.stretch(k, start, end)
    }

    /// The id under which actors and targets equal to `s` (ASCII case ignored) are kept.
    pub(super) fn party_key(&self, s: &str) -> Option<u32> {
        self.key(s)
    }

    /// The twin of `entry` just before it (in time, then place order): the same record read
    /// at another place ([`super::twins::Twins`]), if any.
    pub(super) fn earlier_twin(&self, entry: u32) -> Option<u32> {
        self.twins.earlier(entry)
    }

    /// Whether a twin of `entry` comes after it ([`super::twins::Twins`]).
    pub(super) fn has_later_twin(&self, entry: u32) -> bool {
        self.twins.has_later(entry)
    }

    /// `entry` and its twins (the same record at other places: the same second, operation
    /// as [`super::twins::fold_operation`] compares it, actor and target), in time, then
    /// place order.
    pub fn twins_of(&self, entry: usize) -> Vec<usize> {
        match u32::try_from(entry) {
            Ok(e) => self
                .twins
                .group(e)
                .into_iter()
                .map(|i| i as usize)
                .collect(),
            Err(_) => vec![entry],
        }
    }
}

/// The first `i` in `0..n` for which `before(i)` is false (`before` true, then false).
fn partition_point(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// 100 ns ticks per second (Kusto datetime resolution).
pub const TICKS_PER_SEC: i64 = 10_000_000;

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
