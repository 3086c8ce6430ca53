//! Standard input's content, kept where its related records can be read back.
//!
//! The index keeps no record's text, only its place (see [`super::record`]), and standard
//! input cannot be read a second time. So, when the context is kept, the content read from
//! standard input (decompressed and decoded to UTF-8: the content its offsets count) is
//! copied as it is read into an anonymous temporary file, which the system deletes when the
//! program ends, however it ends. The copy is as large as that content: no larger, and
//! nothing is kept in memory. Reads and writes are positioned, so the loader writing and
//! any number of readers never move each other's place.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The copy of standard input, once its first byte was read (it is read once a run).
static COPY: Mutex<Option<Arc<Copy>>> = Mutex::new(None);

/// The temporary file and how far it is written.
#[derive(Debug)]
struct Copy {
    /// `None` when no temporary file could be created (see `failed`).
    file: Option<File>,
    /// Bytes written, from the content's start.
    written: AtomicU64,
    /// Why the copy stopped short (no temporary file, a full disk), when it did.
    failed: Mutex<Option<String>>,
}

/// Standard input read ahead into a temporary file ([`spool`]), which the loader then reads
/// in its place; taken by the first reader.
static SPOOL: Mutex<Option<File>> = Mutex::new(None);

/// Reads the whole of standard input into an anonymous temporary file (in `$TMPDIR`; the
/// system deletes it when sts-triage exits, however it exits), as its bytes came (a gzip
/// stream stays compressed), and returns their SHA-256 (lowercase hex): the hash the report
/// gives standard input, known before anything else is read, so that its journal can be
/// named by its content (`journal::stdin_location`). The loader then reads `-` from this
/// file ([`stdin_source`]). `Ok(Err(why))`: no temporary file could be created, and nothing
/// was read (standard input is then read as it comes); `Err`: reading standard input or
/// writing the file failed, after part of it was read: an error to stop on, since that part
/// cannot be read again.
pub fn spool() -> io::Result<Result<String, io::Error>> {
    use sha2::Digest;
    use std::io::Write;
    let mut file = match tempfile::tempfile() {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let mut hasher = sha2::Sha256::new();
    let mut input = io::stdin().lock();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])?;
    }
    file.seek(SeekFrom::Start(0))?;
    *SPOOL.lock().unwrap_or_else(PoisonError::into_inner) = Some(file);
    Ok(Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()))
}

/// What the loader reads for `-`: standard input's bytes from the file [`spool`] wrote, if
/// it ran, else standard input itself.
pub fn stdin_source() -> Box<dyn Read + Send> {
    match SPOOL.lock().unwrap_or_else(PoisonError::into_inner).take() {
        Some(file) => Box::new(file),
        None => Box::new(io::stdin()),
    }
}

/// The content of the input at `path`, as the loader reads it (decompressed, decoded): for
/// standard input (`-`) with the context kept, with every byte read also written to the copy
/// that [`reader`] reads back; else `content` itself.
pub fn tee(
    path: &std::path::Path,
    context: bool,
    content: Box<dyn BufRead + Send>,
) -> Box<dyn BufRead + Send> {
    if path.as_os_str() != "-" || !context {
        return content;
    }
    Box::new(BufReader::with_capacity(
        1 << 20,
        Tee {
            inner: content,
            copy: None,
        },
    ))
}

struct Tee {
    inner: Box<dyn BufRead + Send>,
    copy: Option<Arc<Copy>>,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.keep(&buf[..n]);
        }
        Ok(n)
    }
}

impl Tee {
    /// Appends to the copy; a failure is kept to be told when a record past it is asked
    /// for, and never stops the load.
    fn keep(&mut self, bytes: &[u8]) {
        let copy = self.copy.get_or_insert_with(|| {
            let (file, failed) = match tempfile::tempfile() {
                Ok(f) => (Some(f), None),
                Err(e) => (
                    None,
                    Some(format!("no temporary file could be created ({e})")),
                ),
            };
            let copy = Arc::new(Copy {
                file,
                written: AtomicU64::new(0),
                failed: Mutex::new(failed),
            });
            *COPY.lock().unwrap_or_else(PoisonError::into_inner) = Some(copy.clone());
            copy
        });
        let Some(file) = &copy.file else {
            return;
        };
        let mut failed = copy.failed.lock().unwrap_or_else(PoisonError::into_inner);
        if failed.is_some() {
            return;
        }
        let at = copy.written.load(Ordering::Acquire);
        match write_all_at(file, bytes, at) {
            Ok(()) => copy
                .written
                .store(at + bytes.len() as u64, Ordering::Release),
            Err(e) => *failed = Some(format!("writing its temporary copy failed ({e})")),
        }
    }
}

/// A reader of standard input's copy, from its start; it seeks.
#[derive(Debug)]
pub struct Reader {
    copy: Arc<Copy>,
    pos: u64,
}

/// A reader of the copy of standard input, or why there is none.
pub fn reader() -> io::Result<Reader> {
    let copy = COPY.lock().unwrap_or_else(PoisonError::into_inner).clone();
    match copy {
        Some(copy) => Ok(Reader { copy, pos: 0 }),
        None => Err(io::Error::other(
            "it was read from standard input, of which no copy was kept",
        )),
    }
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let written = self.copy.written.load(Ordering::Acquire);
        let left = written.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            let failed = self
                .copy
                .failed
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            return match &*failed {
                Some(why) if !buf.is_empty() => Err(io::Error::other(format!(
                    "standard input's copy stops at byte {written}: {why}"
                ))),
                _ => Ok(0),
            };
        }
        let Some(file) = &self.copy.file else {
            return Ok(0);
        };
        let n = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
        let n = read_at(file, &mut buf[..n], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Reader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let end = self.copy.written.load(Ordering::Acquire);
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => end.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::other("a seek before the copy's start"))?;
        Ok(self.pos)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(file, bytes, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}
