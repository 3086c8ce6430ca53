//! The raw text of a related record, read back from its file by its place (`file:line`):
//! the index keeps no text (see the module above). The drill-down's context panel asks for
//! one record at a time, when the analyst opens it.
//!
//! A plain file is read with positioned reads: the byte offset of every [`STRIDE`]th line is
//! kept once a file was scanned that far, so a second record of the same file costs a short
//! scan from the nearest kept line. A gzip file is decompressed up to the record (no
//! offsets into it can be kept). Standard input cannot be read again.
//!
//! From the record's first line: a JSON object (JSON lines, a JSON document's element, a row
//! of a JSON array written one a line) is read to its closing brace; anything else is a CSV
//! row, given back as a JSON object of the file's header names and the row's values (JSON in
//! a cell, such as AuditData, embedded as JSON).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::SourceRef;

/// Lines between two kept byte offsets.
pub const STRIDE: u64 = 4096;
/// The most bytes read for one record: a longer one is cut there, and says so.
pub const MAX_RECORD: usize = 4 << 20;

/// Reads related records back; keeps per file the byte offsets of lines already passed.
#[derive(Debug, Default)]
pub struct RecordReader {
    /// Per file: the byte offset of line `1 + k * STRIDE` at index `k`.
    lines: HashMap<Arc<str>, Vec<u64>>,
}

impl RecordReader {
    /// The record's text (JSON), or a line saying why it cannot be shown and where it is.
    pub fn read(&mut self, at: &SourceRef) -> String {
        self.try_read(at)
            .unwrap_or_else(|e| format!("(the record could not be read back from {at}: {e})"))
    }

    fn try_read(&mut self, at: &SourceRef) -> io::Result<String> {
        let path = &*at.file;
        if path == "(stdin)" || path.is_empty() {
            return Err(io::Error::other(
                "it was read from standard input, which cannot be read again; the index keeps no record's text",
            ));
        }
        let line = at.line.max(1);
        let mut file = File::open(path)?;
        let mut magic = [0u8; 2];
        let got = file.read(&mut magic)?;
        if got == 2 && (magic == [0xff, 0xfe] || magic == [0xfe, 0xff]) {
            return Err(io::Error::other(
                "the file is UTF-16, whose lines are not read back here",
            ));
        }
        let gz = got == 2 && magic == [0x1f, 0x8b];
        if gz {
            let mut r = BufReader::new(flate2::read::MultiGzDecoder::new(File::open(path)?));
            skip_lines(&mut r, line - 1)?;
            let header = if looks_like_object(r.fill_buf()?) {
                None
            } else {
                let mut h = BufReader::new(flate2::read::MultiGzDecoder::new(File::open(path)?));
                Some(csv_header(&mut h)?)
            };
            return record(&mut r, header);
        }
        let start = self.line_offset(&mut file, path, at, line)?;
        file.seek(SeekFrom::Start(start))?;
        let mut r = BufReader::new(file);
        let header = if looks_like_object(r.fill_buf()?) {
            None
        } else {
            Some(csv_header(&mut BufReader::new(File::open(path)?))?)
        };
        record(&mut r, header)
    }

    /// The byte offset where `line` (1-based) starts, from the nearest kept offset.
    fn line_offset(
        &mut self,
        file: &mut File,
        path: &str,
        at: &SourceRef,
        line: u64,
    ) -> io::Result<u64> {
        let kept = self.lines.entry(at.file.clone()).or_insert_with(|| vec![0]);
        let k = usize::try_from((line - 1) / STRIDE).unwrap_or(usize::MAX);
        let from = k.min(kept.len() - 1);
        let mut offset = kept[from];
        let mut current = 1 + from as u64 * STRIDE;
        file.seek(SeekFrom::Start(offset))?;
        let mut r = BufReader::with_capacity(1 << 16, &mut *file);
        while current < line {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                return Err(io::Error::other(format!(
                    "{path} has only {current} lines now (changed since the load?)"
                )));
            }
            let mut used = buf.len();
            for i in memchr::memchr_iter(b'\n', buf) {
                current += 1;
                if (current - 1).is_multiple_of(STRIDE)
                    && kept.len() as u64 == (current - 1) / STRIDE
                {
                    kept.push(offset + i as u64 + 1);
                }
                if current == line {
                    used = i + 1;
                    break;
                }
            }
            offset += used as u64;
            r.consume(used);
        }
        Ok(offset)
    }
}

fn skip_lines(r: &mut impl BufRead, mut n: u64) -> io::Result<()> {
    while n > 0 {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Err(io::Error::other("the file ends before the record's line"));
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                r.consume(i + 1);
                n -= 1;
            }
            None => {
                let len = buf.len();
                r.consume(len);
            }
        }
    }
    Ok(())
}

/// True when the line starts (after blanks, and an array's `[`) with a JSON object.
fn looks_like_object(buf: &[u8]) -> bool {
    let mut rest = buf.iter().skip_while(|b| b.is_ascii_whitespace());
    match rest.next() {
        Some(b'{') => true,
        Some(b'[') => rest.find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
        _ => false,
    }
}

/// One record from the reader's position: a JSON object to its end, or a CSV row.
fn record(r: &mut impl BufRead, header: Option<Vec<String>>) -> io::Result<String> {
    match header {
        None => json_object(r),
        Some(h) => {
            let mut csv = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(r.take(MAX_RECORD as u64));
            let mut row = csv::StringRecord::new();
            if !csv.read_record(&mut row).map_err(io::Error::other)? {
                return Err(io::Error::other("no row at that line"));
            }
            let mut obj = Map::new();
            for (i, value) in row.iter().enumerate() {
                let name = h
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", i + 1));
                let v = match crate::json_depth::parse_value(value) {
                    Ok(v @ (Value::Object(_) | Value::Array(_))) => v,
                    _ => Value::String(value.to_owned()),
                };
                obj.insert(name, v);
            }
            Ok(Value::Object(obj).to_string())
        }
    }
}

/// The CSV header: the first row, or the second after a PowerShell `#TYPE` line.
fn csv_header(r: &mut impl BufRead) -> io::Result<Vec<String>> {
    if r.fill_buf()?.starts_with(b"#TYPE") {
        skip_lines(r, 1)?;
    }
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(r);
    let mut row = csv::StringRecord::new();
    csv.read_record(&mut row).map_err(io::Error::other)?;
    Ok(row
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect())
}

/// The JSON object starting at the first `{`: up to its matching `}` (strings and escapes
/// skipped), at most [`MAX_RECORD`] bytes.
fn json_object(r: &mut impl BufRead) -> io::Result<String> {
    let mut out: Vec<u8> = Vec::new();
    let (mut depth, mut in_str, mut escaped, mut started) = (0usize, false, false, false);
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Err(io::Error::other("the file ends inside the record"));
        }
        let mut end = None;
        for (i, &b) in buf.iter().enumerate() {
            if !started {
                if b == b'{' {
                    started = true;
                    depth = 1;
                    out.push(b);
                }
                continue;
            }
            out.push(b);
            if in_str {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_str = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let used = end.unwrap_or(buf.len());
        r.consume(used);
        if end.is_some() {
            return Ok(String::from_utf8_lossy(&out).into_owned());
        }
        if out.len() > MAX_RECORD {
            let mut text = String::from_utf8_lossy(&out).into_owned();
            text.push_str(&format!(
                "\n(cut at {MAX_RECORD} bytes: the record goes on)"
            ));
            return Ok(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &std::path::Path, line: u64) -> SourceRef {
        SourceRef {
            file: path.to_string_lossy().as_ref().into(),
            line,
        }
    }

    #[test]
    fn a_record_is_read_back_by_its_line_in_every_shape() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = RecordReader::default();
        let lines = dir.path().join("a.jsonl");
        let many: String = (1..=10_000)
            .map(|i| format!("{{\"n\": {i}, \"s\": \"}} {{\"}}\n"))
            .collect();
        std::fs::write(&lines, &many).unwrap();
        for n in [1, 4097, 9_999, 2, 10_000] {
            let v: Value = serde_json::from_str(&r.read(&at(&lines, n))).unwrap();
            assert_eq!(v["n"], n, "line {n}");
        }
        let pretty = dir.path().join("p.json");
        std::fs::write(
            &pretty,
            "{\"value\": [\n  {\n    \"a\": [1, {\"b\": 2}]\n  },\n  {\"a\": 3}\n]}\n",
        )
        .unwrap();
        assert_eq!(
            r.read(&at(&pretty, 2)).replace([' ', '\n'], ""),
            r#"{"a":[1,{"b":2}]}"#
        );
        let array = dir.path().join("r.json");
        std::fs::write(&array, "[{\"a\": 1},\n{\"a\": 2}]\n").unwrap();
        assert_eq!(r.read(&at(&array, 1)), r#"{"a": 1}"#);
        let csv = dir.path().join("c.csv");
        std::fs::write(
            &csv,
            "#TYPE X\r\n\"Operation\",\"AuditData\"\r\n\"Reset user password.\",\"{\"\"Id\"\": \"\"x\"\"}\"\r\n",
        )
        .unwrap();
        let v: Value = serde_json::from_str(&r.read(&at(&csv, 3))).unwrap();
        assert_eq!(v["Operation"], "Reset user password.");
        assert_eq!(v["AuditData"]["Id"], "x", "JSON in a cell is embedded");
        let gz = dir.path().join("g.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        io::Write::write_all(&mut enc, many.as_bytes()).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let v: Value = serde_json::from_str(&r.read(&at(&gz, 5000))).unwrap();
        assert_eq!(v["n"], 5000);
        let gone = r.read(&at(&dir.path().join("gone.jsonl"), 1));
        assert!(
            gone.starts_with("(the record could not be read back from "),
            "{gone}"
        );
        let stdin = r.read(&SourceRef {
            file: "(stdin)".into(),
            line: 3,
        });
        assert!(stdin.contains("standard input"), "{stdin}");
    }
}
