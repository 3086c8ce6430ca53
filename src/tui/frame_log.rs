//! Long steps of the event loop, written to standard error when `STS_TRIAGE_FRAME_LOG` is
//! set (a number of milliseconds: the steps at least that long; empty or not a number:
//! 100). Used to find which whole-table work keeps a key waiting (`examples/tui_load`);
//! off, it costs one look at a cached flag per step.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The threshold, when the log is on.
fn threshold() -> Option<Duration> {
    static AT: OnceLock<Option<Duration>> = OnceLock::new();
    *AT.get_or_init(|| {
        std::env::var("STS_TRIAGE_FRAME_LOG")
            .ok()
            .map(|v| Duration::from_millis(v.trim().parse().unwrap_or(100)))
    })
}

/// Notes that `what` took from `since` to now, when the log is on and it took long.
pub fn note(what: &str, since: Instant) {
    if let Some(at) = threshold() {
        let took = since.elapsed();
        if took >= at {
            eprintln!(
                "frame log: {what} took {:.1} ms",
                took.as_secs_f64() * 1000.0
            );
        }
    }
}
