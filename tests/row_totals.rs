//! The headless commands (`scan`, `report`) keep most flagged events as a few numbers and
//! print each row's totals (events, first and last seen, targets, actors, sources) instead
//! of reading every event. What the analyst reads must not change: on a generated mixture
//! of flagged events, near misses, events without a time, ids that are not canonical GUIDs,
//! the same event twice in one file, in a second export, and as a UAL record whose row
//! differs (so a copy read later gives a row of its own), every row's totals equal those
//! the workbench computes from its events, and the reports and `scan` outputs are the same
//! bytes either way.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use sts_triage::journal::{Decision, Verdict};
use sts_triage::load::ScanOptions;
use sts_triage::model::Finding;
use sts_triage::report::{self, ReportContext};
use sts_triage::scan::{ScanReport, scan_paths_with};

/// A small deterministic generator (no seed file to keep).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const ADMINS: [&str; 3] = [
    "ada.admin@contoso.example",
    "bo.helpdesk@contoso.example",
    "cy.ops@contoso.example",
];
const USERS: [&str; 5] = [
    "alex.wilber@contoso.example",
    "megan.b@contoso.example",
    "lee.g@contoso.example",
    "nestor.w@contoso.example",
    "",
];
const IPS: [&str; 3] = ["203.0.113.5", "198.51.100.7", "192.0.2.9"];

fn guid(n: u64, salt: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        n.wrapping_mul(2_654_435_761) & 0xffff_ffff,
        salt & 0xffff,
        n & 0xfff,
        (n >> 12) & 0xfff,
        n.wrapping_mul(40_503) ^ salt
    )
}

/// One STS event as a CloudAppEvents row (its RawEventData is the UAL record).
fn cloud_app_row(n: u64, rng: &mut Lcg) -> Value {
    let admin = rng.next(3) as usize;
    let day = 2 + rng.next(9);
    let (h, m, s) = (rng.next(24), rng.next(60), rng.next(60));
    let time = format!("2024-03-{day:02}T{h:02}:{m:02}:{s:02}");
    // A revocation sets the valid-from time to now; now and then it is set an hour ahead.
    // The previous revocation a day before: few distinct rows, many events behind each.
    let ahead = u64::from(rng.next(8) == 0);
    let new_value = format!("{time}Z");
    let old_value = format!("2024-03-{:02}T{:02}:{m:02}:{s:02}Z", day - 1, h);
    let time = if ahead == 1 && h > 0 {
        format!("2024-03-{day:02}T{:02}:{m:02}:{s:02}", h - 1)
    } else {
        time
    };
    let near_miss = rng.next(10);
    let operation = if near_miss == 0 {
        "Update StsRefreshTokenValidFrom Timestamp"
    } else {
        "Update StsRefreshTokenValidFrom Timestamp."
    };
    let mut actor = vec![
        json!({"ID": ADMINS[admin], "Type": 5}),
        json!({"ID": format!("User_0000000{admin}-5157-4f54-8000-00000000000{admin}"), "Type": 2}),
        json!({"ID": "User", "Type": 2}),
    ];
    if near_miss == 1 {
        actor.push(json!({"ID": "DirectorySync", "Type": 2}));
    }
    // Some ids are not canonical lowercase GUIDs (kept as text).
    let id = if n % 7 == 3 {
        guid(n, 17).to_uppercase()
    } else {
        guid(n, 17)
    };
    let target = USERS[rng.next(5) as usize];
    let mut row = json!({
        "Timestamp": format!("{time}.{:07}Z", rng.next(10_000_000)),
        "ActionType": operation,
        "Application": "Microsoft Azure",
        "AccountObjectId": format!("0000000{admin}-5157-4f54-8000-00000000000{admin}"),
        "AccountDisplayName": ADMINS[admin],
        "IPAddress": IPS[rng.next(3) as usize],
        "IsAnonymousProxy": rng.next(20) == 0,
        "ISP": "Contoso Transit",
        "ReportId": guid(n, 99),
        "RawEventData": {
            "CreationTime": time,
            "Id": id,
            "Operation": operation,
            "RecordType": 8,
            "ResultStatus": "Success",
            "Workload": "AzureActiveDirectory",
            "ObjectId": target,
            "UserId": ADMINS[admin],
            "ModifiedProperties": [
                {"Name": "StsRefreshTokensValidFrom",
                 "NewValue": format!("[\r\n  \"{new_value}\"\r\n]"),
                 "OldValue": format!("[\r\n  \"{old_value}\"\r\n]")},
                {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}
            ],
            "Actor": actor,
            "InterSystemsId": guid(n, 3),
            "IntraSystemId": guid(n, 5),
            "Target": [
                {"ID": format!("User_{}", guid(n, 5)), "Type": 2},
                {"ID": target, "Type": 5}
            ]
        }
    });
    // A few rows carry no time of their own.
    if n.is_multiple_of(31) {
        row.as_object_mut().unwrap().remove("Timestamp");
    }
    row
}

fn write_lines(path: &Path, rows: &[Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// The mixture: `a.jsonl` (events, some written twice), `b.jsonl` (a second export
/// overlapping the first), `c.jsonl` (UAL records of some of the same events: their rows
/// lack the CloudAppEvents columns, so a copy read there gives a new row).
fn mixture(dir: &Path) -> Vec<PathBuf> {
    let mut rng = Lcg(0x5eed);
    let rows: Vec<Value> = (0..500).map(|n| cloud_app_row(n, &mut rng)).collect();
    let mut a = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        a.push(r.clone());
        if n % 50 == 7 {
            a.push(r.clone());
        }
    }
    let b: Vec<Value> = rows.iter().skip(350).cloned().collect();
    let c: Vec<Value> = rows
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 9 == 4)
        .map(|(_, r)| r["RawEventData"].clone())
        .collect();
    let paths = [
        dir.join("a.jsonl"),
        dir.join("b.jsonl"),
        dir.join("c.jsonl"),
    ];
    write_lines(&paths[0], &a);
    write_lines(&paths[1], &b);
    write_lines(&paths[2], &c);
    paths.to_vec()
}

fn scan(paths: &[PathBuf], headless: bool, labels_only: bool) -> ScanReport {
    let mut report = ScanReport::default();
    report.headless = headless;
    report.labels_only = labels_only;
    let opts = ScanOptions {
        hash_inputs: true,
        context: !labels_only,
        ..ScanOptions::default()
    };
    scan_paths_with(paths, &opts, &mut |m| {
        report.apply(m);
    })
    .unwrap();
    report
}

/// A row's totals as the workbench computes them from its events.
fn per_event(full: &ScanReport, f: &Finding) -> (usize, String, String, Vec<String>) {
    let last = f.events.iter().filter_map(|&e| full.events[e].time).max();
    let sources: Vec<String> = f
        .events
        .iter()
        .flat_map(|&e| full.events[e].sources())
        .map(ToString::to_string)
        .collect();
    (
        f.events.len(),
        format!("{:?}", f.first_time(&full.events)),
        format!("{last:?}"),
        sources,
    )
}

fn totals(report: &ScanReport, f: &Finding) -> (usize, String, String, Vec<String>) {
    (
        f.totals.events,
        format!("{:?}", f.totals.first),
        format!("{:?}", f.totals.last),
        report
            .row_sources(f)
            .iter()
            .map(ToString::to_string)
            .collect(),
    )
}

fn reports(r: &ScanReport) -> [Vec<u8>; 3] {
    let ctx = ReportContext::new(r, "none.jsonl", false);
    let decisions = HashMap::new();
    let mut md = Vec::new();
    report::write_markdown(&mut md, r, &decisions, &ctx).unwrap();
    let mut js = Vec::new();
    report::write_json(&mut js, r, &decisions, &ctx).unwrap();
    let mut csv = Vec::new();
    report::write_csv(&mut csv, r, &decisions, &report::ReportContext::default()).unwrap();
    [md, js, csv]
}

fn scan_outputs(r: &ScanReport) -> [Vec<u8>; 3] {
    let mut out: [Vec<u8>; 3] = Default::default();
    sts_triage::output::write_jsonl(&mut out[0], r, true, true).unwrap();
    sts_triage::output::write_csv(&mut out[1], r, true, true).unwrap();
    sts_triage::output::write_table(&mut out[2], r, true, true).unwrap();
    out
}

#[test]
fn row_totals_of_lean_events_equal_the_per_event_path() {
    let dir = tempfile::tempdir().unwrap();
    let paths = mixture(dir.path());
    let full = scan(&paths, false, false);
    let lean = scan(&paths, true, false);
    let labels = scan(&paths, true, true);

    // The mixture holds what it should: copies, near misses, and a row given only by a
    // later copy of events first read elsewhere.
    assert!(full.duplicate_records > 100, "{}", full.duplicate_records);
    assert!(full.near_misses.len() > 50);
    let later_row = full.findings.iter().any(|f| {
        f.row.isp.is_empty()
            && f.events
                .iter()
                .all(|&e| full.events[e].source.file.ends_with("a.jsonl"))
    });
    assert!(later_row, "no row given only by a later copy");
    // And the headless scans did keep most flagged events lean.
    assert!(lean.events.len() * 3 < full.events.len());
    assert!(labels.events.len() * 3 < full.events.len());

    for other in [&lean, &labels] {
        assert_eq!(other.sts_events(), full.sts_events());
        assert_eq!(other.duplicate_records, full.duplicate_records);
        assert_eq!(other.near_misses.len(), full.near_misses.len());
        assert_eq!(other.time_range(), full.time_range());
        assert_eq!(other.findings.len(), full.findings.len());
        for (f, g) in full.findings.iter().zip(&other.findings) {
            assert_eq!(f.row, g.row);
            assert_eq!(f.replaced, g.replaced);
            assert_eq!(g.totals.targets(), f.targets(&full.events), "{:?}", f.row);
            assert_eq!(g.totals.actors(), f.actors(&full.events), "{:?}", f.row);
            let (count, first, last, sources) = per_event(&full, f);
            let (n, a, b, s) = totals(other, g);
            assert_eq!((n, a, b), (count, first, last), "{:?}", f.row);
            // `scan` prints no sources: only the report's scan keeps them.
            if std::ptr::eq(other, &lean) {
                assert_eq!(s, sources, "{:?}", f.row);
            }
        }
    }
    assert_eq!(reports(&lean), reports(&full));
    assert_eq!(scan_outputs(&labels), scan_outputs(&full));
}

fn decision(verdict: Verdict, note: &str) -> Decision {
    Decision {
        verdict,
        note: note.to_owned(),
        analyst: "ana".to_owned(),
        time: "2024-03-20T10:00:00Z".to_owned(),
        events: None,
        outside_chain: None,
    }
}

fn reports_with(r: &ScanReport, decisions: &HashMap<String, Decision>) -> [Vec<u8>; 3] {
    let ctx = ReportContext::new(r, "journal.jsonl", true);
    let mut out: [Vec<u8>; 3] = Default::default();
    report::write_markdown(&mut out[0], r, decisions, &ctx).unwrap();
    report::write_json(&mut out[1], r, decisions, &ctx).unwrap();
    report::write_csv(&mut out[2], r, decisions, &report::ReportContext::default()).unwrap();
    out
}

/// The report reads its journal first and keeps a near miss it has no decision on as a few
/// numbers (it is only counted). What it prints must not change: the decided near misses
/// whole, the counts, the rows and their context, also where a copy of a lean near miss read
/// later is flagged and gives a row of its own (a UAL record whose Operation is spelled as
/// the query spells it, beside the CloudAppEvents row whose ActionType is not), so that the
/// near miss is made whole again as that row's first event.
#[test]
fn near_misses_without_a_decision_are_kept_lean_and_the_reports_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = mixture(dir.path());
    let a = std::fs::read_to_string(&paths[0]).unwrap();
    let spelled: Vec<Value> = a
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["ActionType"] == "Update StsRefreshTokenValidFrom Timestamp")
        .map(|r| {
            let mut ual = r["RawEventData"].clone();
            ual["Operation"] = json!("Update StsRefreshTokenValidFrom Timestamp.");
            ual
        })
        .collect();
    assert!(spelled.len() > 10, "{}", spelled.len());
    // Read before the other UAL records: the first such copy gives a new row.
    let d = dir.path().join("d.jsonl");
    write_lines(&d, &spelled);
    paths.insert(2, d);

    let full = scan(&paths, false, false);
    let mut decisions = HashMap::new();
    for (k, &e) in full
        .near_misses
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 4 == 1)
    {
        let v = if k % 8 == 1 {
            Verdict::Suspicious
        } else {
            Verdict::Legitimate
        };
        decisions.insert(full.events[e].key(), decision(v, "near miss"));
    }
    let decided = decisions.len();
    for (_, f) in full.findings.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
        decisions.insert(f.row.key(), decision(Verdict::Suspicious, "row"));
    }
    let keep = decisions
        .keys()
        .filter_map(|k| k.strip_prefix("event:"))
        .map(str::to_owned)
        .collect();

    let mut compact = ScanReport::default();
    compact.headless = true;
    compact.near_misses_to_keep = Some(keep);
    let opts = ScanOptions {
        hash_inputs: true,
        context: true,
        ..ScanOptions::default()
    };
    scan_paths_with(&paths, &opts, &mut |m| {
        compact.apply(m);
    })
    .unwrap();

    // Only the decided near misses are kept whole, and those whose DirectorySync term is in
    // text the actor chooses (their field's words are listed); all are counted.
    let client_text = full
        .near_miss_events()
        .filter(|e| {
            matches!(
                e.near_miss_reason(),
                Some(sts_triage::model::NearMissReason::DirectorySync {
                    client_text: true,
                    ..
                })
            ) && !decisions.contains_key(&e.key())
        })
        .count();
    assert_eq!(compact.near_misses.len(), decided + client_text);
    assert!(full.near_misses.len() > decided + 20);
    assert_eq!(compact.near_miss_count(), full.near_miss_count());
    assert_eq!(compact.sts_events(), full.sts_events());
    assert_eq!(compact.duplicate_records, full.duplicate_records);
    assert_eq!(compact.time_range(), full.time_range());
    // A lean near miss was made whole again: the first event of the row its copy gives.
    let made_whole = compact
        .findings
        .iter()
        .filter(|f| {
            f.events
                .first()
                .is_some_and(|&e| compact.events[e].near_miss_reason().is_some())
        })
        .count();
    assert!(made_whole > 0, "no near miss made whole again");
    assert_eq!(compact.findings.len(), full.findings.len());
    for (f, g) in full.findings.iter().zip(&compact.findings) {
        assert_eq!(f.row, g.row);
        assert_eq!(f.replaced, g.replaced);
        assert_eq!(per_event(&full, f), totals(&compact, g), "{:?}", f.row);
    }
    // `report` keeps every near miss whole now and lists them all (an attacker's event can
    // be a near miss: breaker 12 #3); a scan that keeps some lean (a library caller's
    // choice) reports the same rows, counts and decided near misses, and lists none of the
    // lean ones.
    let want = reports_with(&full, &decisions);
    let got = reports_with(&compact, &decisions);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let upto = |t: String, end: &str| t.split(end).next().unwrap_or_default().to_owned();
    let not_reviewed = "## Near misses not reviewed";
    assert_eq!(
        upto(text(&got[0]), not_reviewed),
        upto(text(&want[0]), not_reviewed)
    );
    let json = |b: &[u8]| serde_json::from_slice::<Value>(b).unwrap();
    let (jw, jg) = (json(&want[1]), json(&got[1]));
    for key in ["findings", "counts", "warning", "analysts"] {
        assert_eq!(jg[key], jw[key], "{key}");
    }
    let decided_only = |v: &Value| -> Vec<Value> {
        v["near_misses"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["verdict"] != "unreviewed")
            .cloned()
            .collect()
    };
    assert_eq!(decided_only(&jg), decided_only(&jw));
    let rows = full.rows_flagged() + 1;
    let first = |b: &[u8]| text(b).lines().take(rows).collect::<Vec<_>>().join("\n");
    assert_eq!(first(&got[2]), first(&want[2]));
    // The decided near misses are printed.
    let md = String::from_utf8_lossy(&got[0]);
    assert!(md.contains("## Near misses marked suspicious"), "{md}");
}
