//! The background load: a thread reads the inputs and sends every message as an action,
//! in batches, on the channel; follow mode reads growing files again.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::action::Action;
use super::input_hash::{self, ReadFile, Rehashed, Stamp};
use super::wake::DataSender;
use crate::load::{ScanMessage, ScanOptions};
use crate::scan;

/// The most messages sent in one batch: the event loop takes a batch whole, so this
/// bounds how long a key waits behind one (one to two milliseconds of work on a loaded
/// machine; 512 was 5-8 ms at 2,000,000 events).
const BATCH: usize = 128;

/// The longest a message waits in a batch before it is sent.
const BATCH_AGE: Duration = Duration::from_millis(30);

/// Gathers the loader's actions into batches: one wake of the event loop (and one
/// channel message) per batch rather than per event. Any message other than an event is
/// sent at once with what was gathered before it (progress, a file's end, the load's end).
struct Sender {
    tx: DataSender,
    batch: Vec<Action>,
    since: Instant,
}

impl Sender {
    fn new(tx: DataSender) -> Self {
        Self {
            tx,
            batch: Vec::new(),
            since: Instant::now(),
        }
    }

    fn send(&mut self, action: Action) {
        if self.batch.is_empty() {
            self.since = Instant::now();
        }
        let urgent = !matches!(
            action,
            Action::Scan(ScanMessage::Event(_) | ScanMessage::Context(_))
        );
        self.batch.push(action);
        if urgent || self.batch.len() >= BATCH || self.since.elapsed() >= BATCH_AGE {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.batch));
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Follow mode: JSON-lines and CSV files are tailed (read now, then again whenever they
/// grow); other files (gzip, JSON documents) are read once.
fn follow_loader(paths: &[PathBuf], cancel: &Arc<AtomicBool>, tx: &mut Sender) {
    let found = match crate::load::walk_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            tx.send(Action::LoadFinished {
                error: Some(e.to_string()),
            });
            return;
        }
    };
    let mut files = Vec::new();
    for f in found {
        match f {
            crate::load::Found::Read { path, .. } => files.push(path),
            // Passed over by its name (a hidden file, a journal, a note): listed.
            crate::load::Found::PassedOver { path, reason } => {
                scan::pass_over(&path, reason, &mut |msg| tx.send(Action::Scan(msg)));
            }
            crate::load::Found::Other { path, what } => {
                scan::pass_over_other(&path, what, None, &mut |msg| tx.send(Action::Scan(msg)));
            }
        }
    }
    let (tailed, once): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|p| crate::load::follow::can_follow(p));
    // Each file read once is said, with why (a JSON document, gzip), so that the analyst
    // does not wait for rows appended to it.
    for path in &once {
        if let Some(why) = crate::load::follow::not_followed(path) {
            tx.send(Action::Scan(ScanMessage::Problem(crate::model::Problem {
                file: path.display().to_string().into(),
                line: None,
                message: why.to_owned(),
            })));
        }
    }
    read_once(&once, cancel, &mut |a| tx.send(a));
    let mut tails: Vec<crate::load::follow::Tail> = tailed
        .iter()
        .map(|p| crate::load::follow::Tail::new(p))
        .collect();
    let mut first = true;
    while !cancel.load(Ordering::Relaxed) {
        for tail in &mut tails {
            if let Err(e) = tail.poll(&mut |msg| tx.send(Action::Scan(msg))) {
                tx.send(Action::Scan(ScanMessage::Problem(crate::model::Problem {
                    file: "".into(),
                    line: None,
                    message: format!("follow: {e}"),
                })));
            }
        }
        if first {
            first = false;
            tx.send(Action::LoadFinished { error: None });
            tx.send(Action::Following { files: tails.len() });
        }
        // What was read in this round is shown now, not when the next one comes.
        tx.flush();
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Follow mode's files read once (gzip, JSON documents): each hashed as it is read, so
/// that the report names the SHA-256 and size of the bytes read, not of the file as it is
/// when the report is made (breaker15 #2: a file grown since gave the hash of bytes never
/// read, beside the size of those read, and `verify` said "as the report says").
fn read_once(once: &[PathBuf], cancel: &Arc<AtomicBool>, send: &mut dyn FnMut(Action)) {
    let opts = ScanOptions {
        cancel: Some(cancel.clone()),
        hash_inputs: true,
        ..ScanOptions::default()
    };
    if let Err(e) = scan::scan_paths_with(once, &opts, &mut |msg| send(Action::Scan(msg))) {
        send(Action::Scan(ScanMessage::Problem(crate::model::Problem {
            file: "".into(),
            line: None,
            message: e.to_string(),
        })));
    }
}

/// The files the rows pass read to their end, each with its stamp when the scan opened it
/// (`input_hash::Stamp`): what [`after_rows`] reads again and hashes. Given every message
/// of the rows pass, in order.
#[derive(Debug, Default)]
pub struct FilesRead {
    opened: Option<ReadFile>,
    read: Vec<ReadFile>,
}

impl FilesRead {
    /// Takes note of one message of the rows pass: a file opened, a file read to its end.
    pub fn note(&mut self, msg: &ScanMessage) {
        match msg {
            ScanMessage::FileStarted { path, .. } => {
                self.opened = Some(ReadFile {
                    path: path.clone(),
                    opened: Stamp::of(std::path::Path::new(path)),
                });
            }
            ScanMessage::FileDone(summary) => {
                if let Some(file) = self.opened.take().filter(|f| f.path == summary.path) {
                    self.read.push(file);
                }
            }
            _ => {}
        }
    }
}

/// What the loader does once the rows are in (`complete`: every file was read and the load
/// was not stopped): the related records, when `two_passes` (the rows were read without
/// them), then each file's SHA-256, if it is still the file that was read
/// ([`input_hash::rehash`]); a file that is not says so as a problem and as
/// [`Action::InputNotHashed`], so that the report claims no hash of it. `opts`: the rows
/// pass's options. Every action goes to `send`.
pub fn after_rows(
    files: &FilesRead,
    complete: bool,
    two_passes: bool,
    opts: &ScanOptions,
    cancel: &AtomicBool,
    send: &mut dyn FnMut(Action),
) {
    if two_passes {
        second_pass(&files.read, complete, opts, cancel, send);
    }
    // A load stopped early names no hash of the bytes read (the report hashes the files
    // as they are, as before).
    if !complete {
        return;
    }
    for file in &files.read {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        match input_hash::rehash(file) {
            Rehashed::Same(sha256) => send(Action::InputHashed {
                path: file.path.clone(),
                sha256,
            }),
            Rehashed::Changed(message) => {
                send(Action::InputNotHashed {
                    path: file.path.clone(),
                    why: message.clone(),
                });
                send(Action::Scan(ScanMessage::Problem(crate::model::Problem {
                    file: file.path.as_str().into(),
                    line: None,
                    message,
                })));
            }
        }
    }
}

/// The related records read after the rows (`load::context_pass`): each file the load read
/// to its end, read again if it is still the file that was read (its stamp before and
/// after), its records indexed here and the index handed over prepared, whole. A file
/// changed before it is read again gives no related record (said as a problem, and named in
/// [`Action::ContextRead`]'s `unread`, which the report says); one that changed while it
/// was read would give records of other bytes: then none is given at all. A load that did
/// not read every file (stopped, an error) gives none either (`index: None`: not read), and
/// one stopped during this pass gives an index marked read in part
/// ([`crate::context::Coverage::Part`]), never nothing: the screen would wait for them.
fn second_pass(
    read: &[ReadFile],
    complete: bool,
    first: &ScanOptions,
    cancel: &AtomicBool,
    send: &mut dyn FnMut(Action),
) {
    if !complete {
        send(Action::ContextRead {
            index: None,
            missing: None,
            unread: Vec::new(),
        });
        return;
    }
    let opts = crate::load::context_pass::context_only_options(first);
    let total: u64 = read.iter().map(ReadFile::size).sum();
    let mut index = crate::context::ContextIndex::default();
    let mut unread: Vec<(String, String)> = Vec::new();
    let mut spoiled = None;
    let mut done = 0u64;
    let mut said = Instant::now();
    // Stopped while they are read (a stop that came as the rows' pass ended): the part
    // read is dropped, and the index says so (it would deny what the rest holds).
    let stopped = |send: &mut dyn FnMut(Action)| {
        send(Action::ContextRead {
            index: Some(Box::new(crate::context::ContextIndex::unread(
                crate::context::Coverage::Part,
            ))),
            missing: None,
            unread: Vec::new(),
        });
    };
    for file in read {
        if cancel.load(Ordering::Relaxed) {
            stopped(send);
            return;
        }
        let problem = |message: String| {
            Action::Scan(ScanMessage::Problem(crate::model::Problem {
                file: file.path.as_str().into(),
                line: None,
                message,
            }))
        };
        if !file.unchanged() {
            send(problem("the file changed after its rows were read (size, modification time or inode): its related records were not read, so no context line or context hint comes from it".to_owned()));
            unread.push((
                file.path.clone(),
                "the file changed during the load, after its rows were read (its size, modification time or inode)".to_owned(),
            ));
            continue;
        }
        let result = crate::load::context_pass::read_file_context(
            std::path::Path::new(&file.path),
            &opts,
            &mut index,
            &mut |bytes| {
                if said.elapsed() >= Duration::from_millis(100) {
                    said = Instant::now();
                    send(Action::ContextProgress {
                        bytes: done + bytes,
                        total,
                    });
                }
            },
        );
        if let Err(e) = result {
            send(problem(format!(
                "could not be read again for its related records ({e}): no context line or context hint comes from it"
            )));
            unread.push((
                file.path.clone(),
                format!("the file could not be read again after its rows were read ({e})"),
            ));
        } else if !file.unchanged() {
            spoiled = Some(file.path.clone());
            break;
        }
        done += file.size();
    }
    if cancel.load(Ordering::Relaxed) {
        stopped(send);
        return;
    }
    let (index, missing) = match spoiled {
        Some(path) => {
            send(Action::Scan(ScanMessage::Problem(crate::model::Problem {
                file: path.as_str().into(),
                line: None,
                message: "the file changed while its related records were read: none is shown (they could be of other bytes than the rows')".to_owned(),
            })));
            // None of any file is kept: every file's related records are missing.
            unread = read
                .iter()
                .map(|f| {
                    let why = if f.path == path {
                        "the file changed during the load, while its related records were read"
                            .to_owned()
                    } else {
                        format!("none is kept: {path} changed while they were read")
                    };
                    (f.path.clone(), why)
                })
                .collect();
            (
                crate::context::ContextIndex::default(),
                Some(format!(
                    "related records NOT read: {path} changed while they were read (the problems view, p, says so)"
                )),
            )
        }
        None => {
            let said = (!unread.is_empty()).then(|| {
                format!(
                    "related records NOT read from {} that changed or could not be read again: {} (p: problems)",
                    crate::tui::count::count(unread.len(), "file"),
                    unread
                        .iter()
                        .map(|(p, _)| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            (index, said)
        }
    };
    send(Action::ContextRead {
        index: Some(Box::new(index)),
        missing,
        unread,
    });
}

/// Starts the loader thread: every message becomes an action on the channel.
pub(super) fn spawn(paths: Vec<PathBuf>, follow: bool, cancel: Arc<AtomicBool>, tx: DataSender) {
    std::thread::spawn(move || {
        let mut tx = Sender::new(tx);
        if follow {
            follow_loader(&paths, &cancel, &mut tx);
            return;
        }
        let files = match crate::load::expand_paths(&paths) {
            Ok(f) => f,
            Err(e) => {
                tx.send(Action::LoadFinished {
                    error: Some(e.to_string()),
                });
                return;
            }
        };
        let bytes = files
            .iter()
            .filter_map(|(p, _)| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        tx.send(Action::LoadPlan {
            files: files.len(),
            bytes,
            names: files.iter().map(|(p, _)| p.display().to_string()).collect(),
        });
        // The report (`Y`) names the bytes the load read: standard input and a pipe given
        // by its path (`<(…)`, `/dev/stdin`) are hashed as they are read (they cannot be
        // read again: hashed after, a drained pipe gave the SHA-256 of nothing, breaker 13
        // #2), files once every row is in (`input_hash`).
        let hash_after = !paths
            .iter()
            .any(|p| crate::context::stdin_copy::read_once(p));
        // Files are read twice: the rows first, without the related records, then the
        // related records alone (`second_pass`); standard input, read once, keeps its one
        // pass with the context (its copy is what the context panel reads back), and so
        // does a named pipe (`<(zcat …)`), which cannot be read again either.
        let two_passes = hash_after
            && paths
                .iter()
                .all(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() || m.is_dir()));
        if two_passes {
            tx.send(Action::ContextLater);
        }
        let opts = ScanOptions {
            cancel: Some(cancel.clone()),
            hash_inputs: !hash_after,
            context: !two_passes,
            ..ScanOptions::default()
        };
        let mut last_progress = Instant::now();
        // The last progress of a file is always sent (before its end): where a stopped load
        // stopped.
        let mut held: Option<ScanMessage> = None;
        let mut files_read = FilesRead::default();
        let result = scan::scan_paths_with(&paths, &opts, &mut |msg| {
            if hash_after {
                files_read.note(&msg);
            }
            if matches!(msg, ScanMessage::Progress { .. }) {
                if last_progress.elapsed() < Duration::from_millis(50) {
                    held = Some(msg);
                    return;
                }
                last_progress = Instant::now();
                held = None;
            } else if matches!(msg, ScanMessage::FileDone(_))
                && let Some(p) = held.take()
            {
                tx.send(Action::Scan(p));
            }
            tx.send(Action::Scan(msg));
        });
        let complete = result.is_ok() && !cancel.load(Ordering::Relaxed);
        tx.send(Action::LoadFinished {
            error: result.err().map(|e| e.to_string()),
        });
        after_rows(
            &files_read,
            complete,
            two_passes,
            &opts,
            &cancel,
            &mut |a| {
                tx.send(a);
            },
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Breaker15 #2: under `--follow`, a JSON document (read once) that grows after it was
    /// read is named in the report by the SHA-256 and size of the bytes read.
    #[test]
    fn a_file_read_once_under_follow_is_reported_by_the_bytes_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.json");
        let sts = r#"{"CreationTime":"2021-02-04T16:32:42","Id":"x1","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"a@b","ModifiedProperties":[],"Actor":[]}"#;
        let read = format!("[\n{sts}\n]\n");
        std::fs::write(&path, &read).expect("write");
        assert!(!crate::load::follow::can_follow(&path), "read once");
        let mut files = Vec::new();
        read_once(
            std::slice::from_ref(&path),
            &Arc::new(AtomicBool::new(false)),
            &mut |a| {
                if let Action::Scan(ScanMessage::FileDone(s)) = a {
                    files.push(s);
                }
            },
        );
        // The export is written again, longer, before the report is made.
        std::fs::write(
            &path,
            format!("[\n{sts},\n{}\n]\n", sts.replace("x1", "x2")),
        )
        .expect("rewrite");
        let mut report = crate::scan::ScanReport::default();
        report.files = files;
        let context = crate::report::ReportContext::new(&report, "j.jsonl", false);
        let name = path.display().to_string();
        let sha256 = crate::load::hex(&<sha2::Sha256 as sha2::Digest>::digest(read.as_bytes()));
        assert_eq!(
            context.hashes.get(&name),
            Some(&crate::report::FileHash::Sha256(sha256))
        );
        assert_eq!(report.files[0].bytes, read.len() as u64);
    }
}
