//! The index's records as kept: for every record, what the lookups and the relations read
//! (time, keys, principal: [`Compact`], 32 bytes) in memory; its line (2 bytes: [`Lines`])
//! and its file as runs of records; and what only a listed record needs (byte offset, IP
//! address, result: [`Detail`]) in memory in the workbench, on an anonymous temporary file
//! in a headless report.
//!
//! A headless report reads a record's details for the few related records it lists of each
//! row and for the sign-ins a hint compares: on the 1%-STS 1 GB file (631,104 records) the
//! details on disk are 15 MB less at the peak, when the lookups are built after the scan
//! (BENCHMARKS.md, report memory, seventh round).

use std::io;
use std::sync::OnceLock;

use super::index::Entry;
use super::on_disk::Disk;
use crate::temp_file::TempFile;

/// What the lookups, the relations and the hints read of every record: its time (100 ns
/// ticks since 0001-01-01, `i64::MIN` when unknown), the hash of its correlation id (0:
/// none), its operation, actor and target as interned string ids (see [`Entry`]), and its
/// actor's principal: a 32-bit hash of a user's object id (0: none, or an app, whose key is
/// its id already; `principal_hash`), which tells two principals under one UPN apart.
///
/// 32 bytes: the principal took the 4 bytes the line had, and the line is kept apart in
/// 2 bytes a record ([`Lines`]): the records of one file come in line order, so a line is
/// a small step from its run's first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compact {
    pub time: i64,
    pub correlation: u64,
    pub operation: u32,
    pub actor: u32,
    pub target: u32,
    pub principal: u32,
}

/// Records whose lines are kept from one base line ([`Lines`]).
const LINES_RUN: usize = 64;
/// A line offset that does not fit: the line is in [`Lines::far`].
const FAR: u16 = u16::MAX;

/// Each record's line (1-based; `u32::MAX` for any line past it) in about 2 bytes: the line
/// of every [`LINES_RUN`]-th record, and each record's distance from its run's, in chunks
/// of [`Entries::CHUNK`] (grown without copying). A record whose line is before its run's
/// (another file) or 65,535 lines or more after it (a huge multi-line record) is kept
/// whole in `far`. JSON lines: 1 line a record; a pretty-printed Graph page about 40.
#[derive(Debug, Clone, Default)]
struct Lines {
    base: Vec<u32>,
    offsets: Vec<Vec<u16>>,
    /// (record, line) of the records whose line is no small step from its run's base, by
    /// record.
    far: Vec<(u32, u32)>,
}

impl Lines {
    /// Record `i`'s line, the records before it pushed.
    fn push(&mut self, i: usize, line: u32) {
        if i.is_multiple_of(LINES_RUN) {
            self.base.push(line);
        }
        let base = self.base.last().copied().unwrap_or(0);
        let step = line
            .checked_sub(base)
            .and_then(|d| u16::try_from(d).ok())
            .filter(|&d| d != FAR);
        if step.is_none() {
            self.far.push((i as u32, line));
        }
        let off = step.unwrap_or(FAR);
        match self.offsets.last_mut() {
            Some(c) if c.len() < Entries::CHUNK => c.push(off),
            _ => {
                let mut c = Vec::with_capacity(Entries::CHUNK);
                c.push(off);
                self.offsets.push(c);
            }
        }
    }

    fn get(&self, i: usize) -> u32 {
        let off = self
            .offsets
            .get(i / Entries::CHUNK)
            .and_then(|c| c.get(i % Entries::CHUNK))
            .copied()
            .unwrap_or(FAR);
        if off == FAR {
            let i = i as u32;
            return self
                .far
                .binary_search_by_key(&i, |&(r, _)| r)
                .map_or(0, |at| self.far[at].1);
        }
        self.base.get(i / LINES_RUN).copied().unwrap_or(0) + u32::from(off)
    }

    fn clear(&mut self) {
        self.base.clear();
        self.offsets.clear();
        self.far.clear();
    }

    /// The lines of records `0..n` kept, those after them dropped.
    fn truncate(&mut self, n: usize) {
        self.base.truncate(n.div_ceil(LINES_RUN));
        let chunks = n.div_ceil(Entries::CHUNK);
        self.offsets.truncate(chunks);
        if let Some(c) = self.offsets.last_mut() {
            c.truncate(n - (chunks - 1) * Entries::CHUNK);
        }
        self.far.retain(|&(r, _)| (r as usize) < n);
    }
}

/// What only a listed record needs: where it starts in its file's content (bytes), its IP
/// address and its result, as [`Entry`] keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Detail {
    offset: u64,
    ip: u64,
    result: u32,
}

/// One [`Detail`] on the file: its fields in order, little-endian.
const DETAIL_LEN: usize = 20;

fn encode(d: &Detail) -> [u8; DETAIL_LEN] {
    let mut b = [0u8; DETAIL_LEN];
    b[..8].copy_from_slice(&d.offset.to_le_bytes());
    b[8..16].copy_from_slice(&d.ip.to_le_bytes());
    b[16..].copy_from_slice(&d.result.to_le_bytes());
    b
}

fn decode(b: &[u8]) -> Detail {
    let word = |s: &[u8]| s.iter().rev().fold(0u64, |a, &x| a << 8 | u64::from(x));
    Detail {
        offset: word(&b[..8]),
        ip: word(&b[8..16]),
        result: word(&b[16..DETAIL_LEN]) as u32,
    }
}

/// The details of every record, in the records' order.
#[derive(Debug)]
enum Details {
    Memory(Vec<Vec<Detail>>),
    /// Record `i`'s at `i × DETAIL_LEN`.
    Disk(TempFile),
}

/// Records kept in fixed chunks of [`Entries::CHUNK`]: growing never copies what is
/// there, so the peak is the records and one chunk (a `Vec` doubling would hold the old
/// and the new buffer at once: up to 3× the records).
///
/// A headless report holds the records pushed since the lookups were last built on a
/// temporary file ([`super::ContextIndex::hold_on_disk`]): their [`Compact`] parts there,
/// their lines, files and details filed as they come (the details on another temporary
/// file); only those in memory are counted and reached here until
/// [`super::ContextIndex::prepare`] reads them back, a chunk at a time.
#[derive(Debug)]
pub struct Entries {
    chunks: Vec<Vec<Compact>>,
    lines: Lines,
    len: usize,
    /// Each record's file, as runs: (first record, file), ascending by record.
    files: Vec<(usize, u32)>,
    details: Details,
    /// The place (file, offset) of the last record, and whether every record came after
    /// the one before (the usual case: [`Self::sort_by_place`] then has nothing to do).
    last_place: Option<(u32, u64)>,
    in_order: bool,
    pub(super) disk: Option<Disk>,
    /// Why records could not be held on, or read back from, a temporary file.
    pub(super) disk_error: Option<String>,
    /// Why a record's details could not be read back when it was listed (shown empty then).
    read_error: OnceLock<String>,
}

impl Default for Entries {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            lines: Lines::default(),
            len: 0,
            files: Vec::new(),
            details: Details::Memory(Vec::new()),
            last_place: None,
            in_order: true,
            disk: None,
            disk_error: None,
            read_error: OnceLock::new(),
        }
    }
}

impl Clone for Entries {
    /// A copy with every record in memory (those on the files read).
    fn clone(&self) -> Self {
        let mut out = Self {
            chunks: self.chunks.clone(),
            lines: self.lines.clone(),
            len: self.len,
            files: self.files.clone(),
            details: Details::Memory(Vec::new()),
            last_place: self.last_place,
            in_order: self.in_order,
            disk: None,
            disk_error: self.disk_error.clone(),
            read_error: self.read_error.clone(),
        };
        match self.all_details() {
            Ok(all) => out.details = Details::Memory(chunked(all)),
            Err(e) => {
                out.disk_error = Some(e.to_string());
                out.details = Details::Memory(chunked(vec![Detail::default(); self.pushed()]));
            }
        }
        if let Some(d) = &self.disk
            && let Err(e) = out.append_from(d)
        {
            out.disk_error = Some(e.to_string());
            out.truncate_to_memory();
        }
        out
    }
}

/// `all` in chunks of [`Entries::CHUNK`].
fn chunked<T: Clone>(all: Vec<T>) -> Vec<Vec<T>> {
    all.chunks(Entries::CHUNK).map(<[T]>::to_vec).collect()
}

impl Entries {
    /// Records per chunk (16,384 × 32 bytes: 512 KiB).
    pub const CHUNK: usize = 1 << 14;

    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn get(&self, i: usize) -> Option<&Compact> {
        self.chunks.get(i / Self::CHUNK)?.get(i % Self::CHUNK)
    }
    pub fn iter(&self) -> impl Iterator<Item = &Compact> {
        self.chunks.iter().flatten()
    }

    /// The line of record `i` (1-based; `u32::MAX` for any line past it).
    pub fn line(&self, i: usize) -> u32 {
        self.lines.get(i)
    }

    /// The file (its number in the index) of record `i`.
    pub fn file_of(&self, i: usize) -> u32 {
        let at = self.files.partition_point(|&(first, _)| first <= i);
        at.checked_sub(1).map_or(0, |r| self.files[r].1)
    }

    /// Record `i` whole (its details read back from the temporary file when held there;
    /// empty if that fails: [`Self::read_error`]).
    pub fn record(&self, i: usize) -> Entry {
        self.whole(i, self.detail(i))
    }

    fn whole(&self, i: usize, d: Detail) -> Entry {
        let c = self[i];
        Entry {
            time: c.time,
            offset: d.offset,
            file: self.file_of(i),
            line: self.line(i),
            operation: c.operation,
            actor: c.actor,
            target: c.target,
            principal: c.principal,
            ip: d.ip,
            result: d.result,
            correlation: c.correlation,
        }
    }

    /// Why a record's details could not be read back, the first time it happened.
    pub fn read_error(&self) -> Option<&str> {
        self.read_error.get().map(String::as_str)
    }

    fn detail(&self, i: usize) -> Detail {
        match &self.details {
            Details::Memory(chunks) => chunks
                .get(i / Self::CHUNK)
                .and_then(|c| c.get(i % Self::CHUNK))
                .copied()
                .unwrap_or_default(),
            Details::Disk(file) => {
                let mut b = [0u8; DETAIL_LEN];
                match file.read_at((i * DETAIL_LEN) as u64, &mut b) {
                    Ok(()) => decode(&b),
                    Err(e) => {
                        self.read_error.get_or_init(|| e.to_string());
                        Detail::default()
                    }
                }
            }
        }
    }

    /// Every record's details, in order.
    fn all_details(&self) -> io::Result<Vec<Detail>> {
        match &self.details {
            Details::Memory(chunks) => Ok(chunks.iter().flatten().copied().collect()),
            Details::Disk(file) => {
                let mut all = Vec::with_capacity(self.len);
                file.each_record(DETAIL_LEN, |b| all.push(decode(b)))?;
                Ok(all)
            }
        }
    }

    /// The details of the records pushed from now on go to a temporary file (those already
    /// kept too); an error leaves them in memory.
    pub(super) fn hold_details_on_disk(&mut self) -> io::Result<()> {
        let Details::Memory(chunks) = &self.details else {
            return Ok(());
        };
        let mut file = TempFile::new()?;
        for d in chunks.iter().flatten() {
            file.append(&encode(d))?;
        }
        self.details = Details::Disk(file);
        Ok(())
    }

    /// Records pushed: those in memory and those held on the temporary file after them.
    fn pushed(&self) -> usize {
        self.len + self.disk.as_ref().map_or(0, Disk::len)
    }

    pub(super) fn push(&mut self, e: Entry) {
        let at = self.pushed();
        let compact = Compact {
            time: e.time,
            correlation: e.correlation,
            operation: e.operation,
            actor: e.actor,
            target: e.target,
            principal: e.principal,
        };
        let held = match &mut self.disk {
            Some(d) => match d.push(&compact) {
                Ok(()) => true,
                Err(err) => {
                    // The records written so far come back first, in order; this one and
                    // the later ones are kept in memory.
                    self.disk_error = Some(err.to_string());
                    self.read_back();
                    false
                }
            },
            None => false,
        };
        if !held {
            match self.chunks.last_mut() {
                Some(c) if c.len() < Self::CHUNK => c.push(compact),
                _ => {
                    let mut c = Vec::with_capacity(Self::CHUNK);
                    c.push(compact);
                    self.chunks.push(c);
                }
            }
            self.len += 1;
        }
        // A record whose part could not be read back is gone from the lines, files and
        // details too: what is filed below stays in step with the records kept.
        let at = at.min(self.pushed() - 1);
        let place = (e.file, e.offset);
        self.in_order &= self.last_place.is_none_or(|p| p < place);
        self.last_place = Some(place);
        if self.files.last().is_none_or(|&(_, f)| f != e.file) {
            self.files.push((at, e.file));
        }
        self.lines.push(at, e.line);
        self.push_detail(
            at,
            Detail {
                offset: e.offset,
                ip: e.ip,
                result: e.result,
            },
        );
    }

    /// Record `i`'s details, the records before it filed.
    fn push_detail(&mut self, i: usize, d: Detail) {
        if let Details::Disk(file) = &mut self.details {
            let at = i * DETAIL_LEN;
            match file.append(&encode(&d)) {
                Ok(_) => return,
                Err(err) => {
                    // Those written come back into memory; this one and the later ones
                    // stay there.
                    self.disk_error = Some(err.to_string());
                    let mut back = Vec::with_capacity(self.len);
                    let read = file.each_record(DETAIL_LEN, |b| back.push(decode(b)));
                    if let Err(err) = read {
                        self.disk_error = Some(err.to_string());
                    }
                    back.truncate(at / DETAIL_LEN);
                    back.resize(i, Detail::default());
                    self.details = Details::Memory(chunked(back));
                }
            }
        }
        if let Details::Memory(chunks) = &mut self.details {
            match chunks.last_mut() {
                Some(c) if c.len() < Self::CHUNK => c.push(d),
                _ => {
                    let mut c = Vec::with_capacity(Self::CHUNK);
                    c.push(d);
                    chunks.push(c);
                }
            }
        }
    }

    /// The records on the temporary file back in memory, after those already there. The
    /// file is used again for the records pushed next, unless it failed; records that could
    /// not be read back are dropped, with their lines, files and details.
    pub(super) fn read_back(&mut self) {
        let Some(mut d) = self.disk.take() else {
            return;
        };
        match self.append_from(&d).and_then(|()| d.clear()) {
            Ok(()) if self.disk_error.is_none() => self.disk = Some(d),
            Ok(()) => {}
            Err(err) => {
                self.disk_error = Some(err.to_string());
                self.truncate_to_memory();
            }
        }
    }

    /// The records of `d` appended to those in memory, whole chunks read at a time (the
    /// last chunk topped up first). On an error, those read so far are kept.
    fn append_from(&mut self, d: &Disk) -> io::Result<()> {
        let mut buf = Vec::new();
        let mut done = 0;
        while done < d.len() {
            if self.chunks.last().is_none_or(|c| c.len() == Self::CHUNK) {
                self.chunks.push(Vec::with_capacity(Self::CHUNK));
            }
            let Some(chunk) = self.chunks.last_mut() else {
                break;
            };
            let n = (Self::CHUNK - chunk.len()).min(d.len() - done);
            d.read(done, n, &mut buf, chunk)?;
            done += n;
            self.len += n;
        }
        Ok(())
    }

    /// The lines, files and details of records past those in memory dropped (the records
    /// whose part could not be read back), so that records pushed next are filed in step.
    fn truncate_to_memory(&mut self) {
        let n = self.len;
        if self.chunks.last().is_some_and(Vec::is_empty) {
            self.chunks.pop();
        }
        self.lines.truncate(n);
        self.files.retain(|&(first, _)| first < n);
        match &mut self.details {
            Details::Memory(chunks) => {
                let mut all: Vec<Detail> = chunks.iter().flatten().copied().collect();
                all.resize(n, Detail::default());
                *chunks = chunked(all);
            }
            Details::Disk(file) => {
                if let Err(e) = file.truncate((n * DETAIL_LEN) as u64) {
                    self.disk_error = Some(e.to_string());
                    self.details = Details::Memory(chunked(vec![Detail::default(); n]));
                }
            }
        }
    }

    /// Sorted by place with each place once (records read twice are kept once); the usual
    /// case, records handed on in file order, was checked as they came.
    pub(super) fn sort_by_place(&mut self) {
        if self.in_order {
            return;
        }
        let details = match self.all_details() {
            Ok(d) => d,
            Err(e) => {
                self.disk_error = Some(e.to_string());
                vec![Detail::default(); self.len]
            }
        };
        let mut all: Vec<Entry> = Vec::with_capacity(self.len);
        for (i, d) in details.into_iter().enumerate() {
            all.push(self.whole(i, d));
        }
        let place = |e: &Entry| (e.file, e.offset);
        all.sort_by_key(place);
        all.dedup_by_key(|e| place(e));
        self.chunks.clear();
        self.lines.clear();
        self.files.clear();
        self.len = 0;
        self.last_place = None;
        self.in_order = true;
        if let Details::Disk(file) = &mut self.details
            && let Err(e) = file.clear()
        {
            self.disk_error = Some(e.to_string());
            self.details = Details::Memory(Vec::new());
        }
        if let Details::Memory(chunks) = &mut self.details {
            chunks.clear();
        }
        // Back in memory, never onto the records' file (kept for the next records).
        let disk = self.disk.take();
        for e in all {
            self.push(e);
        }
        self.disk = disk;
    }
}

impl std::ops::Index<usize> for Entries {
    type Output = Compact;
    fn index(&self, i: usize) -> &Compact {
        &self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip_through_their_file_form() {
        let d = Detail {
            offset: u64::MAX - 3,
            ip: 1 << 32 | 0x0a00_0001,
            result: u32::MAX - 1,
        };
        assert_eq!(decode(&encode(&d)), d);
        assert_eq!(decode(&encode(&Detail::default())), Detail::default());
    }

    #[test]
    fn every_record_keeps_its_line_however_far_from_its_runs() {
        // JSON lines, a pretty-printed page (40 lines a record), lines that go back (a second
        // file in the same run), a step of 65,535 lines and more, and the last line kept.
        let mut want: Vec<u32> = (1..200).collect();
        want.extend((0..100).map(|i| 1000 + 40 * i));
        want.extend([7, 3, 70_000, 70_000 + 65_535, 70_000 + 65_534, u32::MAX, 1]);
        want.extend((0..Entries::CHUNK as u32 + 70).map(|i| 200_000 + i));
        let mut lines = Lines::default();
        for (i, &l) in want.iter().enumerate() {
            lines.push(i, l);
        }
        let got: Vec<u32> = (0..want.len()).map(|i| lines.get(i)).collect();
        assert_eq!(got, want);
        // Whole lines only from a jump to the end of its run (here 21 of 16,760 records).
        assert!(lines.far.len() <= LINES_RUN, "{:?}", lines.far);
    }

    #[test]
    fn lines_cut_back_take_the_next_records_in_step() {
        // Records whose part could not be read back are dropped with their lines: cut at a
        // run's edge, a chunk's edge and between, with far lines before and after the cut.
        let mut want: Vec<u32> = (0..Entries::CHUNK as u32 + 200)
            .map(|i| 10 + 3 * i)
            .collect();
        want[5] = 1;
        want[Entries::CHUNK + 100] = 900_000;
        let mut lines = Lines::default();
        for (i, &l) in want.iter().enumerate() {
            lines.push(i, l);
        }
        let c = Entries::CHUNK;
        for n in [
            0,
            1,
            6,
            LINES_RUN,
            LINES_RUN + 1,
            c - 1,
            c,
            c + 1,
            c + 101,
            want.len(),
        ] {
            let mut cut = lines.clone();
            cut.truncate(n);
            let mut expect = want[..n].to_vec();
            for (k, l) in [7, 70_000, 8].into_iter().enumerate() {
                cut.push(n + k, l);
                expect.push(l);
            }
            let got: Vec<u32> = (0..expect.len()).map(|i| cut.get(i)).collect();
            assert_eq!(got, expect, "cut at {n}");
        }
    }
}
