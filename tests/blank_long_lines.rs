#![allow(clippy::panic, clippy::unwrap_used)]
//! A line of blanks is never a record, however long (README, *Limits*): one over the record
//! limit is passed over as a blank line is, neither counted as a record nor reported as
//! skipped, whether the file is read in blocks at positions (by its path) or as a stream
//! (gzip: blocks where the reads end). A long line whose blanks end in something else is a
//! record over the limit, skipped and reported with its line, in both readers.

use std::io::Write;
use std::path::{Path, PathBuf};

use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

const LIMIT: usize = 1 << 20;

fn row(id: u32) -> String {
    format!(
        r#"{{"Timestamp":"2024-03-01T10:00:0{id}.000Z","ActionType":"Update StsRefreshTokenValidFrom Timestamp.","AccountObjectId":"7c1d0e55-0000-4000-8000-00000000000{id}","AccountDisplayName":"user{id}@contoso.example","IPAddress":"192.0.2.{id}","ReportId":"r-{id}","RawEventData":{{}}}}"#
    )
}

/// Rows at lines 1, 3, 5 and 7; line 2 is `long` (past the 4 MiB read block), line 4 blanks
/// over the limit inside one block, line 6 a short blank line.
fn file_with(long: &str) -> String {
    format!(
        "{}\n{long}\n{}\n{}\r\n{}\n \t\n{}\n",
        row(1),
        row(2),
        " ".repeat(LIMIT + 10),
        row(3),
        row(4)
    )
}

fn scan(path: &Path) -> ScanReport {
    let opts = ScanOptions {
        max_record_bytes: LIMIT,
        ..ScanOptions::default()
    };
    scan_paths(&[path.to_path_buf()], &opts).unwrap()
}

/// The file as it is and gzipped (read as a stream).
fn both_readers(dir: &Path, name: &str, data: &str) -> [PathBuf; 2] {
    let plain = dir.join(format!("{name}.jsonl"));
    std::fs::write(&plain, data).unwrap();
    let gz = dir.join(format!("{name}.jsonl.gz"));
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    [plain, gz]
}

fn lines_of_events(report: &ScanReport) -> Vec<u64> {
    let mut lines: Vec<u64> = report.events.iter().map(|e| e.source.line).collect();
    lines.sort_unstable();
    lines
}

#[test]
fn a_line_of_blanks_over_the_record_limit_is_a_blank_line() {
    let dir = tempfile::tempdir().unwrap();
    let blanks = " \t".repeat(5 << 19) + "\r";
    for path in both_readers(dir.path(), "blanks", &file_with(&blanks)) {
        let report = scan(&path);
        assert_eq!(
            report.skipped(),
            0,
            "{}: {:?}",
            path.display(),
            report.problems
        );
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.records(), 4, "{}", path.display());
        assert_eq!(lines_of_events(&report), [1, 3, 5, 7], "{}", path.display());
    }
}

#[test]
fn blanks_that_end_in_a_record_are_a_record_over_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Blanks past the limit, then a record: the first byte that is not a blank comes after
    // the reader has passed the limit.
    let long = " ".repeat(5 << 20) + &row(9);
    for path in both_readers(dir.path(), "ends", &file_with(&long)) {
        let report = scan(&path);
        assert_eq!(report.skipped(), 1, "{}", path.display());
        assert_eq!(report.records(), 5, "{}", path.display());
        let lines: Vec<Option<u64>> = report.problems.iter().map(|p| p.line).collect();
        assert_eq!(
            lines,
            [Some(2)],
            "{}: {:?}",
            path.display(),
            report.problems
        );
        assert!(report.problems[0].message.contains("record limit"));
        assert_eq!(lines_of_events(&report), [1, 3, 5, 7], "{}", path.display());
    }
}
