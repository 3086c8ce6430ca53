//! The workbench's journal, opened at start when it exists, else created at the first
//! decision (so that looking at files, or a load that fails, leaves nothing behind), and
//! what the status line says of it at start.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::journal::{Entry, Journal};
use crate::tui::action::Action;

/// The journal of a workbench, created at its first decision when it did not exist at start.
pub struct LazyJournal {
    path: PathBuf,
    /// Open: it existed at start, or a decision was made since.
    pub journal: Option<Journal>,
}

impl LazyJournal {
    /// `journal` is the journal opened at start, or None when there was none to open.
    pub fn new(path: PathBuf, journal: Option<Journal>) -> Self {
        Self { path, journal }
    }

    /// The journal, opened at the first call when there was none at start. Another
    /// workbench may have created it meanwhile (two analysts on one evidence folder): it is
    /// joined, not replayed past, so its entries are read at our first append and handed
    /// over as foreign entries ([`Journal::take_foreign`]), ours written after them.
    pub fn get(&mut self) -> Result<&mut Journal> {
        if self.journal.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            self.journal = Some(Journal::join(&self.path)?);
        }
        self.journal
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("journal not open"))
    }

    /// Where the journal is (or will be created).
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The journal when it is open or exists on disk now, without creating it: another
    /// workbench may have created it after our start, and what it holds must reach `Y`,
    /// `E`, undo and the quit line (joined, so its entries are read as foreign). None when
    /// nobody has written one (looking at files leaves nothing behind) or it cannot be
    /// opened (the next decision says why).
    pub fn existing(&mut self) -> Option<&mut Journal> {
        if self.journal.is_none() && self.path.is_file() {
            self.journal = Journal::join(&self.path).ok();
        }
        self.journal.as_mut()
    }
}

/// Writes one journal effect's entries and gives the state's answers, in order:
/// `JournalReloaded` when the journal had been replaced and was read again first, `Saved` of
/// the keys written (or `SaveFailed`), `JournalKept` when the journal had to be put back at
/// its path ([`Journal::take_notice`]), then `Foreign` with what another workbench had
/// appended before (read under the same lock). A retry the journal held back (another
/// writer's later entry on its key, [`Journal::take_held_back`]) is neither saved nor
/// failed: the `Foreign` entry on its key makes the state ask the analyst. `journal` is
/// the open journal, or why it could not be opened. The event loop and the tests use it.
pub fn write_entries(journal: Result<&mut Journal, String>, entries: &[Entry]) -> Vec<Action> {
    let (appended, foreign, held, kept, reloaded) = match journal {
        Ok(j) => {
            let appended = j.append(entries).map_err(|e| e.to_string());
            (
                appended,
                j.take_foreign(),
                j.take_held_back(),
                j.take_notice(),
                j.take_reloaded(),
            )
        }
        Err(e) => (Err(e), Vec::new(), Vec::new(), None, None),
    };
    let keys: Vec<String> = entries
        .iter()
        .map(|e| e.key.clone())
        .filter(|k| !held.contains(k))
        .collect();
    let mut answers = Vec::new();
    // The journal replaced and read again before our write: the screen takes it first, so
    // that what this write saved is said over it.
    if let Some(r) = reloaded {
        answers.push(Action::JournalReloaded {
            reloaded: Box::new(r),
        });
    }
    match appended {
        Ok(()) if keys.is_empty() => {}
        Ok(()) => answers.push(Action::Saved { keys: keys.clone() }),
        Err(error) => answers.push(Action::SaveFailed {
            keys: keys.clone(),
            error,
        }),
    }
    if let Some(said) = kept {
        answers.push(Action::JournalKept { said });
    }
    if !foreign.is_empty() {
        answers.push(Action::Foreign {
            entries: foreign,
            own: keys,
            now: chrono::Utc::now(),
        });
    }
    answers
}

/// Where the workbench's journal stands at start: not there yet (created at the first
/// decision), or read with this many decisions replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalState {
    Created,
    /// What was replayed, whose and when (`7 earlier decisions replayed: 1 by carol …`:
    /// [`crate::journal::replayed_text`]).
    Replayed(String),
}

/// The status line at start, and whether it is a warning: the journal's warnings first
/// (replay, standard input, lines outside the hash chain), else where the journal is; the
/// notice that decisions are signed `unknown` (`unsigned`, [`crate::journal::analyst_name`])
/// comes before where the journal is, so that an 80-column line shows it and its way out
/// (`--analyst NAME`) whole (newbie12b #2), and after a warning.
pub fn start_status(
    journal_display: &str,
    journal: JournalState,
    warning: Option<String>,
    unsigned: Option<String>,
) -> (String, bool) {
    let error = warning.is_some() || unsigned.is_some();
    let status = match (warning, unsigned) {
        (Some(w), Some(u)) => format!("{w} · {u}"),
        (Some(w), None) => w,
        (None, u) => {
            let at = match journal {
                JournalState::Created => {
                    format!("journal {journal_display} (created at the first decision)")
                }
                JournalState::Replayed(replayed) => {
                    format!("journal {journal_display} ({replayed})")
                }
            };
            match u {
                Some(u) => format!("{u} · {at}"),
                None => at,
            }
        }
    };
    (status, error)
}
