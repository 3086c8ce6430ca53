//! Event strings in the report: exact and neutralised in Markdown, guarded against formulas in
//! CSV.

use super::*;

#[test]
fn markdown_renders_event_strings_exactly_and_holds_no_raw_control() {
    let md = stdout(&report_with_fixture_journal("md"));
    assert_no_raw_controls(&md, "markdown");
    // Rendered (CommonMark with GFM tables), the note and the display name read exactly as
    // their neutralised values: a pipe, backticks and brackets included.
    let r = markdown::render(&md);
    let cells: BTreeSet<&str> = r.rows.iter().flatten().map(String::as_str).collect();
    assert!(
        cells.contains(
            "escape and bidi payload in the display name | see `INC-4711`\\x1b[2J; token re-validated 6360 min"
        ),
        "{cells:#?}"
    );
    assert!(cells.contains("evil\\x1b]0;pwned\\x07\\u{202e}admin@contoso.com"));
    // Every table row has exactly its columns: no value broke out of its cell.
    for row in &r.rows {
        assert!(row.len() == 19 || row.len() == 14, "{row:?}");
    }
    // Sections in order; nothing hidden.
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("no {s:?} in {md}"));
    assert!(at("## Suspicious rows (2)") < at("## Legitimate rows (2)"));
    assert!(at("## Legitimate rows (2)") < at("## Unreviewed rows (3)"));
    assert!(at("## Unreviewed rows (3)") < at("## Near misses marked suspicious (1)"));
    assert!(
        at("## Near misses marked suspicious (1)") < at("## Near misses marked legitimate (1)")
    );
    assert!(
        md.contains(
            "**Warning: 3 of 7 flagged rows and 1 of 3 near misses are still unreviewed.**"
        ),
        "{md}"
    );
    assert!(at("## Near misses marked legitimate (1)") < at("## Near misses not reviewed (1)"));
    assert!(md.contains("SHA-256 `"));
    assert!(
        r.text.contains("Analysts: alice, bob\n"),
        "carol decided nothing here"
    );
}

#[test]
fn csv_cells_are_guarded_against_formulas() {
    let mut scanned = ScanReport::default();
    let row = ResultRow {
        account_object_id: "-1".into(),
        account_display_name: "=HYPERLINK(\"http://x\",\"y\")".into(),
        role: "@SUM(A1)".into(),
        ip_address: "+1".into(),
        isp: "\tcmd".into(),
        ..ResultRow::default()
    };
    let key = row.key();
    scanned.apply(ScanMessage::ImportedRow {
        row,
        source: SourceRef {
            file: "=x.csv".into(),
            line: 2,
        },
    });
    let decisions = HashMap::from([(
        key,
        journal::Decision {
            verdict: Verdict::Suspicious,
            note: "=cmd|' /C calc'!A0".into(),
            analyst: "+ana".into(),
            time: "2024-03-01T09:00:00.000Z".into(),
            events: None,
            outside_chain: None,
        },
    )]);
    let mut out = Vec::new();
    report::write_csv(&mut out, &scanned, &decisions, &ReportContext::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    for (i, cell) in row.iter().enumerate() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "column {} is not guarded: {cell:?}",
            CSV_COLUMNS[i]
        );
    }
    assert_eq!(&row[1], "'=cmd|' /C calc'!A0");
    assert_eq!(&row[7], "'=x.csv:2", "sources");
    // No events behind an imported row: no times, and the Markdown says so.
    let md = report::markdown_report(&scanned, &decisions, &ReportContext::default());
    assert!(md.contains("Time range of the STS events (UTC): none recorded"));
    assert!(md.contains("\\=HYPERLINK") || md.contains("=HYPERLINK"));
}
