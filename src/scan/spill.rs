//! What the report's context needs of a lean event (`scan::lean`), on anonymous temporary
//! files rather than in memory: read back only in the rare case that a copy of the event
//! read later gives a row of its own, whose first event the report's context line reads.
//!
//! Two files: fixed 64-byte records (record `j` at `j × 64`: the source kind, a near miss's
//! reason kind, the parties and the operation as numbers into the lean events' shared texts,
//! the correlation hash, where the raw text is kept), and the target object ids as text,
//! which the records point into.
//! A target's object id is kept apart because it is often different for every event (a
//! generated export's `User_<GUID>`), so sharing it as a text would keep about 100 bytes an
//! event in memory.

use std::io;

use crate::model::{ActorKind, NearMissReason, ResultRow, SourceKind};
use crate::temp_file::TempFile;

/// The context fields of a lean event, beside its target object id.
pub(super) struct Extras {
    pub kind: SourceKind,
    /// A near miss's reason, by kind ([`reason_code`]); 0 for a flagged event.
    pub reason: u8,
    pub target: u32,
    pub actor: u32,
    pub actor_id: u32,
    /// What kind of principal the actor is.
    pub actor_kind: ActorKind,
    pub operation: u32,
    pub event_actor: u32,
    pub correlation: u64,
    /// Where the raw text is kept (`RawText::Stored`): an evidence file (a number the lean
    /// events give it), the byte offset and the length. The workbench reads it back when a
    /// lean event is shown; the headless commands keep none.
    pub raw: Option<RawPlace>,
    /// The text after the target object id holds a near miss's row values
    /// ([`texts_of`]).
    pub near_row: bool,
}

/// Where a lean event's raw text is: `len` bytes at `offset` of evidence file `file`, whose
/// bytes had [`crate::evidence::fingerprint`] `fingerprint` at the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawPlace {
    pub file: u32,
    pub offset: u64,
    pub len: u32,
    pub fingerprint: u32,
}

/// `RawPlace::file` of a record without one.
const NO_RAW: u32 = u32::MAX;

const RECORD_LEN: usize = 64;

/// A record: the extras, and where the target object id is in the texts file.
fn encode(x: &Extras, text_at: u64, text_len: u32) -> [u8; RECORD_LEN] {
    let mut b = [0u8; RECORD_LEN];
    b[0] = match x.kind {
        SourceKind::CloudAppEvents => 0,
        SourceKind::UnifiedAuditLog => 1,
        SourceKind::EntraAudit => 2,
        SourceKind::QueryResult => 3,
    };
    b[1] = x.reason;
    b[2] = match x.actor_kind {
        ActorKind::User => 0,
        ActorKind::App => 1,
        ActorKind::NamedApp => 2,
    };
    b[3] = u8::from(x.near_row);
    let words = [x.target, x.actor, x.actor_id, x.operation, x.event_actor];
    for (k, w) in words.iter().enumerate() {
        b[4 + 4 * k..8 + 4 * k].copy_from_slice(&w.to_le_bytes());
    }
    b[24..32].copy_from_slice(&x.correlation.to_le_bytes());
    b[32..40].copy_from_slice(&text_at.to_le_bytes());
    b[40..44].copy_from_slice(&text_len.to_le_bytes());
    let raw = x.raw.unwrap_or(RawPlace {
        file: NO_RAW,
        offset: 0,
        len: 0,
        fingerprint: 0,
    });
    b[44..48].copy_from_slice(&raw.file.to_le_bytes());
    b[48..56].copy_from_slice(&raw.offset.to_le_bytes());
    b[56..60].copy_from_slice(&raw.len.to_le_bytes());
    b[60..64].copy_from_slice(&raw.fingerprint.to_le_bytes());
    b
}

fn decode(b: &[u8; RECORD_LEN]) -> (Extras, u64, u32) {
    let w = |k: usize| {
        let mut x = [0u8; 4];
        x.copy_from_slice(&b[4 + 4 * k..8 + 4 * k]);
        u32::from_le_bytes(x)
    };
    let d = |at: usize| {
        let mut x = [0u8; 8];
        x.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(x)
    };
    let word = |at: usize| {
        let mut x = [0u8; 4];
        x.copy_from_slice(&b[at..at + 4]);
        u32::from_le_bytes(x)
    };
    let raw = (word(44) != NO_RAW).then(|| RawPlace {
        file: word(44),
        offset: d(48),
        len: word(56),
        fingerprint: word(60),
    });
    let extras = Extras {
        kind: match b[0] {
            0 => SourceKind::CloudAppEvents,
            1 => SourceKind::UnifiedAuditLog,
            2 => SourceKind::EntraAudit,
            _ => SourceKind::QueryResult,
        },
        reason: b[1],
        actor_kind: match b[2] {
            1 => ActorKind::App,
            2 => ActorKind::NamedApp,
            _ => ActorKind::User,
        },
        target: w(0),
        actor: w(1),
        actor_id: w(2),
        operation: w(3),
        event_actor: w(4),
        correlation: d(24),
        raw,
        near_row: b[3] != 0,
    };
    (extras, d(32), word(40))
}

/// A lean event's text in the texts file: its target object id, then, of a near miss with
/// a row (`StsEvent::near_row`), the row's five values and their lengths in bytes
/// (`<id><v1>…<v5>\0<l1>,…,<l5>`: read from the end, so no value's own text moves the
/// boundary between two). The copy rule compares them with a later record of the id.
pub(super) fn texts_of(target_id: &str, near_row: Option<&ResultRow>) -> String {
    let Some(row) = near_row else {
        return target_id.to_owned();
    };
    let values = near_row_values(row);
    let mut out = target_id.to_owned();
    values.iter().for_each(|v| out.push_str(v));
    out.push('\0');
    let lengths: Vec<String> = values.iter().map(|v| v.len().to_string()).collect();
    out.push_str(&lengths.join(","));
    out
}

fn near_row_values(row: &ResultRow) -> [String; 5] {
    [
        row.account_object_id.clone(),
        row.account_display_name.clone(),
        row.ip_address.clone(),
        row.is_anonymous_proxy
            .map(|b| b.to_string())
            .unwrap_or_default(),
        row.isp.clone(),
    ]
}

/// [`texts_of`] read back: the target object id and the near miss's row, if `near_row`
/// says one was written (else, or should the text not parse, the text whole and none).
pub(super) fn split_texts(text: String, near_row: bool) -> (String, Option<Box<ResultRow>>) {
    if !near_row {
        return (text, None);
    }
    let parsed = (|| {
        let (body, lengths) = text.rsplit_once('\0')?;
        let lengths: Vec<usize> = lengths
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let total: usize = lengths.iter().sum();
        let mut at = body.len().checked_sub(total)?;
        let target = body.get(..at)?.to_owned();
        let mut values = Vec::with_capacity(lengths.len());
        for len in lengths {
            values.push(body.get(at..at + len)?.to_owned());
            at += len;
        }
        let [
            account_object_id,
            account_display_name,
            ip_address,
            proxy,
            isp,
        ]: [String; 5] = values.try_into().ok()?;
        let row = ResultRow {
            account_object_id,
            account_display_name,
            ip_address,
            is_anonymous_proxy: proxy.parse().ok(),
            isp,
            ..ResultRow::default()
        };
        Some((target, Some(Box::new(row))))
    })();
    parsed.unwrap_or((text, None))
}

/// The kind of a near miss's reason that a lean near miss can have (1-5: never a damaged
/// record's, which a later whole copy may replace, so such a near miss is kept whole).
pub(super) fn reason_code(r: &NearMissReason) -> Option<u8> {
    Some(match r {
        NearMissReason::OperationSpelledDifferently { .. } => 1,
        NearMissReason::DirectorySync { .. } => 2,
        NearMissReason::NoModifiedProperties { .. } => 3,
        NearMissReason::PropertyNotAtIndex0 { .. } => 4,
        NearMissReason::PropertyNameSpelledDifferently { .. } => 5,
        NearMissReason::UnparseableValues { .. }
        | NearMissReason::RecordCut { .. }
        | NearMissReason::AuditDataUnusable { .. } => return None,
    })
}

/// The reason of a lean near miss made whole again: its kind, without the values it quoted
/// (not kept: the report prints no near miss its journal has no decision on, and only those
/// are lean).
pub(super) fn reason_of_code(code: u8) -> NearMissReason {
    match code {
        1 => NearMissReason::OperationSpelledDifferently {
            operation: String::new(),
        },
        2 => NearMissReason::DirectorySync {
            path: String::new(),
            client_text: false,
        },
        3 => NearMissReason::NoModifiedProperties {
            field: String::new(),
        },
        4 => NearMissReason::PropertyNotAtIndex0 {
            found_at: None,
            at_index_0: String::new(),
        },
        _ => NearMissReason::PropertyNameSpelledDifferently {
            name: String::new(),
        },
    }
}

/// The two anonymous temporary files (deleted by the system when closed).
#[derive(Debug)]
pub(super) struct Spill {
    records: TempFile,
    texts: TempFile,
}

impl Spill {
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            records: TempFile::new()?,
            texts: TempFile::new()?,
        })
    }

    /// Writes the next record (the lean events' next index) and its target object id.
    pub fn push(&mut self, x: &Extras, target_id: &str) -> io::Result<()> {
        let len = u32::try_from(target_id.len()).map_err(io::Error::other)?;
        let at = self.texts.append(target_id.as_bytes())?;
        self.records.append(&encode(x, at, len))?;
        Ok(())
    }

    /// Record `j` and its target object id, without flushing first (the hints read every
    /// lean event of a row through a shared report): what is still in a buffer is read from
    /// there.
    pub fn read_shared(&self, j: usize) -> io::Result<(Extras, String)> {
        let mut b = [0u8; RECORD_LEN];
        self.records.read_at((j * RECORD_LEN) as u64, &mut b)?;
        let (x, at, len) = decode(&b);
        let mut text = vec![0u8; len as usize];
        self.texts.read_at(at, &mut text)?;
        let text = String::from_utf8(text).map_err(io::Error::other)?;
        Ok((x, text))
    }

    /// Records `from..from + count` (those written) and their target object ids, with one
    /// read of each file: the workbench's hint pass reads every lean event in order, and a
    /// positioned read per event cost more than the hints themselves (2,000,000 events).
    pub fn read_run(&self, from: usize, count: usize) -> io::Result<Vec<(Extras, String)>> {
        let written = usize::try_from(self.records.len() / RECORD_LEN as u64).unwrap_or(0);
        let end = from.saturating_add(count).min(written);
        if from >= end {
            return Ok(Vec::new());
        }
        let mut bytes = vec![0u8; (end - from) * RECORD_LEN];
        self.records
            .read_at((from * RECORD_LEN) as u64, &mut bytes)?;
        let records: Vec<(Extras, u64, u32)> = bytes
            .chunks_exact(RECORD_LEN)
            .map(|c| {
                let mut b = [0u8; RECORD_LEN];
                b.copy_from_slice(c);
                decode(&b)
            })
            .collect();
        // The ids were written in the records' order: one span holds them all.
        let lo = records.iter().map(|r| r.1).min().unwrap_or(0);
        let hi = records
            .iter()
            .map(|r| r.1 + u64::from(r.2))
            .max()
            .unwrap_or(0);
        let mut texts = vec![0u8; usize::try_from(hi - lo).map_err(io::Error::other)?];
        self.texts.read_at(lo, &mut texts)?;
        records
            .into_iter()
            .map(|(x, at, len)| {
                let start = usize::try_from(at - lo).map_err(io::Error::other)?;
                let text = texts
                    .get(start..start + len as usize)
                    .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
                let text = String::from_utf8(text.to_vec()).map_err(io::Error::other)?;
                Ok((x, text))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_target_ids_round_trip() {
        let mut spill = Spill::new().unwrap();
        let ids = ["User_2f0c1a4e-0000-4000-8000-000000000001", "", "bbbb"];
        for (k, id) in ids.iter().enumerate() {
            let x = Extras {
                kind: SourceKind::EntraAudit,
                reason: 4,
                target: 1,
                actor: 3,
                actor_id: u32::MAX,
                actor_kind: ActorKind::App,
                operation: 5,
                event_actor: u32::try_from(k).unwrap(),
                correlation: 0xdead_beef_0123_4567,
                raw: (k == 1).then_some(RawPlace {
                    file: 2,
                    offset: 1 << 40,
                    len: 77,
                    fingerprint: 0xfeed_f00d,
                }),
                near_row: false,
            };
            spill.push(&x, id).unwrap();
        }
        // Read while still buffered, then from the file.
        for (k, id) in ids.iter().enumerate() {
            let (y, text) = spill.read_shared(k).unwrap();
            assert_eq!(text, *id);
            assert_eq!(y.event_actor, u32::try_from(k).unwrap());
        }
        for (k, id) in ids.iter().enumerate().rev() {
            let (y, text) = spill.read_shared(k).unwrap();
            assert_eq!(text, *id);
            assert_eq!(y.kind, SourceKind::EntraAudit);
            assert_eq!(y.reason, 4);
            assert_eq!(
                [y.target, y.actor, y.actor_id, y.operation, y.event_actor],
                [1, 3, u32::MAX, 5, u32::try_from(k).unwrap()]
            );
            assert_eq!(y.correlation, 0xdead_beef_0123_4567);
            let raw = (k == 1).then_some(RawPlace {
                file: 2,
                offset: 1 << 40,
                len: 77,
                fingerprint: 0xfeed_f00d,
            });
            assert_eq!(y.raw, raw);
        }
        // In one run, as one at a time.
        let run = spill.read_run(0, 10).unwrap();
        assert_eq!(run.len(), ids.len());
        for (k, (y, text)) in run.iter().enumerate() {
            assert_eq!(text, ids[k]);
            assert_eq!(y.event_actor, u32::try_from(k).unwrap());
        }
        let run = spill.read_run(1, 2).unwrap();
        assert_eq!(
            run.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
            ids[1..].to_vec()
        );
        assert!(spill.read_run(3, 5).unwrap().is_empty());
        assert_eq!(reason_of_code(4).code(), "property_not_at_index_0");
        for code in 1..=5 {
            assert_eq!(reason_code(&reason_of_code(code)), Some(code));
        }
    }

    #[test]
    fn a_near_miss_row_written_with_its_target_id_reads_back_whole() {
        let row = ResultRow {
            account_object_id: "7cf4093d".into(),
            account_display_name: "Eve,\u{0}1,2".into(),
            ip_address: "192.0.2.99".into(),
            is_anonymous_proxy: Some(false),
            isp: "Evil Hosting\u{0}5".into(),
            ..ResultRow::default()
        };
        let text = texts_of("User_1\u{0}2,3", Some(&row));
        let (target, back) = split_texts(text, true);
        assert_eq!(target, "User_1\u{0}2,3");
        assert_eq!(back.as_deref(), Some(&row));
        assert_eq!(split_texts("User_1".into(), false), ("User_1".into(), None));
    }
}
