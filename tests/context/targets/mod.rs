#![allow(clippy::panic, clippy::unwrap_used)]
//! Whose record a related record is: the target the context index keys it by, in each
//! export shape, on small inputs written for it (synthetic values, the real shapes).
//!
//! - An Entra audit record names its target by the `targetResources` entry of type `User`,
//!   by UPN or object id: a group (or an application) whose display name is the victim's
//!   UPN, listed first in a password reset, never makes that reset the victim's.
//! - Microsoft Graph audit log query records (`auditData`, and their own `objectId` when it
//!   is empty), Sentinel OfficeActivity rows (`OfficeObjectId`, `AADTarget`,
//!   `InterSystemsId`; JSON lines and the portal CSV), Hawk's simple view (JSON and CSV) and
//!   the Entra admin center download give their reset a target (and a correlation where the
//!   shape has one): the revocation beside it has the `reset` hint.
//! - A related record's target and actor are shown as first written (the index compares
//!   them with ASCII case ignored).

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;

use serde_json::{Value, json};
use sts_triage::hints::{HintConfig, Inputs};
use sts_triage::load::ScanOptions;
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::app::Overlay;

use crate::support::context::{app_of, json_report};
use crate::support::{self, keys, press};

mod as_written;
mod entra;
mod every_shape;
mod flow;

use flow::*;

const VICTIM: &str = "victim.user@contoso.com";
const VICTIM_ID: &str = "b1c7a000-0000-4000-8000-0000000000b1";
const HELPDESK: &str = "helpdesk.admin@contoso.com";
const HELPDESK_ID: &str = "a0a0a000-0000-4000-8000-0000000000a0";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn scan(path: &Path) -> ScanReport {
    scan_paths(&[path.to_path_buf()], &ScanOptions::default()).unwrap()
}

/// The context hints of the report's only STS event.
fn badges(report: &ScanReport) -> Vec<&'static str> {
    assert_eq!(report.events.len(), 1, "one STS event");
    let inputs = Inputs::new(report, HintConfig::default());
    inputs.event_hints(0).iter().map(|h| h.badge()).collect()
}
