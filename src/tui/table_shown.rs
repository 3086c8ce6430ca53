//! What decides which rows a table shows: the refresh's inputs ([`Shown`]) and the key
//! they are remembered by ([`ShownKey`]), so that new rows or verdicts only need their own
//! test when it is the same.

use std::collections::HashMap;

use super::super::filter::{Resolved, Zone};
use super::VerdictFilter;
use crate::journal::Decision;

/// What decides which rows show, as last computed: filter, verdicts, frequency value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShownKey {
    filter: String,
    /// The same filter text reads its times differently in another zone.
    zone: Zone,
    verdicts: VerdictFilter,
    pivot: Option<(Option<usize>, String)>,
}

impl ShownKey {
    pub(super) fn of(shown: &Shown) -> Self {
        Self {
            filter: shown.filter.to_owned(),
            zone: shown.zone.clone(),
            verdicts: shown.verdicts,
            pivot: shown.pivot.map(|(c, v)| (c, v.to_owned())),
        }
    }

    /// Every row shows: a row's text changing cannot hide it or show it.
    pub(super) fn shows_all(&self) -> bool {
        self.filter.trim().is_empty() && self.verdicts == VerdictFilter::All && self.pivot.is_none()
    }
}

/// What decides which rows a refresh shows.
pub(in crate::tui) struct Shown<'a> {
    pub filter: &'a str,
    pub terms: &'a [Resolved<'a>],
    /// The zone times are shown (and time terms read) in.
    pub zone: &'a Zone,
    pub verdicts: VerdictFilter,
    /// A frequency-view value: (column index in this table, exact text). No index: the
    /// value's column is not one of this table's, and no row shows (as a `/` term naming
    /// a column the table lacks).
    pub pivot: Option<(Option<usize>, &'a str)>,
    pub decisions: &'a HashMap<String, Decision>,
    /// Put the cursor on the first shown row instead of keeping its row.
    pub from_top: bool,
}
