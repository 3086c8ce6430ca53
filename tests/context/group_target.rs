#![allow(clippy::panic, clippy::unwrap_used)]
//! A group named as the victim's UPN is not the victim, in the Unified Audit Log too: a
//! UAL record whose `ObjectId` is a UPN but whose `Target` entries say the object is a
//! group (`Group_<guid>`, `Group`) is no record "of the same target" (breaker 13, finding
//! 9), as Entra's `targetResources` type and CloudAppEvents' `ActivityObjects` already say.

use serde_json::json;

use crate::id_only::{UAL_STS_OP, ual, write_lines};
use crate::support::context::json_report;

const MEGAN: &str = "megan.bowen@contoso.onmicrosoft.com";
const MEGAN_ID: &str = "04c819a0-37de-52ad-bb16-408c476e160f";
const GROUP_ID: &str = "12121212-1212-4121-8121-121212121212";

#[test]
fn a_ual_group_named_as_the_victims_upn_is_not_the_same_target() {
    let dir = tempfile::tempdir().unwrap();
    let group = |n: u32, hms: &str, name: &str| {
        let mut g = ual(n, hms, "Add group.", name, MEGAN_ID);
        g["Target"] = json!([{"ID": format!("Group_{GROUP_ID}"), "Type": 2}, {"ID": GROUP_ID, "Type": 2},
            {"ID": "Group", "Type": 2}, {"ID": name, "Type": 1}]);
        g
    };
    write_lines(
        &dir.path().join("ual.jsonl"),
        &[
            group(5, "09:00:05", MEGAN),
            group(6, "09:00:06", "MEGAN.BOWEN@contoso.onmicrosoft.com"),
            // The control: the same change on the user herself is of the same target.
            ual(7, "09:00:07", "Update user.", MEGAN, MEGAN_ID),
            ual(30, "09:00:30", UAL_STS_OP, MEGAN, MEGAN_ID),
        ],
    );
    let report = json_report(dir.path());
    let row = &report["findings"][0];
    let related: Vec<(&str, &str, &str)> = row["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap(),
                r["target"].as_str().unwrap(),
                r["why"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            ("Add group.", GROUP_ID, "same actor"),
            ("Add group.", GROUP_ID, "same actor"),
            ("Update user.", MEGAN, "same target, same actor"),
        ],
        "{row:#}"
    );
}
