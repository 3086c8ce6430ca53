//! A followed CSV file: its header kept to read the rows appended after it, and where the
//! last whole record of what was read ends.

use super::{Tail, TailKind};

/// The end of the last whole CSV record in `buf` (just after its newline): a newline inside
/// a quoted field (`""` is a quote inside quotes) does not end a record.
pub(super) fn last_csv_record_end(buf: &[u8]) -> Option<usize> {
    let mut quoted = false;
    let mut end = None;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => end = Some(i + 1),
            _ => {}
        }
    }
    end
}

impl Tail {
    /// Takes the header (a `#TYPE` line first, if any) off the start of a CSV file.
    pub(super) fn take_csv_header(&mut self) -> TailKind {
        let mut header_lines = 1;
        let mut end = memchr::memchr(b'\n', &self.partial).map_or(0, |i| i + 1);
        let body = self
            .partial
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&self.partial);
        if body.starts_with(b"#TYPE") || crate::load::csvfile::excel_sep_line(body).is_some() {
            match memchr::memchr(b'\n', &self.partial[end..]) {
                Some(i) => {
                    end += i + 1;
                    header_lines = 2;
                }
                // The header line is not complete yet: look again later.
                None => return TailKind::Unknown,
            }
        }
        let header: Vec<u8> = self.partial.drain(..end).collect();
        self.take(&header);
        self.line += header_lines;
        TailKind::Csv {
            header,
            header_lines,
            under: None,
        }
    }
}
