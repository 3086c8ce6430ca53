//! Whether follow mode can tail a file, or reads it once and why (gzip, a JSON document):
//! decided from its first bytes, apart from the tailing itself (`follow.rs`).

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// True for a plain (not gzip) file of JSON lines or CSV: what follow mode can tail. A file
/// whose first line is a whole array or envelope (Defender's streaming export writes one
/// `{"records":[…]}` a line) is JSON lines too: its lines are read as a first load reads
/// such lines (`json::Ctx::nested_line`).
pub fn can_follow(path: &Path) -> bool {
    follow_verdict(path).is_ok()
}

/// Why follow mode reads a file once instead of following it, for the workbench to say
/// (`a JSON document (not one JSON value a line): read once, not followed`); `None` when it
/// is followed, or when the file cannot be read or is of no known format (the scan says so).
pub fn not_followed(path: &Path) -> Option<&'static str> {
    follow_verdict(path).err().flatten()
}

/// `Ok`: followed; `Err(why)`: read once (`None`: the scan of the file says why).
fn follow_verdict(path: &Path) -> Result<(), Option<&'static str>> {
    let mut f = File::open(path).map_err(|_| None)?;
    let mut head = vec![0u8; 64 << 10];
    let n = f.read(&mut head).map_err(|_| None)?;
    head.truncate(n);
    if head.starts_with(&[0x1f, 0x8b]) {
        return Err(Some("a gzip file: read once, not followed"));
    }
    // Its text, decoded as a first load decodes it (a UTF-16 export is followed too:
    // breaker15 #1, it was read once and nothing said so).
    let encoding = crate::load::decode::detect(&head);
    if let Some(mut decoded) = crate::load::decode::DecodeReader::new(&head[..], encoding) {
        let mut text = Vec::new();
        decoded.read_to_end(&mut text).map_err(|_| None)?;
        head = text;
    }
    match crate::load::sniff(&head) {
        Ok(crate::load::Shape::JsonLines | crate::load::Shape::Csv) => Ok(()),
        Ok(crate::load::Shape::JsonDocument) if first_line_whole(&head) => Ok(()),
        Ok(crate::load::Shape::JsonDocument) => Err(Some(
            "a JSON document (not one JSON value a line): read once, not followed",
        )),
        Err(_) => Err(None),
    }
}

/// Whether the first line that is not blank is a whole JSON value, ended by its newline.
fn first_line_whole(head: &[u8]) -> bool {
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let Some(end) = memchr::memchr(b'\n', &body[start..]) else {
        return false;
    };
    crate::load::json::is_whole_json(body[start..start + end].trim_ascii())
}
