//! Two records of one event id with different content (the samples' `a5581d97…`: one with
//! IsAnonymousProxy false, one with it true and another second's fraction) are two rows on
//! purpose. Both say so wherever the analyst judges them: the `conflict` hint on screen, in
//! `y` and in the report; the report's section naming both `file:line` and what differs,
//! in Markdown and JSON. Before, only stderr and the problems view said it.

use std::path::PathBuf;

use super::row_hints::same_badges_everywhere;
use crate::support::run_bin;

const AH: &str = "assets/samples/cloudappevents-ah-api.jsonl";
const LEGACY: &str = "assets/samples/cloudappevents-legacy-api.json";

#[test]
fn both_records_of_a_contested_id_carry_conflict_everywhere() {
    let hints = same_badges_everywhere(&[PathBuf::from(AH), PathBuf::from(LEGACY)]);
    let conflict: Vec<_> = hints
        .iter()
        .filter(|(_, h)| h.split(' ').any(|b| b == "conflict"))
        .collect();
    assert_eq!(conflict.len(), 2, "both rows, no other: {hints:#?}");
    // One of them is the proxy row, whose other badges stay.
    assert!(
        conflict.iter().any(|(_, h)| h.contains("proxy")),
        "{conflict:?}"
    );
}

#[test]
fn the_report_names_each_pair_and_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("none.jsonl").display().to_string();
    let out = run_bin(&["report", "--journal", &journal, AH, LEGACY]);
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = md
        .lines()
        .skip_while(|l| !l.starts_with("## Same event id, different content (1)"))
        .find(|l| l.starts_with("- "))
        .unwrap_or_else(|| panic!("no section: {md}"));
    assert!(
        line.contains("`a5581d97-6983-5843-b97a-9e94cb3abc03`"),
        "{line}"
    );
    assert!(line.contains(&format!("`{AH}:10`")), "{line}");
    assert!(line.contains(&format!("`{LEGACY}:1`")), "{line}");
    // With the two values (newbie 15 #6: both Time cells read 08:20:05), each labelled by
    // the record it is from, in the line's order (newbie 17 #1: a bare `false vs true` was
    // read the wrong way round): the AH record at 08:20:05.1111111Z, the legacy one at
    // 08:20:05Z.
    assert!(
        line.contains(
            "differ in time (first 08:20:05.111, second 08:20:05.000), IsAnonymousProxy (first false, second true)"
        ),
        "{line}"
    );
    // stderr names the same two fields, not every field that could differ (trust12: it
    // listed "another time, StsRefreshTokensValidFrom values, IP, actor, target or
    // operation…" whatever differed).
    let err = String::from_utf8_lossy(&out.stderr);
    let warning = err
        .lines()
        .find(|l| l.contains("same id, different content"))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(
        warning.ends_with("differ in time, IsAnonymousProxy; kept as two events"),
        "{warning}"
    );
    assert!(
        !warning.contains("IP") && !warning.contains("target"),
        "{warning}"
    );
    let json = run_bin(&[
        "report",
        "--format",
        "json",
        "--journal",
        &journal,
        AH,
        LEGACY,
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let pairs = v["same_id_different_content"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(
        pairs[0]["differs"],
        serde_json::json!(["time", "IsAnonymousProxy"])
    );
    // A report of inputs with no such pair has no section.
    let one = run_bin(&["report", "--journal", &journal, AH]);
    assert!(!String::from_utf8_lossy(&one.stdout).contains("different content"));
}

/// Breaker 17 #7: a second record of a near miss's id from another IP and ISP (the sample's
/// line 5, no ModifiedProperties) was counted as a duplicate, the attacker's IP in neither
/// scan nor report. Now two near misses, the pair named with both IPs.
#[test]
fn a_near_miss_copied_from_another_ip_is_two_near_misses_with_both_ips_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(AH).unwrap();
    let line5 = text.lines().nth(4).unwrap();
    assert!(line5.contains("\"IPAddress\":\"203.0.113.10\""), "{line5}");
    let forged = line5
        .replace(
            "\"IPAddress\":\"203.0.113.10\"",
            "\"IPAddress\":\"192.0.2.99\"",
        )
        .replace("\"ISP\":\"Contoso Networks\"", "\"ISP\":\"Evil Hosting\"");
    let input = dir.path().join("dup2.jsonl");
    std::fs::write(&input, format!("{text}{forged}\n")).unwrap();
    let input = input.display().to_string();
    let id = "7ec3cb69-6e91-563d-8749-170ef26f55a0";
    let scan = run_bin(&["scan", "--format", "jsonl", "--near-misses", &input]);
    let listed = String::from_utf8_lossy(&scan.stdout)
        .lines()
        .filter(|l| l.contains("\"near_miss\"") && l.contains(id))
        .count();
    assert_eq!(listed, 2);
    let err = String::from_utf8_lossy(&scan.stderr);
    assert!(
        err.contains("same id, different content") && err.contains("differ in IPAddress, ISP"),
        "{err}"
    );
    assert!(!err.contains("duplicate record"), "{err}");
    let journal = dir.path().join("none.jsonl").display().to_string();
    let out = run_bin(&["report", "--journal", &journal, &input]);
    let md = String::from_utf8_lossy(&out.stdout);
    let line = md
        .lines()
        .skip_while(|l| !l.starts_with("## Same event id, different content (1)"))
        .find(|l| l.starts_with("- "))
        .unwrap_or_else(|| panic!("no section: {md}"));
    assert!(
        line.contains(&format!("`{id}`"))
            && line.contains(
                "IPAddress (first 203.0.113.10, second 192.0.2.99), \
                 ISP (first Contoso Networks, second Evil Hosting)"
            ),
        "{line}"
    );
}
