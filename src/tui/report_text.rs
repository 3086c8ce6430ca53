//! The findings report the workbench writes (`E`, `Y`): the same Markdown as `sts-triage
//! report`, with the journal as this workbench has applied it, a PARTIAL LOAD banner when
//! the load is not complete, and a RELATED RECORDS NOT READ banner when a file's related
//! records were not read after its rows (it changed during the load).

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use super::action::Action;
use super::app::{App, LoadGaps};
use crate::hints::HintConfig;
use crate::journal::{Decision, Journal};
use crate::scan::ScanReport;

/// Everything the findings report of `E` and `Y` is made from, taken at the key press: the
/// scan shared (never copied: the load waits while a report is written), the decisions as
/// they are then (those made while it is written are not in it), the journal's entries and
/// head as this workbench has applied them, the thresholds and what the load has not read.
/// Making the text ([`ReportSnapshot::markdown`]) needs nothing else, so a worker thread
/// can make it while the keys are answered (`tui::report_job`).
pub struct ReportSnapshot {
    report: Arc<ScanReport>,
    decisions: HashMap<String, Decision>,
    journal_path: String,
    /// Whether the journal exists (before the first decision the report says "not found").
    found: bool,
    /// The journal's entries and head hash as applied, when this workbench has it open.
    chain: Option<(usize, Option<String>)>,
    hints: HintConfig,
    gaps: Option<LoadGaps>,
    /// Files whose related records were not read after their rows, and why.
    related_not_read: Vec<(String, String)>,
    /// Files the loader found changed after it read them: no hash, and why.
    not_hashed: Vec<(String, String)>,
}

impl ReportSnapshot {
    /// The state of `app` now, with the journal `journal` as applied (None: not created
    /// yet, or not opened by this workbench: the journal on disk is described).
    pub fn of(app: &App, journal: Option<&Journal>) -> Self {
        let (found, chain) = match journal {
            Some(j) => (
                j.path().exists(),
                Some((j.entries(), j.head().map(str::to_owned))),
            ),
            // As `report` says it: a journal not created yet (no decision made) is "not found".
            None => (std::path::Path::new(&app.journal_path).exists(), None),
        };
        Self {
            report: Arc::clone(&app.report),
            decisions: app.decisions.clone(),
            journal_path: app.journal_path.clone(),
            found,
            chain,
            hints: app.hint_config,
            gaps: app.load_gaps(),
            related_not_read: app.related_not_read().to_vec(),
            not_hashed: app.inputs_not_hashed().to_vec(),
        }
    }

    /// About how many lines the report has (for a progress figure: a line a row).
    pub fn lines_expected(&self) -> usize {
        let decided_near = self.decisions.len().min(self.report.near_misses.len());
        self.report.findings.len() + decided_near + self.report.files.len() + 30
    }

    /// The Markdown report, as `sts-triage report` writes it for the same journal;
    /// `lines` is told how many lines are written so far, as they are. The inputs the scan
    /// did not hash are hashed here, and a journal not opened by this workbench is read.
    pub fn markdown(&self, lines: &dyn Fn(usize)) -> String {
        let known: HashMap<String, crate::report::FileHash> = self
            .not_hashed
            .iter()
            .map(|(path, why)| {
                (
                    path.clone(),
                    crate::report::FileHash::Unavailable(why.clone()),
                )
            })
            .collect();
        let mut ctx = crate::report::ReportContext::new_knowing(
            &self.report,
            &self.journal_path,
            self.found,
            &known,
        )
        .with_hints(self.hints);
        if let Some((entries, head)) = &self.chain {
            ctx = ctx.with_journal_chain(*entries, head.clone());
        }
        self.markdown_of(ctx, lines)
    }

    /// The Markdown report with `ctx`; a report made before the load is complete (still
    /// loading, or stopped by the analyst) says so first, from the same state the header
    /// shows (`App::load_gaps`), and the hash of a file read in part is labelled as the
    /// whole file's, which the findings do not cover.
    fn markdown_of(&self, mut ctx: crate::report::ReportContext, lines: &dyn Fn(usize)) -> String {
        let Some(gaps) = &self.gaps else {
            let text = self.text(&ctx, lines);
            return match self.related_banner() {
                Some(banner) => after_title(&text, &banner),
                None => text,
            };
        };
        if let Some((name, read, size, _)) = &gaps.cut.file
            && let Some(hash) = ctx.hashes.get_mut(name)
            && let crate::report::FileHash::Sha256(h) = hash.clone()
        {
            *hash = crate::report::FileHash::Unavailable(format!(
                "read in part, to about byte {read} of {size}: the whole file's SHA-256 is {h}, which the findings do not cover"
            ));
        }
        let text = self.text(&ctx, lines);
        let mut banner = format!(
            "> **PARTIAL LOAD.** {}. The findings below cover only what was read.\n",
            crate::neutralize::markdown_inline(&gaps.describe())
        );
        // Every file the load was to read, and how far it was read.
        let mut names: Vec<&String> = gaps.cut.unread.iter().collect();
        if let Some((name, ..)) = &gaps.cut.file {
            names.insert(0, name);
        }
        for name in names {
            let how = if gaps.cut.file.as_ref().is_some_and(|f| &f.0 == name) {
                "read in part"
            } else {
                "not read"
            };
            banner.push_str(&format!(
                ">\n> - {} ({how})\n",
                crate::neutralize::markdown_inline(name)
            ));
        }
        banner.push('\n');
        if let Some(related) = self.related_banner() {
            banner.push_str(&related);
        }
        after_title(&text, &banner)
    }

    /// Said first when the related records of some files were not read after their rows
    /// (breaker 13 #5: the report said `no related records` on every row of a file that
    /// changed during the load, with nothing to say why), naming each file and why.
    fn related_banner(&self) -> Option<String> {
        if self.related_not_read.is_empty() {
            return None;
        }
        let mut banner = format!(
            "> **RELATED RECORDS NOT READ** from {}: no context line or context hint comes from them, so `no related records` on their rows is no finding.\n",
            crate::count::count(self.related_not_read.len(), "file")
        );
        for (name, why) in &self.related_not_read {
            banner.push_str(&format!(
                ">\n> - {}: {}\n",
                crate::neutralize::markdown_inline(&crate::neutralize::name(name)),
                // Our own words (the loader's), not an event's.
                why
            ));
        }
        banner.push('\n');
        Some(banner)
    }

    /// `crate::report::markdown_report`'s text, written through a counter of lines.
    fn text(&self, ctx: &crate::report::ReportContext, lines: &dyn Fn(usize)) -> String {
        let mut out = Counted {
            out: Vec::new(),
            lines: 0,
            tell: lines,
        };
        // Writing into memory cannot fail.
        let _ = crate::report::write_markdown(&mut out, &self.report, &self.decisions, ctx);
        String::from_utf8_lossy(&out.out).into_owned()
    }
}

/// `text` with `banner` after its title (the first paragraph).
fn after_title(text: &str, banner: &str) -> String {
    match text.find("\n\n") {
        Some(i) => format!("{}{banner}{}", &text[..i + 2], &text[i + 2..]),
        None => format!("{banner}{text}"),
    }
}

/// A writer into memory that tells how many lines it has taken.
struct Counted<'a> {
    out: Vec<u8>,
    lines: usize,
    tell: &'a dyn Fn(usize),
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.extend_from_slice(buf);
        let n = buf.iter().filter(|&&b| b == b'\n').count();
        if n > 0 {
            self.lines += n;
            (self.tell)(self.lines);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The findings report of the workbench's state, as `sts-triage report` writes it (the
/// input files are hashed here, at the edge).
pub fn report_markdown(app: &App) -> String {
    ReportSnapshot::of(app, None).markdown(&|_| {})
}

/// The report of `Y` and `E`: first what other workbenches appended is read and applied,
/// then the report names the journal as this workbench has applied it (entries and head),
/// so that `sts-triage verify` finds the report's decisions in the journal. Before the
/// first decision there is no journal: the report says it was not found, as `report` does.
/// The workbench makes the same text off the key path (`tui::report_job`).
pub fn report_of_journal(app: &mut App, journal: Option<&mut Journal>) -> String {
    report_snapshot(app, journal).markdown(&|_| {})
}

/// What `E` and `Y` take at the key press (see [`report_of_journal`]).
pub fn report_snapshot(app: &mut App, journal: Option<&mut Journal>) -> ReportSnapshot {
    match journal {
        Some(journal) => {
            read_foreign(app, journal);
            ReportSnapshot::of(app, Some(journal))
        }
        None => ReportSnapshot::of(app, None),
    }
}

/// What other workbenches appended to the journal since it was last read, applied to the
/// state (before `Y`/`E`, and before an undo or redo, which must see the row's decision as
/// the journal now has it: another analyst's later verdict is never silently undone).
pub fn read_foreign(app: &mut App, journal: &mut Journal) {
    if journal.refresh().is_ok() {
        apply_read(app, journal);
    }
}

/// What the journal's last read (a refresh) gave, applied to the state: the journal read
/// again whole when it had been replaced, other workbenches' entries, then what was done to
/// the file (a crashed writer's torn line cut off). True when there was anything.
pub fn apply_read(app: &mut App, journal: &mut Journal) -> bool {
    let reloaded = journal.take_reloaded();
    let foreign = journal.take_foreign();
    let notice = journal.take_notice();
    let any = !foreign.is_empty() || notice.is_some() || reloaded.is_some();
    if let Some(r) = reloaded {
        app.apply(Action::JournalReloaded {
            reloaded: Box::new(r),
        });
    }
    if !foreign.is_empty() {
        app.apply(Action::Foreign {
            entries: foreign,
            own: Vec::new(),
            now: chrono::Utc::now(),
        });
    }
    if let Some(said) = notice {
        app.apply(Action::JournalKept { said });
    }
    any
}
