//! The `sts-triage` command: the workbench (no subcommand), `scan` and `report`.

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use sts_triage::journal::{self, JournalError};
use sts_triage::load::ScanOptions;
use sts_triage::neutralize::neutralize;
use sts_triage::{output, report, scan};

#[derive(Parser, Debug)]
#[command(
    name = "sts-triage",
    version,
    about = "Triage STS refresh-token modifications (UpdateStsRefreshToken[Solorigate]) from exported logs"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Files or folders to load into the workbench (`-` reads standard input).
    paths: Vec<PathBuf>,
    /// The journal of decisions (default: `<first input>.sts-triage.jsonl` beside it).
    #[arg(long)]
    journal: Option<PathBuf>,
    /// The analyst's name in the journal (default: $USER).
    #[arg(long)]
    analyst: Option<String>,
    /// A keymap file (TOML) overriding default keys.
    #[arg(long)]
    keymap: Option<PathBuf>,
    /// Keep reading JSON-lines and CSV files that grow (an export still being written).
    #[arg(long)]
    follow: bool,
    /// Hint threshold: |tokenMinutesRemaining| above this many minutes is "far".
    #[arg(long, default_value_t = 60)]
    far_minutes: i64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate the query headlessly and print the result rows.
    Scan(ScanArgs),
    /// Write the findings report: rule, files with SHA-256, counts per verdict, the rows by
    /// verdict with notes and analysts, and the near misses marked. Never creates a journal.
    Report(ReportArgs),
}

#[derive(clap::Args, Debug)]
struct ReportArgs {
    /// The journal of decisions, read only (default: the workbench's,
    /// `<first input>.sts-triage.jsonl` beside it).
    #[arg(long)]
    journal: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    format: ReportFormat,
    /// Write the report to this file (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: Limits,
    /// Files or folders (`-` reads standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// The read limits shared by `scan` and `report`.
#[derive(clap::Args, Debug)]
struct Limits {
    /// The largest record read, in MiB; larger records are skipped and reported.
    #[arg(long, default_value_t = 64)]
    max_record_mib: usize,
    /// The most a gzip file may expand to, in MiB (default 256 GiB); reading stops there
    /// with a message, keeping the records before.
    #[arg(long, default_value_t = 256 << 10)]
    max_decompressed_mib: u64,
}

impl Limits {
    /// Scans the paths and prints the summary on standard error; an unreadable path or a
    /// file of no known format is exit status 2.
    fn scan(&self, paths: &[PathBuf]) -> Result<scan::ScanReport, ExitCode> {
        let opts = ScanOptions {
            max_record_bytes: self.max_record_mib << 20,
            max_decompressed_bytes: self.max_decompressed_mib.saturating_mul(1 << 20),
            ..ScanOptions::default()
        };
        match scan::scan_paths(paths, &opts) {
            Ok(report) => {
                let _ = output::write_summary(&mut io::stderr(), &report);
                Ok(report)
            }
            Err(e) => {
                eprintln!("sts-triage: {}", neutralize(&e.to_string()));
                Err(ExitCode::from(2))
            }
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReportFormat {
    Md,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
struct ScanArgs {
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Also print the STS events the query passed over, with the reason.
    #[arg(long)]
    near_misses: bool,
    /// Fail (exit 2) when any record is malformed.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    limits: Limits,
    /// Files or folders (`-` reads standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Jsonl,
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Scan(args)) => run_scan(&args),
        Some(Command::Report(args)) => run_report(&args),
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
                far_minutes: cli.far_minutes,
            };
            match sts_triage::tui::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sts-triage: {}", neutralize(&format!("{e:#}")));
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn run_scan(args: &ScanArgs) -> ExitCode {
    let report = match args.limits.scan(&args.paths) {
        Ok(r) => r,
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
        Format::Table => output::write_table(&mut out, &report, args.near_misses),
        Format::Jsonl => output::write_jsonl(&mut out, &report, args.near_misses),
        Format::Csv => output::write_csv(&mut out, &report, args.near_misses),
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
    let scanned = match args.limits.scan(&args.paths) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let journal_path = match (&args.journal, args.paths.first()) {
        (Some(j), _) => j.clone(),
        (None, Some(first)) => journal::default_location(first),
        (None, None) => journal::default_location(Path::new("-")),
    };
    let shown = journal_path.display().to_string();
    let (decisions, found) = match journal::read_decisions(&journal_path) {
        Ok(replay) => {
            if let Some(w) = &replay.warning {
                eprintln!("sts-triage: warning: {}", neutralize(w));
            }
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
    let ctx = report::ReportContext::new(&scanned, &shown, found);
    if let Some(w) = report::unreviewed_warning(&scanned, &decisions) {
        eprintln!("sts-triage: warning: {w}; the report lists them under unreviewed rows");
    }
    let mut text = Vec::new();
    let written = match args.format {
        ReportFormat::Md => {
            text = report::markdown_report(&scanned, &decisions, &ctx).into_bytes();
            Ok(())
        }
        ReportFormat::Json => report::write_json(&mut text, &scanned, &decisions, &ctx),
        ReportFormat::Csv => report::write_csv(&mut text, &scanned, &decisions),
    };
    let written = written.and_then(|()| match &args.output {
        Some(path) => write_report_file(path, &text, &scanned, &journal_path),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&text).and_then(|()| out.flush())
        }
    });
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
    text: &[u8],
    scanned: &scan::ScanReport,
    journal_path: &Path,
) -> io::Result<()> {
    if let Ok(target) = path.canonicalize() {
        let protected = scanned
            .files
            .iter()
            .map(|f| PathBuf::from(&f.path))
            .chain([journal_path.to_owned()]);
        for p in protected {
            if p.canonicalize().is_ok_and(|p| p == target) {
                return Err(io::Error::other(format!(
                    "{} is an input or the journal; it is never written",
                    path.display()
                )));
            }
        }
    }
    sts_triage::write_safe::write_file(path, text)
}
