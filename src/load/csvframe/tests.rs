//! The framer's records, skips and notes on small inputs.

use super::quoting::{ends_inside, shape};
use super::*;
use std::sync::Arc;

fn frame(input: &str, limit: usize) -> (String, Vec<(u64, String)>) {
    let skipped = Arc::new(Skipped::default());
    let mut framer = Framer::new(
        Box::new(io::Cursor::new(input.as_bytes().to_vec())),
        b',',
        limit,
        skipped.clone(),
        |_| false,
        0,
    );
    let mut out = String::new();
    framer.read_to_string(&mut out).unwrap();
    let said = skipped.take_before(None);
    (out, said.into_iter().map(|s| (s.line, s.message)).collect())
}

#[test]
fn whole_records_pass_unchanged() {
    let input = "a,b,c\n1,\"x,\"\"y\"\"\",3\r\n4,\"multi\nline\",6\n7,O\"Brien,9\n10,11,\"cut";
    let (out, skipped) = frame(input, 1 << 20);
    assert_eq!(out, input);
    assert!(skipped.is_empty(), "{skipped:?}");
}

#[test]
fn an_unclosed_quote_costs_one_record_and_the_rows_after_are_read() {
    let input = "a,b,c\n1,\"never closes,3\n4,5,6\n7,\"8\",9\n";
    let (out, skipped) = frame(input, 1 << 20);
    assert_eq!(out, "a,b,c\n\n4,5,6\n7,\"8\",9\n");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, 2);
    assert!(
        skipped[0]
            .1
            .contains("and line 3 starts a row of its own: line 2 skipped; reading on at line 3"),
        "{skipped:?}"
    );
}

#[test]
fn a_bad_record_followed_by_a_cell_over_lines_resumes_at_its_start() {
    let input = "a,b,c\n1,\"cut \"\"x\n2,3,\"multi\n\"\"line\"\"\"\n4,5,6\n";
    let (out, skipped) = frame(input, 1 << 20);
    assert_eq!(out, "a,b,c\n\n2,3,\"multi\n\"\"line\"\"\"\n4,5,6\n");
    assert!(
        skipped[0]
            .1
            .contains("line 2 skipped; reading on at line 3"),
        "{skipped:?}"
    );
}

#[test]
fn a_cell_over_lines_that_holds_a_row_like_line_is_read_whole_and_said() {
    let input = "a,b,c\n1,2,\"name\nx,y,z\nend\"\n4,5,6\n";
    let (out, skipped) = frame(input, 1 << 20);
    assert_eq!(out, input);
    assert_eq!(skipped.len(), 1);
    assert!(
        skipped[0]
            .1
            .contains("holds 1 line that reads as a row of its own; read as one record")
    );
}

#[test]
fn lines_that_are_no_rows_go_with_the_bad_record() {
    let input = "a,b,c\n1,\"open\nfragment\n4,5,6\n";
    let (out, skipped) = frame(input, 1 << 20);
    assert_eq!(out, "a,b,c\n\n\n4,5,6\n");
    assert!(
        skipped[0]
            .1
            .contains("lines 2-3 skipped; reading on at line 4")
    );
}

#[test]
fn the_record_limit_ends_a_quote_and_the_reading_goes_on() {
    let filler = "no row here\n".repeat(20);
    let input = format!("a,b,c\n1,2,\"open\n{filler}4,5,6\n");
    let (out, skipped) = frame(&input, 100);
    assert!(out.ends_with("4,5,6\n"), "{out}");
    assert_eq!(out.matches('\n').count(), input.matches('\n').count());
    assert!(
        skipped[0]
            .1
            .contains("never closes within the 100 byte record limit")
    );
}

#[test]
fn an_over_long_line_is_skipped_alone() {
    let input = format!("a,b\n{}\n1,2\n", "x".repeat(300));
    let (out, skipped) = frame(&input, 100);
    assert_eq!(out, "a,b\n\n1,2\n");
    assert_eq!(skipped[0].0, 2);
}

#[test]
fn a_quote_at_the_end_of_the_file_and_a_multi_line_cell_of_the_wrong_width() {
    let (out, skipped) = frame("a,b,c\n1,2,3\n4,\"x\ny\",5,6\n", 1 << 20);
    assert_eq!(out, "a,b,c\n1,2,3\n\n\n");
    assert!(
        skipped[0]
            .1
            .contains("makes a record of 4 fields where the header has 3")
    );
    // A file cut inside its last cell: the record is handed on (the cut is named later).
    let (out, skipped) = frame("a,b,c\n1,2,\"3\nx\n", 1 << 20);
    assert_eq!(out, "a,b,c\n1,2,\"3\nx\n");
    assert!(skipped.is_empty());
    let (out, skipped) = frame("a,b,c\n1,\"3\nx\n", 1 << 20);
    assert_eq!(out, "a,b,c\n\n\n");
    assert!(
        skipped[0]
            .1
            .contains("never closes before the end of the file: lines 2-3")
    );
}

#[test]
fn quoting_follows_the_csv_reader() {
    assert!(!ends_inside(b"a,O\"Brien,c", b',', false));
    assert!(ends_inside(b"a,\"b\"\",c", b',', false));
    assert!(!ends_inside(b"x\",y", b',', true));
    assert!(ends_inside(b"x\"\"y", b',', true));
    let s = shape(b"1,\"a\nb\",\"c\"\"d\"", b',');
    assert!((s.fields, s.well_formed, s.open) == (3, true, false));
    assert!(!shape(b"1,\"a\"b,c", b',').well_formed);
}

/// The framer's output does not depend on how the input arrives or how much is asked at a
/// time (lines cut across reads, the fast path's kept line starts, the slow path).
#[test]
fn the_output_does_not_depend_on_read_sizes() {
    let inputs = [
        "a,b,c\n1,\"x,\"\"y\"\"\",3\r\n4,\"multi\nline\",6\n7,O\"Brien,9\n10,11,\"cut",
        "a,b,c\n1,\"never closes,3\n4,5,6\n7,\"8\",9\n",
        "a,b,c\n1,\"cut \"\"x\n2,3,\"multi\n\"\"line\"\"\"\n4,5,6\n",
        "a,b,c\n1,2,\"name\nx,y,z\nend\"\n4,5,6\n1,\"open\nfragment\n4,5,6\n",
    ];
    for input in inputs {
        let (whole, said) = frame(input, 1 << 20);
        for capacity in [1, 3, 7, 16, 64] {
            for ask in [1, 2, 5, 17, 64, 4096] {
                let skipped = Arc::new(Skipped::default());
                let mut framer = Framer::new(
                    Box::new(io::BufReader::with_capacity(
                        capacity,
                        io::Cursor::new(input.as_bytes().to_vec()),
                    )),
                    b',',
                    1 << 20,
                    skipped.clone(),
                    |_| false,
                    0,
                );
                let mut out = Vec::new();
                let mut buf = vec![0u8; ask];
                loop {
                    let n = framer.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    out.extend_from_slice(&buf[..n]);
                }
                assert_eq!(String::from_utf8(out).unwrap(), whole, "{capacity} {ask}");
                let got: Vec<_> = skipped
                    .take_before(None)
                    .into_iter()
                    .map(|s| (s.line, s.message))
                    .collect();
                assert_eq!(got, said, "{capacity} {ask}");
            }
        }
    }
}
