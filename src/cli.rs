//! The command line: every subcommand, option and help text of `sts-triage` in one place,
//! so that `--help`, the shell completions and the man page are made from the same source.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The exit statuses, shown at the end of `--help` and in the man page; README.md has the
/// same table.
pub const EXIT_STATUSES: &str = "\
Exit status:
  0  success: the command did its work (scan and report: whether or not any row is flagged;
     verify: everything matches)
  1  the work was done but did not succeed: the output or report could not be written
     (scan, report); verify: something differs (each difference on one line); the
     workbench: quit with decisions the journal did not take (the line printed says how
     many)
  2  bad usage or input: a wrong option or value, an input path that cannot be read, a
     named file of no known format, a malformed record under --strict, a journal that
     cannot be read; the workbench stopped on an error";

#[derive(Parser, Debug)]
#[command(
    name = "sts-triage",
    version,
    about = "Triage STS refresh-token modifications (UpdateStsRefreshToken[Solorigate]) from exported logs",
    after_help = EXIT_STATUSES
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files or folders to load into the workbench (`-` reads standard input).
    pub paths: Vec<PathBuf>,
    /// The journal of decisions (default: `<first input>.sts-triage.jsonl` beside it, the
    /// first input in sorted order).
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// The analyst's name in the journal (default: $USER, else $LOGNAME, else $USERNAME;
    /// else `unknown`, which the workbench says at start).
    #[arg(long)]
    pub analyst: Option<String>,
    /// A keymap file (TOML) overriding default keys.
    #[arg(long)]
    pub keymap: Option<PathBuf>,
    /// Keep reading JSON-lines and CSV files that grow (an export still being written).
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub hints: HintArgs,
}

/// The hint thresholds and the context windows: the workbench's options, and the same
/// options with the same names on `report`, so that a report states the hints the analyst
/// saw (README: the hints table).
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct HintArgs {
    /// Hint threshold: |tokenMinutesRemaining| above this many minutes is "far".
    #[arg(long, default_value_t = 60)]
    pub far_minutes: i64,
    /// Hint `reset`: a password reset of the same target within this many minutes.
    #[arg(long, default_value_t = 5)]
    pub reset_minutes: i64,
    /// Hint `bulk`: this many distinct users…
    #[arg(long, default_value_t = 10)]
    pub bulk_users: usize,
    /// …whose tokens one actor changed within this many minutes.
    #[arg(long, default_value_t = 10)]
    pub bulk_minutes: i64,
    /// Context: records of the same target within this many hours are related.
    #[arg(long, default_value_t = 24)]
    pub target_hours: i64,
    /// Context: records of the same actor within this many minutes are related.
    #[arg(long, default_value_t = 60)]
    pub actor_minutes: i64,
}

impl HintArgs {
    /// The thresholds as the hints and the context read them.
    pub fn config(self) -> sts_triage::hints::HintConfig {
        sts_triage::hints::HintConfig {
            far_minutes: self.far_minutes,
            reset_minutes: self.reset_minutes,
            bulk_users: self.bulk_users,
            bulk_minutes: self.bulk_minutes,
            context: sts_triage::context::ContextOptions {
                target_window_secs: self.target_hours.saturating_mul(3600),
                actor_window_secs: self.actor_minutes.saturating_mul(60),
            },
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate the query headlessly and print the result rows.
    #[command(after_help = EXIT_STATUSES)]
    Scan(ScanArgs),
    /// Write the findings report: rule, files with SHA-256, counts per verdict, the rows by
    /// verdict with notes and analysts, and the near misses marked. Never creates a journal.
    #[command(after_help = EXIT_STATUSES)]
    Report(ReportArgs),
    /// Print the hunting query for the engine that runs it (Defender XDR, Sentinel), or
    /// with --raw the query whose export gives the workbench every STS event.
    #[command(after_help = EXIT_STATUSES)]
    Query(QueryArgs),
    /// Print a completion script for a shell (see README: "Shell completions").
    Completions(CompletionsArgs),
    /// Print the man page (roff); with --dir, write one page per command into a folder.
    Man(ManArgs),
    /// Check a journal's hash chain (`--journal FILE`), or a report against its journal and
    /// inputs (`--report REPORT --journal FILE PATH...`). Exit 0 when everything matches, 1
    /// when something differs (one line per difference), 2 for unreadable input.
    #[command(after_help = EXIT_STATUSES)]
    Verify(VerifyArgs),
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The journal whose chain is checked.
    #[arg(long, required = true)]
    pub journal: PathBuf,
    /// A findings report (Markdown or JSON) to check against the journal and the inputs.
    #[arg(long, requires = "paths")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub limits: Limits,
    /// The report's input files or folders (with `--report`).
    pub paths: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The journal of decisions, read only (default: the workbench's,
    /// `<first input>.sts-triage.jsonl` beside it, the first in sorted order).
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormat,
    /// Write the report to this file (default, or `-`: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub limits: Limits,
    /// The hint thresholds and context windows, as the workbench's (the report names them).
    #[command(flatten)]
    pub hints: HintArgs,
    /// Files or folders (`-` reads standard input).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// The read limits and the messages shared by `scan` and `report`.
#[derive(clap::Args, Debug)]
pub struct Limits {
    /// The largest record read, in MiB; larger records are skipped and reported.
    #[arg(long, default_value_t = 64)]
    pub max_record_mib: usize,
    /// The most a gzip file may expand to, in MiB (default 256 GiB); reading stops there
    /// with a message, keeping the records before.
    #[arg(long, default_value_t = 256 << 10)]
    pub max_decompressed_mib: u64,
    /// The most a gzip file may expand per byte of the file once past the record limit
    /// (0: no limit); reading stops there with a message, keeping the records before.
    /// Real exports expand 5 to 30 times; a gzip bomb about 1030 times.
    #[arg(long, default_value_t = sts_triage::load::DEFAULT_GZIP_RATIO)]
    pub max_gzip_ratio: u64,
    /// No summary on standard error (warnings and errors are still written).
    #[arg(long, short)]
    pub quiet: bool,
    /// report: do not keep the related-events index (context of each STS event): a faster
    /// read with no related records, no context line and no context hints. `scan` never
    /// keeps it (its output has no use for it), so there this changes nothing.
    #[arg(long)]
    pub no_context: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also print the STS events the query passed over, with the reason.
    #[arg(long)]
    pub near_misses: bool,
    /// Fail (exit 2) when any record is malformed.
    #[arg(long)]
    pub strict: bool,
    /// Add the context of each row after the query's columns: `targets` and `actors` (jsonl
    /// keys, CSV and table columns at the end); near misses get `target` and `actor_id`.
    #[arg(long)]
    pub context: bool,
    #[command(flatten)]
    pub limits: Limits,
    /// Files or folders (`-` reads standard input).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Table,
    Jsonl,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct QueryArgs {
    /// The engine that runs the query: Defender XDR advanced hunting (Timestamp), Microsoft
    /// Sentinel's CloudAppEvents table (TimeGenerated), or the sibling AuditLogs rule.
    #[arg(long = "for", value_enum, default_value = "defender")]
    pub engine: EngineArg,
    /// Return the STS events themselves (the columns the loader reads, RawEventData
    /// included) instead of the eight result columns: the export then gives the workbench
    /// its near misses, drill-down and context panel.
    #[arg(long)]
    pub raw: bool,
    /// The start of the time window: a KQL timespan back from now (`30d`, `12h`, `90m`) or
    /// a UTC date or time (`2025-10-01`, `2025-10-01T08:00:00Z`).
    #[arg(long)]
    pub since: Option<String>,
    /// The end of the time window (exclusive), in the same forms as --since.
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `query --for`: the engines, as typed.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EngineArg {
    /// Defender XDR advanced hunting (CloudAppEvents, Timestamp).
    Defender,
    /// Microsoft Sentinel / Log Analytics (CloudAppEvents, TimeGenerated).
    Sentinel,
    /// The sibling rule over Entra ID AuditLogs (Sentinel / Log Analytics).
    #[value(name = "auditlogs")]
    AuditLogs,
}

impl From<EngineArg> for sts_triage::query::Engine {
    fn from(e: EngineArg) -> Self {
        match e {
            EngineArg::Defender => Self::Defender,
            EngineArg::Sentinel => Self::Sentinel,
            EngineArg::AuditLogs => Self::AuditLogs,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write sts-triage.1 and a page per subcommand (sts-triage-scan.1, …) into this folder
    /// instead of printing the main page.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}
