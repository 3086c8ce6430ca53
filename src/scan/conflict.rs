//! Two records of one event id with different content (`same id, different content`): kept
//! as two events on purpose (a forged record reusing an admin's event id must not fold into
//! it), and listed here so that every place the analyst decides a row says so: the
//! `conflict` hint and its reason (naming the other record and the values that differ),
//! ⚠ on the rows, classify-like-this, the report's lines.

use crate::model::{ResultRow, SourceRef, StsEvent};

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
    /// Per field of `differs`, its two values where they are short (`["08:20:05.000",
    /// "08:20:05.111"]`: the first record's, then the later one's), neutralised; `None` where
    /// they are long or not kept (actor, target, other content). Newbie 15 #6: `another time`
    /// of two rows whose Time cells read the same second sent the analyst to open both.
    pub values: Vec<Option<[String; 2]>>,
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

    /// `time (first 08:20:05.000, second 08:20:05.111), IsAnonymousProxy (first false,
    /// second true)`: what differs, each value labelled by the record of `places` it is
    /// from, for a line that names both records in that order (the report's).
    pub fn differs_text(&self) -> String {
        self.labelled([0, 1], ["first", "second"])
    }

    /// What differs as seen from the record at `at`: `time (here 08:20:05.111, there
    /// 08:20:05.000), IsAnonymousProxy (here false, there true)`, `there` being the other
    /// record of the pair. Newbie 17 #1: the bare `false vs true` (first read, then later)
    /// read backwards on one of the two rows, and the forged record was pinned on the wrong
    /// one. Where `at` is neither record (an event moved to its canonical copy), each value
    /// is labelled with its record's `file:line`.
    pub fn differs_at(&self, at: &SourceRef) -> String {
        if self.places[0] == *at {
            self.labelled([0, 1], ["here", "there"])
        } else if self.places[1] == *at {
            self.labelled([1, 0], ["here", "there"])
        } else {
            let names = self
                .places
                .clone()
                .map(|p| crate::neutralize::neutralize(&p.to_string()).into_owned());
            self.labelled([0, 1], [&names[0], &names[1]])
        }
    }

    /// Each field of `differs`, with its values (where kept) in the order of `order`
    /// (indexes into `places`), each after its label.
    fn labelled(&self, order: [usize; 2], labels: [&str; 2]) -> String {
        self.differs
            .iter()
            .enumerate()
            .map(
                |(i, field)| match self.values.get(i).and_then(Option::as_ref) {
                    Some(v) => format!(
                        "{field} ({} {}, {} {})",
                        labels[0], v[order[0]], labels[1], v[order[1]]
                    ),
                    None => (*field).to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The longest value named in a conflict's reason: a UPN or an ISP name would make it a
/// paragraph; those fields are named alone.
const SHORT_VALUE: usize = 24;

/// Two short values (neutralised: event text), else `None`.
fn pair(a: &str, b: &str) -> Option<[String; 2]> {
    let (a, b) = (
        crate::neutralize::neutralize(a),
        crate::neutralize::neutralize(b),
    );
    let shown = |v: &str| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.to_owned()
        }
    };
    if a.chars().count() > SHORT_VALUE || b.chars().count() > SHORT_VALUE {
        return None;
    }
    Some([shown(&a), shown(&b)])
}

/// Two times that differ, to the first precision that tells them apart (milliseconds, then
/// micro-, then the 100 ns ticks the exports carry), with the date only when it differs.
fn times(
    a: Option<&crate::kql::KqlDateTime>,
    b: Option<&crate::kql::KqlDateTime>,
) -> Option<[String; 2]> {
    let (Some(a), Some(b)) = (a, b) else {
        return None;
    };
    let date = a.date_naive() != b.date_naive();
    for digits in [3usize, 6, 7] {
        let f = |t: &crate::kql::KqlDateTime| {
            let ticks = t.timestamp_subsec_nanos() / 100;
            let frac = format!("{ticks:07}");
            let day = if date {
                t.format("%Y-%m-%d ").to_string()
            } else {
                String::new()
            };
            format!("{day}{}.{}", t.format("%H:%M:%S"), &frac[..digits])
        };
        let (x, y) = (f(a), f(b));
        if x != y {
            return Some([x, y]);
        }
    }
    None
}

/// A flagged event's first row, a near miss's values ([`StsEvent::near_row`]).
fn first_row(e: &StsEvent) -> Option<&ResultRow> {
    e.rows_or_near_row().first()
}

/// The fields that differ between two records of one id, in the order the copy rule
/// compares them, then the query's columns (`scan::again`).
pub(super) fn differing(
    a: &StsEvent,
    b: &StsEvent,
) -> (Vec<&'static str>, Vec<Option<[String; 2]>>) {
    let mut out = Vec::new();
    let mut values = Vec::new();
    if a.time != b.time {
        out.push("time");
        values.push(times(a.time.as_ref(), b.time.as_ref()));
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
    let same_outcome = a.is_flagged() == b.is_flagged();
    if !same_outcome {
        out.push("flagged or not");
    }
    // A near miss's values beside a flagged row's would list the Role and minutes it lacks:
    // `flagged or not` says that.
    if let (Some(x), Some(y), true) = (first_row(a), first_row(b), same_outcome) {
        let (cx, cy) = (x.cells(), y.cells());
        for (name, (p, q)) in ResultRow::COLUMNS.iter().zip(cx.iter().zip(cy.iter())) {
            if p != q {
                out.push(name);
                values.resize(out.len() - 1, None);
                values.push(pair(p, q));
            }
        }
    }
    if out.is_empty() {
        out.push("other content");
    }
    values.resize(out.len(), None);
    (out, values)
}
