//! One record seen at several places — the same reset in a CloudAppEvents export, a UAL
//! export and an Entra audit export of one incident, loaded together — found once when the
//! index's lookups are built, so that it is listed and counted once.
//!
//! The exports write one record differently: the UAL to the second (`CreationTime`), Entra
//! and CloudAppEvents with seven fraction digits; the UAL's operation ends with a `.`
//! (`Reset user password.`), Entra's does not; the IP address, result and correlation id are
//! each exports' own (Entra gives no IP address of the actor, `success` in lower case). So
//! two records are twins when they share the second, the operation (case-folded, a
//! trailing `.` and blanks dropped), the actor and the target (compared as the index keeps
//! them: ASCII case ignored, an actor by its typed key), and when the actor's principal and
//! the IP address agree where both records have one: the principal as the hash of the
//! user's object id each record keeps ([`Compact::principal`]), the address as an address
//! (`ContextIndex::address`, read back only for records alike in all the rest: few). Two
//! principals under one UPN (re-created, or a look-alike), or one UPN from two addresses in
//! one second, are two records, never one seen twice. A record with no time is nobody's
//! twin: two of them need not be one moment.
//!
//! This is the copy rule of [`crate::model::copies`], which the scan folds two STS records
//! of one event id by: here on the index's keys (the actor's typed key, the target, the
//! folded operation, each interned with ASCII case ignored) and the 32-bit hashes of the
//! users' object ids.

use std::collections::HashMap;

use super::index::{Address, Compact, Entries, FxBuild, TICKS_PER_SEC};
pub(super) use crate::model::copies::fold_operation;

/// What tells apart two principals behind records otherwise alike: the hash of the actor's
/// object id (0: none) and the record's IP address, each where the record has it.
type Principal = (u32, Option<Address>);

/// Whether two principals can be one: their ids and their addresses agree where both have
/// them (as [`crate::model::copies::same_parties`] compares the ids).
fn agree(a: Principal, b: Principal) -> bool {
    (a.0 == 0 || b.0 == 0 || a.0 == b.0) && (a.1.is_none() || b.1.is_none() || a.1 == b.1)
}

/// Twin records (see the module's documentation), as chains in time, then place order.
/// Few records have a twin, so a bit per record says whether to look.
#[derive(Debug, Default, Clone)]
pub(super) struct Twins {
    /// Bit `i`: entry `i` has a twin before it.
    has_earlier: Vec<u64>,
    /// Bit `i`: entry `i` has a twin after it.
    has_later: Vec<u64>,
    /// Entry → its twin just before it (in time, then place order).
    earlier: HashMap<u32, u32, FxBuild>,
    /// Entry → its twin just after it.
    later: HashMap<u32, u32, FxBuild>,
}

impl Twins {
    /// From the entries in time order (`order`; equal times in place order); `operation`
    /// gives an entry's operation id as twins compare it ([`fold_operation`]), `address` an
    /// entry's IP address, asked only of the records alike by second, operation, actor and
    /// target (in a headless report it is read back from a temporary file).
    pub(super) fn build(
        order: &[u32],
        entries: &Entries,
        mut operation: impl FnMut(u32) -> u32,
        address: impl Fn(u32) -> Option<Address>,
    ) -> Self {
        let mut out = Self {
            has_earlier: vec![0; entries.len().div_ceil(64)],
            has_later: vec![0; entries.len().div_ceil(64)],
            earlier: HashMap::default(),
            later: HashMap::default(),
        };
        let second = |e: &Compact| e.time.div_euclid(TICKS_PER_SEC);
        let principal = |i: u32| (entries[i as usize].principal, address(i));
        // Twins share their second: each second's records apart. Records alike by operation,
        // actor and target make chains, one per principal ([`agree`]), almost always one:
        // the first chain of each kind of record; each chain's last record, what its
        // records gave of their principal (None until a record alike comes), and the next
        // chain of its kind (NONE: the last).
        const NONE: usize = usize::MAX;
        let mut last: HashMap<(u32, u32, u32), usize, FxBuild> = HashMap::default();
        let mut chains: Vec<(u32, Option<Principal>, usize)> = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let first = &entries[order[start] as usize];
            let s = second(first);
            let mut end = start + 1;
            while end < order.len() && second(&entries[order[end] as usize]) == s {
                end += 1;
            }
            if end - start > 1 && first.time != i64::MIN {
                last.clear();
                chains.clear();
                for &i in &order[start..end] {
                    let e = &entries[i as usize];
                    let head = last
                        .entry((operation(e.operation), e.actor, e.target))
                        .or_insert(NONE);
                    if *head == NONE {
                        chains.push((i, None, NONE));
                        *head = chains.len() - 1;
                        continue;
                    }
                    let who = principal(i);
                    let (mut at, mut tail) = (*head, NONE);
                    while at != NONE {
                        let chain = &mut chains[at];
                        let known = *chain.1.get_or_insert_with(|| principal(chain.0));
                        if agree(known, who) {
                            break;
                        }
                        tail = at;
                        at = chain.2;
                    }
                    if at == NONE {
                        // A principal of its own: a new chain, after the others of its kind.
                        chains.push((i, Some(who), NONE));
                        chains[tail].2 = chains.len() - 1;
                        continue;
                    }
                    let chain = &mut chains[at];
                    let prev = chain.0;
                    let known = chain.1.unwrap_or(who);
                    chain.0 = i;
                    // What the chain's records gave, each part from the first that had it.
                    chain.1 = Some((
                        if known.0 == 0 { who.0 } else { known.0 },
                        known.1.or(who.1),
                    ));
                    out.has_earlier[i as usize / 64] |= 1 << (i % 64);
                    out.has_later[prev as usize / 64] |= 1 << (prev % 64);
                    out.earlier.insert(i, prev);
                    out.later.insert(prev, i);
                }
            }
            start = end;
        }
        out
    }

    pub(super) fn earlier(&self, entry: u32) -> Option<u32> {
        if !bit(&self.has_earlier, entry) {
            return None;
        }
        self.earlier.get(&entry).copied()
    }

    pub(super) fn later(&self, entry: u32) -> Option<u32> {
        if !bit(&self.has_later, entry) {
            return None;
        }
        self.later.get(&entry).copied()
    }

    pub(super) fn has_later(&self, entry: u32) -> bool {
        bit(&self.has_later, entry)
    }

    /// Every twin of `entry` and itself, in time, then place order.
    pub(super) fn group(&self, entry: u32) -> Vec<u32> {
        let mut first = entry;
        while let Some(prev) = self.earlier(first) {
            first = prev;
        }
        let mut out = vec![first];
        while let Some(next) = self.later(*out.last().unwrap_or(&first)) {
            out.push(next);
        }
        out
    }
}

fn bit(bits: &[u64], i: u32) -> bool {
    bits.get(i as usize / 64)
        .is_some_and(|w| w >> (i % 64) & 1 == 1)
}
