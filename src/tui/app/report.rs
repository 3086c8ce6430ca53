//! `E` and `Y` as the state sees them: the key starts a report the shell makes off the key
//! path (`tui::report_job`), the status says how far it is, one report runs at a time, and
//! the answer says where it went and, when decisions were made meanwhile, that it holds
//! the decisions as of the key press.

use std::path::PathBuf;

use super::{App, Effect};

/// The status while `E` writes the report (then ` n%`).
pub const WRITING_REPORT: &str = "writing report…";

/// The status while `Y` makes the report to copy (then ` n%`).
pub const COPYING_REPORT: &str = "copying report…";

/// A report being made off the key path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportWriting {
    /// `Y` (to the clipboard) rather than `E` (to a file).
    pub copying: bool,
    /// How far, in percent of its lines (0 to 99).
    pub percent: u64,
}

impl ReportWriting {
    fn prefix(self) -> &'static str {
        if self.copying {
            COPYING_REPORT
        } else {
            WRITING_REPORT
        }
    }
}

impl App {
    /// `E` (`to_file`) or `Y` (`None`): said at once, made by the shell; a second one while
    /// a report is made is not started, and the status says so.
    pub(super) fn start_report(&mut self, to_file: Option<PathBuf>) {
        if let Some(w) = self.report_writing {
            let this = if to_file.is_some() { "export" } else { "copy" };
            self.set_status(format!(
                "{} {}% · one report at a time: this {this} was not started",
                w.prefix(),
                w.percent
            ));
            return;
        }
        // The report's context lines read the context index: one being read after the rows
        // is waited for without blocking (made once it is in), one being prepared after
        // the load is waited for (the report shares the scan from here on).
        if self.report_waits_for_context(&to_file) {
            return;
        }
        self.wait_for_context();
        let w = ReportWriting {
            copying: to_file.is_none(),
            percent: 0,
        };
        self.report_writing = Some(w);
        self.set_status(format!("{} 0%", w.prefix()));
        self.effects.push(Effect::Report { to_file });
    }

    /// The report is `percent` made: the status says it while it still speaks of the
    /// report (a key's own message since stays until the report is done), and always
    /// while the workbench waits for it to quit.
    pub(super) fn report_progress(&mut self, percent: u64, quitting: bool) {
        let Some(w) = &mut self.report_writing else {
            return;
        };
        w.percent = percent;
        let prefix = w.prefix();
        if quitting {
            let what = if w.copying { "copied" } else { "written" };
            self.set_status(format!(
                "quitting once the report is {what}: {prefix} {percent}%"
            ));
        } else if let Some(rest) = self.status.strip_prefix(prefix) {
            // ` 40% · one report at a time…`: the figure changes, the words stay.
            let tail = rest.split_once('%').map_or("", |(_, t)| t).to_owned();
            self.set_status(format!("{prefix} {percent}%{tail}"));
        }
    }

    /// How far the report being made is, as the status says it (`writing report… 40%`).
    pub(super) fn status_of_report(&self) -> String {
        self.report_writing
            .map_or_else(String::new, |w| format!("{} {}%", w.prefix(), w.percent))
    }

    /// The report is done; its answer (written, copied, failed) is the status now.
    pub(super) fn report_done(&mut self, decided_since: usize) {
        self.report_writing = None;
        if decided_since > 0 {
            let error = self.status_error;
            self.status = format!(
                "{} · it holds the decisions as of the key press ({decided_since} made since are not in it)",
                self.status
            );
            self.status_error = error;
        }
    }
}
