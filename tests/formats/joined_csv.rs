//! CSV exports joined into one file (`cat a.csv b.csv > all.csv`, breaker 14 #1): the
//! second export's header starts its rows, which are read under it, as Kusto reads each
//! export loaded on its own; the analyst is told at which line. Built at run time from the
//! public samples (assets/samples), except the variant of tests/formats/variants.

use std::path::Path;

use super::{Scan, check_in, dir, scan};

const PORTAL: &str = "assets/samples/cloudappevents-portal.csv";
const LOG_ANALYTICS: &str = "assets/samples/cloudappevents-loganalytics.csv";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The rows and near misses, with any file name left out (to compare two scans).
fn seen(s: &Scan) -> (Vec<String>, Vec<(String, String)>) {
    (s.rows.clone(), s.near_misses.keys().cloned().collect())
}

#[test]
fn two_portal_exports_joined_with_the_columns_in_another_order_give_the_export_s_rows() {
    // The second half's columns in another order (object id ↔ name, IP ↔ ISP): read under
    // the first header, its STS events were lost with no word (breaker 14 #1).
    let s = check_in(&dir().join("variants"), "portal-joined-reordered");
    assert!(
        s.stderr.contains(
            "portal-joined-reordered.csv:5: a second header line: the rows after it are read \
             under it (the same 13 columns in another order"
        ),
        "{}",
        s.stderr
    );
    assert!(s.stderr.contains("records read: 5 "), "{}", s.stderr);
}

#[test]
fn portal_and_log_analytics_exports_joined_give_the_rows_of_each_loaded_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        std::fs::read(PORTAL).unwrap(),
        std::fs::read(LOG_ANALYTICS).unwrap(),
    );
    let joined = write(tmp.path(), "all.csv", &[a.clone(), b.clone()].concat());
    let apart = tmp.path().join("apart");
    std::fs::create_dir(&apart).unwrap();
    write(&apart, "portal.csv", &a);
    write(&apart, "la.csv", &b);
    let (one, two) = (scan(&joined), scan(&apart));
    assert_eq!(seen(&one), seen(&two));
    let header_line = bytecount(&a) + 1;
    assert!(
        one.stderr.contains(&format!(
            "all.csv:{header_line}: a second header line: the rows after it are read under it \
             (15 columns where the first header has 14"
        )),
        "{}",
        one.stderr
    );
    assert!(one.stderr.contains("records skipped: 0"), "{}", one.stderr);
}

fn bytecount(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// The file, its fields written again with `delimiter` (each quoted where needed).
fn with_delimiter(text: &[u8], delimiter: u8) -> Vec<u8> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_writer(Vec::new());
    for rec in r.byte_records() {
        w.write_byte_record(&rec.unwrap()).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn the_second_header_is_recognised_in_utf16_and_with_semicolons() {
    let tmp = tempfile::tempdir().unwrap();
    let variant = dir().join("variants/portal-joined-reordered.csv");
    let joined = std::fs::read(&variant).unwrap();
    // Its rows are the expected ones (the test above).
    let whole = scan(&variant);
    // `Export-Csv -Encoding Unicode` run twice and joined: a byte order mark before each
    // header.
    let text = String::from_utf8(joined.clone()).unwrap();
    let cut = text.find("\nTimestamp,").unwrap() + 1;
    let mut utf16 = Vec::new();
    for part in [&text[..cut], &text[cut..]] {
        utf16.extend_from_slice(&[0xff, 0xfe]);
        utf16.extend(part.encode_utf16().flat_map(u16::to_le_bytes));
    }
    let semi = with_delimiter(&joined, b';');
    for (name, bytes) in [("utf16.csv", utf16), ("semicolons.csv", semi)] {
        let s = scan(&write(tmp.path(), name, &bytes));
        assert_eq!(seen(&s), seen(&whole), "{name}\n{}", s.stderr);
        assert!(
            s.stderr
                .contains(&format!("{name}:5: a second header line")),
            "{name}\n{}",
            s.stderr
        );
    }
}

#[test]
fn a_cell_over_lines_after_a_second_header_of_another_width_is_read() {
    // The Log Analytics export (15 columns) joined after the portal's (14), each of its
    // user agents written over two lines: its rows were framed by the first header's width
    // before the csv reader saw the second header, and each was skipped as "a record of 15
    // fields where the header has 14".
    let tmp = tempfile::tempdir().unwrap();
    let a = std::fs::read(PORTAL).unwrap();
    let la = std::fs::read(LOG_ANALYTICS).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&la[..]);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut agent = None;
    for rec in r.records() {
        let mut cells: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        let at = *agent.get_or_insert_with(|| cells.iter().position(|c| c == "UserAgent").unwrap());
        if cells[at] != "UserAgent" {
            cells[at].push_str("\nsecond line of the agent");
        }
        w.write_record(&cells).unwrap();
    }
    let b = w.into_inner().unwrap();
    let joined = write(tmp.path(), "all.csv", &[a.clone(), b.clone()].concat());
    let apart = tmp.path().join("apart");
    std::fs::create_dir(&apart).unwrap();
    write(&apart, "portal.csv", &a);
    write(&apart, "la.csv", &b);
    let (one, two) = (scan(&joined), scan(&apart));
    assert!(one.stderr.contains("records skipped: 0"), "{}", one.stderr);
    assert!(
        !one.stderr.contains("where the header has 14"),
        "{}",
        one.stderr
    );
    assert_eq!(seen(&one), seen(&two));
}

#[test]
fn rows_skipped_after_a_header_of_no_known_shape_say_they_hold_the_sts_operation_and_point_at_it() {
    // The second export's header names no column this reader knows (`Action_Type`): its
    // rows have 15 fields under the first header's 14 and are skipped, each saying that it
    // holds the STS operation and which line looks like its header.
    let tmp = tempfile::tempdir().unwrap();
    let a = std::fs::read(PORTAL).unwrap();
    let b = String::from_utf8(std::fs::read(LOG_ANALYTICS).unwrap()).unwrap();
    let b = b.replacen("ActionType", "Action_Type", 1);
    let joined = write(tmp.path(), "all.csv", &[a.clone(), b.into_bytes()].concat());
    let s = scan(&joined);
    let header_line = bytecount(&a) + 1;
    assert!(
        s.stderr.contains(&format!(
            "CSV row has 15 fields where the header has 14; skipped; it holds the STS \
             operation's name (StsRefreshTokenValidFrom); it has the 15 fields of line \
             {header_line}, whose cells are all names: another export's header, joined after \
             the first?"
        )),
        "{}",
        s.stderr
    );
    assert!(!s.stderr.contains("a second header line"), "{}", s.stderr);
}
