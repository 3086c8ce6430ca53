//! The open journal of a workbench: appends under an exclusive lock, cut back to its length
//! before the write when a write fails (a full disk must never leave half a line), and
//! reads what other workbenches appended before writing after them.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::chain::{self, GENESIS};
use super::reload::{Reloaded, tail_after};
use super::{Entry, JournalError, RETRY, Replay, replay_parsed};

/// An open journal, appended to.
#[derive(Debug)]
pub struct Journal {
    pub(super) path: PathBuf,
    /// The journal's file, checked against `path` before each append (`place`).
    pub(super) file: File,
    /// The bytes of the file accounted for: read at open, appended by us, or read as
    /// appended by another process. Anything beyond was appended by someone else since.
    pub(super) known_len: u64,
    /// Lines accounted for (to number the lines read later).
    pub(super) known_lines: usize,
    /// The hash of the last entry line (None: no entry yet).
    pub(super) head: Option<String>,
    pub(super) entries: usize,
    /// The last whole entry has no line feed yet (a write cut just before it).
    pub(super) needs_newline: bool,
    /// The last bytes accounted for (up to `reload::TAIL`), to tell at each read that the
    /// file still holds them at the same place (not cut and written again since).
    pub(super) tail: Vec<u8>,
    /// Every byte accounted for, hashed, to tell an earlier line edited in place (`prefix`).
    pub(super) prefix: super::prefix::Prefix,
    /// The last entry this workbench wrote on each key: this session's decisions, written
    /// again into a journal that replaced ours without them (`reload`).
    pub(super) written: HashMap<String, Entry>,
    /// What reading a replaced journal again did, not yet taken (`reload`).
    pub(super) reloaded: Option<Reloaded>,
    /// Entries other processes appended, read before our last append, not yet taken.
    pub(super) foreign: Vec<Entry>,
    /// Keys of the retried entries our last append held back ([`Journal::take_held_back`]).
    held_back: Vec<String>,
    /// What was done to keep the journal at its path, not yet taken (`place`).
    pub(super) notice: Option<String>,
}

pub(super) fn io_err(path: &Path) -> impl Fn(io::Error) -> JournalError + '_ {
    move |error| JournalError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// Opens the journal for reading and appending, creating it if it does not exist; a link
/// whose target does not exist is refused (creating the target would write somewhere the
/// analyst did not name), and so is anything that is not a regular file.
pub(super) fn open_file(path: &Path) -> Result<File, JournalError> {
    let err = io_err(path);
    let existing = OpenOptions::new().read(true).append(true).open(path);
    let file = match existing {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Ok(meta) = std::fs::symlink_metadata(path)
                && meta.file_type().is_symlink()
            {
                let target = std::fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(err(io::Error::other(format!(
                    "a link to {target}, which does not exist; refused rather than creating it"
                ))));
            }
            // Exclusive creation never follows a link planted since the check.
            OpenOptions::new()
                .read(true)
                .append(true)
                .create_new(true)
                .open(path)
                .map_err(&err)?
        }
        Err(e) => return Err(err(e)),
    };
    // A device or a pipe would never end (or never hold) a journal.
    if !file.metadata().map_err(&err)?.is_file() {
        return Err(err(io::Error::other("not a regular file")));
    }
    Ok(file)
}

/// A journal read whole under its lock: its length (a torn tail cut off), its lines, their
/// replay, and its last bytes and hash (`reload::TAIL`, `prefix`).
type ReadWhole = (u64, chain::Parsed, Replay, (Vec<u8>, super::prefix::Prefix));

impl Journal {
    /// Opens (creating if needed) and replays the journal at `path`, under an exclusive
    /// lock. A torn last line (a crash mid-write, never confirmed as saved) is cut off the
    /// file, with the warning in [`Replay::warning`], so that the next entry starts a line.
    pub fn open(path: &Path) -> Result<(Self, Replay), JournalError> {
        let err = io_err(path);
        let mut file = open_file(path)?;
        file.lock().map_err(&err)?;
        let result = Self::read_locked(path, &mut file);
        let unlocked = file.unlock();
        let (parsed_len, parsed, replay, (tail, prefix)) = result?;
        unlocked.map_err(&err)?;
        let head = replay.head.clone();
        Ok((
            Self {
                path: path.to_owned(),
                file,
                known_len: parsed_len,
                known_lines: parsed.torn.map_or(parsed.line_count, |(n, _)| n - 1),
                head,
                entries: replay.entries,
                needs_newline: parsed.needs_newline,
                tail,
                prefix,
                written: HashMap::new(),
                reloaded: None,
                foreign: Vec::new(),
                held_back: Vec::new(),
                notice: None,
            },
            replay,
        ))
    }

    /// Opens the journal for our first decision, creating it if it does not exist, without
    /// reading it: whatever is in it by then (another workbench on the same evidence may
    /// have created it since we looked) is read under the lock of our first append, as
    /// entries another workbench appended ([`Journal::take_foreign`]), and our entries chain
    /// after them. Nothing in it is overwritten or passed over.
    pub fn join(path: &Path) -> Result<Self, JournalError> {
        Ok(Self {
            path: path.to_owned(),
            file: open_file(path)?,
            known_len: 0,
            known_lines: 0,
            head: None,
            entries: 0,
            needs_newline: false,
            tail: Vec::new(),
            prefix: super::prefix::Prefix::default(),
            written: HashMap::new(),
            reloaded: None,
            foreign: Vec::new(),
            held_back: Vec::new(),
            notice: None,
        })
    }

    fn read_locked(path: &Path, file: &mut File) -> Result<ReadWhole, JournalError> {
        let err = io_err(path);
        // Taken before the read: a change while reading makes the next look read it all.
        let meta = file.metadata().map_err(&err)?;
        let mut text = Vec::new();
        file.seek(SeekFrom::Start(0)).map_err(&err)?;
        file.read_to_end(&mut text).map_err(&err)?;
        let display = path.display().to_string();
        let parsed = chain::parse(&display, &text, 1)?;
        let mut len = text.len() as u64;
        if let Some((_, offset)) = parsed.torn {
            file.set_len(offset as u64)
                .and_then(|()| file.sync_data())
                .map_err(&err)?;
            len = offset as u64;
        }
        let replay = replay_parsed(&display, &parsed, true);
        let tail = tail_after(&[], &text[..len as usize]);
        let prefix = super::prefix::Prefix::of(&text[..len as usize], Some(&meta));
        Ok((len, parsed, replay, (tail, prefix)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The number of entries in the journal as last read or written.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// The SHA-256 of the journal's last entry line, as last read or written.
    pub fn head(&self) -> Option<&str> {
        self.head.as_deref()
    }

    /// Takes the entries other processes appended since the last call (read before each
    /// append of ours, so they precede our entries in the file).
    pub fn take_foreign(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.foreign)
    }

    /// The keys of the retried entries (action [`RETRY`]) the last [`Journal::append`]
    /// held back, not written: an entry of another writer on the same key was read that
    /// the caller has not taken yet ([`Journal::take_foreign`]), a decision made after
    /// ours failed to save, which a retry must never overwrite (breaker 12 #1).
    pub fn take_held_back(&mut self) -> Vec<String> {
        std::mem::take(&mut self.held_back)
    }

    /// Appends entries (one `write` under an exclusive lock) and syncs them to disk; only
    /// when this returns Ok are they saved. Each entry's `prev` is set to the hash of the
    /// line before it. First, what another process appended since our last read is read
    /// (see [`Journal::take_foreign`]), after putting the journal back at its path when it
    /// was moved or deleted (`place`; [`Journal::take_notice`] says so); a retried entry ([`RETRY`]) of a key such an entry
    /// touches is held back ([`Journal::take_held_back`]). A failed or short write (full
    /// disk, file size limit) is cut back to the length before it, so the journal stays
    /// readable.
    pub fn append(&mut self, entries: &[Entry]) -> Result<(), JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        self.file.lock().map_err(&err)?;
        // Never "saved to <path>" while the path names another file, or none.
        let result = self
            .keep_at_path_locked(true)
            .and_then(|()| self.append_locked(entries));
        let unlocked = self.file.unlock();
        result?;
        unlocked.map_err(&err)?;
        Ok(())
    }

    /// Reads what other processes appended since our last read (see
    /// [`Journal::take_foreign`]) without writing an entry of its own; under the exclusive
    /// lock, as a torn tail a crashed writer left is cut off. A journal replaced since (cut
    /// and written again, or another file moved over it) is read again whole and this
    /// session's decisions it lacks are written into it ([`Journal::take_reloaded`]); one
    /// moved away is left to the next save to put back.
    pub fn refresh(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        self.file.lock().map_err(&err)?;
        self.read_others_then_unlock()
    }

    /// What another writer appended, or the journal written again under its path, read with
    /// the lock held ([`Journal::refresh`], [`Journal::refresh_if_free`]); then unlocked.
    fn read_others_then_unlock(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        let result = self
            .keep_at_path_locked(false)
            .and_then(|()| self.catch_up());
        let unlocked = self.file.unlock();
        result?;
        unlocked.map_err(&err)?;
        Ok(())
    }

    /// [`Journal::refresh`] when no other writer holds the journal's lock; false (nothing
    /// read) when one does: the idle workbench looks again later rather than wait on a
    /// writer with its screen frozen (a slow disk's sync, a process stopped mid-write).
    pub fn refresh_if_free(&mut self) -> Result<bool, JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        match self.file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(false),
            Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
        }
        self.read_others_then_unlock()?;
        Ok(true)
    }

    fn append_locked(&mut self, entries: &[Entry]) -> Result<(), JournalError> {
        self.held_back.clear();
        self.catch_up()?;
        // A retry written after another writer's entry on its key would overturn a later
        // decision by an older one: held back, for the analyst to settle.
        let (held, entries): (Vec<&Entry>, Vec<&Entry>) = entries
            .iter()
            .partition(|e| e.action == RETRY && self.foreign.iter().any(|f| f.key == e.key));
        self.held_back = held.into_iter().map(|e| e.key.clone()).collect();
        let entries: Vec<Entry> = entries.into_iter().cloned().collect();
        self.write_locked(&entries)
    }

    /// Under the exclusive lock, after [`Journal::catch_up`]: writes `entries` at the
    /// file's end, chained, in one write, synced; cut back off on failure.
    pub(super) fn write_locked(&mut self, entries: &[Entry]) -> Result<(), JournalError> {
        if entries.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let err = io_err(&path);
        let len = self.known_len;
        let mut head = self.head.clone();
        let mut buf = Vec::new();
        if self.needs_newline {
            buf.push(b'\n');
        }
        let mut lines = Vec::with_capacity(entries.len());
        for e in entries {
            let mut e = e.clone();
            e.prev = Some(head.take().unwrap_or_else(|| GENESIS.to_owned()));
            let line = serde_json::to_vec(&e).map_err(|e| err(io::Error::other(e)))?;
            head = Some(chain::line_hash(&line));
            buf.extend_from_slice(&line);
            buf.push(b'\n');
            lines.push(e);
        }
        let written = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Whatever part of the write reached the file is cut off again: a partial line
            // would glue the next entry to it and make the journal unreadable.
            return Err(
                match self.file.set_len(len).and_then(|()| self.file.sync_data()) {
                    Ok(()) => err(e),
                    Err(cut) => err(io::Error::new(
                        e.kind(),
                        format!(
                            "{e}; cutting the journal back to {len} bytes failed too ({cut}): it may end with a partial line"
                        ),
                    )),
                },
            );
        }
        self.known_len = len + buf.len() as u64;
        self.tail = tail_after(&self.tail, &buf);
        self.prefix.extend(&buf);
        for e in lines {
            self.written.insert(e.key.clone(), e);
        }
        self.known_lines += entries.len() + usize::from(self.needs_newline);
        self.needs_newline = false;
        self.head = head;
        self.entries += entries.len();
        Ok(())
    }

    /// Under the exclusive lock: reads what was appended since our last read, keeps it
    /// for [`Journal::take_foreign`], cuts a torn tail a crashed writer left, and returns
    /// the file's length, where our write starts.
    fn catch_up(&mut self) -> Result<u64, JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        // Taken before the read: a change while reading makes the next look read it all.
        let meta = self.file.metadata().map_err(&err)?;
        let len = meta.len();
        // Cut, or written again in place, since our last read: the file as it is now is
        // the journal, read again whole (`reload`).
        if let Some(how) = self.replaced_in_place(len, &meta)? {
            let file = self.file.try_clone().map_err(&err)?;
            return self.reload_locked(file, how);
        }
        self.prefix.checked_at(&meta);
        if len == self.known_len {
            return Ok(len);
        }
        let mut text = Vec::new();
        self.file
            .seek(SeekFrom::Start(self.known_len))
            .and_then(|_| {
                (&self.file)
                    .take(len - self.known_len)
                    .read_to_end(&mut text)
            })
            .map_err(&err)?;
        let display = self.path.display().to_string();
        // When our last entry had no line feed, the other writer began with one: it ends
        // that line, it does not start a new one.
        let skip = usize::from(self.needs_newline && text.first() == Some(&b'\n'));
        let parsed = chain::parse(&display, &text[skip..], self.known_lines + 1)?;
        let mut end = len;
        let mut lines = parsed.line_count;
        if let Some((number, offset)) = parsed.torn {
            end = self.known_len + (skip + offset) as u64;
            lines = number - self.known_lines - 1;
            self.file
                .set_len(end)
                .and_then(|()| self.file.sync_data())
                .map_err(&err)?;
            // Under the lock a writer's line is whole: a part of one is what a writer
            // killed mid-write left, never confirmed as saved on its screen. Said, as at
            // start, since the file changes.
            let cut = format!(
                "journal line {number} was cut off by another writer's crash (never confirmed as saved) and is removed"
            );
            self.notice = Some(match self.notice.take() {
                Some(n) => format!("{n}; {cut}"),
                None => cut,
            });
        }
        for l in parsed.lines {
            self.head = Some(l.hash);
            self.entries += 1;
            self.foreign.push(l.entry);
        }
        self.needs_newline = parsed.needs_newline;
        self.tail = tail_after(&self.tail, &text[..(end - self.known_len) as usize]);
        self.prefix.extend(&text[..(end - self.known_len) as usize]);
        self.known_len = end;
        self.known_lines += lines;
        Ok(end)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::journal::{Decision, Verdict, read_decisions};

    fn entry(key: &str, v: Verdict, analyst: &str) -> Entry {
        let d = Decision {
            verdict: v,
            note: String::new(),
            ..Decision::default()
        };
        Entry::new(key, &d, analyst, "set")
    }

    fn lines(path: &Path) -> Vec<Entry> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn each_entry_carries_the_hash_of_the_line_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let (mut j, _) = Journal::open(&path).unwrap();
        j.append(&[entry("row:a", Verdict::Suspicious, "ana")])
            .unwrap();
        j.append(&[
            entry("row:b", Verdict::Legitimate, "ana"),
            entry("row:c", Verdict::Legitimate, "ana"),
        ])
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let raw: Vec<&str> = text.lines().collect();
        let es = lines(&path);
        assert_eq!(es[0].prev.as_deref(), Some(GENESIS));
        assert_eq!(es[1].prev, Some(chain::line_hash(raw[0].as_bytes())));
        assert_eq!(es[2].prev, Some(chain::line_hash(raw[1].as_bytes())));
        let head = chain::line_hash(raw[2].as_bytes());
        assert_eq!(j.head(), Some(head.as_str()));
        assert_eq!(j.entries(), 3);
        let r = read_decisions(&path).unwrap();
        assert_eq!((r.entries, r.head.as_deref()), (3, Some(head.as_str())));
    }

    #[test]
    fn a_journal_without_the_chain_starts_one_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.jsonl");
        let old = r#"{"key":"row:a","verdict":"suspicious","note":"","analyst":"a","time":"2025-01-01T00:00:00Z"}"#;
        std::fs::write(&path, format!("{old}\n")).unwrap();
        let (mut j, r) = Journal::open(&path).unwrap();
        assert_eq!(r.entries, 1);
        j.append(&[entry("row:b", Verdict::Legitimate, "ana")])
            .unwrap();
        let es = lines(&path);
        assert_eq!(es[0].prev, None, "the old line is left as it was");
        assert_eq!(es[1].prev, Some(chain::line_hash(old.as_bytes())));
        let check = chain::check(
            &chain::parse("j", &std::fs::read(&path).unwrap(), 1)
                .unwrap()
                .lines,
        );
        assert_eq!((check.chain_start, check.unchained), (Some(2), 1));
        assert!(check.breaks.is_empty(), "{:?}", check.breaks);
    }

    #[test]
    fn what_another_workbench_appended_is_read_before_appending_and_handed_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.jsonl");
        let (mut alice, _) = Journal::open(&path).unwrap();
        let (mut bob, _) = Journal::open(&path).unwrap();
        bob.append(&[entry("row:x", Verdict::Legitimate, "bob")])
            .unwrap();
        assert!(
            bob.take_foreign().is_empty(),
            "bob's own entry is not foreign"
        );
        alice
            .append(&[entry("row:x", Verdict::Suspicious, "alice")])
            .unwrap();
        let foreign = alice.take_foreign();
        assert_eq!(foreign.len(), 1);
        assert_eq!(
            (foreign[0].analyst.as_str(), foreign[0].verdict),
            ("bob", Verdict::Legitimate)
        );
        assert!(alice.take_foreign().is_empty(), "handed over once");
        // Alice's entry follows Bob's in the chain, and replay gives her later decision.
        let text = std::fs::read(&path).unwrap();
        let parsed = chain::parse("j", &text, 1).unwrap();
        assert!(chain::check(&parsed.lines).breaks.is_empty());
        assert_eq!(alice.entries(), 2);
        let r = read_decisions(&path).unwrap();
        assert_eq!(r.decisions["row:x"].verdict, Verdict::Suspicious);
        // Bob then reads Alice's entry, numbered after his own.
        bob.append(&[entry("row:y", Verdict::Legitimate, "bob")])
            .unwrap();
        assert_eq!(bob.take_foreign()[0].analyst, "alice");
        let parsed = chain::parse("j", &std::fs::read(&path).unwrap(), 1).unwrap();
        assert!(chain::check(&parsed.lines).breaks.is_empty());
    }

    #[test]
    fn a_journal_joined_at_the_first_decision_keeps_what_another_workbench_wrote_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.jsonl");
        // Alice looked at start: no journal. Bob then created it and decided two rows.
        let (mut bob, _) = Journal::open(&path).unwrap();
        bob.append(&[
            entry("row:x", Verdict::Legitimate, "bob"),
            entry("row:y", Verdict::Suspicious, "bob"),
        ])
        .unwrap();
        let mut alice = Journal::join(&path).unwrap();
        alice
            .append(&[entry("row:x", Verdict::Suspicious, "alice")])
            .unwrap();
        let foreign = alice.take_foreign();
        assert_eq!(
            foreign
                .iter()
                .map(|e| (e.key.as_str(), e.analyst.as_str()))
                .collect::<Vec<_>>(),
            [("row:x", "bob"), ("row:y", "bob")]
        );
        assert_eq!(alice.entries(), 3);
        let es = lines(&path);
        assert_eq!(es.len(), 3, "bob's entries kept, alice's after them");
        let parsed = chain::parse("j", &std::fs::read(&path).unwrap(), 1).unwrap();
        assert!(chain::check(&parsed.lines).breaks.is_empty());
        let r = read_decisions(&path).unwrap();
        assert_eq!(r.decisions["row:x"].verdict, Verdict::Suspicious);
        assert_eq!(r.decisions["row:y"].verdict, Verdict::Suspicious);
        assert_eq!(alice.head(), r.head.as_deref());
        // Joining a journal nobody created makes it, as before.
        let fresh = dir.path().join("fresh.jsonl");
        let mut j = Journal::join(&fresh).unwrap();
        j.append(&[entry("row:z", Verdict::Legitimate, "ana")])
            .unwrap();
        assert!(j.take_foreign().is_empty());
        assert_eq!(lines(&fresh)[0].prev.as_deref(), Some(GENESIS));
    }

    #[test]
    fn a_torn_tail_is_cut_off_so_that_it_never_ends_up_in_the_middle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let (mut j, _) = Journal::open(&path).unwrap();
        j.append(&[entry("row:a", Verdict::Suspicious, "ana")])
            .unwrap();
        // Another writer crashed mid-line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"key":"row:b","verd"#).unwrap();
        j.append(&[entry("row:c", Verdict::Legitimate, "ana")])
            .unwrap();
        assert!(j.take_foreign().is_empty());
        let r = read_decisions(&path).unwrap();
        assert_eq!(r.entries, 2);
        assert!(r.warning.is_none());
        // And at open.
        f.write_all(br#"{"key":"row:d","verd"#).unwrap();
        let (_, r) = Journal::open(&path).unwrap();
        assert!(r.warning.unwrap().contains("line 3"));
        assert!(std::fs::read(&path).unwrap().ends_with(b"}\n"));
    }

    #[test]
    fn a_last_entry_without_its_line_feed_gets_one_before_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let old = r#"{"key":"row:a","verdict":"suspicious","time":"2025-01-01T00:00:00Z"}"#;
        std::fs::write(&path, old).unwrap();
        let (mut j, r) = Journal::open(&path).unwrap();
        assert_eq!(r.entries, 1);
        j.append(&[entry("row:b", Verdict::Legitimate, "ana")])
            .unwrap();
        assert_eq!(read_decisions(&path).unwrap().entries, 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_is_refused_and_its_target_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("j.jsonl");
        let target = dir.path().join("elsewhere.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = Journal::open(&link).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(!target.exists());
        // A link to an existing journal is followed.
        std::fs::write(&target, "").unwrap();
        Journal::open(&link).unwrap();
        // A folder is refused.
        assert!(Journal::open(dir.path()).is_err());
    }
}
