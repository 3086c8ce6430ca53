//! What the hints of a whole scan read beside the index ([`Tables`]), made a slice at a
//! time ([`TablesBuild::step`]; split out of `hints`). At 2,000,000 events they are a pass
//! over every record of the index and every STS event (about 0.7 s on a quiet machine):
//! made in one go at the load's end, a key typed then waited for them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::bulk::BulkBuild;
use super::{HintConfig, Inputs, Tables, is_password_operation, is_sign_in_operation};
use crate::lookalike::Principals;
use crate::scan::ScanReport;

/// The sign-in records of the index by actor (see `Tables::sign_ins`), and the operations
/// that reset or change a password (`Tables::password_ops`), being gathered: records
/// `0..len` of the index as it was when the build began, `next` the first not read.
struct SignIns {
    /// Operations are few and repeat: each is classified once. Looked up for every record
    /// of the index: foldhash, not the default SipHash (BENCHMARKS.md, issue 12,
    /// thirteenth round).
    kind: foldhash::HashMap<u32, (bool, bool)>,
    out: HashMap<u32, Vec<u32>>,
    password_ops: HashSet<u32>,
    next: usize,
    len: usize,
}

impl SignIns {
    /// Reads records until done (true) or `out_of_time` says so (asked every 256).
    fn step(&mut self, report: &ScanReport, out_of_time: &dyn Fn() -> bool) -> bool {
        while self.next < self.len {
            let i = self.next;
            self.next += 1;
            self.read(report, i);
            if self.next.is_multiple_of(256) && self.next < self.len && out_of_time() {
                return false;
            }
        }
        true
    }

    /// Record `i` of the index.
    fn read(&mut self, report: &ScanReport, i: usize) {
        let index = &report.context;
        let Some(e) = index.entries.get(i) else {
            return;
        };
        let (sign_in, password) = *self.kind.entry(e.operation).or_insert_with(|| {
            let op = index.text(e.operation);
            (is_sign_in_operation(op), is_password_operation(op))
        });
        if password {
            self.password_ops.insert(e.operation);
        }
        if e.actor == 0 {
            return;
        }
        if sign_in && let Ok(i) = u32::try_from(i) {
            self.out.entry(e.actor).or_default().push(i);
        }
    }

    /// Each actor's sign-ins by time.
    fn finish(mut self, report: &ScanReport) -> (HashMap<u32, Vec<u32>>, HashSet<u32>) {
        let index = &report.context;
        for list in self.out.values_mut() {
            // Stable: records of the same time stay in index order, as the actor lookup
            // has them.
            list.sort_by_key(|&i| index.entries[i as usize].time);
        }
        (self.out, self.password_ops)
    }
}

/// [`Tables`] being made: the sign-ins, then the `bulk` counts. Valid for the report as it
/// was when the build began, as the tables made in one go ([`TablesBuild::run`], which
/// the one-go callers use: the same steps to their end).
pub(super) struct TablesBuild {
    config: HintConfig,
    sign_ins: SignIns,
    bulk: BulkBuild,
}

impl TablesBuild {
    /// The context index must be prepared (`ContextIndex::prepare`; the scan does it at
    /// each file's end).
    pub(super) fn new(report: &ScanReport, config: HintConfig) -> Self {
        Self {
            config,
            sign_ins: SignIns {
                kind: foldhash::HashMap::default(),
                out: HashMap::new(),
                password_ops: HashSet::new(),
                next: 0,
                len: report.context.entries.len(),
            },
            bulk: BulkBuild::new(report, config),
        }
    }

    /// Works on until done (true) or until `out_of_time` says so (false).
    pub(super) fn step(&mut self, report: &ScanReport, out_of_time: &dyn Fn() -> bool) -> bool {
        self.sign_ins.step(report, out_of_time) && self.bulk.step(report, out_of_time)
    }

    /// How far the build is: (done, of), in records, events and actors.
    pub(super) fn progress(&self) -> (usize, usize) {
        let (b, of) = self.bulk.progress();
        (self.sign_ins.next + b, self.sign_ins.len + of)
    }

    /// The tables, once [`TablesBuild::step`] said done.
    pub(super) fn finish(self, report: &ScanReport) -> Tables {
        let (sign_ins, password_ops) = self.sign_ins.finish(report);
        Tables {
            config: self.config,
            bulk: self.bulk.out,
            bulk_rows: self.bulk.rows,
            sign_ins,
            password_ops,
            conflicts: conflicts_by_id(report),
            principals: Principals::new(super::principal_texts(report))
                .with_identities(report.findings.iter().map(crate::lookalike::row_identity)),
        }
    }

    /// The tables made in one go.
    pub(super) fn run(report: &ScanReport, config: HintConfig) -> Tables {
        let mut build = Self::new(report, config);
        while !build.step(report, &|| false) {}
        build.finish(report)
    }
}

/// The records of each event id read with different content (`scan::conflict`), by id.
fn conflicts_by_id(report: &ScanReport) -> HashMap<String, Vec<crate::scan::IdConflict>> {
    let mut out: HashMap<String, Vec<crate::scan::IdConflict>> = HashMap::new();
    for c in &report.id_conflicts {
        out.entry(c.id.clone()).or_default().push(c.clone());
    }
    out
}

impl<'a> Inputs<'a> {
    /// [`Inputs::new`], with the related-record count of every row's first event (what
    /// each row's context line says: [`crate::context::summary::finding_line`]) counted on
    /// a second thread while the tables are built on this one. For a report that writes
    /// every row: the counting and the tables were most of its single-threaded time after
    /// the scan (BENCHMARKS.md, issue 12, thirteenth round). The same counts as counted
    /// row by row.
    ///
    pub fn with_related_counts(report: &'a ScanReport, config: HintConfig) -> Self {
        Self::with_related_counts_and_tables(report, config, None)
    }

    /// [`Inputs::with_related_counts`] with the tables already made for this report with
    /// these thresholds, if `made` holds them (`report` makes them beside the context
    /// index's lookups: `ScanReport::prepare_context_beside`): then the counts are split
    /// over this thread and a second one. Tables made with other thresholds are not used.
    pub fn with_related_counts_and_tables(
        report: &'a ScanReport,
        config: HintConfig,
        made: Option<&Arc<Tables>>,
    ) -> Self {
        let mut firsts: Vec<usize> = report
            .findings
            .iter()
            // A folded row is no row (the report writes none).
            .filter(|f| !f.is_folded())
            .filter_map(|f| f.events.first().copied())
            .filter(|&i| i < report.events.len())
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        // Each count reads the prepared index alone; no table is read.
        let count = |firsts: &[usize]| {
            firsts
                .iter()
                .map(|&i| {
                    let n = report
                        .context
                        .related_count(&report.events[i], &config.context);
                    (i, n)
                })
                .collect::<Vec<_>>()
        };
        let made = made.filter(|t| t.config == config);
        let (tables, related) = std::thread::scope(|s| {
            let join = |h: std::thread::ScopedJoinHandle<'_, Vec<(usize, usize)>>| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            };
            match made {
                Some(t) => {
                    let (early, late) = firsts.split_at(firsts.len() / 2);
                    let other = s.spawn(|| count(early));
                    let late = count(late);
                    let mut related = join(other);
                    related.extend(late);
                    (t.clone(), related)
                }
                None => {
                    let other = s.spawn(|| count(&firsts));
                    let tables = Arc::new(TablesBuild::run(report, config));
                    (tables, join(other))
                }
            }
        });
        Self {
            report,
            tables,
            related,
        }
    }

    /// [`Inputs::new`], or [`Inputs::with_tables`] when `made` holds tables made for this
    /// report with these thresholds.
    pub fn made_or_new(
        report: &'a ScanReport,
        config: HintConfig,
        made: Option<&Arc<Tables>>,
    ) -> Self {
        match made.filter(|t| t.config == config) {
            Some(t) => Self::with_tables(report, t.clone()),
            None => Self::new(report, config),
        }
    }

    /// The related-record count of event `i` if [`Inputs::with_related_counts`] counted it.
    pub fn related_count(&self, i: usize) -> Option<usize> {
        self.related
            .binary_search_by_key(&i, |&(e, _)| e)
            .ok()
            .map(|at| self.related[at].1)
    }
}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tables {{ {} bulk counts }}", self.bulk.len())
    }
}
