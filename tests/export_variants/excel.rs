//! What Excel does to a CSV it opens and saves again: booleans in the culture's words.

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
