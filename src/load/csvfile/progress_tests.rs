//! The progress of a CSV file follows the bytes read (newbie: `report` of a 2M-row export
//! showed 0% for seconds): it was said every 50,000 rows, half of a 100,000-row export.

use std::io::Write;

use crate::load::{ScanMessage, ScanOptions, scan_file};

/// A browser's user agent, as sign-in records carry: rows of about 230 bytes.
const AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36";

#[test]
fn a_csv_export_s_progress_moves_from_its_first_mebibytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ual.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(f, "CreationDate,UserIds,Operations,AuditData").expect("write");
    for i in 0..100_000 {
        writeln!(
            f,
            "2024-01-01T00:00:00,u{i}@contoso.com,UserLoggedIn,\"{{\"\"Id\"\":\"\"{i}\"\",\"\"Operation\"\":\"\"UserLoggedIn\"\",\"\"UserAgent\"\":\"\"{AGENT}\"\"}}\""
        )
        .expect("write");
    }
    drop(f);
    let size = std::fs::metadata(&path).expect("size").len();
    let mut said = Vec::new();
    scan_file(&path, &ScanOptions::default(), &mut |m| {
        if let ScanMessage::Progress { bytes, .. } = m {
            said.push(bytes);
        }
    })
    .expect("scan");
    let first = said
        .iter()
        .copied()
        .find(|&b| b > 0)
        .expect("some progress");
    // Read in steps of 2 MiB (the csv reader's buffer): said after the first of 22 MiB.
    assert!(
        first * 4 <= size,
        "the first progress at {first} of {size} bytes: {said:?}"
    );
    let moves = said.windows(2).filter(|w| w[1] > w[0]).count();
    assert!(moves >= 5, "{moves} moves: {said:?}");
}
