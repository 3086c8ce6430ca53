//! Which verdicts a table shows (a key of the table cycles them: all, unreviewed,
//! suspicious, legitimate).

use crate::journal::Verdict;

/// Which verdicts the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictFilter {
    All,
    Only(Verdict),
}

impl VerdictFilter {
    pub(crate) fn next(self) -> Self {
        match self {
            Self::All => Self::Only(Verdict::Unreviewed),
            Self::Only(Verdict::Unreviewed) => Self::Only(Verdict::Suspicious),
            Self::Only(Verdict::Suspicious) => Self::Only(Verdict::Legitimate),
            Self::Only(Verdict::Legitimate) => Self::All,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Only(v) => v.label(),
        }
    }
    pub(crate) fn admits(self, verdict: Verdict) -> bool {
        match self {
            Self::All => true,
            Self::Only(v) => v == verdict,
        }
    }
}
