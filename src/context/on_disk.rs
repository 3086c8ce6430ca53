//! The index's records held on an anonymous temporary file while a headless report scans
//! ([`super::ContextIndex::hold_on_disk`]), read back when the lookups are built.
//!
//! The report relates each STS event to the records around it only once the whole file has
//! been read, yet the index keeps an entry for every record read, STS or not: a 1 GB export
//! of 631,000 records held 35 MB of entries while the scan's own blocks, events and rows
//! were still in memory beside them, which made the report's peak nearly twice the scan's.
//! On a file the entries cost nothing until the scan ends and its blocks are freed.
//!
//! Only each record's [`Compact`] part waits here, in the bytes it takes in memory: its line,
//! its file and its details are filed as it is pushed (`Entries`), so that reading the
//! records back is reading whole chunks and decoding them, not a record pushed at a time
//! (BENCHMARKS.md, issue 12, fifteenth round).

use std::io;

use crate::temp_file::TempFile;

use super::entries::Compact;

/// One record on the file: [`Compact`]'s fields in order, little-endian.
pub(super) const RECORD_LEN: usize = 32;

pub(super) fn encode(c: &Compact) -> [u8; RECORD_LEN] {
    let mut b = [0u8; RECORD_LEN];
    b[..8].copy_from_slice(&c.time.to_le_bytes());
    b[8..16].copy_from_slice(&c.correlation.to_le_bytes());
    b[16..20].copy_from_slice(&c.operation.to_le_bytes());
    b[20..24].copy_from_slice(&c.actor.to_le_bytes());
    b[24..28].copy_from_slice(&c.target.to_le_bytes());
    b[28..].copy_from_slice(&c.principal.to_le_bytes());
    b
}

pub(super) fn decode(b: &[u8; RECORD_LEN]) -> Compact {
    let (time, rest) = b.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
    let (correlation, rest) = rest.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
    let (words, _) = rest.as_chunks::<4>();
    let word = |k: usize| words.get(k).map_or(0, |w| u32::from_le_bytes(*w));
    Compact {
        time: i64::from_le_bytes(*time),
        correlation: u64::from_le_bytes(*correlation),
        operation: word(0),
        actor: word(1),
        target: word(2),
        principal: word(3),
    }
}

/// The records written since the index last read them back, in the order pushed.
#[derive(Debug)]
pub(super) struct Disk {
    file: TempFile,
    len: usize,
}

impl Disk {
    pub(super) fn new() -> io::Result<Self> {
        Ok(Self {
            file: TempFile::new()?,
            len: 0,
        })
    }

    /// Records written since the last [`Self::clear`].
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn push(&mut self, c: &Compact) -> io::Result<()> {
        self.file.append(&encode(c))?;
        self.len += 1;
        Ok(())
    }

    /// Records `from..from + n` decoded onto the end of `out`, read in one go through `buf`
    /// (grown to `n` records' bytes); an error past the records written.
    pub(super) fn read(
        &self,
        from: usize,
        n: usize,
        buf: &mut Vec<u8>,
        out: &mut Vec<Compact>,
    ) -> io::Result<()> {
        buf.resize(n * RECORD_LEN, 0);
        self.file.read_at((from * RECORD_LEN) as u64, buf)?;
        let (records, _) = buf.as_chunks::<RECORD_LEN>();
        out.extend(records.iter().map(decode));
        Ok(())
    }

    /// Empties the file, to be written again from its start.
    pub(super) fn clear(&mut self) -> io::Result<()> {
        self.len = 0;
        self.file.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(i: u64) -> Compact {
        Compact {
            time: -(i as i64) * 7,
            correlation: u64::MAX - i,
            operation: 1,
            actor: u32::MAX - i as u32,
            target: 3,
            principal: 0x8000_0000 | i as u32,
        }
    }

    #[test]
    fn records_round_trip_in_order_read_in_parts_before_and_after_a_clear() {
        let mut d = Disk::new().unwrap();
        for i in 0..5000 {
            d.push(&compact(i)).unwrap();
        }
        assert_eq!(d.len(), 5000);
        let (mut buf, mut back) = (Vec::new(), Vec::new());
        // Parts across the file's 64 KiB buffer (2,048 records) and its end.
        for (from, n) in [(0, 1), (1, 2999), (3000, 2000)] {
            d.read(from, n, &mut buf, &mut back).unwrap();
        }
        assert_eq!(back, (0..5000).map(compact).collect::<Vec<_>>());
        assert!(d.read(4999, 2, &mut buf, &mut back).is_err());
        d.clear().unwrap();
        d.push(&compact(9)).unwrap();
        let mut again = Vec::new();
        d.read(0, d.len(), &mut buf, &mut again).unwrap();
        assert_eq!(again, vec![compact(9)]);
        assert!(d.read(1, 1, &mut buf, &mut again).is_err());
    }
}
