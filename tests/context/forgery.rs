#![allow(clippy::panic, clippy::unwrap_used)]
//! A record's own strings cannot forge its context: an attacker who names an account (or
//! sends a user agent) `Evil", "ObjectId": "victim…", "InterSystemsId": "…` must not make
//! the context index take those for the record's target and correlation. The story of each
//! test: the attacker resets the password of a throwaway account, then 7 s later revokes
//! the victim's sessions in another correlation. Were the forged keys read, the reset would
//! relate to the revocation by the same target and correlation and the `reset` hint would
//! tell the analyst it is the usual helpdesk flow.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};

const STS: &str = "Update StsRefreshTokenValidFrom Timestamp.";
const RESET: &str = "Reset user password.";
const ATTACKER: &str = "evil.admin@contoso.com";
const VICTIM: &str = "victim.user@contoso.com";
const THROWAWAY: &str = "throwaway@contoso.com";
/// The revocation's correlation id, which the forged text names.
const REVOCATION_CORR: &str = "dddd0000-0000-4000-8000-00000000000d";
const RESET_CORR: &str = "11110000-0000-4000-8000-000000000001";

/// The text an attacker gives a string of their own: it closes the string, adds the
/// victim's target and the revocation's correlation, and opens a string again.
fn forged() -> String {
    format!(
        "Evil\", \"ObjectId\": \"{VICTIM}\", \"InterSystemsId\": \"{REVOCATION_CORR}\", \"x\": \""
    )
}

/// A Unified Audit Log record (Azure AD): `extra` members come first, before the real
/// target and correlation (where a first-match search would meet a forgery first).
fn ual(time: &str, op: &str, target: &str, corr: &str, id: u32, extra: Value) -> Value {
    let props = if op == STS {
        json!([{"Name": "StsRefreshTokensValidFrom",
                "OldValue": "[\r\n  \"2024-01-01T00:00:00Z\"\r\n]",
                "NewValue": format!("[\r\n  \"{time}Z\"\r\n]")}])
    } else {
        json!([])
    };
    let mut v = json!({
        "CreationTime": time,
        "Id": format!("00000000-0000-4000-8000-{id:012}"),
    });
    let obj = v.as_object_mut().unwrap();
    for (k, x) in extra.as_object().unwrap() {
        obj.insert(k.clone(), x.clone());
    }
    for (k, x) in json!({
        "Operation": op, "RecordType": 8, "ResultStatus": "Success",
        "Workload": "AzureActiveDirectory", "ClientIP": "203.0.113.10",
        "ObjectId": target, "UserId": ATTACKER, "ModifiedProperties": props,
        "Actor": [{"ID": ATTACKER, "Type": 5},
                  {"ID": "User_eeee0000-0000-4000-8000-00000000000e", "Type": 2}],
        "InterSystemsId": corr,
        "Target": [{"ID": target, "Type": 5}],
    })
    .as_object()
    .unwrap()
    {
        obj.insert(k.clone(), x.clone());
    }
    v
}

/// A CloudAppEvents row: its columns (`columns` among them, before RawEventData), then its
/// RawEventData as given (an object, or JSON text in a string as Log Analytics writes it).
fn row(time: &str, op: &str, columns: Value, raw: Value) -> Value {
    let mut v = json!({
        "Timestamp": format!("{time}Z"), "ActionType": op, "Application": "Microsoft 365",
        "AccountObjectId": "eeee0000-0000-4000-8000-00000000000e",
        "AccountDisplayName": "Evil Admin", "IPAddress": "203.0.113.10",
        "IsAnonymousProxy": false, "ISP": "Contoso ISP",
    });
    let obj = v.as_object_mut().unwrap();
    for (k, x) in columns.as_object().unwrap() {
        obj.insert(k.clone(), x.clone());
    }
    obj.insert("RawEventData".into(), raw);
    v
}

const RESET_AT: &str = "2024-03-01T10:00:00";
const STS_AT: &str = "2024-03-01T10:00:07";

/// The attacker's reset of the throwaway account (`target`, `corr`: as its real keys say).
fn reset_ual(target: &str, corr: &str, extra: Value) -> Value {
    ual(RESET_AT, RESET, target, corr, 1, extra)
}

fn revocation_ual() -> Value {
    ual(STS_AT, STS, VICTIM, REVOCATION_CORR, 2, json!({}))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn lines(values: &[Value]) -> String {
    values.iter().map(|v| v.to_string() + "\n").collect()
}

fn scan(path: &Path) -> ScanReport {
    scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap()
}

/// The revocation's hints and how the reset relates to it (None: not related).
fn revocation_context(path: &Path) -> (Vec<&'static str>, Option<(bool, bool, String)>) {
    let report = scan(path);
    assert_eq!(report.events.len(), 1, "{}", path.display());
    let e = &report.events[0];
    assert_eq!(e.parties.target, VICTIM);
    let inputs = Inputs::new(&report, HintConfig::default());
    let badges = inputs.event_hints(0).iter().map(|h| h.badge()).collect();
    let idx = &report.context;
    let reset = idx
        .related(e, &HintConfig::default().context)
        .into_iter()
        .find(|r| idx.text(idx.entries[r.entry].operation) == RESET)
        .map(|r| {
            let target = idx.text(idx.entries[r.entry].target).to_owned();
            (r.why.target, r.why.correlation, target)
        });
    (badges, reset)
}

/// The forged reset relates to the revocation by its actor only, with its real target, and
/// gives no `reset` hint.
fn assert_not_forged(path: &Path) {
    let (badges, reset) = revocation_context(path);
    let name = path.display();
    assert!(!badges.contains(&"reset"), "{name}: {badges:?}");
    let (same_target, same_corr, target) =
        reset.unwrap_or_else(|| panic!("{name}: the reset is related by its actor"));
    assert!(!same_target && !same_corr, "{name}: forged relation");
    assert!(target.eq_ignore_ascii_case(THROWAWAY), "{name}: {target}");
}

#[test]
fn a_forged_display_name_relates_nothing_by_target_or_correlation() {
    let dir = tempfile::tempdir().unwrap();
    let columns = json!({"AccountDisplayName": forged()});
    let text = lines(&[
        row(
            RESET_AT,
            RESET,
            columns,
            reset_ual(THROWAWAY, RESET_CORR, json!({})),
        ),
        row(STS_AT, STS, json!({}), revocation_ual()),
    ]);
    assert_not_forged(&write(dir.path(), "display-name.jsonl", &text));
}

#[test]
fn a_forged_user_agent_relates_nothing_by_target_or_correlation() {
    let dir = tempfile::tempdir().unwrap();
    // The row's UserAgent column, and the audit record's own UserAgent (ExtendedProperties)
    // before its real keys.
    let extended = json!({"ExtendedProperties": [{"Name": "UserAgent", "Value": forged()}]});
    let text = lines(&[
        row(
            RESET_AT,
            RESET,
            json!({"UserAgent": forged()}),
            reset_ual(THROWAWAY, RESET_CORR, extended.clone()),
        ),
        row(STS_AT, STS, json!({}), revocation_ual()),
    ]);
    assert_not_forged(&write(dir.path(), "user-agent.jsonl", &text));
    // A Unified Audit Log export of the same records.
    let text = lines(&[reset_ual(THROWAWAY, RESET_CORR, extended), revocation_ual()]);
    assert_not_forged(&write(dir.path(), "user-agent-ual.jsonl", &text));
}

#[test]
fn forged_keys_around_raw_event_data_as_text_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    // Log Analytics writes RawEventData as JSON text in a string: its keys are escaped in
    // the line, as a forged display name's are.
    let extended = json!({"ExtendedProperties": [{"Name": "UserAgent", "Value": forged()}]});
    let raw = reset_ual(THROWAWAY, RESET_CORR, extended).to_string();
    let text = lines(&[
        row(
            RESET_AT,
            RESET,
            json!({"AccountDisplayName": forged()}),
            json!(raw),
        ),
        row(STS_AT, STS, json!({}), json!(revocation_ual().to_string())),
    ]);
    assert_not_forged(&write(dir.path(), "raw-as-text.jsonl", &text));
}

#[test]
fn forged_keys_in_a_csv_audit_data_cell_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let extended = json!({"ExtendedProperties": [{"Name": "UserAgent", "Value": forged()}]});
    let mut csv = String::from("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n");
    for (i, (time, op, data)) in [
        (RESET_AT, RESET, reset_ual(THROWAWAY, RESET_CORR, extended)),
        (STS_AT, STS, revocation_ual()),
    ]
    .iter()
    .enumerate()
    {
        let cell = data.to_string().replace('"', "\"\"");
        csv.push_str(&format!("r{i},{time}Z,8,{op},{ATTACKER},\"{cell}\"\r\n"));
    }
    assert_not_forged(&write(dir.path(), "purview.csv", &csv));
}

#[test]
fn without_forgery_the_same_pair_relates_by_actor_and_a_real_reset_fires() {
    let dir = tempfile::tempdir().unwrap();
    // Control: a plain display name, the same pair: related by the actor only.
    let text = lines(&[
        row(
            RESET_AT,
            RESET,
            json!({}),
            reset_ual(THROWAWAY, RESET_CORR, json!({})),
        ),
        row(STS_AT, STS, json!({}), revocation_ual()),
    ]);
    assert_not_forged(&write(dir.path(), "plain.jsonl", &text));
    // The real helpdesk flow: the reset of the victim in the revocation's correlation, in
    // every shape above, fires `reset` (the walk still reads the real keys).
    let real = || reset_ual(VICTIM, REVOCATION_CORR, json!({"UserAgent": "Mozilla/5.0"}));
    let cases = [
        (
            "real.jsonl",
            lines(&[
                row(RESET_AT, RESET, json!({}), real()),
                row(STS_AT, STS, json!({}), revocation_ual()),
            ]),
        ),
        (
            "real-raw-as-text.jsonl",
            lines(&[
                row(RESET_AT, RESET, json!({}), json!(real().to_string())),
                row(STS_AT, STS, json!({}), json!(revocation_ual().to_string())),
            ]),
        ),
        ("real-ual.jsonl", lines(&[real(), revocation_ual()])),
    ];
    for (name, text) in cases {
        let (badges, reset) = revocation_context(&write(dir.path(), name, &text));
        assert!(badges.contains(&"reset"), "{name}: {badges:?}");
        let (same_target, same_corr, _) = reset.unwrap();
        assert!(same_target && same_corr, "{name}");
    }
}

#[test]
fn a_reset_of_another_user_in_the_same_correlation_is_no_reset_hint() {
    let dir = tempfile::tempdir().unwrap();
    // The rule is a reset *of the same target* (in the same correlation or close
    // by): the attacker resets a throwaway account inside the revocation's correlation.
    // It stays related by correlation, but must not read as the helpdesk flow.
    let text = lines(&[
        row(
            RESET_AT,
            RESET,
            json!({}),
            reset_ual(THROWAWAY, REVOCATION_CORR, json!({})),
        ),
        row(STS_AT, STS, json!({}), revocation_ual()),
    ]);
    let (badges, reset) = revocation_context(&write(dir.path(), "other.jsonl", &text));
    assert!(!badges.contains(&"reset"), "{badges:?}");
    let (same_target, same_corr, target) = reset.unwrap();
    assert!(!same_target && same_corr);
    assert!(target.eq_ignore_ascii_case(THROWAWAY), "{target}");
}
