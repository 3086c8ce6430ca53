//! CSV exports: Defender portal and Log Analytics (RawEventData as JSON text in a cell),
//! Purview audit search (new 8-column and classic headers, `AuditData`),
//! Search-UnifiedAuditLog | Export-Csv (`#TYPE` line, every field quoted), AuditLogs, and
//! exports of the query's own result.

use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Map, Value};

use super::decode;
use super::json::Ctx;
use super::record::{Origin, classify};

/// What a CSV file holds, decided from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvKind {
    /// A column AuditData holds each UAL record as JSON.
    AuditData { data_col: usize },
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

/// `TimeGenerated [UTC]` → `TimeGenerated`; BOM and white space trimmed.
fn column_name(raw: &str) -> (String, bool) {
    let name = raw.trim_start_matches('\u{feff}').trim();
    if let Some(open) = name.find(" [") {
        let zone = &name[open..];
        let local = zone.to_ascii_lowercase().contains("local");
        return (name[..open].to_owned(), local);
    }
    (name.to_owned(), false)
}

pub fn scan_csv(ctx: &mut Ctx, mut reader: Box<dyn BufRead + Send>) -> io::Result<()> {
    // A UTF-8 BOM and PowerShell's `#TYPE …` line come before the header.
    // Follow mode feeds the rows appended to a file after a copy of its header: the lines
    // before those rows are counted in `line_offset`.
    let mut first_line_offset = ctx.line_offset;
    {
        let head = reader.fill_buf()?;
        if head.starts_with(b"\xef\xbb\xbf") {
            reader.consume(3);
        }
        if reader.fill_buf()?.starts_with(b"#TYPE") {
            let mut skipped = Vec::new();
            reader.read_until(b'\n', &mut skipped)?;
            first_line_offset += 1;
        }
    }
    let since_record = Arc::new(AtomicUsize::new(0));
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        // Records end at `\n` only: with the default (CR, LF or CRLF) the csv crate numbers
        // the lines of a CRLF file one too low. The CR left at the end of the last field is
        // removed by `cell`.
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(RecordBound {
            inner: reader,
            since_record: since_record.clone(),
            limit: ctx
                .opts
                .max_record_bytes
                .saturating_add(CSV_BUFFER + (1 << 20)),
        });
    let mut header_record = csv::ByteRecord::new();
    if !csv.read_byte_record(&mut header_record).map_err(csv_io)? {
        return Ok(());
    }
    let mut local_time = false;
    let headers: Vec<String> = header_record
        .iter()
        .map(|h| {
            let (name, local) = column_name(&String::from_utf8_lossy(h));
            local_time |= local;
            name
        })
        .collect();
    if local_time {
        ctx.problem(
            Some(1 + first_line_offset),
            "times are in the exporting browser's local time ([Local Time] header); they are read as UTC"
                .to_owned(),
        );
    }
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let kind = if let Some(data_col) = find("AuditData") {
        CsvKind::AuditData { data_col }
    } else if find("ActionType").is_some()
        || find("tokenMinutesAdded").is_some()
        || find("OperationName").is_some()
        || find("ActivityDisplayName").is_some()
    {
        CsvKind::Columns
    } else {
        ctx.unknown_why = Some(format!(
            "CSV header has none of AuditData, ActionType, OperationName or tokenMinutesAdded: {}",
            headers.join(",").chars().take(200).collect::<String>()
        ));
        return Ok(());
    };
    let mut record = csv::ByteRecord::new();
    let mut rows_since_progress = 0u32;
    let mut last_line = 1 + first_line_offset;
    loop {
        if ctx.opts.cancelled() {
            return Ok(());
        }
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => since_record.store(0, Ordering::Relaxed),
            Err(e) => {
                if e.is_io_error() {
                    // A truncated gzip stream or a size limit: the reading stops here (a
                    // reader that failed once may fail forever).
                    ctx.error_line = Some(last_line + 1);
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
        let line = record
            .position()
            .map_or(last_line + 1, |p| p.line() + first_line_offset);
        last_line = line;
        rows_since_progress += 1;
        if rows_since_progress >= 50_000 {
            rows_since_progress = 0;
            ctx.progress();
        }
        if record.len() == 1 && cell(&record, 0).is_empty() {
            continue; // blank line
        }
        ctx.summary.records += 1;
        if ctx.csv_prefilter_allowed() && !ctx.prefilter.may_match(record.as_slice()) {
            continue;
        }
        if record.len() != headers.len() {
            ctx.malformed(
                line,
                format!(
                    "CSV row has {} fields where the header has {}; skipped",
                    record.len(),
                    headers.len()
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
                lone_surrogates: 0,
                first_at: e.valid_up_to(),
            });
        let field = |i: usize| String::from_utf8_lossy(cell(&record, i)).into_owned();
        match kind {
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
                map.insert(headers[data_col].clone(), data);
                let raw = if text.trim_start().starts_with('{') {
                    text
                } else {
                    Value::Object(map.clone()).to_string()
                };
                let origin = Origin {
                    file: &ctx.file,
                    line,
                    raw: &raw,
                };
                let classified = classify(Value::Object(map), &origin);
                ctx.dispatch_at(classified, line);
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
                let origin = Origin {
                    file: &ctx.file,
                    line,
                    raw: &raw,
                };
                let classified = classify(Value::Object(map), &origin);
                ctx.dispatch_at(classified, line);
            }
        }
    }
    ctx.progress();
    Ok(())
}

/// The csv crate's read buffer.
const CSV_BUFFER: usize = 1 << 20;

/// Bounds the memory of one CSV record: the csv crate keeps a whole record in memory, so a
/// quote that never closes would make one record of the rest of the file. Counts the bytes
/// handed to the csv reader since the last record ended (the scan loop resets the count);
/// past the record limit (plus the read-ahead of the csv buffer) the reading stops with an
/// error that names the limit. The rows before are kept; other files are read as usual.
struct RecordBound {
    inner: Box<dyn BufRead + Send>,
    since_record: Arc<AtomicUsize>,
    limit: usize,
}

impl Read for RecordBound {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let so_far = self.since_record.load(Ordering::Relaxed);
        if so_far > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "a CSV record runs past the {} byte record limit (--max-record-mib; a quote that never closes?)",
                    self.limit - CSV_BUFFER - (1 << 20)
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
