//! The workbench's journal, opened at start when it exists, else created at the first
//! decision (so that looking at files, or a load that fails, leaves nothing behind).

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::journal::Journal;

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
