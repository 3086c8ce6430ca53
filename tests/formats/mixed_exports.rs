//! Real exports joined or appended in ways the first readers did not foresee (breaker16):
//! an Entra AuditLogs export joined to another in one file, a second header whose names
//! hold a comma, a quote or a control character, and UTF-8 appended to a UTF-16 export
//! (after a last line with no line end, or with its own byte order mark and header). Each
//! must give the rows and near misses the parts give loaded on their own.

use std::path::Path;

use super::{Scan, scan};

const SAMPLES: &str = "assets/samples";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(SAMPLES).join(name)).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The rows and near misses, with file names left out.
fn seen(s: &Scan) -> (Vec<String>, Vec<(String, String)>) {
    (s.rows.clone(), s.near_misses.keys().cloned().collect())
}

/// What the summary line counts from the STS events on (`STS events: 21 · rows flagged: 10
/// · near misses: 2 · records skipped: 0`), and the duplicates line's count.
fn counts(s: &Scan) -> (String, Option<String>) {
    let summary = s.stderr.lines().find(|l| l.starts_with("files: ")).unwrap();
    let from = summary.find("STS events:").unwrap();
    let duplicates = s
        .stderr
        .lines()
        .find(|l| l.contains(" duplicate records "))
        .map(|l| l.split(' ').next().unwrap().to_owned());
    (summary[from..].to_owned(), duplicates)
}

#[test]
fn an_entra_export_joined_to_another_in_one_file_folds_its_copies_as_the_files_apart() {
    // Breaker16 #3: each Entra record of a change that the other export has too gave a row
    // and a near miss of its own (35 STS events for 21), as two files did not.
    let tmp = tempfile::tempdir().unwrap();
    for (a, b) in [
        ("cloudappevents-portal.csv", "entra-auditlogs.csv"),
        ("ual-purview.csv", "entra-auditlogs.csv"),
        ("entra-auditlogs.csv", "cloudappevents-loganalytics.csv"),
    ] {
        let joined = write(tmp.path(), "all.csv", &[sample(a), sample(b)].concat());
        let apart = tmp.path().join(format!("apart-{a}"));
        std::fs::create_dir(&apart).unwrap();
        write(&apart, a, &sample(a));
        write(&apart, b, &sample(b));
        let (one, two) = (scan(&joined), scan(&apart));
        assert_eq!(seen(&one), seen(&two), "{a} + {b}\n{}", one.stderr);
        assert_eq!(counts(&one), counts(&two), "{a} + {b}\n{}", one.stderr);
        assert!(counts(&one).1.is_some(), "{a} + {b}: {}", one.stderr);
    }
}
