//! The `sts-triage` command: the workbench (no subcommand), `scan`, `report`, `query`,
//! `completions` and `man`. The options themselves are defined in `cli.rs`.

mod allocator_env;
mod cli;

use std::collections::{HashMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command, Format, Limits, QueryArgs, ReportArgs, ReportFormat, ScanArgs};

use sts_triage::journal::{self, JournalError};
use sts_triage::load::ScanOptions;
use sts_triage::neutralize::neutralize;
use sts_triage::progress::ScanProgress;
use sts_triage::{output, query, report, scan};

impl Limits {
    /// Scans the paths, with a progress bar while standard error is a terminal, then prints
    /// the summary on standard error (not with --quiet; warnings always). An unreadable
    /// path or a file of no known format is exit status 2. `context` keeps the related-events
    /// index (for the report's context lines and hints); `--no-context` turns it off. Without
    /// `context` (`scan`) a flagged event keeps only the target and actor labels `scan` prints.
    /// `near_misses_to_keep`: see [`scan::ScanReport::near_misses_to_keep`] (the report's).
    /// `tables`: the report's hint thresholds; the index is then prepared once after the scan
    /// with the hint tables made beside its lookups, on the second core
    /// ([`scan::ScanReport::prepare_context_beside`]), and the tables are returned.
    fn scan(
        &self,
        paths: &[PathBuf],
        hash_inputs: bool,
        context: bool,
        near_misses_to_keep: Option<HashSet<String>>,
        tables: Option<sts_triage::hints::HintConfig>,
    ) -> Result<(scan::ScanReport, Option<Arc<sts_triage::hints::Tables>>), ExitCode> {
        let opts = ScanOptions {
            max_record_bytes: self.max_record_mib << 20,
            max_decompressed_bytes: self.max_decompressed_mib.saturating_mul(1 << 20),
            max_gzip_ratio: self.max_gzip_ratio,
            hash_inputs,
            context: context && !self.no_context,
            ..ScanOptions::default()
        };
        let mut progress = ScanProgress::for_paths(paths);
        let mut report = scan::ScanReport::default();
        report.labels_only = !context;
        report.headless = true;
        report.near_misses_to_keep = near_misses_to_keep;
        report.prepare_after_scan = tables.is_some();
        let scanned = scan::scan_paths_with(paths, &opts, &mut |msg| {
            progress.observe(&msg);
            report.apply(msg);
        });
        // Before the warnings: preparing says a failure to read the records back as one.
        let tables = match (&scanned, tables) {
            (Ok(()), Some(config)) => Some(
                report
                    .prepare_context_beside(|r| sts_triage::hints::Inputs::new(r, config).tables()),
            ),
            _ => None,
        };
        progress.finish();
        match scanned {
            Ok(()) => {
                let _ = if self.quiet {
                    output::write_warnings(&mut io::stderr(), &report)
                } else {
                    output::write_summary(&mut io::stderr(), &report)
                };
                Ok((report, tables))
            }
            Err(e) => {
                eprintln!("sts-triage: {}", neutralize(&e.to_string()));
                Err(ExitCode::from(2))
            }
        }
    }
}

/// The scan allocates for every STS event it parses (a JSON tree per record): with the
/// system allocator, malloc and free were about a third of the CPU time of a scan of a file
/// of STS events (perf; BENCHMARKS.md). mimalloc's thread-local free lists cut that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Scan(args)) => run_scan(&args),
        Some(Command::Report(args)) => {
            // Before anything is read: the allocator's purge delay for the report's peak
            // (issue 13; `allocator_env`).
            allocator_env::report_purge_delay();
            run_report(&args)
        }
        Some(Command::Query(args)) => run_query(&args),
        Some(Command::Completions(args)) => {
            // Made into memory first: clap_complete panics when standard output is closed
            // (`| head`); a closed pipe is not an error here, as for `man` and `query`.
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "sts-triage", &mut script);
            match print_or_fail_io(&script) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sts-triage: writing the completion script: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Some(Command::Man(args)) => run_man(args.dir.as_deref()),
        Some(Command::Verify(args)) => run_verify(&args),
        None => {
            if cli.paths.is_empty() {
                eprintln!("sts-triage: give the files or folders to load (see --help)");
                return ExitCode::from(2);
            }
            let opts = sts_triage::tui::TuiOptions {
                paths: cli.paths,
                journal: cli.journal,
                analyst: cli.analyst,
                keymap: cli.keymap,
                follow: cli.follow,
                hints: cli.hints.config(),
            };
            match sts_triage::tui::run(opts) {
                Ok(0) => ExitCode::SUCCESS,
                // Decisions that could not be written to the journal (the line printed
                // says how many): the work was done but did not succeed.
                Ok(_) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("sts-triage: {}", neutralize(&format!("{e:#}")));
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn run_query(args: &QueryArgs) -> ExitCode {
    let bound = |flag: &str, v: &Option<String>| match v.as_deref().map(query::parse_time_bound) {
        None => Ok(None),
        Some(Ok(b)) => Ok(Some(b)),
        Some(Err(e)) => {
            eprintln!("sts-triage: {flag}: {}", neutralize(&e.to_string()));
            Err(ExitCode::from(2))
        }
    };
    let (since, until) = match (bound("--since", &args.since), bound("--until", &args.until)) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    if let (Some(s), Some(u)) = (&since, &until)
        && query::window_is_empty(s, u, chrono::Utc::now())
    {
        eprintln!(
            "sts-triage: --since {} is not before --until {}: the window is empty",
            s.kql(),
            u.kql()
        );
        return ExitCode::from(2);
    }
    let spec = query::QuerySpec {
        engine: args.engine.into(),
        raw: args.raw,
        since,
        until,
    };
    print_or_fail(query::query_text(&spec).as_bytes())
}

/// The man page on standard output, or every page into a folder.
fn run_man(dir: Option<&Path>) -> ExitCode {
    let written = match dir {
        Some(d) => {
            std::fs::create_dir_all(d).and_then(|()| clap_mangen::generate_to(Cli::command(), d))
        }
        None => {
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut text)
                .and_then(|()| print_or_fail_io(&text))
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sts-triage: writing the man page: {e}");
            ExitCode::from(1)
        }
    }
}

fn print_or_fail_io(text: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text).and_then(|()| out.flush())
}

/// Writes text on standard output: exit 0, or 1 when it cannot be written (a closed pipe
/// is not an error).
fn print_or_fail(text: &[u8]) -> ExitCode {
    match print_or_fail_io(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sts-triage: writing the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_scan(args: &ScanArgs) -> ExitCode {
    // `scan` prints no related events, hints or context lines: the target and actor of
    // `--context` come from each event's own record, so the index would be work thrown away
    // (it costs 2-3x on a file of few STS events; BENCHMARKS.md).
    let report = match args.limits.scan(&args.paths, false, false, None, None) {
        Ok((r, _)) => r,
        Err(code) => return code,
    };
    if args.strict && report.skipped() > 0 {
        let first = report
            .problems
            .iter()
            .find(|p| p.line.is_some())
            .map(ToString::to_string)
            .unwrap_or_default();
        eprintln!(
            "sts-triage: --strict: {} malformed record(s); first: {}",
            report.skipped(),
            neutralize(&first)
        );
        return ExitCode::from(2);
    }
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match format {
        Format::Table => output::write_table(&mut out, &report, args.near_misses, args.context),
        Format::Jsonl => output::write_jsonl(&mut out, &report, args.near_misses, args.context),
        Format::Csv => output::write_csv(&mut out, &report, args.near_misses, args.context),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sts-triage: writing the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_report(args: &ReportArgs) -> ExitCode {
    // `-` twice is refused before anything is said of a journal (which would name the first
    // `-`'s own, as if the report could be made).
    if args.paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        eprintln!("sts-triage: {}", sts_triage::load::LoadError::StdinTwice);
        return ExitCode::from(2);
    }
    // Standard input is read ahead first (into a temporary file the scan then reads), so
    // that its journal is named by its content: two inputs piped in never share one.
    let journal_path = match &args.journal {
        Some(j) => j.clone(),
        None => match journal::for_inputs_reading_stdin(&args.paths) {
            Ok((path, warning)) => {
                if let Some(w) = warning {
                    eprintln!("sts-triage: warning: {}", neutralize(&w));
                }
                path
            }
            Err(e) => {
                eprintln!(
                    "sts-triage: naming the journal of an input read once (standard input, a pipe): {e}"
                );
                return ExitCode::from(2);
            }
        },
    };
    let shown = journal_path.display().to_string();
    let mut chain = (0, None);
    let (decisions, found) = match journal::read_decisions(&journal_path) {
        Ok(replay) => {
            if let Some(w) = &replay.warning {
                eprintln!("sts-triage: warning: {}", neutralize(w));
            }
            if let Some(w) = replay.outside_chain_warning(&shown) {
                eprintln!("sts-triage: warning: {}", neutralize(&w));
            }
            chain = (replay.entries, replay.head);
            (replay.decisions, true)
        }
        Err(JournalError::Io { error, .. }) if error.kind() == io::ErrorKind::NotFound => {
            eprintln!(
                "sts-triage: no journal at {}: no decisions, every row is unreviewed",
                neutralize(&shown)
            );
            (HashMap::new(), false)
        }
        Err(e) => {
            eprintln!("sts-triage: {}", neutralize(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    // The journal is read first: a near miss it has no decision on is kept as a few numbers
    // (`ScanReport::near_misses_to_keep`), so the report's memory is bounded by its rows, not
    // its events (issue 13: 180,000 near misses in 2,000,000 STS events, ~600 bytes each
    // whole). Kept whole and listed all the same: a near miss whose DirectorySync term stands
    // only in text the actor chooses (`rule::dirsync`, an evasion of the query) and a damaged
    // record's (`scan::lean::near_miss_can_be_lean`); the report counts the others.
    let decided_near_misses = decisions
        .keys()
        .filter_map(|k| k.strip_prefix("event:"))
        // `event:<id>#<content>`: a near miss of an id others share (`StsEvent::key`). An id
        // may hold `#` itself: the key whole is kept too (a near miss kept whole needlessly
        // costs a little memory; one not kept loses its decision in the report).
        .flat_map(|k| {
            let id = k.rsplit_once('#').map_or(k, |(id, _)| id);
            [k.to_owned(), id.to_owned()]
        })
        .collect();
    // The report's SHA-256 and sizes are those of the bytes the scan read.
    let scanned = match args.limits.scan(
        &args.paths,
        true,
        true,
        Some(decided_near_misses),
        Some(args.hints.config()),
    ) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (scanned, tables) = scanned;
    let ctx = report::ReportContext::new(&scanned, &shown, found)
        .with_journal_chain(chain.0, chain.1)
        .with_hints(args.hints.config())
        .with_tables(tables);
    for (id, n) in report::decisions_not_applied(&scanned, &decisions) {
        let w = report::not_applied_sentence(&neutralize(&id), n);
        eprintln!("sts-triage: warning: {w}");
    }
    for w in report::folded_row_decisions(&scanned, &decisions) {
        eprintln!("sts-triage: warning: {w}");
    }
    if let Some(w) = report::unsigned_sentence(&decisions) {
        eprintln!("sts-triage: warning: {w}");
    }
    // Decisions on rows these inputs do not give are in no total of the report: said.
    if let Some(w) = journal::unmatched_sentence(journal::unmatched_in_report(&decisions, &scanned))
    {
        eprintln!("sts-triage: warning: {w}");
    }
    if let Some(w) = report::unreviewed_warning(&scanned, &decisions) {
        eprintln!(
            "sts-triage: warning: {w}; the report lists the rows under unreviewed rows, and under near misses not reviewed lists or counts the near misses"
        );
    }
    // Streamed row by row: memory holds a few parts of rows of the report at a time.
    let mut write = |out: &mut dyn Write| match args.format {
        ReportFormat::Md => report::write_markdown(out, &scanned, &decisions, &ctx),
        ReportFormat::Json => report::write_json(out, &scanned, &decisions, &ctx),
        ReportFormat::Csv => report::write_csv(out, &scanned, &decisions, &ctx),
    };
    let written = match &args.output {
        // `-` is standard output, as it is standard input among the paths read.
        Some(path) if path.as_os_str() != "-" => {
            write_report_file(path, &mut write, &scanned, &journal_path)
        }
        _ => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write(&mut out).and_then(|()| out.flush())
        }
    };
    // The related records' details (offset, IP address, result) wait on a temporary file
    // in a headless report: if one could not be read back, its fields were written empty.
    if let Some(e) = scanned.context.entries.read_error() {
        eprintln!(
            "sts-triage: warning: the IP address and result of some related records could \
             not be read back from a temporary file ({}): the report shows them empty",
            neutralize(e)
        );
    }
    // The scan's tables and the context index are left to the system at exit rather than
    // freed piece by piece: freeing them (and the allocator giving their pages back one
    // segment at a time) was 10-20 ms of the report's wall on the 1%-STS file (BENCHMARKS.md,
    // issue 12, sixteenth round). The index's temporary files are anonymous: the system
    // deletes them when the process closes them.
    std::mem::forget(ctx);
    std::mem::forget(scanned);
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "sts-triage: writing the report: {}",
                neutralize(&e.to_string())
            );
            ExitCode::from(1)
        }
    }
}

/// Writes the report whole or not at all (see `write_safe`: a device, FIFO or terminal is
/// written into, a folder refused), and never over an input file or the journal.
fn write_report_file(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    scanned: &scan::ScanReport,
    journal_path: &Path,
) -> io::Result<()> {
    let protected: Vec<PathBuf> = scanned
        .files
        .iter()
        .map(|f| PathBuf::from(&f.path))
        .chain([journal_path.to_owned()])
        .collect();
    sts_triage::write_safe::write_file_except(path, &protected, write)
}

/// `sts-triage verify`: the work is in `sts_triage::verify`; exit 0, 1 or 2 as it says.
fn run_verify(args: &cli::VerifyArgs) -> ExitCode {
    let opts = ScanOptions {
        max_record_bytes: args.limits.max_record_mib << 20,
        max_decompressed_bytes: args.limits.max_decompressed_mib.saturating_mul(1 << 20),
        max_gzip_ratio: args.limits.max_gzip_ratio,
        ..ScanOptions::default()
    };
    let report = args.report.as_deref();
    match sts_triage::verify::run(&args.journal, report, &args.paths, &opts, &mut io::stdout()) {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sts-triage: writing the output: {e}");
            ExitCode::from(2)
        }
    }
}
