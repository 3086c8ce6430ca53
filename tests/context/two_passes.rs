//! The workbench's two passes (the rows read without the context, then the context read
//! alone: `load::context_pass`) give the index a one-pass scan gives: every hint, context
//! line and related record of the report is the same, in every export shape the samples
//! hold (gzip included) and on JSON lines long enough for the scanning threads' blocks.

use super::*;
use sts_triage::context::ContextIndex;
use sts_triage::load::context_pass::{context_only_options, read_file_context};
use sts_triage::report::ReportContext;
use sts_triage::report::markdown_report;

/// The report with the context read in one pass, and with it read by a second pass over the
/// files the first one read.
pub(super) fn one_and_two_passes(paths: &[PathBuf]) -> (ScanReport, ScanReport) {
    let one = scan_paths(paths, &ScanOptions::default()).unwrap();
    let first = ScanOptions {
        context: false,
        ..ScanOptions::default()
    };
    let mut two = scan_paths(paths, &first).unwrap();
    assert!(two.context.is_empty(), "the first pass reads no context");
    let mut index = ContextIndex::default();
    let opts = context_only_options(&first);
    for f in two.files.clone() {
        let mut progress = Vec::new();
        read_file_context(Path::new(&f.path), &opts, &mut index, &mut |b| {
            progress.push(b);
        })
        .unwrap();
        assert!(
            progress.last().is_some_and(|&b| b > 0),
            "{}: progress",
            f.path
        );
    }
    two.put_context(index);
    (one, two)
}

fn report_text(report: &ScanReport) -> String {
    let ctx = ReportContext::new(report, "none.jsonl", false);
    markdown_report(report, &std::collections::HashMap::new(), &ctx)
}

#[test]
fn the_samples_read_in_two_passes_give_the_one_pass_report() {
    let (one, two) = one_and_two_passes(&[PathBuf::from("assets/samples")]);
    assert!(
        one.context.len() > 100,
        "records indexed: {}",
        one.context.len()
    );
    assert_eq!(two.context.len(), one.context.len());
    let (a, b) = (report_text(&one), report_text(&two));
    assert!(a.contains("related records;"), "{a}");
    assert_eq!(a, b);
}

#[test]
fn every_story_shape_read_in_two_passes_gives_the_one_pass_report() {
    for near in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let s = if near { near_story() } else { story() };
        for path in shapes(dir.path(), &s) {
            let (one, two) = one_and_two_passes(std::slice::from_ref(&path));
            assert_eq!(two.context.len(), one.context.len(), "{}", path.display());
            assert_eq!(report_text(&one), report_text(&two), "{}", path.display());
        }
    }
}

#[test]
fn json_lines_past_the_first_block_read_in_two_passes_give_the_one_pass_report() {
    // Past the first 1,000 records and the first 2 MiB block, the scanning threads' blocks
    // give the context: the context-only pass counts their lines instead of scanning them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    let sample = std::fs::read("assets/samples/cloudappevents-ah-api.jsonl").unwrap();
    let ual = std::fs::read("assets/samples/ual-management-api.jsonl").unwrap();
    let mut f = std::fs::File::create(&path).unwrap();
    for i in 0..26 {
        f.write_all(&sample).unwrap();
        if i % 10 == 0 {
            f.write_all(&ual).unwrap();
        }
    }
    // A last line without its newline.
    f.write_all(&sample[..sample.len() - 1]).unwrap();
    drop(f);
    let (one, two) = one_and_two_passes(std::slice::from_ref(&path));
    assert!(one.files[0].records > 1000, "{}", one.files[0].records);
    assert_eq!(two.context.len(), one.context.len());
    assert_eq!(report_text(&one), report_text(&two));
}
