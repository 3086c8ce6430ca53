//! Batch 17 (make_variants4.py): more files of every class of tests/formats, under the other
//! defaults of the tools that write them. Each gave the right rows already when written; they
//! stay as tests so that no later change of the loader loses them.

use super::check;

#[test]
fn search_unifiedauditlog_csv_under_other_powershell_defaults() {
    for file in [
        "sual-export-csv-tab.csv",
        "sual-useculture-fr-fr.csv",
        "sual-ps7-invariant-culture.csv",
    ] {
        let err = check(file);
        assert!(
            err.contains(
                "CreationDate: every date reads both ways; the records' CreationTime shows they are"
            ),
            "{file}: {err}"
        );
    }
    let err = check("sual-export-csv-utf16be-bom.csv");
    assert!(err.contains("decoded as UTF-16BE"), "{err}");
}

#[test]
fn result_objects_whose_creation_date_is_a_dotnet_json_date_with_offset_or_display_hint() {
    check("sual-ps51-date-offset.json");
    check("sual-ps51-date-displayhint.json");
}

#[test]
fn utf16_files_without_bom_with_lf_and_as_one_pretty_array() {
    let err = check("ual-lines-utf16be-nobom.jsonl");
    assert!(
        err.contains("decoded as UTF-16BE (no byte order mark"),
        "{err}"
    );
    check("ual-lines-utf16le-lf.jsonl");
    check("ual-array-ps51-out-file.json");
}

#[test]
fn graph_records_pages_appended_reordered_in_windows_1252_and_with_text_audit_data() {
    for file in [
        "graph-pages-ps51-append.json",
        "graph-pages-nextlink-first.json",
        "graph-records-auditdata-text.jsonl",
        "directory-audits-nextlink-first.json",
    ] {
        check(file);
    }
    let err = check("graph-pages-cp1252.json");
    assert!(err.contains("decoded as Windows-1252"), "{err}");
    // The hashtable class under -UseCulture de-DE: each near miss under its own id.
    check("graph-records-hashtable-de.csv");
}

#[test]
fn cloudappevents_of_the_hunting_apis() {
    check("graph-run-hunting-query.json");
    check("defender-api-run-response.json");
}

#[test]
fn audit_data_cut_in_a_utf16_tab_file_and_a_semicolon_file() {
    check("sual-cut-utf16-tab.csv");
    check("sual-cut-useculture-de.csv");
}

#[test]
fn the_same_records_in_an_archive_copy_and_in_three_encodings_count_once() {
    let err = check("overlapping-archive-copy");
    assert!(
        err.contains("4 duplicate records (same id, or the same change in another export): each event counted once"),
        "{err}"
    );
    let err = check("overlapping-encodings");
    assert!(
        err.contains("8 duplicate records (same id, or the same change in another export): each event counted once"),
        "{err}"
    );
}

#[test]
fn windows_1252_in_a_column_the_query_does_not_return_and_in_an_excel_saved_sual_csv() {
    for file in ["portal-cp1252-city.csv", "sual-excel-cp1252.csv"] {
        let err = check(file);
        assert!(err.contains("decoded as Windows-1252"), "{file}: {err}");
    }
    check("portal-rawevent-multiline.csv");
}

#[test]
fn day_first_log_analytics_and_portal_dates_settled_by_creation_time() {
    for file in ["la-cloudappevents-en-gb.csv", "portal-de-de-seconds.csv"] {
        let err = check(file);
        assert!(err.contains("day-first"), "{file}: {err}");
    }
}
