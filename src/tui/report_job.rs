//! The findings report of `E` and `Y` made off the key path. Its text takes seconds at a
//! million events (each row's context and hints are made from every event of the row:
//! 25 s for `all-sts-1m.jsonl`), so at the key press the state is taken as it is
//! ([`ReportSnapshot`]: the scan shared, the decisions copied) and a worker thread makes
//! the text and, for `E`, writes the file, while the loop answers keys and the status says
//! `writing report… n%`. One report at a time; quitting waits for it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use anyhow::Result;

use super::action::Action;
use super::app::App;
use super::report_text::ReportSnapshot;
use super::{Shell, render};

/// What the worker made: the file written (`E`), or the text to copy (`Y`).
pub enum Made {
    /// The answer to apply as it is (`Exported`, `ExportFailed`).
    Answer(Action),
    /// The text of `Y`, for the shell's clipboard (which lives on the loop's thread).
    ToCopy(String),
}

/// A report being made by a worker thread.
pub struct ReportJob {
    /// Lines of the report written so far, of about `expected`.
    lines: Arc<AtomicUsize>,
    expected: usize,
    made: Receiver<Made>,
    /// `Y` (the text goes to the clipboard) rather than `E`.
    copying: bool,
    /// Decisions written to the journal since the key press: not in this report.
    pub decided_since: usize,
    /// The last percent said on the status (said again only when it changes).
    pub said: u64,
}

impl ReportJob {
    /// Starts making the report of `snapshot` on a worker: written to `to_file` (never
    /// over one of `protected`, as `E` always did), or kept for the clipboard (`None`).
    /// `gate`: the worker waits for it before it starts (tests hold a report in progress).
    pub fn start(
        snapshot: ReportSnapshot,
        to_file: Option<PathBuf>,
        protected: Vec<PathBuf>,
        gate: Option<Receiver<()>>,
    ) -> Self {
        let lines = Arc::new(AtomicUsize::new(0));
        let expected = snapshot.lines_expected().max(1);
        let (tx, made) = mpsc::channel();
        let counted = Arc::clone(&lines);
        let copying = to_file.is_none();
        std::thread::spawn(move || {
            if let Some(gate) = gate {
                // Opened by a send, or by the sender's end.
                let _ = gate.recv();
            }
            let text = snapshot.markdown(&|n| counted.store(n, Ordering::Relaxed));
            let answer = match to_file {
                None => Made::ToCopy(text),
                Some(path) => {
                    Made::Answer(
                        match super::clipboard::write_atomically(&path, &text, &protected) {
                            Ok(()) => Action::Exported {
                                path: path.display().to_string(),
                                bytes: text.len(),
                            },
                            // The error names the path (write_safe): not twice.
                            Err(e) => Action::ExportFailed {
                                error: e.to_string(),
                            },
                        },
                    )
                }
            };
            // The loop may be gone (a panic): nothing to tell then.
            let _ = tx.send(answer);
        });
        Self {
            lines,
            expected,
            made,
            copying,
            decided_since: 0,
            said: 0,
        }
    }

    /// How far the text is, in percent (0 to 99 while it is made).
    pub fn percent(&self) -> u64 {
        let done = self.lines.load(Ordering::Relaxed);
        let p = done.saturating_mul(100) / self.expected;
        u64::try_from(p.min(99)).unwrap_or(99)
    }

    /// What the worker made, if it is done (`wait`: waits up to that long for it). A
    /// worker that died without answering (a panic) is said as a failure, never lost in
    /// silence.
    pub fn poll(&self, wait: Option<Duration>) -> Option<Made> {
        let gone = || {
            let error = "the report could not be made (its worker stopped)".to_owned();
            Made::Answer(if self.copying {
                Action::CopyFailed { error }
            } else {
                Action::ExportFailed { error }
            })
        };
        match wait {
            None => match self.made.try_recv() {
                Ok(m) => Some(m),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => Some(gone()),
            },
            Some(d) => match self.made.recv_timeout(d) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(gone()),
            },
        }
    }
}

/// How long the loop waits for a report being made before it says how far it is.
const REPORT_POLL: Duration = super::wake::REPORT_PROGRESS;

/// Whether the report being made is done: its answer then applied (the text of `Y` copied
/// here, where the clipboard lives), else how far it is said. `wait`: how long to wait for
/// it; `quitting`: the status says the workbench quits once it is done.
pub(super) fn poll(
    app: &mut App,
    shell: &mut Shell,
    wait: Option<Duration>,
    quitting: bool,
) -> bool {
    let Some(job) = &mut shell.report_job else {
        return false;
    };
    let Some(made) = job.poll(wait) else {
        let percent = job.percent();
        if percent != job.said || quitting {
            job.said = percent;
            app.apply(Action::ReportProgress { percent, quitting });
        }
        return false;
    };
    let decided_since = job.decided_since;
    shell.report_job = None;
    let answer = match made {
        Made::Answer(a) => a,
        Made::ToCopy(text) => super::clipboard::copy_text(
            &mut shell.clipboard,
            &text,
            "the findings report",
            &app.journal_path,
            &shell.protected,
        ),
    };
    app.apply(answer);
    app.apply(Action::ReportDone { decided_since });
    true
}

/// A quit while a report is made waits for it, the screen saying so, and keeps what
/// became of it for the last words (`run`): never a report lost in silence.
pub(super) fn finish_before_quitting<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    app: &mut App,
    shell: &mut Shell,
) -> Result<()> {
    if shell.report_job.is_none() {
        return Ok(());
    }
    let mut wait = None;
    while !poll(app, shell, wait, true) {
        let (keymap, theme) = (shell.keymap, shell.theme);
        terminal
            .draw(|f| render::draw(f, app, keymap, theme))
            .map_err(|e| anyhow::anyhow!("drawing the screen: {e}"))?;
        wait = Some(REPORT_POLL);
    }
    shell.farewell = Some(app.status.clone());
    Ok(())
}
