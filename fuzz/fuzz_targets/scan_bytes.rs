//! The format detector and every loader: `sniff` on the bytes, then a whole scan of the
//! bytes written to a file (plain, and gzip when the input starts with the gzip magic), with
//! small limits so that the limit paths are reached too.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sts_triage::load::{ScanOptions, sniff};
use sts_triage::scan::scan_paths;

/// One file per fuzzing process, rewritten for every input.
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| std::env::temp_dir().join(format!("sts-triage-fuzz-{}", std::process::id())))
}

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);
    if std::fs::write(path(), data).is_err() {
        return;
    }
    for opts in [
        ScanOptions::default(),
        ScanOptions {
            max_record_bytes: 256,
            max_decompressed_bytes: 16 << 10,
            ..ScanOptions::default()
        },
    ] {
        let _ = scan_paths(std::slice::from_ref(path()), &opts);
    }
});
