//! The clause-by-clause trace of an STS event (the drill-down's "why" panel), evaluated again
//! from the event's raw text when it is asked for instead of kept in memory for every event.
//!
//! A scan keeps the trace only where the raw text is not the record the rule read (CSV rows,
//! whose cells became a record; records read by follow mode). Every other event's raw text
//! is the very text that was parsed and classified (`json::evaluate_record`), so parsing it
//! again with the same function gives the same trace: the rule is a pure function of the
//! record.

use super::json::{Evaluated, evaluate_record_traced};
use super::record::Classified;
use crate::model::{StsEvent, Trace};

impl StsEvent {
    /// The trace of the query's clauses for this event: the kept one, else the raw text read
    /// back (one positioned read) and evaluated again. Should the raw text no longer be
    /// readable or no longer be this event (the input deleted, cut or rewritten since the
    /// scan), only what the event itself holds: the operation, whether it is the query's
    /// literal, and the time (the raw-text panel says why).
    pub fn trace(&self) -> Trace {
        if let Some(kept) = &self.trace_kept {
            return (**kept).clone();
        }
        self.trace_from_raw().unwrap_or_else(|| Trace {
            action_type: self.operation.to_string(),
            action_type_matches: self.operation == crate::rule::ACTION_TYPE,
            timestamp: self.time,
            ..Trace::default()
        })
    }

    fn trace_from_raw(&self) -> Option<Trace> {
        let raw = self.raw.text().ok()?;
        let evaluated = evaluate_record_traced(
            raw.as_bytes(),
            self.source.line,
            &self.source.file,
            usize::MAX,
        );
        match evaluated {
            Evaluated::Classified(Classified::Sts(again), _) if again.id == self.id => {
                again.trace_kept.map(|t| *t)
            }
            _ => None,
        }
    }
}
