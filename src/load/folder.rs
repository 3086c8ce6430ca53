//! Which files a scan reads: the paths given, folders walked.

use std::path::{Path, PathBuf};

use super::LoadError;

/// A file a scan's paths lead to: read (`named`: given on the command line, not found in a
/// folder), or passed over by its name inside a folder, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Read {
        path: PathBuf,
        named: bool,
    },
    PassedOver {
        path: PathBuf,
        reason: String,
    },
    /// A note, script or settings file kept beside the exports (`README.md`, `collect.py`),
    /// by its name: listed quietly (the problems view, the report's "Not read"), never a
    /// warning; `what` is `note`, `script` or `settings`.
    Other {
        path: PathBuf,
        what: &'static str,
    },
}

/// The files below the given paths (folders recursed, sorted), with `-` for standard input.
/// Errors: a path that cannot be read; `-` given twice ([`LoadError::StdinTwice`]: standard
/// input can be read once).
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, LoadError> {
    Ok(walk_paths(paths)?
        .into_iter()
        .filter_map(|f| match f {
            Found::Read { path, named } => Some((path, named)),
            Found::PassedOver { .. } | Found::Other { .. } => None,
        })
        .collect())
}

/// [`expand_paths`], with the files of a folder passed over by their name, in their place
/// (sorted with the others): hidden files and folders, and our own journals (checked by
/// their content: an export named like one is read). Each is listed by the scan as not read,
/// with why, so that nothing is left out in silence. Notes and scripts (`README.md`,
/// `collect.py`) are [`Found::Other`]: listed quietly (`notes_or_code`). Every other file is read and
/// its format told by its content (a `.txt` export is read; an `.xlsx` workbook is named as
/// one by its content).
pub fn walk_paths(paths: &[PathBuf]) -> Result<Vec<Found>, LoadError> {
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(LoadError::StdinTwice);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Found::Read {
                path: p.clone(),
                named: true,
            });
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
            found.sort_by(|a, b| a.0.cmp(&b.0));
            out.extend(found.into_iter().map(|(path, why)| match why {
                None => Found::Read { path, named: false },
                Some(Why::Name(reason)) => Found::PassedOver { path, reason },
                Some(Why::Other(what)) => Found::Other { path, what },
            }));
        } else {
            out.push(Found::Read {
                path: p.clone(),
                named: true,
            });
        }
    }
    Ok(out)
}

/// Why a folder's entry is passed over by its name: said as a warning, or listed quietly.
enum Why {
    Name(String),
    Other(&'static str),
}

/// Why a folder's entry is passed over by its name, if it is (`is_dir`: it is a folder).
fn passed_over_by_name(path: &Path, name: &str, is_dir: bool) -> Option<String> {
    const NAME_IT: &str = "name it on the command line to read it";
    if name.starts_with('.') {
        let what = if is_dir { "folder" } else { "file" };
        return Some(format!(
            "a hidden {what} (its name starts with a dot): {NAME_IT}"
        ));
    }
    if is_dir {
        return None;
    }
    if name.ends_with(".sts-triage.jsonl") && is_journal(path) {
        return Some(format!(
            "an sts-triage journal (the analyst's verdicts, not an export): {NAME_IT}"
        ));
    }
    None
}

/// Whether a file is one of our journals: its first line is a journal entry (an object with
/// `verdict`, `action` and `prev`, the hash chain), not an export named like a journal.
fn is_journal(path: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 64 << 10];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    let head = &head[..n];
    let line = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line.trim_ascii())
        .is_ok_and(|entry| {
            ["verdict", "action", "prev"]
                .iter()
                .all(|k| entry.contains_key(*k))
        })
}

/// The files of a folder, recursively. Symbolic links are followed (a folder reached twice,
/// through a link loop or two links, is read once); a dangling link, a FIFO or a device is
/// listed too, so that the scan reports it rather than leaving it out in silence.
fn walk(
    dir: &Path,
    out: &mut Vec<(PathBuf, Option<Why>)>,
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
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => std::fs::metadata(&path).is_ok_and(|m| m.is_dir()),
            Ok(t) => t.is_dir(),
            Err(_) => false,
        };
        if !is_dir && let Some(what) = notes_or_code(&name) {
            // Listed quietly: every folder of exports has its README or script, and a
            // warning for each would make every load say "files passed over" about nothing.
            out.push((path, Some(Why::Other(what))));
            continue;
        }
        if let Some(why) = passed_over_by_name(&path, &name, is_dir) {
            out.push((path, Some(Why::Name(why))));
            continue;
        }
        if is_dir {
            if walk(&path, out, seen).is_err() {
                // An unreadable folder inside: listed, and reported by the scan.
                out.push((path, None));
            }
        } else {
            out.push((path, None));
        }
    }
    Ok(())
}

/// Notes and scripts that analysts keep beside their exports (`README.md`, `collect.py`):
/// what they are (`note`, `script`, `settings`), for a folder walk to list them quietly;
/// named on the command line they are read. Text (`.txt`) and office files (`.xlsx`,
/// `.docx`, `.pdf`) are not here: an export saved as `.txt` is common (one that is no export
/// is listed as a note by the scan, `scan::pass_over_other`), and a workbook is told (and
/// named) by its content.
fn notes_or_code(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    [
        (".md", "note"),
        (".py", "script"),
        (".sh", "script"),
        (".ps1", "script"),
        (".rs", "script"),
        (".toml", "settings"),
        (".yml", "settings"),
        (".yaml", "settings"),
    ]
    .iter()
    .find(|(ext, _)| lower.ends_with(ext))
    .map(|&(_, what)| what)
}
