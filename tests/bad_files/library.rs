//! Every bad file through the library: no panic, each reported.

use super::*;

#[test]
fn the_library_never_panics_on_the_bad_files_and_reports_each() {
    // Every bad file above, through the library: problems carry the file and a line.
    let dir = tempfile::tempdir().unwrap();
    let good = rec("a1", "alice@x");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("t.jsonl", format!("{good}\n{}", &good[..40]).into_bytes()),
        ("t.json", format!("[{good},{}", &good[..40]).into_bytes()),
        (
            "t.csv",
            format!(
                "{PURVIEW_HEADER}\n{}\n\"unclosed,",
                purview_row("c", "alice@x")
            )
            .into_bytes(),
        ),
        (
            "t.gz",
            truncated_gzip(
                format!(
                    "{good}\n{}\n{}\n",
                    (0..50).map(other_rec).collect::<Vec<_>>().join("\n"),
                    rec("z", "zed@x")
                )
                .as_bytes(),
                20,
            ),
        ),
    ];
    for (name, data) in cases {
        let p = write(dir.path(), name, &data);
        let report = scan_paths(std::slice::from_ref(&p), &ScanOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.findings.len(), 1, "{name}: {:?}", report.problems);
        assert!(!report.problems.is_empty(), "{name}: no problem reported");
        for prob in &report.problems {
            assert_eq!(&*prob.file, p.display().to_string(), "{name}");
            assert!(prob.line.is_some(), "{name}: {prob}");
        }
    }
}
