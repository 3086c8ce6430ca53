//! Helpers shared by the integration tests: running the binary, scanning fixtures, driving
//! the workbench through its keymap and reading what ratatui's TestBackend drew.
//!
//! Each test binary uses `mod support;` and takes the part it needs; the rest is unused
//! there, hence the `dead_code` allowance.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod context;
pub mod hints;
pub mod markdown;
pub mod stdin;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use sts_triage::journal::Entry;
use sts_triage::load::{ScanMessage, ScanOptions};
use sts_triage::scan::{ScanReport, scan_paths, scan_paths_with};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect, View};
use sts_triage::tui::columns::Column;
use sts_triage::tui::key_to_action;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::{Theme, draw};

/// How long a test waits for what must come (a screen line, a file, a process's exit)
/// before it fails: a guard against a hang only, never what a test passes by. Generous: on
/// a loaded machine (two cores shared by several builds) a step of a second can take a
/// minute.
pub const HANG_GUARD: Duration = Duration::from_secs(300);

/// Looks every 50 ms until `look` gives what was waited for (`Ok`); past [`HANG_GUARD`] the
/// test fails, saying `what` it waited for and what the last look saw (`Err`).
pub fn poll_until<T>(what: &str, mut look: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    loop {
        match look() {
            Ok(found) => return found,
            Err(seen) => assert!(
                start.elapsed() < HANG_GUARD,
                "waited {HANG_GUARD:?} for {what}; the last look saw:\n{seen}"
            ),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_sts-triage");

/// Runs the binary with `args` from the package root, stdin closed.
pub fn run_bin<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// Runs the binary: exit status (-1 when killed by a signal), stdout, stderr (both UTF-8).
pub fn run_status<S: AsRef<OsStr>>(args: &[S]) -> (i32, String, String) {
    let out = run_bin(args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs the binary, which must succeed (its standard error said otherwise): its standard
/// output (UTF-8).
pub fn stdout_of<S: AsRef<OsStr>>(args: &[S]) -> String {
    String::from_utf8(stdout_bytes_of(args)).unwrap()
}

/// As [`stdout_of`], the standard output as printed.
pub fn stdout_bytes_of<S: AsRef<OsStr>>(args: &[S]) -> Vec<u8> {
    let out = run_bin(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Scans the given files or folders with the default options.
pub fn scan(paths: &[&str]) -> ScanReport {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    scan_paths(&paths, &ScanOptions::default()).unwrap()
}

/// A workbench (journal `journal`, analyst `analyst`, no decisions yet) over `report`.
pub fn workbench(journal: &str, analyst: &str, report: ScanReport) -> App {
    App::new(journal, analyst, HashMap::new()).with_report(report)
}

/// The app after a terminal resize to `w`×`h`.
pub fn sized(mut app: App, w: u16, h: u16) -> App {
    app.apply(Action::Resize {
        width: w,
        height: h,
    });
    app
}

/// Draws the app on a `w`×`h` TestBackend with the default keymap.
pub fn render(app: &App, w: u16, h: u16, color: bool) -> Terminal<TestBackend> {
    render_with(app, &Keymap::default_map().unwrap(), w, h, color)
}

/// Draws the app on a `w`×`h` TestBackend with `keymap` (its help and footer show it).
pub fn render_with(
    app: &App,
    keymap: &Keymap,
    w: u16,
    h: u16,
    color: bool,
) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, keymap, Theme { color })).unwrap();
    t
}

/// Draws the app in colour at the size its last resize gave it.
pub fn drawn(app: &App) -> Terminal<TestBackend> {
    render(app, app.width, app.height, true)
}

/// What a terminal shows, one line a row (each ending in `\n`).
pub fn text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The app drawn without colour on `w`×`h`, as text.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    text(&render(app, w, h, false))
}

/// The messages the loader sends for `paths` (default options), in its order.
pub fn scan_messages(paths: &[PathBuf]) -> Vec<ScanMessage> {
    let mut msgs = Vec::new();
    scan_paths_with(paths, &ScanOptions::default(), &mut |m| msgs.push(m)).unwrap();
    msgs
}

/// A workbench (journal `j.jsonl`) loaded message by message as the loader sends them
/// (events kept lean), the load's end and the idle work after it done, sized 160×45.
pub fn loaded(paths: &[PathBuf]) -> App {
    let mut app = App::new("j.jsonl", "a", HashMap::new());
    scan_paths_with(paths, &ScanOptions::default(), &mut |m| {
        app.apply(Action::Scan(m));
    })
    .unwrap();
    app.apply(Action::Sorting);
    app.apply(Action::LoadFinished { error: None });
    while app.has_pending_work() {
        app.apply(Action::Tick);
    }
    sized(app, 160, 45)
}

/// The keys of the rows `view` shows, in their order.
pub fn keys_of(app: &App, view: View) -> Vec<String> {
    let t = match view {
        View::Findings => &app.findings,
        View::NearMisses => &app.near,
    };
    t.order.iter().map(|&i| t.items[i].key.clone()).collect()
}

/// The journal entries the workbench asked to write since the last call (its effects taken).
pub fn journal_effects(app: &mut App) -> Vec<Entry> {
    std::mem::take(&mut app.effects)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Journal(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .collect()
}

/// One key press through the default keymap (keys the keymap ignores do nothing).
pub fn press(app: &mut App, code: KeyCode) {
    let keymap = Keymap::default_map().unwrap();
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    if let Some(a) = key_to_action(app, &keymap, &ev) {
        app.apply(a);
    }
}

/// Types each character of `keys` as a key press.
pub fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Focuses a column by its identity, moving right from the first.
pub fn focus_on(app: &mut App, column: Column) {
    for _ in 0..app.columns().len() {
        app.apply(Action::Intent(Intent::FocusLeft));
    }
    for _ in 0..app.columns().len() {
        if app.columns()[app.table().focus] == column {
            return;
        }
        app.apply(Action::Intent(Intent::FocusRight));
    }
    assert_eq!(app.columns()[app.table().focus], column, "focus {column:?}");
}

/// The bytes gzipped (as exporters and `gzip` write them).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// JSON lines as one JSON document (`{"value":[...]}`), each record on its own line between
/// `head` and the closing `]}`, separated by `sep` (`",\n"`, or blanks and CRLF as a
/// pretty-printer writes them).
pub fn json_document(lines: &[u8], head: &[u8], sep: &[u8]) -> Vec<u8> {
    let mut doc = head.to_vec();
    for (i, l) in lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            doc.extend_from_slice(sep);
        }
        doc.extend_from_slice(l);
    }
    doc.extend_from_slice(b"\n]}\n");
    doc
}

/// The strings of a JSON array of strings (it must be one).
pub fn strings(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")))
        .collect()
}

/// The `ModifiedProperties` of a UAL STS record (Management Activity API) moving
/// StsRefreshTokensValidFrom from `old` to `new`, each written as the service writes it (a
/// JSON array in a string, CRLF-indented); none (a near miss) when `new` is empty.
pub fn ual_sts_props(old: &str, new: &str) -> serde_json::Value {
    if new.is_empty() {
        return serde_json::json!([]);
    }
    serde_json::json!([
        {"Name": "StsRefreshTokensValidFrom",
         "NewValue": format!("[\r\n  \"{new}\"\r\n]"),
         "OldValue": format!("[\r\n  \"{old}\"\r\n]")},
        {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}
    ])
}

/// The input files of a folder of exports (`assets/samples`), sorted: its README, scripts,
/// expected-output files and licence left out.
#[allow(dead_code)]
pub fn export_files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            !(name.ends_with(".md")
                || name.ends_with(".py")
                || name.contains(".expected.")
                || name.starts_with("LICENSE"))
        })
        .collect();
    out.sort();
    out
}
