//! The context index of a headless report, prepared once after the scan with other work
//! beside its lookups (split out of `scan`).

use super::ScanReport;

impl ScanReport {
    /// Prepares the context index (as [`ScanReport::apply`] does at a file's end, see
    /// [`ScanReport::prepare_after_scan`]) while `beside` reads the report on a second
    /// thread: `beside` sees every record read back and in place order and each actor's
    /// first time (what [`crate::context::ContextIndex::prepare_start`] makes), not the
    /// lookups, which are made meanwhile. After a report's scan the
    /// second core is idle: the hint tables, which read only the records, the events and
    /// the rows, are made there (BENCHMARKS.md, issue 12, fifteenth round), then the lookup
    /// by actor ([`crate::context::ContextIndex::prepare_lookups_beside`]). Without records,
    /// or with the index already prepared, `beside` runs on the calling thread. A panic of
    /// `beside` is resumed here.
    pub fn prepare_context_beside<R: Send>(
        &mut self,
        beside: impl FnOnce(&ScanReport) -> R + Send,
    ) -> R {
        if !self.context.prepare_start() {
            return beside(self);
        }
        if self.context.is_empty() {
            let lookups = self.context.prepare_lookups();
            self.context.prepare_finish(lookups);
            self.context_prepared();
            return beside(self);
        }
        let report: &ScanReport = self;
        let (lookups, out) = report
            .context
            .prepare_lookups_beside(move || beside(report));
        self.context.prepare_finish(lookups);
        self.context_prepared();
        out
    }
}
