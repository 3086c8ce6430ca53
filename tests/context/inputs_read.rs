//! Standard input and gzip files are indexed like the others.

use super::*;

#[test]
fn standard_input_and_gzip_are_indexed_too() {
    let dir = tempfile::tempdir().unwrap();
    let plain = lines(story().iter().enumerate().map(|(i, e)| ual(e, i)));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(plain.as_bytes()).unwrap();
    let gz_path = dir.path().join("ual.jsonl.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let from_gzip = scan(&gz_path, true);
    assert_eq!(from_gzip.context.len(), story().len());

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(plain.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let helpdesk = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["account_display_name"] == HELPDESK)
        .unwrap();
    assert_eq!(helpdesk["targets"], json!([VICTIM]));
    assert!(
        helpdesk["context"]
            .as_str()
            .unwrap()
            .starts_with("reset by the same actor 1 s before")
    );
    let related = helpdesk["related"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["operation"] == "Reset user password." && r["source"] == "(stdin):3"),
        "{related:?}"
    );
}
