//! The progress bar of `scan` and `report` on standard error: bytes read of the total, the
//! rate, and which file of how many. Drawn only when standard error is a terminal, so that
//! a redirected or piped standard error holds the summary and the warnings alone.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::load::{self, ScanMessage};
use crate::neutralize::neutralize;

/// Follows the loader's messages and draws them (or nothing).
pub struct ScanProgress {
    bar: ProgressBar,
    files: usize,
    file: usize,
    /// Bytes of the files already done, so the bar counts across files.
    done: u64,
    current: u64,
}

impl ScanProgress {
    /// A bar on standard error when it is a terminal, a hidden one otherwise. The total is
    /// the size on disk of every file the paths name (compressed size for gzip, as the
    /// loader counts it); standard input has no size and adds nothing.
    pub fn for_paths(paths: &[PathBuf]) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self::with_target(0, 0, ProgressDrawTarget::hidden());
        }
        // The same walk as the scan's, so "file n/m" counts what the scan reads. An error
        // here is reported by the scan itself.
        let files = load::expand_paths(paths).unwrap_or_default();
        let total = files
            .iter()
            .filter_map(|(p, _)| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        Self::with_target(files.len(), total, ProgressDrawTarget::stderr())
    }

    /// A bar drawn to `target` (tests pass a hidden or in-memory target).
    pub fn with_target(files: usize, total: u64, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), target);
        // Standard input or a pipe has no size: bytes read and the rate, no bar.
        let template = if total == 0 {
            "{prefix} {wide_msg} {bytes} {bytes_per_sec}"
        } else {
            "{prefix} {wide_msg} [{bar:24}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Self {
            bar,
            files,
            file: 0,
            done: 0,
            current: 0,
        }
    }

    /// Takes one loader message into the bar.
    pub fn observe(&mut self, msg: &ScanMessage) {
        match msg {
            ScanMessage::FileStarted { path, .. } => {
                self.done += self.current;
                self.current = 0;
                self.file += 1;
                // More files than counted (a folder grew): the count follows.
                self.files = self.files.max(self.file);
                self.bar
                    .set_prefix(format!("file {}/{}", self.file, self.files));
                // A path is attacker-chosen text too (a file name inside a folder).
                self.bar.set_message(neutralize(path).into_owned());
                self.bar.set_position(self.done);
            }
            ScanMessage::Progress { bytes, .. } => {
                self.current = *bytes;
                self.bar.set_position(self.done + self.current);
            }
            _ => {}
        }
    }

    /// The bar's position: bytes read over every file so far.
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// The file being read, and how many there are.
    pub fn file_of(&self) -> (usize, usize) {
        (self.file, self.files)
    }

    /// Removes the bar from the terminal (before the summary is written).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_across_files_and_names_the_file() {
        let mut p = ScanProgress::with_target(2, 300, ProgressDrawTarget::hidden());
        p.observe(&ScanMessage::FileStarted {
            path: "a.jsonl".into(),
            bytes: 100,
        });
        p.observe(&ScanMessage::Progress {
            bytes: 100,
            records: 3,
        });
        assert_eq!((p.position(), p.file_of()), (100, (1, 2)));
        p.observe(&ScanMessage::FileStarted {
            path: "b.jsonl".into(),
            bytes: 200,
        });
        p.observe(&ScanMessage::Progress {
            bytes: 50,
            records: 1,
        });
        assert_eq!((p.position(), p.file_of()), (150, (2, 2)));
    }
}
