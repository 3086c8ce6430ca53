//! A box drawn over the table (the help, the note being typed) hides the table on the rows it
//! covers, beside it too: the ⚠ column's `≠` at the table's right edge read as part of the box
//! (`│≠`, newbie14 #3).

use super::*;

/// The samples, where rows read alike at 60 and 80 columns (their ⚠ column shows `≠`).
fn samples(w: u16, h: u16) -> App {
    let keymap = Keymap::default_map().unwrap();
    sized(
        App::new("test.sts-triage.jsonl", "analyst", HashMap::new())
            .with_report(support::scan(&["assets/samples"]))
            .with_help(&keymap),
        w,
        h,
    )
}

/// The screen's lines from the box's top border to its bottom one, each with what is drawn
/// left and right of the box (its borders' columns found on the top line).
fn beside_box(s: &str) -> Vec<(String, String)> {
    let lines: Vec<Vec<char>> = s.lines().map(|l| l.chars().collect()).collect();
    let top = lines
        .iter()
        .position(|l| l.contains(&'┌'))
        .unwrap_or_else(|| panic!("no box drawn: {s}"));
    let left = lines[top].iter().position(|&c| c == '┌').unwrap();
    let right = lines[top].iter().position(|&c| c == '┐').unwrap();
    let bottom = (top..lines.len())
        .find(|&y| lines[y].get(left) == Some(&'└'))
        .unwrap_or_else(|| panic!("no bottom border: {s}"));
    (top..=bottom)
        .map(|y| {
            let l = &lines[y];
            (l[..left].iter().collect(), l[right + 1..].iter().collect())
        })
        .collect()
}

#[test]
fn the_help_and_the_note_box_hide_the_table_beside_them() {
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        let app = samples(w, h);
        let table = text(&screen(&app, w, h, false));
        // The samples' rows read apart at every width (the Target and the Hints drawn).
        assert!(!table.contains('≠'), "{w}x{h}: {table}");
        for opened in ["?", "n"] {
            let mut app = samples(w, h);
            keys(&mut app, opened);
            let s = text(&screen(&app, w, h, false));
            for (left, right) in beside_box(&s) {
                assert!(
                    left.trim().is_empty() && right.trim().is_empty(),
                    "{w}x{h} `{opened}`: the table shows beside the box ({left:?} | {right:?}): {s}"
                );
            }
        }
    }
}
