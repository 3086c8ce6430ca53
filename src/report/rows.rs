//! A report's rows formatted on two threads and written in order.
//!
//! After the scan, a report that writes every row spends most of its time making each row's
//! hints and context line (the related records' lookups, the sign-ins compared) and
//! formatting its cells, on one thread while the other core idles: on the 1%-STS 1 GB file
//! about 5,800 rows, a quarter of the report's time after the scan (BENCHMARKS.md, issue 12,
//! fifteenth round). Each row reads the prepared report and nothing another row writes, so
//! the rows are cut into parts that the calling thread and a second thread take in turn,
//! and the calling thread writes the parts in order: the same bytes as written one by one.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Rows per part handed between the threads: a part is a few dozen KiB of Markdown, and the
/// cost of handing it over (a channel send, a write) is small beside its rows'.
const PART: usize = 64;

/// Parts the calling thread formats ahead of the one it writes, at most; the second thread
/// keeps at most [`QUEUED`] parts waiting, and one more being formatted. With the parts
/// written, the memory held is bounded by these, never by the rows (a report of millions of
/// rows is written as it was, a part at a time).
const AHEAD: usize = 8;
const QUEUED: usize = 4;

/// Writes rows `0..n` to `out` in order, each appended to a part's text by `row(i, buf)`. On two
/// threads when there is more than one part; a panic of `row` on the second thread is
/// raised on the calling thread, as it would have been there. On a write error the second
/// thread stops at its part and the error is returned.
pub(super) fn write_rows<F>(out: &mut dyn Write, n: usize, row: F) -> io::Result<()>
where
    F: Fn(usize, &mut String) + Sync,
{
    let parts = n.div_ceil(PART);
    let format = |k: usize| {
        let mut buf = String::new();
        for i in k * PART..((k + 1) * PART).min(n) {
            row(i, &mut buf);
        }
        buf
    };
    if parts <= 1 {
        return if n == 0 {
            Ok(())
        } else {
            out.write_all(format(0).as_bytes())
        };
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<(usize, String)>(QUEUED);
        let (next, format) = (&next, &format);
        let second = s.spawn(move || {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                // A send fails once the calling thread stopped (a write error).
                if k >= parts || tx.send((k, format(k))).is_err() {
                    break;
                }
            }
        });
        let mut ready: BTreeMap<usize, String> = BTreeMap::new();
        let mut written = 0;
        let mut result = Ok(());
        while written < parts {
            if let Some(buf) = ready.remove(&written) {
                if let Err(e) = out.write_all(buf.as_bytes()) {
                    result = Err(e);
                    break;
                }
                written += 1;
                continue;
            }
            // The next part not yet taken, if it is not too far ahead of the one written.
            let claimed = next.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |k| {
                (k < parts && k < written + AHEAD).then_some(k + 1)
            });
            match claimed {
                Ok(k) => {
                    ready.insert(k, format(k));
                }
                // The part to write next is the second thread's (every part up to it is
                // taken, and this thread's are ready): it comes next on the channel, the
                // parts before it having been written.
                Err(_) => match rx.recv() {
                    Ok((k, buf)) => {
                        ready.insert(k, buf);
                    }
                    // The second thread ended without sending it: it panicked (raised below).
                    Err(_) => break,
                },
            }
        }
        // Stops the second thread after its part: no part is taken past the end, and its
        // send fails with the channel's receiver gone.
        next.store(parts, Ordering::Relaxed);
        drop(rx);
        if let Err(panic) = second.join() {
            std::panic::resume_unwind(panic);
        }
        match result {
            Ok(()) if written < parts => Err(io::Error::other("a part of the rows was lost")),
            r => r,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(i: usize, buf: &mut String) {
        // Rows of uneven cost, so that the threads' parts finish out of turn.
        let spin = (i * 7919) % 5000;
        let x = (0..spin).fold(i as u64, |a, b| a.rotate_left(5) ^ b as u64);
        buf.push_str(&format!("row {i} {}\n", x % 3));
    }

    fn one_by_one(n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            line(i, &mut out);
        }
        out
    }

    #[test]
    fn rows_are_written_in_order_whatever_their_number() {
        for n in [
            0,
            1,
            PART - 1,
            PART,
            PART + 1,
            3 * PART,
            AHEAD * PART * 5 + 17,
        ] {
            let mut out = Vec::new();
            write_rows(&mut out, n, line).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), one_by_one(n), "{n} rows");
        }
    }

    /// Takes `ok` bytes, then fails every write.
    struct Full {
        ok: usize,
        got: Vec<u8>,
    }

    impl Write for Full {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.got.len() + b.len() > self.ok {
                return Err(io::Error::other("disk full"));
            }
            self.got.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_stops_both_threads_and_is_returned_after_the_rows_written() {
        let n = 40 * PART;
        let all = one_by_one(n);
        let mut out = Full {
            ok: all.len() / 2,
            got: Vec::new(),
        };
        let err = write_rows(&mut out, n, line).unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert!(all.as_bytes().starts_with(&out.got) && !out.got.is_empty());
    }

    #[test]
    #[should_panic(expected = "row 1000")]
    fn a_row_that_panics_on_either_thread_panics_the_writer() {
        let mut out = Vec::new();
        let _ = write_rows(&mut out, 40 * PART, |i, buf: &mut String| {
            assert!(i != 1000, "row {i}");
            line(i, buf);
        });
    }
}
