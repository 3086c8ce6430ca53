//! Opening an input (a path or `-`, gzip detected), counting and hashing its bytes as they
//! are read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use super::{LoadError, hex};

/// Counts the bytes read through it, for progress, and hashes them when asked.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
    digest: Option<Arc<std::sync::Mutex<ReadDigest>>>,
}

/// Counts the bytes taken from a buffered reader (the gzip decoder's input).
struct Consumed<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: BufRead> Read for Consumed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Consumed<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.count.fetch_add(amt as u64, Ordering::Relaxed);
        self.inner.consume(amt);
    }
}

/// The SHA-256 of a file's bytes as they were read, and whether the reading reached its end.
#[derive(Default)]
pub struct ReadDigest {
    hasher: sha2::Sha256,
    bytes: u64,
    at_end: bool,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(d) = &self.digest {
            let mut d = d.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            d.update(&buf[..n]);
            d.at_end |= n == 0 && !buf.is_empty();
        }
        Ok(n)
    }
}

impl ReadDigest {
    /// Forgets what was hashed: the file is read again from its first byte.
    pub(super) fn restart(&mut self) {
        *self = Self::default();
    }

    /// Hashes the next bytes of the file (read elsewhere, in order).
    pub(super) fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    /// The reading reached the end of the file.
    pub(super) fn reached_end(&mut self) {
        self.at_end = true;
    }
}

/// An opened input: a buffered reader of its (decompressed) content.
pub struct Input {
    pub reader: Box<dyn BufRead + Send>,
    pub read_so_far: Arc<AtomicU64>,
    pub size: u64,
    pub gzip: bool,
    /// The hash of the bytes read, when [`open_input_hashed`] asked for it.
    pub digest: Option<Arc<std::sync::Mutex<ReadDigest>>>,
    /// Bytes of the gzip file its decoder has taken so far (0 for other files): read ahead
    /// is not counted, so that how far the content expands is known from the first bytes.
    pub gzip_consumed: Arc<AtomicU64>,
    /// The file itself (another handle) when it is a regular file, for positioned reads.
    pub regular_file: Option<File>,
}

/// Opens a path (or `-`), detecting gzip by its magic bytes.
pub fn open_input(path: &Path) -> Result<Input, LoadError> {
    open_input_hashed(path, false)
}

/// [`open_input`], hashing the bytes as they are read when `hash` is set.
pub fn open_input_hashed(path: &Path, hash: bool) -> Result<Input, LoadError> {
    let display = path.display().to_string();
    let unreadable = |e| LoadError::Unreadable {
        path: display.clone(),
        error: e,
    };
    let count = Arc::new(AtomicU64::new(0));
    let mut regular_file = None;
    let (raw, size): (Box<dyn Read + Send>, u64) = if path.as_os_str() == "-" {
        // Standard input itself, or its bytes read ahead to name its journal.
        (crate::context::stdin_copy::stdin_source(), 0)
    } else if let Some(spooled) = crate::context::stdin_copy::take_spool(path) {
        // A pipe read ahead to name its journal by its content: its bytes are in the
        // spool (the pipe itself is read to its end). Its size is known now; it is still
        // no regular file (its records are read back from the copy, not the path).
        let size = spooled.metadata().map_or(0, |m| m.len());
        (Box::new(spooled), size)
    } else {
        let f = File::open(path).map_err(unreadable)?;
        let meta = f.metadata().ok();
        if meta.as_ref().is_some_and(std::fs::Metadata::is_file) {
            regular_file = f.try_clone().ok();
        }
        (Box::new(f), meta.map_or(0, |m| m.len()))
    };
    let digest = hash.then(|| Arc::new(std::sync::Mutex::new(ReadDigest::default())));
    let counting = Counting {
        inner: raw,
        count: count.clone(),
        digest: digest.clone(),
    };
    let mut buffered = BufReader::with_capacity(1 << 20, counting);
    let head = buffered.fill_buf().map_err(unreadable)?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let gzip_consumed = Arc::new(AtomicU64::new(0));
    let reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(Consumed {
                inner: buffered,
                count: gzip_consumed.clone(),
            }),
        ))
    } else {
        Box::new(buffered)
    };
    Ok(Input {
        reader,
        read_so_far: count,
        size,
        gzip,
        digest,
        gzip_consumed,
        regular_file: if gzip { None } else { regular_file },
    })
}

/// The hash and size of the bytes read, when the reading reached the end of the file. When
/// it stopped before (a cancel, a limit, a read error) there is none: the report then hashes
/// the file as it is.
pub(super) fn read_digest(digest: &std::sync::Mutex<ReadDigest>) -> Option<(String, u64)> {
    use sha2::Digest;
    let mut d = digest
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !d.at_end {
        return None;
    }
    let hasher = std::mem::take(&mut d.hasher);
    Some((hex(&hasher.finalize()), d.bytes))
}
