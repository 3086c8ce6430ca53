//! Items brought by several threads in any order, taken in their sequence order by one of
//! them at a time: the JSON lines scan hashes its blocks this way (`jsonlines`).
//!
//! Why: the file's SHA-256 must see the blocks in file order, but the blocks are scanned
//! on every core and finish in any order. Hashing them on the thread that takes them back
//! in order (which also takes every block's context batches into the `report`'s index)
//! made that thread the scan's slowest link (BENCHMARKS.md, issue 12, thirteenth round).
//! Here the scanning thread that brings the item next in order takes it, and every item
//! after it that is already there; a thread that brings an item out of turn leaves it and
//! goes back to scanning. No thread waits for another.

use std::collections::BTreeMap;

/// Items waiting for their turn. Kept under a lock; see [`HashLane::arrive`] for the
/// protocol.
pub(super) struct HashLane<T> {
    /// The sequence number of the next item to take.
    next: u64,
    /// Items brought before their turn.
    ready: BTreeMap<u64, T>,
    /// A thread is taking the items in turn: the others only leave theirs.
    busy: bool,
}

impl<T> Default for HashLane<T> {
    fn default() -> Self {
        Self {
            next: 0,
            ready: BTreeMap::new(),
            busy: false,
        }
    }
}

impl<T> HashLane<T> {
    /// Leaves item number `seq` (each number from 0 up brought once). True when no thread
    /// is taking the items: the caller then takes them with [`HashLane::next_in_turn`]
    /// until it returns `None`, releasing the lock while it works on each.
    pub(super) fn arrive(&mut self, seq: u64, item: T) -> bool {
        self.ready.insert(seq, item);
        !std::mem::replace(&mut self.busy, true)
    }

    /// The next item in turn and its number, for the thread taking them. `None` when it has
    /// not been brought yet: the caller stops, and the thread that brings it takes over.
    pub(super) fn next_in_turn(&mut self) -> Option<(u64, T)> {
        if let Some(item) = self.ready.remove(&self.next) {
            let seq = self.next;
            self.next += 1;
            Some((seq, item))
        } else {
            self.busy = false;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HashLane;
    use std::sync::Mutex;

    /// Threads that bring the numbers in an order of their own (each a stride, finishing
    /// them at different speeds): every number is taken once, in order, whoever takes it.
    #[test]
    fn items_brought_in_any_order_are_taken_once_in_order() {
        const N: u64 = 3_000;
        const THREADS: u64 = 3;
        let lane = Mutex::new(HashLane::default());
        let taken = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for t in 0..THREADS {
                let (lane, taken) = (&lane, &taken);
                scope.spawn(move || {
                    for seq in (t..N).step_by(THREADS as usize) {
                        // Unequal work before each item, so that the threads drift apart.
                        for _ in 0..(seq * 7919 + t) % 300 {
                            std::hint::spin_loop();
                        }
                        let mut l = lane.lock().unwrap();
                        if !l.arrive(seq, seq * 10) {
                            continue;
                        }
                        while let Some((n, item)) = l.next_in_turn() {
                            drop(l);
                            // Pushed without the lane's lock: the order holds anyway.
                            taken.lock().unwrap().push((n, item));
                            l = lane.lock().unwrap();
                        }
                    }
                });
            }
        });
        let taken = taken.into_inner().unwrap();
        let want: Vec<(u64, u64)> = (0..N).map(|n| (n, n * 10)).collect();
        assert_eq!(taken, want);
        let lane = lane.into_inner().unwrap();
        assert!(lane.ready.is_empty() && !lane.busy);
    }
}
