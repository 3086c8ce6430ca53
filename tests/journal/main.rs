#![allow(clippy::panic, clippy::unwrap_used)]
//! The journal: its default name, its promises under random decisions, decisions on events that
//! share an id, standard input named twice, and its chain verified (`sts-triage verify`). One
//! test binary; the journal under SIGKILL and under a failing disk (journal_crash,
//! journal_faults) stay binaries of their own, as they run their own binary again as a child by
//! test name.

#[path = "../support/mod.rs"]
mod support;

mod name;
mod props;
mod row_keys;
mod same_id;
mod same_id_keys;
mod stdin_twice;
mod verify;
