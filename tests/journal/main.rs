#![allow(clippy::panic, clippy::unwrap_used)]
//! The journal: its default name, its promises under random decisions, decisions on events that
//! share an id (and the parties that make two records of one id two events), decisions to
//! make again, standard input named twice, its chain verified (`sts-triage verify`, and each
//! row of a report against it), and the
//! journal under SIGKILL and under a failing disk (`crash`, `faults`: they run this binary
//! again as a child, by their module's test name). One test binary: one link step.

#[path = "../support/mod.rs"]
mod support;

mod crash;
mod decide_again;
mod faults;
mod moved;
mod name;
mod outside_chain;
mod parties;
mod parties_keys;
mod parties_records;
mod pipes;
mod props;
mod replaced;
mod row_keys;
mod same_id;
mod same_id_keys;
mod stdin_twice;
mod unmatched;
mod unsigned;
mod verify;
mod verify_cells;
mod verify_copied;
mod verify_rows;
mod verify_text;
