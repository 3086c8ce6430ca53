//! How much of the related records a [`super::ContextIndex`] holds. The workbench reads them
//! in a pass after the rows (`tui::loader`): a load stopped before that pass, or during it,
//! leaves an index that is empty or holds a part, and an empty index would read as "nothing
//! is related" (newbie 15 #1: `context: 0 related` on an event whose actor changed 12 users'
//! tokens). The state travels with the index, so that every reader of it (the context panel,
//! the report's Context cells, the context hints) says that they were not read instead.

/// How much of the loaded records' related records the index holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Coverage {
    /// Every related record of what was read is in (or the context is off: `--no-context`,
    /// said by [`super::ContextIndex::disabled`]).
    #[default]
    Whole,
    /// The load stopped before the related records were read: the index is empty.
    NotRead,
    /// The load stopped while the related records were read: a part was read, and none of
    /// it is shown (a part would deny what the rest holds: "no reset", "first record").
    Part,
}

impl Coverage {
    /// Whether nothing may be claimed or denied from the index.
    pub fn unread(self) -> bool {
        self != Self::Whole
    }

    /// What the index lacks, in the words every reader of it gives (the context panel, the
    /// status line, the report's Context cell); None when it is whole.
    pub fn words(self) -> Option<&'static str> {
        match self {
            Self::Whole => None,
            Self::NotRead => {
                Some("related records not read: the load was stopped before they were read")
            }
            Self::Part => Some(
                "related records read in part: the load was stopped while they were read, so none is shown",
            ),
        }
    }
}
