//! Flagged events kept as a few numbers by the headless commands (`ScanReport::headless`).
//!
//! `scan` and `report` print per row totals (count, first and last time, targets, actors,
//! every event's `file:line`), so an event whose row is already found needs no `StsEvent`
//! (168 bytes, its id's text and its parties: 400-500 bytes with a per-event target id).
//! It is kept here as 64 bytes: its id (the 16 bytes of a canonical GUID), its place, time,
//! arrival number, row, and target and actor labels as numbers into shared texts. What only
//! the report's context needs of such an event (the parties, the correlation id, the
//! operation), needed when a copy of the event read later gives a row of its own, is written
//! to anonymous temporary files (`scan::spill`) and read back in that rare case.
//!
//! The report keeps a near miss the journal does not decide on the same way (it is only
//! counted and read by the `bulk` hint's windows), with no row: its reason's kind is
//! spilled, for the rare copy read later that gives a row and makes it whole again.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::DateTime;

mod chunked;
use chunked::Chunked;
mod copy_keys;
pub(crate) use copy_keys::CopyKeys;
mod labels;
mod whole;
use labels::Labels;
pub use whole::RunEvent;

use super::ids::Guid;
use super::spill::{self, Extras, RawPlace, Spill};
use crate::evidence::{EvidenceFile, RawText};
use crate::kql::KqlDateTime;
use crate::model::{ActorKind, SourceRef, StsEvent, Text};

/// An event of a scan: kept whole (an index into `ScanReport::events`) or lean (an index
/// into [`LeanEvents`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventRef {
    Whole(usize),
    Lean(usize),
}

const LEAN_BIT: u32 = 1 << 31;

impl EventRef {
    /// As 4 bytes (the id table and the rows' member lists hold millions of them).
    pub(crate) fn pack(self) -> u32 {
        match self {
            Self::Whole(i) => u32::try_from(i).unwrap_or(LEAN_BIT - 1) & !LEAN_BIT,
            Self::Lean(j) => u32::try_from(j).unwrap_or(LEAN_BIT - 1) | LEAN_BIT,
        }
    }
    pub(crate) fn unpack(r: u32) -> Self {
        if r & LEAN_BIT == 0 {
            Self::Whole(r as usize)
        } else {
            Self::Lean((r & !LEAN_BIT) as usize)
        }
    }
}

/// No time: `Lean::nanos` holds this.
const NO_TIME: u32 = u32::MAX;
/// `Lean::flags`: the raw text held a replacement character.
const REPLACED: u8 = 1;
/// `Lean::flags`: the id is not a canonical GUID; its text is in `LeanEvents::text_ids`.
const ID_TEXT: u8 = 2;
/// `Lean::flags`: the actor is an application known by its id (`ActorKind::App`).
const ACTOR_APP: u8 = 4;
/// `Lean::flags`: the actor is an application with no id (`ActorKind::NamedApp`).
const ACTOR_NAMED_APP: u8 = 8;
/// `Lean::flags`: the record's `ObjectId` and `Target` entries name different users
/// ([`crate::model::Parties::targets_differ`]).
pub(super) const TARGETS_DIFFER: u8 = 64;
/// `Lean::flags`, two bits: the export shape's rank ([`crate::model::SourceKind::rank`]),
/// which decides a copy's canonical record.
const RANK_SHIFT: u8 = 4;

/// The [`ActorKind`] a lean event's flags give.
fn actor_kind(flags: u8) -> ActorKind {
    if flags & ACTOR_APP != 0 {
        ActorKind::App
    } else if flags & ACTOR_NAMED_APP != 0 {
        ActorKind::NamedApp
    } else {
        ActorKind::User
    }
}

/// One lean event (64 bytes).
#[derive(Debug, Clone, Copy)]
struct Lean {
    id: [u8; 16],
    line: u64,
    secs: i64,
    nanos: u32,
    /// The arrival number among all distinct events of the scan.
    seq: u32,
    file: u32,
    finding: u32,
    /// [`Parties::target_label`] and [`Parties::actor_label`], as numbers into `labels`.
    target: u32,
    actor: u32,
    /// [`StsEvent::valid_from`].
    valid_from: u32,
    flags: u8,
    /// What the labels leave out of the copy rule ([`CopyKeys`]), in the layout's padding.
    principal: u16,
    operation: u8,
}

/// `Lean::finding` of a near miss (no row).
const NO_ROW: u32 = u32::MAX;

/// Whether a near miss can be kept lean: its reason is not a damaged record's.
pub(crate) fn near_miss_can_be_lean(event: &StsEvent) -> bool {
    // A DirectorySync term only in text the actor chooses keeps its field's words (the
    // report lists it with them); the spill keeps only a reason's kind.
    event
        .near_miss_reason()
        .filter(|r| {
            !matches!(
                r,
                crate::model::NearMissReason::DirectorySync {
                    client_text: true,
                    ..
                }
            )
        })
        .and_then(spill::reason_code)
        .is_some()
}

/// A file that holds raw texts (shown by name only in `Debug`).
#[derive(Clone)]
struct Evidence(Arc<EvidenceFile>);

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EvidenceFile")
    }
}

/// The lean events of a headless scan.
#[derive(Debug, Default)]
pub(crate) struct LeanEvents {
    events: Chunked<Lean>,
    labels: Labels,
    files: Vec<Arc<str>>,
    /// Ids that are not canonical lowercase GUIDs, by lean index.
    text_ids: HashMap<u32, Box<str>>,
    /// Other records of the same event, by lean index (rare).
    duplicates: HashMap<u32, Vec<SourceRef>>,
    /// Lean events made whole again (a copy read later gave a new row): index in `events`.
    promoted: HashMap<u32, usize>,
    /// The files that hold lean events' raw texts (`RawText::Stored`), by number.
    evidence: Vec<Evidence>,
    /// Where the report's context fields go (`None`: not kept, as for `scan`; or the file
    /// could not be made, and then no event is made lean). In a lock so that a lean event
    /// can be made whole for reading (`LeanEvents::whole_event`) through a shared reference.
    spill: Option<Arc<Mutex<Spill>>>,
    /// A copy of another's (see `Clone`): it makes no event lean.
    copied: bool,
    /// Keep the context fields (the report); `scan` does not read them.
    with_extras: bool,
    spill_failed: bool,
    /// The key of the [`CopyKeys`] hashes (a copy keeps it: its events compare with ours),
    /// and the last operation hashed.
    copy_hasher: std::hash::RandomState,
    last_operation: Option<(Text, u8)>,
}

impl Clone for LeanEvents {
    /// A copy that reads the same spill file (the records of its events, which the original
    /// never writes again) and makes no event lean: the events read into it later are kept
    /// whole (the headless commands never copy their report; the workbench's tests do).
    fn clone(&self) -> Self {
        Self {
            events: self.events.clone(),
            labels: self.labels.clone(),
            files: self.files.clone(),
            evidence: self.evidence.clone(),
            text_ids: self.text_ids.clone(),
            duplicates: self.duplicates.clone(),
            promoted: self.promoted.clone(),
            spill: self.spill.clone(),
            copied: true,
            with_extras: self.with_extras,
            spill_failed: self.spill_failed,
            copy_hasher: self.copy_hasher.clone(),
            last_operation: None,
        }
    }
}

/// What a lean event gives to the totals of a row.
pub(crate) struct LeanLabels<'a> {
    pub time: Option<KqlDateTime>,
    pub target: &'a str,
    pub actor: &'a str,
    /// What kind of principal the actor is (an app named like a user is not that user).
    pub actor_kind: ActorKind,
    /// The row the event gives; None for a near miss.
    pub finding: Option<usize>,
}

impl LeanEvents {
    /// Whether events can be made lean: for the report, only while the spill file works.
    pub(crate) fn accepts(&mut self, with_extras: bool) -> bool {
        if self.copied {
            return false;
        }
        if !with_extras {
            return true;
        }
        self.with_extras = true;
        if self.spill.is_none() && !self.spill_failed {
            match Spill::new() {
                Ok(s) => self.spill = Some(Arc::new(Mutex::new(s))),
                Err(_) => self.spill_failed = true,
            }
        }
        self.spill.is_some()
    }

    /// Keeps `event` (flagged, one row: `finding`; or a near miss whose reason
    /// [`near_miss_can_be_lean`], no row) as a lean event; its index.
    pub(crate) fn push(
        &mut self,
        event: &StsEvent,
        finding: Option<usize>,
        seq: u32,
        replaced: bool,
    ) -> io::Result<usize> {
        let j = self.events.len;
        let idx = u32::try_from(j).unwrap_or(u32::MAX);
        if self.with_extras {
            let p = &event.parties;
            let extras = Extras {
                kind: event.kind,
                reason: event
                    .near_miss_reason()
                    .and_then(spill::reason_code)
                    .unwrap_or(0),
                target: self.labels.id(&p.target),
                actor: self.labels.id(&p.actor),
                actor_id: self.labels.id(&p.actor_id),
                actor_kind: p.actor_kind,
                operation: self.labels.id(&event.operation),
                event_actor: self.labels.id(&event.actor),
                correlation: event.correlation,
                raw: self.raw_place(&event.raw),
                near_row: event.near_row.is_some(),
            };
            let Some(spilled) = &mut self.spill else {
                return Err(io::Error::other("no spill file"));
            };
            let pushed = spilled.lock().unwrap_or_else(PoisonError::into_inner).push(
                &extras,
                &spill::texts_of(&p.target_id, event.near_row.as_deref()),
            );
            if let Err(e) = pushed {
                self.spill = None;
                self.spill_failed = true;
                return Err(e);
            }
        }
        let mut flags = if replaced { REPLACED } else { 0 };
        flags |= match event.parties.actor_kind {
            ActorKind::User => 0,
            ActorKind::App => ACTOR_APP,
            ActorKind::NamedApp => ACTOR_NAMED_APP,
        };
        flags |= event.kind.rank() << RANK_SHIFT;
        if event.parties.targets_differ {
            flags |= TARGETS_DIFFER;
        }
        let id = match Guid::parse(&event.id) {
            Some(g) => g.bytes(),
            None => {
                flags |= ID_TEXT;
                self.text_ids.insert(idx, event.id.as_str().into());
                [0; 16]
            }
        };
        let file = match self.files.iter().position(|f| *f == event.source.file) {
            Some(i) => i,
            None => {
                self.files.push(event.source.file.clone());
                self.files.len() - 1
            }
        };
        let copy = CopyKeys::of(&self.copy_hasher, event, &mut self.last_operation);
        let (secs, nanos) = event.time.map_or((0, NO_TIME), |t| {
            (t.timestamp(), t.timestamp_subsec_nanos())
        });
        let lean = Lean {
            id,
            line: event.source.line,
            secs,
            nanos,
            seq,
            file: u32::try_from(file).unwrap_or(u32::MAX),
            finding: finding.map_or(NO_ROW, |f| u32::try_from(f).unwrap_or(NO_ROW - 1)),
            valid_from: event.valid_from,
            target: self.labels.id(event.parties.target_label()),
            actor: self.labels.id(event.parties.actor_label()),
            flags,
            principal: copy.principal,
            operation: copy.operation,
        };
        self.events.push(lean);
        Ok(j)
    }

    /// Where a stored raw text is, its evidence file numbered (None: held in memory).
    fn raw_place(&mut self, raw: &RawText) -> Option<RawPlace> {
        let RawText::Stored {
            file,
            offset,
            len,
            fingerprint,
            ..
        } = raw
        else {
            return None;
        };
        // Few files, and events of one file come together: the last one first.
        let at = match self.evidence.iter().rposition(|f| Arc::ptr_eq(&f.0, file)) {
            Some(i) => i,
            None => {
                self.evidence.push(Evidence(file.clone()));
                self.evidence.len() - 1
            }
        };
        Some(RawPlace {
            file: u32::try_from(at).ok()?,
            offset: *offset,
            len: *len,
            fingerprint: *fingerprint,
        })
    }

    /// The id of lean event `j` as the id table compares it.
    pub(crate) fn id(&self, j: usize) -> Result<Guid, &str> {
        let e = self.events.get(j);
        if e.flags & ID_TEXT == 0 {
            return Ok(Guid::from_bytes(e.id));
        }
        let idx = u32::try_from(j).unwrap_or(u32::MAX);
        Err(self.text_ids.get(&idx).map_or("", |t| &**t))
    }

    fn time_of(e: &Lean) -> Option<KqlDateTime> {
        (e.nanos != NO_TIME)
            .then(|| DateTime::from_timestamp(e.secs, e.nanos))
            .flatten()
    }

    /// What lean event `j` gives to a row's totals.
    pub(crate) fn labels(&self, j: usize) -> LeanLabels<'_> {
        let e = self.events.get(j);
        LeanLabels {
            time: Self::time_of(e),
            target: self.labels.get(e.target),
            actor: self.labels.get(e.actor),
            actor_kind: actor_kind(e.flags),
            finding: (e.finding != NO_ROW).then_some(e.finding as usize),
        }
    }

    /// The [`CopyKeys`] of lean event `j`, and of any event as they would be kept.
    pub(crate) fn copy_keys(&self, j: usize) -> CopyKeys {
        CopyKeys::new(self.events.get(j).principal, self.events.get(j).operation)
    }
    pub(crate) fn copy_keys_of(&self, e: &StsEvent) -> CopyKeys {
        CopyKeys::of(&self.copy_hasher, e, &mut None)
    }
    /// Whether the context fields are kept (the report, the workbench): [`Self::whole_event`].
    pub(crate) fn has_extras(&self) -> bool {
        self.with_extras && self.spill.is_some()
    }

    /// [`StsEvent::valid_from`] of lean event `j`.
    pub(crate) fn valid_from(&self, j: usize) -> u32 {
        self.events.get(j).valid_from
    }

    /// The index in `events` of lean event `j` made whole again, if it was.
    pub(crate) fn promoted(&self, j: usize) -> Option<usize> {
        let idx = u32::try_from(j).ok()?;
        self.promoted.get(&idx).copied()
    }

    /// Where lean event `j` was first read, with the rank of its export shape: what decides
    /// whether another record of it is its canonical copy (`scan::again`).
    pub(crate) fn canonical(&self, j: usize) -> (u8, SourceRef) {
        let e = self.events.get(j);
        let source = SourceRef {
            file: self.files[e.file as usize].clone(),
            line: e.line,
        };
        ((e.flags >> RANK_SHIFT) & 3, source)
    }

    /// The file lean event `j` was first read from.
    pub(crate) fn file_of(&self, j: usize) -> &str {
        &self.files[self.events.get(j).file as usize]
    }

    /// Lean event `j` replaced by a whole record of it (its canonical copy, read later),
    /// kept at `events[whole_index]`: found through `j` as one made whole. Its records, every
    /// one of [`Self::sources`], become the whole record's copies (the caller takes them
    /// first).
    pub(crate) fn replaced_by(&mut self, j: usize, whole_index: usize) {
        let idx = u32::try_from(j).unwrap_or(u32::MAX);
        self.duplicates.remove(&idx);
        self.promoted.insert(idx, whole_index);
    }

    /// Another record of lean event `j` (not made whole).
    pub(crate) fn add_duplicate(&mut self, j: usize, source: SourceRef) {
        let idx = u32::try_from(j).unwrap_or(u32::MAX);
        self.duplicates.entry(idx).or_default().push(source);
    }

    /// Every record of lean event `j` (not made whole): where it was first read, then its
    /// duplicates.
    pub(crate) fn sources(&self, j: usize) -> Vec<SourceRef> {
        let e = self.events.get(j);
        let first = SourceRef {
            file: self.files[e.file as usize].clone(),
            line: e.line,
        };
        let idx = u32::try_from(j).unwrap_or(u32::MAX);
        let mut out = vec![first];
        out.extend(self.duplicates.get(&idx).into_iter().flatten().cloned());
        out
    }

    /// The lean events not made whole: (index, arrival number, time).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, u32, Option<KqlDateTime>)> + '_ {
        self.events
            .iter()
            .enumerate()
            .filter(|(j, _)| {
                self.promoted.is_empty()
                    || u32::try_from(*j).is_ok_and(|k| !self.promoted.contains_key(&k))
            })
            .map(|(j, e)| (j, e.seq, Self::time_of(e)))
    }

    /// Whether lean event `j` was first read at `file:line`.
    pub(crate) fn first_source_is(&self, j: usize, file: &str, line: u64) -> bool {
        let e = self.events.get(j);
        e.line == line && &*self.files[e.file as usize] == file
    }

    /// The lean events (not made whole) that have other records.
    pub(crate) fn with_duplicates(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .duplicates
            .keys()
            .map(|&j| j as usize)
            .filter(|&j| self.promoted(j).is_none())
            .collect();
        out.sort_unstable();
        out
    }

    /// The arrival number of lean event `j`.
    pub(crate) fn seq(&self, j: usize) -> u32 {
        self.events.get(j).seq
    }

    /// How many lean events there are (made whole again or not): their indexes are
    /// `0..lean_len()`.
    pub(crate) fn len(&self) -> usize {
        self.events.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lean_event_is_64_bytes_and_its_reference_round_trips() {
        assert_eq!(std::mem::size_of::<Lean>(), 64);
        for r in [EventRef::Whole(0), EventRef::Whole(7), EventRef::Lean(0)] {
            assert_eq!(EventRef::unpack(r.pack()), r);
        }
    }
}
