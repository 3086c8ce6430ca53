//! Pages, blobs and CSV columns in the orders and joins other tools write (make_variants3.py):
//! every record read once, none left out.

use super::check;

#[test]
fn graph_pages_and_api_blobs_joined_without_separators_or_with_byte_order_marks() {
    for file in [
        "graph-pages-no-separator.json",
        "graph-pages-ps51-boms.json",
        "mgmt-api-blobs-no-separator.json",
        "mgmt-api-blobs-ps51.json",
    ] {
        let err = check(file);
        assert!(
            err.contains("5 records, 4 STS events, 0 skipped"),
            "{file}: {err}"
        );
    }
}

#[test]
fn csv_exports_with_their_json_column_anywhere() {
    for file in [
        "purview-new-search.csv",
        "sentinel-cae-rawevent-middle.csv",
        "ah-csv-rawevent-first.csv",
        "sual-usequotes-asneeded.csv",
    ] {
        let err = check(file);
        assert!(
            err.contains("5 records, 4 STS events, 0 skipped"),
            "{file}: {err}"
        );
    }
}

#[test]
fn audit_data_powershell_7_wrote_as_a_type_name_is_named_under_each_identity() {
    check("sual-ps7-hashtable.json");
}

#[test]
fn purviews_columns_written_without_quotes_are_read_where_their_place_frames_them() {
    // Each row was "CSV row has 51 fields where the header has 8 (...): export with quotes;
    // skipped". A row whose UserId holds a comma cannot be framed without doubt: skipped
    // and said, never read with shifted columns.
    let err = check("purview-usequotes-never.csv");
    assert!(err.contains("6 records, 4 STS events, 1 skipped"), "{err}");
    assert!(
        err.contains("purview-usequotes-never.csv:7: CSV row has 52 fields where the header has 8 (its JSON column written without quotes, as Export-Csv -UseQuotes Never does, is split at its commas: export with quotes); skipped"),
        "{err}"
    );
}
