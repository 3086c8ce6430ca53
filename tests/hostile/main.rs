#![allow(clippy::panic, clippy::unwrap_used)]
//! Hostile data (attackers choose display names, user agents, app names): what `scan`
//! prints, what the report and the copies hold, and raw control characters inside JSON
//! strings. One test binary, a module per way out.

#[path = "../support/mod.rs"]
mod support;

mod hidden;
mod names;
mod output;
mod raw_controls;
mod scan;
