//! The `first` hint: the actor's first record of any kind in the loaded data, the actor by
//! its keys and principal (split out of `hints`).

use crate::context::ContextIndex;
use crate::context::index::{ActorRule, TICKS_PER_SEC};
use crate::model::StsEvent;

/// `first`: no record of the actor (by its keys, and by its principal where records of its
/// UPN give several: [`ContextIndex::actor_rules`]) before the event at `t` (ticks), other
/// than copies of the event itself (the same event read elsewhere, perhaps written without
/// the fraction of its second).
pub(super) fn is_first_record(index: &ContextIndex, e: &StsEvent, t: i64) -> bool {
    let rules = index.actor_rules(&e.parties);
    // The actor's earliest record: a key's first where all its records are the actor's;
    // else its first that gives no principal, and the principal's earliest record.
    let mut first: Option<i64> = None;
    let mut by_principal = false;
    for r in &rules {
        let f = if r.whole_key() {
            index.first_time_of_actor_key(r.key)
        } else {
            by_principal = true;
            (!r.strict)
                .then(|| index.first_unidentified(r.key))
                .flatten()
        };
        first = match (first, f) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    if by_principal {
        // The principal's earliest record is the event's own or a copy of it, or the actor
        // acted before (a record of the same time and an earlier place included).
        let mut own = index.copies(e);
        own.extend(index.entry_of(e));
        match own.iter().find(|&&i| index.earliest_of_principal(i)) {
            Some(&i) => {
                let f = index.entries[i].time;
                first = Some(first.map_or(f, |x| x.min(f)));
            }
            None => return false,
        }
    }
    let Some(first) = first else {
        return false;
    };
    if first >= t {
        return true;
    }
    // Every record of the actor from the first one to the event.
    let window = (t - first) / TICKS_PER_SEC + 1;
    let of_actor = |r: ActorRule| {
        index
            .by_actor_key_within(r.key, t, window)
            .iter()
            .filter(move |&&i| r.holds(&index.entries[i as usize]))
    };
    if e.duplicates.is_none() && e.source.line < u64::from(u32::MAX) {
        // Most events: the actor's first record is another event's. Without copies by id,
        // the event's copies are the twins of its own record (`ContextIndex::copies`), so
        // a first record none of whose twins is at the event's place is none of them: told
        // without finding the event's own record (a search among every record).
        let earliest = rules
            .iter()
            .filter_map(|&r| of_actor(r).next())
            .find(|&&i| index.entries[i as usize].time == first);
        if let Some(&r) = earliest {
            let at_own_place = index
                .twins_of(r as usize)
                .into_iter()
                .any(|g| index.source_at(g) == e.source);
            if !at_own_place {
                return false;
            }
        }
    }
    let mut copies = index.copies(e);
    copies.extend(index.entry_of(e));
    rules.iter().all(|&r| {
        of_actor(r)
            .filter(|&&i| index.entries[i as usize].time < t)
            .all(|&i| copies.contains(&(i as usize)))
    })
}
