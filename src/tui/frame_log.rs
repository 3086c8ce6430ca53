//! Long steps of the event loop, written to standard error when `STS_TRIAGE_FRAME_LOG` is
//! set (a number of milliseconds: the steps at least that long; empty or not a number:
//! 100). Used to find which whole-table work keeps a key waiting (`examples/tui_load`);
//! off, it costs one look at a cached flag per step. Each line says when the step ended,
//! in seconds since [`epoch`], so that a slow key can be matched with the step it waited
//! for.

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

/// The instant the log's times count from: its first use (a bench calls it at its start
/// to read its own times on the same clock).
pub fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Notes that `what` took from `since` to now, when the log is on and it took long.
pub fn note(what: &str, since: Instant) {
    if let Some(at) = threshold() {
        let took = since.elapsed();
        if took >= at {
            eprintln!(
                "frame log at {:.3} s: {what} took {:.1} ms",
                epoch().elapsed().as_secs_f64(),
                took.as_secs_f64() * 1000.0
            );
        }
    }
}
