//! Where the raw text of an STS event is kept: on disk, not in memory. A scan of a file of
//! millions of STS events keeps, per event, a file, a byte offset and a length; the
//! drill-down reads the one record back with a positioned read.
//!
//! - A plain (uncompressed) input: the record's bytes are read back from the input itself,
//!   when the text the loader kept is exactly those bytes (valid UTF-8, as read). A
//!   fingerprint of the bytes, taken at the load, is checked at each read-back: an input
//!   rewritten since the load shows a line saying so, never another record's bytes.
//! - Everything else (gzip, standard input, JSON documents, CSV rows turned into JSON, text
//!   that was decoded or repaired): the text is appended to a spill file, an anonymous
//!   temporary file that the system deletes when the last event referring to it is gone (or
//!   the process exits).

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The raw text of an event: in memory, or stored in a file.
#[derive(Clone)]
pub enum RawText {
    /// Kept in memory (records that were not filed: follow mode, tests, built by hand).
    Text(Box<str>),
    /// `len` bytes at `offset` of an evidence file.
    Stored {
        file: Arc<EvidenceFile>,
        offset: u64,
        len: u32,
        /// The text holds U+FFFD or a lone surrogate escape (see
        /// [`crate::load::decode::has_replacement`]), noted when it was filed.
        replaced: bool,
        /// [`fingerprint`] of the record's bytes when it was filed from the input itself,
        /// checked when it is read back: an input rewritten since the load (replaced by
        /// another export, reordered) has other bytes at that place. Unchecked for a spill
        /// file, which only this process writes.
        fingerprint: u32,
    },
}

/// A 32-bit fingerprint of a record's bytes: enough to tell a record from another one
/// written at its place (a chance of about 1 in 4·10⁹ that two differ unseen), and 4 bytes
/// where a lean event keeps its place on disk. foldhash: fast over long records (the bytes
/// are in hand at the load; hashing them is a small part of its cost).
pub fn fingerprint(bytes: &[u8]) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x5354_5352_4546_5245).build_hasher();
    h.write(bytes);
    let x = h.finish();
    (x ^ (x >> 32)) as u32
}

/// What a read-back of a record of an input says when the input changed since the load.
pub const CHANGED_SINCE_LOAD: &str =
    "the file changed since the load: this record cannot be shown; reload";

impl From<&str> for RawText {
    fn from(s: &str) -> Self {
        Self::Text(s.into())
    }
}

impl fmt::Debug for RawText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(t) => fmt::Debug::fmt(t, f),
            Self::Stored { offset, len, .. } => write!(f, "Stored({offset}+{len})"),
        }
    }
}

impl RawText {
    /// The text (a positioned read of one record when it is stored). Errors: the file can no
    /// longer be read (an input deleted or truncated since the scan).
    pub fn text(&self) -> io::Result<String> {
        match self {
            Self::Text(t) => Ok(t.to_string()),
            Self::Stored {
                file,
                offset,
                len,
                fingerprint,
                ..
            } => file.read(*offset, *len, *fingerprint),
        }
    }

    /// True when something in the text was replaced by U+FFFD (invalid UTF-8, a lone
    /// surrogate escape), without reading it back.
    pub fn has_replacement(&self) -> bool {
        match self {
            Self::Text(t) => crate::load::decode::has_replacement(t),
            Self::Stored { replaced, .. } => *replaced,
        }
    }

    /// True when the text is stored on disk, not held in memory.
    pub fn is_stored(&self) -> bool {
        matches!(self, Self::Stored { .. })
    }
}

/// A file that holds raw texts: the input itself, or a spill file.
pub struct EvidenceFile {
    reader: File,
    /// Set for a spill file: appends go through the buffer, which a read flushes first.
    spill: Option<Mutex<Spill>>,
}

struct Spill {
    out: BufWriter<File>,
    end: u64,
    flushed: u64,
}

impl EvidenceFile {
    /// `len` bytes at `offset`. Errors: the file cannot be read there, or (an input) it is
    /// shorter than at the load or holds other bytes there than the record's
    /// (`fingerprint`): [`CHANGED_SINCE_LOAD`]. An input that only grew (`--follow`, an
    /// append) still reads back its records.
    fn read(&self, offset: u64, len: u32, fingerprint: u32) -> io::Result<String> {
        if let Some(spill) = &self.spill {
            let mut s = spill.lock().unwrap_or_else(PoisonError::into_inner);
            if s.flushed < offset + u64::from(len) {
                s.out.flush()?;
                s.flushed = s.end;
            }
        }
        let mut buf = vec![0u8; len as usize];
        let changed = || io::Error::new(io::ErrorKind::InvalidData, CHANGED_SINCE_LOAD);
        match read_exact_at(&self.reader, &mut buf, offset) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && self.spill.is_none() => {
                return Err(changed());
            }
            r => r?,
        }
        if self.spill.is_none() && self::fingerprint(&buf) != fingerprint {
            return Err(changed());
        }
        // The input's bytes are filed only when they were valid UTF-8 (and checked above);
        // should they not be, they show as replacement characters rather than failing.
        Ok(String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    fn append(&self, text: &str) -> io::Result<u64> {
        let Some(spill) = &self.spill else {
            return Err(io::Error::other("not a spill file"));
        };
        let mut s = spill.lock().unwrap_or_else(PoisonError::into_inner);
        let at = s.end;
        s.out.write_all(text.as_bytes())?;
        s.end += text.len() as u64;
        Ok(at)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Files the raw texts of one input's events. Shared by the scanning threads.
pub struct Filer {
    /// The input, when its content is its bytes on disk (not compressed, not a pipe).
    input: Option<std::path::PathBuf>,
    opened: OnceLock<Option<Arc<EvidenceFile>>>,
    verified: OnceLock<bool>,
    spill: OnceLock<Option<Arc<EvidenceFile>>>,
}

/// Records longer than this stay in memory (a length is kept in 32 bits).
const MAX_FILED: usize = u32::MAX as usize;

impl Filer {
    /// For an input whose content offsets are byte offsets of `path` (`None`: a
    /// decompressed or piped input, whose texts go to a spill file).
    pub fn new(path: Option<&Path>) -> Self {
        Self {
            input: path.map(Path::to_path_buf),
            opened: OnceLock::new(),
            verified: OnceLock::new(),
            spill: OnceLock::new(),
        }
    }

    /// The raw text of a record read at `offset` of the input as `bytes`: stored as a place
    /// in the input when `text` is exactly those bytes, else appended to the spill file.
    /// Left in memory when neither can be written.
    pub fn file_at(&self, text: Box<str>, bytes: &[u8], offset: u64) -> RawText {
        if text.as_bytes() == bytes
            && bytes.len() <= MAX_FILED
            && let Some(file) = self.input_file()
            && self.offsets_are_the_files(&file, bytes, offset)
        {
            return RawText::Stored {
                file,
                offset,
                len: bytes.len() as u32,
                replaced: crate::load::decode::has_replacement(&text),
                fingerprint: fingerprint(bytes),
            };
        }
        self.spill(text)
    }

    /// Appends the text to the spill file.
    pub fn spill(&self, text: Box<str>) -> RawText {
        if text.len() > MAX_FILED {
            return RawText::Text(text);
        }
        let Some(file) = self.spill_file() else {
            return RawText::Text(text);
        };
        match file.append(&text) {
            Ok(offset) => RawText::Stored {
                file,
                offset,
                len: text.len() as u32,
                replaced: crate::load::decode::has_replacement(&text),
                fingerprint: 0,
            },
            Err(_) => RawText::Text(text),
        }
    }

    /// Files a text that is still in memory (spilled); a stored one is left as it is.
    pub fn file(&self, raw: &mut RawText) {
        if let RawText::Text(t) = raw {
            *raw = self.spill(std::mem::take(t));
        }
    }

    /// Checked once per input, on its first filed record: the bytes at that offset of the
    /// file are the record's. Should the loader ever hand on content that is not the file's
    /// own bytes (decoded from another encoding), every text goes to the spill file instead.
    fn offsets_are_the_files(&self, file: &EvidenceFile, bytes: &[u8], offset: u64) -> bool {
        *self.verified.get_or_init(|| {
            let mut buf = vec![0u8; bytes.len()];
            read_exact_at(&file.reader, &mut buf, offset).is_ok() && buf == bytes
        })
    }

    fn input_file(&self) -> Option<Arc<EvidenceFile>> {
        self.opened
            .get_or_init(|| {
                let path = self.input.as_ref()?;
                // Only a regular file can be read again at an offset: opening a FIFO again
                // (a named pipe, `<(zcat …)`) waits for a writer that never comes, and a
                // device gives other bytes. Those records go to the spill file.
                if !std::fs::metadata(path).ok()?.is_file() {
                    return None;
                }
                let reader = File::open(path).ok()?;
                Some(Arc::new(EvidenceFile {
                    reader,
                    spill: None,
                }))
            })
            .clone()
    }

    fn spill_file(&self) -> Option<Arc<EvidenceFile>> {
        self.spill
            .get_or_init(|| {
                let file = tempfile::tempfile().ok()?;
                let reader = file.try_clone().ok()?;
                Some(Arc::new(EvidenceFile {
                    reader,
                    spill: Some(Mutex::new(Spill {
                        out: BufWriter::with_capacity(256 << 10, file),
                        end: 0,
                        flushed: 0,
                    })),
                }))
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_texts_read_back_exactly_while_more_are_written() {
        let filer = Filer::new(None);
        let a = filer.spill("{\"a\":\"é\"}".into());
        let b = filer.spill("second".into());
        assert!(a.is_stored() && b.is_stored());
        assert_eq!(b.text().expect("read"), "second");
        let c = filer.spill("third".into());
        assert_eq!(a.text().expect("read"), "{\"a\":\"é\"}");
        assert_eq!(c.text().expect("read"), "third");
    }

    #[test]
    fn a_record_is_read_back_from_its_place_in_the_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.jsonl");
        std::fs::write(&path, "{\"x\":1}\n  {\"y\":2}\n").expect("write");
        let filer = Filer::new(Some(&path));
        let raw = filer.file_at("{\"y\":2}".into(), b"{\"y\":2}", 10);
        assert!(matches!(raw, RawText::Stored { offset: 10, .. }));
        assert_eq!(raw.text().expect("read"), "{\"y\":2}");
        // Text that is not the bytes as read (decoded, repaired) goes to the spill file.
        let repaired = filer.file_at("{\"y\":\"\u{fffd}\"}".into(), b"{\"y\":\"\xff\"}", 0);
        assert_eq!(repaired.text().expect("read"), "{\"y\":\"\u{fffd}\"}");
    }

    /// The tester's steps: the input rewritten while the workbench is open (another export
    /// in its place, or its lines reordered at the same size) gave another record's bytes
    /// under this record's title.
    #[test]
    fn a_record_of_an_input_rewritten_since_the_load_is_not_shown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.jsonl");
        std::fs::write(&path, "{\"x\":1}\n{\"y\":2}\n").expect("write");
        let filer = Filer::new(Some(&path));
        let _first = filer.file_at("{\"x\":1}".into(), b"{\"x\":1}", 0);
        let raw = filer.file_at("{\"y\":2}".into(), b"{\"y\":2}", 8);
        assert_eq!(raw.text().expect("read"), "{\"y\":2}");
        // Appended to (`--follow`): still the record.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(b"{\"z\":3}\n").expect("append");
        assert_eq!(raw.text().expect("read"), "{\"y\":2}");
        // Rewritten in place at the same size, lines reordered (`tac`).
        std::fs::write(&path, "{\"z\":3}\n{\"x\":1}\n{\"y\":2}\n").expect("write");
        let e = raw.text().expect_err("another record is at its place");
        assert_eq!(e.to_string(), CHANGED_SINCE_LOAD);
        // Cut shorter.
        std::fs::write(&path, "{}\n").expect("write");
        let e = raw.text().expect_err("the record is gone");
        assert_eq!(e.to_string(), CHANGED_SINCE_LOAD);
    }
}
