//! Actors in the index by typed key ([`crate::model::ActorKind`]): a user, an application
//! by its id, an application with no id by its name, never one for another (split out of
//! `index`).

use super::ContextIndex;
use crate::model::{ActorKind, EventParties};

/// An actor's key in [`super::Entry::actor`]: the interned id of its key text (a user's UPN, an
/// application's id, the name of an application with no id; see
/// [`crate::model::actor_keys`]) with its [`ActorKind`] in the top two bits, so that no key
/// of one kind ever equals a key of another, whatever the texts. The interner's ids stay
/// far below 2^30 (each holds a string: a billion of them would not fit in memory).
pub(super) const KIND_SHIFT: u32 = 30;
pub(super) const ID_MASK: u32 = (1 << KIND_SHIFT) - 1;

/// A user's object id as the index keeps it beside the actor's key ([`super::Entry::principal`]):
/// 32 bits of its FNV-1a hash with ASCII case ignored (GUIDs are written in either case),
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
}
