//! Classify like this: the links it lists (IP, ISP) unticked, and the rows it ticks.

use super::*;

/// The workbench's fixture with the helpdesk row decided legitimate, filtered to again and
/// the filter closed: the decided row is the current one.
fn helpdesk_decided_legitimate() -> App {
    let mut app = app();
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "2");
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "/helpdesk");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    app
}

/// A workbench (journal `t.sts-triage.jsonl`, no decisions) over one fixture, on 160×45.
fn app_on(fixture: &str) -> App {
    let report = support::scan(&[fixture]);
    sized(
        support::workbench("t.sts-triage.jsonl", "analyst", report),
        160,
        45,
    )
}

#[test]
fn classify_like_this_lists_ip_and_isp_links_unticked() {
    let mut app = helpdesk_decided_legitimate();
    // Back on the decided helpdesk row.
    assert_eq!(current_account(&app), "helpdesk@contoso.com");
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    assert_eq!(b.verdict, Verdict::Legitimate);
    // Every other row shares only the ISP "Contoso ISP" (one is behind a proxy): a weak
    // link, so nothing is ticked by default.
    assert_eq!(b.candidates.len(), 5);
    assert!(
        b.candidates
            .iter()
            .all(|c| c.link == Link::Isp && !c.ticked)
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.review_counts(),
        (1, 7, 0, 1),
        "nothing ticked, nothing marked"
    );
    // The status no longer describes the closed list (newbie: it stayed through F, m…).
    assert!(
        app.status
            .contains("nothing ticked, nothing marked legitimate"),
        "{}",
        app.status
    );
    keys(&mut app, "c");
    keys(&mut app, "a"); // tick all
    keys(&mut app, "k");
    keys(&mut app, " "); // untick the first
    // Rows linked by the ISP alone: Enter first says what it would do, the second does it.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.review_counts(), (1, 7, 0, 1), "{}", app.status);
    assert!(
        app.status
            .starts_with("Enter again marks 4 rows legitimate: 4 linked only by IP, ISP or UPN"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.review_counts(), (5, 7, 0, 5));
    keys(&mut app, "u");
    assert_eq!(
        app.review_counts(),
        (1, 7, 0, 1),
        "one undo reverts the bulk step"
    );
}

/// Newbie 17 #2: after Space or `a` the title said `mark 7 rows legitimate` while the
/// status line still said `0 ticked`; Enter over rows linked by the ISP alone, three of them
/// with hints the decided row lacks, marked them at once; and Alt+a (a fast Esc then
/// `a`) ticked every row as the bare `a` does.
#[test]
fn the_status_counts_the_ticks_and_enter_over_weak_links_asks_first() {
    let mut app = helpdesk_decided_legitimate();
    keys(&mut app, "c");
    let ticked_says = |app: &App, n: usize| {
        let status = format!("5 rows like it, {n} ticked;");
        assert!(app.status.contains(&status), "{}", app.status);
        let title = format!(
            "mark {n} {} legitimate",
            if n == 1 { "row" } else { "rows" }
        );
        let drawn = support::screen(app, 160, 45);
        assert!(drawn.contains(&title), "{drawn}");
    };
    ticked_says(&app, 0);
    keys(&mut app, " ");
    ticked_says(&app, 1);
    keys(&mut app, "a");
    ticked_says(&app, 5);
    keys(&mut app, "x");
    ticked_says(&app, 0);
    // Alt+a is no tick-all.
    let keymap = sts_triage::tui::keymap::Keymap::default_map().unwrap();
    let alt_a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::ALT);
    assert!(key_to_action(&app, &keymap, &alt_a).is_none());
    keys(&mut app, "a");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.review_counts(), (1, 7, 0, 1), "nothing marked yet");
    assert!(
        matches!(app.overlay, Overlay::Bulk(_)),
        "the list stays open"
    );
    assert!(
        app.status.starts_with(
            "Enter again marks 5 rows legitimate: 5 linked only by IP, ISP or UPN, not the account, 3 with hints the decided row lacks (app ctrl far)"
        ),
        "{}",
        app.status
    );
    // A change of the ticks asks again.
    keys(&mut app, " ");
    ticked_says(&app, 4);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("Enter again marks 4 rows"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.review_counts(), (5, 7, 0, 5), "{}", app.status);
}

#[test]
fn classify_like_this_ticks_only_the_same_account_without_new_hints() {
    let mut app = app_on("tests/fixtures/classify.jsonl");
    // The oldest row (ann, 203.0.113.10, Comcast) is the last: decide it suspicious.
    keys(&mut app, "G1");
    keys(&mut app, "G");
    assert_eq!(current_account(&app), "ann@contoso.com");
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    let account_of = |c: &Candidate| app.findings.items[c.item].cells[1].to_owned();
    let listed: Vec<(String, Link, bool, Vec<String>)> = b
        .candidates
        .iter()
        .map(|c| (account_of(c), c.link, c.ticked, c.extra_hints.clone()))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("ann@contoso.com".into(), Link::Account, true, vec![]),
            (
                "ann@contoso.com".into(),
                Link::Account,
                false,
                vec!["proxy".into()]
            ),
            ("bob@contoso.com".into(), Link::Ip, false, vec![]),
            ("carl@contoso.com".into(), Link::Isp, false, vec![]),
        ],
        "grouped by link; dana shares nothing (`first` is on the decided row too: no hint more)"
    );
    assert_eq!(b.counts(), [2, 0, 1, 1]);
    let screen = text(&screen(&app, 160, 45, false));
    assert!(
        screen.contains("mark 1 row suspicious · same account 2 · IP only 1 · ISP only 1"),
        "{screen}"
    );
    assert!(
        screen.contains("Role") && screen.contains("Hints"),
        "{screen}"
    );
    assert!(
        screen.contains("same account, more hints: proxy"),
        "{screen}"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.review_counts(),
        (2, 6, 2, 0),
        "the decided row and one like it"
    );
}

/// One UPN under two object ids is two principals, as `first`, relate and reset count
/// them: classify-like-this says "same UPN, another object id" and does not pre-tick it
/// (it ticked the other object id's row as "same account").
#[test]
fn classify_like_this_does_not_take_one_upn_of_two_object_ids_for_one_account() {
    let mut app = app_on("tests/fixtures/lookalike-ids/same-upn-two-oids.jsonl");
    keys(&mut app, "G");
    assert_eq!(current_account(&app), "admin@contoso.com");
    keys(&mut app, "1c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    let admin: Vec<&Candidate> = b
        .candidates
        .iter()
        .filter(|c| app.findings.items[c.item].cells[1] == *"admin@contoso.com")
        .collect();
    assert_eq!(admin.len(), 1, "{:?}", b.candidates);
    assert_eq!(admin[0].link, Link::UpnOtherId);
    assert!(!admin[0].ticked);
    let screen = text(&screen(&app, 160, 45, false));
    assert!(screen.contains("same UPN, another object id 1"), "{screen}");
}

/// Closing classify-like-this with Esc clears its status line ("… row(s) like it, … ticked;
/// Space ticks…"), which stayed through a filter, a sort and the frequency view.
#[test]
fn closing_classify_like_this_clears_its_status() {
    let mut app = helpdesk_decided_legitimate();
    keys(&mut app, "c");
    assert!(matches!(app.overlay, Overlay::Bulk(_)), "{}", app.status);
    assert!(app.status.contains("Space ticks"), "{}", app.status);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    assert!(!app.status.contains("Space ticks"), "{}", app.status);
    keys(&mut app, "s");
    assert!(!app.status.contains("classify like this"), "{}", app.status);
}

/// The samples' two records of event `a5581d97…` with different content (proxy false and
/// true) are two Lee Gu rows: each is marked ⚠ with `conflict`, classify-like-this from one
/// never ticks the other (not even tick-all) and says why, and `}` in the drill-down names
/// the other record instead of "it was read once".
#[test]
fn a_contested_event_id_is_marked_and_never_ticked_by_classify() {
    let mut app = app_on_paths(&[
        "assets/samples/cloudappevents-ah-api.jsonl",
        "assets/samples/cloudappevents-legacy-api.json",
    ]);
    keys(&mut app, "/target:grady");
    press(&mut app, KeyCode::Enter);
    let hint = finding(Column::Hint);
    let flag = finding(Column::Flag);
    let rows: Vec<usize> = app.findings.order.clone();
    assert_eq!(rows.len(), 2, "{}", app.status);
    for &r in &rows {
        let it = &app.findings.items[r];
        assert!(
            it.cells[hint].split(' ').any(|b| b == "conflict"),
            "{:?}",
            it.cells
        );
        assert_eq!(&it.cells[flag], "⚠", "{:?}", it.cells);
    }
    // The proxy row's drill-down: no copy of its own, but the other record named.
    let proxy = rows
        .iter()
        .position(|&r| app.findings.items[r].cells[hint].contains("proxy"))
        .unwrap();
    keys(&mut app, "gg");
    for _ in 0..proxy {
        keys(&mut app, "j");
    }
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "}");
    assert!(!app.status.contains("read once"), "{}", app.status);
    assert!(
        app.status.contains("cloudappevents-ah-api.jsonl:10 carries this id with other content (time (here 08:20:05.000, there 08:20:05.111), IsAnonymousProxy (here true, there false))"),
        "{}",
        app.status
    );
    keys(&mut app, "q");
    // Decide the other row legitimate, then classify like it.
    keys(&mut app, "gg");
    if proxy == 0 {
        keys(&mut app, "j");
    }
    keys(&mut app, "2");
    // A verdict moves the cursor on: back to the decided row.
    keys(&mut app, if proxy == 0 { "G" } else { "gg" });
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    let twin = b.candidates.iter().find(|c| c.item == rows[proxy]).unwrap();
    assert!(twin.contested && !twin.ticked, "{twin:?}");
    assert!(
        app.status.contains("never ticked for you"),
        "{}",
        app.status
    );
    keys(&mut app, "a");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    assert!(
        b.candidates.iter().all(|c| c.ticked != c.contested),
        "{b:?}"
    );
    assert!(app.status.contains("left unticked"), "{}", app.status);
}

/// A workbench (journal `t.sts-triage.jsonl`, no decisions) over files, on 160×45.
fn app_on_paths(paths: &[&str]) -> App {
    let report = support::scan(paths);
    sized(
        support::workbench("t.sts-triage.jsonl", "analyst", report),
        160,
        45,
    )
}

/// Newbie13b #3: on a large table the one row ticked for the analyst was on page 6 of the
/// list, and the list said nothing of where it was. Now the ticked rows come first, and a
/// list longer than its box says which rows are shown of how many, as the help does.
#[test]
fn the_ticked_rows_come_first_and_a_long_list_says_where_it_is() {
    // Ann's first row (decided), thirty of hers behind an anonymous proxy (a hint the
    // decided row has not: listed, unticked), then one more of hers with no new hint.
    let first = std::fs::read_to_string("tests/fixtures/classify.jsonl").unwrap();
    let first: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for i in 0..32u32 {
        let mut row = first.clone();
        let at = format!("2021-03-{:02}T10:{:02}:00", 1 + i / 30, i % 30);
        row["Timestamp"] = format!("{at}Z").into();
        row["RawEventData"]["CreationTime"] = at.clone().into();
        row["RawEventData"]["Id"] = format!("00000000-c1a5-bbbb-cccc-{i:012}").into();
        row["IsAnonymousProxy"] = (i > 0 && i < 31).into();
        // The new validity is the event's time, as in the first row (no `far` hint).
        row["RawEventData"]["ModifiedProperties"][0]["NewValue"] =
            format!("[\r\n  \"{at}Z\"\r\n]").into();
        lines.push(row.to_string());
    }
    let path = dir.path().join("ann.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let mut app = sized(app_on(path.to_str().unwrap()), 80, 24);
    // The table is newest first: the oldest row (the first written, no proxy) is last.
    keys(&mut app, "G1");
    keys(&mut app, "G");
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    assert_eq!(b.candidates.len(), 31);
    assert_eq!(b.candidates.iter().filter(|c| c.ticked).count(), 1);
    assert!(b.candidates[0].ticked, "the ticked row first");
    assert!(
        app.status
            .starts_with("classify like this: 31 rows like it, 1 ticked;"),
        "{}",
        app.status
    );
    for (w, h) in [(80, 24), (60, 20), (160, 45)] {
        app.apply(Action::Resize {
            width: w,
            height: h,
        });
        let drawn = text(&screen(&app, w, h, false));
        let rows: Vec<&str> = drawn
            .lines()
            .filter(|l| l.contains("[x]") || l.contains("[ ]"))
            .collect();
        assert!(
            rows[0].contains("[x]"),
            "{w}x{h}: the ticked row on top:\n{drawn}"
        );
        let shown = rows.len();
        if shown < 31 {
            assert!(
                drawn.contains(&format!("↓ more below (j) · 1–{shown} of 31")),
                "{w}x{h}: where the list is:\n{drawn}"
            );
        } else {
            assert!(
                !drawn.contains("more below"),
                "{w}x{h}: all shown:\n{drawn}"
            );
        }
    }
}

/// In a group the rows come in the table's order as shown (newest first by default), so
/// that the list reads as the table does: it came in the order the rows were read, neither
/// time order nor the table's (newbie14 #2).
#[test]
fn a_group_of_the_classify_list_is_in_the_tables_order() {
    let mut app = helpdesk_decided_legitimate();
    keys(&mut app, "c");
    let Overlay::Bulk(b) = &app.overlay else {
        panic!("bulk list open: {}", app.status)
    };
    assert!(b.candidates.len() > 2, "a group of several rows");
    assert!(b.candidates.iter().all(|c| c.link == b.candidates[0].link));
    let place = |item: usize| app.findings.order.iter().position(|&i| i == item).unwrap();
    let listed: Vec<usize> = b.candidates.iter().map(|c| place(c.item)).collect();
    let mut in_order = listed.clone();
    in_order.sort_unstable();
    assert_eq!(listed, in_order, "the table's order");
    let times: Vec<String> = b
        .candidates
        .iter()
        .map(|c| app.cell(&app.findings, c.item, 0))
        .collect();
    let mut newest_first = times.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, newest_first, "newest first, as the table");
}

/// Newbie 17 #8: `2`, then `n` and a note, then `c` said "decide this row first": the note
/// ended the "row just decided" state and the cursor was on the next, undecided row. The
/// note is the why of the verdict just given: `c` after it classifies like that row, as
/// `c` right after `2` does.
#[test]
fn classify_like_this_after_a_verdict_and_its_note_is_for_the_row_decided() {
    let source_of = |with_note: bool| {
        let mut app = helpdesk_decided_legitimate();
        press(&mut app, KeyCode::Esc);
        keys(&mut app, "gg");
        let decided = current_account(&app);
        keys(&mut app, "2");
        if with_note {
            keys(&mut app, "n");
            keys(&mut app, "same ISP as the helpdesk");
            press(&mut app, KeyCode::Enter);
            assert!(app.prompt.is_none());
        }
        assert_ne!(current_account(&app), decided, "the cursor moved on");
        keys(&mut app, "c");
        let Overlay::Bulk(b) = &app.overlay else {
            panic!("no list: {}", app.status)
        };
        (decided, b.source.clone(), b.candidates.len())
    };
    let (decided, source, offered) = source_of(true);
    assert_eq!(source, decided);
    assert_eq!((source, offered), {
        let (_, s, n) = source_of(false);
        (s, n)
    });
}
