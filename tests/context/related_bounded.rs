#![allow(clippy::panic, clippy::unwrap_used)]
//! The related records of an STS event are counted without listing them and only the
//! nearest are listed (the JSON report's 10, the context panel's 1,000): the count and the
//! listed records are exactly those of ranking the whole list, on generated exports with
//! busy users, identical records read twice, copies of events, self-changes and records at
//! the windows' edges; and a row with 200 related records says so while listing 10.

use std::process::Command;

use crate::support::context::json_report as report_json;
use std::collections::HashMap;

use serde_json::json;
use sts_triage::context::index::TICKS_PER_SEC;
use sts_triage::context::relate::offset_secs;
use sts_triage::context::{ContextIndex, ContextOptions, Related, Why};
use sts_triage::load::ScanOptions;
use sts_triage::model::StsEvent;
use sts_triage::scan::scan_paths;

const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const OPS: [&str; 4] = [
    "Update user.",
    "Reset user password.",
    "UserLoggedIn",
    "Add member to group.",
];

/// A small deterministic generator (xorshift64*): the same exports on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A UAL record (Office 365 Management Activity API, Azure AD) at `secs` after midnight
/// plus `tenths` of a second.
fn ual(
    id: usize,
    secs: u64,
    tenths: u64,
    op: &str,
    actor: &str,
    target: &str,
    corr: &str,
) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let props = if op == STS {
        json!([{"Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\r\n  \"2024-05-01T00:00:00Z\"\r\n]",
                "NewValue": format!("[\r\n  \"2024-05-02T{h:02}:{m:02}:{s:02}Z\"\r\n]")}])
    } else {
        json!([])
    };
    let target_list = if target.is_empty() {
        json!([])
    } else {
        json!([{"ID": target, "Type": 5}])
    };
    json!({
        "CreationTime": format!("2024-05-02T{h:02}:{m:02}:{s:02}.{tenths}"),
        "Id": format!("20000000-0000-4000-8000-{id:012}"),
        "Operation": op,
        "RecordType": 8,
        "ResultStatus": "Success",
        "Workload": "AzureActiveDirectory",
        "ClientIP": "198.51.100.7",
        "ObjectId": target,
        "UserId": actor,
        "ModifiedProperties": props,
        "Actor": [{"ID": actor, "Type": 5}],
        "InterSystemsId": corr,
        "Target": target_list,
    })
    .to_string()
}

/// An export of `n` records by a few busy users over a few hours: about one in six an STS
/// event (some a self-change, some read twice), one in ten read again at another place.
fn export(seed: u64, n: usize) -> String {
    let mut rng = Rng(seed);
    let users: Vec<String> = (0..5).map(|u| format!("user{u}@contoso.example")).collect();
    let mut lines = Vec::new();
    for id in 0..n {
        let secs = rng.below(4 * 3600);
        let tenths = rng.below(10);
        let actor = &users[rng.below(5) as usize];
        let sts = rng.below(6) == 0;
        let op = if sts { STS } else { OPS[rng.below(4) as usize] };
        let target = match rng.below(4) {
            0 if !sts => String::new(),
            1 => actor.clone(),
            _ => users[rng.below(5) as usize].clone(),
        };
        let corr = match rng.below(3) {
            0 => String::new(),
            _ => format!("corr-{}", rng.below(12)),
        };
        let line = ual(id, secs, tenths, op, actor, &target, &corr);
        lines.push(line.clone());
        match rng.below(10) {
            // The same record again (an STS event read twice is one event with a copy).
            0 => lines.push(line),
            // Identical in every kept field, another record id and tenth of the second.
            1 if !sts => lines.push(ual(n + id, secs, 9 - tenths, op, actor, &target, &corr)),
            _ => {}
        }
    }
    lines.join("\n") + "\n"
}

/// The relation rules applied the plain way: every lookup listed, merged, sorted and
/// identical records folded with a map (what the index did before it counted without
/// listing).
fn reference(index: &ContextIndex, e: &StsEvent, opts: &ContextOptions) -> Vec<Related> {
    let time = e.time.as_ref().map_or(i64::MIN, sts_triage::kql::ticks);
    let p = &e.parties;
    let why = |correlation, target, actor| Why {
        correlation,
        target,
        actor,
    };
    let mut found: Vec<(u32, Why)> = index
        .by_correlation_hash(e.correlation)
        .iter()
        .map(|&i| (i, why(true, false, false)))
        .collect();
    for t in [&p.target, &p.target_id] {
        let w = opts.target_window_secs;
        for &i in index.by_target_within(t, time, w) {
            found.push((i, why(false, true, false)));
        }
        for &i in index.by_actor_within(t, time, w) {
            found.push((i, why(false, true, false)));
        }
    }
    for a in [&p.actor, &p.actor_id] {
        for &i in index.by_actor_within(a, time, opts.actor_window_secs) {
            found.push((i, why(false, false, true)));
        }
    }
    let mut skip = index.copies(e);
    skip.extend(index.entry_of(e));
    found.retain(|(i, _)| !skip.contains(&(*i as usize)));
    found.sort_by_key(|&(i, _)| (index.entries[i as usize].time, i));
    let mut out: Vec<Related> = Vec::new();
    let mut first: HashMap<_, usize> = HashMap::new();
    let mut last_entry = None;
    for (i, w) in found {
        let r = &index.record(i as usize);
        let second = r.time.div_euclid(TICKS_PER_SEC);
        let key = (
            second,
            r.operation,
            r.actor,
            r.target,
            r.ip,
            r.result,
            r.correlation,
        );
        if let Some(&at) = first.get(&key) {
            let kept: &mut Related = &mut out[at];
            // The same record met through another lookup merges its reasons; another record
            // identical to it is one more repeat.
            if last_entry != Some(i) {
                kept.repeats += 1;
            }
            last_entry = Some(i);
            kept.why.correlation |= w.correlation;
            kept.why.target |= w.target;
            kept.why.actor |= w.actor;
            continue;
        }
        last_entry = Some(i);
        first.insert(key, out.len());
        out.push(Related {
            entry: i as usize,
            why: w,
            offset_secs: offset_secs(r.time, time),
            repeats: 0,
        });
    }
    out
}

/// The records ranked the plain way: at most `most`, those of the same correlation first if
/// asked, then the nearest in time (ties: the older), listed oldest first.
fn ranked(
    index: &ContextIndex,
    mut all: Vec<Related>,
    most: usize,
    correlation_first: bool,
) -> Vec<Related> {
    if all.len() > most {
        all.sort_by_key(|r| {
            (
                correlation_first && !r.why.correlation,
                r.offset_secs.map_or(i64::MAX, i64::abs),
            )
        });
        all.truncate(most);
        all.sort_by_key(|r| (index.entries[r.entry].time, r.entry));
    }
    all
}

#[test]
fn counted_and_nearest_related_records_are_those_of_the_whole_list() {
    let dir = tempfile::tempdir().unwrap();
    let windows = [
        ContextOptions::default(),
        ContextOptions {
            target_window_secs: 1800,
            actor_window_secs: 300,
        },
        ContextOptions {
            target_window_secs: 120,
            actor_window_secs: 7200,
        },
    ];
    let (mut events, mut with_twins, mut with_copies, mut cut) = (0, 0, 0, 0);
    for seed in 1..=3u64 {
        let path = dir.path().join(format!("ual-{seed}.jsonl"));
        std::fs::write(&path, export(seed * 7919, 400)).unwrap();
        let report = scan_paths(&[path], &ScanOptions::default()).unwrap();
        let index = &report.context;
        for e in &report.events {
            events += 1;
            with_copies += usize::from(!index.copies(e).is_empty());
            for opts in &windows {
                let all = reference(index, e, opts);
                with_twins += usize::from(all.iter().any(|r| r.repeats > 0));
                assert_eq!(index.related(e, opts), all, "{:?}", e.source);
                assert_eq!(index.related_count(e, opts), all.len());
                for most in [1, 4, 10, 60] {
                    for correlation_first in [true, false] {
                        let (listed, total) =
                            index.nearest_related(e, opts, most, correlation_first);
                        assert_eq!(total, all.len());
                        cut += usize::from(total > most);
                        assert_eq!(
                            listed,
                            ranked(index, all.clone(), most, correlation_first),
                            "{:?} most {most} correlation first {correlation_first}",
                            e.source
                        );
                    }
                }
            }
        }
    }
    // The generated exports hold every case the bound must get right.
    assert!(events > 150, "{events}");
    assert!(with_twins > 100, "{with_twins}");
    assert!(with_copies > 10, "{with_copies}");
    assert!(cut > 2000, "{cut}");
}

/// The Markdown and CSV reports count every row's related records on a second thread while
/// the hint tables are made (`Inputs::with_related_counts`): each row's context line is the
/// one counted row by row, and says its first event's count.
#[test]
fn rows_counted_beside_the_tables_say_what_rows_counted_one_by_one_say() {
    use sts_triage::context::summary::finding_line;
    use sts_triage::hints::{HintConfig, Inputs};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ual.jsonl");
    std::fs::write(&path, export(4 * 7919, 400)).unwrap();
    let report = scan_paths(&[path], &ScanOptions::default()).unwrap();
    let config = HintConfig::default();
    let (beside, one_by_one) = (
        Inputs::with_related_counts(&report, config),
        Inputs::new(&report, config),
    );
    // With the tables made before (as `report` makes them beside the index's lookups), the
    // counts are split over two threads.
    let split = Inputs::with_related_counts_and_tables(&report, config, Some(&one_by_one.tables()));
    let mut rows = 0;
    for f in report.findings.iter().filter(|f| !f.is_folded()) {
        let first = &report.events[f.events[0]];
        let n = report.context.related_count(first, &config.context);
        assert_eq!(beside.related_count(f.events[0]), Some(n));
        assert_eq!(split.related_count(f.events[0]), Some(n));
        assert_eq!(one_by_one.related_count(f.events[0]), None);
        let line = finding_line(&beside, &report, f);
        assert_eq!(line, finding_line(&one_by_one, &report, f));
        let said = match n {
            0 => "no related records".to_owned(),
            1 => "1 related record".to_owned(),
            n => format!("{n} related records"),
        };
        assert!(line.contains(&said), "{line} / {said}");
        rows += 1;
    }
    assert!(rows > 50, "{rows}");
}

#[test]
fn an_actor_with_200_related_records_lists_the_nearest_ten_and_counts_all() {
    let dir = tempfile::tempdir().unwrap();
    // The admin updates 200 users, one every 15 s from 10:00, and revokes one user's
    // sessions at 10:25 (in the middle of them).
    let admin = "busy.admin@contoso.example";
    let mut lines: Vec<String> = (0..200u64)
        .map(|n| {
            let target = format!("user{n}@contoso.example");
            ual(
                n as usize,
                36_000 + n * 15,
                0,
                "Update user.",
                admin,
                &target,
                "",
            )
        })
        .collect();
    lines.push(ual(
        999,
        36_000 + 25 * 60 + 7,
        0,
        STS,
        admin,
        "victim@contoso.example",
        "",
    ));
    let path = dir.path().join("busy.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let v = report_json(&path);
    let f = &v["findings"][0];
    assert_eq!(f["related_total"], json!(200));
    assert_eq!(f["related_more"], json!(190));
    let offsets: Vec<i64> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["offset_secs"].as_i64().unwrap())
        .collect();
    // The ten nearest: five before (-7 … -67 s) and five after (+8 … +68 s).
    assert_eq!(offsets, [-67, -52, -37, -22, -7, 8, 23, 38, 53, 68]);
    let context = f["context"].as_str().unwrap();
    assert!(context.ends_with("200 related records"), "{context}");

    // The Markdown report's context line gives the same count.
    let out = Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "--format", "md", "-q"])
        .arg(&path)
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("200 related records"), "{md}");
}
