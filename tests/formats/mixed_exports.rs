//! Real exports joined or appended in ways the first readers did not foresee (breaker16):
//! an Entra AuditLogs export joined to another in one file, a second header whose names
//! hold a comma, a quote or a control character, and UTF-8 appended to a UTF-16 export
//! (after a last line with no line end, or with its own byte order mark and header). Each
//! must give the rows and near misses the parts give loaded on their own.

use std::path::Path;

use super::{Scan, scan};

const SAMPLES: &str = "assets/samples";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(SAMPLES).join(name)).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The rows and near misses, with file names left out.
fn seen(s: &Scan) -> (Vec<String>, Vec<(String, String)>) {
    (s.rows.clone(), s.near_misses.keys().cloned().collect())
}

/// What the summary line counts from the STS events on (`STS events: 21 · rows flagged: 10
/// · near misses: 2 · records skipped: 0`), and the duplicates line's count.
fn counts(s: &Scan) -> (String, Option<String>) {
    let summary = s.stderr.lines().find(|l| l.starts_with("files: ")).unwrap();
    let from = summary.find("STS events:").unwrap();
    let duplicates = s
        .stderr
        .lines()
        .find(|l| l.contains(" duplicate records "))
        .map(|l| l.split(' ').next().unwrap().to_owned());
    (summary[from..].to_owned(), duplicates)
}

fn records(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn rows_of(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn utf16le(text: &[u8]) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    out.extend(
        std::str::from_utf8(text)
            .unwrap()
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    out
}

#[test]
fn an_entra_export_joined_to_another_in_one_file_folds_its_copies_as_the_files_apart() {
    // Breaker16 #3: each Entra record of a change that the other export has too gave a row
    // and a near miss of its own (35 STS events for 21), as two files did not.
    let tmp = tempfile::tempdir().unwrap();
    for (a, b) in [
        ("cloudappevents-portal.csv", "entra-auditlogs.csv"),
        ("ual-purview.csv", "entra-auditlogs.csv"),
        ("entra-auditlogs.csv", "cloudappevents-loganalytics.csv"),
    ] {
        let joined = write(tmp.path(), "all.csv", &[sample(a), sample(b)].concat());
        let apart = tmp.path().join(format!("apart-{a}"));
        std::fs::create_dir(&apart).unwrap();
        write(&apart, a, &sample(a));
        write(&apart, b, &sample(b));
        let (one, two) = (scan(&joined), scan(&apart));
        assert_eq!(seen(&one), seen(&two), "{a} + {b}\n{}", one.stderr);
        assert_eq!(counts(&one), counts(&two), "{a} + {b}\n{}", one.stderr);
        assert!(counts(&one).1.is_some(), "{a} + {b}: {}", one.stderr);
    }
}

#[test]
fn a_second_header_with_a_comma_a_quote_or_a_control_character_in_a_name_is_a_header() {
    // Breaker16 #4: such a header was read as a row under the first, and so was every row
    // after it: skipped, their STS events lost.
    let tmp = tempfile::tempdir().unwrap();
    let first = sample("ual-purview.csv");
    let second = rows_of(&sample("cloudappevents-portal.csv"));
    let with_column = |name: &str| {
        let rows: Vec<Vec<String>> = second
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut r = r.clone();
                r.push(if i == 0 {
                    name.to_owned()
                } else {
                    "x".to_owned()
                });
                r
            })
            .collect();
        [first.clone(), records(&rows)].concat()
    };
    let plain = scan(&write(tmp.path(), "plain.csv", &with_column("Extra")));
    assert!(
        plain.stderr.contains("records skipped: 0"),
        "{}",
        plain.stderr
    );
    let header_line = first.iter().filter(|&&b| b == b'\n').count() + 1;
    for (i, name) in ["a,b", "a\"b", "a\x1bb", "\x1b[31mEVIL\x1b]0;x\x07"]
        .iter()
        .enumerate()
    {
        let file = format!("odd{i}.csv");
        let s = scan(&write(tmp.path(), &file, &with_column(name)));
        assert_eq!(seen(&s), seen(&plain), "{name:?}\n{}", s.stderr);
        assert!(
            s.stderr.contains("records skipped: 0"),
            "{name:?}\n{}",
            s.stderr
        );
        assert!(
            s.stderr
                .contains(&format!("{file}:{header_line}: a second header line")),
            "{name:?}\n{}",
            s.stderr
        );
    }
}

#[test]
fn a_byte_order_mark_before_a_quoted_header_again_is_no_record() {
    // Breaker16 #10: a UTF-8 part that starts with its byte order mark and every field
    // quoted repeated the header as a record (28 records for 27), after a UTF-16 part as
    // after a UTF-8 one.
    let tmp = tempfile::tempdir().unwrap();
    let whole = scan(Path::new(SAMPLES).join("ual-purview.csv").as_path());
    let rows = rows_of(&sample("ual-purview.csv"));
    let mut head = records(&rows[..14]);
    let tail = [
        b"\xef\xbb\xbf".to_vec(),
        records(&[&rows[..1], &rows[14..]].concat()),
    ]
    .concat();
    for (name, first) in [
        (
            "utf8.csv",
            [b"\xef\xbb\xbf".to_vec(), head.clone()].concat(),
        ),
        ("utf16.csv", utf16le(&std::mem::take(&mut head))),
    ] {
        let s = scan(&write(tmp.path(), name, &[first, tail.clone()].concat()));
        assert_eq!(seen(&s), seen(&whole), "{name}\n{}", s.stderr);
        assert!(
            s.stderr.contains("records read: 27 "),
            "{name}\n{}",
            s.stderr
        );
        assert!(
            s.stderr.contains(&format!(
                "{name}:15: the header again (exports joined one after another): passed over"
            )),
            "{name}\n{}",
            s.stderr
        );
    }
}

#[test]
fn utf8_rows_appended_to_a_utf16_export_whose_last_line_has_no_end_are_read() {
    // Breaker16 #1: decoded as UTF-16 they were glued to the last row's last cell (CSV:
    // lost with no word) or read as one line of CJK-looking text (JSON: said, not read).
    let tmp = tempfile::tempdir().unwrap();
    for (name, lines) in [("ual-purview.csv", 14), ("ual-management-api.jsonl", 4)] {
        let whole = scan(Path::new(SAMPLES).join(name).as_path());
        let bytes = sample(name);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        // The first `lines` lines, the last without its line end.
        let cut = text.match_indices('\n').nth(lines - 1).unwrap().0;
        let first = text[..cut].trim_end_matches('\r');
        for join in ["", "\n", "\r\n"] {
            let file = format!("glued{}{name}", join.len());
            let mut out = utf16le(first.as_bytes());
            let utf8_at = out.len();
            out.extend_from_slice(join.as_bytes());
            out.extend_from_slice(&text.as_bytes()[cut + 1..]);
            let s = scan(&write(tmp.path(), &file, &out));
            assert_eq!(seen(&s), seen(&whole), "{file}\n{}", s.stderr);
            assert_eq!(counts(&s), counts(&whole), "{file}\n{}", s.stderr);
            assert!(
                s.stderr.contains(&format!(
                    "{file}:{}: UTF-8 text from byte {utf8_at} in a file read as UTF-16LE",
                    lines + 1
                )),
                "{file}\n{}",
                s.stderr
            );
        }
    }
}
