//! Text that hides or floods: a display name carrying a million combining marks (which take
//! no screen column, so a cut by columns kept them all: 2 MB to the terminal a redraw), and
//! characters the `ctrl` hint must see however the export spelled them (raw or as a JSON
//! escape, in a field that is not one of the row's own, the user agent).

use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::neutralize::is_dangerous;
use sts_triage::scan::scan_paths;

use crate::output::{accounts_file, copied_rows, run};

/// How many U+0301 the flooded name carries (the breaker's had 1,000,000; a tenth is as
/// telling and keeps the test quick).
const MARKS: usize = 100_000;

#[test]
fn a_flood_of_combining_marks_is_shown_in_a_few_bytes_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let flood = format!("Contoso Admin{}", "\u{301}".repeat(MARKS));
    let names = [flood.as_str(), "Contoso Admin"];
    let file = accounts_file(dir.path(), "zalgo.jsonl", &names, |_| {
        "admin@contoso.com".to_owned()
    });
    let hidden = format!(
        "Contoso Admin\u{301}\u{301}\u{301}\u{301}\\u{{301}}×{}",
        MARKS - 4
    );
    let copied = copied_rows(&file, 2, |screen| {
        // 160×30 cells of at most a few bytes each: the marks are not drawn.
        assert!(screen.len() < 40_000, "{} bytes on screen", screen.len());
        // The Account column (20 wide) cuts the escape: what shows is its start.
        let row = screen.lines().find(|l| l.contains("\\u{301…")).unwrap();
        assert!(row.contains("ctrl") && row.contains('⚠'), "{row}");
    });
    assert!(copied.len() < 4_000, "{} bytes copied", copied.len());
    assert!(copied.contains(&hidden), "{copied}");
    let md = run(&["report", "-q", file.to_str().unwrap()]);
    assert!(md.len() < 20_000, "{} bytes of report", md.len());
    assert!(md.contains(&format!("`{hidden}`")), "{md}");
    let csv = run(&["scan", "--format", "csv", file.to_str().unwrap()]);
    assert!(csv.contains(&hidden) && csv.len() < 4_000, "{csv}");
}

/// One flagged CloudAppEvents line whose UserAgent (no column of the row) is `ua` as JSON
/// writes it.
fn ua_line(id: u32, ua_json: &str) -> String {
    let line = crate::output::account_line_by(&format!("UA test {id}"), "admin@contoso.com", id);
    line.replacen('{', &format!("{{\"UserAgent\":\"{ua_json}\","), 1)
}

#[test]
fn the_ctrl_hint_reads_the_decoded_value_of_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ua.jsonl");
    let lines = [
        ua_line(1, "Mozilla\u{1b}]0;x\u{7}"), // raw ESC and BEL (invalid JSON, kept)
        ua_line(2, "Mozilla"),                // nothing hidden
        ua_line(3, "Mozilla\\u202e"),         // a bidi override, escaped
        ua_line(4, "Mozilla\\u001b]0;x\\u0007"), // the same ESC, escaped
        ua_line(5, "Mozilla\u{202e}"),        // the override as UTF-8
        ua_line(6, "Mozilla\\udb40\\udc41"),  // a tag character, as a surrogate pair
        ua_line(7, "Mozilla\\u1680x"),        // the Ogham space mark
        ua_line(8, "Mozilla\\u00e9\\r\\n\\u000d"), // an accent and line breaks: ordinary
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let scanned = scan_paths(std::slice::from_ref(&file), &ScanOptions::default()).unwrap();
    let inputs = Inputs::new(&scanned, HintConfig::default());
    let mut flagged: Vec<(String, bool)> = scanned
        .findings
        .iter()
        .map(|f| {
            let ctrl = inputs.finding_hints(f).iter().any(|h| h.badge() == "ctrl");
            (f.row.account_display_name.clone(), ctrl)
        })
        .collect();
    flagged.sort();
    let expected: Vec<(String, bool)> = (1..=8)
        .map(|i| (format!("UA test {i}"), !matches!(i, 2 | 8)))
        .collect();
    assert_eq!(flagged, expected);
}

#[test]
fn blanks_and_unknown_characters_are_escaped_on_every_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "Contoso\u{1680}Admin",
        "Contoso Admin\u{fffc}",
        "Contoso\u{1d159}Admin",
        "Contoso\u{16fe4}Admin",
    ];
    let file = accounts_file(dir.path(), "blanks.jsonl", &names, |_| {
        "admin@contoso.com".to_owned()
    });
    let shown = [
        "Contoso\\u{1680}Admin",
        "Contoso Admin\\u{fffc}",
        "Contoso\\u{1d159}Admin",
        "Contoso\\u{16fe4}Admin",
    ];
    let copied = copied_rows(&file, 4, |screen| {
        for s in shown {
            // As far as the Account column's 20 screen columns go.
            let start: String = s.chars().take(19).collect();
            let row = screen
                .lines()
                .find(|l| l.contains(&start))
                .unwrap_or_else(|| panic!("{s}:\n{screen}"));
            assert!(row.contains("ctrl"), "{row}");
        }
    });
    let md = run(&["report", "-q", file.to_str().unwrap()]);
    for (text, at) in [(&copied, "y"), (&md, "report")] {
        for s in shown {
            assert!(text.contains(s), "{at}: {s} in\n{text}");
        }
        assert!(
            !text.chars().any(|c| is_dangerous(c) && c != '\n'),
            "{at}: {text}"
        );
    }
}
