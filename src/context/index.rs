//! The related-events index: every record kept compact (about 48 bytes, strings interned),
//! and the lookups that relate an STS event to the records around it.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Batch, ContextOptions};
use crate::model::{SourceRef, StsEvent};

/// A record as kept: its time (100 ns ticks since 0001-01-01, `i64::MIN` when unknown), its
/// place, and its fields as ids of interned strings (0 is the empty string). Actors and
/// targets are kept in ASCII lower case: UPNs are case-insensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub time: i64,
    pub line: u64,
    pub file: u32,
    pub operation: u32,
    pub actor: u32,
    pub target: u32,
    /// An IPv4 address as `1 << 32 | address`, anything else as an interned string id.
    pub ip: u64,
    pub result: u32,
    /// A 64-bit hash of the correlation id (0: none).
    pub correlation: u64,
}

/// Why a record is related to an STS event (any of them may hold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Why {
    pub correlation: bool,
    pub target: bool,
    pub actor: bool,
}

impl Why {
    /// `same correlation, same target`.
    pub fn label(self) -> String {
        let mut parts = Vec::new();
        if self.correlation {
            parts.push("same correlation");
        }
        if self.target {
            parts.push("same target");
        }
        if self.actor {
            parts.push("same actor");
        }
        parts.join(", ")
    }
}

/// A record related to an STS event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Related {
    /// Index into [`ContextIndex::entries`].
    pub entry: usize,
    pub why: Why,
    /// The record's time minus the event's, in seconds (None when either is unknown).
    pub offset_secs: Option<i64>,
}

/// A fast hash for short strings (FxHash's multiply-rotate): the interner looks every
/// field of every record up, and needs no protection against chosen collisions beyond
/// what a few slow lookups cost.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
}

type FxBuild = std::hash::BuildHasherDefault<Fx>;

#[derive(Debug, Default, Clone)]
struct Interner {
    strings: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32, FxBuild>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        if self.strings.is_empty() {
            self.strings.push("".into());
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }
    fn get(&self, s: &str) -> Option<u32> {
        if s.is_empty() {
            return None;
        }
        self.ids.get(s).copied()
    }
    fn text(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }
}

/// FNV-1a: a stable 64-bit hash of a correlation id (never 0).
pub fn correlation_hash(s: &str) -> u64 {
    if s.is_empty() {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.max(1)
}

fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Every record read, compact, with the lookups by correlation, target and actor.
#[derive(Debug, Default, Clone)]
pub struct ContextIndex {
    files: Vec<Arc<str>>,
    strings: Interner,
    pub entries: Vec<Entry>,
    /// Entries by key, each list sorted by time; built by [`ContextIndex::prepare`].
    by_correlation: HashMap<u64, Vec<u32>>,
    by_target: HashMap<u32, Vec<u32>>,
    by_actor: HashMap<u32, Vec<u32>>,
    /// The earliest time of any record of each actor.
    first_of_actor: HashMap<u32, i64>,
    prepared: bool,
    /// Off (`--no-context`): nothing was collected.
    pub disabled: bool,
}

impl ContextIndex {
    /// Takes a batch of the loader in.
    pub fn absorb(&mut self, batch: &Batch) {
        if batch.entries.is_empty() {
            return;
        }
        let file = match self.files.iter().position(|f| *f == batch.file) {
            Some(i) => i as u32,
            None => {
                self.files.push(batch.file.clone());
                (self.files.len() - 1) as u32
            }
        };
        self.entries.reserve(batch.entries.len());
        for e in &batch.entries {
            let f = |i| batch.field(e, i);
            let entry = Entry {
                time: e.time.unwrap_or(i64::MIN),
                line: e.line,
                file,
                operation: self.strings.id(f(0)),
                actor: self.strings.id(&lower(f(1))),
                target: self.strings.id(&lower(f(2))),
                ip: match f(3).parse::<std::net::Ipv4Addr>() {
                    Ok(v4) => 1 << 32 | u64::from(u32::from(v4)),
                    Err(_) => u64::from(self.strings.id(f(3))),
                },
                result: self.strings.id(f(5)),
                correlation: correlation_hash(f(4)),
            };
            self.entries.push(entry);
        }
        self.prepared = false;
    }

    /// Builds the lookups (again, when records came in since). Records read twice (a block
    /// read once by the fast path and once line by line) are kept once.
    pub fn prepare(&mut self) {
        if self.prepared {
            return;
        }
        self.entries.sort_by_key(|e| (e.file, e.line));
        self.entries.dedup_by_key(|e| (e.file, e.line));
        self.entries.shrink_to_fit();
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_by_key(|&i| self.entries[i as usize].time);
        self.by_correlation.clear();
        self.by_target.clear();
        self.by_actor.clear();
        self.first_of_actor.clear();
        for &i in &order {
            let e = self.entries[i as usize];
            if e.correlation != 0 {
                self.by_correlation
                    .entry(e.correlation)
                    .or_default()
                    .push(i);
            }
            if e.target != 0 {
                self.by_target.entry(e.target).or_default().push(i);
            }
            if e.actor != 0 {
                self.by_actor.entry(e.actor).or_default().push(i);
                if e.time != i64::MIN {
                    self.first_of_actor.entry(e.actor).or_insert(e.time);
                }
            }
        }
        self.prepared = true;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn text(&self, id: u32) -> &str {
        self.strings.text(id)
    }
    /// A record's IP address as text.
    pub fn ip_text(&self, e: &Entry) -> String {
        if e.ip >> 32 == 1 {
            std::net::Ipv4Addr::from(e.ip as u32).to_string()
        } else {
            self.strings.text(e.ip as u32).to_owned()
        }
    }
    pub fn source(&self, e: &Entry) -> SourceRef {
        SourceRef {
            file: self
                .files
                .get(e.file as usize)
                .cloned()
                .unwrap_or_else(|| "".into()),
            line: e.line,
        }
    }

    /// The entry of the record an STS event was read from.
    pub fn entry_of(&self, event: &StsEvent) -> Option<usize> {
        let file = self.files.iter().position(|f| *f == event.source.file)? as u32;
        self.entries
            .binary_search_by_key(&(file, event.source.line), |e| (e.file, e.line))
            .ok()
    }

    /// The id of an actor or target string as kept (lower case), if any record has it.
    fn key(&self, s: &str) -> Option<u32> {
        self.strings.get(&lower(s))
    }

    /// The earliest record time of an actor (UPN or id), if any record has it.
    pub fn first_time_of_actor(&self, actor: &str) -> Option<i64> {
        self.first_of_actor.get(&self.key(actor)?).copied()
    }

    /// Records with this actor (UPN or id) within `window` seconds of `time` (ticks).
    pub fn by_actor_within(&self, actor: &str, time: i64, window: i64) -> &[u32] {
        match self.key(actor).and_then(|k| self.by_actor.get(&k)) {
            Some(list) => self.within(list, time, window),
            None => &[],
        }
    }

    /// Records with this target within `window` seconds of `time` (ticks).
    pub fn by_target_within(&self, target: &str, time: i64, window: i64) -> &[u32] {
        match self.key(target).and_then(|k| self.by_target.get(&k)) {
            Some(list) => self.within(list, time, window),
            None => &[],
        }
    }

    /// Records with this correlation id.
    pub fn by_correlation(&self, correlation: &str) -> &[u32] {
        self.by_correlation
            .get(&correlation_hash(correlation))
            .map_or(&[], Vec::as_slice)
    }

    /// [`Self::by_correlation`] by the id's hash ([`correlation_hash`], as an STS event keeps
    /// it).
    pub fn by_correlation_hash(&self, hash: u64) -> &[u32] {
        if hash == 0 {
            return &[];
        }
        self.by_correlation.get(&hash).map_or(&[], Vec::as_slice)
    }

    fn within<'a>(&self, list: &'a [u32], time: i64, window: i64) -> &'a [u32] {
        if time == i64::MIN {
            return &[];
        }
        let w = window.saturating_mul(TICKS_PER_SEC);
        let (lo, hi) = (time.saturating_sub(w), time.saturating_add(w));
        let t = |i: &u32| self.entries[*i as usize].time;
        let start = list.partition_point(|i| t(i) < lo);
        let end = list.partition_point(|i| t(i) <= hi);
        &list[start..end.max(start)]
    }

    /// The records related to an STS event, oldest first, the event's own record left out.
    pub fn related(&self, event: &StsEvent, opts: &ContextOptions) -> Vec<Related> {
        let Some(time) = event.time.as_ref().map(crate::kql::ticks) else {
            return self.related_at(event, i64::MIN, opts);
        };
        self.related_at(event, time, opts)
    }

    fn related_at(&self, event: &StsEvent, time: i64, opts: &ContextOptions) -> Vec<Related> {
        let own = self.entry_of(event);
        let mut found: HashMap<u32, Why> = HashMap::new();
        let p = &event.parties;
        for &i in self.by_correlation_hash(event.correlation) {
            found.entry(i).or_default().correlation = true;
        }
        for t in [&p.target, &p.target_id] {
            for &i in self.by_target_within(t, time, opts.target_window_secs) {
                found.entry(i).or_default().target = true;
            }
        }
        for a in [&p.actor, &p.actor_id] {
            for &i in self.by_actor_within(a, time, opts.actor_window_secs) {
                found.entry(i).or_default().actor = true;
            }
        }
        let mut out: Vec<Related> = found
            .into_iter()
            .filter(|(i, _)| Some(*i as usize) != own)
            .map(|(i, why)| {
                let t = self.entries[i as usize].time;
                Related {
                    entry: i as usize,
                    why,
                    offset_secs: (t != i64::MIN && time != i64::MIN)
                        .then(|| (t - time).div_euclid(TICKS_PER_SEC)),
                }
            })
            .collect();
        out.sort_by_key(|r| (self.entries[r.entry].time, r.entry));
        out
    }
}

/// 100 ns ticks per second (Kusto datetime resolution).
pub const TICKS_PER_SEC: i64 = 10_000_000;
