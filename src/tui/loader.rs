//! The background load: a thread reads the inputs and sends every message as an action
//! on the channel; follow mode reads growing files again.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender as Sender;
use std::time::{Duration, Instant};

use super::action::Action;
use crate::load::{ScanMessage, ScanOptions};
use crate::scan;

/// Follow mode: JSON-lines and CSV files are tailed (read now, then again whenever they
/// grow); other files (gzip, JSON documents) are read once.
fn follow_loader(paths: &[PathBuf], cancel: &Arc<AtomicBool>, tx: &Sender<Action>) {
    let files = match crate::load::expand_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            let _ = tx.send(Action::LoadFinished {
                error: Some(e.to_string()),
            });
            return;
        }
    };
    let (tailed, once): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .map(|(p, _)| p)
        .partition(|p| crate::load::follow::can_follow(p));
    let opts = ScanOptions {
        cancel: Some(cancel.clone()),
        ..ScanOptions::default()
    };
    let mut send = |msg| {
        let _ = tx.send(Action::Scan(msg));
    };
    if let Err(e) = scan::scan_paths_with(&once, &opts, &mut send) {
        let _ = tx.send(Action::Scan(ScanMessage::Problem(crate::model::Problem {
            file: "".into(),
            line: None,
            message: e.to_string(),
        })));
    }
    let mut tails: Vec<crate::load::follow::Tail> = tailed
        .iter()
        .map(|p| crate::load::follow::Tail::new(p))
        .collect();
    let mut first = true;
    while !cancel.load(Ordering::Relaxed) {
        for tail in &mut tails {
            if let Err(e) = tail.poll(&mut send) {
                send(ScanMessage::Problem(crate::model::Problem {
                    file: "".into(),
                    line: None,
                    message: format!("follow: {e}"),
                }));
            }
        }
        if first {
            first = false;
            let _ = tx.send(Action::LoadFinished { error: None });
            let _ = tx.send(Action::Following { files: tails.len() });
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Starts the loader thread: every message becomes an action on the channel.
pub(super) fn spawn(
    paths: Vec<PathBuf>,
    follow: bool,
    cancel: Arc<AtomicBool>,
    tx: Sender<Action>,
) {
    std::thread::spawn(move || {
        if follow {
            follow_loader(&paths, &cancel, &tx);
            return;
        }
        let files = match crate::load::expand_paths(&paths) {
            Ok(f) => f,
            Err(e) => {
                let _ = tx.send(Action::LoadFinished {
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
        let _ = tx.send(Action::LoadPlan {
            files: files.len(),
            bytes,
            names: files.iter().map(|(p, _)| p.display().to_string()).collect(),
        });
        let opts = ScanOptions {
            cancel: Some(cancel),
            // The report (`Y`) names the bytes the load read.
            hash_inputs: true,
            ..ScanOptions::default()
        };
        let mut last_progress = Instant::now();
        // The last progress of a file is always sent (before its end): where a stopped load
        // stopped.
        let mut held: Option<ScanMessage> = None;
        let result = scan::scan_paths_with(&paths, &opts, &mut |msg| {
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
                let _ = tx.send(Action::Scan(p));
            }
            let _ = tx.send(Action::Scan(msg));
        });
        let _ = tx.send(Action::LoadFinished {
            error: result.err().map(|e| e.to_string()),
        });
    });
}
