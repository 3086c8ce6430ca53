//! The headless outputs of `sts-triage scan`: an aligned table for people, JSON lines and
//! CSV for scripts. Every string from an event is neutralised before it is written, except
//! in JSON, which keeps the exact value, JSON-escaped.

use std::io::{self, Write};

use serde_json::json;

use crate::kql::format_datetime;
use crate::model::{ActorKind, Finding, ResultRow, StsEvent};
use crate::neutralize::{csv_cell, neutralize, write_csv_line};
use crate::scan::ScanReport;

/// The result rows, in a stable order (by account, then the rest of the row).
pub fn sorted_rows(report: &ScanReport) -> Vec<&ResultRow> {
    sorted_findings(report)
        .into_iter()
        .map(|f| &f.row)
        .collect()
}

/// The findings in the order of [`sorted_rows`].
pub fn sorted_findings(report: &ScanReport) -> Vec<&Finding> {
    let mut rows: Vec<&Finding> = report.findings.iter().filter(|f| !f.is_folded()).collect();
    rows.sort_by(|a, b| {
        (&a.row.account_display_name, &a.row).cmp(&(&b.row.account_display_name, &b.row))
    });
    rows
}

/// A row's context cells: its targets, its actors (joined with `; `), the mark of their
/// kinds as the workbench's Actor column draws it (`U`, `A`, `N`, `*` several, `?` none:
/// [`ActorKind::mark`]) and each actor's kind letter, in the order of the actors.
fn context_cells(f: &Finding) -> [String; 4] {
    [
        f.totals.targets().join("; "),
        f.totals.actors().join("; "),
        row_actor_kind(f).to_string(),
        actor_letters(f).join("; "),
    ]
}

/// The mark of a row's actors' kinds (see [`context_cells`]).
fn row_actor_kind(f: &Finding) -> char {
    ActorKind::mark(f.totals.actor_principals().iter().map(|(k, _)| *k))
}

/// Each of a row's actors' kind letter, in the order of [`crate::model::RowTotals::actors`].
fn actor_letters(f: &Finding) -> Vec<String> {
    f.totals
        .actor_principals()
        .iter()
        .map(|(k, _)| k.letter().to_string())
        .collect()
}

/// A near miss's actor kind letter (`?` without an actor).
fn near_miss_actor_kind(e: &StsEvent) -> char {
    let p = &e.parties;
    ActorKind::mark((!p.actor_label().is_empty()).then_some(p.actor_kind))
}

fn near_miss_json(e: &StsEvent, context: bool) -> serde_json::Value {
    let reason = e.near_miss_reason();
    let mut v = near_miss_json_plain(e, reason);
    if context && let Some(obj) = v.as_object_mut() {
        obj.insert("target".into(), json!(e.parties.target_label()));
        obj.insert("actor_id".into(), json!(e.parties.actor_label()));
        obj.insert(
            "actor_kind".into(),
            json!(near_miss_actor_kind(e).to_string()),
        );
    }
    v
}

fn near_miss_json_plain(
    e: &StsEvent,
    reason: Option<&crate::model::NearMissReason>,
) -> serde_json::Value {
    json!({
        "kind": "near_miss",
        "reason": reason.map(|r| r.code()),
        "detail": reason.map(ToString::to_string),
        "source": e.source.to_string(),
        "time": e.time.as_ref().map(format_datetime),
        "actor": e.actor,
        "operation": e.operation,
        "event_id": e.id,
    })
}

/// A JSON formatter that also writes DEL, the C1 controls, the bidi controls and the
/// invisible characters as `\uXXXX` escapes (serde_json escapes only the C0 controls): the value is unchanged for any JSON
/// reader, and the bytes are safe on a terminal.
struct SafeJson;

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if crate::neutralize::is_dangerous(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut escape = String::new();
                crate::neutralize::push_json_escape(&mut escape, c);
                writer.write_all(escape.as_bytes())?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// One value as a JSON line, with [`SafeJson`] escaping.
pub fn write_json_line<T: serde::Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, SafeJson);
    value.serialize(&mut ser).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// JSON lines: the eight keys per row (and with `context`, `targets` and `actors` after
/// them), then the near misses.
pub fn write_jsonl(
    out: &mut dyn Write,
    report: &ScanReport,
    near_misses: bool,
    context: bool,
) -> io::Result<()> {
    for f in sorted_findings(report) {
        if context {
            let mut v = serde_json::to_value(&f.row).map_err(io::Error::other)?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("targets".into(), json!(f.totals.targets()));
                obj.insert("actors".into(), json!(f.totals.actors()));
                obj.insert("actor_kind".into(), json!(row_actor_kind(f).to_string()));
                obj.insert("actor_kinds".into(), json!(actor_letters(f)));
            }
            write_json_line(out, &v)?;
        } else {
            write_json_line(out, &f.row)?;
        }
    }
    if near_misses {
        for e in report.near_miss_events() {
            write_json_line(out, &near_miss_json(e, context))?;
        }
    }
    Ok(())
}

/// CSV: the eight columns (strings neutralised and guarded against formula injection; a
/// cell holding `,` `;` or tab quoted, see [`crate::neutralize::csv_field`]). Near misses
/// follow after a blank line, as a second table with its own header.
pub fn write_csv(
    out: &mut dyn Write,
    report: &ScanReport,
    near_misses: bool,
    context: bool,
) -> io::Result<()> {
    let mut header: Vec<&str> = ResultRow::COLUMNS.to_vec();
    if context {
        header.extend(["Targets", "Actors", "ActorKind", "ActorKinds"]);
    }
    write_csv_line(out, header)?;
    for f in sorted_findings(report) {
        let mut cells = row_cells_for_csv(&f.row).to_vec();
        if context {
            cells.extend(context_cells(f).iter().map(|c| csv_cell(c)));
        }
        write_csv_line(out, cells)?;
    }
    if near_misses {
        out.write_all(b"\n")?;
        let mut header = vec![
            "reason",
            "detail",
            "source",
            "time",
            "actor",
            "operation",
            "event_id",
        ];
        if context {
            header.extend(["target", "actor_id", "actor_kind"]);
        }
        write_csv_line(out, header)?;
        for e in report.near_miss_events() {
            let reason = e.near_miss_reason();
            let mut cells = vec![
                reason.map(|r| r.code().to_owned()).unwrap_or_default(),
                csv_cell(&reason.map(ToString::to_string).unwrap_or_default()),
                csv_cell(&e.source.to_string()),
                e.time.as_ref().map(format_datetime).unwrap_or_default(),
                csv_cell(&e.actor),
                csv_cell(&e.operation),
                csv_cell(&e.id),
            ];
            if context {
                cells.push(csv_cell(e.parties.target_label()));
                cells.push(csv_cell(e.parties.actor_label()));
                cells.push(csv_cell(&near_miss_actor_kind(e).to_string()));
            }
            write_csv_line(out, cells)?;
        }
    }
    Ok(())
}

/// A row's cells for CSV: numbers and booleans as they are, strings guarded.
pub fn row_cells_for_csv(row: &ResultRow) -> [String; 8] {
    let c = row.cells();
    [
        csv_cell(&c[0]),
        csv_cell(&c[1]),
        csv_cell(&c[2]),
        csv_cell(&c[3]),
        c[4].clone(),
        csv_cell(&c[5]),
        c[6].clone(),
        c[7].clone(),
    ]
}

fn clip(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn write_aligned(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    const MAX: usize = 48;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count().min(MAX));
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{:<w$}", clip(c, w)))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(
        out,
        "{}",
        line(header.iter().map(|h| (*h).to_owned()).collect())
    )?;
    for r in rows {
        writeln!(out, "{}", line(r.clone()))?;
    }
    Ok(())
}

/// An aligned, readable table (the default on a terminal).
pub fn write_table(
    out: &mut dyn Write,
    report: &ScanReport,
    near_misses: bool,
    context: bool,
) -> io::Result<()> {
    let rows: Vec<Vec<String>> = sorted_findings(report)
        .into_iter()
        .map(|f| {
            let mut cells: Vec<String> = f
                .row
                .cells()
                .iter()
                .map(|c| neutralize(c).into_owned())
                .collect();
            if context {
                let targets = f.totals.targets();
                let actors = f.totals.actors();
                cells.push(neutralize(&crate::model::count_label(&targets, "user")).into_owned());
                cells.push(neutralize(&crate::model::count_label(&actors, "actor")).into_owned());
            }
            cells
        })
        .collect();
    let mut header: Vec<&str> = ResultRow::COLUMNS.to_vec();
    if context {
        header.extend(["Target", "Actor"]);
    }
    if rows.is_empty() {
        writeln!(out, "No rows: the query returns nothing on these files.")?;
    } else {
        write_aligned(out, &header, &rows)?;
    }
    if near_misses {
        writeln!(out)?;
        let header = ["Reason", "Source", "Time", "Actor", "Detail"];
        let rows: Vec<Vec<String>> = report
            .near_miss_events()
            .map(|e| {
                let reason = e.near_miss_reason();
                vec![
                    reason.map(|r| r.code().to_owned()).unwrap_or_default(),
                    crate::neutralize::name(&e.source.to_string()).into_owned(),
                    e.time.as_ref().map(format_datetime).unwrap_or_default(),
                    neutralize(&e.actor).into_owned(),
                    neutralize(&reason.map(ToString::to_string).unwrap_or_default()).into_owned(),
                ]
            })
            .collect();
        if rows.is_empty() {
            writeln!(out, "No near misses.")?;
        } else {
            writeln!(out, "Near misses (STS events the query passes over):")?;
            write_aligned(out, &header, &rows)?;
        }
    }
    Ok(())
}

/// The summary a scan prints on standard error.
pub fn write_summary(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    for f in &report.files {
        write!(
            out,
            "{}: {}, {}, {}, {} skipped",
            crate::neutralize::name(&f.path),
            f.format,
            crate::count::count(f.records, "record"),
            crate::count::count(f.sts_events, "STS event"),
            f.skipped
        )?;
        if f.replaced > 0 {
            write!(
                out,
                ", {} read with invalid characters or too-deep JSON replaced by U+FFFD",
                f.replaced
            )?;
        }
        if f.controls_kept > 0 {
            write!(
                out,
                ", {} read with raw control characters kept as written (shown escaped)",
                f.controls_kept
            )?;
        }
        writeln!(out)?;
    }
    // Files passed over (listed as warnings below) are counted beside those read, so that
    // the count of files never hides one.
    let loud = report.not_read.iter().filter(|n| n.other.is_none()).count();
    let mut passed_over = match loud {
        0 => String::new(),
        n => format!(" · passed over: {n}"),
    };
    // Notes and scripts beside the exports: counted apart, quietly (no warning each).
    if let Some(other) = crate::scan::other_files_line(report) {
        passed_over.push_str(&format!(" · {other}"));
    }
    writeln!(
        out,
        "files: {}{passed_over} · records read: {} · STS events: {} · rows flagged: {} · near misses: {} · records skipped: {}",
        report.files.len(),
        report.records(),
        report.sts_events(),
        report.rows_flagged(),
        report.near_miss_count(),
        report.skipped()
    )?;
    if report.duplicate_records > 0 {
        writeln!(
            out,
            "{} (same id, or the same change in another export): each event counted once",
            crate::count::count(report.duplicate_records, "duplicate record")
        )?;
    }
    if let Some(line) = crate::report::folded_sentence(report) {
        writeln!(out, "{line}")?;
    }
    write_warnings(out, report)
}

/// The warnings alone (what could not be read): written even with `--quiet`, since nothing
/// read may be silently left out.
pub fn write_warnings(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    for p in &report.problems {
        // The file as every other line names it (`neutralize::name`), then the message.
        let file = crate::neutralize::name(&p.file);
        match p.line {
            Some(l) => writeln!(out, "warning: {file}:{l}: {}", neutralize(&p.message))?,
            None => writeln!(out, "warning: {file}: {}", neutralize(&p.message))?,
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_escape_every_dangerous_character_and_round_trip() {
        let evil = "a\u{1b}]52;c;SGVsbG8=\u{7}\u{7f}\u{9b}31m\u{202e}x\u{2066}y\u{2069}\"\\é";
        let mut out = Vec::new();
        write_json_line(&mut out, &serde_json::json!({ "v": evil })).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            !text.trim_end().chars().any(crate::neutralize::is_dangerous),
            "{text}"
        );
        assert!(text.contains("\\u007f") && text.contains("\\u009b") && text.contains("\\u202e"));
        let back: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(back["v"], evil);
    }
}
