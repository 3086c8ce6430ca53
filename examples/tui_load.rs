//! The workbench on a real file, driven as an analyst would: the real loader thread and
//! event loop (`sts_triage::tui::frame`), drawn on ratatui's `TestBackend`, with keys
//! sent from another thread as the terminal reader sends them. Prints the load time, the
//! first frame, each key's latency (sent → answered on screen) during and after the load
//! by kind (moving, filtering, marking with the journal's fsync, sorting, drill-down,
//! frequency view; while the related records are read after the rows, the load's keys
//! again), then the keys that work on whole tables (verdict filter, problems
//! view, help, classify like this with every row ticked and its undo, copy, and `E` and
//! `Y` with the moves typed while the report is made, and how long it takes), the CPU used
//! over 10 s of idle time, and the peak RSS.
//!
//! `cargo build --release --example tui_load`
//! `target/release/examples/tui_load FILE [WIDTH HEIGHT]`   (default 80×24)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use sts_triage::tui::app::App;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::{Theme, draw};
use sts_triage::tui::wake::{self, InputSender};
use sts_triage::tui::{Flow, Shell, frame, start_load};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A key and what it measures.
#[derive(Clone, Copy)]
struct Step {
    key: KeyEvent,
    kind: &'static str,
}

fn key(c: char, kind: &'static str) -> Step {
    Step {
        key: KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        kind,
    }
}

fn code(k: KeyCode, kind: &'static str) -> Step {
    Step {
        key: KeyEvent::new(k, KeyModifiers::NONE),
        kind,
    }
}

/// Typing a filter and deleting it again.
fn filter(text: &str, out: &mut Vec<Step>) {
    out.push(key('/', "other"));
    for c in text.chars() {
        out.push(key(c, "filter keystroke"));
    }
    for _ in text.chars() {
        out.push(code(KeyCode::Backspace, "filter keystroke"));
    }
    out.push(code(KeyCode::Esc, "other"));
}

/// What is typed while the load runs (repeated until it ends).
fn during_load() -> Vec<Step> {
    let mut out = Vec::new();
    for _ in 0..5 {
        out.push(key('j', "move"));
    }
    filter("adm", &mut out);
    for _ in 0..5 {
        out.push(key('k', "move"));
    }
    out.push(key('m', "switch view"));
    for _ in 0..3 {
        out.push(key('j', "move"));
    }
    out.push(key('m', "switch view"));
    out
}

/// What is typed after the load, on each view.
fn after_load(columns: usize) -> Vec<Step> {
    let mut out = Vec::new();
    for view in 0..2 {
        for _ in 0..20 {
            out.push(key('j', "move"));
        }
        for _ in 0..5 {
            out.push(code(KeyCode::PageDown, "move"));
        }
        out.push(key('G', "move"));
        out.push(key('g', "move"));
        for &(mark, next) in &[('1', 'j'), ('2', 'j'), ('0', 'k')] {
            out.push(key(mark, "mark (journal fsync)"));
            out.push(key(next, "move"));
        }
        for text in ["admin", "johanna 203", "!contoso", "ip:198.51"] {
            filter(text, &mut out);
        }
        out.push(code(KeyCode::Enter, "open drill-down"));
        out.push(code(KeyCode::Esc, "other"));
        out.push(key(
            'F',
            if view == 0 {
                "open frequency view"
            } else {
                "open frequency view (near misses)"
            },
        ));
        out.push(code(KeyCode::Esc, "other"));
        out.push(key('g', "move"));
        for _ in 0..columns {
            out.push(key('s', "sort"));
            out.push(key('s', "sort"));
            out.push(key('l', "other"));
        }
        for _ in 0..columns {
            out.push(key('h', "other"));
        }
        if view == 0 {
            out.push(key('m', "switch view"));
        }
    }
    out
}

/// Keys that work on whole tables, typed after the load: on the near misses (the largest
/// table) where `after_load` ended, then on the flagged rows.
fn whole_tables() -> Vec<Step> {
    let mut out = Vec::new();
    for _ in 0..3 {
        out.push(key('v', "verdict filter (v)"));
    }
    out.push(key('v', "verdict filter (v)"));
    out.push(key('p', "problems view (p)"));
    out.push(key('p', "other"));
    out.push(key('?', "help (?)"));
    out.push(code(KeyCode::Esc, "other"));
    // Classify like this works on flagged rows, from a decided one.
    out.push(key('m', "switch view"));
    out.push(key('1', "mark (journal fsync)"));
    out.push(key('k', "move"));
    out.push(key('c', "classify like (c)"));
    out.push(key('a', "tick all (a)"));
    out.push(code(KeyCode::Enter, "bulk decision (enter)"));
    out.push(key('u', "undo bulk (u)"));
    out.push(key('y', "copy row (y)"));
    out
}

/// `E` or `Y` (`report`), then moves while it is made.
fn report_keys(report: char) -> Vec<Step> {
    let mut out = vec![key(
        report,
        if report == 'E' {
            "E (export report)"
        } else {
            "Y (copy report)"
        },
    )];
    for _ in 0..10 {
        out.push(key('j', "move while a report is made"));
        out.push(key('k', "move while a report is made"));
    }
    out
}

/// The process's CPU time so far (user + system), from /proc/self/stat.
fn cpu_time() -> Duration {
    cpu_time_of("/proc/self/stat")
}

/// The CPU time of the screen thread (the process's first thread, which runs `main`).
fn screen_cpu_time() -> Duration {
    cpu_time_of(&format!("/proc/self/task/{}/stat", std::process::id()))
}

/// User + system time from a `stat` file of /proc.
fn cpu_time_of(path: &str) -> Duration {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Fields 14 and 15 of the file (utime, stime), counted after the command's name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?")
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The typist: sends a key, waits until the loop has answered it, pauses, sends the next.
fn typist(
    input: InputSender,
    sent: mpsc::Sender<(Instant, &'static str, u8)>,
    answered: mpsc::Receiver<()>,
    loaded: Arc<AtomicBool>,
    indexed: Arc<AtomicBool>,
    writing: Arc<AtomicBool>,
    columns: usize,
) {
    std::thread::spawn(move || {
        // The phase: 0 during the load, 1 while the related records are read after the
        // rows, 2 after.
        let send = |step: Step, during: u8| {
            let _ = sent.send((Instant::now(), step.kind, during));
            input.send(Ok(Event::Key(step.key)));
            let _ = answered.recv_timeout(Duration::from_secs(60));
        };
        let script = during_load();
        'load: loop {
            for &step in &script {
                if loaded.load(Ordering::Relaxed) {
                    break 'load;
                }
                send(step, 0);
                std::thread::sleep(Duration::from_millis(40));
            }
        }
        // The keys of the load again while the related records are read (on the scanning
        // threads, beside the screen).
        'context: loop {
            for &step in &script {
                if indexed.load(Ordering::Relaxed) {
                    break 'context;
                }
                send(step, 1);
                std::thread::sleep(Duration::from_millis(40));
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        for step in after_load(columns) {
            send(step, 2);
            std::thread::sleep(Duration::from_millis(20));
        }
        for step in whole_tables() {
            send(step, 2);
            std::thread::sleep(Duration::from_millis(20));
        }
        for report in ['E', 'Y'] {
            for step in report_keys(report) {
                send(step, 2);
                std::thread::sleep(Duration::from_millis(20));
            }
            // The report is left to finish before the next key.
            while writing.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        // Idle: nothing typed, nothing loading.
        std::thread::sleep(Duration::from_secs(1));
        let before = cpu_time();
        std::thread::sleep(Duration::from_secs(10));
        let idle = cpu_time().saturating_sub(before);
        println!(
            "idle CPU over 10 s: {} ms (clock ticks of 10 ms)",
            idle.as_millis()
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        input.send(Ok(Event::Key(ctrl_c)));
    });
}

fn percentiles(name: &str, mut d: Vec<Duration>) {
    if d.is_empty() {
        return;
    }
    d.sort_unstable();
    let at = |p: f64| {
        let i = ((d.len() as f64 - 1.0) * p).round() as usize;
        d[i].as_secs_f64() * 1000.0
    };
    println!(
        "  {name:<28} n={:<5} p50 {:>8.2} ms   p95 {:>8.2} ms   max {:>8.2} ms",
        d.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: tui_load FILE [WIDTH HEIGHT]");
        std::process::exit(2)
    };
    let width: u16 = args.next().and_then(|a| a.parse().ok()).unwrap_or(80);
    let height: u16 = args.next().and_then(|a| a.parse().ok()).unwrap_or(24);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    };
    let journal = dir.path().join("bench.sts-triage.jsonl");
    let keymap = Keymap::default_map().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let theme = Theme { color: true };
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    };

    let started = Instant::now();
    // The frame log's clock (`STS_TRIAGE_FRAME_LOG`): the slow keys are named on it.
    let epoch = sts_triage::tui::frame_log::epoch();
    let (input_tx, data_tx, inbox) = wake::channels(4);
    let cancel = Arc::new(AtomicBool::new(false));
    start_load(vec![PathBuf::from(&file)], false, cancel.clone(), data_tx);
    let mut app = App::new(&journal.display().to_string(), "bench", Default::default());
    // As the binary runs it: rows' hints made a slice a frame.
    app.hint_budget = Some(sts_triage::tui::app::HINT_BUDGET);
    // `TUI_LOAD_PREPARE_IN_FRAME=1`: the last file's context index prepared in the frame
    // that takes its end, as before `App::context_off_thread` (paired runs).
    app.context_off_thread = std::env::var_os("TUI_LOAD_PREPARE_IN_FRAME").is_none();
    // `TUI_LOAD_HINTS_IN_FRAME=1`: the hint pass after the load in slices on the screen
    // thread, as before `App::hints_off_thread` (paired runs).
    app.hints_off_thread = std::env::var_os("TUI_LOAD_HINTS_IN_FRAME").is_none();
    app.apply(sts_triage::tui::action::Action::Resize { width, height });
    let _ = terminal.draw(|f| draw(f, &app, &keymap, theme));
    println!(
        "first frame after {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut shell = Shell::new(&keymap, theme, journal.clone(), cancel);

    let (sent_tx, sent_rx) = mpsc::channel();
    let (ack_tx, ack_rx) = mpsc::channel();
    let loaded = Arc::new(AtomicBool::new(false));
    let indexed = Arc::new(AtomicBool::new(false));
    let writing = Arc::new(AtomicBool::new(false));
    typist(
        input_tx,
        sent_tx,
        ack_rx,
        loaded.clone(),
        indexed.clone(),
        writing.clone(),
        app.findings.columns.len().max(app.near.columns.len()),
    );

    let mut latencies: BTreeMap<(u8, &'static str), Vec<Duration>> = BTreeMap::new();
    let mut data_left = false;
    let mut slowest_frame = Duration::ZERO;
    let mut report_started: Option<Instant> = None;
    let mut reports = Vec::new();
    let mut hints_running = false;
    loop {
        let t = Instant::now();
        let flow = match frame(&mut terminal, &mut app, &mut shell, &inbox, &mut data_left) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{e:#}");
                std::process::exit(1)
            }
        };
        let now = Instant::now();
        // A report of `E` or `Y`: how long it took from its key to its answer.
        match (app.report_writing.is_some(), report_started) {
            (true, None) => {
                report_started = Some(t);
                writing.store(true, Ordering::Relaxed);
            }
            (false, Some(at)) => {
                report_started = None;
                reports.push(format!(
                    "report made in {:.2} s: {}",
                    (now - at).as_secs_f64(),
                    app.status
                ));
                writing.store(false, Ordering::Relaxed);
            }
            _ => {}
        }
        if now - t >= Duration::from_millis(100) {
            // What the long frame did is in the frame log (`STS_TRIAGE_FRAME_LOG`).
            println!(
                "long frame: {:.0} ms at {:.2} s (files done {}, last file's end {}, loaded {}, hints {:?})",
                (now - t).as_secs_f64() * 1000.0,
                started.elapsed().as_secs_f64(),
                app.loading.files_done,
                app.loading.sorting,
                app.loading.done,
                app.hints_progress()
            );
        }
        if !loaded.load(Ordering::Relaxed) && app.loading.done {
            loaded.store(true, Ordering::Relaxed);
            println!(
                "loaded at {:.3} s on the frame log's clock",
                now.saturating_duration_since(epoch).as_secs_f64()
            );
            slowest_frame = slowest_frame.max(now - t);
            println!(
                "loaded in {:.2} s: {} flagged rows, {} near misses, {} records (last frame {:.0} ms: sorting once)",
                started.elapsed().as_secs_f64(),
                app.findings.items.len(),
                app.near.items.len(),
                app.report.records(),
                (now - t).as_secs_f64() * 1000.0
            );
            println!(
                "CPU of the load: {:.2} s, of which the screen thread {:.2} s",
                cpu_time().as_secs_f64(),
                screen_cpu_time().as_secs_f64()
            );
        }
        // When the related records are in (read after the rows, or the last file's index
        // prepared): the context is complete.
        if app.loading.done
            && !indexed.load(Ordering::Relaxed)
            && !app.context_reading()
            && !app.context_preparing()
        {
            indexed.store(true, Ordering::Relaxed);
            println!(
                "context complete in {:.2} s (CPU {:.2} s, of which the screen thread {:.2} s)",
                started.elapsed().as_secs_f64(),
                cpu_time().as_secs_f64(),
                screen_cpu_time().as_secs_f64()
            );
        }
        // When the hint pass after the load ends, on the frame log's clock.
        let running = app.hints_progress().is_some();
        if hints_running && !running && app.loading.done {
            println!(
                "hint pass done at {:.3} s",
                now.saturating_duration_since(epoch).as_secs_f64()
            );
        }
        hints_running = running;
        let inputs = match flow {
            Flow::Quit => break,
            Flow::Continue { inputs } => inputs,
        };
        for _ in 0..inputs {
            if let Ok((at, kind, during)) = sent_rx.try_recv() {
                let took = now.saturating_duration_since(at);
                if during == 2 && took >= Duration::from_millis(16) {
                    // Which step it waited for: the frame log's lines that end between
                    // the two times.
                    println!(
                        "slow key after the load: {kind} {:.1} ms, sent at {:.3} s, answered at {:.3} s (hints {:?})",
                        took.as_secs_f64() * 1000.0,
                        at.saturating_duration_since(epoch).as_secs_f64(),
                        now.saturating_duration_since(epoch).as_secs_f64(),
                        app.hints_progress()
                    );
                }
                latencies.entry((during, kind)).or_default().push(took);
                let _ = ack_tx.send(());
            }
        }
    }
    for during in [0, 1, 2] {
        println!(
            "{}",
            match during {
                0 => "key latency during the load (sent → frame drawn):",
                1 => "key latency while the related records are read after the rows:",
                _ => "key latency after the load:",
            }
        );
        for ((d, kind), v) in &latencies {
            if *d == during {
                percentiles(kind, v.clone());
            }
        }
    }
    for r in &reports {
        println!("{r}");
    }
    println!("peak RSS (VmHWM): {}", peak_rss());
}
