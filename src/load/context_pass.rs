//! The context read on its own, after the rows: the workbench's second pass over the files
//! its first pass read without the context (`ScanOptions::context` off, as `report
//! --no-context` reads them), so that every row is in before any record is indexed.
//!
//! The file is read by the scan's own readers with [`ScanOptions::context_only`]: the
//! context batches are the ones a one-pass scan sends (same code, same order), taken into
//! the index here, on the caller's thread, instead of on the workbench's screen thread;
//! everything else the readers send (the rows, the problems already listed by the first
//! pass) is dropped. JSON lines skip the query's evaluation on the scanning threads (they
//! count lines for the records' line numbers); the first records, query-result files, JSON
//! documents and CSV are read whole, as the scan reads them. A gzip file is decompressed
//! again. `report` and `scan --context` keep their one pass.
//!
//! Whether the file is still the one the first pass read is the caller's to check (the
//! workbench compares its size, modification time and inode before and after).

use std::path::Path;

use super::{LoadError, ScanMessage, ScanOptions, scan_file};
use crate::context::ContextIndex;

/// The options of the context-only pass of a load read with `first` (its limits and its
/// cancel flag): the context kept, only the context looked for, no hash.
pub fn context_only_options(first: &ScanOptions) -> ScanOptions {
    ScanOptions {
        hash_inputs: false,
        context: true,
        context_only: true,
        ..first.clone()
    }
}

/// Reads one file's context into `index` and prepares the index at the file's end, as a
/// one-pass scan's `FileDone` does (`ScanReport::apply`). `progress` is told the bytes of
/// the file read so far (compressed bytes for gzip), as the scan's progress messages say.
///
/// # Errors
/// The file cannot be opened or read at all, or is of no known format (what the first pass
/// would have said of it).
pub fn read_file_context(
    path: &Path,
    opts: &ScanOptions,
    index: &mut ContextIndex,
    progress: &mut dyn FnMut(u64),
) -> Result<(), LoadError> {
    debug_assert!(opts.context_only && opts.context);
    scan_file(path, opts, &mut |msg| match msg {
        ScanMessage::Context(batch) => index.absorb(&batch),
        ScanMessage::Progress { bytes, .. } => progress(bytes),
        // The rows and problems were taken from the first pass.
        _ => {}
    })?;
    index.prepare();
    Ok(())
}
