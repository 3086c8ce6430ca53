//! Files inside a folder that are not read: passed over with a warning (unknown format,
//! unreadable, hidden, a journal), or listed quietly (notes, scripts and settings files kept
//! beside the exports, and `.txt` files that are no export). Nothing read is left out in
//! silence: every one is a [`NotRead`], in the problems view and the report's "Not read".

use super::ScanReport;
use crate::load::{NotRead, ScanMessage};
use crate::model::Problem;

/// A file inside a folder that is not read: a problem (the summary's warning) and a
/// [`NotRead`] (the report's "Not read" list, the workbench's problems view).
pub(crate) fn pass_over(path: &std::path::Path, reason: String, sink: &mut dyn FnMut(ScanMessage)) {
    sink(ScanMessage::Problem(Problem {
        file: path.display().to_string().into(),
        line: None,
        message: format!("passed over: {reason}"),
    }));
    sink(ScanMessage::NotRead(NotRead::new(path, reason)));
}

/// A note, script or settings file inside a folder (by its name, or a `.txt` of no known
/// format: `seen` says what its content showed): a [`NotRead`] listed quietly, no problem.
pub(crate) fn pass_over_other(
    path: &std::path::Path,
    what: &'static str,
    seen: Option<String>,
    sink: &mut dyn FnMut(ScanMessage),
) {
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let reason = match seen {
        Some(seen) => format!(
            "a {what} ({ext}, of no known format: {seen}), not an export: name it on the command line to read it"
        ),
        None => format!(
            "a {what} by its name ({ext}), not an export: name it on the command line to read it"
        ),
    };
    sink(ScanMessage::NotRead(NotRead::other(path, what, reason)));
}

/// The one line for the notes, scripts and settings files passed over (`3 other files
/// passed over: notes, scripts`), or None when there were none.
pub fn other_files_line(report: &ScanReport) -> Option<String> {
    let others: Vec<&'static str> = report.not_read.iter().filter_map(|n| n.other).collect();
    if others.is_empty() {
        return None;
    }
    let mut kinds: Vec<String> = Vec::new();
    for what in ["note", "script", "settings"] {
        let n = others.iter().filter(|&&w| w == what).count();
        if n > 0 {
            kinds.push(if n == 1 || what == "settings" {
                what.to_owned()
            } else {
                format!("{what}s")
            });
        }
    }
    let n = others.len();
    Some(format!(
        "{n} other file{} passed over: {}",
        if n == 1 { "" } else { "s" },
        kinds.join(", ")
    ))
}

/// A `.txt` name: what Out-File and renamed downloads use for exports, and analysts for notes.
pub(super) fn is_text_name(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}
