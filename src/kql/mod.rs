//! The few Kusto (KQL) functions the hunting query uses, with Kusto's documented semantics.
//!
//! Every function here is tested against the documentation's own vectors
//! (`shared/reference/kql-vectors.json`, copied into `tests/kql_vectors.rs`). Where the
//! documentation is silent the choice is written next to the code and in README.md.
//!
//! One file a concern: `terms.rs` (string operators and `has` tokenisation), `dynamic.rs`
//! (dynamic values, `tostring`, `parse_json`), `scalar.rs` (null rules), `todatetime.rs` (reading
//! dates) and `datetime.rs` (`datetime_diff`, ticks, printing). Each names the Kusto
//! documentation page its rules come from.

use chrono::{DateTime, Utc};

mod datetime;
mod dynamic;
mod scalar;
mod terms;
mod todatetime;

pub use datetime::{Period, datetime_diff, format_datetime, minutes_between, ticks};
pub use dynamic::{
    TermHit, dynamic_eq_str, dynamic_find_term, dynamic_to_json, first_datetime_of, index,
    json_string_text, parse_json, property, todatetime_dynamic, tostring,
};
pub use scalar::{scalar_add, scalar_eq, scalar_gt, scalar_ne, where_keeps};
pub use terms::{
    contains, eq_ignore_case, find_term, has, has_cs, has_term, hasprefix, hassuffix, terms,
};
pub(crate) use todatetime::parse_datetime_text;
pub use todatetime::todatetime;

/// A Kusto `datetime`: UTC, 100-nanosecond ticks (finer digits are truncated).
pub type KqlDateTime = DateTime<Utc>;
