//! The allocator's setting for a headless report: mimalloc's purge delay, which it reads
//! from the environment once, as the process starts.
//!
//! Why: mimalloc v3 gives the pages it frees back to the system only 1,000 ms after they
//! are freed (`purge_delay`). A report on the 1%-STS 1 GB file scans in about 0.8 s and
//! builds its context index and hint tables in about 0.5 s after that (quiet machine), so
//! its peak RSS held whatever the scan had freed in the second before, or not, depending on
//! where the purge fell: 55.9-61.5 MiB from run to run at one build, over issue 13's 64 MB
//! (61.0 MiB) in some runs. With a 10 ms delay the freed pages go back within the phase and
//! the peak is the memory in use: 51.5-52.9 MiB in every run measured, at the same CPU
//! (BENCHMARKS.md, issue 13, "Memory, fourteenth round").
//!
//! mimalloc's own call to set the option (`mi_option_set`) is `unsafe` (an FFI call), which
//! this crate forbids, and `std::env::set_var` is `unsafe` too; the environment of a new
//! process image is neither: the process runs itself again, in place (`exec`: same process
//! id, same arguments, standard streams and working directory), with the variable set.

/// The purge delay in milliseconds set for a report (mimalloc's default: 1,000).
const PURGE_DELAY_MS: &str = "10";
/// The variable mimalloc reads its purge delay from.
const PURGE_DELAY_VAR: &str = "MIMALLOC_PURGE_DELAY";

/// Runs this process again in place with [`PURGE_DELAY_VAR`] set, unless it is set already
/// (by an earlier run of this, or by the user: their setting is kept). Returns only when
/// that is not done: the variable was set, or the system refused (the program's own path
/// unknown, the `exec` failed); the report then runs with the allocator's default, as it
/// would have.
pub fn report_purge_delay() {
    if std::env::var_os(PURGE_DELAY_VAR).is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut command = std::process::Command::new(exe);
        if let Some(name) = args.next() {
            command.arg0(name);
        }
        // `exec` returns only if it failed.
        let _failed = command
            .args(args)
            .env(PURGE_DELAY_VAR, PURGE_DELAY_MS)
            .exec();
    }
}
