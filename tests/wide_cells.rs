#![allow(clippy::panic, clippy::unwrap_used)]
//! Table cells are cut by the screen's columns, not by characters: a CJK letter or an
//! emoji takes two columns, so an Account, Target or Actor of such letters is cut to its
//! column's width, the cut marked with `…`, and a wide letter is never split; the columns
//! after it stay in their places. (Last session's testers saw emoji cells cut without `…`.)

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

mod support;
use support::{render, scan, sized, ual_sts_props, workbench};

const ACTOR: &str = "管理者管理者管理者管理者管理者@contoso.example";
const TARGET: &str = "😀😀😀😀😀😀😀😀😀😀😀😀@contoso.example";

fn input(dir: &std::path::Path) -> String {
    let record = json!({
        "CreationTime": "2025-10-04T10:00:00", "Id": "ffffffff-0000-4000-8000-000000000001",
        "Operation": "Update StsRefreshTokenValidFrom Timestamp.", "RecordType": 8,
        "Workload": "AzureActiveDirectory", "UserId": ACTOR, "ObjectId": TARGET,
        "ClientIP": "203.0.113.7",
        "ModifiedProperties": ual_sts_props("2025-10-01T10:00:00Z", "2025-10-04T10:00:00Z"),
        "Actor": [{"ID": ACTOR, "Type": 5}, {"ID": "User_11111111-1111-4111-8111-111111111111", "Type": 2}],
        "Target": [{"ID": TARGET, "Type": 5}]
    });
    let path = dir.join("wide.jsonl");
    std::fs::write(&path, format!("{record}\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The symbols of row `y` from `x0` to before `x1` (a wide letter's second cell, which
/// the letter covers, left out).
fn span(t: &Terminal<TestBackend>, y: u16, x0: u16, x1: u16) -> String {
    use unicode_width::UnicodeWidthStr;
    let buf = t.backend().buffer();
    let mut out = String::new();
    let mut x = x0;
    while x < x1 {
        let s = buf[(x, y)].symbol();
        out.push_str(s);
        x += u16::try_from(s.width().max(1)).unwrap();
    }
    out
}

/// Where the title `name` starts on the header line (`y`), in screen columns.
fn title_at(t: &Terminal<TestBackend>, y: u16, name: &str) -> Option<u16> {
    let w = t.backend().buffer().area.width;
    (0..w).find(|&x| span(t, y, x, (x + name.len() as u16).min(w)) == name)
}

#[test]
fn wide_letters_are_cut_by_screen_columns_with_an_ellipsis() {
    let dir = tempfile::tempdir().unwrap();
    let path = input(dir.path());
    for (w, columns) in [
        (60, &["Account", "Target"][..]),
        (80, &["Account", "Target"]),
        (160, &["Account", "Target", "Role"]),
        (200, &["Account", "Target", "Actor", "Role"]),
    ] {
        let app = sized(
            workbench("j.sts-triage.jsonl", "analyst", scan(&[&path])),
            w,
            12,
        );
        let t = render(&app, w, 12, false);
        let header = (0..12)
            .find(|&y| title_at(&t, y, "Account").is_some())
            .unwrap();
        let row = header + 1;
        let xs: Vec<u16> = columns
            .iter()
            .map(|c| title_at(&t, header, c).unwrap_or_else(|| panic!("{w}: no {c}")))
            .collect();
        for pair in xs.windows(2) {
            let cell = span(&t, row, pair[0], pair[1] - 1);
            let text = cell.trim_end();
            assert!(
                text.ends_with('…'),
                "{w}: cut without an ellipsis: {cell:?}"
            );
            // The letters kept are the text's own first ones, none split.
            let kept = text.trim_end_matches('…');
            let kept = kept.strip_prefix("U ").unwrap_or(kept);
            assert!(
                ACTOR.starts_with(kept) || TARGET.starts_with(kept),
                "{w}: {cell:?}"
            );
            assert_eq!(
                span(&t, row, pair[1] - 1, pair[1]),
                " ",
                "{w}: the gap before the next column is kept"
            );
        }
        // The columns after the wide cells are in their places: the row's +Minutes value
        // starts under its title.
        if let Some(x) = title_at(&t, header, "+Minutes") {
            let value = span(&t, row, x, x + 4);
            assert_eq!(value, "4320", "{w}: {}", support::text(&t));
        }
    }
}
