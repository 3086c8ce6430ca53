//! The committed variants are exactly what their generators write: run in a scratch folder
//! (the four generators, and the synthetic Entra download they read), every file they write
//! equals the committed one byte for byte, and every committed file is written by them.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The files under `dir` but its `.py` ones, as paths relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "__pycache__") {
                    stack.push(path);
                }
            } else if path.extension().is_none_or(|e| e != "py") {
                let rel = path.strip_prefix(dir).unwrap();
                out.insert(rel.to_string_lossy().into_owned());
            }
        }
    }
    out
}

#[test]
fn the_committed_variants_are_what_the_generators_write() {
    let formats = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats");
    let committed = formats.join("variants");
    let scratch = tempfile::tempdir().unwrap();
    let (variants, synthetic) = (
        scratch.path().join("variants"),
        scratch.path().join("synthetic"),
    );
    std::fs::create_dir_all(&variants).unwrap();
    std::fs::create_dir_all(&synthetic).unwrap();
    for entry in std::fs::read_dir(&committed).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            std::fs::copy(&path, variants.join(path.file_name().unwrap())).unwrap();
        }
    }
    for name in ["entra-download.csv", "entra-download.expected.jsonl"] {
        std::fs::copy(formats.join("synthetic").join(name), synthetic.join(name)).unwrap();
    }
    // make_variants2.py, make_variants3.py and make_variants4.py each import make_variants.py,
    // which writes its own files (split by class over the variants_*.py parts).
    for generator in [
        "make_variants2.py",
        "make_variants3.py",
        "make_variants4.py",
    ] {
        let out = Command::new("python3")
            .arg(generator)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .current_dir(&variants)
            .output()
            .expect("python3 runs the generators");
        assert!(
            out.status.success(),
            "{generator}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let written = files(&variants);
    assert_eq!(
        written,
        files(&committed),
        "files written and files committed"
    );
    for name in &written {
        let same = std::fs::read(variants.join(name)).unwrap()
            == std::fs::read(committed.join(name)).unwrap();
        assert!(same, "{name}: the committed bytes are not the generator's");
    }
}
