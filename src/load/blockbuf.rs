//! The scan's read blocks, in memory of their own mapped from the system rather than taken
//! from the allocator.
//!
//! Why: the JSON lines scan keeps a few blocks of 2 MiB in flight (about 10 MiB on two
//! cores). Taken from the allocator (mimalloc), their pages stayed committed after the scan
//! dropped them: mimalloc gives freed pages back to the system only about a second later, and
//! what the context index builds right after the scan went into fresh pages beside them, so
//! the `report`'s peak RSS on the 1%-STS file held both (BENCHMARKS.md, memory, eleventh and
//! twelfth rounds). A block mapped on its own goes back to the system the moment it is
//! dropped (`munmap`); the scan recycles its blocks while it runs, so no page is faulted in
//! twice.

use std::ops::{Deref, DerefMut};

use memmap2::MmapMut;

/// Sizes are rounded up to this, so that a grown block does not map again for a few bytes.
const GRAIN: usize = 64 << 10;

/// A byte buffer that only grows: `len()` bytes, every one of them initialised (zero until
/// written). Dropped, its memory goes back to the system at once.
#[derive(Default)]
pub(super) struct BlockBuf {
    mem: Mem,
    /// The bytes in use: `mem[..len]`. Never lowered, so the bytes of `mem` past it were
    /// never written and are still zero.
    len: usize,
}

#[derive(Default)]
enum Mem {
    #[default]
    Empty,
    /// Anonymous memory of its own (the usual case).
    Mapped(MmapMut),
    /// Where the system refused a map: allocator memory, as before.
    Heap(Vec<u8>),
}

impl Mem {
    /// `capacity` zero bytes.
    fn zeroed(capacity: usize) -> Self {
        match MmapMut::map_anon(capacity) {
            Ok(map) => Mem::Mapped(map),
            Err(_) => Mem::Heap(vec![0; capacity]),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Mem::Empty => &[],
            Mem::Mapped(map) => map,
            Mem::Heap(vec) => vec,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Mem::Empty => &mut [],
            Mem::Mapped(map) => map,
            Mem::Heap(vec) => vec,
        }
    }
}

impl BlockBuf {
    /// Makes the buffer at least `len` bytes long (never shorter); the bytes new to it are
    /// zero. Past its capacity it moves to memory twice as large (or `len`, if more),
    /// keeping its bytes.
    pub(super) fn grow_to(&mut self, len: usize) {
        if len <= self.len {
            return;
        }
        let capacity = self.mem.bytes().len();
        if len > capacity {
            let wanted = len.max(capacity.saturating_mul(2));
            let rounded = wanted.div_ceil(GRAIN).saturating_mul(GRAIN);
            let mut mem = Mem::zeroed(rounded);
            mem.bytes_mut()[..self.len].copy_from_slice(&self.mem.bytes()[..self.len]);
            self.mem = mem;
        }
        self.len = len;
    }
}

impl Deref for BlockBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.mem.bytes()[..self.len]
    }
}

impl DerefMut for BlockBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        let len = self.len;
        &mut self.mem.bytes_mut()[..len]
    }
}

#[cfg(test)]
mod tests {
    use super::BlockBuf;

    #[test]
    fn grows_keeping_its_bytes_and_zero_past_them() {
        let mut buf = BlockBuf::default();
        assert!(buf.is_empty());
        buf.grow_to(10);
        assert_eq!(&buf[..], &[0; 10]);
        buf[..3].copy_from_slice(b"abc");
        buf.grow_to(4);
        assert_eq!(buf.len(), 10, "never shorter");
        // Past the first capacity: moved, its bytes kept, the new ones zero.
        buf.grow_to(200 << 10);
        assert_eq!(buf.len(), 200 << 10);
        assert_eq!(&buf[..4], b"abc\0");
        assert!(buf[4..].iter().all(|&b| b == 0));
    }
}
