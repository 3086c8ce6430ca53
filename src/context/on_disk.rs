//! The index's records held on an anonymous temporary file while a headless report scans
//! ([`super::ContextIndex::hold_on_disk`]), read back when the lookups are built.
//!
//! The report relates each STS event to the records around it only once the whole file has
//! been read, yet the index keeps an entry (56 bytes) for every record read, STS or not: a
//! 1 GB export of 631,000 records held 35 MB of entries while the scan's own blocks, events
//! and rows were still in memory beside them, which made the report's peak nearly twice the
//! scan's. On a file the entries cost nothing until the scan ends and its blocks are freed.

use std::io;

use crate::temp_file::TempFile;

use super::index::Entry;

/// One record on the file: [`Entry`]'s fields in order, little-endian.
pub(super) const RECORD_LEN: usize = 60;

pub(super) fn encode(e: &Entry) -> [u8; RECORD_LEN] {
    let mut b = [0u8; RECORD_LEN];
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        b[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(&e.time.to_le_bytes());
    put(&e.offset.to_le_bytes());
    put(&e.file.to_le_bytes());
    put(&e.line.to_le_bytes());
    put(&e.operation.to_le_bytes());
    put(&e.actor.to_le_bytes());
    put(&e.target.to_le_bytes());
    put(&e.principal.to_le_bytes());
    put(&e.ip.to_le_bytes());
    put(&e.result.to_le_bytes());
    put(&e.correlation.to_le_bytes());
    b
}

pub(super) fn decode(b: &[u8; RECORD_LEN]) -> Entry {
    let mut at = 0;
    let mut take = |n: usize| {
        let s = &b[at..at + n];
        at += n;
        s
    };
    let u64_of = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or([0; 8]));
    let u32_of = |s: &[u8]| u32::from_le_bytes(s.try_into().unwrap_or([0; 4]));
    Entry {
        time: u64_of(take(8)) as i64,
        offset: u64_of(take(8)),
        file: u32_of(take(4)),
        line: u32_of(take(4)),
        operation: u32_of(take(4)),
        actor: u32_of(take(4)),
        target: u32_of(take(4)),
        principal: u32_of(take(4)),
        ip: u64_of(take(8)),
        result: u32_of(take(4)),
        correlation: u64_of(take(8)),
    }
}

/// The records written since the index last read them back, in the order pushed.
#[derive(Debug)]
pub(super) struct Disk {
    file: TempFile,
}

impl Disk {
    pub(super) fn new() -> io::Result<Self> {
        Ok(Self {
            file: TempFile::new()?,
        })
    }

    pub(super) fn push(&mut self, e: &Entry) -> io::Result<()> {
        self.file.append(&encode(e)).map(|_| ())
    }

    /// Every record written since the last call, in order, handed to `f`; the file is then
    /// empty again.
    pub(super) fn drain(&mut self, mut f: impl FnMut(Entry)) -> io::Result<()> {
        self.each(&mut f)?;
        self.file.clear()
    }

    /// Every record written so far, without changing the file: for a copy of the index.
    pub(super) fn each(&self, f: &mut impl FnMut(Entry)) -> io::Result<()> {
        let mut bad = false;
        self.file.each_record(RECORD_LEN, |r| match r.try_into() {
            Ok(r) => f(decode(r)),
            Err(_) => bad = true,
        })?;
        if bad {
            return Err(io::Error::other("a record of the wrong length"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u64) -> Entry {
        Entry {
            time: -(i as i64) * 7,
            offset: i << 33,
            file: i as u32,
            line: u32::MAX - i as u32,
            operation: 1,
            actor: 2,
            target: 3,
            principal: 0x8000_0000 | i as u32,
            ip: 1 << 32 | i,
            result: 4,
            correlation: u64::MAX - i,
        }
    }

    #[test]
    fn records_round_trip_in_order_before_and_after_a_drain() {
        let mut d = Disk::new().unwrap();
        for i in 0..5000 {
            d.push(&entry(i)).unwrap();
        }
        let mut copy = Vec::new();
        d.each(&mut |e| copy.push(e)).unwrap();
        let mut back = Vec::new();
        d.drain(|e| back.push(e)).unwrap();
        assert_eq!(back, (0..5000).map(entry).collect::<Vec<_>>());
        assert_eq!(copy, back);
        d.push(&entry(9)).unwrap();
        let mut again = Vec::new();
        d.drain(|e| again.push(e)).unwrap();
        assert_eq!(again, vec![entry(9)]);
    }
}
