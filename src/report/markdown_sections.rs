//! The Markdown report's closing sections (split out of `markdown`): load notices, events of
//! one id with different content, files not read, and the journal's line.

use std::io::{self, Write};

use crate::count::count_as;
use crate::neutralize::{markdown_cell, markdown_inline};
use crate::scan::ScanReport;

/// `## Load notices`: each notice of the load (`report::load_notices`) as `file:line:
/// what`, the words the scan's stderr and the workbench's problems view say, so that the
/// reader of the report knows what was assumed (day-first dates, Excel's 1900 date system,
/// an encoding) without the terminal of the load. Absent when there is none.
pub(super) fn load_notices_section(
    out: &mut dyn Write,
    notices: &[&crate::model::Problem],
) -> io::Result<()> {
    if notices.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n## Load notices ({})\n", notices.len())?;
    for p in notices {
        let place = match p.line {
            Some(l) => format!("{}:{l}", crate::neutralize::name(&p.file)),
            None => crate::neutralize::name(&p.file).into_owned(),
        };
        writeln!(
            out,
            "- {}: {}",
            markdown_inline(&place),
            markdown_inline(&p.message)
        )?;
    }
    Ok(())
}

/// `## Same event id, different content`: each pair of records of one event id whose
/// content differs (`scan::conflict`), kept as two events: one may be a forged record
/// reusing an event id, and the analyst judges each row knowing it. Absent when none.
pub(super) fn conflicts_section(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    if report.id_conflicts.is_empty() {
        return Ok(());
    }
    let n = report.id_conflicts.len();
    writeln!(
        out,
        "
## Same event id, different content ({n})
"
    )?;
    for c in &report.id_conflicts {
        writeln!(
            out,
            "- {}: {} and {} differ in {}; kept as two events (one may be forged)",
            markdown_inline(&c.id),
            markdown_inline(&c.places[0].to_string()),
            markdown_inline(&c.places[1].to_string()),
            c.differs_text()
        )?;
    }
    Ok(())
}

/// `## Not read`: the files found inside a folder that were passed over, with why and their
/// SHA-256, so that nothing is left out of the report in silence. Absent when every file was
/// read.
pub(super) fn not_read_section(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    if report.not_read.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n## Not read ({})\n", report.not_read.len())?;
    for n in &report.not_read {
        let hash = match &n.sha256 {
            Some(h) => format!("SHA-256 `{h}`"),
            None => "SHA-256 unavailable".to_owned(),
        };
        writeln!(
            out,
            "- {}: {}; {hash}",
            markdown_cell(&crate::neutralize::name(&n.path)),
            markdown_cell(&n.reason)
        )?;
    }
    Ok(())
}

/// The journal's line of the Markdown report: path, entries and head hash (what
/// `sts-triage verify --report` reads back).
pub(super) fn journal_line(j: &super::JournalSource) -> String {
    let path = markdown_inline(&j.path);
    match (&j.head, j.found) {
        (_, false) => format!("{path} (not found: no decisions)"),
        (Some(head), true) => format!(
            "{path}; {}; head SHA-256 `{head}`",
            count_as(j.entries, "entry", "entries")
        ),
        (None, true) => format!("{path}; 0 entries"),
    }
}
