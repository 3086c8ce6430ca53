//! The hint pass after the load, on a thread of its own ([`App::hints_off_thread`]): the
//! pass over every event behind the rows (seconds of CPU at 2,000,000 events) no longer
//! runs in slices on the screen thread, where a key typed during a slice (up to 8 ms, and
//! its tables' end and the pass's end in one piece) waited for it. The screen thread
//! hands the pass over, looks now and then whether it is done, and takes back every row's
//! hints and the near misses to mark: the same as the pass run in slices gives (the
//! pass is the same code, run to its end over the same report).
//!
//! Only once the load is done and its context index is in the report: the thread holds
//! the report (`Arc`), which nothing changes after the load (not in follow mode, where
//! rows keep arriving: there the pass stays in slices). While it runs, keys are answered
//! from the state as it is: the rows keep the hints last made, the drill-down makes a
//! row's hints from the pass's tables once they are made (as with the pass in slices).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::App;
use crate::hints::{self, Hint, RowHintsPass, Tables};
use crate::scan::ScanReport;

/// How long the thread works between two looks at whether it is to stop, each followed
/// by its progress said: short, as a key that changes the report (the drill-down making
/// a row's lean events whole) waits for the thread to stop and let go of it.
const STEP: Duration = Duration::from_millis(4);

/// What the thread and the screen share while the pass runs.
#[derive(Debug, Default)]
struct Shared {
    /// The pass's progress: (done, of), as [`RowHintsPass::progress`].
    done: AtomicUsize,
    of: AtomicUsize,
    /// The tables the pass reads, once made (the drill-down makes a row's hints with them).
    tables: Mutex<Option<Arc<Tables>>>,
    /// Set when the job is dropped (a new pass, the app gone) or paused: the thread stops
    /// and gives the pass back.
    stop: AtomicBool,
}

/// What the pass gives back: every flagged row's hints, in the rows' order, and the
/// places (in `ScanReport::near_misses`) of the near misses whose principal looks like
/// another of the loaded data.
#[derive(Debug)]
pub(super) struct Made {
    pub(super) tables: Option<Arc<Tables>>,
    pub(super) hints: Vec<Vec<Hint>>,
    pub(super) near_lookalikes: Vec<usize>,
}

/// How the thread ended: the pass done, or stopped and given back as it was.
enum Ended {
    Made(Made),
    Stopped(RowHintsPass),
}

/// A hint pass running on its own thread.
#[derive(Debug)]
pub(super) struct HintsJob {
    job: Option<JoinHandle<Option<Ended>>>,
    shared: Arc<Shared>,
}

impl Drop for HintsJob {
    fn drop(&mut self) {
        // Not joined: the thread sees it within a step and ends, dropping its report.
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

impl HintsJob {
    /// Starts `pass` over `report` on a thread of its own; gives the pass back when no
    /// thread can be started (it then goes on in slices).
    pub(super) fn start(pass: RowHintsPass, report: Arc<ScanReport>) -> Result<Self, RowHintsPass> {
        let shared = Arc::new(Shared::default());
        let (done, of) = pass.progress();
        shared.done.store(done, Ordering::Relaxed);
        shared.of.store(of, Ordering::Relaxed);
        let (tx, rx) = std::sync::mpsc::channel::<RowHintsPass>();
        let theirs = shared.clone();
        let job = std::thread::Builder::new()
            .name("hint pass".to_owned())
            .spawn(move || {
                let mut pass = rx.recv().ok()?;
                if run(&mut pass, &report, &theirs).is_none() {
                    return Some(Ended::Stopped(pass));
                }
                let tables = pass.tables();
                let hints = pass.finish(&report);
                let near_lookalikes = match &tables {
                    Some(t) => near_lookalikes_of(&report, t),
                    None => Vec::new(),
                };
                Some(Ended::Made(Made {
                    tables,
                    hints,
                    near_lookalikes,
                }))
            });
        match job {
            Ok(job) => {
                if let Err(back) = tx.send(pass) {
                    // The thread is gone before it got the pass (it cannot be): slices.
                    return Err(back.0);
                }
                Ok(Self {
                    job: Some(job),
                    shared,
                })
            }
            Err(_) => Err(pass),
        }
    }

    /// How far the pass is: (done, of).
    pub(super) fn progress(&self) -> (usize, usize) {
        (
            self.shared.done.load(Ordering::Relaxed),
            self.shared.of.load(Ordering::Relaxed),
        )
    }

    /// The pass's tables, once it made them.
    pub(super) fn tables(&self) -> Option<Arc<Tables>> {
        self.shared
            .tables
            .lock()
            .ok()
            .and_then(|t| t.as_ref().cloned())
    }

    /// The thread is done: [`HintsJob::join`] does not wait.
    pub(super) fn is_finished(&self) -> bool {
        self.job.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// What the pass made, or the pass given back as it was when `stop` (waits for the
    /// thread, which has let go of the report once this returns). A fault on the thread
    /// is the screen thread's, as when the pass ran here.
    fn join(mut self, stop: bool) -> Option<Ended> {
        if stop {
            self.shared.stop.store(true, Ordering::Relaxed);
        }
        let job = self.job.take()?;
        match job.join() {
            Ok(ended) => ended,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// Steps the pass to its end, saying its progress and its tables; None when stopped
/// (between two steps: the pass goes on from there wherever it is stepped next).
fn run(pass: &mut RowHintsPass, report: &ScanReport, shared: &Shared) -> Option<()> {
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            return None;
        }
        let done = pass.step(report, Some(STEP));
        let (d, of) = pass.progress();
        shared.done.store(d, Ordering::Relaxed);
        shared.of.store(of, Ordering::Relaxed);
        if let Some(t) = pass.tables()
            && let Ok(mut have) = shared.tables.lock()
            && have.is_none()
        {
            *have = Some(t);
        }
        if done {
            return Some(());
        }
    }
}

/// The places of the near misses whose principal looks like another of the loaded data
/// ([`Tables::near_miss_lookalike`]), asked once per distinct parties and actor text
/// (events share them: `ScanReport` interns them), so that millions of near misses of a
/// few principals cost a lookup each.
pub(super) fn near_lookalikes_of(report: &ScanReport, tables: &Tables) -> Vec<usize> {
    let mut asked: std::collections::HashMap<(usize, usize), bool> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for (place, &i) in report.near_misses.iter().enumerate() {
        let e = &report.events[i];
        // Where the shared texts are: the same parties and actor ask the same.
        let at = (
            Arc::as_ptr(&e.parties) as usize,
            e.actor.as_str().as_ptr() as usize,
        );
        if *asked
            .entry(at)
            .or_insert_with(|| tables.near_miss_lookalike(e, &report.context))
        {
            out.push(place);
        }
    }
    out
}

impl App {
    /// Whether the hint pass under way goes to a thread of its own now: the event loop's
    /// setting, once the load is done and its context index is in the report, not
    /// following files (see the module's comment).
    pub(super) fn hints_go_off_thread(&self) -> bool {
        self.hints_off_thread
            && self.loading.done
            && self.following == 0
            && !self.context_preparing()
    }

    /// Hands the pass under way to a thread of its own (where none can be started, it
    /// goes on in slices).
    pub(super) fn start_hints_job(&mut self) {
        let Some(pass) = self.arrivals.pass.take() else {
            return;
        };
        match HintsJob::start(pass, self.report.clone()) {
            Ok(job) => self.hints_job = Some(job),
            Err(pass) => self.arrivals.pass = Some(pass),
        }
    }

    /// The pass on its own thread is done: its results wait to be taken.
    pub(super) fn hints_job_ready(&self) -> bool {
        self.hints_job.as_ref().is_some_and(HintsJob::is_finished)
    }

    /// A hint pass or the histogram is being made on a thread of its own (the event loop
    /// looks again shortly: [`crate::tui::wake::next_wait`]).
    pub fn hints_running_off_thread(&self) -> bool {
        self.hints_job.is_some() || self.histogram_job.is_some()
    }

    /// Waits for the hint pass and the histogram on their own threads and takes them:
    /// the state a frame reaches once the threads are done. For a caller that needs the
    /// final state now (the tests).
    pub fn wait_for_hints(&mut self) {
        self.take_hints_made(true);
        self.take_histogram_made(true);
    }

    /// Takes the tables and, once done, the hints of the pass on its own thread (`wait`:
    /// waits for them).
    pub(super) fn take_hints_made(&mut self, wait: bool) {
        let Some(job) = &self.hints_job else {
            return;
        };
        if self.arrivals.tables.is_none() {
            self.arrivals.tables = job.tables();
        }
        let Some(job) = self.hints_job.take_if(|j| wait || j.is_finished()) else {
            return;
        };
        self.hints_job_ended(job.join(false));
    }

    /// The report to change in place (a row's lean events made whole for the
    /// drill-down), None while a report of `E`/`Y` shares it. A hint pass on its own
    /// thread is stopped first (within a step: a few milliseconds) and goes on in the
    /// next frames, from where it was, over the report as changed (as the pass in slices
    /// does when a drill-down opens between two slices: the events made whole are read
    /// once, whole or lean).
    pub(super) fn report_to_change(&mut self) -> Option<&mut ScanReport> {
        self.stop_histogram_job();
        if let Some(job) = self.hints_job.take() {
            let ended = job.join(true);
            self.hints_job_ended(ended);
        }
        Arc::get_mut(&mut self.report)
    }

    fn hints_job_ended(&mut self, ended: Option<Ended>) {
        match ended {
            Some(Ended::Made(made)) => {
                if self.arrivals.tables.is_none() {
                    self.arrivals.tables = made.tables;
                }
                self.rows_hints_made(made.hints, Some(made.near_lookalikes));
            }
            Some(Ended::Stopped(pass)) => {
                if self.arrivals.tables.is_none() {
                    self.arrivals.tables = pass.tables();
                }
                self.arrivals.pass = Some(pass);
            }
            None => {}
        }
    }
}

impl App {
    /// The hints of a flagged row, with their reasons.
    pub fn hints_of(&self, finding: usize) -> Vec<Hint> {
        // As last made for the table's Hints column, unless a pass is making them again:
        // then this row's alone, as the pass will make them, once the pass has made the
        // tables they read (the drill-down never waits for the pass, nor shows hints it is
        // about to change). While it makes its tables (a pass over every record and every
        // event), the hints as last made, or the row's own before any were made (the
        // header says `making hints n%…` meanwhile): a key never waits for the tables.
        let last_made = || {
            self.arrivals.hints.get(finding).cloned().or_else(|| {
                self.report
                    .findings
                    .get(finding)
                    .map(|f| hints::row_hints(f, self.hint_config))
            })
        };
        if self.arrivals.pass.is_none() && self.hints_job.is_none() {
            if let Some(hints) = self.arrivals.hints.get(finding) {
                return hints.clone();
            }
        } else if self.arrivals.tables.is_none() {
            return last_made().unwrap_or_default();
        }
        let inputs = match &self.arrivals.tables {
            Some(t) => hints::Inputs::with_tables(&self.report, t.clone()),
            None => hints::Inputs::new(&self.report, self.hint_config),
        };
        self.report
            .findings
            .get(finding)
            .map(|f| inputs.finding_hints(f))
            .unwrap_or_default()
    }
}
