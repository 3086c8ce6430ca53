//! The two context hints found by searching the related-events index around one STS event:
//! `reset` (a password reset or change of the same target, in the same correlation or within
//! `--reset-minutes`) and `signin` (the actor signed in from another address within the actor
//! window). Issue 12's rules; the other context hints are counted from tables (`hints_tables.rs`).

use std::collections::HashMap;

use super::{Hint, HintConfig};
use crate::context::ContextIndex;
use crate::context::index::TICKS_PER_SEC;
use crate::context::relate::offset_secs;
use crate::kql::ticks;
use crate::model::StsEvent;

pub(super) fn reset_hint(
    index: &ContextIndex,
    password_ops: &std::collections::HashSet<u32>,
    e: &StsEvent,
    config: HintConfig,
) -> Option<Hint> {
    if password_ops.is_empty() {
        return None;
    }
    let time = e.time.as_ref().map(ticks);
    let p = &e.parties;
    let mut candidates: Vec<(u32, bool)> = index
        .by_correlation_hash(e.correlation)
        .iter()
        .map(|&i| (i, true))
        .collect();
    if let Some(t) = time {
        for target in [&p.target, &p.target_id] {
            let near = index.by_target_within(target, t, config.reset_minutes * 60);
            candidates.extend(near.iter().map(|&i| (i, false)));
        }
    }
    if candidates.is_empty() {
        // Most events: nothing to tell apart from the event's own records.
        return None;
    }
    let mut skip = index.copies(e);
    skip.extend(index.entry_of(e));
    // The rule: a reset *of the same target*, in the same correlation or close by.
    // A correlation id alone is not enough when the reset names another user: the helpdesk
    // flow resets the user whose sessions it revokes.
    let names_target = |i: u32| {
        let target = index.text(index.entries[i as usize].target);
        let known = !(p.target.is_empty() && p.target_id.is_empty());
        (known && !target.is_empty()).then(|| {
            target.eq_ignore_ascii_case(&p.target) || target.eq_ignore_ascii_case(&p.target_id)
        })
    };
    let best = candidates
        .into_iter()
        .filter(|(i, _)| !skip.contains(&(*i as usize)))
        .filter(|(i, _)| names_target(*i) != Some(false))
        .filter(|(i, _)| password_ops.contains(&index.entries[*i as usize].operation))
        .min_by_key(|(i, correlated)| {
            let et = index.entries[*i as usize].time;
            let gap = match time {
                Some(t) if et != i64::MIN => (et - t).abs(),
                _ => i64::MAX,
            };
            (!correlated, gap)
        })?;
    let entry = index.entries[best.0 as usize];
    // The same principal by a key of the same kind (an app named like a user is another),
    // and by its object id where both give one (another principal under the UPN is another).
    let same_actor = index.actor_rules(p).iter().any(|r| r.holds(&entry));
    Some(Hint::Reset {
        operation: index.text(entry.operation).to_owned(),
        same_actor,
        correlated: best.1,
        same_target: names_target(best.0).is_some(),
        offset_secs: time.and_then(|t| offset_secs(entry.time, t)),
    })
}

pub(super) fn sign_in_hint(
    index: &ContextIndex,
    sign_ins: &HashMap<u32, Vec<u32>>,
    e: &StsEvent,
    t: i64,
    config: HintConfig,
) -> Option<Hint> {
    if sign_ins.is_empty() {
        return None;
    }
    let p = &e.parties;
    // The actor's sign-ins within the window, as `by_actor_within` bounds it.
    let w = config
        .context
        .actor_window_secs
        .saturating_mul(TICKS_PER_SEC);
    let (lo, hi) = (t.saturating_sub(w), t.saturating_add(w));
    let within = |a: u32| -> &[u32] {
        let Some(list) = sign_ins.get(&a) else {
            return &[];
        };
        let (start, end) = index.between_places(list, lo, hi);
        &list[start..end]
    };
    let rules = index.actor_rules(p);
    let of_actor = |r: crate::context::index::ActorRule| {
        within(r.key)
            .iter()
            .filter(move |&&i| r.holds(&index.entries[i as usize]))
    };
    if rules.iter().all(|&r| of_actor(r).next().is_none()) {
        // Most events: no sign-in of the actor near by, and the event's own record (a
        // search among every record) is not needed.
        return None;
    }
    // Addresses compared as addresses, however each record wrote its own (UAL `ClientIP`
    // with a port, IPv4-mapped IPv6, IPv6 in another case or zero compression:
    // `ContextIndex::address`); the nearest other sign-in's address is shown as written.
    let own_ip = index.address(&index.record(index.entry_of(e)?))?;
    // The nearest first, in list order among equally near ones (the first of the nearest
    // with another address is the one shown): a headless report reads a record's address
    // back from a temporary file, so only until one differs, not for every sign-in.
    let mut near: Vec<(i64, u32)> = rules
        .iter()
        .flat_map(|&r| of_actor(r))
        .map(|&i| ((index.entries[i as usize].time - t).abs(), i))
        .collect();
    near.sort_by_key(|&(gap, _)| gap);
    near.into_iter()
        .map(|(_, i)| index.record(i as usize))
        .find(|r| index.address(r).is_some_and(|a| a != own_ip))
        .map(|r| Hint::SignIn {
            ip: index.ip_text(&r),
            offset_secs: offset_secs(r.time, t),
        })
}
