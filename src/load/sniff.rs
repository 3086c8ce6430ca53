//! The start of an input: its first bytes read (past blank lines, a whole first record) and
//! the shape of its content decided from them (JSON lines, a JSON document, CSV), never from
//! the file's name.

use std::io::{self, BufRead, Read};

use super::decode;

/// The shape of a file's content, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    JsonLines,
    JsonDocument,
    Csv,
}

/// An object whose records are in an array under `value`, `records`, `results` or `Results`,
/// or whose tables are under `tables` (a Log Analytics query response).
fn is_envelope(obj: &serde_json::Map<String, serde_json::Value>) -> bool {
    ENVELOPE_KEYS
        .iter()
        .any(|k| obj.get(*k).is_some_and(serde_json::Value::is_array))
}

const ENVELOPE_KEYS: [&str; 6] = ["value", "records", "results", "Results", "tables", "Tables"];

/// Whether `head` (the first bytes read, [`read_head`]) is the start of a first line that
/// opens an object and runs to the record limit or past it (no newline in it: the head stops
/// at the limit) without being an envelope of records: a JSON-lines record over the limit,
/// to be skipped and said as one, not a JSON document (breaker 14 #5 read such a file as a
/// document). An envelope (one of [`ENVELOPE_KEYS`] opening an array at the top level) may
/// be written on one line of any length: a document.
pub fn long_first_record(head: &[u8], max_record_bytes: usize) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let body = &head[start.unwrap_or(head.len())..];
    body.first() == Some(&b'{')
        && body.len() >= max_record_bytes
        && memchr::memchr(b'\n', body).is_none()
        && !opens_envelope(body)
}

/// Whether a key of [`ENVELOPE_KEYS`] opens an array at the top level of the object `body`
/// starts (cut anywhere: its strings are passed over, escapes and all).
fn opens_envelope(body: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                // The string's end: its next quote that no backslash escapes.
                let mut end = i + 1;
                loop {
                    // A backslash as the head's last byte leaves `end` past it.
                    match body
                        .get(end..)
                        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                    {
                        Some(j) if body[end + j] == b'\\' => end += j + 2,
                        Some(j) => {
                            end += j;
                            break;
                        }
                        None => return false,
                    }
                }
                let after = |from: usize| {
                    body.get(from..)
                        .and_then(|r| r.iter().position(|b| !b.is_ascii_whitespace()))
                        .map(|k| from + k)
                };
                let key = &body[i + 1..end.min(body.len())];
                if depth == 1
                    && ENVELOPE_KEYS.iter().any(|k| k.as_bytes() == key)
                    && let Some(colon) = after(end + 1).filter(|&c| body[c] == b':')
                    && after(colon + 1).is_some_and(|v| body[v] == b'[')
                {
                    return true;
                }
                i = end + 1;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// Decides the shape from the first (decompressed) bytes.
pub fn sniff(head: &[u8]) -> Result<Shape, String> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err("the file is empty".to_owned());
    };
    let body = &head[first..];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        // An Office Open XML file (an .xlsx workbook) names its content types first.
        if memchr::memmem::find(head, b"[Content_Types].xml").is_some() {
            return Err(
                "an Office file (an Excel workbook is a zip archive of XML): save it as CSV UTF-8 first"
                    .to_owned(),
            );
        }
        return Err("a zip archive: extract it first".to_owned());
    }
    // A NUL byte in the text (a damaged cell, a hostile string) does not make a file binary:
    // the file is binary when its first line is neither JSON nor a CSV header, and a NUL is
    // then named as the likely cause.
    let binary = |why: &str| match memchr::memchr(0, body) {
        Some(nul) => format!(
            "binary content (a NUL byte at byte offset {})",
            head.len() - body.len() + nul
        ),
        None => why.to_owned(),
    };
    match body[0] {
        // A JSON text sequence (RFC 7464, `application/json-seq`): each text after a record
        // separator, read as JSON documents one after another.
        b'[' | 0x1e => Ok(Shape::JsonDocument),
        b'{' => {
            // JSON lines when the first line is a whole JSON value on its own, unless that
            // value is an envelope of records (`{"Results":[…]}` written on one line).
            let line_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
            let line = &body[..line_end];
            match decode::parse_repaired::<serde_json::Map<String, serde_json::Value>>(line) {
                Ok((obj, ..)) if is_envelope(&obj) => Ok(Shape::JsonDocument),
                Ok(_) => Ok(Shape::JsonLines),
                Err(_) => Ok(Shape::JsonDocument),
            }
        }
        _ => {
            let line_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
            let line = String::from_utf8_lossy(&body[..line_end]);
            let printable = line
                .chars()
                .filter(|c| !c.is_control() || *c == '\t' || *c == '\r')
                .count();
            let mostly_text = printable * 10 >= line.chars().count() * 9;
            let delimited = line.contains([',', '\t', ';', '|']);
            if let Some(what) = powershell_view(body) {
                Err(what.to_owned())
            } else if line.starts_with("#TYPE") || (delimited && mostly_text) {
                Ok(Shape::Csv)
            } else {
                Err(binary("neither JSON nor CSV"))
            }
        }
    }
}

/// PowerShell's other ways of writing objects to a file, none of which keeps them whole:
/// CliXML (`Export-Clixml`), and the list and table views (`Format-List`, `Format-Table`,
/// or objects sent to `Out-File` or `>`), whose long values are cut to the console's
/// width. What it is and how to export it instead.
fn powershell_view(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"#< CLIXML") || body.starts_with(b"<Objs ") {
        return Some(
            "PowerShell CliXML (Export-Clixml), not read: load it with Import-Clixml and save it \
             with Export-Csv or ConvertTo-Json -Depth 10",
        );
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    // `RunspaceId   : 4d4d…` / `AuditData    : {"CreationTime":…`
    let list_line = |l: &str| {
        let key = l
            .split_once(" : ")
            .map_or(l.strip_suffix(" :"), |(k, _)| Some(k));
        key.map(str::trim_end).is_some_and(|k| {
            k.starts_with(|c: char| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    // A line of dashes under each column's name.
    let rule_line = |l: &str| l.contains("--") && l.chars().all(|c| c == '-' || c == ' ');
    let listed = lines.len() >= 2 && lines[..2].iter().all(|l| list_line(l));
    let tabled = lines.get(1).is_some_and(|l| rule_line(l));
    (listed || tabled).then_some(
        "PowerShell's list or table view of objects (Format-List, Format-Table, or objects sent \
         to Out-File), whose long values are cut to the console's width: not read; save the \
         objects with Export-Csv or ConvertTo-Json -Depth 10",
    )
}

/// Reads the first bytes of the content: up to the end of the first non-blank line, or
/// 64 KiB past the blank lines that lead (those up to `max_blank` bytes), whichever comes
/// first (pipes may deliver less in one read). A first line that opens an object is read to
/// its end, up to `max_blank` bytes (the record limit): whether the file is JSON lines is
/// decided on the whole first record, so a long first record (a long field, deep nesting)
/// does not turn JSON lines into a document. A read error ends the head; it is returned with
/// what was read before it. So does a cancel past the first 64 KiB (enough to tell the
/// shape): a long first record of a gzip file takes a while to expand, and Ctrl+C in the
/// workbench is answered at once.
pub(super) fn read_head(
    reader: &mut Box<dyn BufRead + Send>,
    max_blank: usize,
    cancelled: &dyn Fn() -> bool,
) -> (Vec<u8>, Option<io::Error>) {
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    // How many bytes at the start are blank (all of `head` while no content was seen): they
    // do not count against the 64 KiB.
    let mut blank = 0;
    let cap = |head: &[u8], blank: usize| {
        let content = &head[blank.min(head.len())..];
        if content
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(content)
            .first()
            == Some(&b'{')
        {
            max_blank
        } else {
            64 << 10
        }
    };
    while head.len() < blank + cap(&head, blank) && blank < max_blank {
        if head.len() > 64 << 10 && cancelled() {
            break;
        }
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (head, Some(e)),
        };
        if n == 0 {
            break;
        }
        let before = head.len();
        head.extend_from_slice(&chunk[..n]);
        if blank == before {
            blank += head[before..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        }
        // Only the bytes just read can hold the first newline after the blanks: looking
        // through the whole head again at each read made a long first line quadratic (a
        // 64 MiB one took 46 s).
        let from = blank.max(before);
        if from < head.len() && memchr::memchr(b'\n', &head[from..]).is_some() {
            break;
        }
    }
    (head, None)
}

/// Reads up to `limit` bytes (less at the end of the file); a read error ends the sample and
/// is returned with what was read before it.
pub(super) fn read_sample(
    reader: &mut Box<dyn BufRead + Send>,
    limit: usize,
) -> (Vec<u8>, Option<io::Error>) {
    let mut sample = Vec::with_capacity(limit.min(64 << 10));
    match reader.take(limit as u64).read_to_end(&mut sample) {
        Ok(_) => (sample, None),
        Err(e) => (sample, Some(e)),
    }
}

/// A reader that fails once with the error that ended the head, then is at its end.
pub(super) struct FailingReader(pub(super) Option<io::Error>);

impl Read for FailingReader {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

impl BufRead for FailingReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(&[]),
        }
    }

    fn consume(&mut self, _amt: usize) {}
}

#[cfg(test)]
mod long_record_tests {
    use super::long_first_record;

    /// A head cut just after a backslash inside a string (found by the glued-fragments
    /// proptest): read as a long first record, not a panic.
    #[test]
    fn a_head_cut_after_a_backslash_is_a_long_record() {
        assert!(long_first_record(br#"{"abc\"#, 6));
        assert!(long_first_record(br#"  {"k":"v\"#, 8));
    }
}
