//! Encodings and CSV framing: UTF-32, Windows-1252 whose only high bytes are typographic
//! punctuation, `|` as the delimiter, UTF-8 files joined with their byte order marks, and
//! Management Activity API content blobs one after another.

use super::check;

#[test]
fn utf32_with_its_byte_order_mark_is_decoded() {
    // Out-File -Encoding UTF32: it was "not a file of any known format (binary content (a
    // NUL byte at byte offset 0))", exit 2.
    let err = check("ual-lines-utf32le.jsonl");
    assert!(
        err.contains("decoded as UTF-32LE (byte order mark)"),
        "{err}"
    );
}

#[test]
fn windows_1252_whose_high_bytes_are_only_quotes_and_dashes_is_decoded() {
    // 'Seán O’Brien', 'Woodgrove – Fiber “Business”': every row was read with U+FFFD in the
    // name and the ISP (so its key changed with the file's encoding).
    let err = check("portal-cp1252-smart-quotes.csv");
    assert!(err.contains("decoded as Windows-1252"), "{err}");
    assert!(!err.contains("U+FFFD"), "{err}");
}

#[test]
fn a_pipe_delimited_export_csv_is_read() {
    // Export-Csv -Delimiter '|': it was "not a file of any known format (neither JSON nor
    // CSV)", exit 2.
    let err = check("sual-export-csv-pipe.csv");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
}

#[test]
fn joined_utf8_json_lines_and_api_content_blobs() {
    let err = check("ual-lines-joined-boms.jsonl");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
    let err = check("mgmt-api-blobs.json");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
}

#[test]
fn audit_data_written_without_quotes_is_framed_by_its_place_and_read() {
    // PowerShell 7 Export-Csv -UseQuotes Never: AuditData is split at its commas, and the
    // quotes that begin its pieces read as CSV quoting. Every other column holds one value
    // without a comma, so the row is put back by AuditData's place. Each row was skipped
    // ("CSV row has 54 fields where the header has 11 (its JSON column written without
    // quotes ...): export with quotes").
    let err = check("sual-export-csv-usequotes-never.csv");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
    assert!(
        err.contains("sual-export-csv-usequotes-never.csv:2: its JSON column is written without quotes (Export-Csv -UseQuotes Never): each such row is framed by the column's place (5 columns before it, 5 after, none quoted) and read"),
        "{err}"
    );
}

#[test]
fn the_end_of_file_mark_of_cmds_copy_is_no_record() {
    // `copy a+b all` (ASCII mode) ends the file with Ctrl+Z: it was a skipped record ("CSV
    // row has 1 fields where the header has 11", "truncated or invalid JSON on the last
    // line", "unexpected text between JSON values"), failing --strict.
    for file in [
        "sual-copy-joined.csv",
        "ual-lines-copy-joined.jsonl",
        "graph-pages-copy-joined.json",
    ] {
        let err = check(file);
        assert!(
            err.contains("5 records, 4 STS events, 0 skipped"),
            "{file}: {err}"
        );
    }
}

#[test]
fn mac_roman_of_excel_for_mac_is_decoded_and_said() {
    // Excel for Mac's CSV: 'Jörg Schäfer', 'Société Réseaux' were read as Windows-1252,
    // 'Jšrg SchŠfer' and 'SociŽtŽ RŽseaux', so the rows' keys changed with the file's
    // encoding.
    for file in ["portal-excel-mac-roman.csv", "portal-mac-roman-lf.csv"] {
        let err = check(file);
        assert!(err.contains("decoded as Mac Roman"), "{file}: {err}");
        assert!(!err.contains("decoded as Windows-1252"), "{file}: {err}");
    }
}

#[test]
fn utf16_without_a_byte_order_mark_holding_non_latin_names() {
    let err = check("portal-utf16le-nobom-cyrillic.csv");
    assert!(err.contains("decoded as UTF-16LE"), "{err}");
    check("ual-lines-utf16le-nobom-cjk.jsonl");
}
