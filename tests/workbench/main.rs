#![allow(clippy::panic, clippy::unwrap_used)]
//! The workbench driven without a terminal: actions into the state, key events through the
//! keymap, and the screen rendered on ratatui's TestBackend (insta snapshots).
//!
//! One test binary for the whole workbench (each top-level test file is a binary to link):
//! a module per thing the analyst does or sees. The modules of the first split (verdicts,
//! filter, table, drill, classify, copy, load, help, snapshots) share this file's fixture and
//! helpers; the others were test files of their own and keep their own setup, with what
//! several of them repeated in `tests/support`.

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

mod changed_input;
mod classify;
mod context;
mod context_foot;
mod copy;
mod cursor_origin;
mod decided_rows;
mod drill;
mod drill_follows_row;
mod event_hints;
mod faults;
mod filter;
mod filter_search;
mod first_questions;
mod frames;
mod help;
mod help_screen;
mod hints_off_thread;
mod idle_journal;
mod input_hash;
mod lean;
mod load;
mod load_batches;
mod moved_journal;
mod narrow_screens;
mod overlays;
mod panel_titles;
mod partial_report;
mod problems_view;
mod props;
mod review_counts;
mod snapshots;
mod stale_retry;
mod status_line;
mod table;
mod touched_rows;
mod two_workbenches;
mod undo_restores;
mod unmatched_decisions;
mod verdict_words;
mod verdicts;
mod what_stays;
mod why_panel;

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

/// The journal entries asked for since the last call: (key, verdict, note, action).
fn journal_entries(app: &mut App) -> Vec<(String, Verdict, String, String)> {
    support::journal_effects(app)
        .into_iter()
        .map(|e| (e.key, e.verdict, e.note, e.action))
        .collect()
}

/// The keys of the journal entries asked for since the last call.
fn journaled(app: &mut App) -> Vec<String> {
    support::journal_effects(app)
        .into_iter()
        .map(|e| e.key)
        .collect()
}

/// The keys of the flagged rows shown, in order.
fn shown_keys(app: &App) -> Vec<String> {
    support::keys_of(app, View::Findings)
}
