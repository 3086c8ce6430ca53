//! `verify` of a report the workbench made of a followed file that grew since: the report
//! covers the file's first bytes (`SHA-256 `…` of the N bytes read so far`), and a scan of
//! the whole file gave other counts, rows and text, about 16 differences that only restated
//! the growth (breaker 16 #7). The growth is checked (the file's first N bytes still have
//! the hash the report states) and said once; the rows, counts and text are checked against
//! a scan of just those bytes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Stated;
use crate::load::{PartialRead, ScanOptions};
use crate::scan::ScanReport;

/// A followed file of the report that grew since: the input given for it, the bytes the
/// report covers and their SHA-256 (lowercase hex, as the report states it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Grown {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The first input that is a followed file of the report (by its name as given, else by
/// its file name) now longer than the bytes the report covers, whose first bytes still have
/// the hash the report states. Only one: a scan reads one file in part.
pub(super) fn find(stated: &Stated, paths: &[PathBuf]) -> Option<Grown> {
    let file_name = |p: &str| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned();
    stated.files.iter().find_map(|(name, hash)| {
        let hash = hash.as_ref()?;
        let bytes = *stated.read_so_far.get(hash)?;
        let given = paths
            .iter()
            .map(|p| p.display().to_string())
            .filter(|p| *p == *name || file_name(p) == file_name(name))
            .find(|p| {
                std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > bytes)
                    && super::compare::sha256_prefix(Path::new(p), bytes).is_ok_and(|h| h == *hash)
            })?;
        Some(Grown {
            path: given,
            bytes,
            sha256: hash.clone(),
        })
    })
}

/// `opts` reading only the first bytes of the grown file.
pub(super) fn options(g: &Grown, opts: &ScanOptions) -> ScanOptions {
    let mut opts = opts.clone();
    opts.partial = Some(Arc::new(PartialRead {
        cut: Some((g.path.clone(), g.bytes)),
        unread: Vec::new(),
    }));
    opts
}

/// The scan of the first bytes, made to say what the workbench's report said of the file:
/// followed, those bytes and their hash (the scan hashed what its reader buffered, which
/// may be more).
pub(super) fn as_followed(g: &Grown, scanned: &mut ScanReport) {
    if let Some(f) = scanned.files.iter_mut().find(|f| f.path == g.path) {
        f.sha256 = Some(g.sha256.clone());
        f.bytes = g.bytes;
        f.followed = true;
    }
}
