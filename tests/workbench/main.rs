#![allow(clippy::panic, clippy::unwrap_used)]
//! The workbench driven without a terminal: actions into the state, key events through the
//! keymap, and the screen rendered on ratatui's TestBackend (insta snapshots).

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use sts_triage::journal::{Decision, Verdict};
use sts_triage::load::{ScanMessage, ScanOptions};
use sts_triage::scan::{ScanReport, scan_paths};
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::{App, Effect, Overlay, View};
use sts_triage::tui::columns::{Column, finding};
use sts_triage::tui::key_to_action;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::overlay::{Candidate, Link};
use sts_triage::tui::render::{Theme, draw};

#[path = "../support/mod.rs"]
mod support;
use support::{focus_on, keys, press, render as screen, sized, text};

mod classify;
mod copy;
mod drill;
mod filter;
mod help;
mod load;
mod snapshots;
mod table;
mod verdicts;

const FIXTURE: &str = "tests/fixtures/workbench.jsonl";

fn report() -> ScanReport {
    scan_paths(&[PathBuf::from(FIXTURE)], &ScanOptions::default()).unwrap()
}

fn app() -> App {
    App::new("test.sts-triage.jsonl", "analyst", HashMap::new()).with_report(report())
}

fn current_account(app: &App) -> String {
    let t = app.table();
    app.cell(t, t.current().unwrap(), 1)
}

fn journal_entries(app: &mut App) -> Vec<(String, Verdict, String, String)> {
    app.effects
        .drain(..)
        .filter_map(|e| match e {
            Effect::Journal(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .map(|e| (e.key, e.verdict, e.note, e.action))
        .collect()
}

/// The keys of the flagged rows shown, in order.
fn shown_keys(app: &App) -> Vec<String> {
    app.findings
        .order
        .iter()
        .map(|&i| app.findings.items[i].key.clone())
        .collect()
}
