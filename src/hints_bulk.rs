//! The `bulk` hint's counts: for each actor, the distinct users whose tokens it changed
//! within a sliding window (split out of `hints`), made a slice at a time
//! ([`BulkBuild::step`]) so that the workbench answers keys while they are made.

use std::collections::HashMap;

use super::HintConfig;
use crate::context::index::TICKS_PER_SEC;
use crate::kql::ticks;
use crate::scan::ScanReport;

/// `by_actor`'s tag of an event kept whole.
const WHOLE: u32 = 1 << 31;
/// `by_actor`'s row of an event that gives none (kept whole, or a near miss).
const NO_ROW: u32 = u32::MAX;

/// The `bulk` counts being made: first every event's actor, target and time are gathered
/// by actor (one place of [`ScanReport::event_label_at`] at a time), then each actor's
/// windows are counted (one actor at a time). Valid for the report as it was when the
/// build began (events read since are not counted).
///
/// For each STS event whose actor changed the tokens of `bulk_users` or more distinct
/// targets within some `bulk_minutes` window that holds the event, that count: by the
/// event's arrival number for the events kept whole, and by row for the lean events of the
/// headless commands (each gives one row; the most of its lean events' counts), so that a
/// row's `bulk` is the same whether its events were kept whole or not.
pub(super) struct BulkBuild {
    config: HintConfig,
    // Actors and targets compared in ASCII lower case, each by number.
    // An actor by its kind too: an app named like a user is another actor.
    actors: HashMap<(crate::model::ActorKind, String), u32>,
    targets: HashMap<String, u32>,
    /// Per actor: (time, arrival number, target number | WHOLE for an event kept whole,
    /// the row of a lean flagged event or NO_ROW); target 0 is none.
    by_actor: Vec<Vec<(i64, u32, u32, u32)>>,
    /// The events kept whole when the build began, and the places to gather.
    whole: usize,
    places: usize,
    /// The next place to gather, then the next actor whose windows are counted.
    gathered: usize,
    counted: usize,
    /// By arrival number: the count of an event kept whole (and of every lean event in
    /// the workbench, `ScanReport::lean_shown`).
    pub(super) out: HashMap<u32, usize>,
    /// By row: the most of its lean events' counts (headless commands).
    pub(super) rows: HashMap<usize, usize>,
    /// Where the counting of actor `counted`'s windows stands, when a slice ended in it:
    /// an actor may hold most of a file's events (a tenant-wide revocation by one admin:
    /// 170,000 at 2M), too many for one slice.
    window: Option<Window>,
}

/// The sliding window over one actor's sorted events: it holds the events `j..r`, and
/// `counts` their distinct targets; events before `marked_to` have their count.
#[derive(Default)]
struct Window {
    j: usize,
    r: usize,
    marked_to: usize,
    counts: HashMap<u32, usize>,
}

/// How many of an actor's events a slice steps through between two looks at the clock.
const WINDOW_STEPS: usize = 128;

impl BulkBuild {
    pub(super) fn new(report: &ScanReport, config: HintConfig) -> Self {
        Self {
            config,
            actors: HashMap::new(),
            targets: HashMap::new(),
            by_actor: Vec::new(),
            whole: report.events.len(),
            places: report.event_label_places(),
            gathered: 0,
            counted: 0,
            out: HashMap::new(),
            rows: HashMap::new(),
            window: None,
        }
    }

    /// Works on until done (true) or until `out_of_time` says so (false; asked every 64
    /// events, a few microseconds, and after each actor's windows).
    pub(super) fn step(&mut self, report: &ScanReport, out_of_time: &dyn Fn() -> bool) -> bool {
        while self.gathered < self.places {
            let k = self.gathered;
            self.gathered += 1;
            self.gather(report, k);
            if self.gathered.is_multiple_of(64) && self.gathered < self.places && out_of_time() {
                return false;
            }
        }
        while self.counted < self.by_actor.len() {
            let a = self.counted;
            if !self.count(report, a, out_of_time) {
                return false;
            }
            self.counted += 1;
            if out_of_time() {
                return self.counted >= self.by_actor.len();
            }
        }
        true
    }

    fn gather(&mut self, report: &ScanReport, k: usize) {
        let Some(e) = report.event_label_at(k, self.whole) else {
            return;
        };
        let Some(t) = e.time.as_ref().map(ticks) else {
            return;
        };
        let actor = e.actor.to_ascii_lowercase();
        if actor.is_empty() {
            return;
        }
        let by_actor = &mut self.by_actor;
        let a = *self.actors.entry((e.actor_kind, actor)).or_insert_with(|| {
            by_actor.push(Vec::new());
            u32::try_from(by_actor.len() - 1).unwrap_or(u32::MAX)
        });
        let target = e.target.to_ascii_lowercase();
        let tid = if target.is_empty() {
            0
        } else {
            let next = u32::try_from(self.targets.len() + 1).unwrap_or(u32::MAX);
            *self.targets.entry(target).or_insert(next)
        };
        let row = e
            .finding
            .and_then(|f| u32::try_from(f).ok())
            .unwrap_or(NO_ROW);
        by_actor[a as usize].push((t, e.seq, tid | if e.whole { WHOLE } else { 0 }, row));
    }

    /// Counts the windows of actor `a`'s events, from where the last slice stopped; false
    /// when `out_of_time` said so first (asked every [`WINDOW_STEPS`] events).
    fn count(&mut self, report: &ScanReport, a: usize, out_of_time: &dyn Fn() -> bool) -> bool {
        let config = self.config;
        let list = &mut self.by_actor[a];
        if list.len() < config.bulk_users.max(1) {
            return true;
        }
        let w = config.bulk_minutes * 60 * TICKS_PER_SEC;
        let mut at = match self.window.take() {
            Some(at) => at,
            None => {
                list.sort_unstable();
                Window::default()
            }
        };
        let target = |k: usize| list[k].2 & !WHOLE;
        // Two pointers: the window [t_j, t_j + w] holds the events j..r.
        while at.j < list.len() {
            let j = at.j;
            while at.r < list.len() && list[at.r].0 <= list[j].0 + w {
                let t = target(at.r);
                if t != 0 {
                    *at.counts.entry(t).or_default() += 1;
                }
                at.r += 1;
            }
            let distinct = at.counts.len();
            if distinct >= config.bulk_users {
                for &(_, seq, tag, row) in &list[j.max(at.marked_to)..at.r] {
                    // The workbench asks each lean event's own count (`lean_shown`).
                    if tag & WHOLE != 0 || report.lean_shown {
                        self.out.insert(seq, distinct);
                    } else if row != NO_ROW {
                        let most = self.rows.entry(row as usize).or_default();
                        *most = (*most).max(distinct);
                    }
                }
                at.marked_to = at.marked_to.max(at.r);
            }
            let t = target(j);
            if let Some(c) = at.counts.get_mut(&t) {
                *c -= 1;
                if *c == 0 {
                    at.counts.remove(&t);
                }
            }
            at.j += 1;
            // A slice goes on past where the last one stopped before it looks at the clock.
            if at.j.is_multiple_of(WINDOW_STEPS) && at.j < list.len() && out_of_time() {
                self.window = Some(at);
                return false;
            }
        }
        // Counted: the list is not read again.
        *list = Vec::new();
        true
    }

    /// How far the build is: (done, of), in events and actors.
    pub(super) fn progress(&self) -> (usize, usize) {
        (
            self.gathered + self.counted,
            self.places + self.by_actor.len(),
        )
    }
}
