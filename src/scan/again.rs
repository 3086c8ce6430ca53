//! The same event read again (same id, or under another export's id: `scan::twins`): in
//! another export, twice in one file, or as the UAL record beside its CloudAppEvents row. It
//! is counted once and stands behind exactly one row, its canonical record's (the lowest
//! `SourceKind::rank`, then file name, then line, whatever the order read); its other
//! records are listed as its copies, and the rows they would give are folded (no rows).
//!
//! A record is a copy only when everything the analyst relies on is the event's too: the
//! same time (to the second), the same StsRefreshTokensValidFrom old and new values (when
//! the rule read them in both: not where it stopped before them, `StsEvent::valid_from`),
//! the same IP when both have one, and the same actor, target and operation: the rule the
//! context index finds one record seen in several exports by (`context::twins`, the rule of
//! [`crate::model::copies`]). Display fields are not compared (a UAL record and its
//! CloudAppEvents row name the actor differently), except between two records of one
//! source kind, which give the query's values alike: other values (another ISP,
//! IsAnonymousProxy or display name) are another record ([`copies::rows_agree`]), of a
//! flagged record's row as of the same columns of a near miss's record
//! ([`StsEvent::near_row`]: breaker 17 #7, a second near miss of one id from another IP and
//! ISP was folded into the first as its copy, the other IP shown nowhere).
//! A record of a known id with other
//! content (a forged record reusing an admin's event id for another actor and target) is
//! another event, kept as one and reported (`same id, different content`), whichever
//! comes first.

use super::lean::EventRef;
use super::rows::{Distinct, Member};
use super::{ScanReport, is_damaged, row_has_replacement};
use crate::model::copies::{self, principal, principals_agree, same_operation, same_parties};
use crate::model::{ActorKind, EventParties, Outcome, Problem, ResultRow, SourceRef, StsEvent};

/// The record of an event that gives its row, as a copy read later is compared with it.
struct Canonical {
    rank: u8,
    place: SourceRef,
    flagged: bool,
    /// The findings its rows are.
    rows: Vec<usize>,
}

/// The query's values of an event's record: its rows, a near miss's
/// [`StsEvent::near_row`] (none where it has none).
fn rows_of(e: &StsEvent) -> &[ResultRow] {
    e.rows_or_near_row()
}

/// A flagged copy as [`ScanReport::copy_rows`] keeps it: its place, and the second and the
/// StsRefreshTokensValidFrom hash every record of its event shares (the copy rule compares
/// them), so that the copies of two events at one `file:line` (every record of a legacy
/// one-line JSON document is on line 1) are kept apart. Made the same from the copy, from
/// the canonical record and from the event after a move, whatever the order read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct CopyKey {
    pub(super) place: SourceRef,
    secs: Option<i64>,
    valid_from: u32,
}

impl CopyKey {
    /// The key of the copy at `place` of the event `e` (any record of it).
    pub(super) fn of(place: &SourceRef, e: &StsEvent) -> Self {
        Self {
            place: place.clone(),
            secs: e.time.map(|t| t.timestamp()),
            valid_from: e.valid_from,
        }
    }
}

/// The IP of an event's first row, or of a near miss's record (empty where none).
fn row_ip(e: &StsEvent) -> &str {
    rows_of(e).first().map_or("", |r| r.ip_address.as_str())
}

/// The labels part of the copy rule ([`crate::model::copies`]) where the known event keeps
/// its parties as shown (`scan` keeps no more of a flagged event): the actor's kind and
/// key (an application's id from its `name (id)`), the target as shown.
fn labels_agree(known: &EventParties, new: &EventParties) -> bool {
    let key = |label: &str| {
        match known.actor_kind {
            ActorKind::App => label
                .strip_suffix(')')
                .and_then(|l| l.rsplit_once('('))
                .map_or(label, |(_, id)| id),
            ActorKind::User | ActorKind::NamedApp => label,
        }
        .to_owned()
    };
    known.actor_kind == new.actor_kind
        && key(known.actor_label()).eq_ignore_ascii_case(&key(new.actor_label()))
        && known
            .target_label()
            .eq_ignore_ascii_case(new.target_label())
}

impl ScanReport {
    /// Whether `new` is a copy of the event `known` (same id): see the module. A damaged
    /// record's content is not known: it is taken for a copy (a whole copy then replaces a
    /// damaged near miss, [`Self::same_event_again`]).
    pub(super) fn same_content(&self, known: EventRef, new: &StsEvent) -> bool {
        if is_damaged(new) {
            return true;
        }
        let whole = match known {
            EventRef::Whole(i) => Some(i),
            EventRef::Lean(j) => self.lean.promoted(j),
        };
        let (time, valid_from, ip) = match (whole, known) {
            (Some(i), _) => {
                let e = &self.events[i];
                if is_damaged(e) {
                    return true;
                }
                // `scan` keeps a flagged event's parties as labels (and the actor's id).
                let alike = if self.labels_only && e.is_flagged() {
                    labels_agree(&e.parties, &new.parties)
                        && same_operation(&e.operation, &new.operation)
                        && principals_agree(principal(&e.parties), principal(&new.parties))
                } else {
                    same_parties(&e.parties, &e.operation, &new.parties, &new.operation)
                };
                if !alike || !copies::rows_agree(e.kind, rows_of(e), new.kind, rows_of(new)) {
                    return false;
                }
                (e.time, e.valid_from, row_ip(e))
            }
            (None, EventRef::Lean(j)) => {
                if !self.lean_same_parties(j, new) {
                    return false;
                }
                let l = self.lean.labels(j);
                // A lean near miss's values are on the spill file: read back only for a
                // record of its id alike in all the rest.
                let near_row = match l.finding {
                    None if self.lean.has_extras() => {
                        self.lean.whole_event(j, None).ok().and_then(|e| e.near_row)
                    }
                    _ => None,
                };
                let row = l
                    .finding
                    .map(|f| &self.findings[f].row)
                    .or(near_row.as_deref());
                let rank = self.lean.canonical(j).0;
                if rank == new.kind.rank()
                    && !copies::rows_agree(
                        new.kind,
                        row.map(std::slice::from_ref).unwrap_or_default(),
                        new.kind,
                        rows_of(new),
                    )
                {
                    return false;
                }
                let (ip, new_ip) = (row.map_or("", |r| r.ip_address.as_str()), row_ip(new));
                if !ip.is_empty() && !new_ip.is_empty() && ip != new_ip {
                    return false;
                }
                // The IP is compared: none left for the comparison below.
                (l.time, self.lean.valid_from(j), "")
            }
            (None, EventRef::Whole(_)) => return true,
        };
        let new_ip = row_ip(new);
        time.map(|t| t.timestamp()) == new.time.map(|t| t.timestamp())
            && (valid_from == new.valid_from || valid_from == 0 || new.valid_from == 0)
            && (ip.is_empty() || new_ip.is_empty() || ip == new_ip)
    }

    /// The parties part of the copy rule for lean event `j`: its labels and its
    /// [`CopyKeys`](super::lean::CopyKeys) first (all `scan` keeps), then, where its fields
    /// were kept (the report, the workbench), the fields themselves.
    fn lean_same_parties(&self, j: usize, new: &StsEvent) -> bool {
        let l = self.lean.labels(j);
        let p = &new.parties;
        let labels = EventParties {
            target: l.target.into(),
            actor: l.actor.into(),
            actor_kind: l.actor_kind,
            ..EventParties::default()
        };
        let alike =
            labels_agree(&labels, p) && self.lean.copy_keys(j).agree(self.lean.copy_keys_of(new));
        if !alike || !self.lean.has_extras() {
            return alike;
        }
        // Read back only for a record alike in all the rest (an export read twice); should
        // the spill file fail, what `scan` compares stands.
        match self.lean.whole_event(j, None) {
            Ok(known) => same_parties(&known.parties, &known.operation, p, &new.operation),
            Err(_) => true,
        }
    }

    /// `new` has the id of events already read but none's content: when it and one of
    /// them are near misses, each gets a journal key of its own content
    /// ([`StsEvent::shares_id`]), so that a decision on one never applies to the other.
    /// (A flagged event is decided by its row's values, never by its id.) Lean near misses
    /// are those a report's journal does not name: their key is never looked up.
    pub(super) fn near_misses_share_id(&mut self, new: &mut StsEvent) {
        if new.is_flagged() {
            return;
        }
        let events = super::ids::Events {
            whole: &self.events,
            lean: &self.lean,
        };
        let others = self.event_index.all(&events, &new.id);
        for r in others {
            let i = match r {
                EventRef::Whole(i) => Some(i),
                EventRef::Lean(j) => self.lean.promoted(j),
            };
            match i {
                Some(i) if !self.events[i].is_flagged() => {
                    let known = &mut self.events[i];
                    let before = known.key();
                    known.shares_id = true;
                    new.shares_id = true;
                    // Told apart only by what journals' content keys left out before.
                    if known.legacy_fingerprint() == new.legacy_fingerprint() {
                        known.shares_legacy_key = true;
                        new.shares_legacy_key = true;
                    }
                    // Told apart only by their IP or ISP (`near_row`), which the content
                    // key leaves out: each is keyed with them too.
                    if known.content_fingerprint() == new.content_fingerprint() {
                        known.shares_content_key = true;
                        new.shares_content_key = true;
                    }
                    if known.key() != before {
                        // Its key changed: the workbench makes its row again.
                        self.rewritten.push(i);
                    }
                }
                Some(_) => {}
                // A lean near miss's id is not in the report's journal, nor then `new`'s.
                None => {}
            }
        }
    }

    /// `new` has the id of `known` but not its content: it is kept as an event of its own
    /// (the caller does so), and the two places are reported.
    pub(super) fn different_content(&mut self, known: EventRef, new: &StsEvent) {
        let first = match known {
            EventRef::Whole(i) => self.events[i].source.clone(),
            EventRef::Lean(j) => match self.lean.promoted(j) {
                Some(i) => self.events[i].source.clone(),
                None => self.lean.sources(j)[0].clone(),
            },
        };
        let known_event = match known {
            EventRef::Whole(i) => Some(std::borrow::Cow::Borrowed(&self.events[i])),
            EventRef::Lean(j) => match self.lean.promoted(j) {
                Some(i) => Some(std::borrow::Cow::Borrowed(&self.events[i])),
                // Rare (a forged record): read back to say what differs, with its row's
                // values when it is flagged (else it would read as a near miss).
                None => {
                    let row = self
                        .lean
                        .labels(j)
                        .finding
                        .map(|at| self.finding_rows[at].clone());
                    self.lean
                        .whole_event(j, row)
                        .ok()
                        .map(std::borrow::Cow::Owned)
                }
            },
        };
        let (differs, values) = known_event.map_or_else(
            || (vec!["other content"], Vec::new()),
            |k| super::conflict::differing(&k, new),
        );
        // Only the fields that do differ, as the why panel says: a list of every field that
        // could differ left the analyst to compare the two records by hand.
        let what = if differs == ["other content"] {
            "content (the first record could not be read back to say which fields)".to_owned()
        } else {
            differs.join(", ")
        };
        self.problems.push(Problem {
            file: new.source.file.clone(),
            line: Some(new.source.line),
            message: format!(
                "same id, different content: event id {:?} here and at {first} differ in {what}; \
                 kept as two events",
                new.id
            ),
        });
        self.id_conflicts.push(super::IdConflict {
            id: new.id.clone(),
            places: [first.clone(), new.source.clone()],
            differs,
            values,
        });
    }

    /// Another record of an event already read. It is counted once, its `file:line` listed
    /// among the event's records, and the event stays behind exactly one row: the row of its
    /// canonical record (the lowest [`SourceKind::rank`], then file name, then line; see
    /// the README's *One event, one row*), whatever order the records come in. A copy that
    /// is not the canonical record gives no row of its own (its row, where another, is
    /// counted as folded: [`ScanReport::folded_records`]); one that is takes the event's
    /// place: the event moves to its row ([`Self::move_event`]). A whole copy replaces a
    /// damaged near miss's content. Only where a damaged copy came first and this one is
    /// flagged is it kept as an event of its own (`Err`), so that its row is not lost.
    ///
    /// [`SourceKind::rank`]: crate::model::SourceKind::rank
    pub(super) fn same_event_again(
        &mut self,
        first: EventRef,
        event: Box<StsEvent>,
    ) -> Result<Option<usize>, Box<StsEvent>> {
        let (whole, lean) = match first {
            EventRef::Whole(i) => (Some(i), None),
            EventRef::Lean(j) => (self.lean.promoted(j), Some(j)),
        };
        if let Some(first) = whole {
            let damaged_first = is_damaged(&self.events[first]);
            if damaged_first && event.is_flagged() {
                return Err(event);
            }
            if damaged_first && !is_damaged(&event) {
                self.duplicate_records += 1;
                let known = &mut self.events[first];
                let mut whole = *event;
                let mut sources = known.duplicates.take().unwrap_or_default();
                sources.insert(0, known.source.clone());
                whole.duplicates = Some(sources);
                self.texts.intern(&mut whole.operation);
                self.texts.intern(&mut whole.actor);
                whole.parties = self.share_parties(&whole.parties);
                let r = lean.map_or(EventRef::Whole(first), EventRef::Lean);
                let before = self.twin_hash_at(r);
                self.events[first] = whole;
                self.refile_twin(r, before);
                self.rewritten.push(first);
                return Ok(None);
            }
        }
        self.duplicate_records += 1;
        let canonical = self.canonical_of(whole, lean);
        let better = !is_damaged(&event)
            && event.is_flagged() == canonical.flagged
            && (event.kind.rank(), &*event.source.file, event.source.line)
                < (canonical.rank, &*canonical.place.file, canonical.place.line);
        if better {
            return Ok(self.move_event(whole, lean, *event, &canonical.rows));
        }
        if !canonical.flagged && event.is_flagged() {
            return Ok(self.near_miss_flagged_copy(whole, lean, &event));
        }
        self.note_copy(&event, &canonical.rows);
        match (whole, lean) {
            (Some(i), _) => self.events[i]
                .duplicates
                .get_or_insert_default()
                .push(event.source.clone()),
            (None, Some(j)) => self.lean.add_duplicate(j, event.source.clone()),
            (None, None) => {}
        }
        Ok(None)
    }

    /// A flagged copy of an event first read as a near miss (the query judged the two
    /// records apart): a flagged result is never hidden under a near miss, so its rows are
    /// kept and joined by the event (made whole first when it is lean), as before the one
    /// event, one row rule; its place joins the event's records.
    fn near_miss_flagged_copy(
        &mut self,
        whole: Option<usize>,
        lean: Option<usize>,
        event: &StsEvent,
    ) -> Option<usize> {
        let i = match (whole, lean) {
            (Some(i), _) => i,
            (None, Some(j)) => match self.make_whole(j) {
                Some(i) => i,
                None => {
                    self.lean.add_duplicate(j, event.source.clone());
                    return None;
                }
            },
            (None, None) => return None,
        };
        self.events[i]
            .duplicates
            .get_or_insert_default()
            .push(event.source.clone());
        let Outcome::Flagged(rows) = &event.outcome else {
            return None;
        };
        let mut touched = None;
        for row in rows {
            let listed = self
                .finding_index
                .get(&self.findings, row)
                .is_some_and(|f| self.findings[f].events.contains(&i));
            if !listed {
                touched = Some(self.add_row(row, Some(i), None));
            }
        }
        touched
    }

    /// The canonical record of an event (kept whole: `whole`; or lean `lean`, not made whole).
    fn canonical_of(&self, whole: Option<usize>, lean: Option<usize>) -> Canonical {
        match (whole, lean) {
            (Some(i), _) => {
                let e = &self.events[i];
                let rows = match &e.outcome {
                    Outcome::Flagged(rows) => rows
                        .iter()
                        .filter_map(|r| self.finding_index.get(&self.findings, r))
                        .collect(),
                    Outcome::NearMiss(_) => Vec::new(),
                };
                Canonical {
                    rank: e.kind.rank(),
                    place: e.source.clone(),
                    flagged: e.is_flagged(),
                    rows,
                }
            }
            (None, Some(j)) => {
                let (rank, place) = self.lean.canonical(j);
                let finding = self.lean.labels(j).finding;
                Canonical {
                    rank,
                    place,
                    flagged: finding.is_some(),
                    rows: finding.into_iter().collect(),
                }
            }
            (None, None) => Canonical {
                rank: u8::MAX,
                place: SourceRef {
                    file: "".into(),
                    line: 0,
                },
                flagged: false,
                rows: Vec::new(),
            },
        }
    }

    /// A flagged copy `copy`: its first row (made a folded finding when no event gives
    /// it) is kept for it ([`ScanReport::copy_rows`]), and counted as folded when it is
    /// not among `canonical` (the findings of its event).
    fn note_copy(&mut self, copy: &StsEvent, canonical: &[usize]) {
        let source = &copy.source;
        let Outcome::Flagged(rows) = &copy.outcome else {
            return;
        };
        let Some(row) = rows.first() else {
            return;
        };
        let at = match self.finding_index.get(&self.findings, row) {
            Some(at) => at,
            None => self.add_row(row, None, None),
        };
        let folded = !canonical.contains(&at);
        if folded {
            self.fold(&source.file, true);
        }
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        self.copy_rows
            .insert(CopyKey::of(source, copy), (at, folded));
    }

    /// Lean event `j` made whole, at the end of `events` (its rows keep listing it lean).
    /// None when its context fields cannot be read back (the spill file failed): it is then
    /// counted in no new row, which is said as a problem.
    pub(super) fn make_whole(&mut self, j: usize) -> Option<usize> {
        let i = self.events.len();
        let row = self
            .lean
            .labels(j)
            .finding
            .map(|at| self.finding_rows[at].clone());
        match self.lean.make_whole(j, row, i) {
            Ok(mut event) => {
                event.parties = self.share_parties(&event.parties);
                self.events.push(event);
                self.whole_seq.push(self.lean.seq(j));
                Some(i)
            }
            Err(e) => {
                let sources = self.lean.sources(j);
                self.problems.push(Problem {
                    file: sources[0].file.clone(),
                    line: Some(sources[0].line),
                    message: format!(
                        "a copy of this event gives another row, which is not reported: its context could not be read back ({e})"
                    ),
                });
                None
            }
        }
    }

    /// `distinct`: equal rows collapse into one finding that lists every event behind it.
    pub(super) fn add_row(
        &mut self,
        row: &ResultRow,
        event: Option<usize>,
        imported_from: Option<crate::model::SourceRef>,
    ) -> usize {
        let replaced =
            event.is_some_and(|e| self.events[e].raw.has_replacement()) || row_has_replacement(row);
        let member = event.map(|e| Member::whole(e, &self.events[e]));
        Distinct {
            findings: &mut self.findings,
            index: &mut self.finding_index,
            rows: &mut self.finding_rows,
            headless: self.headless,
        }
        .merge(row, member, imported_from, replaced)
    }
}
