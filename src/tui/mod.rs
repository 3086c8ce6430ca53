//! The triage workbench: the terminal edge. It loads in the background, turns keys into
//! actions through the keymap, carries out the state's effects (journal, clipboard), and
//! draws. State and drawing live in `app` and `render`, testable without a terminal.

pub mod action;
pub mod alike;
pub mod app;
pub mod clipboard;
pub mod columns;
mod context_conflicts;
pub mod context_panel;
pub mod count;
pub mod doc;
mod effects;
pub mod filter;
pub mod frame_log;
mod input_hash;
pub mod items;
pub mod journal_watch;
mod key_index;
pub mod keymap;
pub mod layout;
pub mod lazy_journal;
mod loader;
pub mod local_zone;
pub use loader::{FilesRead, after_rows};
pub mod overlay;
pub mod problems;
pub mod render;
mod report_job;
mod report_text;
mod reviewed;
mod sort;
pub mod table;
mod verdict_filter;
pub mod wake;
pub mod why;
pub mod wrap;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::journal::{self, Journal};
use action::{Action, Intent};
use app::{App, Overlay};
use keymap::{Context, Key, Keymap};
use lazy_journal::LazyJournal;
use wake::{DataSender, Inbox};

pub use report_text::{
    ReportSnapshot, read_foreign, report_markdown, report_of_journal, report_snapshot,
};

/// What the workbench is started with.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    pub paths: Vec<PathBuf>,
    pub journal: Option<PathBuf>,
    pub analyst: Option<String>,
    pub keymap: Option<PathBuf>,
    /// Keep reading JSON-lines and CSV files that grow, adding rows live.
    pub follow: bool,
    /// The hint thresholds and the context windows.
    pub hints: crate::hints::HintConfig,
}

/// The keymap: defaults, then `--keymap`, else the config directory's `keymap.toml`.
pub fn load_keymap(path: Option<&PathBuf>) -> Result<Keymap> {
    let mut map = Keymap::default_map()?;
    let user = path.cloned().or_else(|| {
        // `$XDG_CONFIG_HOME/sts-triage` or `~/.config/sts-triage` on Linux; the platform's
        // own folder on macOS and Windows (the `directories` crate).
        let dirs = directories::ProjectDirs::from("", "", "sts-triage")?;
        let p = dirs.config_dir().join("keymap.toml");
        p.exists().then_some(p)
    });
    if let Some(p) = user {
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("keymap {}", p.display()))?;
        map.overlay(&text, &p.display().to_string())?;
    }
    Ok(map)
}

/// The key event as an action, in the current screen (a prompt takes text keys).
pub fn key_to_action(app: &App, keymap: &Keymap, key: &KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if app.quit_pending.is_some() {
        // The answer to "quit and lose N decisions?": the quit key, `y` or Ctrl+C quit; any
        // other key returns to the workbench and does nothing else.
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        let quit = ctrl_c
            || matches!(key.code, KeyCode::Char('y' | 'Y'))
            || Key::from_event(key)
                .and_then(|k| keymap.action(Context::Table, &k))
                .is_some_and(|i| matches!(i, Intent::Quit | Intent::CancelOrQuit));
        return Some(Action::QuitAnswer { quit });
    }
    if app.prompt.is_some() {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let named = Key::from_event(key);
        return match key.code {
            _ if named == Some(keymap::PROMPT_SUBMIT) => Some(Action::Submit),
            _ if named == Some(keymap::PROMPT_CANCEL) => Some(Action::Intent(Intent::Back)),
            KeyCode::Char('c') if ctrl => Some(Action::Intent(Intent::CancelOrQuit)),
            _ => {
                tui_input::backend::crossterm::to_input_request(&Event::Key(*key)).map(Action::Edit)
            }
        };
    }
    if !app.conflicts.is_empty() {
        // A decision of ours met a later one of another analyst: answered before anything
        // else (a prompt being typed is finished first).
        let write_mine = match key.code {
            KeyCode::Char('w' | 'W') => Some(true),
            KeyCode::Char('k' | 'K') => Some(false),
            _ => None,
        };
        return Some(Action::ConflictAnswer { write_mine });
    }
    let context = match app.overlay {
        Overlay::None => Context::Table,
        Overlay::Drill(_) => Context::Drill,
        Overlay::Help { .. } => Context::Help,
        Overlay::Pivot(_) | Overlay::Bulk(_) => Context::List,
        Overlay::Problems(_) => Context::Problems,
    };
    // A fast Esc then a key arrives as Alt+key: in a list that ticks rows and marks them in
    // bulk it is not taken for the bare key (newbie 17 #2: the `a` of `/remaining` after
    // Esc ticked every row). It does nothing; the analyst presses Esc again.
    if context == Context::List && key.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    keymap
        .action(context, &Key::from_event(key)?)
        .map(Action::Intent)
}

/// Checks the inputs as `scan` does before anything is created: a path that does not
/// exist, cannot be read, or names a file of no known format is an error (files of no known
/// format found inside a folder are passed over and listed in the problems view).
pub fn check_inputs(paths: &[PathBuf]) -> Result<()> {
    let files = crate::load::expand_paths(paths)?;
    // A scan cancelled before it starts opens the file and finds its format the way the
    // load will, then stops. It reads no more than the first 64 KiB of a first record (the
    // shape is told from its first byte), so that the first frame comes at once whatever
    // the input: a gzip file whose first record is long (or never ends) is expanded behind
    // the frame, by the load, which says what it cut.
    let opts = crate::load::ScanOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        max_record_bytes: 64 << 10,
        max_gzip_ratio: 0,
        ..crate::load::ScanOptions::default()
    };
    for (path, named) in files {
        // Only regular files: a pipe or a device read here would lose what was read.
        let regular = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
        if named && regular {
            crate::load::scan_file(&path, &opts, &mut |_| {})?;
        }
    }
    Ok(())
}

/// Whether the process has a controlling terminal to read keys from when standard input is
/// a file or a pipe (`sts-triage - < export.jsonl`).
fn has_tty() -> bool {
    cfg!(unix) && std::fs::File::open("/dev/tty").is_ok()
}

/// Runs the workbench until the analyst quits: `Ok(0)` when every decision is saved, else
/// how many are not (the analyst was asked and quit anyway; the process then ends with
/// status 1).
pub fn run(opts: TuiOptions) -> Result<usize> {
    // Inputs are checked before anything is created (not a journal beside a file that is
    // not there, or that is a picture).
    check_inputs(&opts.paths)?;
    // Standard input is read whole first (into a temporary file the load reads), so that
    // its journal is named by its content: two inputs piped in never share one.
    let (journal_path, stdin_warning) = match opts.journal.clone() {
        Some(j) => (j, None),
        None => journal::for_inputs_reading_stdin(&opts.paths)
            .context("naming the journal of an input read once (standard input, a pipe)")?,
    };
    // A journal that exists (or a link to one that does not, which is refused) is opened
    // now; one that does not exist is created at the first decision.
    let (journal, replay) = if std::fs::symlink_metadata(&journal_path).is_ok() {
        let (j, r) = Journal::open(&journal_path)?;
        (Some(j), r)
    } else {
        (None, journal::Replay::default())
    };
    let journal = LazyJournal::new(journal_path.clone(), journal);
    // The workbench draws on a terminal and reads keys from one: without, one line saying
    // what to use instead, before anything is created.
    if !io::stdout().is_terminal() || !(io::stdin().is_terminal() || has_tty()) {
        anyhow::bail!(
            "the workbench needs a terminal (standard output or input is not one); use `sts-triage scan FILE` for the flagged rows or `sts-triage report FILE` for the findings report"
        );
    }
    let keymap = load_keymap(opts.keymap.as_ref())?;
    // Every entry names its analyst (another workbench on the journal shows who decided):
    // an empty --analyst or $USER counts as none.
    // Without any name, decisions are signed `unknown`, said once on the status line.
    let (analyst, unsigned) =
        journal::analyst_name(opts.analyst.as_deref(), |v| std::env::var(v).ok());
    let theme = render::Theme {
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let journal_display = journal_path.display().to_string();
    // Decisions, not journal lines (undo, redo and changed minds add lines), and whose and
    // when: verdicts another analyst made are not the reader's own.
    let replayed = journal::replayed_text(&replay.decisions, &analyst);
    // A journal line outside the hash chain is applied, and said first thing (its row is
    // marked in the why panel and the problems view lists it).
    let outside_chain = replay
        .outside_chain_warning(&journal_display)
        .map(|w| crate::neutralize::neutralize(&w).into_owned());
    let mut app = App::new(&journal_display, &analyst, replay.decisions).with_help(&keymap);
    app.hint_config = opts.hints;
    app.hint_budget = Some(app::HINT_BUDGET);
    app.context_off_thread = true;
    app.hints_off_thread = true;
    let warning = (replay.warning.iter().cloned().chain(stdin_warning))
        .chain(outside_chain)
        .reduce(|a, b| format!("{a}; {b}"));
    let journal_state = if journal.journal.is_none() {
        lazy_journal::JournalState::Created
    } else {
        lazy_journal::JournalState::Replayed(replayed)
    };
    let (status, warning) =
        lazy_journal::start_status(&journal_display, journal_state, warning, unsigned);
    app.set_start_status(status, warning);

    // Bounded: the loader cannot run far ahead of the screen, so Ctrl+C stops the rows at
    // once instead of after a backlog of batches already read.
    let (input_tx, data_tx, inbox) = wake::channels(4);
    let cancel = Arc::new(AtomicBool::new(false));
    loader::spawn(opts.paths.clone(), opts.follow, cancel.clone(), data_tx);

    // ratatui::init restores the terminal on panic before the message prints; ours then
    // says where the decisions are (every confirmed one is already on disk).
    let previous = std::panic::take_hook();
    let journal_for_panic = journal_display.clone();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        eprintln!("sts-triage: every decision confirmed on screen is saved in {journal_for_panic}");
    }));
    let mut terminal = ratatui::try_init().context("the workbench needs a terminal")?;
    // Bracketed paste: a paste arrives as one text, never as keys (a pasted newline would
    // otherwise be Enter, and the rest run as commands).
    let _ = ratatui::crossterm::execute!(io::stdout(), event::EnableBracketedPaste);
    // Keys are read on their own thread, which blocks until one comes: the loop sleeps
    // on its channels instead of polling the terminal.
    wake::spawn_terminal_reader(input_tx);
    let mut shell = Shell {
        journal,
        ..Shell::new(&keymap, theme, journal_path.clone(), cancel)
    };
    // Every input file (inside folders too) is kept from `E` and `Y`, as `report -o` does.
    let inputs = crate::load::expand_paths(&opts.paths).unwrap_or_default();
    shell.protected.extend(
        inputs
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.as_os_str() != "-"),
    );
    let outcome = event_loop(&mut terminal, &mut app, &mut shell, &inbox);
    let mut journal = shell.journal;
    let farewell = shell.farewell;
    let _ = ratatui::crossterm::execute!(io::stdout(), event::DisableBracketedPaste);
    ratatui::restore();
    let _ = std::panic::take_hook();
    outcome?;
    // A report the quit waited for: where it went (its status was not drawn again).
    if let Some(said) = farewell {
        println!("sts-triage: {said}");
    }
    // The quit line counts what the journal holds now, another workbench's decisions too.
    // Never "saved in <path>" unless the path holds them: a journal moved or deleted since
    // the last save is put back, else the line says where the decisions are.
    let mut misplaced = None;
    if let Some(j) = journal.journal.as_mut() {
        match j.keep_at_path() {
            Ok(()) => {
                if let Some(said) = j.take_notice() {
                    println!("sts-triage: {}", crate::neutralize::neutralize(&said));
                }
            }
            Err(e) => misplaced = Some(e.to_string()),
        }
    }
    if let Some(j) = journal.existing() {
        read_foreign(&mut app, j);
    }
    if let Some(error) = misplaced {
        println!("{}", app.quit_summary_misplaced(&error));
        eprintln!(
            "sts-triage: the decisions are not where the screen said: {}",
            crate::neutralize::neutralize(&error)
        );
        return Ok(app.not_written().max(1));
    }
    println!("{}", app.quit_summary(journal.journal.is_some()));
    if app.not_written() > 0 {
        eprintln!(
            "sts-triage: {} could not be written to the journal",
            crate::tui::count::count(app.not_written(), "decision")
        );
    }
    Ok(app.not_written())
}

/// What the event loop needs besides the state: keys, colours, the journal, the
/// clipboard, and the load's stop flag.
pub struct Shell<'a> {
    keymap: &'a Keymap,
    theme: render::Theme,
    clipboard: clipboard::Clipboard,
    journal: LazyJournal,
    cancel: Arc<AtomicBool>,
    panic_key_armed: bool,
    /// Files `E` and `Y` never write (the inputs and the journal), compared by identity.
    protected: Vec<PathBuf>,
    /// The report of `E` or `Y` being made off the key path (one at a time).
    report_job: Option<report_job::ReportJob>,
    /// What became of a report the quit waited for (`run` prints it).
    farewell: Option<String>,
    /// The next report's worker waits for this before it starts ([`Shell::hold_report`]).
    gate: Option<std::sync::mpsc::Receiver<()>>,
    /// Another workbench's entries reach the screen while idle ([`journal_watch`]).
    watch: journal_watch::JournalWatch,
}

impl<'a> Shell<'a> {
    /// A shell whose journal (at `journal_path`) is created at the first decision;
    /// `cancel` stops the load.
    pub fn new(
        keymap: &'a Keymap,
        theme: render::Theme,
        journal_path: PathBuf,
        cancel: Arc<AtomicBool>,
    ) -> Self {
        Self {
            keymap,
            theme,
            clipboard: clipboard::Clipboard::new(),
            protected: vec![journal_path.clone()],
            journal: LazyJournal::new(journal_path, None),
            cancel,
            panic_key_armed: std::env::var_os("STS_TRIAGE_TEST_PANIC").is_some(),
            report_job: None,
            farewell: None,
            gate: None,
            watch: journal_watch::JournalWatch::default(),
        }
    }

    /// The next report of `E` or `Y` is made only once `gate` receives (or its sender is
    /// dropped): the tests see the workbench while a report is in progress, without
    /// depending on how fast it is made.
    pub fn hold_report(&mut self, gate: std::sync::mpsc::Receiver<()>) {
        self.gate = Some(gate);
    }

    /// Whether a report of `E` or `Y` is being made (the load waits meanwhile: the report
    /// shares its rows).
    pub fn writing_report(&self) -> bool {
        self.report_job.is_some()
    }

    /// What became of the report a quit waited for (the status it would have shown).
    pub fn farewell(&self) -> Option<&str> {
        self.farewell.as_deref()
    }
}

/// Starts the background load: its batches arrive on `tx`'s channel.
pub fn start_load(paths: Vec<PathBuf>, follow: bool, cancel: Arc<AtomicBool>, tx: DataSender) {
    loader::spawn(paths, follow, cancel, tx);
}

/// What one frame of the loop did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on; `inputs` terminal events were taken in this frame.
    Continue {
        inputs: usize,
    },
    Quit,
}

/// The longest the loader's batches are taken for before a frame is drawn. A key stops
/// the taking at once (it is looked for after every batch), so this bounds only how often
/// the screen is drawn while rows arrive: 25 times a second is enough for the gauge and
/// the rows, and each draw and the refresh before it cost the load's screen thread (at
/// 12 ms, about 80 draws a second, they were a sixth of its CPU in a 100k-event load).
const DATA_BUDGET: Duration = Duration::from_millis(40);

/// The longest a frame goes on applying a filter before it is drawn.
const FILTER_BUDGET: Duration = Duration::from_millis(8);

/// One frame: sleeps as the state asks (`wake::next_wait`), takes the terminal's events
/// (keys first) and, when there were any, draws at once: a key is answered before any
/// other work (the loader's batches, the rest of a filter), which the frames after it do.
/// A frame without keys takes the loader's batches for at most `DATA_BUDGET` and applies
/// a filter for at most `FILTER_BUDGET`, stopping at once for a key that arrives meanwhile
/// (then drawn at the end of that frame). `data_left` carries from frame to frame whether
/// batches (or other work) may still be waiting.
pub fn frame<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    app: &mut App,
    shell: &mut Shell,
    inbox: &Inbox,
    data_left: &mut bool,
) -> Result<Flow> {
    // Idle, the sleep ends for a look at the journal, and a frame is drawn only when
    // another workbench's entries were read (`journal_watch`).
    let idle = wake::next_wait(app, *data_left) == wake::Wait::UntilWoken;
    let wait = match idle {
        true => wake::Wait::For(shell.watch.until_due()),
        false => wake::next_wait(app, *data_left),
    };
    let rung = inbox.wait(wait);
    let read = shell.watch.look_if_due(app, &mut shell.journal);
    if idle && !rung && !read {
        return Ok(Flow::Continue { inputs: 0 });
    }
    let mut inputs = take_inputs(app, shell, inbox)?;
    if inputs == 0 {
        inputs = background_work(terminal, app, shell, inbox, data_left)?;
    } else {
        // What the key left (batches, filter slices, rows' text) is for the next frame,
        // which then starts without sleeping.
        *data_left = true;
    }
    if effects::carry_out_effects(app, shell) == Flow::Quit {
        report_job::finish_before_quitting(terminal, app, shell)?;
        return Ok(Flow::Quit);
    }
    if report_job::poll(app, shell, None, false) {
        // The load waited for the report: its batches are taken from the next frame on.
        *data_left = true;
    }
    let (keymap, theme) = (shell.keymap, shell.theme);
    let t = Instant::now();
    terminal
        .draw(|f| render::draw(f, app, keymap, theme))
        .map_err(|e| anyhow::anyhow!("drawing the screen: {e}"))?;
    frame_log::note("draw", t);
    Ok(Flow::Continue { inputs })
}

/// Every terminal event waiting, into the state (keys typed or pasted fast are not drawn
/// one frame each); how many.
fn take_inputs(app: &mut App, shell: &mut Shell, inbox: &Inbox) -> Result<usize> {
    let mut inputs = 0;
    while inputs < 10_000
        && let Some(event) = inbox.input()
    {
        inputs += 1;
        take_event(app, shell, event?);
    }
    Ok(inputs)
}

/// A frame's work when no key waits: the loader's batches, the state's `Tick`, slices of a
/// filter, each within its budget; stops at the first key that arrives, takes it and
/// returns (1: the frame is drawn at once).
fn background_work<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    app: &mut App,
    shell: &mut Shell,
    inbox: &Inbox,
    data_left: &mut bool,
) -> Result<usize> {
    let budget = Instant::now();
    *data_left = false;
    // While a report is made from the rows (shared with it, never copied), the load's
    // batches wait: the report holds the rows as they were at its key press.
    while shell.report_job.is_none()
        && let Some(batch) = inbox.data()
    {
        for action in batch {
            // The last file's end builds the context index and the hints, and the load's
            // end sorts every row once: a frame says so first.
            let last_file = matches!(action, Action::Scan(crate::load::ScanMessage::FileDone(_)))
                && app.loading.files_done + 1 >= app.loading.files_total;
            let ending = last_file || matches!(action, Action::LoadFinished { .. });
            if ending && !app.loading.sorting && !app.loading.done {
                app.apply(Action::Sorting);
                // The rows taken so far are shown in that frame.
                app.apply(Action::Tick);
                let (keymap, theme) = (shell.keymap, shell.theme);
                terminal
                    .draw(|f| render::draw(f, app, keymap, theme))
                    .map_err(|e| anyhow::anyhow!("drawing the screen: {e}"))?;
            }
            let (t, what) = (Instant::now(), action_name(&action));
            app.apply(action);
            frame_log::note(what, t);
        }
        if let Some(event) = inbox.input() {
            take_event(app, shell, event?);
            *data_left = true;
            return Ok(1);
        }
        if budget.elapsed() >= DATA_BUDGET {
            *data_left = true;
            break;
        }
    }
    if let Some(event) = inbox.input() {
        take_event(app, shell, event?);
        *data_left = true;
        return Ok(1);
    }
    let t = Instant::now();
    app.apply(Action::Tick);
    frame_log::note("tick", t);
    // A key typed during the tick (a slice of the hints, of the rows' text) is answered
    // in this frame's draw, not after it and another draw.
    if let Some(event) = inbox.input() {
        take_event(app, shell, event?);
        *data_left = true;
        return Ok(1);
    }
    // A filter being applied to many rows: more slices of it while the frame's budget
    // lasts, stopping at once for a key (the screen shows how far it got).
    let slices = Instant::now();
    while app.filtering() && slices.elapsed() < FILTER_BUDGET {
        if let Some(event) = inbox.input() {
            take_event(app, shell, event?);
            *data_left = true;
            return Ok(1);
        }
        app.apply(Action::Tick);
    }
    Ok(0)
}

/// What an action from the loader is, for the frame log.
fn action_name(action: &Action) -> &'static str {
    match action {
        Action::Scan(crate::load::ScanMessage::Event(_)) => "an event",
        Action::Scan(crate::load::ScanMessage::Context(_)) => "a context batch",
        Action::Scan(crate::load::ScanMessage::FileDone(_)) => "a file's end",
        Action::Scan(_) => "another scan message",
        Action::LoadFinished { .. } => "the load's end",
        _ => "another action",
    }
}

/// A terminal event into the state.
fn take_event(app: &mut App, shell: &mut Shell, event: Event) {
    match event {
        Event::Key(key) => {
            if shell.panic_key_armed && key.code == KeyCode::F(12) {
                // The end-to-end test of the panic path: a crash mid-triage must restore
                // the terminal and lose no confirmed decision.
                #[allow(clippy::panic)]
                {
                    panic!("STS_TRIAGE_TEST_PANIC: a deliberate panic for the crash test");
                }
            }
            if let Some(a) = key_to_action(app, shell.keymap, &key) {
                if matches!(a, Action::Intent(Intent::Undo | Intent::Redo))
                    && let Some(journal) = shell.journal.existing()
                {
                    read_foreign(app, journal);
                }
                app.apply(a);
            }
        }
        Event::Resize(width, height) => app.apply(Action::Resize { width, height }),
        Event::Paste(text) => app.apply(Action::Paste(text)),
        _ => {}
    }
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    shell: &mut Shell,
    inbox: &Inbox,
) -> Result<()> {
    let size = terminal.size()?;
    app.apply(Action::Resize {
        width: size.width,
        height: size.height,
    });
    let (keymap, theme) = (shell.keymap, shell.theme);
    terminal.draw(|f| render::draw(f, app, keymap, theme))?;
    let mut data_left = false;
    while frame(terminal, app, shell, inbox, &mut data_left)? != Flow::Quit {}
    Ok(())
}
