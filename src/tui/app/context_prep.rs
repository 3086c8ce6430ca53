//! The load's last context index prepared off the screen thread: started when the last
//! file ends, taken back when ready. The load's end does not wait for it: every row is in,
//! sorted and answered while the index is made (the header says `indexing related
//! records…`); what reads the index waits for it instead: the hints (made once it is back),
//! the drill-down and the report (`Enter`, `Y`, `E` take it back first, waiting for the
//! thread), so that nothing shown is made from an index that is not complete. Apart from
//! the arrivals (`loading`) because it is the one part of a load that runs on a thread of
//! its own and owns that thread's start, join and failure.

use super::App;
use crate::context::ContextIndex;

/// A context index being prepared off the screen thread.
#[derive(Debug)]
pub(super) struct Preparing {
    /// Gives the index back prepared (None: it never reached the thread, which cannot
    /// happen: it is sent before the job is kept).
    job: std::thread::JoinHandle<Option<ContextIndex>>,
}

impl App {
    /// Whether the file's end just taken is the last of a load whose context index is
    /// prepared off the screen thread (not in follow mode, where more records come).
    pub(super) fn prepares_off_thread(&self) -> bool {
        self.context_off_thread
            && self.following == 0
            // Read after the rows, the index comes prepared (`context_pass`).
            && !self.context_reading()
            && self.loading.files_total > 0
            && self.loading.files_done >= self.loading.files_total
    }

    /// Prepares the index on a thread of its own; where no thread can be started, here.
    /// The thread is handed the index only once it runs, so that a failed start keeps it.
    pub(super) fn prepare_context(&mut self, index: ContextIndex) {
        // A hint pass of an earlier file's end reads the index: it stops (the rows keep
        // the hints last made, the drill-down shows them) and the load's end makes them
        // again from the whole index.
        self.arrivals.pass = None;
        self.arrivals.tables = None;
        let (tx, rx) = std::sync::mpsc::channel::<ContextIndex>();
        let job = std::thread::Builder::new()
            .name("context index".to_owned())
            .spawn(move || {
                rx.recv().ok().map(|mut index| {
                    index.prepare();
                    index
                })
            });
        match job {
            Ok(job) => {
                let sent = tx.send(index);
                debug_assert!(sent.is_ok(), "the thread waits for the index");
                self.arrivals.preparing = Some(Preparing { job });
            }
            Err(_) => {
                let mut index = index;
                index.prepare();
                std::sync::Arc::make_mut(&mut self.report).put_context(index);
            }
        }
    }

    /// A load read in one pass (standard input, a named pipe: the related records with the
    /// rows) stopped before its end: its index holds the records before the stop only, and
    /// says so ([`crate::context::Coverage::Part`]); read in two passes, the second pass
    /// says it (`context_pass`). An index still being prepared is marked when taken.
    pub(super) fn context_cut(&mut self) {
        if self.context_reading()
            || self.loading.cut.is_none()
            || self.report.context.disabled
            || self.report.context.coverage().unread()
        {
            return;
        }
        std::sync::Arc::make_mut(&mut self.report)
            .context
            .set_coverage(crate::context::Coverage::Part);
        self.hints_stale = true;
    }

    /// The last file's context index is being prepared off the screen thread (the event
    /// loop looks again shortly: [`crate::tui::wake::next_wait`]).
    pub fn context_preparing(&self) -> bool {
        self.arrivals.preparing.is_some()
    }

    /// The index being prepared off the screen thread is ready to be taken.
    pub(super) fn context_ready(&self) -> bool {
        self.arrivals
            .preparing
            .as_ref()
            .is_some_and(|p| p.job.is_finished())
    }

    /// Waits for the context index being prepared off the screen thread and takes it: the
    /// state a frame reaches once the thread is done. For what reads the index (the
    /// drill-down, the report) and a caller that needs the final state now (the tests).
    pub fn wait_for_context(&mut self) {
        self.take_prepared_context(true);
    }

    /// Takes the index prepared off the screen thread when it is ready (`wait`: waits for
    /// it).
    pub(super) fn take_prepared_context(&mut self, wait: bool) {
        // A report of `E`/`Y` being made shares the scan: taking the index now would copy
        // the whole scan (`Arc::make_mut`); it is taken once the report is done.
        if !wait && std::sync::Arc::strong_count(&self.report) > 1 {
            return;
        }
        let Some(p) = self
            .arrivals
            .preparing
            .take_if(|p| wait || p.job.is_finished())
        else {
            return;
        };
        match p.job.join() {
            Ok(Some(mut index)) => {
                if self.loading.cut.is_some() && !index.disabled {
                    index.set_coverage(crate::context::Coverage::Part);
                }
                std::sync::Arc::make_mut(&mut self.report).put_context(index);
            }
            Ok(None) => self.keep_error(
                "the related records were lost: the thread preparing them never got them"
                    .to_owned(),
            ),
            // A fault in the index is the screen thread's, as when it was prepared there.
            Err(panic) => std::panic::resume_unwind(panic),
        }
        // The context hints may change now.
        self.hints_stale = true;
        self.dirty = true;
    }
}
