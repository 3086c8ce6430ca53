//! CSV exports: Defender portal and Log Analytics (RawEventData as JSON text in a cell),
//! Purview audit search (new 8-column and classic headers, `AuditData`),
//! Search-UnifiedAuditLog | Export-Csv (`#TYPE` line, every field quoted), AuditLogs, and
//! exports of the query's own result.

use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Map, Value};

use super::csvdates::{FileDates, Waiting};
use super::csvframe::{Framer, Skipped};
use super::decode;
use super::entracsv;
use super::json::Ctx;
use super::record::{Origin, classify};
pub(super) use head::HeaderSaid;
pub use head::excel_sep_line;
use head::{Head, Seen, header_delimiter, header_line, repeated_head, skipped_row_note};
pub(super) use head::{SHAPE_NAMES, is_export_header};
pub(super) use header_name::column_name;

mod cr_lines;
mod dup_columns;
mod head;
mod header_name;
pub(in crate::load) use header_name::Zone;
mod unquoted;

#[cfg(test)]
mod progress_tests;

/// What a CSV file holds, decided from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvKind {
    /// A column AuditData holds each UAL record as JSON.
    AuditData { data_col: usize },
    /// The Entra admin center download: flattened directoryAudit columns, no JSON.
    EntraDownload,
    /// Columns are table columns (CloudAppEvents, AuditLogs, query result).
    Columns,
}

const DYNAMIC_COLUMNS: [&str; 5] = [
    "RawEventData",
    "TargetResources",
    "InitiatedBy",
    "AdditionalDetails",
    "ActivityObjects",
];

/// UAL records as columns: a Sentinel OfficeActivity export, Hawk's simple view of
/// Search-UnifiedAuditLog results. `Operation` beside a column only UAL records have, as
/// the JSON reader decides.
fn is_ual_columns(find: &dyn Fn(&str) -> Option<usize>) -> bool {
    find("Operation").is_some()
        && ["CreationTime", "RecordType", "Workload", "TimeGenerated"]
            .iter()
            .any(|c| find(c).is_some())
}

pub fn scan_csv(ctx: &mut Ctx, reader: Box<dyn BufRead + Send>) -> io::Result<()> {
    scan_csv_under(ctx, reader, None, &mut HeaderSaid::default()).map(|_| ())
}

/// The header of an export joined after another in one file, as follow mode keeps it to
/// read the rows appended after it: the line to feed again before them, and its line in
/// the file.
pub(super) type JoinedHeader = (Vec<u8>, u64);

/// [`scan_csv`], where `under` is the file line of the header the reader starts with when it
/// is not the file's first but a joined export's (follow mode: its rows are read back under
/// it), and `said` what was said of that header before (follow mode's earlier polls; updated).
/// Returns the last joined export's header met, if any.
pub(super) fn scan_csv_under(
    ctx: &mut Ctx,
    reader: Box<dyn BufRead + Send>,
    under: Option<u64>,
    said: &mut HeaderSaid,
) -> io::Result<Option<JoinedHeader>> {
    let mut reader = match cr_lines::lone_cr_lines(reader)? {
        Ok(lines) => {
            ctx.problem(
                None,
                "records end with a carriage return alone (classic Mac OS line ends, as Excel \
                 for Mac's \"Macintosh\" CSV writes them): read as line ends"
                    .to_owned(),
            );
            lines
        }
        Err(reader) => reader,
    };
    // A UTF-8 BOM and PowerShell's `#TYPE …` line come before the header.
    // Follow mode feeds the rows appended to a file after a copy of its header: the lines
    // before those rows are counted in `line_offset`.
    let mut first_line_offset = ctx.line_offset;
    // Excel's `sep=;` line, which names the delimiter, also comes before the header.
    let named_delimiter;
    {
        // The bytes passed over here are counted in the rows' content offsets.
        let head = reader.fill_buf()?;
        if head.starts_with(b"\xef\xbb\xbf") {
            reader.consume(3);
            ctx.context.csv_base += 3;
        }
        let (lines, bytes) = skip_blank_lines(&mut reader)?;
        first_line_offset += lines;
        ctx.context.csv_base += bytes;
        let head = reader.fill_buf()?;
        named_delimiter = excel_sep_line(head);
        if head.starts_with(b"#TYPE") || named_delimiter.is_some() {
            let mut skipped = Vec::new();
            reader.read_until(b'\n', &mut skipped)?;
            first_line_offset += 1;
            ctx.context.csv_base += skipped.len() as u64;
        }
    }
    let delimiter = match named_delimiter {
        Some(d) => d,
        None => header_delimiter(reader.fill_buf()?),
    };
    ctx.context.csv_delimiter = delimiter;
    let since_record = Arc::new(AtomicUsize::new(0));
    let skipped = Arc::new(Skipped::default());
    // Records whose quote never closes are skipped by the framer, which says where.
    let framer = Framer::new(
        reader,
        delimiter,
        ctx.opts.max_record_bytes,
        skipped.clone(),
        |names| {
            let names: Vec<String> = names.iter().map(|n| column_name(n).0).collect();
            entracsv::is_entra_download(&names)
        },
        first_line_offset,
    );
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        // Records end at `\n` only: with the default (CR, LF or CRLF) the csv crate numbers
        // the lines of a CRLF file one too low. The CR left at the end of the last field is
        // removed by `cell`.
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(RecordBound {
            inner: framer,
            since_record: since_record.clone(),
            limit: ctx.opts.max_record_bytes,
            bound: ctx
                .opts
                .max_record_bytes
                .saturating_mul(2)
                .saturating_add(CSV_BUFFER + (1 << 20)),
        });
    let mut header_record = csv::ByteRecord::new();
    if !csv.read_byte_record(&mut header_record).map_err(csv_io)? {
        return Ok(None);
    }
    let mut head = match Head::new(&header_record) {
        Ok(head) => head,
        Err(names) => {
            let dialect = match delimiter {
                b';' => "CSV with `;`",
                b'\t' => "CSV with tabs",
                b'|' => "CSV with `|`",
                _ => "CSV",
            };
            ctx.unknown_why = Some(format!(
                "{dialect} whose header has none of AuditData, ActionType, OperationName, Operation or tokenMinutesAdded: {}",
                names.chars().take(200).collect::<String>()
            ));
            return Ok(None);
        }
    };
    // A column whose name holds invisible characters is read as its name without them, and
    // said (the file, the column as written, escaped); a column named twice.
    for note in head.notes().into_iter().filter(|_| !said.notes) {
        ctx.problem(None, note);
    }
    said.notes = true;
    head.missing_column = head.missing_column.filter(|_| !said.missing_column);
    if let Some(header_line) = under {
        ctx.context
            .csv_header_at(&head.headers, Some(0), header_line);
    }
    let mut dates = FileDates::new(&head.headers, &head.labels, &head.zones);
    let mut last_joined = None;
    let mut record = csv::ByteRecord::new();
    // The bar follows the bytes read, not a count of rows: said every 50,000 rows, it stood
    // at 0 B for 0.8 s of a UAL export of 100,000 rows of 2.2 KiB, then jumped to 111 of
    // its 220 MiB (a 2M-row export: seconds at 0%).
    let mut rows_since_progress = 0u32;
    let mut progress_at = 0u64;
    let mut last_line = 1 + first_line_offset;
    let mut said_joined = false;
    // Headers of exports joined after the first (breaker 14 #1), and the last row that
    // could be a header of a shape not known (rows skipped after it point at it).
    let mut joined_headers = 0usize;
    let mut name_like: Option<(u64, usize)> = None;
    loop {
        if ctx.opts.cancelled() {
            report_skipped(ctx, &skipped, None, first_line_offset);
            settle_dates(ctx, &mut dates);
            return Ok(last_joined);
        }
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => since_record.store(0, Ordering::Relaxed),
            Err(e) => {
                if e.is_io_error() {
                    // A truncated gzip stream or a size limit: the reading stops here (a
                    // reader that failed once may fail forever).
                    report_skipped(ctx, &skipped, None, first_line_offset);
                    ctx.error_line = Some(last_line + 1);
                    settle_dates(ctx, &mut dates);
                    return Err(match e.into_kind() {
                        csv::ErrorKind::Io(io) => io,
                        other => io::Error::other(format!("{other:?}")),
                    });
                }
                let line = e
                    .position()
                    .map_or(last_line + 1, |p| p.line() + first_line_offset);
                ctx.summary.records += 1;
                ctx.malformed(line, format!("unreadable CSV record: {e}"));
                continue;
            }
        }
        if let Some(p) = record.position() {
            report_skipped(ctx, &skipped, Some(p.line()), first_line_offset);
        }
        let line = record
            .position()
            .map_or(last_line + 1, |p| p.line() + first_line_offset);
        last_line = line;
        rows_since_progress += 1;
        if rows_since_progress >= PROGRESS_ROWS {
            rows_since_progress = 0;
            let read = ctx.read_so_far.load(Ordering::Relaxed);
            if read >= progress_at + PROGRESS_BYTES {
                progress_at = read;
                ctx.progress();
            }
        }
        // A blank line, or the DOS end-of-file mark (Ctrl+Z) `copy a+b all` writes after
        // the files it joins.
        if record.len() == 1 && matches!(cell(&record, 0), b"" | b"\x1a") {
            continue;
        }
        // Exports joined one after another (`cat a.csv b.csv`, `Get-Content *.csv |
        // Set-Content`): each part's `#TYPE` line and header come again. No records.
        let unmarked = head::unmarked(&record);
        let seen = unmarked.as_ref().unwrap_or(&record);
        let again =
            match repeated_head(seen, &head.record) {
                Some(what) => Some(what),
                None => {
                    match head.look_at(seen) {
                        Seen::Row => None,
                        Seen::Same => Some("the header"),
                        Seen::NameLike => {
                            name_like = Some((line, record.len()));
                            None
                        }
                        Seen::Joined(next) => {
                            joined_headers += 1;
                            // The rows before are the other export's: their dates are decided on
                            // their own, as that export loaded alone decides them.
                            settle_dates(ctx, &mut dates);
                            ctx.problem(
                        Some(line),
                        format!(
                            "{} header line: the rows after it are read under it ({}; exports \
                             joined one after another)",
                            if joined_headers == 1 { "a second" } else { "another" },
                            head.change_to(&next)
                        ),
                    );
                            for note in next.notes() {
                                ctx.problem(None, note);
                            }
                            head = *next;
                            said.missing_column = false;
                            last_joined = Some((header_line(&head.record, delimiter), line));
                            ctx.context.csv_header_at(
                                &head.headers,
                                record.position().map(csv::Position::byte),
                                line,
                            );
                            dates = FileDates::new(&head.headers, &head.labels, &head.zones);
                            name_like = None;
                            continue;
                        }
                    }
                }
            };
        if let Some(what) = again {
            if !said_joined {
                said_joined = true;
                ctx.problem(
                    Some(line),
                    format!(
                        "{what} again (exports joined one after another): passed over, not a \
                         record; the same at any later line"
                    ),
                );
            }
            continue;
        }
        ctx.summary.records += 1;
        if !head.dups.is_empty()
            && let Some(message) = head.dups.row_message(|i| cell(&record, i).to_vec())
        {
            ctx.summary.records += 1;
            ctx.malformed(line, message);
        }
        dates.observe(&record, line);
        let batch = ctx.context.csv_row(&head.headers, &record, line);
        ctx.context_batch(batch);
        if ctx.csv_prefilter_allowed() && !ctx.prefilter.may_match(record.as_slice()) {
            continue;
        }
        if let Some(column) = head
            .missing_column
            .take_if(|_| ctx.prefilter.may_match(record.as_slice()))
        {
            said.missing_column = true;
            ctx.problem(
                Some(line),
                format!(
                    "no {column} column (the displayed columns only?): the query reads the token \
                     times from it, so the STS rows can only be near misses; export all columns"
                ),
            );
        }
        // The Entra download leaves out a row's empty trailing cells.
        let short_ok = head.kind == CsvKind::EntraDownload && record.len() < head.headers.len();
        if record.len() != head.headers.len() && !short_ok {
            let cause = match head.kind {
                CsvKind::AuditData { data_col } => {
                    unquoted::likely_cause(&record, head.headers.len(), data_col)
                }
                _ => None,
            };
            ctx.malformed(
                line,
                format!(
                    "CSV row has {} fields where the header has {}{}; skipped{}",
                    record.len(),
                    head.headers.len(),
                    cause.unwrap_or_default(),
                    skipped_row_note(&record, name_like)
                ),
            );
            continue;
        }
        if record.as_slice().len() > ctx.opts.max_record_bytes {
            ctx.malformed(
                line,
                "CSV row over the record size limit; skipped".to_owned(),
            );
            continue;
        }
        // Invalid UTF-8 in a cell becomes U+FFFD (lossy decoding); the row is read, counted
        // and said where. Checked only for rows past the prefilter.
        let mut repair = std::str::from_utf8(record.as_slice())
            .err()
            .map(|e| decode::Repair {
                invalid_sequences: 1,
                first_at: e.valid_up_to(),
                ..decode::Repair::default()
            });
        let field = |i: usize| String::from_utf8_lossy(cell(&record, i)).into_owned();
        let headers = &head.headers;
        let (mut map, raw) = match head.kind {
            CsvKind::AuditData { data_col } => {
                // The whole row goes to the record layer (wrapped UAL): the outer columns
                // name the event when AuditData cannot be read.
                let mut map = Map::new();
                for (i, name) in headers.iter().enumerate() {
                    if i != data_col {
                        map.insert(name.clone(), Value::String(field(i)));
                    }
                }
                let text = field(data_col);
                // A record that parses goes in as an object; any other text goes in as it
                // is, for the record layer to name (cut, unusable).
                let data = match decode::parse_json_text_repaired(&text) {
                    Ok((value @ Value::Object(_), fixed)) => {
                        repair = repair.or(fixed);
                        value
                    }
                    _ => Value::String(text.clone()),
                };
                ctx.repaired(line, repair);
                if let Value::Object(inner) = &data {
                    let outer = ["Operation", "Operations"]
                        .iter()
                        .find_map(|name| head.index.get(&name.to_ascii_lowercase()))
                        .filter(|&&i| i < record.len())
                        .map(|&i| field(i))
                        .unwrap_or_default();
                    if let Some(message) = super::wrapped::operation_disagreement(&outer, inner) {
                        ctx.problem(Some(line), message);
                    }
                }
                map.insert(headers[data_col].clone(), data);
                let raw = if text.trim_start().starts_with('{') {
                    text
                } else {
                    Value::Object(map.clone()).to_string()
                };
                (map, raw)
            }
            CsvKind::EntraDownload => {
                ctx.repaired(line, repair);
                let at = |name: &str| {
                    head.index
                        .get(&name.to_ascii_lowercase())
                        .filter(|&&i| i < record.len())
                        .map(|&i| field(i))
                        .unwrap_or_default()
                };
                let map = entracsv::graph_record(&at);
                let cells: Map<String, Value> = head
                    .original
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i < record.len() && !cell(&record, i).is_empty())
                    .map(|(i, name)| (name.clone(), Value::String(field(i))))
                    .collect();
                (map, Value::Object(cells).to_string())
            }
            CsvKind::Columns => {
                let mut map = Map::new();
                for (i, name) in headers.iter().enumerate() {
                    let cell = field(i);
                    let value = if DYNAMIC_COLUMNS.iter().any(|d| d.eq_ignore_ascii_case(name)) {
                        match decode::parse_json_text_repaired(&cell) {
                            Ok((v, fixed)) if !cell.trim().is_empty() => {
                                repair = repair.or(fixed);
                                v
                            }
                            _ => Value::String(cell),
                        }
                    } else {
                        Value::String(cell)
                    };
                    map.insert(name.clone(), value);
                }
                ctx.repaired(line, repair);
                let raw = Value::Object(map.clone()).to_string();
                (map, raw)
            }
        };
        // An STS row whose time depends on how the file writes dates waits for the file's
        // decision (rare: only candidate rows are looked at).
        if dates.has_columns()
            && ctx.prefilter.may_match(record.as_slice())
            && dates.must_wait(&mut map, line)
        {
            let now = dates.hold(ctx, Waiting { map, raw, line });
            classify_rows(ctx, now);
            continue;
        }
        classify_rows(ctx, vec![Waiting { map, raw, line }]);
    }
    report_skipped(ctx, &skipped, None, first_line_offset);
    settle_dates(ctx, &mut dates);
    ctx.progress();
    Ok(last_joined)
}

/// Says, in line order, what the framer said of the records before `line` (all with
/// `None`): a skipped one is a record read and skipped; a note is only said.
fn report_skipped(ctx: &mut Ctx, skipped: &Skipped, line: Option<u64>, offset: u64) {
    for said in skipped.take_before(line) {
        if said.skipped {
            ctx.summary.records += 1;
            ctx.malformed(said.line + offset, said.message);
        } else {
            ctx.problem(Some(said.line + offset), said.message);
        }
    }
}

/// Classifies rows and sends what they are on.
fn classify_rows(ctx: &mut Ctx, rows: Vec<Waiting>) {
    for Waiting { map, raw, line } in rows {
        let origin = Origin {
            file: &ctx.file,
            line,
            raw: &raw,
        };
        let classified = classify(Value::Object(map), &origin);
        ctx.dispatch_at(classified, line);
    }
}

/// The end of the rows: the file's dates are decided and the rows that waited are read.
fn settle_dates(ctx: &mut Ctx, dates: &mut FileDates) {
    dates.report_unreadable(ctx);
    let rows = dates.settle(ctx);
    classify_rows(ctx, rows);
}

/// Passes over the blank lines before the header (they are counted, for line numbers). The
/// white space before the header's first character on its own line is left alone.
/// Passes over the blank lines at the start; returns how many lines and bytes they were.
fn skip_blank_lines(reader: &mut Box<dyn BufRead + Send>) -> io::Result<(u64, u64)> {
    let (mut lines, mut bytes) = (0, 0);
    loop {
        let buf = reader.fill_buf()?;
        let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        // Only whole blank lines: up to the last newline among the blanks.
        let Some(nl) = memchr::memrchr(b'\n', &buf[..blank]) else {
            return Ok((lines, bytes));
        };
        lines += memchr::memchr_iter(b'\n', &buf[..=nl]).count() as u64;
        let whole = blank == buf.len();
        reader.consume(nl + 1);
        bytes += nl as u64 + 1;
        if !whole {
            return Ok((lines, bytes));
        }
    }
}

/// The csv crate's read buffer: twice the input's buffer, so that the framer's reads go
/// from the input straight into it (after the start of a line kept from the last read).
const CSV_BUFFER: usize = 2 << 20;

/// Rows between two looks at the bytes read (an atomic load), for progress.
const PROGRESS_ROWS: u32 = 64;

/// Bytes read between two progress messages (about as often as the JSON-lines reader,
/// which says its progress at each block of a few MiB).
const PROGRESS_BYTES: u64 = 1 << 20;

/// Bounds the memory of one CSV record, behind the framer: the csv crate keeps a whole
/// record in memory. The framer hands it whole records of at most about twice the limit;
/// this guard stays for a record the framer's quote count cannot see (an even number of
/// quotes on a line whose last cell opens a quote after a stray one: `a,b"c,"d`). Counts
/// the bytes handed to the csv reader since the last record ended (the scan loop resets the
/// count); past twice the record limit (plus the read-ahead of the csv buffer) the reading
/// stops with an error that names the limit. The rows before are kept; other files are read
/// as usual.
struct RecordBound<R> {
    inner: R,
    since_record: Arc<AtomicUsize>,
    /// The record limit (`--max-record-mib`), in bytes.
    limit: usize,
    /// Bytes past which the reading stops.
    bound: usize,
}

impl<R: Read> Read for RecordBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let so_far = self.since_record.load(Ordering::Relaxed);
        if so_far > self.bound {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "a CSV record runs past the {} byte record limit (--max-record-mib; a quote that never closes?)",
                    self.limit
                ),
            ));
        }
        let n = self.inner.read(buf)?;
        self.since_record.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

/// A field of a record, without the CR of a CRLF line end on the last field.
fn cell(record: &csv::ByteRecord, i: usize) -> &[u8] {
    let f = record.get(i).unwrap_or_default();
    if i + 1 == record.len() {
        f.strip_suffix(b"\r").unwrap_or(f)
    } else {
        f
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    io::Error::other(e.to_string())
}
