//! Follow mode: keep reading JSON-lines files that are still being written (an export in
//! progress) and report the records appended since the last look. Only whole lines are
//! read; a line still being written waits for its newline.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::record::{Classified, Origin, classify};
use super::{Prefilter, ScanMessage};
use crate::model::{Problem, SourceRef};

/// True for a plain (not gzip) file of JSON lines: what follow mode can tail.
pub fn can_follow(path: &Path) -> bool {
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    let mut head = vec![0u8; 64 << 10];
    let Ok(n) = f.read(&mut head) else {
        return false;
    };
    head.truncate(n);
    !head.starts_with(&[0x1f, 0x8b]) && super::sniff(&head) == Ok(super::Shape::JsonLines)
}

/// The read position in one followed file.
pub struct Tail {
    path: PathBuf,
    file: Arc<str>,
    offset: u64,
    line: u64,
    partial: Vec<u8>,
    prefilter: Prefilter,
}

impl Tail {
    /// Starts following `path` from its beginning.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: Arc::from(path.display().to_string()),
            offset: 0,
            line: 1,
            partial: Vec::new(),
            prefilter: Prefilter::new(),
        }
    }

    /// Reads what was appended since the last call; returns how many whole lines were read.
    pub fn poll(&mut self, sink: &mut dyn FnMut(ScanMessage)) -> io::Result<u64> {
        let mut f = File::open(&self.path)?;
        let len = f.metadata()?.len();
        if len < self.offset {
            // The file was truncated or replaced: start again from its beginning.
            sink(ScanMessage::Problem(Problem {
                file: self.file.clone(),
                line: None,
                message: "the file shrank (rewritten?); reading it again from the start".to_owned(),
            }));
            self.offset = 0;
            self.line = 1;
            self.partial.clear();
        }
        if len == self.offset {
            return Ok(0);
        }
        f.seek(SeekFrom::Start(self.offset))?;
        let mut fresh = Vec::new();
        f.take(len - self.offset).read_to_end(&mut fresh)?;
        self.offset += fresh.len() as u64;
        self.partial.extend_from_slice(&fresh);
        let Some(last_nl) = memchr::memrchr(b'\n', &self.partial) else {
            return Ok(0);
        };
        let complete: Vec<u8> = self.partial.drain(..=last_nl).collect();
        let mut lines = 0;
        // Without its final newline, the block splits into exactly its lines.
        for raw_line in complete[..complete.len() - 1].split(|&b| b == b'\n') {
            let bytes = raw_line.trim_ascii();
            if !bytes.is_empty() && self.prefilter.may_match(bytes) {
                self.record(bytes, self.line, sink);
            }
            self.line += 1;
            lines += 1;
        }
        Ok(lines)
    }

    fn record(&self, bytes: &[u8], line: u64, sink: &mut dyn FnMut(ScanMessage)) {
        let value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                sink(ScanMessage::Problem(Problem {
                    file: self.file.clone(),
                    line: Some(line),
                    message: format!("not valid JSON: {e}"),
                }));
                return;
            }
        };
        let raw = String::from_utf8_lossy(bytes);
        let origin = Origin {
            file: &self.file,
            line,
            raw: &raw,
        };
        match classify(value, &origin) {
            Classified::Sts(event) => sink(ScanMessage::Event(event)),
            Classified::ResultRow(row) => sink(ScanMessage::ImportedRow {
                row,
                source: SourceRef {
                    file: self.file.clone(),
                    line,
                },
            }),
            Classified::Other(_) | Classified::Unknown => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const STS: &str = r#"{"CreationTime":"2021-02-04T16:32:42","Id":"x1","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"a@b","ModifiedProperties":[],"Actor":[]}"#;

    #[test]
    fn appended_whole_lines_are_read_once_and_a_partial_line_waits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("live.jsonl");
        std::fs::write(&path, format!("{STS}\n{{\"Operation\":\"x\"")).expect("write");
        let mut tail = Tail::new(&path);
        let mut events = Vec::new();
        let n = tail
            .poll(&mut |m| {
                if let ScanMessage::Event(e) = m {
                    events.push(e.source.line);
                }
            })
            .expect("poll");
        assert_eq!((n, events.as_slice()), (1, &[1u64][..]));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        writeln!(
            f,
            ",\"CreationTime\":\"2021\"}}\n{}",
            STS.replace("x1", "x2")
        )
        .expect("append");
        let mut events = Vec::new();
        let n = tail
            .poll(&mut |m| {
                if let ScanMessage::Event(e) = m {
                    events.push(e.source.line);
                }
            })
            .expect("poll");
        assert_eq!(n, 2);
        assert_eq!(
            events,
            [3],
            "the completed line 2 is no STS event; line 3 is"
        );
        assert_eq!(tail.poll(&mut |_| {}).expect("poll"), 0, "nothing new");
    }
}
