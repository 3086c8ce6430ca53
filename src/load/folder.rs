//! Which files a scan reads: the paths given, folders walked.

use std::path::{Path, PathBuf};

use super::LoadError;

/// The files below the given paths (folders recursed, sorted), with `-` for standard input.
/// A folder's files that are our own journals are left out. Errors: a path that cannot be
/// read; `-` given twice ([`LoadError::StdinTwice`]: standard input can be read once).
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, LoadError> {
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(LoadError::StdinTwice);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push((p.clone(), true));
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| LoadError::Unreadable {
            path: p.display().to_string(),
            error: e,
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            let mut seen = std::collections::HashSet::new();
            walk(p, &mut found, &mut seen)?;
            found.sort();
            out.extend(found.into_iter().map(|f| (f, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

/// The files of a folder, recursively. Symbolic links are followed (a folder reached twice,
/// through a link loop or two links, is read once); a dangling link, a FIFO or a device is
/// listed too, so that the scan reports it rather than leaving it out in silence.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<(), LoadError> {
    if let Ok(real) = std::fs::canonicalize(dir)
        && !seen.insert(real)
    {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Unreadable {
        path: dir.display().to_string(),
        error: e,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with(".sts-triage.jsonl") || is_notes_or_code(&name) {
            continue;
        }
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => std::fs::metadata(&path).is_ok_and(|m| m.is_dir()),
            Ok(t) => t.is_dir(),
            Err(_) => false,
        };
        if is_dir {
            if walk(&path, out, seen).is_err() {
                // An unreadable folder inside: listed, and reported by the scan.
                out.push(path);
            }
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Notes and scripts that analysts keep beside their exports (`README.md`, `notes.txt`,
/// `collect.py`): a folder walk passes over them; named on the command line they are read.
fn is_notes_or_code(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".md", ".txt", ".py", ".sh", ".ps1", ".rs", ".toml", ".yml", ".yaml", ".pdf", ".docx",
        ".xlsx",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}
