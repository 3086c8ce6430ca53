//! Day-first dates in JSON (make_variants4.py): a JSON file has no column whose values settle
//! the order, but each record's own UTC CreationTime does.

use super::check;

#[test]
fn day_first_dates_of_an_import_csv_convertto_json_follow_each_records_creation_time() {
    // `05/11/2024 16:42:19` (en-GB) and `05.11.2024 16:42:19` (de-DE) were read month-first,
    // with nothing said: 11 May, tokenMinutesRemaining -256320 for 0 and -161085 for 52035.
    for file in [
        "portal-import-csv-convertto-json.json",
        "portal-import-csv-json-lines.jsonl",
    ] {
        check(file);
    }
}
