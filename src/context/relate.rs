//! How an STS event relates to the records around it: the relation rules, apart from how
//! the index is built and stored (`index.rs`).
//!
//! A record is related to an STS event by
//! - the same correlation id (UAL `InterSystemsId`, AuditLogs `CorrelationId`);
//! - the same target within [`ContextOptions::target_window_secs`]: a record whose target is
//!   the event's target, or whose actor is (the target's own sign-ins and changes: a sign-in
//!   record names the user as its actor and has no target). UPNs and object ids are compared
//!   with ASCII case ignored, as the index keeps them;
//! - the same actor within [`ContextOptions::actor_window_secs`].
//!
//! One record seen at several places (the same reset in a CloudAppEvents, a UAL and an Entra
//! export: the same second, operation, actor and target; `twins`) is one related record with
//! its `repeats` counted, and [`ContextIndex::folded`] lists the records it stands for. The
//! same record of the event itself in another export is a copy of the event, never a
//! related record.
//!
//! On a busy target's day thousands of records relate to each of its events, so they are
//! counted without being listed ([`ContextIndex::related_count`]: the longest lookup's
//! stretch counted from its length, the others' records walked once, a record found by
//! several taken once, identical records known in advance)
//! and only the nearest are listed ([`ContextIndex::nearest_related`]: the seconds around the
//! event that hold enough of them), the same records as ranking the whole list.
//!
//! Copies of the event itself — the same event id read again (`StsEvent::duplicates`: the
//! same export loaded twice, a `.gz` beside its file, a CloudAppEvents row and the UAL
//! record it carries) — are never related records: [`ContextIndex::copies`] lists them apart,
//! and no hint counts them.

use super::ContextOptions;
use super::index::{ActorRule, By, Compact, ContextIndex, TICKS_PER_SEC, actor_kind_of};
use super::lookup::Stretch;
use crate::model::{ActorKind, StsEvent};

/// Why a record is related to an STS event (any of them may hold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Why {
    pub correlation: bool,
    /// The record's target is the event's target, or its actor is.
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
    /// The record's time minus the event's, in whole seconds as the two times read
    /// ([`offset_secs`]; None when either is unknown).
    pub offset_secs: Option<i64>,
    /// Further records of the same second, operation, actor and target (`twins`) read at
    /// other places and related to the event too: the same record in several exports (a
    /// `.gz` beside its file, a CloudAppEvents row, its UAL record and the Entra audit
    /// record), or distinct records one export wrote alike. Listed once, counted once;
    /// [`ContextIndex::folded`] lists them.
    pub repeats: u32,
}

/// A record's time (ticks, `i64::MIN` unknown) minus an event's, in whole seconds as the two
/// times read to the second: a reset at `09:00:04` is 1 s before an event at `09:00:05.555`,
/// and a copy of the event written without the fraction is at the same second.
pub fn offset_secs(record: i64, event: i64) -> Option<i64> {
    (record != i64::MIN && event != i64::MIN)
        .then(|| record.div_euclid(TICKS_PER_SEC) - event.div_euclid(TICKS_PER_SEC))
}

impl ContextIndex {
    /// The records related to an STS event, oldest first (in time, then place order); the
    /// event's own record and its copies ([`Self::copies`]) left out.
    pub fn related(&self, event: &StsEvent, opts: &ContextOptions) -> Vec<Related> {
        Query::new(self, event, opts).collect(Reach::ALL)
    }

    /// How many records [`Self::related`] lists, without listing them: a busy target's day
    /// relates thousands of records to each of its events.
    pub fn related_count(&self, event: &StsEvent, opts: &ContextOptions) -> usize {
        Query::new(self, event, opts).count(Reach::ALL)
    }

    /// At most `most` of the records related to an STS event — the nearest in time to it,
    /// and with `correlation_first` those of the same correlation before any other — oldest
    /// first, and how many records are related in all ([`Self::related_count`]). The same
    /// records as ranking the whole of [`Self::related`] (ties: the older first), without
    /// listing the whole: only the seconds around the event that hold enough of them.
    pub fn nearest_related(
        &self,
        event: &StsEvent,
        opts: &ContextOptions,
        most: usize,
        correlation_first: bool,
    ) -> (Vec<Related>, usize) {
        let q = Query::new(self, event, opts);
        let total = q.count(Reach::ALL);
        if total <= most {
            return (q.collect(Reach::ALL), total);
        }
        let mut picked = q.collect(q.reach_holding(most, !correlation_first, opts));
        picked.sort_by_key(|r| {
            (
                correlation_first && !r.why.correlation,
                r.offset_secs.map_or(i64::MAX, i64::abs),
            )
        });
        picked.truncate(most);
        picked.sort_by_key(|r| (self.entries[r.entry].time, r.entry));
        (picked, total)
    }

    /// The entries of the event's other copies, in place order: the same event id read at
    /// other places, and the same record in another export under an id of that export's own
    /// (an Entra audit record beside the UAL record and the CloudAppEvents row: its twin,
    /// [`ContextIndex::twins_of`]). A twin in the same file as the record it matches is
    /// another event (one export holds each record once; a record exported twice has its
    /// id twice, and is among the first kind).
    pub fn copies(&self, event: &StsEvent) -> Vec<usize> {
        self.copies_given(event, self.entry_of(event))
    }

    /// [`Self::copies`], the event's own entry given (`own`, as [`Self::entry_of`] finds it).
    fn copies_given(&self, event: &StsEvent, own: Option<usize>) -> Vec<usize> {
        let by_id: Vec<usize> = event
            .duplicates
            .iter()
            .flat_map(|d| d.iter())
            .filter_map(|at| self.entry_at(at, event))
            .collect();
        let mut out = by_id;
        out.retain(|&i| Some(i) != own);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The records a folded related record stands for (itself first, then its twins that
    /// are related to the event too: [`Related::repeats`] of them), in time, then place
    /// order.
    pub fn folded(&self, event: &StsEvent, opts: &ContextOptions, r: &Related) -> Vec<usize> {
        if r.repeats == 0 {
            return vec![r.entry];
        }
        let q = Query::new(self, event, opts);
        self.twins_of(r.entry)
            .into_iter()
            .filter(|&i| i == r.entry || u32::try_from(i).is_ok_and(|i| q.reaches(i, Reach::ALL)))
            .collect()
    }
}

/// One relation of an STS event: a lookup (by correlation, target or actor) and its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Records with the event's correlation id (its hash), at any time.
    Correlation(u64),
    /// Records whose target is `key`, from `lo` to `hi` ticks (both included).
    Target { key: u32, lo: i64, hi: i64 },
    /// Records whose actor is the rule's (its key, and its principal where it has one:
    /// [`ActorRule`]), from `lo` to `hi` ticks: the event's target acting (`as_target`: a
    /// same-target reason) or the event's actor.
    Acting {
        actor: ActorRule,
        lo: i64,
        hi: i64,
        as_target: bool,
    },
}

impl Rule {
    fn holds(self, e: &Compact) -> bool {
        match self {
            Self::Correlation(c) => e.correlation == c,
            Self::Target { key, lo, hi } => e.target == key && lo <= e.time && e.time <= hi,
            Self::Acting { actor, lo, hi, .. } => actor.holds(e) && lo <= e.time && e.time <= hi,
        }
    }

    /// The lookup stretches that hold the rule's records, each of whose records holds
    /// within the rule's window: one, or for an actor compared by principal too
    /// ([`ActorRule`]) the records of its key with its principal and (unless strict) those
    /// with none, never its key's whole stretch (other principals' records are in it).
    fn parts(self) -> impl Iterator<Item = Part> {
        let (first, second) = match self {
            Self::Correlation(c) => (By::Correlation(c), None),
            Self::Target { key, .. } => (By::Target(key), None),
            Self::Acting { actor, .. }
                if actor.whole_key() || actor_kind_of(actor.key) != ActorKind::User =>
            {
                (By::Actor(actor.key), None)
            }
            Self::Acting { actor, .. } => {
                let as_principal = |principal| By::ActorAs {
                    key: actor.key,
                    principal,
                };
                (
                    as_principal(actor.principal),
                    (!actor.strict).then(|| as_principal(0)),
                )
            }
        };
        std::iter::once(first)
            .chain(second)
            .map(move |by| Part { rule: self, by })
    }

    fn why(self) -> Why {
        Why {
            correlation: matches!(self, Self::Correlation(_)),
            target: matches!(
                self,
                Self::Target { .. }
                    | Self::Acting {
                        as_target: true,
                        ..
                    }
            ),
            actor: matches!(
                self,
                Self::Acting {
                    as_target: false,
                    ..
                }
            ),
        }
    }
}

/// One lookup stretch of a rule ([`Rule::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    rule: Rule,
    by: By,
}

impl Part {
    /// Whether a record is of this part of its rule (the parts of one rule are disjoint).
    fn holds(self, e: &Compact) -> bool {
        self.rule.holds(e)
            && match self.by {
                By::ActorAs { principal, .. } => e.principal == principal,
                _ => true,
            }
    }

    /// Whether every record of the part's lookup stretch holds (not so only for an
    /// application's key compared by principal, which no rule makes: [`ActorRule`]).
    fn whole(self) -> bool {
        match (self.rule, self.by) {
            (Rule::Acting { actor, .. }, By::Actor(_)) => actor.whole_key(),
            _ => true,
        }
    }

    /// Whether a record of this part lies within `reach` (see [`Reach::admits`]).
    fn admits(self, reach: Reach, e: &Compact) -> bool {
        reach.admits(self.rule, e)
    }
}

/// The part of the timeline looked at: records from `lo` to `hi` ticks (both included); the
/// same-correlation records at any time unless `correlation_too`.
#[derive(Debug, Clone, Copy)]
struct Reach {
    lo: i64,
    hi: i64,
    correlation_too: bool,
}

impl Reach {
    const ALL: Self = Self {
        lo: i64::MIN,
        hi: i64::MAX,
        correlation_too: false,
    };

    fn admits(self, rule: Rule, e: &Compact) -> bool {
        (matches!(rule, Rule::Correlation(_)) && !self.correlation_too)
            || (self.lo <= e.time && e.time <= self.hi)
    }
}

/// An STS event's relations, to walk the records they reach once each.
struct Query<'a> {
    index: &'a ContextIndex,
    /// The event's time in ticks (`i64::MIN`: unknown, then only its correlation relates).
    time: i64,
    rules: Vec<Rule>,
    /// The rules' lookup stretches, in the rules' order ([`Rule::parts`]).
    parts: Vec<Part>,
    /// The event's own entry and its copies.
    skip: Vec<u32>,
}

impl<'a> Query<'a> {
    fn new(index: &'a ContextIndex, event: &StsEvent, opts: &ContextOptions) -> Self {
        let time = event.time.as_ref().map_or(i64::MIN, crate::kql::ticks);
        let p = &event.parties;
        let mut rules = Vec::with_capacity(7);
        let mut add = |r: Rule| {
            if !rules.contains(&r) {
                rules.push(r);
            }
        };
        if event.correlation != 0 {
            add(Rule::Correlation(event.correlation));
        }
        if time != i64::MIN {
            let window = |secs: i64| {
                let w = secs.saturating_mul(TICKS_PER_SEC);
                (time.saturating_sub(w), time.saturating_add(w))
            };
            let (lo, hi) = window(opts.target_window_secs);
            let mut acting = Vec::new();
            for key in [&p.target, &p.target_id].map(|t| index.party_key(t)) {
                let Some(key) = key else { continue };
                add(Rule::Target { key, lo, hi });
                // The target acting: its own sign-ins and changes (no target field of theirs),
                // as a user (the key of a user is its text's: `actor_key_of`).
                acting.push(super::index::actor_key_of(
                    crate::model::ActorKind::User,
                    key,
                ));
            }
            for actor in index.target_rules(acting, &p.target_id) {
                add(Rule::Acting {
                    actor,
                    lo,
                    hi,
                    as_target: true,
                });
            }
            // The actor by its typed keys: a user by UPN and object id, an app by its id
            // (never a user of its name, nor a user written `name (id)`), and a user's
            // records by its principal ([`ContextIndex::actor_rules`]).
            let (lo, hi) = window(opts.actor_window_secs);
            for actor in index.actor_rules(p) {
                add(Rule::Acting {
                    actor,
                    lo,
                    hi,
                    as_target: false,
                });
            }
        }
        // The event's own entry found once for both: each search reads records' places
        // across the whole index, and a count is made for every row (BENCHMARKS.md, issue
        // 12, seventeenth round).
        let own = index.entry_of(event);
        let mut skip: Vec<u32> = index
            .copies_given(event, own)
            .into_iter()
            .chain(own)
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        skip.sort_unstable();
        let parts = rules.iter().flat_map(|r| r.parts()).collect();
        Self {
            index,
            time,
            rules,
            parts,
            skip,
        }
    }

    /// The records of a rule's part within `reach`, in time order.
    fn stretch(&self, part: Part, reach: Reach) -> Stretch<'a> {
        let (lo, hi) = Self::bounds(part, reach);
        self.index.stretch(part.by, lo, hi)
    }

    /// [`Self::stretch`]'s records alone, without its twinned records (not looked up).
    fn records(&self, part: Part, reach: Reach) -> &'a [u32] {
        let (lo, hi) = Self::bounds(part, reach);
        self.index.records(part.by, lo, hi)
    }

    /// The times (ticks, both included) of a rule's part within `reach`.
    fn bounds(part: Part, reach: Reach) -> (i64, i64) {
        let (lo, hi) = match part.rule {
            // At any time, unless the reach bounds it too.
            Rule::Correlation(_) if !reach.correlation_too => return (i64::MIN, i64::MAX),
            Rule::Correlation(_) => (i64::MIN, i64::MAX),
            Rule::Target { lo, hi, .. } | Rule::Acting { lo, hi, .. } => (lo, hi),
        };
        (lo.max(reach.lo), hi.min(reach.hi))
    }

    /// Calls `f` once for each record related within `reach` (the event's own record and
    /// its copies left out), in no particular order: a record reached by several rules is
    /// taken where the first of them reaches it (the parts of a rule are disjoint, so the
    /// parts before a part hold a record exactly when an earlier rule, or an earlier part of
    /// its own rule, does).
    fn walk(&self, reach: Reach, mut f: impl FnMut(u32, &Compact)) {
        for (j, &part) in self.parts.iter().enumerate() {
            let earlier = &self.parts[..j];
            for &i in self.stretch(part, reach).records {
                let e = &self.index.entries[i as usize];
                // Reached within `reach` by this part, so by an earlier part too if it holds.
                if !part.holds(e) || earlier.iter().any(|r| r.holds(e)) || self.skip.contains(&i) {
                    continue;
                }
                f(i, e);
            }
        }
    }

    /// Whether entry `i` is a related record within `reach`.
    fn reaches(&self, i: u32, reach: Reach) -> bool {
        let e = &self.index.entries[i as usize];
        !self.skip.contains(&i) && self.rules.iter().any(|&r| r.holds(e) && reach.admits(r, e))
    }

    /// The earliest related record identical to entry `i` (itself when none is earlier):
    /// the one that stands for them all ([`Related::repeats`]).
    fn first_twin(&self, i: u32, reach: Reach) -> u32 {
        let mut first = i;
        let mut at = i;
        while let Some(prev) = self.index.earlier_twin(at) {
            if self.reaches(prev, reach) {
                first = prev;
            }
            at = prev;
        }
        first
    }

    /// How many related records within `reach` ([`Self::collect`]'s length). The longest
    /// of the rules' stretches ([`Rule::parts`]) is counted from its length (less the
    /// event's own record and copies, and the records an identical earlier one stands
    /// for); only the others are walked, each record of theirs counted unless that stretch
    /// or an earlier part has it. On a busy target's day the target acting is thousands of
    /// records an event, the others tens. Every record of a part's stretch holds (but
    /// [`Part::whole`]), so none has to be walked to be counted: an actor compared by
    /// principal reads its principal's stretches, not its key's.
    fn count(&self, reach: Reach) -> usize {
        // The twinned records are looked up for the longest stretch alone: each lookup is a
        // few searches of a list, most of a count's time (BENCHMARKS.md, issue 12).
        let stretches: Vec<&'a [u32]> =
            self.parts.iter().map(|&p| self.records(p, reach)).collect();
        let longest = (0..stretches.len())
            .filter(|&j| self.parts[j].whole())
            .max_by_key(|&j| stretches[j].len());
        let entry = |i: u32| &self.index.entries[i as usize];
        let in_long = |e: &Compact| {
            longest.is_some_and(|j| self.parts[j].holds(e) && self.parts[j].admits(reach, e))
        };
        let mut n = 0;
        if let Some(j) = longest {
            let long = self.stretch(self.parts[j], reach);
            n = long.records.len();
            n -= self.skip.iter().filter(|&&i| in_long(entry(i))).count();
            n -= long
                .twinned()
                .filter(|i| !self.skip.contains(i) && self.first_twin(*i, reach) != *i)
                .count();
        }
        for (j, (&part, stretch)) in self.parts.iter().zip(&stretches).enumerate() {
            if Some(j) == longest {
                continue;
            }
            let earlier = &self.parts[..j];
            for &i in *stretch {
                let e = entry(i);
                // Reached within `reach` by this part, so by an earlier part too if it
                // holds (see `walk`).
                if !part.holds(e)
                    || in_long(e)
                    || earlier.iter().any(|r| r.holds(e))
                    || self.skip.contains(&i)
                {
                    continue;
                }
                if self.index.earlier_twin(i).is_none() || self.first_twin(i, reach) == i {
                    n += 1;
                }
            }
        }
        n
    }

    /// Why entry `e` is related, every rule that holds.
    fn why(&self, e: &Compact) -> Why {
        let mut why = Why::default();
        for r in self.rules.iter().filter(|r| r.holds(e)) {
            let w = r.why();
            why.correlation |= w.correlation;
            why.target |= w.target;
            why.actor |= w.actor;
        }
        why
    }

    /// The related records within `reach` in time, then place order, records identical to
    /// an earlier one counted as its repeats.
    fn collect(&self, reach: Reach) -> Vec<Related> {
        let index = self.index;
        let mut found: Vec<(i64, u32)> = Vec::new();
        self.walk(reach, |i, e| found.push((e.time, i)));
        found.sort_unstable();
        let mut out: Vec<Related> = Vec::with_capacity(found.len());
        // Entry of the record kept for some twins → its place in `out`.
        let mut kept: std::collections::HashMap<u32, usize, super::index::FxBuild> =
            Default::default();
        for (time, i) in found {
            let e = &index.entries[i as usize];
            let why = self.why(e);
            if index.earlier_twin(i).is_some()
                && let Some(&at) = kept.get(&self.first_twin(i, reach))
            {
                let r = &mut out[at];
                r.repeats += 1;
                r.why.correlation |= why.correlation;
                r.why.target |= why.target;
                r.why.actor |= why.actor;
                continue;
            }
            if index.has_later_twin(i) {
                kept.insert(i, out.len());
            }
            out.push(Related {
                entry: i as usize,
                why,
                offset_secs: offset_secs(time, self.time),
                repeats: 0,
            });
        }
        out
    }

    /// The reach around the event, in whole seconds either side, that holds at least `most`
    /// related records (or all of them), so that the `most` nearest are all within it.
    /// Same-correlation records count at any time unless `correlation_too` (they are ranked
    /// first then, nearest or not).
    fn reach_holding(&self, most: usize, correlation_too: bool, opts: &ContextOptions) -> Reach {
        if self.time == i64::MIN {
            return Reach::ALL;
        }
        let widest = opts.target_window_secs.max(opts.actor_window_secs);
        let second = self.time.div_euclid(TICKS_PER_SEC);
        let mut secs: i64 = 60;
        while secs <= widest {
            let reach = Reach {
                lo: second.saturating_sub(secs).saturating_mul(TICKS_PER_SEC),
                hi: (second.saturating_add(secs).saturating_add(1))
                    .saturating_mul(TICKS_PER_SEC)
                    .saturating_sub(1),
                correlation_too,
            };
            if self.count(reach) >= most {
                return reach;
            }
            secs = secs.saturating_mul(4);
        }
        Reach::ALL
    }
}

#[cfg(test)]
#[path = "relate_tests.rs"]
mod tests;
