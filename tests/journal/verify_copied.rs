//! `sts-triage verify` of a hand-over whose evidence folder was copied elsewhere (newcomer 16,
//! finding 1): the report names the files it passed over (`## Not read`: a README, a script)
//! by the path it was made with, and those lines were compared as text, so an honest report
//! checked against the copy failed with four differences. They are now paired by their
//! SHA-256, as the files read are; a file passed over that changed is still caught.

use std::path::Path;

use crate::support::run_bin;

fn make(folder: &Path, journal: &Path, out: &Path, format: &str) {
    let o = run_bin(&[
        "report".as_ref(),
        "--format".as_ref(),
        format.as_ref(),
        "--journal".as_ref(),
        journal.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
        folder.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn verify(report: &Path, journal: &Path, folder: &Path) -> (Option<i32>, String) {
    let o = run_bin(&[
        "verify".as_ref(),
        "--report".as_ref(),
        report.as_os_str(),
        "--journal".as_ref(),
        journal.as_os_str(),
        folder.as_os_str(),
    ]);
    (o.status.code(), String::from_utf8(o.stdout).unwrap())
}

#[test]
fn a_folder_copied_elsewhere_verifies_and_a_changed_file_not_read_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (evidence, copy) = (dir.path().join("evidence"), dir.path().join("copy"));
    for f in [&evidence, &copy] {
        std::fs::create_dir(f).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbench.jsonl"),
            f.join("workbench.jsonl"),
        )
        .unwrap();
        std::fs::write(f.join("README.md"), "Exported by the IR team.\n").unwrap();
    }
    let journal = dir.path().join("case.journal.jsonl");
    for format in ["md", "json"] {
        let report = dir.path().join(format!("report.{format}"));
        make(&evidence, &journal, &report, format);
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.contains("evidence/README.md"), "{text}");
        let (code, out) = verify(&report, &journal, &copy);
        assert_eq!(code, Some(0), "{format}: {out}");
        assert!(out.contains("OK: the report matches"), "{format}: {out}");
    }
    std::fs::write(copy.join("README.md"), "Exported by the IR team. Edited.\n").unwrap();
    let (code, out) = verify(&dir.path().join("report.md"), &journal, &copy);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("DIFFERS") && l.contains("README.md")),
        "{out}"
    );
}
