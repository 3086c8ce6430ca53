//! Which verdicts a table shows (a key of the table cycles them: all, unreviewed,
//! suspicious, legitimate, changed since decided).

use std::collections::HashMap;

use super::columns::Column;
use super::items::ItemText;
use crate::journal::{Decision, Verdict};

/// Which verdicts the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictFilter {
    All,
    Only(Verdict),
    /// Decided rows that events joined since the decision (the table tests the counts).
    ChangedSinceDecided,
}

impl VerdictFilter {
    pub(crate) fn next(self) -> Self {
        match self {
            Self::All => Self::Only(Verdict::Unreviewed),
            Self::Only(Verdict::Unreviewed) => Self::Only(Verdict::Suspicious),
            Self::Only(Verdict::Suspicious) => Self::Only(Verdict::Legitimate),
            Self::Only(Verdict::Legitimate) => Self::ChangedSinceDecided,
            Self::ChangedSinceDecided => Self::All,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Only(v) => v.label(),
            Self::ChangedSinceDecided => "changed since decided",
        }
    }
    pub(crate) fn admits(self, verdict: Verdict) -> bool {
        match self {
            Self::All => true,
            Self::Only(v) => v == verdict,
            // Only decided rows can have changed since; the counts are the table's test.
            Self::ChangedSinceDecided => verdict != Verdict::Unreviewed,
        }
    }
}

/// Whether events joined a decided flagged row since its decision: its Events now above
/// the count its decision kept (`App::new_events` says the same from the report).
pub(super) fn changed_since_decided(
    columns: &[Column],
    item: &ItemText,
    decisions: &HashMap<String, Decision>,
) -> bool {
    let Some(then) = decisions.get(&item.key).and_then(|d| d.events) else {
        return false;
    };
    columns
        .iter()
        .position(|&c| c == Column::Events)
        .and_then(|col| item.numbers.get(col).copied().flatten())
        .and_then(|now| u64::try_from(now).ok())
        .is_some_and(|now| now > then)
}
