//! A journal replaced while the workbench ran: cut and written again in place (`>` from a
//! shell, an editor saving over it), or another file put at its path over the one opened
//! (`mv`, a sync client, an editor's save by rename). What the journal's path holds now is
//! the journal: it is read again whole and the workbench shows what it holds. The decisions
//! made in this session that it lacks are written into it again (each keeping who made it
//! and when, as a retry); one it holds a later decision of another writer on is not, and
//! is named. Before, the workbench saw a journal cut or replaced only at its next save,
//! which then failed (`the journal is shorter …`), and its screen kept the old journal's
//! decisions meanwhile.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use super::append::{Journal, io_err};
use super::chain;
use super::{Decision, Entry, JournalError, RETRY, replay_parsed};

/// How many bytes of the journal's end are kept to tell, at each read, that the file still
/// holds what was read at the same place: an entry line is about 300 bytes and carries the
/// hash of the one before it, so its last 256 bytes at the same offset mean the same file.
pub(super) const TAIL: usize = 256;

/// What reading a replaced journal again did, for the workbench to show
/// ([`Journal::take_reloaded`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reloaded {
    /// How it had been replaced: `cut to 0 bytes (it had 1234 when last read)`, …
    pub how: String,
    /// The decisions the journal holds now, this session's written again included: what
    /// the screen shows from now on.
    pub decisions: HashMap<String, Decision>,
    /// Its entries, ours written again included.
    pub entries: usize,
    /// Keys of this session's decisions it lacked, written into it again.
    pub rewritten: Vec<String>,
    /// This session's decisions it holds a later entry of another writer on: theirs
    /// stands and ours is not written (their entry).
    pub superseded: Vec<Entry>,
    /// Writing ours again failed (a full disk): those keys, and the error. They are not in
    /// the journal; the workbench keeps them on screen as not saved.
    pub failed: Option<(Vec<String>, String)>,
    /// A torn last line cut off the new file, or lines outside its hash chain.
    pub warning: Option<String>,
}

/// `Some(decision)` of an entry, compared on what the analyst reads (verdict, note, who,
/// when).
fn same(a: Option<&Decision>, b: Option<&Decision>) -> bool {
    let key = |d: Option<&Decision>| {
        d.map(|d| (d.verdict, d.note.clone(), d.analyst.clone(), d.time.clone()))
    };
    key(a) == key(b)
}

/// Whether RFC 3339 time `a` is later than `b` (times that do not read compare as text).
fn later(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a > b,
        _ => a > b,
    }
}

/// The last `TAIL` bytes of `prefix` followed by `more`.
pub(super) fn tail_after(prefix: &[u8], more: &[u8]) -> Vec<u8> {
    let mut t = Vec::with_capacity(TAIL);
    let from_more = more.len().min(TAIL);
    let from_prefix = (TAIL - from_more).min(prefix.len());
    t.extend_from_slice(&prefix[prefix.len() - from_prefix..]);
    t.extend_from_slice(&more[more.len() - from_more..]);
    t
}

impl Journal {
    /// Under the lock: whether the open file, whose status is now `meta`, still holds, at
    /// the same place, what was last read or written: its end, then (when its status
    /// changed) all of it (`prefix`). None: it does; Some: how it changed.
    pub(super) fn replaced_in_place(
        &mut self,
        len: u64,
        meta: &std::fs::Metadata,
    ) -> Result<Option<String>, JournalError> {
        let known = self.known_len;
        if len < known {
            return Ok(Some(format!(
                "cut to {len} bytes (it had {known} when last read)"
            )));
        }
        if self.tail.is_empty() {
            return Ok(None);
        }
        let path = self.path.clone();
        let mut now = vec![0; self.tail.len()];
        self.file
            .seek(SeekFrom::Start(known - self.tail.len() as u64))
            .and_then(|_| self.file.read_exact(&mut now))
            .map_err(io_err(&path))?;
        if now != self.tail {
            return Ok(Some("written again in place".to_owned()));
        }
        let same = self
            .prefix
            .still_holds(&mut self.file, known, meta)
            .map_err(io_err(&path))?;
        Ok((!same).then(|| "edited in place (an earlier line changed)".to_owned()))
    }

    /// Under the lock of `file`, the journal now at the path: reads it whole, makes it the
    /// open journal, and writes into it again the decisions of this session it lacks
    /// ([`Reloaded`], taken by [`Journal::take_reloaded`]). A file that is not a journal is
    /// an error and nothing changes.
    pub(super) fn reload_locked(
        &mut self,
        mut file: File,
        how: String,
    ) -> Result<u64, JournalError> {
        let path = self.path.clone();
        let err = io_err(&path);
        let display = path.display().to_string();
        let mut text = Vec::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut text))
            .map_err(&err)?;
        let parsed = chain::parse(&display, &text, 1).map_err(|e| {
            err(std::io::Error::other(format!(
                "the journal was {how}, and what is there now is not a journal ({e}); nothing written"
            )))
        })?;
        let mut len = text.len();
        if let Some((_, offset)) = parsed.torn {
            file.set_len(offset as u64)
                .and_then(|()| file.sync_data())
                .map_err(&err)?;
            len = offset;
        }
        let replay = replay_parsed(&display, &parsed, true);
        // This session's decisions, in the order of their keys (the same text each time).
        let mut ours: Vec<(&String, &Entry)> = self.written.iter().collect();
        ours.sort_by(|a, b| a.0.cmp(b.0));
        let mut again = Vec::new();
        let mut superseded = Vec::new();
        for (key, mine) in ours {
            let decision = mine.decision();
            if same(replay.decisions.get(key), decision.as_ref()) {
                continue;
            }
            let theirs = parsed.lines.iter().rev().find(|l| &l.entry.key == key);
            match theirs {
                Some(l) if later(&l.entry.time, &mine.time) => superseded.push(l.entry.clone()),
                _ => again.push(Entry::restoring(
                    key,
                    &decision.unwrap_or_default(),
                    &mine.analyst,
                    RETRY,
                )),
            }
        }
        // The new file is the journal from here on; its lock is held by the caller.
        self.file = file;
        self.known_len = len as u64;
        self.known_lines = parsed.torn.map_or(parsed.line_count, |(n, _)| n - 1);
        self.head = replay.head.clone();
        self.entries = replay.entries;
        self.needs_newline = parsed.needs_newline;
        self.tail = tail_after(&[], &text[..len]);
        // No status: ours written again below changes it, and the next look reads it all.
        self.prefix = super::prefix::Prefix::of(&text[..len], None);
        self.foreign.clear();
        let rewritten: Vec<String> = again.iter().map(|e| e.key.clone()).collect();
        let outside = replay.outside_chain_warning(&display);
        let mut decisions = replay.decisions;
        let failed = match self.write_locked(&again) {
            Ok(()) => {
                for e in &again {
                    match e.decision() {
                        Some(d) => decisions.insert(e.key.clone(), d),
                        None => decisions.remove(&e.key),
                    };
                }
                None
            }
            Err(e) => Some((rewritten.clone(), e.to_string())),
        };
        let warning = [replay.warning, outside]
            .into_iter()
            .flatten()
            .reduce(|a, b| format!("{a}; {b}"));
        self.reloaded = Some(Reloaded {
            how,
            decisions,
            entries: self.entries,
            rewritten: if failed.is_some() {
                Vec::new()
            } else {
                rewritten
            },
            superseded,
            failed,
            warning,
        });
        Ok(self.known_len)
    }

    /// What the last append or refresh found when the journal had been replaced, once.
    pub fn take_reloaded(&mut self) -> Option<Reloaded> {
        self.reloaded.take()
    }
}
