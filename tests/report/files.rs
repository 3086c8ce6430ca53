//! The report's files: `--output` written whole and never over an input, and each input's
//! SHA-256 of its bytes as stored (a gzip file hashed compressed).

use super::*;

#[test]
fn output_file_is_written_whole_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    std::fs::copy(manifest_dir().join(FIXTURE), &input).unwrap();
    let target = dir.path().join("report.md");
    let out = run(&[
        "report",
        input.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(&target).unwrap();
    assert!(md.starts_with("# Findings: UpdateStsRefreshToken[Solorigate]\n"));

    let original = std::fs::read(&input).unwrap();
    let out = run(&[
        "report",
        input.to_str().unwrap(),
        "--output",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("never written"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&input).unwrap(), original);
}

#[test]
fn sha256_is_of_the_bytes_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("abc.gz");
    std::fs::write(&p, b"abc").unwrap();
    assert_eq!(
        report::sha256_file(&p).unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // Larger than one read block.
    let big = vec![b'a'; 1_000_000];
    std::fs::write(&p, &big).unwrap();
    assert_eq!(
        report::sha256_file(&p).unwrap(),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn a_gzip_input_is_hashed_compressed() {
    use sha2::{Digest, Sha256};
    let gz = "assets/samples/cloudappevents-ah-api.jsonl.gz";
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("none.jsonl");
    let out = run(&[
        "report",
        gz,
        "--journal",
        journal.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let stored = std::fs::read(manifest_dir().join(gz)).unwrap();
    assert_eq!(&stored[..2], [0x1f, 0x8b]);
    let expected: String = Sha256::digest(&stored)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v["files"][0]["sha256"], expected.as_str());
    assert_eq!(v["files"][0]["bytes"], stored.len());
    assert!(!journal.exists());
}
