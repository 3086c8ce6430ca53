//! Standard input's content, and that of any input that is not a regular file (a pipe
//! given by its path: `<(zcat x.gz)` as `/dev/fd/63`, `/dev/stdin`, a named pipe), kept
//! where its related records can be read back.
//!
//! The index keeps no record's text, only its place (see [`super::record`]), and a pipe
//! cannot be read a second time (opening a named pipe again waits for a writer that never
//! comes). So, when the context is kept, the content read from such an input (decompressed
//! and decoded to UTF-8: the content its offsets count) is copied as it is read into an
//! anonymous temporary file, which the system deletes when the program ends, however it
//! ends. The copy is as large as that content: no larger, and nothing is kept in memory.
//! Reads and writes are positioned, so the loader writing and any number of readers never
//! move each other's place.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The copies of the inputs read once (standard input, pipes), by the name the loader gives
/// each (`(stdin)` for `-`, else the path as given), once their first byte was read.
static COPIES: Mutex<Vec<(String, Arc<Copy>)>> = Mutex::new(Vec::new());

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

/// Inputs read ahead into temporary files ([`spool`]), by their path as given (`-` for
/// standard input), which the loader then reads in their place; each taken by its first
/// reader.
static SPOOLS: Mutex<Vec<(PathBuf, File)>> = Mutex::new(Vec::new());

/// Whether an input can be read only once: standard input (`-`), or a path that names no
/// regular file and no folder (a pipe: `<(…)` as `/dev/fd/63`, `/dev/stdin` fed by a pipe,
/// a named pipe; or a device). A path that cannot be read at all is not one: its error is
/// said where it is opened.
pub fn read_once(path: &Path) -> bool {
    path.as_os_str() == "-" || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Whether a path names a pipe (a FIFO: `<(…)`, `/dev/stdin` fed by a pipe, a named pipe),
/// which ends when its writer is done, unlike a device (`/dev/zero` never ends).
#[cfg(unix)]
pub fn is_pipe(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

#[cfg(not(unix))]
pub fn is_pipe(_path: &Path) -> bool {
    false
}

/// Reads the whole of an input that can be read only once (`-` for standard input, or a
/// pipe given by its path: [`is_pipe`]) into an anonymous temporary file (in `$TMPDIR`; the
/// system deletes it when sts-triage exits, however it exits), as its bytes came (a gzip
/// stream stays compressed), and returns their SHA-256 (lowercase hex): the hash the report
/// gives the input, known before anything else is read, so that its journal can be named by
/// its content (`journal::stdin_location`). The loader then reads the input from this file
/// ([`input_source`]). `Ok(Err(why))`: no temporary file could be created (or the pipe could
/// not be opened), and nothing was read (the input is then read as it comes); `Err`: reading
/// the input or writing the file failed, after part of it was read: an error to stop on,
/// since that part cannot be read again.
pub fn spool(path: &Path) -> io::Result<Result<String, io::Error>> {
    use sha2::Digest;
    use std::io::Write;
    let mut file = match tempfile::tempfile() {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let mut hasher = sha2::Sha256::new();
    let mut input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => return Ok(Err(e)),
        }
    };
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
    SPOOLS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((path.to_owned(), file));
    Ok(Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()))
}

/// What the loader reads for `-`: standard input's bytes from the file [`spool`] wrote, if
/// it ran, else standard input itself.
pub fn stdin_source() -> Box<dyn Read + Send> {
    match take_spool(Path::new("-")) {
        Some(file) => Box::new(file),
        None => Box::new(io::stdin()),
    }
}

/// The file [`spool`] wrote for `path` (its size with it), once: the loader reads that in
/// the pipe's place (the pipe itself was read to its end).
pub fn take_spool(path: &Path) -> Option<File> {
    let mut spools = SPOOLS.lock().unwrap_or_else(PoisonError::into_inner);
    let at = spools.iter().position(|(p, _)| p == path)?;
    Some(spools.swap_remove(at).1)
}

/// The content of the input at `path`, as the loader reads it (decompressed, decoded): for
/// an input read once ([`read_once`]: standard input, a pipe) with the context kept, with
/// every byte read also written to the copy that [`reader`] reads back under `name` (the
/// name the loader gives the input); else `content` itself.
pub fn tee(
    path: &Path,
    name: &str,
    context: bool,
    content: Box<dyn BufRead + Send>,
) -> Box<dyn BufRead + Send> {
    if !context || !read_once(path) {
        return content;
    }
    Box::new(BufReader::with_capacity(
        1 << 20,
        Tee {
            inner: content,
            name: name.to_owned(),
            copy: None,
        },
    ))
}

struct Tee {
    inner: Box<dyn BufRead + Send>,
    name: String,
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
            let mut copies = COPIES.lock().unwrap_or_else(PoisonError::into_inner);
            copies.retain(|(n, _)| *n != self.name);
            copies.push((self.name.clone(), copy.clone()));
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

/// Whether the input the loader names `name` was read once and copied (or is standard
/// input, `(stdin)`, whose copy may be missing): its records are read back from
/// [`reader`], never from the path (a pipe opened again waits for a writer).
pub fn is_copied(name: &str) -> bool {
    name == "(stdin)"
        || name == "-"
        || COPIES
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|(n, _)| n == name)
}

/// A reader of the copy of the input the loader names `name` (`(stdin)` for standard
/// input), or why there is none.
pub fn reader(name: &str) -> io::Result<Reader> {
    let name = if name == "-" { "(stdin)" } else { name };
    let copy = COPIES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| c.clone());
    match copy {
        Some(copy) => Ok(Reader { copy, pos: 0 }),
        None => Err(io::Error::other(if name == "(stdin)" {
            "it was read from standard input, of which no copy was kept".to_owned()
        } else {
            "it was read from a pipe, of which no copy was kept".to_owned()
        })),
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
                    "the copy of the input read once stops at byte {written}: {why}"
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
