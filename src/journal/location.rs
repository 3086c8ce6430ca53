//! Where a journal lives: beside the evidence (a file or folder given), in the data folder
//! when beside it cannot be written, and for standard input a name made from its bytes.
//! Apart from the journal's reading and writing (`journal.rs`, `append.rs`) because the
//! naming rules grow with each way an input arrives.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Said when standard input, read without `--journal`, could not be read ahead to name its
/// journal by its content ([`for_inputs_reading_stdin`]): it then has the one journal
/// `stdin.sts-triage.jsonl` in the data folder, shared by every input piped in so.
pub const STDIN_SHARED: &str = "standard input has one journal in the data folder, shared by everything ever read from standard input: give --journal FILE to keep this input's decisions apart";

/// The journal of an input read from standard input: `stdin-<hash>.sts-triage.jsonl` in
/// the data folder, `<hash>` the first 32 hex digits (128 bits: no two inputs meet by
/// chance or by design) of the SHA-256 of its bytes as they came, the hash the report gives
/// `(stdin)`. So two different inputs piped in never share decisions, and the same input
/// piped in again finds its own. The whole hash made the name too long to read in the
/// status line.
pub fn stdin_location(sha256: &str) -> PathBuf {
    let short = sha256.get(..32).unwrap_or(sha256);
    data_dir().join(format!("stdin-{short}.sts-triage.jsonl"))
}

/// The journal of standard input (or of pipes given by their path, `<(…)`) read beside
/// files (`report - a.jsonl`), or of several pipes: `-` alone keeps [`stdin_location`] and
/// files alone [`default_for_inputs`], so journals of single-input runs keep applying. With
/// both, the name depends on every input, never on one piped input alone:
/// `stdin+files-<hash>.sts-triage.jsonl` in the data folder, `<hash>` 32 hex digits of the
/// SHA-256 of the piped inputs' SHA-256 (sorted) and the other inputs' canonical paths,
/// sorted (the paths, as a file's own journal is named by its path). Else the rows of
/// `a.jsonl` would be decided in whatever journal the bytes piped beside it named, and a
/// different file piped beside the same bytes would find those decisions. `piped` names
/// which of `inputs` were read ahead (standard input's `-` is always one).
pub fn stdin_with_files_location(
    stdin_sha256: &[String],
    inputs: &[PathBuf],
    piped: &[PathBuf],
) -> PathBuf {
    use sha2::{Digest, Sha256};
    let mut files: Vec<PathBuf> = inputs
        .iter()
        .filter(|p| p.as_os_str() != "-" && !piped.contains(p))
        .map(|p| {
            std::fs::canonicalize(p)
                .or_else(|_| std::path::absolute(p))
                .unwrap_or_else(|_| p.clone())
        })
        .collect();
    if let ([one], true) = (stdin_sha256, files.is_empty()) {
        return stdin_location(one);
    }
    files.sort();
    files.dedup();
    let mut hashes = stdin_sha256.to_vec();
    hashes.sort();
    let mut h = Sha256::new();
    // One piped input beside files: the name it always had.
    for (i, sha) in hashes.iter().enumerate() {
        if i > 0 {
            // Paths below are absolute (`/…`): never read as this.
            h.update(b"\0");
        }
        h.update(b"stdin\0");
        h.update(sha.as_bytes());
    }
    for f in &files {
        h.update(b"\0");
        h.update(f.as_os_str().as_encoded_bytes());
    }
    let hex = crate::load::hex(&h.finalize());
    data_dir().join(format!("stdin+files-{}.sts-triage.jsonl", &hex[..32]))
}

/// The default journal of a set of inputs ([`default_for_inputs`]), except that an input
/// that can be read only once is read whole first into a temporary file
/// (`context::stdin_copy::spool`, which the load then reads) and the journal is named by
/// its content ([`stdin_location`]; beside files, by it and them:
/// [`stdin_with_files_location`]): standard input (`-`), and a pipe given by its path
/// (breaker 13 #1: `<(zcat x.gz)` is `/dev/fd/63` in every case, and was given the one
/// journal `63.sts-triage.jsonl`, shared by every input opened so; `/dev/stdin` got a
/// journal in `/dev`). When it cannot be read ahead (no temporary file could be created),
/// the shared `stdin.sts-triage.jsonl`, with the warning to give (why, then
/// [`STDIN_SHARED`]). A failure once reading started (a read error, a full disk) is an
/// error: what was read cannot be read again. Another input that is no regular file and no
/// folder (a device: it may never end, so it is not read ahead) is an error too: its
/// decisions could not be kept apart from another's without `--journal`.
pub fn for_inputs_reading_stdin(inputs: &[PathBuf]) -> io::Result<(PathBuf, Option<String>)> {
    use crate::context::stdin_copy;
    let once: Vec<PathBuf> = inputs
        .iter()
        .filter(|p| stdin_copy::read_once(p))
        .cloned()
        .collect();
    if once.is_empty() {
        return Ok((default_for_inputs(inputs), None));
    }
    if let Some(device) = once
        .iter()
        .find(|p| p.as_os_str() != "-" && !stdin_copy::is_pipe(p))
    {
        return Err(io::Error::other(format!(
            "{} is neither a file nor a pipe (a device): its decisions cannot be kept apart from another input's by its name or its content; give --journal FILE",
            device.display()
        )));
    }
    let mut hashes = Vec::with_capacity(once.len());
    for path in &once {
        match stdin_copy::spool(path)? {
            Ok(sha256) => hashes.push(sha256),
            Err(e) => {
                let what = if path.as_os_str() == "-" {
                    "standard input".to_owned()
                } else {
                    path.display().to_string()
                };
                return Ok((
                    default_location(Path::new("-")),
                    Some(format!(
                        "{what} could not be read ahead into a temporary file ({e}); {STDIN_SHARED}"
                    )),
                ));
            }
        }
    }
    Ok((stdin_with_files_location(&hashes, inputs, &once), None))
}

/// Where the journal of one input goes by default: `<input>.sts-triage.jsonl` beside it,
/// named from its canonical path so that every spelling of one input (`.`, `./`, `/abs/DIR`,
/// a link) gives one journal: a folder `X` gives `X.sts-triage.jsonl` beside `X`, never
/// inside it. Where that folder cannot be written (and for standard input), the user's data
/// directory. Nothing is created here; the workbench creates the journal at the first
/// decision.
pub fn default_location(first_input: &Path) -> PathBuf {
    // Nor an input read once (a pipe, a device): never a journal named after a
    // descriptor (`63`) or beside it in `/dev`.
    if crate::context::stdin_copy::read_once(first_input) {
        return data_dir().join("stdin.sts-triage.jsonl");
    }
    let canonical = std::fs::canonicalize(first_input)
        .or_else(|_| std::path::absolute(first_input))
        .unwrap_or_else(|_| first_input.to_owned());
    let name = canonical
        .file_name()
        .map_or_else(|| "root".into(), |n| n.to_string_lossy().into_owned());
    let file_name = format!("{name}.sts-triage.jsonl");
    let beside = canonical.with_file_name(&file_name);
    if canonical.parent().is_some() && writable(&beside) {
        return beside;
    }
    data_dir().join(file_name)
}

/// The default journal of a set of inputs, the same whatever their order: that of the
/// first input in the order of canonical paths ([`default_location`]), so `b.csv a.csv` and
/// `a.csv b.csv` open one journal. Journals named by the older rule (the first input as
/// given) are still found: when the sorted name has no journal yet, an existing journal of
/// the first input as given, else of any other input (in sorted order), is used. With no
/// input, standard input's.
pub fn default_for_inputs(inputs: &[PathBuf]) -> PathBuf {
    let Some(given_first) = inputs.first() else {
        return default_location(Path::new("-"));
    };
    let canonical = |p: &PathBuf| {
        if p.as_os_str() == "-" {
            return p.clone();
        }
        std::fs::canonicalize(p)
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.clone())
    };
    let mut sorted: Vec<(PathBuf, &PathBuf)> = inputs.iter().map(|p| (canonical(p), p)).collect();
    sorted.sort();
    sorted.dedup_by(|a, b| a.0 == b.0);
    let named = default_location(sorted[0].1);
    if named.exists() {
        return named;
    }
    std::iter::once(given_first)
        .chain(sorted.iter().map(|(_, p)| *p))
        .map(|p| default_location(p))
        .find(|older| older.exists())
        .unwrap_or(named)
}

fn writable(path: &Path) -> bool {
    if path.exists() {
        return OpenOptions::new().append(true).open(path).is_ok();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let probe = dir.join(format!(".sts-triage-probe-{}", std::process::id()));
    let ok = File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

/// The data folder of sts-triage (the `directories` crate): on Linux `$XDG_DATA_HOME/sts-triage`,
/// else `~/.local/share/sts-triage` (an unset, empty or relative variable is passed over, as the
/// XDG spec says); the platform's application-data folder on macOS and Windows. The temp folder
/// when there is no home at all.
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "sts-triage").map_or_else(
        || std::env::temp_dir().join("sts-triage"),
        |d| d.data_dir().to_owned(),
    )
}
