//! What Excel does to a CSV it opens and saves again: booleans in the culture's words, and
//! Excel for Mac's line ends (CR alone).

use super::check;

#[test]
fn booleans_excel_wrote_in_the_cultures_words_are_read() {
    // IsAnonymousProxy FALSCH (de-DE) and FAUX (fr-FR): the flagged row's IsAnonymousProxy
    // was null instead of false.
    for file in [
        "portal-excel-de-booleans.csv",
        "portal-excel-fr-booleans.csv",
    ] {
        check(file);
    }
}

#[test]
fn records_ending_with_a_carriage_return_alone_are_read_and_said() {
    // "CSV (no known records), 0 records" with nothing said: every record was lost.
    let err = check("portal-excel-mac-cr.csv");
    assert!(err.contains("5 records, 4 STS events, 0 skipped"), "{err}");
    assert!(
        err.contains("records end with a carriage return alone (classic Mac OS line ends"),
        "{err}"
    );
}
