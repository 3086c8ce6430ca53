//! Context beside every verdict: a compact index of every record read (STS or not) and the
//! relations of each STS event to the records around it.
//!
//! While a file is scanned, every record's time, operation, actor, target, IP address,
//! result, correlation id and place (file, byte offset in the content as read, and line) are
//! kept — never its text — in a
//! [`Collector`] that the loader fills with one call per record (or per block of JSON
//! lines) and hands on as [`Batch`]es; the scan report gathers them in a [`ContextIndex`].
//! An STS event is then related to the records that share its correlation id
//! (`InterSystemsId` / `CorrelationId` / `correlationId`), its target within
//! [`ContextOptions::target_window_secs`], or its actor within
//! [`ContextOptions::actor_window_secs`].

pub mod coverage;
mod entries;
pub mod extract;
pub mod index;
mod interner;
mod lookup;
mod on_disk;
pub mod parties;
pub mod record;
mod record_id;
pub mod relate;
mod skeleton;
pub mod stdin_copy;
pub mod summary;
mod times;
mod twins;
mod walk;

pub use coverage::Coverage;
pub use index::{ContextIndex, Entry};
pub use relate::{Related, Why};

use std::sync::Arc;

use extract::Fields;

/// How far around an STS event its relations reach (command line: `--target-hours`,
/// `--actor-minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextOptions {
    /// Records of the same target within this many seconds before or after (default 24 h:
    /// a helpdesk ticket, its password reset and the user's next sign-ins fall in one day).
    pub target_window_secs: i64,
    /// Records of the same actor within this many seconds (default 1 h: one working session).
    pub actor_window_secs: i64,
}

impl Default for ContextOptions {
    fn default() -> Self {
        Self {
            target_window_secs: 24 * 3600,
            actor_window_secs: 3600,
        }
    }
}

/// Entries read but not yet handed on; flushed every [`BATCH`] records and at a file's end.
const BATCH: usize = 4096;

/// One record's fields: those the index keeps as numbers already reduced (on the scanning
/// threads), the others as offsets into the batch's text.
#[derive(Debug, Clone, Copy)]
pub struct RawEntry {
    /// The line where the record starts (1-based).
    pub line: u64,
    /// The byte offset where the record starts in the file's content as read (decompressed;
    /// blanks before it may be included): records of a one-line JSON document share their
    /// line, never their offset.
    pub offset: u64,
    pub time: Option<i64>,
    /// [`index::correlation_hash`] of the correlation id (0: none).
    pub correlation: u64,
    /// An IPv4 address as `1 << 32 | address`; 0 when the address (if any) is text, at
    /// [`Span::Ip`].
    pub ipv4: u64,
    /// What kind of principal the actor is (its key at [`Span::Actor`]).
    pub actor_kind: crate::model::ActorKind,
    /// [`index::principal_hash`] of a user's object id (0: none).
    pub principal: u32,
    /// `text[start..end]` of each [`Span`].
    pub spans: [(u32, u32); 7],
}

/// The text fields of a [`RawEntry`], as written (the index compares actors and targets
/// with ASCII case ignored: UPNs are case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Span {
    Operation,
    Actor,
    Target,
    Ip,
    Result,
    /// An application's name ([`extract::Fields::actor_name`]).
    ActorName,
    /// The target's object id beside its UPN ([`extract::Fields::target_id`]).
    TargetId,
}

/// The records of one stretch of a file.
#[derive(Debug, Clone)]
pub struct Batch {
    pub file: Arc<str>,
    pub entries: Vec<RawEntry>,
    /// How the records from a content offset on are written, when they are not JSON
    /// objects (a CSV file's rows, a Log Analytics table's rows): in offset order.
    pub layouts: Vec<(u64, Arc<record::Layout>)>,
    /// The fields' bytes as read (UTF-8 expected; checked by the index once per value).
    pub text: Vec<u8>,
}

/// The records of a block of JSON lines, read on a scanning thread, their lines counted
/// from 0 (the block's first line) and their offsets from the block's first byte (see
/// [`Batch::shift`]).
pub fn block_batches(file: &Arc<str>, region: &[u8]) -> Vec<Batch> {
    let mut c = Collector::new(file.clone(), true);
    // About 1/20 of a block of CloudAppEvents rows is kept: sized once, not grown.
    c.batch.text.reserve(region.len() / 16);
    c.batch.entries.reserve(region.len() / 1024);
    let mut out = c.json_lines(region, 0, 0);
    out.push(c.take());
    out
}

impl Batch {
    /// Moves the entries' lines on by `lines` (a block's first line number) and their
    /// offsets by `bytes` (the block's content offset).
    pub fn shift(&mut self, lines: u64, bytes: u64) {
        for e in &mut self.entries {
            e.line += lines;
            e.offset += bytes;
        }
    }

    pub fn field(&self, e: &RawEntry, span: Span) -> &[u8] {
        let (s, end) = e.spans[span as usize];
        self.text.get(s as usize..end as usize).unwrap_or(b"")
    }
}

/// The loader's side: one per file.
#[derive(Debug)]
pub struct Collector {
    batch: Batch,
    /// Off: `--no-context`.
    pub on: bool,
    /// Where a CSV file's columns are, found once from its header.
    csv: Option<extract::CsvColumns>,
    /// The content offset of what the CSV reader counts as byte 0 (a byte order mark, a
    /// `#TYPE` line read before it; follow mode: the rows' place in the file).
    pub csv_base: u64,
    /// The CSV file's delimiter, as the loader decided it (its rows are read back with it).
    pub csv_delimiter: u8,
}

impl Collector {
    pub fn new(file: Arc<str>, on: bool) -> Self {
        Self {
            batch: Batch {
                file,
                entries: Vec::new(),
                layouts: Vec::new(),
                text: Vec::new(),
            },
            on,
            csv: None,
            csv_base: 0,
            csv_delimiter: b',',
        }
    }

    /// The records from content offset `from` on are written as `layout` says (a table's
    /// rows after its columns).
    pub fn layout(&mut self, from: u64, layout: record::Layout) {
        if self.on {
            self.batch.layouts.push((from, Arc::new(layout)));
        }
    }

    /// Keeps one CSV row's fields (the header's columns, the JSON in AuditData or
    /// RawEventData); returns a full batch to hand on.
    pub fn csv_row(
        &mut self,
        headers: &[String],
        record: &csv::ByteRecord,
        line: u64,
    ) -> Option<Batch> {
        if !self.on {
            return None;
        }
        if self.csv.is_none() {
            // Rows are read back by their first line: a cell may hold line breaks.
            let delimiter = self.csv_delimiter;
            self.layout(self.csv_base, record::Layout::Csv { delimiter });
        }
        let columns = self
            .csv
            .get_or_insert_with(|| extract::CsvColumns::new(headers));
        let fields = columns.row(headers, record);
        let offset = self.csv_base + record.position().map_or(0, csv::Position::byte);
        self.push(&fields, line, offset)
    }

    /// The rows from here on are another export's, joined after the first (`cat a.csv
    /// b.csv`): read under `headers`, its header at `line` of the file, at `offset` as the
    /// CSV reader counts (the rows after it are read back under that header).
    pub fn csv_header_at(&mut self, headers: &[String], offset: Option<u64>, line: u64) {
        if !self.on {
            return;
        }
        self.csv = Some(extract::CsvColumns::new(headers));
        let from = self.csv_base + offset.unwrap_or(0);
        let delimiter = self.csv_delimiter;
        self.layout(
            from,
            record::Layout::CsvUnder {
                header_line: line,
                delimiter,
            },
        );
    }

    /// Keeps one JSON record's fields (`offset`: where its bytes start in the content);
    /// returns a full batch to hand on.
    pub fn json_record(&mut self, bytes: &[u8], line: u64, offset: u64) -> Option<Batch> {
        if !self.on {
            return None;
        }
        let fields = extract::json_record(bytes);
        self.push(&fields, line, offset)
    }

    /// Keeps the fields of a record read otherwise (a CSV row).
    pub fn push(&mut self, f: &Fields, line: u64, offset: u64) -> Option<Batch> {
        if !self.on {
            return None;
        }
        let b = &mut self.batch;
        let mut span = |s: &[u8]| {
            let start = b.text.len();
            // Most records have no application name and no target id: no copy called.
            if !s.is_empty() {
                b.text.extend_from_slice(s);
            }
            (start as u32, b.text.len() as u32)
        };
        let ipv4 = index::ipv4(&f.ip).map_or(0, |a| 1 << 32 | u64::from(a));
        // A user known by its object id alone (an Entra record whose `initiatedBy.user` has
        // no UPN): keyed by the id, as an event's actor is looked up by its UPN and by its id
        // (README: a user by UPN or object id); its principal ties it to its UPN's records
        // (`index_actors`: one object id under several keys is one actor).
        let actor = match f.actor_kind {
            crate::model::ActorKind::User if f.actor.is_empty() => &f.actor_id,
            _ => &f.actor,
        };
        let spans = [
            span(&f.operation),
            span(actor),
            span(&f.target),
            if ipv4 == 0 { span(&f.ip) } else { (0, 0) },
            span(&f.result),
            span(&f.actor_name),
            span(&f.target_id),
        ];
        b.entries.push(RawEntry {
            line,
            offset,
            time: f.time,
            correlation: index::correlation_hash_bytes(&f.correlation),
            ipv4,
            actor_kind: f.actor_kind,
            principal: index::principal_hash(&f.actor_id),
            spans,
        });
        (b.entries.len() >= BATCH || b.text.len() > (u32::MAX as usize) / 2).then(|| self.flush())
    }

    /// Every line of a block of JSON lines; `first_line` is the block's first line number,
    /// `offset` its content offset.
    pub fn json_lines(&mut self, region: &[u8], first_line: u64, offset: u64) -> Vec<Batch> {
        let mut out = Vec::new();
        if !self.on {
            return out;
        }
        extract::json_lines(region, |i, at, fields| {
            out.extend(self.push(&fields, first_line + i, offset + at as u64));
        });
        out
    }

    /// What is left, at the end of a file.
    pub fn take(&mut self) -> Batch {
        Batch {
            file: self.batch.file.clone(),
            entries: std::mem::take(&mut self.batch.entries),
            layouts: std::mem::take(&mut self.batch.layouts),
            text: std::mem::take(&mut self.batch.text),
        }
    }

    /// A full batch; the next one sized as this one was (allocated once, not doubled
    /// step by step).
    fn flush(&mut self) -> Batch {
        let (entries, text) = (self.batch.entries.len(), self.batch.text.len());
        let batch = self.take();
        self.batch.entries.reserve(entries);
        self.batch.text.reserve(text);
        batch
    }

    pub fn is_empty(&self) -> bool {
        self.batch.entries.is_empty() && self.batch.layouts.is_empty()
    }
}
