//! The date parsers: Kusto's `todatetime`, the export-column parser, and the query's
//! `todatetime(parse_json(tostring(v))[0])`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts_triage::dates::parse_export_time;
use sts_triage::kql;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_export_time(text);
    let strict = kql::todatetime(text);
    // Kusto's reading is the stricter one: whatever it reads, the export parser reads the same.
    if let Some(t) = strict {
        assert_eq!(parsed, Some(t), "{text:?}");
    }
    if let Some(t) = parsed {
        // A parsed time prints and reads back as itself.
        let printed = kql::format_datetime(&t);
        assert_eq!(parse_export_time(&printed), Some(t), "{text:?} -> {printed}");
    }
    let _ = kql::first_datetime_of(Some(&serde_json::Value::String(text.to_owned())));
});
