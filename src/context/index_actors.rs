//! Actors in the index by typed key ([`crate::model::ActorKind`]): a user, an application
//! by its id, an application with no id by its name, never one for another (split out of
//! `index`).

use std::collections::HashMap;

use super::{ContextIndex, Entry, FxBuild};
use crate::model::{ActorKind, EventParties};

/// What the index knows of actors beside their keys: each application's name, and each
/// user's object id, kept once per actor rather than in every record (a UPN has one object
/// id in almost every tenant's logs). A record whose id is not its actor's usual one (none,
/// where the actor has one; another principal under a reused or forged UPN) is noted by
/// its place.
#[derive(Debug, Default, Clone)]
pub(super) struct ActorIds {
    /// The name of each application known by its id ([`ActorKind::App`] keys), as the first
    /// record that names it does: a UAL record written with `ServicePrincipal_<id>` alone
    /// shows the name another record gives.
    app_names: HashMap<u32, u32, FxBuild>,
    /// A user's object id (interned) as the first record of the actor that has one gives it.
    usual: HashMap<u32, u32, FxBuild>,
    /// By place (file, offset): a record's id where it is not its actor's usual one (0: none).
    odd: HashMap<(u32, u64), u32, FxBuild>,
}

/// An actor's key in [`super::Entry::actor`]: the interned id of its key text (a user's UPN, an
/// application's id, the name of an application with no id; see
/// [`crate::model::actor_keys`]) with its [`ActorKind`] in the top two bits, so that no key
/// of one kind ever equals a key of another, whatever the texts. The interner's ids stay
/// far below 2^30 (each holds a string: a billion of them would not fit in memory).
pub(super) const KIND_SHIFT: u32 = 30;
pub(super) const ID_MASK: u32 = (1 << KIND_SHIFT) - 1;

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
                let name = self.app_name(key).unwrap_or("");
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
        self.actor_ids.app_names.get(&key).map(|&n| self.text(n))
    }

    /// Keeps what a record says of its actor beside its key: an application's `name`, a
    /// user's object `id` (as written; empty when the record has none).
    pub(super) fn note_actor(&mut self, e: &Entry, name: &[u8], id: &[u8]) {
        match actor_kind_of(e.actor) {
            ActorKind::App
                if !name.is_empty() && !self.actor_ids.app_names.contains_key(&e.actor) =>
            {
                let name = self.strings.id(name);
                self.actor_ids.app_names.insert(e.actor, name);
            }
            ActorKind::User if e.actor != 0 => {
                let id = self.strings.party_id(id);
                let ids = &mut self.actor_ids;
                match ids.usual.get(&e.actor) {
                    Some(&usual) if usual != id => {
                        ids.odd.insert((e.file, e.offset), id);
                    }
                    Some(_) => {}
                    // A record with no id before any with one is taken as having the id that
                    // comes: the stricter reading (it folds with fewer records).
                    None if id != 0 => {
                        ids.usual.insert(e.actor, id);
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }

    /// Whether record `i`'s actor is an event's: a key of the same kind, and for a user the
    /// object ids agreeing where both have one (another principal under the same UPN is
    /// another actor).
    pub fn same_principal(&self, i: usize, p: &EventParties) -> bool {
        let actor = self.entries[i].actor;
        if actor == 0 || !self.actor_keys(p).contains(&actor) {
            return false;
        }
        if p.actor_id.is_empty() || actor_kind_of(actor) != ActorKind::User {
            return true;
        }
        // The record's place is read (back) only when some record's id is not its actor's
        // usual one.
        let record = match self.actor_ids.odd.is_empty() {
            true => self.actor_ids.usual.get(&actor).copied().unwrap_or(0),
            false => self.actor_id_of(&self.record(i)),
        };
        record == 0 || self.key(&p.actor_id) == Some(record)
    }

    /// The object id (interned; 0: none) of a record's actor, when a user: as the record
    /// gives it. An application's id is its key.
    pub(super) fn actor_id_of(&self, e: &Entry) -> u32 {
        if actor_kind_of(e.actor) != ActorKind::User || e.actor == 0 {
            return 0;
        }
        let ids = &self.actor_ids;
        match ids.odd.get(&(e.file, e.offset)) {
            Some(&id) => id,
            None => ids.usual.get(&e.actor).copied().unwrap_or(0),
        }
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
