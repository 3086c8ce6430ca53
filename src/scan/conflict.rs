//! Two records of one event id with different content (`same id, different content`): kept
//! as two events on purpose (a forged record reusing an admin's event id must not fold into
//! it), and listed here so that every place the analyst decides a row says so: the
//! `conflict` hint and its reason (naming the other record and the values that differ),
//! ⚠ on the rows, classify-like-this, the report's lines.

use crate::model::{Outcome, ResultRow, SourceRef, StsEvent};

/// One pair of records of one event id whose content differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdConflict {
    /// The event id both records carry (as read).
    pub id: String,
    /// The record read first, then the one read later.
    pub places: [SourceRef; 2],
    /// What differs between them, in the field's terms (`time`, `IP`,
    /// `IsAnonymousProxy`…); `other content` when the first record could not be read back.
    pub differs: Vec<&'static str>,
}

impl IdConflict {
    /// The record of the pair that is not `at` (the first when `at` is neither).
    pub fn other_than(&self, at: &SourceRef) -> &SourceRef {
        if self.places[0] == *at {
            &self.places[1]
        } else {
            &self.places[0]
        }
    }

    /// `time, IsAnonymousProxy`: what differs, for a reason or a report line.
    pub fn differs_text(&self) -> String {
        self.differs.join(", ")
    }
}

fn first_row(e: &StsEvent) -> Option<&ResultRow> {
    match &e.outcome {
        Outcome::Flagged(rows) => rows.first(),
        Outcome::NearMiss(_) => None,
    }
}

/// The fields that differ between two records of one id, in the order the copy rule
/// compares them, then the query's columns (`scan::again`).
pub(super) fn differing(a: &StsEvent, b: &StsEvent) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.time != b.time {
        out.push("time");
    }
    if a.valid_from != b.valid_from {
        out.push("StsRefreshTokensValidFrom values");
    }
    if a.operation.as_str() != b.operation.as_str() {
        out.push("operation");
    }
    if !a
        .parties
        .actor_label()
        .eq_ignore_ascii_case(b.parties.actor_label())
    {
        out.push("actor");
    }
    if !a
        .parties
        .target_label()
        .eq_ignore_ascii_case(b.parties.target_label())
    {
        out.push("target");
    }
    if a.is_flagged() != b.is_flagged() {
        out.push("flagged or not");
    }
    if let (Some(x), Some(y)) = (first_row(a), first_row(b)) {
        let (cx, cy) = (x.cells(), y.cells());
        for (name, (p, q)) in ResultRow::COLUMNS.iter().zip(cx.iter().zip(cy.iter())) {
            if p != q {
                out.push(name);
            }
        }
    }
    if out.is_empty() {
        out.push("other content");
    }
    out
}
