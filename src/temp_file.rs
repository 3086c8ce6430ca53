//! An anonymous temporary file (deleted by the system when closed) written through a buffer
//! and read back at any offset while it is still being written: the bytes already flushed
//! from the file, the rest from the buffer, so that reading never forces a flush.
//!
//! The one read-back path of what the headless commands keep on disk rather than in memory:
//! the context index's records (`context::on_disk`, `context::entries`) and what the report's
//! context needs of a lean event (`scan::spill`).

use std::fs::File;
use std::io::{self, BufWriter, Write};

/// Bytes appended to an anonymous temporary file through a 64 KiB buffer.
pub struct TempFile {
    w: BufWriter<File>,
    /// Bytes appended (flushed or still in the buffer).
    len: u64,
}

impl std::fmt::Debug for TempFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TempFile({} bytes)", self.len)
    }
}

impl TempFile {
    /// A new empty file; an error when the system gives no temporary file.
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            w: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            len: 0,
        })
    }

    /// Bytes appended so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes`; returns the offset where they start. After an error the file is
    /// not to be written again (how much of `bytes` was kept is unknown).
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<u64> {
        let at = self.len;
        self.w.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    /// Bytes `at..at + buf.len()` of what was appended; an error past the end.
    pub fn read_at(&self, at: u64, buf: &mut [u8]) -> io::Result<()> {
        let pending = self.w.buffer();
        let flushed = self.len.saturating_sub(pending.len() as u64);
        let end = at
            .checked_add(buf.len() as u64)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        if end > self.len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let from_file = usize::try_from(flushed.saturating_sub(at).min(buf.len() as u64))
            .map_err(io::Error::other)?;
        let (head, tail) = buf.split_at_mut(from_file);
        if !head.is_empty() {
            read_exact_at(self.w.get_ref(), head, at)?;
        }
        if !tail.is_empty() {
            let start =
                usize::try_from(at + from_file as u64 - flushed).map_err(io::Error::other)?;
            tail.copy_from_slice(&pending[start..start + tail.len()]);
        }
        Ok(())
    }

    /// Every record of `len` bytes appended so far, in order, handed to `f` (read 4096 at
    /// a time).
    pub fn each_record(&self, len: usize, mut f: impl FnMut(&[u8])) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        let per_read = 4096u64;
        let records = self.len / len as u64;
        let mut buf = vec![0u8; len * per_read as usize];
        let mut done = 0u64;
        while done < records {
            let n = (records - done).min(per_read);
            let part = &mut buf[..n as usize * len];
            self.read_at(done * len as u64, part)?;
            part.chunks_exact(len).for_each(&mut f);
            done += n;
        }
        Ok(())
    }

    /// Empties the file, to be written again from its start.
    pub fn clear(&mut self) -> io::Result<()> {
        self.truncate(0)
    }

    /// Keeps the first `len` bytes appended (all of them when fewer were), to be appended
    /// to after them.
    pub fn truncate(&mut self, len: u64) -> io::Result<()> {
        let len = len.min(self.len);
        self.w.flush()?;
        self.w.get_ref().set_len(len)?;
        io::Seek::seek(self.w.get_mut(), io::SeekFrom::Start(len))?;
        self.len = len;
        Ok(())
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], offset + done as u64)
        {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_back_across_the_flushed_part_and_the_buffer_and_after_clearing() {
        let mut f = TempFile::new().unwrap();
        // More than the buffer: part of it is on the file, the rest still buffered.
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for part in bytes.chunks(7) {
            f.append(part).unwrap();
        }
        assert_eq!(f.len(), bytes.len() as u64);
        for (at, n) in [(0, 10), (65_530, 20), (199_990, 10), (131_000, 60_000)] {
            let mut buf = vec![0u8; n];
            f.read_at(at as u64, &mut buf).unwrap();
            assert_eq!(buf, bytes[at..at + n], "at {at}");
        }
        assert!(f.read_at(199_995, &mut [0u8; 6]).is_err());
        let mut back = Vec::new();
        f.each_record(8, |r| back.extend_from_slice(r)).unwrap();
        assert_eq!(back, bytes[..bytes.len() / 8 * 8]);
        f.truncate(100_003).unwrap();
        assert_eq!(f.append(b"xyz").unwrap(), 100_003);
        let mut buf = [0u8; 6];
        f.read_at(100_000, &mut buf).unwrap();
        assert_eq!(buf[..3], bytes[100_000..100_003]);
        assert_eq!(&buf[3..], b"xyz");
        f.clear().unwrap();
        assert_eq!(f.append(b"abc").unwrap(), 0);
        let mut buf = [0u8; 3];
        f.read_at(0, &mut buf).unwrap();
        assert_eq!(&buf, b"abc");
    }
}
