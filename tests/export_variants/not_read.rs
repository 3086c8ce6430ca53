//! Files that hold records in a shape no reader can take whole, each named with what it is
//! and what to export instead; and an export that lacks the column the query reads.

use std::process::Command;

use super::{BIN, check, dir};

/// `scan` of a named file that is not read: its exit status and what it said.
fn refused(file: &str) -> String {
    let out = Command::new(BIN)
        .arg("scan")
        .arg(dir().join(file))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{file}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn powershell_views_clixml_and_workbooks_are_named() {
    // Each was "not a file of any known format (neither JSON nor CSV)", or for the
    // workbook "a zip archive: extract it first" (extracting gives XML, not records).
    let err = refused("sual-out-file-list.txt");
    assert!(err.contains("PowerShell's list or table view of objects (Format-List, Format-Table, or objects sent to Out-File), whose long values are cut to the console's width: not read; save the objects with Export-Csv or ConvertTo-Json -Depth 10"), "{err}");
    let err = refused("sual-export-clixml.xml");
    assert!(
        err.contains("PowerShell CliXML (Export-Clixml), not read: load it with Import-Clixml"),
        "{err}"
    );
    let err = refused("portal-saved-as.xlsx");
    assert!(
        err.contains(
            "an Office file (an Excel workbook is a zip archive of XML): save it as CSV UTF-8 first"
        ),
        "{err}"
    );
}

#[test]
fn an_export_of_the_displayed_columns_says_which_column_is_missing() {
    // Sentinel's "Export to CSV (displayed columns)": the near misses said only
    // "RawEventData is null", row by row.
    let err = check("sentinel-displayed-columns.csv");
    assert!(
        err.contains("sentinel-displayed-columns.csv:3: no RawEventData column (the displayed columns only?): the query reads the token times from it, so the STS rows can only be near misses; export all columns"),
        "{err}"
    );
}
