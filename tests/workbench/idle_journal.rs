//! Two workbenches on one journal, the second idle: what the other appends reaches its
//! screen at the journal watch's next look (newbie14b #4: Bob kept showing `suspicious` and
//! the old header counts after Alice had replaced it, until his own next write), and a
//! verdict of his she overturned is said by row (newbie14b #5). The looks are driven
//! directly (no sleeps); the event loop makes one every 2 s while idle.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use sts_triage::journal::{Verdict, read_decisions};
use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect};
use sts_triage::tui::journal_watch::JournalWatch;
use sts_triage::tui::lazy_journal::{LazyJournal, write_entries};

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

/// One analyst's workbench: its state, its journal and its watch.
struct Bench {
    app: App,
    journal: LazyJournal,
    watch: JournalWatch,
}

impl Bench {
    fn new(path: &Path, analyst: &str) -> Self {
        let report = scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap();
        Self {
            app: App::new(&path.display().to_string(), analyst, HashMap::new()).with_report(report),
            journal: LazyJournal::new(path.to_owned(), None),
            watch: JournalWatch::default(),
        }
    }

    /// A key, and the journal effects it made carried out as the event loop does.
    fn press(&mut self, intent: Intent) {
        self.app.apply(Action::Intent(intent));
        for effect in std::mem::take(&mut self.app.effects) {
            if let Effect::Journal(entries) = effect {
                let j = self.journal.get().map_err(|e| e.to_string());
                for answer in write_entries(j, &entries) {
                    self.app.apply(answer);
                }
            }
        }
    }

    fn current(&self) -> String {
        let f = &self.app.findings;
        f.items[f.current().unwrap()].key.clone()
    }
}

#[test]
fn an_idle_workbench_shows_what_another_appended_and_names_an_overturned_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "colleague");
    let mut alice = Bench::new(&path, "newbie");
    let row = bob.current();
    bob.press(Intent::MarkSuspicious);
    assert_eq!(bob.app.review_counts().2, 1, "bob's suspicious counted");
    // Bob's own write changes nothing on his screen at the look after it.
    assert!(!bob.watch.look(&mut bob.app, &mut bob.journal));

    // Alice, on the same row, marks it legitimate: the journal's later entry.
    assert_eq!(alice.current(), row);
    alice.press(Intent::MarkLegitimate);
    assert!(
        alice
            .app
            .status
            .starts_with("colleague marked this suspicious"),
        "{}",
        alice.app.status
    );

    // Bob, idle, presses nothing: the watch's look reads her entry.
    let before = bob.app.status.clone();
    assert!(bob.watch.look(&mut bob.app, &mut bob.journal), "drawn");
    let (reviewed, _, susp, legit) = bob.app.review_counts();
    assert_eq!((reviewed, susp, legit), (1, 0, 1), "the header's counts");
    let d = bob.app.decision(&row);
    assert_eq!(
        (d.verdict, d.analyst.as_str()),
        (Verdict::Legitimate, "newbie")
    );
    assert_eq!(
        read_decisions(&path).unwrap().decisions[&row].verdict,
        d.verdict,
        "the screen holds what the journal holds"
    );
    let status = &bob.app.status;
    assert!(
        status.starts_with("newbie marked legitimate just now, overturning your suspicious: "),
        "{status} (was {before})"
    );
    assert!(status.contains(" · "), "the row is named: {status}");
    assert!(!bob.app.status_error);
    // Nothing new: the next look reads nothing and draws nothing.
    assert!(!bob.watch.look(&mut bob.app, &mut bob.journal));

    // A decision on another row, not Bob's: said with its row, no overturn.
    alice.press(Intent::MarkSuspicious);
    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    assert!(
        bob.app
            .status
            .starts_with("newbie marked suspicious just now: "),
        "{}",
        bob.app.status
    );
    assert_eq!(bob.app.review_counts().2, 1);
}

#[test]
fn a_workbench_started_before_the_journal_existed_sees_it_once_another_creates_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "bob");
    assert!(!bob.watch.look(&mut bob.app, &mut bob.journal));
    assert!(!path.exists(), "looking never creates the journal");
    let mut alice = Bench::new(&path, "alice");
    let row = alice.current();
    alice.press(Intent::MarkSuspicious);
    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    assert_eq!(bob.app.decision(&row).verdict, Verdict::Suspicious);
    assert!(
        bob.app
            .status
            .starts_with("alice marked suspicious just now: "),
        "{}",
        bob.app.status
    );
}

#[test]
fn a_torn_line_a_crashed_writer_left_is_cut_and_said_and_a_held_lock_is_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("torn.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "bob");
    bob.press(Intent::MarkSuspicious);
    let whole = std::fs::read(&path).unwrap();
    // Another writer killed mid-append (kill -9 between two writes of a line).
    let mut other = OpenOptions::new().append(true).open(&path).unwrap();
    other
        .write_all(br#"{"key":"row:x","verdict":"legit"#)
        .unwrap();

    // While a writer holds the lock, the idle look waits for nothing and reads nothing.
    let locker = OpenOptions::new().read(true).open(&path).unwrap();
    locker.lock().unwrap();
    assert!(!bob.watch.look(&mut bob.app, &mut bob.journal));
    assert!(std::fs::read(&path).unwrap().len() > whole.len());
    locker.unlock().unwrap();

    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        whole,
        "the torn part cut off"
    );
    assert!(
        bob.app
            .status
            .contains("journal line 2 was cut off by another writer's crash"),
        "{}",
        bob.app.status
    );
    // And the journal takes the next decision on a line of its own.
    bob.press(Intent::MarkLegitimate);
    assert_eq!(read_decisions(&path).unwrap().entries, 2);
}

/// The journal cut and written again while Bob's workbench is idle (a colleague's copy put
/// back with `cat theirs > journal`): at the next look his screen is the journal's, his
/// decision it lacked is written into it again, and the one it holds a later verdict on is
/// named; before, he saw it only at his next save, which failed (`the journal is shorter`).
#[test]
fn a_journal_replaced_under_an_idle_workbench_is_read_again_and_its_decisions_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replaced.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "bob");
    let first = bob.current();
    bob.press(Intent::MarkSuspicious);
    let second = bob.current();
    bob.press(Intent::MarkSuspicious);
    // Alice's own journal, written after Bob's decisions: her verdict on his first row.
    let theirs = dir.path().join("alice.sts-triage.jsonl");
    let mut alice = Bench::new(&theirs, "alice");
    alice.press(Intent::MarkLegitimate);
    std::fs::write(&path, std::fs::read(&theirs).unwrap()).unwrap();

    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    let status = bob.app.status.clone();
    assert!(
        status.starts_with("the journal was cut to ")
            || status.starts_with("the journal was written again in place"),
        "{status}"
    );
    assert!(
        status.contains("1 decision of this session was not in it and written again ✓"),
        "{status}"
    );
    assert!(
        status.contains("alice's later legitimate stands"),
        "{status}"
    );
    assert!(bob.app.status_error, "said in red");
    let r = read_decisions(&path).unwrap();
    assert_eq!(r.decisions[&first].analyst, "alice");
    assert_eq!(r.decisions[&second].analyst, "bob");
    for key in [&first, &second] {
        assert_eq!(
            bob.app.decision(key).verdict,
            r.decisions[key].verdict,
            "screen = journal"
        );
    }
    assert_eq!(bob.app.review_counts().2, 1);
    assert!(bob.app.unsaved.is_empty());
}

/// What a terminal `w`×`h` shows of the workbench, one line a row.
fn drawn(app: &App, w: u16, h: u16) -> String {
    use ratatui::{Terminal, backend::TestBackend};
    use sts_triage::tui::keymap::Keymap;
    use sts_triage::tui::render::{Theme, draw};
    let keymap = Keymap::default_map().unwrap();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, &keymap, Theme { color: false }))
        .unwrap();
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

/// Another analyst's verdict overturning ours, read while a warning is kept on the status
/// line (decisions signed `unknown`, a failed save): said after the warning, it was cut off
/// at 80 columns. It has the status row; the warning stays, after the help's key.
#[test]
fn an_overturned_verdict_is_seen_beside_a_kept_warning_at_80_and_60_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "colleague");
    let mut alice = Bench::new(&path, "newbie");
    bob.press(Intent::MarkSuspicious);
    assert!(!bob.watch.look(&mut bob.app, &mut bob.journal));
    let warning = sts_triage::journal::unsigned_notice();
    bob.app.set_start_status(warning, true);
    alice.press(Intent::MarkLegitimate);
    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    for (w, h) in [(60, 20), (80, 24), (160, 45)] {
        bob.app.apply(Action::Resize {
            width: w,
            height: h,
        });
        let s = drawn(&bob.app, w, h);
        let rows: Vec<&str> = s.lines().collect();
        let (hints, status) = (rows[rows.len() - 2], rows[rows.len() - 1]);
        assert!(
            status.starts_with("newbie marked legitimate just now, overturning your"),
            "{w}: {status}\n{s}"
        );
        assert!(
            hints.contains("? ") && hints.contains("decisions are signed `unknown`"),
            "{w}: {hints}"
        );
    }
}

/// Breaker 17 #6: another writer edits a line in place, the same length (`r+`: a
/// `"suspicious"` turned `"legitimate"`), so that the journal's length and last bytes do not
/// change. The idle workbench's next look reads it again and shows what it holds; before,
/// its screen and its `E` report kept the old verdict.
#[test]
fn a_line_edited_in_place_to_the_same_length_is_read_again_at_the_next_look() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "bob");
    let mut alice = Bench::new(&path, "alice");
    let row = alice.current();
    alice.press(Intent::MarkSuspicious);
    // A second line after it, so that the journal's end is not the edited line.
    alice.press(Intent::MoveDown);
    alice.press(Intent::MarkLegitimate);
    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    assert_eq!(bob.app.decision(&row).verdict, Verdict::Suspicious);
    // Looks with nothing changed read nothing new.
    assert!(!bob.watch.look(&mut bob.app, &mut bob.journal));

    let text = std::fs::read_to_string(&path).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.contains("\"suspicious\""), "{first}");
    let at = text.find("\"suspicious\"").unwrap();
    let mut other = OpenOptions::new().write(true).open(&path).unwrap();
    std::io::Seek::seek(&mut other, std::io::SeekFrom::Start(at as u64)).unwrap();
    other.write_all(b"\"legitimate\"").unwrap();
    drop(other);
    assert_eq!(std::fs::read(&path).unwrap().len(), text.len());

    assert!(bob.watch.look(&mut bob.app, &mut bob.journal), "drawn");
    assert_eq!(
        bob.app.decision(&row).verdict,
        read_decisions(&path).unwrap().decisions[&row].verdict,
        "the screen holds what the journal holds"
    );
    assert_eq!(bob.app.decision(&row).verdict, Verdict::Legitimate);
    assert!(
        bob.app.status.contains("edited in place"),
        "{}",
        bob.app.status
    );
}

/// Breaker 17 #9: another workbench's analyst named with 100,000 characters (escapes, then
/// `M…`) filled the status line, and the message it belonged to could not be seen. The name
/// is cut with its length, as long journal keys are, and the message follows it.
#[test]
fn a_long_analyst_name_is_cut_and_the_message_it_belongs_to_stays_on_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.sts-triage.jsonl");
    let mut bob = Bench::new(&path, "bob");
    let long = format!("\u{1b}]0;T\u{7}\u{202e}{}", "M".repeat(100_000));
    let mut mallory = Bench::new(&path, &long);
    mallory.press(Intent::MarkSuspicious);
    assert!(bob.watch.look(&mut bob.app, &mut bob.journal));
    let status = &bob.app.status;
    assert!(
        status.starts_with("\\x1b]0;T\\x07\\u{202e}MMM"),
        "{}",
        &status[..200.min(status.len())]
    );
    assert!(
        status.contains("M… (cut: a name of 100007 characters) marked suspicious just now"),
        "{}",
        &status[..200.min(status.len())]
    );
    assert!(status.chars().count() < 400, "{}", status.chars().count());
}
