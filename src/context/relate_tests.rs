//! The relations read through the lookups (each rule's stretches, an actor compared by
//! principal through its principal's stretches) against the rules applied to every record
//! of the index, on generated UAL exports where UPNs are shared by several principals (a
//! re-created account, records with no object id) and one object id has two UPNs (a
//! renamed account), with records read twice and records alike in every kept field.

use super::*;
use crate::load::ScanOptions;
use crate::scan::scan_paths;

const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const OPS: [&str; 3] = ["Update user.", "Reset user password.", "UserLoggedIn"];

/// xorshift64*: the same exports on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// A user's UPN and the object id it is written with (None: the record gives none).
type User = (String, Option<String>);

/// A UAL record (Azure AD) at `secs` after midnight: the actor with its `User_<id>` entry
/// when it has an object id, the target with its own.
fn ual(id: usize, secs: u64, op: &str, actor: &User, target: &User, corr: &str) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let entries = |(upn, oid): &User| {
        let mut v = vec![serde_json::json!({"ID": upn, "Type": 5})];
        if let Some(oid) = oid {
            v.push(serde_json::json!({"ID": format!("User_{oid}"), "Type": 2}));
            v.push(serde_json::json!({"ID": oid, "Type": 2}));
        }
        v
    };
    let props = if op == STS {
        serde_json::json!([{"Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\r\n  \"2024-05-01T00:00:00Z\"\r\n]",
            "NewValue": format!("[\r\n  \"2024-05-02T{h:02}:{m:02}:{s:02}Z\"\r\n]")}])
    } else {
        serde_json::json!([])
    };
    serde_json::json!({
        "CreationTime": format!("2024-05-02T{h:02}:{m:02}:{s:02}"),
        "Id": format!("30000000-0000-4000-8000-{id:012}"),
        "Operation": op,
        "RecordType": 8,
        "ResultStatus": "Success",
        "Workload": "AzureActiveDirectory",
        "ClientIP": "198.51.100.7",
        "ObjectId": target.0,
        "UserId": actor.0,
        "ModifiedProperties": props,
        "Actor": entries(actor),
        "InterSystemsId": corr,
        "Target": entries(target),
    })
    .to_string()
}

/// `n` records by four UPNs over six hours: each UPN written with one of three object ids
/// or none, one object id also under another UPN; about one in six an STS event, one in
/// eight read again, one in eight followed by a record alike in every kept field.
fn export(seed: u64, n: usize) -> String {
    let mut rng = Rng(seed);
    let oid = |u: u64, p: u64| format!("{u:08x}-0000-4000-8000-{p:012x}");
    let user = |rng: &mut Rng| -> User {
        let u = rng.below(4);
        let upn = format!("user{u}@contoso.example");
        match rng.below(8) {
            0 | 1 => (upn, None),
            // The renamed account: user 0's first object id under user 1's UPN too.
            2 if u == 1 => (upn, Some(oid(0, 0))),
            p => (upn, Some(oid(u, p % 3))),
        }
    };
    let mut lines = Vec::new();
    for id in 0..n {
        let secs = rng.below(6 * 3600);
        let actor = user(&mut rng);
        let sts = rng.below(6) == 0;
        let op = if sts { STS } else { OPS[rng.below(3) as usize] };
        let target = user(&mut rng);
        let corr = match rng.below(3) {
            0 => String::new(),
            _ => format!("corr-{}", rng.below(20)),
        };
        let line = ual(id, secs, op, &actor, &target, &corr);
        lines.push(line.clone());
        match rng.below(8) {
            0 => lines.push(line),
            1 if !sts => lines.push(ual(n + id, secs, op, &actor, &target, &corr)),
            _ => {}
        }
    }
    lines.join("\n") + "\n"
}

/// The records related within `reach`, the plain way: every record of the index against
/// every rule.
fn every_record(q: &Query, reach: Reach) -> Vec<u32> {
    let mut out: Vec<u32> = (0..q.index.len() as u32)
        .filter(|&i| q.reaches(i, reach))
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn related_records_through_principals_stretches_are_those_of_every_record() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let windows = [
        ContextOptions::default(),
        ContextOptions {
            target_window_secs: 1800,
            actor_window_secs: 600,
        },
        // The actor's stretches the longest: counted from a principal's length.
        ContextOptions {
            target_window_secs: 300,
            actor_window_secs: 8 * 3600,
        },
    ];
    let (mut events, mut by_principal, mut longest_by_principal) = (0, 0, 0);
    for seed in 1..=3u64 {
        let path = dir.path().join(format!("ual-{seed}.jsonl"));
        std::fs::write(&path, export(seed * 104_729, 600)).unwrap_or_else(|e| panic!("{e}"));
        let report = scan_paths(&[path], &ScanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let index = &report.context;
        for e in &report.events {
            events += 1;
            for opts in &windows {
                let q = Query::new(index, e, opts);
                let parts = |reach| -> Vec<Stretch> {
                    q.parts.iter().map(|&p| q.stretch(p, reach)).collect()
                };
                if q.parts.iter().any(|p| matches!(p.by, By::ActorAs { .. })) {
                    by_principal += 1;
                    let all = parts(Reach::ALL);
                    let longest = (0..all.len()).max_by_key(|&j| all[j].records.len());
                    longest_by_principal += usize::from(
                        longest.is_some_and(|j| matches!(q.parts[j].by, By::ActorAs { .. })),
                    );
                }
                // Each stretch holds its part's records only, within the part's window.
                for (p, s) in q.parts.iter().zip(parts(Reach::ALL)) {
                    for &i in s.records {
                        assert!(p.holds(&index.entries[i as usize]), "{p:?} {i}");
                    }
                }
                let second = q.time.div_euclid(TICKS_PER_SEC);
                let reaches = [
                    Reach::ALL,
                    Reach {
                        lo: (second - 300) * TICKS_PER_SEC,
                        hi: (second + 301) * TICKS_PER_SEC - 1,
                        correlation_too: false,
                    },
                    Reach {
                        lo: (second - 60) * TICKS_PER_SEC,
                        hi: (second + 61) * TICKS_PER_SEC - 1,
                        correlation_too: true,
                    },
                ];
                for reach in reaches {
                    let mut walked = Vec::new();
                    q.walk(reach, |i, _| walked.push(i));
                    walked.sort_unstable();
                    let n = walked.len();
                    walked.dedup();
                    assert_eq!(walked.len(), n, "a record walked twice: {:?}", e.source);
                    assert_eq!(walked, every_record(&q, reach), "{:?}", e.source);
                    assert_eq!(q.count(reach), q.collect(reach).len(), "{:?}", e.source);
                }
            }
        }
    }
    // The exports hold the cases the principals' stretches must get right.
    assert!(events > 200, "{events}");
    assert!(by_principal > 200, "{by_principal}");
    assert!(longest_by_principal > 20, "{longest_by_principal}");
}
