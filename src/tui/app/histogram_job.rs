//! The header's histogram at the load's end, on a thread of its own (with
//! [`App::hints_off_thread`]): it reads every event read (400-600 ms of one frame at
//! 1,000,000 events on a busy machine, the first key after the load waiting for it). The
//! screen keeps the histogram last made until the new one is taken back; the same
//! function makes it, here or there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use super::App;
use crate::scan::ScanReport;

/// Events over the span where most of them are: its first and last times, the flagged
/// events and the near misses per bucket, and the events outside it (before, after).
pub type Histogram = (i64, i64, Vec<u32>, Vec<u32>, [u32; 2]);

/// Buckets of the histogram.
const BUCKETS: usize = 240;

/// Events read between two looks at whether the thread is to stop.
const STOP_EVERY: usize = 4096;

/// The histogram of every event of `report` (None: no event has a time), or None in the
/// outer option when `stop` was set meanwhile.
pub(super) fn histogram_of(report: &ScanReport, stop: &AtomicBool) -> Option<Option<Histogram>> {
    // Every event, kept whole or lean, read once (each time is made from its parts:
    // six passes, as this was, cost a few seconds of the screen thread over a 2M load).
    let (mut flagged_times, mut near_times) = (Vec::new(), Vec::new());
    for (k, (f, t)) in report.event_times().enumerate() {
        if k % STOP_EVERY == 0 && stop.load(Ordering::Relaxed) {
            return None;
        }
        if let Some(t) = t.as_ref().map(crate::kql::ticks) {
            if f {
                flagged_times.push(t);
            } else {
                near_times.push(t);
            }
        }
    }
    let Some((min, max)) = usual_span(flagged_times.iter().chain(&near_times).copied()) else {
        return Some(None);
    };
    let span = (max - min).max(1);
    let mut outside = [0u32; 2];
    let last = i128::try_from(BUCKETS - 1).unwrap_or(0);
    let bucket = |t: i64| {
        let b = i128::from(t - min) * last / i128::from(span);
        usize::try_from(b).unwrap_or(0).min(BUCKETS - 1)
    };
    let mut flagged = vec![0u32; BUCKETS];
    let mut near = vec![0u32; BUCKETS];
    for (times, counts) in [(&flagged_times, &mut flagged), (&near_times, &mut near)] {
        for &t in times {
            match t {
                t if t < min => outside[0] += 1,
                t if t > max => outside[1] += 1,
                t => counts[bucket(t)] += 1,
            }
        }
    }
    Some(Some((min, max, flagged, near, outside)))
}

/// The span the histogram's bars cover: every event's, unless a few lie far from the rest
/// (a sample event of 2020 beside those of 2025 squeezed them into two bars; newbie16 #6):
/// then the events from the 5th to the 95th percentile widened by that range on either
/// side, those outside it counted apart. None without an event.
fn usual_span(times: impl Iterator<Item = i64>) -> Option<(i64, i64)> {
    let mut all: Vec<i64> = times.collect();
    let n = all.len();
    if n == 0 {
        return None;
    }
    let (lo, hi) = (n * 5 / 100, (n * 95 / 100).min(n - 1));
    let q_lo = *all.select_nth_unstable(lo).1;
    let q_hi = *all.select_nth_unstable(hi).1;
    let room = (q_hi - q_lo).max(1);
    let (lo, hi) = (q_lo.saturating_sub(room), q_hi.saturating_add(room));
    // From the first to the last event inside, so that no bar stands for an empty margin.
    let inside = all.iter().copied().filter(|t| (lo..=hi).contains(t));
    let (min, max) = inside.fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
    Some((min, max))
}

/// The histogram being made on its own thread.
#[derive(Debug)]
pub(super) struct HistogramJob {
    job: Option<JoinHandle<Option<Option<Histogram>>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for HistogramJob {
    fn drop(&mut self) {
        // Not joined: the thread sees it within a few thousand events and ends.
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl HistogramJob {
    /// Stops the thread (`stop`) or waits for it to end; what it made. Once this returns
    /// the thread has let go of the report.
    fn join(mut self, stop: bool) -> Option<Option<Histogram>> {
        if stop {
            self.stop.store(true, Ordering::Relaxed);
        }
        match self.job.take()?.join() {
            Ok(made) => made,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn is_finished(&self) -> bool {
        self.job.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl App {
    /// Makes the histogram again: on a thread of its own once the load is done (the
    /// event loop: see the module's comment), else here.
    pub(super) fn recompute_histogram(&mut self) {
        if self.hints_go_off_thread() {
            if self.histogram_job.is_none() {
                let stop = Arc::new(AtomicBool::new(false));
                let (theirs, report) = (stop.clone(), self.report.clone());
                let job = std::thread::Builder::new()
                    .name("histogram".to_owned())
                    .spawn(move || histogram_of(&report, &theirs));
                if let Ok(job) = job {
                    self.histogram_job = Some(HistogramJob {
                        job: Some(job),
                        stop,
                    });
                    return;
                }
            } else {
                return;
            }
        }
        if let Some(h) = histogram_of(&self.report, &AtomicBool::new(false)) {
            self.histogram = h;
            self.histogram_made();
        }
    }

    /// Takes the histogram made on its own thread once it is done (`wait`: waits).
    pub(super) fn take_histogram_made(&mut self, wait: bool) {
        let Some(job) = self.histogram_job.take_if(|j| wait || j.is_finished()) else {
            return;
        };
        if let Some(h) = job.join(false) {
            self.histogram = h;
            self.histogram_made();
        }
    }

    /// Stops the histogram's thread (it is made again in a later frame) and waits until
    /// it let go of the report.
    pub(super) fn stop_histogram_job(&mut self) {
        if let Some(job) = self.histogram_job.take() {
            let _ = job.join(true);
            // The next frame starts it again.
            self.dirty = true;
        }
    }

    /// The histogram made on its own thread waits to be taken.
    pub(super) fn histogram_job_ready(&self) -> bool {
        self.histogram_job
            .as_ref()
            .is_some_and(HistogramJob::is_finished)
    }
}
