//! Hints, never verdicts: what about a flagged row or a near miss deserves a second look,
//! each with its reason. The analyst decides; a hint only sorts and explains.
//!
//! Two kinds: hints on the query's row itself (`back`, `far`, `proxy`, `app`, `ctrl`; and
//! `lookalike`, which compares the row's principals with the others loaded) and
//! context hints on the records around the STS event (`reset`, `self`, `bulk`, `first`,
//! `signin`), read from the related-events index (`crate::context`).

use std::collections::HashMap;
use std::sync::Arc;

use crate::context::{ContextIndex, ContextOptions};
use crate::kql::ticks;
use crate::lookalike::Principals;
use crate::model::{Finding, StsEvent};
use crate::neutralize::has_dangerous;
use crate::scan::{RowEvent, ScanReport};

/// Thresholds of the hints (command line: `--far-minutes`, `--reset-minutes`,
/// `--bulk-users`, `--bulk-minutes`; the context windows: `--target-hours`,
/// `--actor-minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintConfig {
    /// |tokenMinutesRemaining| above this: the valid-from time was set far from the event
    /// time. A session revocation sets it to "now" (0 or 1 minute away); an hour leaves room
    /// for clock skew and ingestion delay while catching a back- or forward-dated value.
    pub far_minutes: i64,
    /// A password reset or change of the same target this close (default 5 minutes): the
    /// usual helpdesk flow writes the reset and the revocation together.
    pub reset_minutes: i64,
    /// `bulk`: this many distinct users (default 10)…
    pub bulk_users: usize,
    /// …whose tokens the same actor changed within this many minutes (default 10).
    pub bulk_minutes: i64,
    /// How far the related records reach (same target, same actor).
    pub context: ContextOptions,
}

impl Default for HintConfig {
    fn default() -> Self {
        Self {
            far_minutes: 60,
            reset_minutes: 5,
            bulk_users: 10,
            bulk_minutes: 10,
            context: ContextOptions::default(),
        }
    }
}

/// One reason to look twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// StsRefreshTokensValidFrom moved backwards: tokens issued before are valid again.
    MovedBackwards { minutes: i64 },
    /// The new valid-from time is far from the event time.
    FarFromEventTime { minutes: i64 },
    /// The actor came through an anonymous proxy.
    AnonymousProxy,
    /// A service principal or another non-user object made the change.
    NonUserActor { role: String },
    /// The row's strings hold control, bidi or invisible characters, or something behind it was read
    /// with bytes replaced by U+FFFD (`Finding::replaced`).
    ControlCharacters,
    /// A password reset or change of the same target in the same correlation or close by.
    Reset {
        operation: String,
        same_actor: bool,
        correlated: bool,
        /// False when the reset shares only the correlation and its record names no target
        /// the index could read (a correlated reset of another, known user is no `reset`).
        same_target: bool,
        /// The reset's time minus the event's, in seconds.
        offset_secs: Option<i64>,
    },
    /// The actor is the target.
    SelfChange,
    /// The actor changed the tokens of many users in a short time.
    Bulk { users: usize, minutes: i64 },
    /// The actor's first record of any kind in the loaded data.
    First,
    /// The actor signed in from another IP address around the event.
    SignIn {
        ip: String,
        offset_secs: Option<i64>,
    },
    /// Another record carries this event's id with different content (`same id, different
    /// content`: a forged record reusing an event id, or an export that rewrote it): kept as
    /// another event, so the two rows are judged apart. `other` is that record's
    /// `file:line`, `differs` what differs (`time, IsAnonymousProxy`).
    Conflict { other: String, differs: String },
    /// A principal of the row (actor, target, account) may pass for another: mixed scripts,
    /// look-alike letters, or the same TR39 skeleton as another principal of the loaded
    /// data (`crate::lookalike`); the first few, and how many more.
    Lookalike {
        principals: Vec<crate::lookalike::Lookalike>,
        more: usize,
    },
}

impl Hint {
    /// A short badge for the table.
    pub fn badge(&self) -> &'static str {
        match self {
            Self::MovedBackwards { .. } => "back",
            Self::FarFromEventTime { .. } => "far",
            Self::AnonymousProxy => "proxy",
            Self::NonUserActor { .. } => "app",
            Self::ControlCharacters => "ctrl",
            Self::Reset { .. } => "reset",
            Self::SelfChange => "self",
            Self::Bulk { .. } => "bulk",
            Self::First => "first",
            Self::SignIn { .. } => "signin",
            Self::Lookalike { .. } => "lookalike",
            Self::Conflict { .. } => "conflict",
        }
    }
}

/// `1 s before`, `4 min 59 s before`, `2 h 05 min after`, `3 d 4 h after`, `in the same
/// second`: to the unit the context panel's timeline shows (`-00:04:59`, `+2 h 05 m`,
/// `+3 d 4 h`; `tui::context_panel::offset_text`), so that a hint and the timeline agree.
pub fn offset_words(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "at an unknown time".to_owned();
    };
    let (a, side) = (s.unsigned_abs(), if s < 0 { "before" } else { "after" });
    let (d, h, m, sec) = (a / 86_400, a / 3600 % 24, a / 60 % 60, a % 60);
    match a {
        0 => "in the same second".to_owned(),
        1..=59 => format!("{a} s {side}"),
        60..=3599 if sec == 0 => format!("{m} min {side}"),
        60..=3599 => format!("{m} min {sec} s {side}"),
        3600..=172_799 if m == 0 => format!("{} h {side}", a / 3600),
        3600..=172_799 => format!("{} h {m:02} min {side}", a / 3600),
        _ if h == 0 => format!("{d} d {side}"),
        _ => format!("{d} d {h} h {side}"),
    }
}

/// A password reset or change, by its operation name in any of the exports
/// (`Reset user password.`, `Change user password.`, `Reset password (by admin)`,
/// `Change password (self-service)`, `Set force change user password.`).
pub fn is_password_operation(operation: &str) -> bool {
    let o = operation.to_ascii_lowercase();
    o.contains("password") && (o.contains("reset") || o.contains("change"))
}

/// A sign-in record (UAL `UserLoggedIn`, Entra sign-in logs).
pub fn is_sign_in_operation(operation: &str) -> bool {
    // Without a lower-case copy: this runs for every record near every STS event.
    let prefix = operation.get(..7);
    operation.eq_ignore_ascii_case("userloggedin")
        || prefix.is_some_and(|p| p.eq_ignore_ascii_case("sign-in"))
}

/// What the hints of a whole scan need, computed once ([`Tables`]), with the scan.
pub struct Inputs<'a> {
    report: &'a ScanReport,
    tables: Arc<Tables>,
    /// The related-record count of each row's first event, by event index, ascending
    /// ([`Inputs::with_related_counts`]; empty otherwise: counted when asked).
    related: Vec<(usize, usize)>,
}

/// What the hints of a whole scan read beside the index, computed once: the `bulk` counts,
/// the actors' sign-ins, the password operations. The workbench makes its rows' hints a
/// slice a frame and keeps these between frames, and makes one row's hints on demand
/// with them (the drill-down): [`Inputs::tables`], [`Inputs::with_tables`]. Valid for the
/// report as it was when they were made.
pub struct Tables {
    config: HintConfig,
    /// By arrival number (`ScanReport::arrival`), of the events kept whole (and of every
    /// lean event in the workbench, `ScanReport::lean_shown`).
    bulk: HashMap<u32, usize>,
    /// By row (index into `findings`), of the lean events of the headless commands (one row
    /// each): the most users of a window one of them is in.
    bulk_rows: HashMap<usize, usize>,
    /// The sign-in records of each actor (by its typed key, `ContextIndex::actor_keys`), in
    /// the order the index's actor lookup gives them (by time): an actor who acts often has
    /// thousands of records within the window, of which few or none are sign-ins.
    sign_ins: HashMap<u32, Vec<u32>>,
    /// The operations (as the index keeps them) that reset or change a password: when no
    /// record has one, no event has a reset hint and none is looked for.
    password_ops: std::collections::HashSet<u32>,
    /// The principals of the loaded data that look like another of them (`lookalike`).
    principals: Principals,
    /// Event ids read twice with different content (`conflict`), few or none.
    conflicts: HashMap<String, Vec<crate::scan::IdConflict>>,
}

impl Tables {
    /// Whether near miss `e` names a principal that may pass for another of the loaded
    /// data (its `lookalike` hint, [`Self::event_lookalikes`]).
    pub fn near_miss_lookalike(&self, e: &StsEvent, index: &ContextIndex) -> bool {
        !self.event_lookalikes(e, index).0.is_empty()
    }

    /// The look-alikes of one STS event (a near miss's `lookalike` hint): its principals
    /// ([`crate::lookalike::of_event`], who is who included) and what `index` knows of its
    /// target ([`crate::lookalike_targets::add_target_notes`]).
    fn event_lookalikes(
        &self,
        e: &StsEvent,
        index: &ContextIndex,
    ) -> (Vec<crate::lookalike::Lookalike>, usize) {
        let (mut principals, mut more) = crate::lookalike::of_event(e, &self.principals);
        let target = [e.parties.target_label()];
        crate::lookalike_targets::add_target_notes(
            &mut principals,
            &mut more,
            if target[0].is_empty() { &[] } else { &target },
            e.parties.targets_differ,
            |t| index.target_upn_two_ids(t),
        );
        (principals, more)
    }

    /// The hints of a row's own values ([`row_hints`]), then `lookalike`, which reads the
    /// other principals of the loaded data, and what the related-records index (`index`)
    /// knows of its targets ([`crate::lookalike_targets::add_target_notes`]).
    pub fn own_hints(&self, f: &Finding, index: &ContextIndex) -> Vec<Hint> {
        let mut out = row_hints(f, self.config);
        let (mut principals, mut more) = crate::lookalike::of_row(f, &self.principals);
        crate::lookalike_targets::add_target_notes(
            &mut principals,
            &mut more,
            &f.totals.targets(),
            f.targets_differ,
            |t| index.target_upn_two_ids(t),
        );
        if !principals.is_empty() {
            out.push(Hint::Lookalike { principals, more });
        }
        out
    }
}

impl<'a> Inputs<'a> {
    /// What was computed, shared, for [`Inputs::with_tables`] later.
    pub fn tables(&self) -> Arc<Tables> {
        self.tables.clone()
    }

    /// The inputs of `report` again from what [`Inputs::tables`] gave (the report
    /// unchanged since, else the hints are those of the report as it was).
    pub fn with_tables(report: &'a ScanReport, tables: Arc<Tables>) -> Self {
        Self {
            report,
            tables,
            related: Vec::new(),
        }
    }

    /// The context index must be prepared (`ContextIndex::prepare`; the scan does it at
    /// each file's end).
    pub fn new(report: &'a ScanReport, config: HintConfig) -> Self {
        Self {
            report,
            tables: Arc::new(TablesBuild::run(report, config)),
            related: Vec::new(),
        }
    }

    pub fn config(&self) -> HintConfig {
        self.tables.config
    }

    /// The context hints of one STS event (by index into the report's events); a near
    /// miss's `lookalike` too.
    pub fn event_hints(&self, i: usize) -> Vec<Hint> {
        let Some(e) = self.report.events.get(i) else {
            return Vec::new();
        };
        let bulk = self.tables.bulk.get(&self.report.arrival(i)).copied();
        let mut out = self.hints_of(e, bulk, |_| false);
        // A near miss has no row of its own: its principals' look-alikes are its event's.
        if !e.is_flagged() {
            let (principals, more) = self.tables.event_lookalikes(e, &self.report.context);
            if !principals.is_empty() {
                out.push(Hint::Lookalike { principals, more });
            }
        }
        out
    }

    /// The context hints of an event whose `bulk` count is known, those whose badge `have`
    /// says the caller has already left out (their lookups are most of the cost).
    fn hints_of(
        &self,
        e: &StsEvent,
        bulk: Option<usize>,
        have: impl Fn(&str) -> bool,
    ) -> Vec<Hint> {
        let index = &self.report.context;
        // `reset`, `first` and `signin` read the related records: from an index not read,
        // or read in part (a stopped load), each would be claimed or denied from what is
        // missing ("the actor's first record" of an actor whose earlier records were not
        // read), so none is made. `bulk` reads the STS events alone.
        let related = !index.coverage().unread();
        let mut out = Vec::new();
        if !have("conflict")
            && let Some(list) = self.tables.conflicts.get(&e.id)
        {
            // The pair this record is in, else the first pair of its id (a record moved to
            // its canonical copy keeps the id).
            let c = list
                .iter()
                .find(|c| c.places.contains(&e.source))
                .unwrap_or(&list[0]);
            out.push(Hint::Conflict {
                other: c.other_than(&e.source).to_string(),
                differs: c.differs_at(&e.source),
            });
        }
        if related
            && !have("reset")
            && let Some(h) = reset_hint(index, &self.tables.password_ops, e, self.tables.config)
        {
            out.push(h);
        }
        // A user acting on themselves: never an application, whatever it is named.
        if e.parties.actor_is_target() {
            out.push(Hint::SelfChange);
        }
        if let Some(users) = bulk {
            out.push(Hint::Bulk {
                users,
                minutes: self.tables.config.bulk_minutes,
            });
        }
        if let Some(t) = e.time.as_ref().map(ticks).filter(|_| related) {
            if !have("first") && is_first_record(index, e, t) {
                out.push(Hint::First);
            }
            if !have("signin")
                && let Some(h) =
                    sign_in_hint(index, &self.tables.sign_ins, e, t, self.tables.config)
            {
                out.push(h);
            }
        }
        out
    }

    /// The hints of a flagged row: those of its values, then the context hints of every
    /// event behind it (each badge once, from the first event that has it, in the order
    /// they joined the row). Every event, whether kept whole or lean
    /// ([`ScanReport::row_events`]): the workbench's Hints column, the report's and the
    /// rows copied with `y` give the same badges.
    pub fn finding_hints(&self, f: &Finding) -> Vec<Hint> {
        self.finding_hints_given(f, None)
    }

    /// The hints of flagged row `f` as they stand for its whole event `i` alone: the row's
    /// own (read from its query columns, shared by each of its events), then those `i`'s
    /// related records give, in the row's order. A row of several events holds, per badge,
    /// the first event's hint (`finding_hints`): shown under another event, a `reset` "of
    /// the same target 34 s before" read as a fact about that event's target (newbie 17 #5).
    pub fn finding_event_hints(&self, f: &Finding, i: usize) -> Vec<Hint> {
        const CONTEXT: [&str; 6] = ["conflict", "reset", "self", "bulk", "first", "signin"];
        let mut out = self.tables.own_hints(f, &self.report.context);
        let own = out.len();
        let Some(e) = self.report.events.get(i) else {
            return out;
        };
        let bulk = self.tables.bulk.get(&self.report.arrival(i)).copied();
        for h in self.hints_of(e, bulk, |_| false) {
            if !out.iter().any(|o| o.badge() == h.badge()) {
                out.push(h);
            }
        }
        out[own..].sort_by_key(|h| CONTEXT.iter().position(|b| *b == h.badge()));
        out
    }

    /// [`Inputs::finding_hints`] given `first`, the [`Inputs::event_hints`] of the row's
    /// event `first.0` (its context line's, made already): not made again.
    pub fn finding_hints_given(&self, f: &Finding, first: Option<(usize, &[Hint])>) -> Vec<Hint> {
        const CONTEXT: [&str; 6] = ["conflict", "reset", "self", "bulk", "first", "signin"];
        let mut out = self.tables.own_hints(f, &self.report.context);
        let own = out.len();
        for event in self.report.row_events(f) {
            let have = |badge: &str| out.iter().any(|o| o.badge() == badge);
            if CONTEXT.iter().all(|b| have(b)) {
                break;
            }
            let hints = match &event {
                RowEvent::Whole(i) => match first {
                    // A flagged event's hints are those `hints_of` gives; those `have` holds
                    // are dropped below as they would have been left out.
                    Some((at, given)) if at == *i && self.report.events[at].is_flagged() => {
                        given.to_vec()
                    }
                    _ => {
                        let bulk = self.tables.bulk.get(&self.report.arrival(*i)).copied();
                        self.hints_of(&self.report.events[*i], bulk, have)
                    }
                },
                // The workbench counts each lean event's own bulk, as of an event kept whole.
                RowEvent::Lean(e, _, seq) if self.report.lean_shown => {
                    self.hints_of(e, self.tables.bulk.get(seq).copied(), have)
                }
                RowEvent::Lean(e, row, _) => {
                    self.hints_of(e, self.tables.bulk_rows.get(row).copied(), have)
                }
            };
            for h in hints {
                if !out.iter().any(|o| o.badge() == h.badge()) {
                    out.push(h);
                }
            }
        }
        // In one order whatever the order of the row's events: the workbench reads them in
        // its own order (its lean scan), `report` in another, and `E` must give the same
        // bytes as `report` (`bulk self` against `self bulk` was seen at 100,000 events).
        out[own..].sort_by_key(|h| CONTEXT.iter().position(|b| *b == h.badge()));
        out
    }
}

/// Every principal text of the report: the flagged rows' targets, actors and display
/// names, the near misses' targets and actors, and the UPNs of the users acting in the
/// related-records index (every record loaded, STS or not).
fn principal_texts(report: &ScanReport) -> impl Iterator<Item = &str> {
    let rows = report.findings.iter().flat_map(|f| {
        let (targets, actors) = (f.totals.targets(), f.totals.actors());
        targets
            .into_iter()
            .chain(actors)
            .chain([f.row.account_display_name.as_str()])
    });
    let near = report
        .events
        .iter()
        .filter(|e| !e.is_flagged())
        .flat_map(|e| [e.parties.target_label(), e.parties.actor_label(), &e.actor]);
    // The users acting in the other records too (an admin who made no revocation).
    rows.chain(near).chain(report.context.acting_upns())
}

/// A role that names a user: `User`, or the UAL's usual form of Actor[-1].ID for a user,
/// `User_<object id>` (Microsoft's Office 365 Management Activity API schema).
pub(crate) fn is_user_role(role: &str) -> bool {
    role == "User" || role.starts_with("User_")
}

/// The hints of a row's own values.
pub fn row_hints(f: &Finding, config: HintConfig) -> Vec<Hint> {
    let r = &f.row;
    let mut out = Vec::new();
    if let Some(m) = r.token_minutes_added.filter(|m| *m < 0) {
        out.push(Hint::MovedBackwards { minutes: m });
    }
    if let Some(m) = r
        .token_minutes_remaining
        .filter(|m| m.abs() > config.far_minutes)
    {
        out.push(Hint::FarFromEventTime { minutes: m });
    }
    if r.is_anonymous_proxy == Some(true) {
        out.push(Hint::AnonymousProxy);
    }
    if !r.role.is_empty() && !is_user_role(&r.role) {
        out.push(Hint::NonUserActor {
            role: r.role.clone(),
        });
    }
    if f.replaced || r.cells().iter().any(|c| has_dangerous(c)) {
        out.push(Hint::ControlCharacters);
    }
    out
}

#[path = "hints_search.rs"]
mod search;
use search::{reset_hint, sign_in_hint};

#[path = "hints_words.rs"]
mod words;

#[path = "hints_bulk.rs"]
mod bulk;

#[path = "hints_tables.rs"]
mod tables;
use tables::TablesBuild;

#[path = "hints_first.rs"]
mod first;
use first::is_first_record;

#[path = "hints_pass.rs"]
mod pass;
pub use pass::RowHintsPass;

#[cfg(test)]
#[path = "hints_tests.rs"]
mod tests;
