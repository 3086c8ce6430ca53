//! The journal watched while the workbench runs, so that the screen says what the journal
//! holds: another analyst's workbench on the same journal appends to it, and an idle
//! workbench kept showing the verdict the journal had replaced, and the old header counts,
//! until its own next write (newbie14b #4).
//!
//! A look is one `stat` of the journal's path (device, inode, length, modification time):
//! at most every [`JOURNAL_WATCH`], in a frame the loop wakes for anyway, or when its idle
//! sleep ends. Only when the stat differs from the last look is the journal read (what was
//! appended since, under its lock, [`crate::journal::Journal::refresh_if_free`]), and only
//! when that read gives something is a frame drawn. Idle, the loop thus wakes every 2 s for
//! one system call and sleeps again: no drawing, no reading (the CPU figure is in
//! BENCHMARKS.md).

use std::path::Path;
use std::time::{Duration, Instant};

use super::app::App;
use super::lazy_journal::LazyJournal;

/// How often the journal is looked at: a decision another analyst made reaches the screen
/// within this time.
pub const JOURNAL_WATCH: Duration = Duration::from_secs(2);

/// What the journal's path named at a look: (device, inode, length, modification time in
/// ns since the epoch); None when nothing is there.
type Stamp = Option<(u64, u64, u64, i128)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    let modified = crate::journal::modified_ns(&m);
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0, 0);
    Some((dev, ino, m.len(), modified))
}

/// The last look at the journal.
#[derive(Debug, Default)]
pub struct JournalWatch {
    last: Stamp,
    looked: Option<Instant>,
}

impl JournalWatch {
    /// How long until the next look is due (zero when it is).
    pub fn until_due(&self) -> Duration {
        self.looked.map_or(Duration::ZERO, |t| {
            JOURNAL_WATCH.saturating_sub(t.elapsed())
        })
    }

    /// Looks at the journal when a look is due; true when what it read changed the state
    /// (a frame must be drawn). `journal` is the workbench's (opened here when another
    /// workbench created it since our start).
    pub fn look_if_due(&mut self, app: &mut App, journal: &mut LazyJournal) -> bool {
        if self.until_due() > Duration::ZERO {
            return false;
        }
        self.look(app, journal)
    }

    /// Looks at the journal now (see [`JournalWatch::look_if_due`]); the tests drive it.
    pub fn look(&mut self, app: &mut App, journal: &mut LazyJournal) -> bool {
        self.looked = Some(Instant::now());
        let now = stamp(journal.path());
        if now == self.last {
            return false;
        }
        let Some(j) = journal.existing() else {
            self.last = now;
            return false;
        };
        match j.refresh_if_free() {
            // Another writer holds the lock: looked at again next time.
            Ok(false) => false,
            Ok(true) => {
                // Stamped after the read, which may have cut a crashed writer's torn line;
                // not kept while as recent as a write in the same clock tick would leave it
                // (`journal::RACY`): the next look reads again (breaker 17 #6).
                self.last = stamp(journal.path()).filter(|s| crate::journal::settled(s.3));
                let Some(j) = journal.journal.as_mut() else {
                    return false;
                };
                super::report_text::apply_read(app, j)
            }
            Err(e) => {
                // Said once per change of the file, not at every look.
                self.last = now;
                app.apply(super::action::Action::JournalUnread {
                    error: e.to_string(),
                });
                true
            }
        }
    }
}
