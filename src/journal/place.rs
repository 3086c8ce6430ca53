//! Whether the journal's path still names the file a workbench holds open (breaker 12 #2: a
//! journal renamed by an archiver or a sync client, or deleted, while the workbench ran; it
//! kept appending to the open file and saying `saved ✓ … to <path>`, while the decisions
//! went into the renamed file or nowhere, and a second workbench on the path started a new
//! journal neither saw). Checked under the lock of every append and on quitting; the
//! journal is put back at its path when that can be done without losing or overturning
//! anything, else nothing is written and the error says where the decisions are.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::JournalError;
use super::append::{Journal, io_err, open_file};

/// What the journal's path names, against the open file.
enum Place {
    /// The open file: nothing moved.
    Same,
    /// Nothing (moved away or deleted).
    Missing,
    /// Another file.
    Other,
}

#[cfg(unix)]
fn place(path: &Path, file: &File) -> io::Result<Place> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) if (named.dev(), named.ino()) == (open.dev(), open.ino()) => {
            // A file still named is never unlinked; a link count of 0 with the same inode
            // cannot be named, so this is the file.
            Ok(Place::Same)
        }
        Ok(_) => Ok(Place::Other),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Place::Missing),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn place(_path: &Path, _file: &File) -> io::Result<Place> {
    // Windows does not let an open journal be renamed or deleted (no share-delete).
    Ok(Place::Same)
}

/// Where the open file is now, in words: `moved to /x/old.jsonl`, `deleted (this workbench
/// holds the only copy)`, or `moved or deleted` where the system cannot say.
fn where_now(file: &File) -> String {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        if file.metadata().is_ok_and(|m| m.nlink() == 0) {
            return "deleted (only this workbench still held it open)".to_owned();
        }
        let fd = format!("/proc/self/fd/{}", file.as_raw_fd());
        if let Ok(target) = std::fs::read_link(fd) {
            return format!(
                "moved to {}",
                crate::neutralize::neutralize(&target.display().to_string())
            );
        }
    }
    let _ = file;
    "moved or deleted".to_owned()
}

impl Journal {
    /// Under the open file's lock: when the path no longer names the open file, the
    /// journal is put back at the path and the open file becomes that one (locked), with
    /// [`Journal::take_notice`] saying what was done:
    /// - nothing at the path: every byte of the open file is written to a new file there
    ///   (the chain intact, another writer's entries in it too) and synced;
    /// - a file at the path that begins with every byte of ours (a copy put in place by a
    ///   sync client, or another workbench that put the journal back first): it is taken
    ///   as the journal, what it has beyond ours read as another writer's entries.
    ///
    /// Any other file at the path: when the open file has no name left (another file was
    /// moved over it, or it was deleted and another written at the path), what the path
    /// holds is the journal now, read again whole (`reload`: this session's decisions it
    /// lacks are written into it again). While the open file still has a name somewhere
    /// (moved away), the two are different journals: an error saying where ours is, and
    /// nothing written (merging would overturn one analyst's decisions by the other's).
    ///
    /// `put_back`: false when only reading (a refresh), which leaves a journal moved away
    /// or deleted to the next save to put back.
    pub(super) fn keep_at_path_locked(&mut self, put_back: bool) -> Result<(), JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        let place = place(&path, &self.file).map_err(&err)?;
        match place {
            Place::Same => return Ok(()),
            Place::Missing if !put_back => return Ok(()),
            _ => {}
        }
        let was = where_now(&self.file);
        let mut ours = Vec::new();
        self.file
            .seek(SeekFrom::Start(0))
            .and_then(|_| self.file.read_to_end(&mut ours))
            .map_err(&err)?;
        let entries = ours.iter().filter(|&&b| b == b'\n').count();
        let (file, said) = match place {
            Place::Missing => {
                // Exclusive creation: another workbench putting it back at the same moment
                // makes this fail, and the next save takes its copy.
                let mut f = OpenOptions::new()
                    .read(true)
                    .append(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(&err)?;
                f.lock().map_err(&err)?;
                if let Err(e) = f.write_all(&ours).and_then(|()| f.sync_all()) {
                    // A half copy must not pass for the journal.
                    drop(f);
                    let _ = std::fs::remove_file(&path);
                    return Err(err(io::Error::new(
                        e.kind(),
                        format!(
                            "the journal was {was}; writing it again at its path failed: {e}; nothing written"
                        ),
                    )));
                }
                sync_folder(&path);
                (
                    f,
                    format!(
                        "the journal had been {was}: its {} written again at {} (chain intact)",
                        crate::count::count_as(entries, "line is", "lines are"),
                        path.display()
                    ),
                )
            }
            _ => {
                let f = open_file(&path)?;
                f.lock().map_err(&err)?;
                let mut theirs = Vec::with_capacity(ours.len());
                (&f).take(ours.len() as u64)
                    .read_to_end(&mut theirs)
                    .map_err(&err)?;
                if theirs != ours && unnamed(&self.file) {
                    // The file we held was replaced: the one at the path is the journal.
                    let how = "replaced by another file at its path (the one this workbench \
                               opened was moved over or deleted)";
                    return self.reload_locked(f, how.to_owned()).map(|_| ());
                }
                if theirs != ours {
                    return Err(err(io::Error::other(format!(
                        "the journal this workbench opened was {was}, and {} is now another journal (started since by another workbench or program); nothing written there: move one of them aside, or put ours back at the path",
                        path.display()
                    ))));
                }
                (
                    f,
                    format!(
                        "the journal this workbench opened was {was}; {} is a copy holding all its entries and is written from now on",
                        path.display()
                    ),
                )
            }
        };
        // The old file's lock goes with its descriptor.
        self.file = file;
        self.notice = Some(said);
        Ok(())
    }

    /// Puts the journal back at its path when it was moved or deleted (see
    /// `keep_at_path_locked`), without appending: on quitting, so that the decisions are
    /// where the last line printed says. An error says where they are instead.
    pub fn keep_at_path(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        self.file.lock().map_err(&err)?;
        let result = self.keep_at_path_locked(true);
        let unlocked = self.file.unlock();
        result?;
        unlocked.map_err(&err)
    }

    /// What the last append (or [`Journal::keep_at_path`]) did to keep the journal at its
    /// path, once: `the journal had been moved to …: its 5 line(s) are written again at …`.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }
}

/// Whether the open file has no name left in its file system (another file was moved over
/// it, or it was deleted): then nothing but this workbench can read it.
fn unnamed(file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        file.metadata().is_ok_and(|m| m.nlink() == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

/// The new journal's name made durable too (a crash must not lose the file just created).
fn sync_folder(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}
