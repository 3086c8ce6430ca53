#![allow(clippy::panic, clippy::unwrap_used)]
//! Property tests of the workbench on TestBackend: random key sequences at several terminal
//! sizes, checking after every key what the analyst would see.
//!
//! - The highlighted row of the table, the drill-down's cursor line and a list's cursor
//!   are always drawn (issue 9: a verdict key must act on a row the analyst can see).
//! - `Y` (the report the workbench copies) and `sts-triage report` on the journal it wrote
//!   are the same bytes after any sequence of decisions, notes, undo, redo and classify
//!   like this.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;

use sts_triage::journal::Journal;
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::Action;
use sts_triage::tui::app::{App, Effect, Overlay};
use sts_triage::tui::key_to_action;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::layout::{Shape, layout};
use sts_triage::tui::render::{Theme, draw};

const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";

/// One flagged event (the CloudAppEvents shape), with `extra` more modified properties so
/// that some raw events are longer than any screen.
fn flagged_line(i: usize, extra: usize) -> String {
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    let mut props = vec![format!(
        r#"{{"Name": "StsRefreshTokensValidFrom", "OldValue": "[\r\n  \"2021-{month:02}-{day:02}T10:00:00Z\"\r\n]", "NewValue": "[\r\n  \"2021-{month:02}-{day:02}T11:00:00Z\"\r\n]"}}"#
    )];
    for p in 0..extra {
        props.push(format!(
            r#"{{"Name": "Property{p}", "OldValue": "old {p}", "NewValue": "new {p}"}}"#
        ));
    }
    format!(
        r#"{{"Timestamp": "2021-{month:02}-{day:02}T11:05:{s:02}Z", "ActionType": "{STS_OP}", "AccountObjectId": "0000-{i:04}", "AccountDisplayName": "user{a}@contoso.com", "IPAddress": "203.0.113.{ip}", "IsAnonymousProxy": false, "ISP": "ISP {isp}", "RawEventData": {{"CreationTime": "2021-{month:02}-{day:02}T11:05:{s:02}", "Id": "{i:08}-aaaa-bbbb-cccc-000000000000", "Operation": "{STS_OP}", "RecordType": 8, "UserId": "user{a}@contoso.com", "ModifiedProperties": [{props}], "Actor": [{{"ID": "user{a}@contoso.com", "Type": 5}}, {{"ID": "User_0000-{i}", "Type": 2}}], "ActorIpAddress": "203.0.113.{ip}", "Workload": "AzureActiveDirectory"}}}}"#,
        s = i % 60,
        a = i % 37,
        ip = i % 200,
        isp = i % 5,
        props = props.join(", "),
    )
}

/// A near miss: the operation matches, but the change came from directory sync.
fn near_miss_line(i: usize) -> String {
    format!(
        r#"{{"Timestamp": "2021-06-{d:02}T00:00:10Z", "ActionType": "{STS_OP}", "AccountObjectId": "1111-{i:04}", "AccountDisplayName": "sync{i}@contoso.com", "IPAddress": "198.51.100.{i}", "IsAnonymousProxy": false, "ISP": "Contoso ISP", "RawEventData": {{"CreationTime": "2021-06-{d:02}T00:00:10", "Id": "{i:08}-dddd-bbbb-cccc-000000000000", "Operation": "{STS_OP}", "RecordType": 8, "UserId": "sync{i}@contoso.com", "ModifiedProperties": [{{"Name": "StsRefreshTokensValidFrom", "OldValue": "[]", "NewValue": "[]"}}, {{"Name": "Action Client Name", "OldValue": "", "NewValue": "DirectorySync"}}], "Actor": [{{"ID": "sync{i}@contoso.com", "Type": 5}}], "ActorIpAddress": "198.51.100.{i}", "Workload": "AzureActiveDirectory"}}}}"#,
        d = 1 + i % 28,
    )
}

/// 150 flagged rows (some with long raw events) and 40 near misses: more than any screen.
fn many_rows(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("many.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for i in 0..150 {
        writeln!(f, "{}", flagged_line(i, if i % 3 == 0 { 60 } else { 0 })).unwrap();
    }
    for i in 0..40 {
        writeln!(f, "{}", near_miss_line(i)).unwrap();
    }
    path
}

fn report() -> ScanReport {
    static REPORT: OnceLock<ScanReport> = OnceLock::new();
    REPORT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let r = scan_paths(&[many_rows(dir.path())], &ScanOptions::default()).unwrap();
            assert!(r.findings.len() >= 100, "{} flagged rows", r.findings.len());
            r
        })
        .clone()
}

const SIZES: [(u16, u16); 4] = [(60, 20), (80, 24), (120, 35), (160, 45)];

/// A step of a random session.
#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode),
    Resize(usize),
    /// A frame with no key: a slice of a filter being applied.
    Tick,
}

fn step() -> impl Strategy<Value = Step> {
    let keys = [
        "j", "k", "g", "G", "s", "l", "h", "v", "m", "F", "c", "/", "1", "2", "0", " ", "u", "]",
        "[", "a", "e", "n", "N", "3", "?",
    ];
    prop_oneof![
        8 => proptest::sample::select(keys.to_vec())
            .prop_map(|k| Step::Key(KeyCode::Char(k.chars().next().unwrap()))),
        3 => proptest::sample::select(vec![
            KeyCode::PageDown,
            KeyCode::PageUp,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Down,
            KeyCode::Up,
            KeyCode::End,
            KeyCode::Home,
            KeyCode::Tab,
            KeyCode::Backspace,
        ])
        .prop_map(Step::Key),
        1 => (0..SIZES.len()).prop_map(Step::Resize),
        2 => Just(Step::Tick),
    ]
}

fn reversed_rows(buf: &Buffer, x: u16, ys: std::ops::Range<u16>) -> Vec<u16> {
    ys.filter(|&y| buf[(x, y)].modifier.contains(Modifier::REVERSED))
        .collect()
}

fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

/// What the analyst sees agrees with the state: the cursor row, line or entry is drawn.
fn check_cursor_drawn(app: &App, buf: &Buffer, keys: &[Step]) {
    let (w, h) = (buf.area.width, buf.area.height);
    let areas = layout(Shape {
        width: w,
        height: h,
        ..app.shape()
    });
    match &app.overlay {
        Overlay::None if app.prompt.is_none() => {
            let t = app.table();
            let Some(item) = t.current() else {
                return;
            };
            // Below the column titles, the one highlighted row.
            let body = areas.body;
            let rows = reversed_rows(buf, body.x, body.y + 1..body.bottom());
            // One row, of one line or (a near miss whose reason is wrapped) two.
            let lines = sts_triage::tui::alike::lines_per_row(t, w);
            assert!(
                (1..=lines).contains(&rows.len()) && rows.windows(2).all(|p| p[1] == p[0] + 1),
                "one highlighted row at {w}x{h} after {keys:?}; cursor {} offset {}",
                t.cursor,
                t.offset
            );
            // The row shows the cursor item's account, and its time where the column is drawn.
            let text = row_text(buf, rows[0]);
            let account: String = t.items[item].cells[1].chars().take(8).collect();
            let time = &t.items[item].cells[0];
            let time_shown = row_text(buf, body.y).contains("Time");
            assert!(
                text.contains(&account) && (!time_shown || text.contains(time)),
                "the highlighted row is the cursor's ({account}, {time}) at {w}x{h}: {text:?} after {keys:?}"
            );
        }
        Overlay::Drill(d) if app.prompt.is_none() && d.doc.visible_count() > 0 => {
            let ev = areas.event;
            let inner = ev.y + 1..ev.bottom().saturating_sub(1);
            let rows = reversed_rows(buf, ev.x + 1, inner);
            // A cursor line wider than the panel is wrapped whole over the rows below it
            // (README, drill-down): its rows are one run, the line drawn once.
            let runs = rows.windows(2).filter(|p| p[1] != p[0] + 1).count() + 1;
            assert_eq!(
                if rows.is_empty() { 0 } else { runs },
                1,
                "the drill-down's cursor line is drawn at {w}x{h}: cursor {} offset {} after {keys:?}",
                d.cursor,
                d.offset
            );
        }
        Overlay::Pivot(p) if !p.rows.is_empty() => {
            let body = areas.body;
            let list_rows = reversed_rows(buf, body.x + (body.width / 2), body.y..body.bottom());
            assert!(
                !list_rows.is_empty(),
                "the list's cursor entry is drawn at {w}x{h} after {keys:?}"
            );
        }
        Overlay::Bulk(b) if !b.candidates.is_empty() => {
            let body = areas.body;
            let list_rows = reversed_rows(buf, body.x + (body.width / 2), body.y..body.bottom());
            assert!(
                !list_rows.is_empty(),
                "the list's cursor entry is drawn at {w}x{h} after {keys:?}"
            );
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_cursor_is_always_on_screen(
        start in 0..SIZES.len(),
        steps in proptest::collection::vec(step(), 1..60),
        filter_step in prop_oneof![Just(1usize), Just(4), Just(1_000_000)],
    ) {
        let keymap = Keymap::default_map().unwrap();
        let mut app = App::new("props.sts-triage.jsonl", "analyst", HashMap::new())
            .with_report(report());
        // A filter applied a few rows per frame, as on a large table, or all at once.
        app.filter_step = filter_step;
        let (mut w, mut h) = SIZES[start];
        app.apply(Action::Resize { width: w, height: h });
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        for (n, s) in steps.iter().enumerate() {
            match s {
                Step::Key(code) => {
                    let ev = KeyEvent::new(*code, KeyModifiers::NONE);
                    if let Some(a) = key_to_action(&app, &keymap, &ev) {
                        app.apply(a);
                    }
                }
                Step::Resize(i) => {
                    (w, h) = SIZES[*i];
                    app.apply(Action::Resize { width: w, height: h });
                    term = Terminal::new(TestBackend::new(w, h)).unwrap();
                }
                Step::Tick => app.apply(Action::Tick),
            }
            // The shell answers journal writes; here they are dropped, as saved.
            app.effects.clear();
            term.draw(|f| draw(f, &app, &keymap, Theme { color: true })).unwrap();
            check_cursor_drawn(&app, term.backend().buffer(), &steps[..=n]);
        }
    }
}

/// Steps of a triage session that decide something.
fn decision_step() -> impl Strategy<Value = Vec<KeyCode>> {
    let one = |c: char| vec![KeyCode::Char(c)];
    prop_oneof![
        3 => proptest::sample::select(vec!['1', '2', '0']).prop_map(one),
        2 => proptest::sample::select(vec!['j', 'k', 'G', 'g', ' ']).prop_map(one),
        2 => proptest::sample::select(vec!['u']).prop_map(one),
        1 => Just(vec![KeyCode::Char('r')]).prop_map(|_| vec![KeyCode::Char('r')]),
        // classify like this, tick all, apply
        1 => Just(vec![KeyCode::Char('c'), KeyCode::Char('a'), KeyCode::Enter]),
        // a note
        1 => "[a-z ]{0,12}".prop_map(|t| {
            let mut k = vec![KeyCode::Char('n')];
            k.extend(t.chars().map(KeyCode::Char));
            k.push(KeyCode::Enter);
            k
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn copied_report_equals_the_report_command(
        steps in proptest::collection::vec(decision_step(), 1..25),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input.jsonl");
        std::fs::copy("tests/fixtures/workbench.jsonl", &input).unwrap();
        let journal_path = dir.path().join("j.sts-triage.jsonl");
        let shown = journal_path.display().to_string();
        let report = scan_paths(std::slice::from_ref(&input), &ScanOptions::default()).unwrap();
        let keymap = Keymap::default_map().unwrap();
        let mut app = App::new(&shown, "analyst", HashMap::new()).with_report(report);
        let mut journal: Option<Journal> = None;
        for keys in &steps {
            for code in keys {
                // ctrl-r is redo; 'r' stands for it here.
                let ev = if *code == KeyCode::Char('r') {
                    KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)
                } else {
                    KeyEvent::new(*code, KeyModifiers::NONE)
                };
                if let Some(a) = key_to_action(&app, &keymap, &ev) {
                    app.apply(a);
                }
                for effect in std::mem::take(&mut app.effects) {
                    if let Effect::Journal(entries) = effect {
                        let j = journal.get_or_insert_with(|| Journal::open(&journal_path).unwrap().0);
                        j.append(&entries).unwrap();
                        let keys = entries.iter().map(|e| e.key.clone()).collect();
                        app.apply(Action::Saved { keys });
                    }
                }
            }
        }
        let copied = sts_triage::tui::report_of_journal(&mut app, journal.as_mut());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
            .arg("report")
            .arg("--journal")
            .arg(&journal_path)
            .arg("--quiet")
            .arg(&input)
            .output()
            .unwrap();
        let command = String::from_utf8(out.stdout).unwrap();
        prop_assert_eq!(copied, command, "after {:?}", steps);
    }
}
