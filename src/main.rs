//! The `sts-triage` command: the workbench (no subcommand) and `scan`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use sts_triage::load::ScanOptions;
use sts_triage::neutralize::neutralize;
use sts_triage::{output, scan};

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
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate the query headlessly and print the result rows.
    Scan(ScanArgs),
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
    /// The largest record read, in MiB; larger records are skipped and reported.
    #[arg(long, default_value_t = 64)]
    max_record_mib: usize,
    /// The most a gzip file may expand to, in MiB (default 256 GiB); reading stops there
    /// with a message, keeping the records before.
    #[arg(long, default_value_t = 256 << 10)]
    max_decompressed_mib: u64,
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
    let opts = ScanOptions {
        max_record_bytes: args.max_record_mib << 20,
        max_decompressed_bytes: args.max_decompressed_mib.saturating_mul(1 << 20),
        ..ScanOptions::default()
    };
    let report = match scan::scan_paths(&args.paths, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sts-triage: {}", neutralize(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    let stderr = &mut io::stderr();
    let _ = output::write_summary(stderr, &report);
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
