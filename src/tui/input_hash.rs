//! The inputs' SHA-256 for the report (`Y`, `E`), made by the loader thread once every row
//! is in rather than while the rows are read: on the 2 cores the load shares, hashing the
//! bytes as they were read cost about 4% of the load's CPU (SHA-NI, `sha2`), time the rows
//! waited for, and the hash is read only when a report is made.
//!
//! A file is hashed again only if it is the file that was read: its size, modification time
//! and (Unix) inode are the same before and after the hash as when the scan opened it, and
//! the scan read it to its end. Otherwise no hash is claimed: the report says `SHA-256
//! unavailable` with why (hashed when the report is made, it would be another file's:
//! breaker 13 #5), and a problem says that the file changed during the load. Standard input cannot be read twice: it is still
//! hashed as it is read.

use std::path::Path;
use std::time::SystemTime;

/// What identifies a file's content without reading it: size, modification time, inode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: Option<(u64, u64)>,
}

impl Stamp {
    /// The file's stamp now (None: it cannot be read, or it is not a regular file).
    pub(super) fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)?;
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let inode = None;
        Some(Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        })
    }
}

/// A file the load read to its end, as the scan names it, and its stamp when it was opened.
#[derive(Debug, Clone)]
pub(super) struct ReadFile {
    pub(super) path: String,
    pub(super) opened: Option<Stamp>,
}

impl ReadFile {
    /// Whether the file is still the one the load read: the same size, modification time
    /// and inode as when the scan opened it (the second pass that reads its related
    /// records checks it before and after, as [`rehash`] does).
    pub(super) fn unchanged(&self) -> bool {
        self.opened.is_some() && Stamp::of(Path::new(&self.path)) == self.opened
    }

    /// The file's size when the scan opened it (0: not known).
    pub(super) fn size(&self) -> u64 {
        self.opened.as_ref().map_or(0, |s| s.len)
    }
}

/// What hashing a file again after the load found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rehashed {
    /// The file is as it was read: the lowercase hex SHA-256 of its bytes.
    Same(String),
    /// The file is not the one read any more (or cannot be read): no hash is claimed, and
    /// this says why, for the problems list.
    Changed(String),
}

/// Hashes a file read by the load, if it is still the file that was read.
pub(super) fn rehash(file: &ReadFile) -> Rehashed {
    let path = Path::new(&file.path);
    let Some(opened) = &file.opened else {
        return Rehashed::Changed(
            "its size and modification time could not be read when it was opened: the report gives no SHA-256 of it (the bytes read could not be told from the file as it is now)".to_owned(),
        );
    };
    let before = Stamp::of(path);
    let hash = crate::load::sha256_file(path);
    let after = Stamp::of(path);
    match hash {
        Ok(h) if before.as_ref() == Some(opened) && after.as_ref() == Some(opened) => {
            Rehashed::Same(h)
        }
        Ok(_) => Rehashed::Changed(
            "the file changed during the load, after it was opened (its size, modification time or inode): the report gives no SHA-256 of it (the bytes read cannot be hashed again), and its size is the one it had when the load opened it".to_owned(),
        ),
        Err(e) => Rehashed::Changed(format!(
            "could not be read again to hash it ({e}): the report gives no SHA-256 of it"
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sts-input-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_file_as_it_was_read_gets_the_hash_of_its_bytes() {
        let path = temp_file("same.jsonl", "{\"a\":1}\n");
        let file = ReadFile {
            path: path.display().to_string(),
            opened: Stamp::of(&path),
        };
        assert_eq!(
            rehash(&file),
            Rehashed::Same(crate::load::sha256_file(&path).unwrap())
        );
    }

    #[test]
    fn a_file_changed_after_it_was_read_gets_no_hash() {
        let path = temp_file("changed.jsonl", "{\"a\":1}\n");
        let file = ReadFile {
            path: path.display().to_string(),
            opened: Stamp::of(&path),
        };
        std::fs::write(&path, "{\"a\":1}\n{\"b\":2}\n").unwrap();
        assert!(
            matches!(rehash(&file), Rehashed::Changed(why) if why.contains("changed during the load"))
        );
        std::fs::remove_file(&path).unwrap();
        assert!(
            matches!(rehash(&file), Rehashed::Changed(why) if why.contains("could not be read again"))
        );
    }
}
