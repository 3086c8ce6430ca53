//! A followed file replaced under its name (logrotate: renamed and recreated; truncated or
//! rewritten in place): how it is seen, and how what was read is kept apart from the new
//! file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Tail, TailKind, decoded, identity};
use crate::load::{Prefilter, ScanMessage};
use crate::model::{FileSummary, Problem};

impl Tail {
    /// Why the file under the followed name is not the one read so far, if it is not: another
    /// file (device and inode: renamed and recreated), shorter than what was read
    /// (truncated), or other first bytes (rewritten in place).
    pub(super) fn replaced(
        &self,
        f: &mut File,
        meta: &std::fs::Metadata,
        len: u64,
    ) -> io::Result<Option<&'static str>> {
        if self.identity.is_some() && identity(meta) != self.identity {
            return Ok(Some(
                "another file now has its name (renamed and recreated)",
            ));
        }
        if len < self.offset {
            return Ok(Some("it is now shorter than what was read (truncated)"));
        }
        if self.head.is_empty() || self.missing_said {
            return Ok(None);
        }
        let mut now = vec![0u8; self.head.len()];
        f.seek(SeekFrom::Start(0))?;
        f.read_exact(&mut now)?;
        if now != self.head {
            return Ok(Some("its first bytes changed (rewritten in place)"));
        }
        let mut now = vec![0u8; self.last.len()];
        f.seek(SeekFrom::Start(self.offset - self.last.len() as u64))?;
        f.read_exact(&mut now)?;
        Ok((now != self.last).then_some("the last bytes read changed (rewritten in place)"))
    }

    /// The followed file was replaced (logrotate, a collector writing it again): what was
    /// read keeps the file's name, line numbers and SHA-256 (of the bytes read before), and
    /// the file now under the name is read from its start as a new input,
    /// `<path> (after rotation N)`, with its own line numbers and SHA-256, so the two are
    /// never mixed under one name (a report of both passes `verify` given the old file, e.g.
    /// `a.jsonl.1`, and the new one). Said on the old file's name.
    pub(super) fn rotate(&mut self, why: &str, sink: &mut dyn FnMut(ScanMessage)) {
        self.rotations += 1;
        let name = format!(
            "{} (after rotation {})",
            self.path.display(),
            self.rotations
        );
        if self.announced {
            // The old file's last summary, its format saying it was replaced.
            let mut old = self.summary.clone();
            old.format = format!("{} until replaced", self.summary.format);
            old.sha256 = Some(crate::load::hex(&self.hasher.clone().finalize()));
            sink(ScanMessage::FileSoFar(old));
        }
        sink(ScanMessage::Problem(Problem {
            file: self.file.clone(),
            line: None,
            message: format!(
                "the followed file was replaced: {why}; the rows read before keep this name, \
                 its line numbers and the SHA-256 of the {} bytes read{}; the file now under \
                 its name is read from its start as {name:?}",
                self.summary.bytes,
                // The bytes taken are the file's first: the record not read starts there.
                if self.partial.is_empty() && !self.text.holds_bytes() {
                    String::new()
                } else {
                    format!(
                        " (a last record it held without its line's end, from byte {} on line \
                         {}, was not read)",
                        self.summary.bytes, self.line
                    )
                }
            ),
        }));
        self.file = Arc::from(name.as_str());
        self.summary = FileSummary {
            path: name,
            followed: true,
            ..FileSummary::default()
        };
        self.offset = 0;
        self.text = decoded::Text::new();
        self.fed = 0;
        self.taken = 0;
        self.line = 1;
        self.partial.clear();
        self.skipping = false;
        self.blank_run = false;
        self.kind = TailKind::Unknown;
        self.hasher = Sha256::new();
        self.prefilter = Prefilter::new();
        self.announced = false;
        self.identity = None;
        self.head.clear();
        self.last.clear();
        self.missing_said = false;
        self.header_said = super::super::csvfile::HeaderSaid::default();
    }
}
