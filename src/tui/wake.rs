//! What wakes the workbench's event loop, and when it sleeps. The loop sleeps until a
//! terminal event (a key, a resize, a paste) or a batch of the loader's messages arrives,
//! or until a time the state asks for (the load's gauge, work left over from the last
//! frame); while idle nothing wakes it, so it uses no CPU.
//!
//! Two channels and a doorbell: terminal events go on one (unbounded: the analyst cannot
//! type faster than the screen), the loader's batches on another (bounded: the loader
//! cannot run far ahead of the screen, so Ctrl+C stops the rows at once), and each sender
//! rings the doorbell after sending. The loop waits on the doorbell alone, then takes
//! terminal events first and the loader's batches for at most a frame's budget.

use std::io;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::time::Duration;

use ratatui::crossterm::event::{self, Event};

use super::action::Action;
use super::app::App;

/// How long the loop sleeps before its next frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Not at all: work is waiting (messages not yet taken, a refresh, idle-time sorting).
    Now,
    /// At most this long: something on screen changes with time.
    For(Duration),
    /// Until a terminal event or the loader's data arrives.
    UntilWoken,
}

/// While a load runs, how often its gauge is redrawn when no data arrives (the rate it
/// shows is computed from the elapsed time).
pub const GAUGE_REDRAW: Duration = Duration::from_secs(1);

/// How often the status says again how far a report being made is.
pub const REPORT_PROGRESS: Duration = Duration::from_millis(100);

/// While the last file's context index is prepared off the screen thread, how often the
/// loop looks whether it is ready (the hints are made then; a key wakes the loop meanwhile).
pub const CONTEXT_POLL: Duration = Duration::from_millis(10);

/// While the hint pass after the load runs on a thread of its own, how often the loop
/// looks whether it is done and redraws its progress (a key wakes the loop meanwhile).
pub const HINTS_POLL: Duration = Duration::from_millis(50);

/// The loop's sleep before the next frame, from the state alone: `data_left` says that
/// the loader's messages were not all taken in the last frame.
pub fn next_wait(app: &App, data_left: bool) -> Wait {
    if data_left || app.has_pending_work() {
        Wait::Now
    } else if app.report_writing.is_some() {
        // The status says how far a report of `E` or `Y` is (`tui::report_job`).
        Wait::For(REPORT_PROGRESS)
    } else if app.context_preparing() || app.context_arrived() {
        Wait::For(CONTEXT_POLL)
    } else if app.hints_running_off_thread() {
        Wait::For(HINTS_POLL)
    } else if !app.loading.done {
        Wait::For(GAUGE_REDRAW)
    } else {
        Wait::UntilWoken
    }
}

/// The loader's side: sends batches of actions and rings the doorbell.
#[derive(Clone)]
pub struct DataSender {
    tx: SyncSender<Vec<Action>>,
    bell: SyncSender<()>,
}

impl DataSender {
    /// Sends a batch (blocking while the channel is full); false once the loop is gone.
    pub fn send(&self, batch: Vec<Action>) -> bool {
        let sent = self.tx.send(batch).is_ok();
        // A full doorbell already holds a ring the loop has not answered: it will take
        // this batch too.
        let _ = self.bell.try_send(());
        sent
    }
}

/// The terminal's side: sends events (or the error that stopped reading) and rings.
#[derive(Clone)]
pub struct InputSender {
    tx: Sender<io::Result<Event>>,
    bell: SyncSender<()>,
}

impl InputSender {
    /// Sends a terminal event; false once the loop is gone.
    pub fn send(&self, event: io::Result<Event>) -> bool {
        let sent = self.tx.send(event).is_ok();
        let _ = self.bell.try_send(());
        sent
    }
}

/// The loop's side of the channels.
pub struct Inbox {
    input: Receiver<io::Result<Event>>,
    data: Receiver<Vec<Action>>,
    bell: Receiver<()>,
    /// Held so that the doorbell never disconnects (a disconnected doorbell would return
    /// at once and the loop would spin once the loader and the terminal reader are gone).
    _ring: SyncSender<()>,
}

/// The channels of one workbench: `batches` is how many loader batches may wait.
pub fn channels(batches: usize) -> (InputSender, DataSender, Inbox) {
    let (bell_tx, bell) = mpsc::sync_channel(1);
    let (input_tx, input) = mpsc::channel();
    let (data_tx, data) = mpsc::sync_channel(batches);
    (
        InputSender {
            tx: input_tx,
            bell: bell_tx.clone(),
        },
        DataSender {
            tx: data_tx,
            bell: bell_tx.clone(),
        },
        Inbox {
            input,
            data,
            bell,
            _ring: bell_tx,
        },
    )
}

impl Inbox {
    /// Sleeps as `wait` says, or until a sender rings; false when a timed sleep ended
    /// without a ring.
    pub fn wait(&self, wait: Wait) -> bool {
        match wait {
            Wait::Now => {
                let _ = self.bell.try_recv();
                true
            }
            Wait::For(d) => self.bell.recv_timeout(d).is_ok(),
            Wait::UntilWoken => self.bell.recv().is_ok(),
        }
    }

    /// The next terminal event waiting, if any.
    pub fn input(&self) -> Option<io::Result<Event>> {
        self.input.try_recv().ok()
    }

    /// The next batch of the loader waiting, if any (None also once the loader is done).
    pub fn data(&self) -> Option<Vec<Action>> {
        self.data.try_recv().ok()
    }
}

/// Starts the thread that reads the terminal's events and forwards them to the loop. It
/// blocks in the read (no polling), and ends after a read error, which it forwards.
pub fn spawn_terminal_reader(tx: InputSender) {
    std::thread::spawn(move || {
        loop {
            let event = event::read();
            let failed = event.is_err();
            if !tx.send(event) || failed {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Intent;
    use std::collections::HashMap;

    fn loaded() -> App {
        App::new("j.jsonl", "a", HashMap::new()).with_report(crate::scan::ScanReport::default())
    }

    #[test]
    fn an_idle_workbench_sleeps_until_woken() {
        let mut app = loaded();
        // Whatever idle-time work a finished load leaves is done in a few frames, after
        // which the loop sleeps until a key or data arrives.
        for _ in 0..64 {
            if next_wait(&app, false) == Wait::UntilWoken {
                break;
            }
            app.apply(Action::Tick);
        }
        assert_eq!(next_wait(&app, false), Wait::UntilWoken);
        // A key that changes nothing on its own leaves it asleep after its frame.
        app.apply(Action::Intent(Intent::MoveDown));
        app.apply(Action::Tick);
        assert_eq!(next_wait(&app, false), Wait::UntilWoken);
    }

    #[test]
    fn data_not_taken_wakes_the_next_frame_at_once() {
        let app = loaded();
        assert_eq!(next_wait(&app, true), Wait::Now);
    }

    #[test]
    fn a_running_load_redraws_its_gauge_without_data() {
        let app = App::new("j.jsonl", "a", HashMap::new());
        assert!(!app.loading.done);
        assert_eq!(next_wait(&app, false), Wait::For(GAUGE_REDRAW));
    }

    #[test]
    fn rows_arriving_are_shown_in_the_next_frame() {
        let mut app = App::new("j.jsonl", "a", HashMap::new());
        let row = crate::model::ResultRow {
            account_display_name: "alice@contoso.com".to_owned(),
            ..Default::default()
        };
        app.apply(Action::Scan(crate::load::ScanMessage::ImportedRow {
            row,
            source: crate::model::SourceRef {
                file: "x.csv".into(),
                line: 2,
            },
        }));
        assert_eq!(next_wait(&app, false), Wait::Now);
        app.apply(Action::Tick);
        assert_eq!(app.findings.order.len(), 1);
        assert_eq!(next_wait(&app, false), Wait::For(GAUGE_REDRAW));
    }

    #[test]
    fn the_doorbell_wakes_the_loop_for_data_and_keys() {
        let (input, data, inbox) = channels(4);
        assert!(data.send(vec![Action::Tick]));
        inbox.wait(Wait::UntilWoken);
        assert_eq!(inbox.data().map(|b| b.len()), Some(1));
        assert!(inbox.data().is_none());
        assert!(input.send(Ok(Event::FocusGained)));
        inbox.wait(Wait::UntilWoken);
        assert!(matches!(inbox.input(), Some(Ok(Event::FocusGained))));
        // Senders gone: waiting with a timeout still returns (no spin, no hang).
        drop((input, data));
        inbox.wait(Wait::For(Duration::from_millis(1)));
        assert!(inbox.data().is_none());
    }
}
