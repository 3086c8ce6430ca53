//! Record classification and the rule on arbitrary JSON: any value, in any envelope.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sts_triage::load::record::{Origin, classify};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let file: Arc<str> = Arc::from("fuzz");
    let raw = String::from_utf8_lossy(data);
    let origin = Origin {
        file: &file,
        line: 1,
        raw: &raw,
    };
    let _ = classify(value, &origin);
});
