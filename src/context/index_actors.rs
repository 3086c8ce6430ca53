//! Actors in the index by typed key ([`crate::model::ActorKind`]): a user, an application
//! by its id, an application with no id by its name, never one for another (split out of
//! `index`).

use std::collections::HashMap;

use super::{Compact, ContextIndex, Entries, FxBuild};
use crate::model::{ActorKind, EventParties};

/// What the index knows of users' principals (the hash of a user's object id each record
/// keeps: [`Compact::principal`]) across records, built with the lookups: per actor key
/// and per principal, never per record (but one bit).
#[derive(Debug, Default, Clone)]
pub(super) struct Principals {
    /// A user's key → the one principal its records give, or [`SEVERAL`] (two principals
    /// under one UPN: a re-created account, or a look-alike). Keys whose records give none
    /// are not in it.
    of_key: HashMap<u32, u32, FxBuild>,
    /// A principal under several users' keys (a renamed account: one object id, two UPNs)
    /// → those keys.
    renamed: HashMap<u32, Vec<u32>, FxBuild>,
    /// Bit `i`: record `i` is the earliest (in time, then place order) of its principal.
    earliest: Vec<u64>,
    /// A user's key → the earliest time of its records that give no principal.
    first_unidentified: HashMap<u32, i64, FxBuild>,
}

/// [`Principals::of_key`] of a key with two principals or more (a principal hash is never 0).
const SEVERAL: u32 = 0;

impl Principals {
    /// From the entries (in place order), before the lookups and their order by time are
    /// made: one sort of the records that give a principal (8 bytes each, freed before the
    /// lookups are built, so below the peak they make), of which only the principals of
    /// several records are looked at again.
    pub(super) fn build(entries: &Entries) -> Self {
        let mut out = Self {
            earliest: vec![0; entries.len().div_ceil(64)],
            ..Self::default()
        };
        let user = |e: &Compact| e.actor != 0 && actor_kind_of(e.actor) == ActorKind::User;
        let with = entries
            .iter()
            .filter(|e| user(e) && e.principal != 0)
            .count();
        let mut by_principal: Vec<u64> = Vec::with_capacity(with);
        for (i, e) in entries.iter().enumerate() {
            if !user(e) {
                continue;
            }
            if e.principal == 0 {
                if e.time != i64::MIN {
                    let first = out.first_unidentified.entry(e.actor).or_insert(e.time);
                    *first = (*first).min(e.time);
                }
                continue;
            }
            out.of_key
                .entry(e.actor)
                .and_modify(|p| {
                    if *p != e.principal {
                        *p = SEVERAL;
                    }
                })
                .or_insert(e.principal);
            by_principal.push(u64::from(e.principal) << 32 | i as u64);
        }
        by_principal.sort_unstable();
        let entry = |r: u64| (r & 0xffff_ffff) as usize;
        let mut keys: Vec<u32> = Vec::new();
        for run in by_principal.chunk_by(|a, b| a >> 32 == b >> 32) {
            // In place order: the earliest is the first of the earliest known time.
            let first = match run {
                [one] => entry(*one),
                _ => run
                    .iter()
                    .map(|&r| entry(r))
                    .min_by_key(|&i| (entries[i].time == i64::MIN, entries[i].time, i))
                    .unwrap_or(0),
            };
            out.earliest[first / 64] |= 1 << (first % 64);
            if run.len() > 1 {
                keys.clear();
                for &r in run {
                    let key = entries[entry(r)].actor;
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                if keys.len() > 1 {
                    out.renamed.insert((run[0] >> 32) as u32, keys.clone());
                }
            }
        }
        out
    }
}

/// A record's actor as an event's actor, by key and principal ([`ContextIndex::actor_rules`]):
/// a record whose actor is `key` and, when `principal` is not 0, whose principal is it, or
/// (unless `strict`) gives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorRule {
    pub key: u32,
    pub principal: u32,
    pub strict: bool,
}

impl ActorRule {
    /// Whether a record's actor is this rule's.
    pub fn holds(self, e: &Compact) -> bool {
        e.actor == self.key
            && (self.principal == 0
                || e.principal == self.principal
                || (!self.strict && e.principal == 0))
    }

    /// Whether every record of the key holds (no principal to compare).
    pub fn whole_key(self) -> bool {
        self.principal == 0
    }
}

/// An actor's key in [`super::Entry::actor`]: the interned id of its key text (a user's UPN, an
/// application's id, the name of an application with no id; see
/// [`crate::model::actor_keys`]) with its [`ActorKind`] in the top two bits, so that no key
/// of one kind ever equals a key of another, whatever the texts. The interner's ids stay
/// far below 2^30 (each holds a string: a billion of them would not fit in memory).
pub(super) const KIND_SHIFT: u32 = 30;
pub(super) const ID_MASK: u32 = (1 << KIND_SHIFT) - 1;

/// A user's object id as the index keeps it beside the actor's key ([`super::Entry::principal`]):
/// 32 bits of its [`super::correlation_hash_bytes`] with ASCII case ignored (GUIDs are written in either case),
/// never 0; 0 for none. Two principals under one UPN compare unequal but for one chance in
/// 2^32, and then only records that already agree in their actor's UPN are taken for one.
pub fn principal_hash(id: &[u8]) -> u32 {
    match super::correlation_hash_bytes(id.trim_ascii()) {
        0 => 0,
        h => ((h ^ (h >> 32)) as u32).max(1),
    }
}

/// An actor's key of `kind` for the interned text `id` (0, no actor, stays 0).
pub fn actor_key_of(kind: ActorKind, id: u32) -> u32 {
    let bits = match kind {
        ActorKind::User => 0,
        ActorKind::App => 1,
        ActorKind::NamedApp => 2,
    };
    debug_assert!(id <= ID_MASK, "interned id {id} past the actor key's room");
    if id == 0 {
        0
    } else {
        (id & ID_MASK) | bits << KIND_SHIFT
    }
}

/// The kind of an actor's key ([`actor_key_of`]).
pub fn actor_kind_of(key: u32) -> ActorKind {
    match key >> KIND_SHIFT {
        0 => ActorKind::User,
        1 => ActorKind::App,
        _ => ActorKind::NamedApp,
    }
}

impl ContextIndex {
    /// An actor as shown, from its key ([`super::Entry::actor`]): a user's UPN, an application's
    /// `name (id)` (the name any record gave the id; `app (id)` when none did), the name
    /// of an application with no id.
    pub fn actor_label(&self, key: u32) -> String {
        let text = self.text(key);
        match actor_kind_of(key) {
            ActorKind::App => {
                let name = self.app_names.get(&key).map_or("", |&n| self.text(n));
                crate::context::parties::app_actor(name, text)
            }
            _ => text.to_owned(),
        }
    }

    /// Whether records of the loaded data name the user `upn` with another object id than
    /// `id` (breaker 13 #7a: a re-created account under a recycled UPN, or a forged record),
    /// as far as the index knows it: by the 32-bit hash of the object id each record keeps
    /// ([`Compact::principal`]), so the other id is not known, only that there is one.
    /// False before the lookups are built, and for a UPN no record names with an id.
    pub fn actor_upn_other_principal(&self, upn: &str, id: &str) -> bool {
        let Some(key) = self.key(upn) else {
            return false;
        };
        let id = id.strip_prefix("User_").unwrap_or(id);
        match self
            .principals
            .of_key
            .get(&actor_key_of(ActorKind::User, key))
        {
            Some(&SEVERAL) => true,
            Some(&p) => !id.is_empty() && p != principal_hash(id.as_bytes()),
            None => false,
        }
    }

    /// Another object id than `id` that a record of the loaded data names beside the target
    /// UPN `upn` (UAL `ObjectId` with `Target`'s `User_<id>`, Entra `userPrincipalName` with
    /// `id`): a re-created account under a recycled UPN, or a forged record (breaker 13 #7a).
    /// None where `id` is no GUID or every record naming the UPN with an id names `id`. The id
    /// is written as the directory writes it (lower case).
    pub fn target_upn_other_id(&self, upn: &str, id: &str) -> Option<String> {
        let id = id.strip_prefix("User_").unwrap_or(id);
        let id = guid_bits(id.as_bytes())?;
        let &(first, other) = self.target_upn_ids.get(&self.key(upn)?)?;
        [first, other]
            .into_iter()
            .find(|&o| o != 0 && o != id)
            .map(guid_text)
    }

    /// The object ids records of the loaded data name beside the target UPN `upn`, where
    /// they name two or more (the first two, as the directory writes them): a re-created
    /// account under a recycled UPN, or a forged record. None for a UPN named with one id,
    /// or none.
    pub fn target_upn_two_ids(&self, upn: &str) -> Option<(String, String)> {
        let &(first, other) = self.target_upn_ids.get(&self.key(upn)?)?;
        (other != 0).then(|| (guid_text(first), guid_text(other)))
    }

    /// The keys of an event's actor that some record has ([`crate::model::actor_keys`]).
    pub fn actor_keys(&self, p: &EventParties) -> Vec<u32> {
        let mut out: Vec<u32> = p
            .actor_keys()
            .into_iter()
            .filter_map(|(kind, k)| Some(actor_key_of(kind, self.key(k)?)))
            .collect();
        out.dedup();
        out
    }

    /// The UPNs of the users acting in any record of the loaded data (each once, in no
    /// particular order): the `lookalike` hint compares a row's principals with them too, so
    /// that an attacker's `admin@contoso.corn` is flagged where the admin it imitates made
    /// no revocation, only other records (README: "another principal of the loaded data").
    /// From the actors' first times (one entry an actor, not a record): few texts.
    pub fn acting_upns(&self) -> impl Iterator<Item = &str> {
        self.first_of_actor
            .keys()
            .filter(|&&k| actor_kind_of(k) == ActorKind::User)
            .map(|&k| self.text(k))
            .filter(|t| t.contains('@'))
    }

    /// The application's name for its key, if any record named it.
    pub fn app_name(&self, key: u32) -> Option<&str> {
        self.app_names.get(&key).map(|&n| self.text(n))
    }
    /// The earliest record time of a user (UPN or object id), if any record has it.
    pub fn first_time_of_actor(&self, actor: &str) -> Option<i64> {
        self.first_time_of_actor_key(self.key(actor)?)
    }

    /// The earliest record time of an actor by its key ([`Self::actor_keys`]).
    pub fn first_time_of_actor_key(&self, key: u32) -> Option<i64> {
        self.first_of_actor.get(&key).copied()
    }

    /// Records of a user (UPN or object id) within `window` seconds of `time` (ticks).
    pub fn by_actor_within(&self, actor: &str, time: i64, window: i64) -> &[u32] {
        match self.key(actor) {
            Some(k) => self.by_actor_key_within(k, time, window),
            None => &[],
        }
    }

    /// Records of an actor by its key ([`Self::actor_keys`]) within `window` seconds of
    /// `time` (ticks).
    pub fn by_actor_key_within(&self, key: u32, time: i64, window: i64) -> &[u32] {
        self.within(self.by_actor.get(&key), time, window)
    }

    /// How the records of an event's actor are found ([`ActorRule`]): a user's keys (UPN,
    /// object id), where another principal's records are under one of them compared by
    /// principal too (two records of one UPN are two actors where both give an object id
    /// and the ids differ); the other keys its principal has (the same object id under
    /// another UPN: a renamed account is one actor), those records by principal alone. An
    /// application by its id, an application with no id by its name, as
    /// [`Self::actor_keys`].
    pub fn actor_rules(&self, p: &EventParties) -> Vec<ActorRule> {
        let principal = match p.actor_kind {
            ActorKind::User => principal_hash(p.actor_id.as_bytes()),
            _ => 0,
        };
        self.rules_of(self.actor_keys(p), principal)
    }

    /// The rules of a user as the target acting: its UPN and object id as keys, its
    /// object id (`target_id`) as principal.
    pub(crate) fn target_rules(&self, keys: Vec<u32>, target_id: &str) -> Vec<ActorRule> {
        self.rules_of(keys, principal_hash(target_id.as_bytes()))
    }

    fn rules_of(&self, keys: Vec<u32>, principal: u32) -> Vec<ActorRule> {
        let ps = &self.principals;
        let mut out: Vec<ActorRule> = keys
            .iter()
            .map(|&key| {
                let user = actor_kind_of(key) == ActorKind::User;
                // A key whose records give this principal alone (or none) needs no compare.
                let alone = ps.of_key.get(&key).is_none_or(|&k| k == principal);
                ActorRule {
                    key,
                    principal: if user && principal != 0 && !alone {
                        principal
                    } else {
                        0
                    },
                    strict: false,
                }
            })
            .collect();
        if principal != 0
            && let Some(others) = ps.renamed.get(&principal)
        {
            for &key in others.iter().filter(|k| !keys.contains(k)) {
                out.push(ActorRule {
                    key,
                    principal,
                    strict: true,
                });
            }
        }
        out
    }

    /// Whether record `i` is the earliest record (in time, then place order) of its
    /// principal.
    pub fn earliest_of_principal(&self, i: usize) -> bool {
        self.principals
            .earliest
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// The earliest time of an actor key's records that give no principal.
    pub fn first_unidentified(&self, key: u32) -> Option<i64> {
        self.principals.first_unidentified.get(&key).copied()
    }
}

/// An object id's 128 bits, its text being a GUID (32 hex digits, dashes anywhere, case
/// ignored); None for any other text (not an object id: never compared).
pub(crate) fn guid_bits(id: &[u8]) -> Option<u128> {
    let mut bits: u128 = 0;
    let mut digits = 0;
    for &b in id {
        if b == b'-' {
            continue;
        }
        let d = char::from(b).to_digit(16)?;
        digits += 1;
        if digits > 32 {
            return None;
        }
        bits = bits << 4 | u128::from(d);
    }
    (digits == 32).then_some(bits)
}

/// A GUID's 128 bits as the directory writes them: lower case, `8-4-4-4-12`.
pub(crate) fn guid_text(bits: u128) -> String {
    let h = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
