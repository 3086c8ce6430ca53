//! The state's effects carried out at the terminal edge: the journal written, the
//! clipboard filled, a report started off the key path, the load stopped. Apart from the
//! event loop (`tui`) because it is the one place where what the analyst decided leaves
//! the state for disk, clipboard or another thread, and its outcome comes back as actions.

use std::sync::atomic::Ordering;

use super::app::{App, Effect};
use super::{Flow, Shell, clipboard, report_job, report_snapshot};

/// Carries out the state's effects (journal, clipboard, report, stopping the load).
pub(super) fn carry_out_effects(app: &mut App, shell: &mut Shell) -> Flow {
    let Shell {
        clipboard,
        journal,
        cancel,
        protected,
        report_job,
        gate,
        ..
    } = shell;
    for effect in std::mem::take(&mut app.effects) {
        match effect {
            Effect::Journal(entries) => {
                if let Some(job) = report_job {
                    job.decided_since += entries.len();
                }
                let journal = journal.get().map_err(|e| format!("{e:#}"));
                for answer in super::lazy_journal::write_entries(journal, &entries) {
                    app.apply(answer);
                }
            }
            Effect::Copy { text, what } => {
                let action =
                    clipboard::copy_text(clipboard, &text, &what, &app.journal_path, protected);
                app.apply(action);
            }
            // The text is made by a worker from the state as it is now (`report_job`);
            // the state starts one report at a time.
            Effect::Report { to_file } => {
                if report_job.is_none() {
                    let snapshot = report_snapshot(app, journal.existing());
                    *report_job = Some(report_job::ReportJob::start(
                        snapshot,
                        to_file,
                        protected.clone(),
                        gate.take(),
                    ));
                }
            }
            Effect::CancelLoad => cancel.store(true, Ordering::Relaxed),
            Effect::Quit => {
                cancel.store(true, Ordering::Relaxed);
                return Flow::Quit;
            }
        }
    }
    Flow::Continue { inputs: 0 }
}
