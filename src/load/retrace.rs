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
        self.trace_checked().unwrap_or_else(|_| Trace {
            action_type: self.operation.to_string(),
            action_type_matches: self.operation == crate::rule::ACTION_TYPE,
            timestamp: self.time,
            ..Trace::default()
        })
    }

    /// The trace of the query's clauses, or why it cannot be had: the record could not be
    /// read back, or what is read back is no longer this event (the input changed since the
    /// load; [`crate::evidence::CHANGED_SINCE_LOAD`]). The why-panel shows no clause it
    /// cannot back with the record's values (breaker 12 #5: every clause was ticked beside
    /// `null` values, and `returned by the query` said, of a record it could not read).
    pub fn trace_checked(&self) -> Result<Trace, String> {
        if let Some(kept) = &self.trace_kept {
            return Ok((**kept).clone());
        }
        let raw = self.raw.text().map_err(|e| e.to_string())?;
        let evaluated = evaluate_record_traced(
            raw.as_bytes(),
            self.source.line,
            &self.source.file,
            usize::MAX,
        );
        match evaluated {
            Evaluated::Classified(Classified::Sts(again), _) if again.id == self.id => again
                .trace_kept
                .map(|t| *t)
                .ok_or_else(|| "the record read back gives no trace".to_owned()),
            _ => Err(format!(
                "the record read back is not this event any more ({})",
                crate::evidence::CHANGED_SINCE_LOAD
            )),
        }
    }
}
