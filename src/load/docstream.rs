//! JSON documents, streamed: arrays of records, envelopes (`{"value":[…]}`,
//! `{"records":[…]}`, `{"results":[…]}`, `{"Results":[…]}`), single objects and objects one
//! after another (pretty-printed records), and the tables of a Log Analytics query response
//! (`{"tables":[{"name","columns","rows"}]}`, each row handed to `tables` with its columns). A small state machine finds where each record
//! starts and ends as the bytes arrive, so memory holds one record at a time, not the
//! document; each record is then parsed and classified like a JSON line.

use super::json::Ctx;
use super::tables::{self, Slot, Table};

const ENVELOPE_KEYS: [&[u8]; 4] = [b"value", b"records", b"results", b"Results"];
/// The envelope keys of pages saved together in one array: Graph's `value` (a paging loop's
/// responses collected in a list) and diagnostic settings' `records` (blobs merged). The
/// `results` of the hunting APIs are not paged, so an array element holding `results` stays
/// a record.
const PAGE_KEYS: [&[u8]; 2] = [b"value", b"records"];
const CHUNK: usize = 1 << 20;
/// How many levels of frames are kept as such; deeper ones are counted.
const KEPT_FRAMES: usize = 8;

/// What the container at one nesting level is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// A top-level array: its elements are records.
    RecordArray,
    /// The array under an envelope key: its elements are records.
    EnvelopeArray,
    /// A top-level object that turned out to be an envelope: not a record itself.
    Envelope,
    /// Any other object or array (inside a record, or the top-level record itself).
    Plain,
    /// The array under a top-level `tables` key: its elements are tables.
    Tables,
    /// One table object (`name`, `columns`, `rows`): not a record itself.
    Table,
    /// The `rows` array of a table: its elements are rows.
    Rows,
}

/// What the open record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// A record, classified as one.
    Record,
    /// The `columns` array of a table.
    Columns,
    /// A row of a table.
    Row,
    /// The `error` object beside the tables.
    Error,
    /// A JSON string at the top level (a record written as a JSON string, one a line in a
    /// double-encoded log): read as the text it holds (`Ctx::text_line`).
    Text,
}

/// The record separator that starts each text of a JSON text sequence (RFC 7464).
const RS: u8 = 0x1e;

/// The scanning state, kept across chunks.
struct Splitter {
    /// Bytes not yet consumed: from the start of the record being collected, or from the
    /// scanning position when no record is open.
    buf: Vec<u8>,
    /// Where scanning continues in `buf`.
    pos: usize,
    /// The content offset of `buf[0]`, and the bytes a too-large record had dropped from
    /// the middle of `buf`: the positions from `.0` on are `.1` bytes further in the content.
    base: u64,
    gap: Option<(usize, u64)>,
    /// Line number at `buf[0]`, and at `pos`.
    line_at_pos: u64,
    stack: Vec<Frame>,
    /// Levels below the frames kept in `stack`: past [`KEPT_FRAMES`] every frame is `Plain`
    /// (inside a record), so deeper levels are only counted, and memory does not grow with
    /// the nesting (a stream of `[` that never ends).
    deeper: usize,
    in_string: bool,
    escaped: bool,
    /// The open record: where it starts in `buf`, its line, its depth (stack length at its
    /// start), and whether it is too large to keep.
    record: Option<(usize, u64, usize, bool)>,
    /// The bytes dropped from the open record too large to keep held the STS operation's
    /// name (breaker 14 #5: its warning says so).
    dropped_sts: bool,
    /// In a top-level object (tentative record): the last string at its first level, and
    /// whether a `:` followed it (the next value belongs to that key).
    key: Option<(usize, usize)>,
    after_envelope_key: bool,
    /// A top-level `"tables":` key was just read (its array holds tables).
    after_tables_key: bool,
    /// The bytes of a UTF-8 byte order mark read so far between documents (files joined
    /// with `cat`, each written with its BOM).
    bom_bytes: usize,
    /// In a table object, or beside the tables: what the value after the last key is.
    slot: Option<Slot>,
    /// The table being read, and what the open record is.
    table: Table,
    held: Held,
    /// Skipping to the next line that starts with `{` or `[` after a structural error, and
    /// whether only blanks were seen since the last newline.
    resyncing: bool,
    line_start: bool,
    /// A record separator (0x1E) was seen between values: the content is a JSON text
    /// sequence (RFC 7464, `application/json-seq`), where one inside a value marks that
    /// value as cut off (the RFC's truncated text) and the next one starts a new text.
    seq: bool,
    /// The line where the current top-level value began.
    top_line: u64,
}

impl Splitter {
    fn new() -> Self {
        Self::with_capacity(CHUNK * 2)
    }

    fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            pos: 0,
            base: 0,
            gap: None,
            line_at_pos: 1,
            stack: Vec::new(),
            deeper: 0,
            in_string: false,
            escaped: false,
            record: None,
            dropped_sts: false,
            key: None,
            after_envelope_key: false,
            after_tables_key: false,
            bom_bytes: 0,
            slot: None,
            table: Table::default(),
            held: Held::Record,
            resyncing: false,
            line_start: true,
            seq: false,
            top_line: 1,
        }
    }

    /// Drops consumed bytes from the front of the buffer.
    fn compact(&mut self) {
        let keep_from = self.record.map_or(self.pos, |(start, ..)| start);
        if keep_from == 0 {
            return;
        }
        self.buf.drain(..keep_from);
        self.pos -= keep_from;
        self.base += keep_from as u64;
        self.gap = match self.gap {
            Some((at, n)) if at <= keep_from => {
                self.base += n;
                None
            }
            Some((at, n)) => Some((at - keep_from, n)),
            None => None,
        };
        if let Some((start, ..)) = &mut self.record {
            *start -= keep_from;
        }
        if let Some((a, b)) = &mut self.key {
            *a = a.saturating_sub(keep_from);
            *b = b.saturating_sub(keep_from);
        }
    }

    /// Keeps memory within the record limit whatever the bytes are (a string that never
    /// ends, a record of a billion small values): an open record past the limit is marked
    /// too large, and only its first byte (for its line) is kept from then on.
    fn bound(&mut self, max_record_bytes: usize) {
        let Some((start, _, _, too_large)) = &mut self.record else {
            return;
        };
        if !*too_large && self.pos - *start > max_record_bytes {
            *too_large = true;
        }
        if !*too_large {
            return;
        }
        let keep = *start + 1;
        if self.buf.len() <= keep + CHUNK {
            return;
        }
        let removed = self.pos - keep;
        // A cheap byte search of what is dropped (a name cut by two drops is missed).
        self.dropped_sts =
            self.dropped_sts || super::json::holds_sts_operation(&self.buf[keep..self.pos]);
        self.buf.drain(keep..self.pos);
        self.pos -= removed;
        self.gap = Some((keep, self.gap.map_or(0, |g| g.1) + removed as u64));
        // A key seen inside the dropped bytes is gone with them.
        self.key = match self.key {
            Some((a, b)) if b < keep => Some((a, b)),
            Some((a, b)) if a >= keep + removed => Some((a - removed, b - removed)),
            _ => None,
        };
    }

    /// The content offset of `buf[i]`.
    fn content_offset(&self, i: usize) -> u64 {
        let gap = self.gap.filter(|g| i >= g.0).map_or(0, |g| g.1);
        self.base + i as u64 + gap
    }

    /// How many containers are open.
    fn depth(&self) -> usize {
        self.stack.len() + self.deeper
    }

    fn push_plain(&mut self) {
        if self.stack.len() < KEPT_FRAMES {
            self.stack.push(Frame::Plain);
        } else {
            self.deeper += 1;
        }
    }

    fn pop(&mut self) -> Option<Frame> {
        if self.deeper > 0 {
            self.deeper -= 1;
            return Some(Frame::Plain);
        }
        self.stack.pop()
    }

    /// A record begins at `pos`.
    fn open_record(&mut self) {
        self.open(Held::Record);
    }

    /// A value to be kept whole (a record, a table's columns or row) begins at `pos`.
    fn open(&mut self, held: Held) {
        self.held = held;
        self.dropped_sts = false;
        self.record = Some((self.pos, self.line_at_pos, self.depth(), false));
    }

    /// True where the keys of an object are followed (`slot`): a table object, and a
    /// top-level envelope of tables.
    fn keyed_level(&self) -> bool {
        match self.stack.last() {
            Some(Frame::Table) => true,
            Some(Frame::Envelope) => self.stack.len() == 1 && self.table.seen,
            _ => false,
        }
    }

    /// The open record ends at `end` (exclusive): parse and classify it.
    fn close_record(&mut self, ctx: &mut Ctx, end: usize) {
        if let Some((start, line, _, too_large)) = self.record.take() {
            if too_large {
                ctx.summary.records += 1;
                let sts = self.dropped_sts
                    || super::json::holds_sts_operation(&self.buf[start.min(end)..end]);
                let message = format!(
                    "record over the {} byte limit; skipped{}",
                    ctx.opts.max_record_bytes,
                    sts_note(sts)
                );
                ctx.malformed(line, message);
            } else {
                let bytes = &self.buf[start..end];
                let at = self.content_offset(start);
                match self.held {
                    Held::Record => ctx.record(bytes, line, at),
                    Held::Columns => self.table.set_columns(ctx, bytes, line, at),
                    Held::Row => self.table.row(ctx, bytes, line, at),
                    Held::Error => tables::partial_error(ctx, bytes, line),
                    Held::Text => match serde_json::from_slice::<String>(bytes) {
                        Ok(text) => ctx.text_line(&text, line, at),
                        Err(e) => {
                            ctx.summary.records += 1;
                            ctx.malformed(line, format!("not valid JSON: {e}"));
                        }
                    },
                }
            }
        }
    }

    /// A structural error: report it and skip to the next line starting with `{` or `[`.
    fn derail(&mut self, ctx: &mut Ctx, message: String) {
        let line = self.record.map_or(self.line_at_pos, |(_, l, ..)| l);
        if self.record.take().is_some() {
            ctx.summary.records += 1;
        }
        ctx.malformed(line, message);
        self.stack.clear();
        self.deeper = 0;
        self.in_string = false;
        self.escaped = false;
        self.key = None;
        self.after_envelope_key = false;
        self.after_tables_key = false;
        self.slot = None;
        self.table = Table::default();
        self.resyncing = true;
    }

    /// Scans `buf[pos..]`.
    fn scan(&mut self, ctx: &mut Ctx) {
        while self.pos < self.buf.len() {
            let b = self.buf[self.pos];
            if b == b'\n' {
                self.line_at_pos += 1;
                self.line_start = true;
                self.pos += 1;
                continue;
            }
            if b == RS && (self.seq || self.stack.is_empty()) {
                // RFC 7464: each JSON text is preceded by a record separator. One before a
                // value ends means that value was cut off (section 2.4); reading resumes
                // at the text it starts, as at a new line.
                if !self.resyncing && (self.in_string || !self.stack.is_empty()) {
                    self.derail(
                        ctx,
                        "cut off before its end: the next record separator (0x1E) of the JSON \
                         text sequence came first"
                            .to_owned(),
                    );
                }
                self.seq = true;
                self.line_start = true;
                self.pos += 1;
                continue;
            }
            if self.resyncing {
                // Resume at a line whose first non-blank byte opens a value.
                match b {
                    b' ' | b'\t' | b'\r' => {}
                    b'{' | b'[' if self.line_start => {
                        self.resyncing = false;
                        continue;
                    }
                    _ => self.line_start = false,
                }
                self.pos += 1;
                continue;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.stack.is_empty() && self.deeper == 0 {
                        // The end of a JSON string at the top level.
                        if self.record.is_some() && self.held == Held::Text {
                            self.close_record(ctx, self.pos + 1);
                        }
                    } else if self.at_outer_keys() {
                        // A string at the first level of an outer object: maybe a key.
                        let start = self.key.map_or(self.pos, |(s, _)| s);
                        self.key = Some((start, self.pos));
                    } else if self.keyed_level() {
                        let start = self.key.map_or(self.pos, |(s, _)| s);
                        if self.slot == Some(Slot::Name) {
                            // The table's name: the value after `"name":`.
                            self.table.set_name(&self.buf[start..=self.pos]);
                            self.slot = None;
                        }
                        self.key = Some((start, self.pos));
                    }
                } else {
                    // Jump to the next byte that matters inside a string.
                    let rest = &self.buf[self.pos..];
                    let mut next = memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
                    if self.seq {
                        // A record separator inside a string: the text was cut off there.
                        next = memchr::memchr(RS, &rest[..next]).unwrap_or(next);
                    }
                    self.pos += next;
                    continue;
                }
                self.pos += 1;
                continue;
            }
            self.structural(ctx, b);
            // Keep large records from filling memory: note them and keep only the start.
            if let Some((start, _, _, too_large)) = &mut self.record
                && !*too_large
                && self.pos - *start > ctx.opts.max_record_bytes
            {
                *too_large = true;
            }
            if self.resyncing {
                continue;
            }
            self.pos += 1;
        }
    }

    /// True at the first level of an outer object, one that may be an envelope rather than
    /// a record: a top-level object, or an element of a top-level array (Graph pages
    /// collected in a list and saved as one array, `[{"@odata.context":…,"value":[…]},…]`).
    ///
    /// Also at the first level of an envelope after its records array: a second records
    /// array (`{"records":[a],"records":[b]}`, `{"value":[a],"records":[b]}`) is read too,
    /// so that no record is lost whichever array a JSON parser would keep (Python and jq
    /// keep the last key, we read every one). A Log Analytics envelope (its `tables`) keeps
    /// its own keys (`keyed_level`).
    fn at_outer_keys(&self) -> bool {
        self.deeper == 0
            && match self.stack.as_slice() {
                [Frame::Plain] | [Frame::RecordArray, Frame::Plain] => self.record.is_some(),
                [Frame::Envelope] | [Frame::RecordArray, Frame::Envelope] => {
                    self.record.is_none() && !self.table.seen
                }
                _ => false,
            }
    }

    /// True when a value starting now at the current depth is a record.
    fn at_record_level(&self) -> bool {
        if self.deeper > 0 {
            return false;
        }
        match self.stack.last() {
            None => true,
            Some(Frame::RecordArray | Frame::EnvelopeArray | Frame::Rows) => self.record.is_none(),
            _ => false,
        }
    }

    fn structural(&mut self, ctx: &mut Ctx, b: u8) {
        const BOM: &[u8] = b"\xef\xbb\xbf";
        match b {
            b' ' | b'\t' | b'\r' | b',' | b':' => {
                if b == b':' && self.at_outer_keys() {
                    // `"value":` at the first level of an outer object.
                    if let Some((s, e)) = self.key.take() {
                        let name = &self.buf[s + 1..e];
                        if self.stack.len() == 1 {
                            self.after_envelope_key = ENVELOPE_KEYS.contains(&name);
                            self.after_tables_key = tables::is_tables_key(name);
                        } else {
                            self.after_envelope_key = PAGE_KEYS.contains(&name);
                        }
                    }
                } else if b == b':' && self.keyed_level() {
                    // `"columns":` in a table, `"error":` beside the tables.
                    if let Some((s, e)) = self.key.take() {
                        let name = &self.buf[s + 1..e];
                        self.slot = Some(if self.stack.len() == 1 {
                            if name == b"error" {
                                Slot::Error
                            } else {
                                Slot::Other
                            }
                        } else {
                            tables::table_slot(name)
                        });
                    }
                } else if b == b',' {
                    self.key = None;
                    self.after_envelope_key = false;
                    self.after_tables_key = false;
                    if self.keyed_level() {
                        self.slot = None;
                    }
                }
            }
            b'{' | b'[' => {
                if self.stack.is_empty() {
                    self.top_line = self.line_at_pos;
                    self.table = Table::default();
                    if b == b'[' {
                        self.stack.push(Frame::RecordArray);
                        return;
                    }
                }
                if self.after_tables_key && b == b'[' && self.stack.len() == 1 {
                    // A Log Analytics query response: its array holds tables.
                    self.after_tables_key = false;
                    self.after_envelope_key = false;
                    self.record = None;
                    self.key = None;
                    self.table = Table::started();
                    self.stack[0] = Frame::Envelope;
                    self.stack.push(Frame::Tables);
                    return;
                }
                if self.tables_structure(b) {
                    return;
                }
                if self.after_envelope_key && b == b'[' && self.at_outer_keys() {
                    // The outer object is an envelope: its array holds the records, the
                    // object itself is not one.
                    self.after_envelope_key = false;
                    self.record = None;
                    self.key = None;
                    if let Some(last) = self.stack.last_mut() {
                        *last = Frame::Envelope;
                    }
                    self.stack.push(Frame::EnvelopeArray);
                    return;
                }
                self.after_envelope_key = false;
                self.after_tables_key = false;
                if self.at_record_level() {
                    self.open_record();
                }
                self.push_plain();
            }
            b'}' | b']' => {
                self.after_envelope_key = false;
                let Some(frame) = self.pop() else {
                    self.derail(ctx, format!("unexpected '{}' outside any value", b as char));
                    return;
                };
                if let Some((_, _, depth, _)) = self.record
                    && frame == Frame::Plain
                    && self.depth() == depth
                {
                    self.close_record(ctx, self.pos + 1);
                }
            }
            b'"' => {
                self.in_string = true;
                // A key's value that is a string: not an envelope's array.
                if self.depth() == 1 || self.at_outer_keys() {
                    self.after_envelope_key = false;
                    self.after_tables_key = false;
                }
                if self.at_outer_keys() || self.keyed_level() {
                    self.key = Some((self.pos, self.pos));
                }
                if self.stack.is_empty() {
                    // A JSON string between the values: a record written as a string.
                    self.open(Held::Text);
                }
            }
            // A DOS end-of-file mark (Ctrl+Z: `copy a+b all` writes it after the files it
            // joins) between or after documents: no value.
            0x1a if self.stack.is_empty() => {}
            // A UTF-8 byte order mark between documents (the second of two files joined
            // byte for byte, each written with its BOM): no value.
            0xef | 0xbb | 0xbf if self.stack.is_empty() && BOM.get(self.bom_bytes) == Some(&b) => {
                self.bom_bytes = (self.bom_bytes + 1) % BOM.len();
            }
            _ => {
                self.after_envelope_key = false;
                self.after_tables_key = false;
                // A bare scalar: no record (in an array of records it is passed over).
                if self.stack.is_empty() {
                    self.derail(ctx, "unexpected text between JSON values".to_owned());
                }
            }
        }
    }

    /// `{` or `[` inside a Log Analytics response (the tables, a table, its columns, rows
    /// and the `error` beside them). True when handled here.
    fn tables_structure(&mut self, b: u8) -> bool {
        match self.stack.last() {
            Some(Frame::Tables) if b == b'{' => {
                // A table: its name and columns come before its rows.
                self.table = Table::started();
                self.slot = None;
                self.key = None;
                self.stack.push(Frame::Table);
                true
            }
            Some(Frame::Table | Frame::Envelope) if self.keyed_level() => {
                match (self.slot.take(), b) {
                    (Some(Slot::Columns), b'[') => self.open(Held::Columns),
                    (Some(Slot::Rows), b'[') => {
                        self.stack.push(Frame::Rows);
                        return true;
                    }
                    (Some(Slot::Error), b'{') => self.open(Held::Error),
                    _ => {}
                }
                self.stack.push(Frame::Plain);
                true
            }
            Some(Frame::Rows) => {
                self.open(Held::Row);
                self.stack.push(Frame::Plain);
                true
            }
            _ => false,
        }
    }
}

mod read;
pub(super) use read::{scan_json_stream, scan_line};

/// What the warning of a record skipped for its size adds when its bytes held the STS
/// operation's name: an STS event is then lost, which the analyst must know.
pub(super) fn sts_note(sts: bool) -> &'static str {
    if sts {
        "; it holds the STS operation name (StsRefreshTokenValidFrom)"
    } else {
        ""
    }
}
