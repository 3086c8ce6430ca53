//! The problems view's content: every input file with its format, records and STS events,
//! each problem the loader reported for it (`file:line` and the cause: records skipped,
//! characters replaced, dates converted, records cut), the duplicate records counted once,
//! and every file passed over with why. A pure function of the scan report and the load,
//! so that nothing the load left out is silent; wrapped to the view's width here, so that
//! the renderer and the scrolling count the same lines.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::app::Loading;
use super::layout::Areas;
use crate::neutralize::neutralize;
use crate::scan::ScanReport;

/// Problems listed per file at most; the rest are counted in one line.
const PER_FILE: usize = 50;

/// Duplicate records listed per pair of files at most, as examples: the pair's line
/// counts them all, and the report lists every file:line. At 50 a pair, the samples'
/// view was 1,128 lines long for 4 problems (newbie16 #7).
const DUPLICATES_SHOWN: usize = 3;

/// What a line of the view is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A section title.
    Heading,
    /// A file read (its name).
    File,
    /// The facts of a file (format, counts).
    Facts,
    /// A problem: `file:line` and the cause.
    Problem,
    /// A file passed over, or a load stopped: what the findings do not cover.
    Warning,
    /// Counts of what is not listed one by one, and other notes.
    Note,
}

/// One entry of the view, before wrapping; every string neutralised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub text: String,
}

/// The problems view: where it is scrolled, and its entries as last built (rebuilt when
/// the report changes, so that drawing never walks the events).
#[derive(Debug, Clone, Default)]
pub struct ProblemsView {
    /// The first line drawn.
    pub scroll: usize,
    pub entries: Vec<Entry>,
    /// What the entries were built from (see [`signature`]).
    pub built_from: Signature,
}

/// The counts whose change means the entries must be built again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signature {
    files: usize,
    records: u64,
    problems: usize,
    not_read: usize,
    duplicates: u64,
    done: bool,
}

/// What the entries depend on.
pub fn signature(report: &ScanReport, loading: &Loading) -> Signature {
    Signature {
        files: report.files.len(),
        records: report.records(),
        problems: report.problems.len(),
        not_read: report.not_read.len(),
        duplicates: report.duplicate_records,
        done: loading.done,
    }
}

/// For the header: files passed over, and problems (each one described, plus records
/// skipped or repaired beyond those described).
pub fn counts(report: &ScanReport) -> (usize, u64) {
    let described = described(report);
    let mut problems = report
        .problems
        .iter()
        .filter(|p| !passed_over(report, p))
        .count() as u64;
    for f in &report.files {
        problems += undescribed(f, &described);
    }
    let passed_over = report.not_read.iter().filter(|n| n.other.is_none()).count();
    (passed_over, problems)
}

/// Per file, the problems described with their line (records skipped or repaired, mostly).
fn described(report: &ScanReport) -> HashMap<&str, u64> {
    let mut out: HashMap<&str, u64> = HashMap::new();
    for p in report.problems.iter().filter(|p| p.line.is_some()) {
        *out.entry(&p.file).or_default() += 1;
    }
    out
}

/// Records of a file skipped or repaired beyond those the loader described one by one.
fn undescribed(f: &crate::model::FileSummary, described: &HashMap<&str, u64>) -> u64 {
    (f.skipped + f.replaced + f.controls_kept)
        .saturating_sub(described.get(f.path.as_str()).copied().unwrap_or(0))
}

/// The problem that says a file was passed over: listed with the file, not twice.
fn passed_over(report: &ScanReport, p: &crate::model::Problem) -> bool {
    p.line.is_none()
        && p.message.starts_with("passed over: ")
        && report.not_read.iter().any(|n| *n.path == *p.file)
}

fn entry(kind: Kind, text: impl AsRef<str>) -> Entry {
    Entry {
        kind,
        text: neutralize(text.as_ref()).into_owned(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The place of `file` in the list by file, added at the end when new.
fn slot<'a>(
    file: &'a str,
    by_file: &mut Vec<(&'a str, Vec<String>)>,
    index: &mut HashMap<&'a str, usize>,
) -> usize {
    *index.entry(file).or_insert_with(|| {
        by_file.push((file, Vec::new()));
        by_file.len() - 1
    })
}

/// The duplicate records, grouped by the pair of files they join: the file a repeated
/// record was met in, the file its event was first read from, and the records, in the order
/// met. A folder of several exports of the same tenant repeats hundreds of records per
/// pair: one line a pair says what happened, the records follow below.
type Pairs = Vec<((Arc<str>, Arc<str>), Vec<String>)>;

fn duplicate_pairs(report: &ScanReport) -> Pairs {
    let mut pairs: Pairs = Vec::new();
    if report.duplicate_records == 0 {
        return pairs;
    }
    let mut index: HashMap<(Arc<str>, Arc<str>), usize> = HashMap::new();
    // Every event, kept whole or lean (the workbench keeps most flagged events lean).
    for e in report.events_with_duplicates() {
        for d in e.duplicate_sources() {
            let key = (d.file.clone(), e.source.file.clone());
            let i = *index.entry(key.clone()).or_insert_with(|| {
                pairs.push((key, Vec::new()));
                pairs.len() - 1
            });
            pairs[i]
                .1
                .push(format!("{d}  the same event as {} (id {})", e.source, e.id));
        }
    }
    pairs
}

/// The one line that sums up a pair of files' duplicates.
fn pair_line((repeated, first): (&str, &str), n: usize) -> String {
    let records = plural(n as u64, "record", "records");
    if repeated == first {
        format!(
            "{records} of {repeated} repeat earlier records of the same file (same event ids): counted once"
        )
    } else {
        let are = if n == 1 { "is" } else { "are" };
        format!("{records} of {repeated} {are} also in {first} (same event ids): counted once")
    }
}

/// Builds the view's entries: first what the findings may lack (problems, files passed
/// over), then the duplicates one line a pair of files, the files read, and last the
/// duplicate records one by one.
pub fn entries(report: &ScanReport, loading: &Loading) -> Vec<Entry> {
    let mut out = Vec::new();
    if !loading.done {
        out.push(entry(
            Kind::Note,
            "still loading: this list grows as files are read",
        ));
    }
    if let Some(cut) = &loading.cut {
        out.push(entry(Kind::Warning, cut.describe()));
    }
    if let Some(error) = &loading.error {
        out.push(entry(Kind::Warning, format!("load stopped: {error}")));
    }
    // Problems by file: the files read first, in the order read, then any other file a
    // problem names.
    let mut by_file: Vec<(&str, Vec<String>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for f in &report.files {
        slot(&f.path, &mut by_file, &mut index);
    }
    for p in &report.problems {
        if passed_over(report, p) {
            continue;
        }
        let file = crate::neutralize::name(&p.file);
        let place = match p.line {
            Some(l) => format!("{file}:{l}"),
            None => file.into_owned(),
        };
        let i = slot(&p.file, &mut by_file, &mut index);
        by_file[i].1.push(format!("{place}  {}", p.message));
    }
    let described = described(report);
    let (_, problems) = counts(report);
    out.push(entry(Kind::Heading, format!("Problems ({problems})")));
    if problems == 0 {
        out.push(entry(Kind::Note, "  none"));
    }
    for (file, problems) in &by_file {
        let summary = report.files.iter().find(|f| f.path == *file);
        let missing = summary.map_or(0, |f| undescribed(f, &described));
        if problems.is_empty() && missing == 0 {
            continue;
        }
        let name = if file.is_empty() {
            "(no file)".into()
        } else {
            crate::neutralize::name(file)
        };
        out.push(entry(Kind::File, format!("  {name}")));
        for p in problems.iter().take(PER_FILE) {
            out.push(entry(Kind::Problem, format!("    {p}")));
        }
        if problems.len() > PER_FILE {
            out.push(entry(
                Kind::Note,
                format!(
                    "    … and {} more (the scan summary and the report count them)",
                    problems.len() - PER_FILE
                ),
            ));
        }
        if missing > 0 {
            out.push(entry(
                Kind::Note,
                format!(
                    "    {missing} more skipped or repaired: counted, not described one by one (the loader describes the first of a file)"
                ),
            ));
        }
    }
    let (others, passed): (Vec<&crate::load::NotRead>, Vec<&crate::load::NotRead>) =
        report.not_read.iter().partition(|n| n.other.is_some());
    out.push(entry(
        Kind::Heading,
        format!("Files passed over ({})", passed.len()),
    ));
    if passed.is_empty() {
        out.push(entry(Kind::Note, "  none"));
    }
    for n in passed {
        out.push(entry(
            Kind::Warning,
            format!("  {}", crate::neutralize::name(&n.path)),
        ));
        out.push(entry(Kind::Facts, format!("    {}", n.reason)));
        let hash = n.sha256.as_deref().map_or_else(
            || "SHA-256 unavailable".to_owned(),
            |h| format!("SHA-256 {h}"),
        );
        out.push(entry(Kind::Note, format!("    {hash}")));
    }
    // Notes and scripts beside the exports: listed, quietly (no warning colour).
    if let Some(line) = crate::scan::other_files_line(report) {
        let mut heading = line;
        if let Some(first) = heading.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        out.push(entry(Kind::Heading, heading));
        for n in others {
            out.push(entry(
                Kind::Facts,
                format!("  {}", crate::neutralize::name(&n.path)),
            ));
            out.push(entry(Kind::Note, format!("    {}", n.reason)));
        }
    }
    if let Some(line) = crate::report::folded_sentence(report) {
        out.push(entry(
            Kind::Heading,
            "Records folded into events of other rows",
        ));
        out.push(entry(Kind::Facts, format!("  {line}")));
    }
    let pairs = duplicate_pairs(report);
    if report.duplicate_records > 0 {
        out.push(entry(
            Kind::Heading,
            format!(
                "Duplicate records ({}, same id or the same change in another export): each event counted once, every file:line kept",
                report.duplicate_records
            ),
        ));
        for (pair, records) in &pairs {
            out.push(entry(
                Kind::Facts,
                format!("  {}", pair_line((&pair.0, &pair.1), records.len())),
            ));
        }
    }
    out.push(entry(
        Kind::Heading,
        format!("Files read ({})", report.files.len()),
    ));
    if report.files.is_empty() {
        out.push(entry(Kind::Note, "  none yet"));
    }
    for (file, problems) in &by_file {
        let Some(f) = report.files.iter().find(|f| f.path == *file) else {
            continue;
        };
        out.push(entry(
            Kind::File,
            format!("  {}", crate::neutralize::name(file)),
        ));
        let mut facts = format!(
            "    {} · {} · {}",
            f.format,
            plural(f.records, "record", "records"),
            plural(f.sts_events, "STS event", "STS events")
        );
        if f.skipped > 0 {
            facts.push_str(&format!(" · {} skipped", f.skipped));
        }
        if f.replaced > 0 {
            facts.push_str(&format!(
                " · {} read with invalid characters or too-deep JSON replaced",
                f.replaced
            ));
        }
        if f.controls_kept > 0 {
            facts.push_str(&format!(
                " · {} read with raw control characters kept as written",
                f.controls_kept
            ));
        }
        if f.followed {
            facts.push_str(" · followed as it grows");
        }
        if !problems.is_empty() {
            facts.push_str(&format!(
                " · {} (above)",
                plural(problems.len() as u64, "problem", "problems")
            ));
        }
        out.push(entry(Kind::Facts, facts));
    }
    // Files a problem names that were not summed up: still being read, or never read.
    for (file, _) in &by_file {
        if !file.is_empty() && !report.files.iter().any(|f| f.path == *file) {
            out.push(entry(
                Kind::File,
                format!("  {}", crate::neutralize::name(file)),
            ));
            out.push(entry(
                Kind::Facts,
                "    not finished reading (or not read): no summary",
            ));
        }
    }
    if !pairs.is_empty() {
        out.push(entry(Kind::Heading, "Duplicate records one by one"));
    }
    for (pair, records) in &pairs {
        out.push(entry(
            Kind::File,
            format!("  {}", pair_line((&pair.0, &pair.1), records.len())),
        ));
        for r in records.iter().take(DUPLICATES_SHOWN) {
            out.push(entry(Kind::Note, format!("    {r}")));
        }
        if records.len() > DUPLICATES_SHOWN {
            out.push(entry(
                Kind::Note,
                format!(
                    "    … and {} more (the report lists every file:line)",
                    records.len() - DUPLICATES_SHOWN
                ),
            ));
        }
    }
    out
}

/// Where the view is drawn: over the whole body.
pub fn frame(areas: &Areas) -> Rect {
    areas.body
}

/// Lines drawn inside the view's border.
pub fn visible_lines(areas: &Areas) -> usize {
    usize::from(frame(areas).height.saturating_sub(2)).max(1)
}

/// The entries wrapped to the inside of the view's border: the lines drawn and scrolled.
/// A wrapped line goes on under its own indentation plus two.
pub fn wrap(entries: &[Entry], areas: &Areas) -> Vec<(Kind, String)> {
    let width = usize::from(frame(areas).width.saturating_sub(2));
    entries
        .iter()
        .flat_map(|e| {
            super::wrap::wrap(&e.text, width)
                .into_iter()
                .map(move |l| (e.kind, l))
        })
        .collect()
}

/// The last first line that still fills the view.
pub fn max_scroll(lines: usize, areas: &Areas) -> usize {
    lines.saturating_sub(visible_lines(areas))
}
