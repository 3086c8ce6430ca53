//! Writing an output file (`report --output`, the workbench's `E`) without ever replacing
//! what is there by another kind of thing, and without a planted link redirecting the write.
//!
//! - Anything that is not a regular file (a device such as `/dev/null`, a FIFO, a terminal,
//!   `/dev/stdout`) is written straight into, opened without creating or truncating, so the
//!   node (or the link to it) stays what it was.
//! - A folder is refused.
//! - A regular file (or a new one) is written whole or not at all: a temporary file created
//!   exclusively (`O_EXCL`, a random name, never following a link) in the folder of the
//!   real target, synced, then renamed over it. A link to a regular file is followed: the
//!   file it points to is replaced and the link stays. Its permissions are kept.
//! - A link whose target does not exist is refused rather than creating its target.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

fn with_path(path: &Path, e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Writes `bytes` to `path` as described in the module's documentation. Errors name the path.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file_with(path, &mut |w| w.write_all(bytes))
}

/// As [`write_file`], the bytes written by `fill` as it goes (a report streamed row by row,
/// never whole in memory): a regular file is still replaced only once `fill` has succeeded.
pub fn write_file_with(
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_inner(path, fill).map_err(|e| with_path(path, &e))
}

/// Whether `a` and `b` are the same file, by identity (device and inode on Unix), however
/// the paths are spelled: a link, `..`, another case of a name or a hard link is the same
/// file; a path that does not exist is no file. Without Unix identities, the canonical paths.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// The one check of every report or copy written (`report -o`, the workbench's `E` and the
/// file of `Y`): a target that is one of `protected` (the inputs, the journal), compared by
/// [`same_file`], is refused before anything is opened, with
/// "`PATH` is an input or the journal; it is never written".
pub fn refuse_protected(path: &Path, protected: &[std::path::PathBuf]) -> io::Result<()> {
    if protected.iter().any(|p| same_file(path, p)) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} is an input or the journal; it is never written",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// The check of a file whose name the tool picks, not the analyst (the workbench's
/// `<journal>.report.md` of `E`, `<journal>.copy.md` of a large `y`/`Y`): a link there, to
/// an existing file or not, is refused, never written through. Whoever can write in the
/// journal's folder could otherwise point that name at any file the analyst can write. (A
/// path the analyst gives, `report -o`, follows a link to a file: theirs to choose.)
pub fn refuse_link(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} is a link to {target}; a name the workbench picks is never written through a link (remove it)",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// As [`write_file_with`], after [`refuse_protected`]: never over an input or the journal.
pub fn write_file_except(
    path: &Path,
    protected: &[std::path::PathBuf],
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    refuse_protected(path, protected)?;
    write_file_with(path, fill)
}

type Fill<'a> = &'a mut dyn FnMut(&mut dyn Write) -> io::Result<()>;

fn write_inner(path: &Path, bytes: Fill<'_>) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::other(
            "a folder; give the name of a file to write the report to",
        )),
        Ok(meta) if !meta.is_file() => {
            // A device, FIFO, socket or terminal: write into it, never replace the node.
            let mut f = io::BufWriter::new(OpenOptions::new().write(true).open(path)?);
            bytes(&mut f)?;
            f.flush()
        }
        Ok(meta) => {
            // Follow links to the real file: the link stays, its target is replaced.
            let real = fs::canonicalize(path)?;
            replace(&real, bytes, Some(meta.permissions()))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                let target = fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "a link to {target}, which does not exist; refused rather than creating it"
                    ),
                ));
            }
            replace(path, bytes, None)
        }
        Err(e) => Err(e),
    }
}

/// Writes through an exclusively created temporary file beside `target` and a rename.
fn replace(target: &Path, bytes: Fill<'_>, keep: Option<fs::Permissions>) -> io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A new file gets the usual permissions (the umask applies), not the 0600 of a
        // temporary file; an existing one keeps its own.
        builder.permissions(
            keep.clone()
                .unwrap_or_else(|| fs::Permissions::from_mode(0o666)),
        );
    }
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut w = io::BufWriter::new(tmp.as_file_mut());
        bytes(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    if let Some(perm) = keep {
        // The umask narrowed the mode at creation; the existing file's mode is restored.
        tmp.as_file().set_permissions(perm)?;
    }
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        std::fs::write(&path, "old, longer text").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // And a new one is created.
        write_file(&dir.path().join("new.md"), b"x").unwrap();
        assert_eq!(std::fs::read(dir.path().join("new.md")).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn an_input_is_never_written_however_it_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.jsonl");
        std::fs::write(&input, "the export").unwrap();
        // A hard link: another name, the same file.
        let hard = dir.path().join("j.report.md");
        std::fs::hard_link(&input, &hard).unwrap();
        let spelled = dir.path().join(".").join("a.jsonl");
        for target in [&input, &hard, &spelled] {
            let e = write_file_except(target, std::slice::from_ref(&input), &mut |w| {
                w.write_all(b"report")
            })
            .unwrap_err();
            assert!(e.to_string().contains("is an input or the journal"), "{e}");
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"the export");
        // Another file with the same bytes is not the input.
        let other = dir.path().join("b.md");
        std::fs::write(&other, "the export").unwrap();
        write_file_except(&other, &[input], &mut |w| w.write_all(b"report")).unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"report");
    }

    #[test]
    fn a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_file(dir.path(), b"x").unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_tmp_link_cannot_redirect_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let path = dir.path().join("j.report.md");
        // The names the old code used for its temporary file.
        for planted in ["j.report.md.tmp", ".j.report.md.tmp", "j.report.md.md.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
        }
        write_file(&path, b"report").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        assert_eq!(std::fs::read(&path).unwrap(), b"report");
        assert!(
            std::fs::symlink_metadata(dir.path().join("j.report.md.tmp"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    /// Breaker: `<journal>.copy.md` planted as a link to an existing file.
    #[test]
    fn a_name_the_tool_picks_is_never_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "ORIGINAL").unwrap();
        let planted = dir.path().join("j.copy.md");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let e = refuse_link(&planted).unwrap_err().to_string();
        assert!(
            e.contains("is a link to") && e.contains("victim.txt"),
            "{e}"
        );
        assert_eq!(fs::read_to_string(&victim).unwrap(), "ORIGINAL");
        // A plain file, or none, passes.
        assert!(refuse_link(&victim).is_ok());
        assert!(refuse_link(&dir.path().join("none.md")).is_ok());
    }

    #[test]
    fn links_are_followed_to_a_file_and_refused_when_dangling() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.md");
        symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640
        );

        let dangling = dir.path().join("dangling.md");
        let missing = dir.path().join("missing.md");
        symlink(&missing, &dangling).unwrap();
        let e = write_file(&dangling, b"x").unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(!missing.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_and_a_device_are_written_into_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read(&fifo).unwrap())
            };
            write_file(&fifo, b"through the pipe").unwrap();
            assert_eq!(reader.join().unwrap(), b"through the pipe");
            assert!(!fs::metadata(&fifo).unwrap().is_file(), "still a FIFO");
        } else {
            eprintln!("SKIPPED the FIFO half: mkfifo is not available");
        }
        // A character device (like /dev/null, made here) stays one.
        let dev = dir.path().join("null");
        let made = std::process::Command::new("mknod")
            .arg(&dev)
            .args(["c", "1", "3"])
            .status();
        if made.is_ok_and(|s| s.success()) {
            write_file(&dev, b"discarded").unwrap();
            assert!(!fs::metadata(&dev).unwrap().is_file(), "still a device");
        } else {
            eprintln!("SKIPPED the device half: mknod is not permitted here");
        }
    }
}
