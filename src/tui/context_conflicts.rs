//! The context panel's folds never hold records of another content: a related record folded
//! with its twins (the same second, operation, actor and target at several places) is one
//! record only when the records are copies of one event. Records of an event id read with
//! other content too (`scan::conflict`: kept as two events, one may be forged) are split
//! from the fold by the event they are records of, each part its own line, marked
//! (newcomer, session 12: the record the why panel flags as `same event id, different
//! content` was folded as `the same record in 9 exports` with the genuine event's copies,
//! and shown first, as the fold's representative).

use std::collections::{HashMap, HashSet};

use crate::context::Related;
use crate::scan::ScanReport;

/// The context index entries of the records of each event whose id was read with other
/// content (`ScanReport::id_conflicts`), by entry: which of those events it is a record of.
/// Empty, at no cost, when no id was (almost always).
///
/// The events are found among those kept whole (the conflicting events are the first of
/// their rows, kept whole); a record of one kept lean is not found and stays folded, as
/// before. One pass over the events when any id conflicts.
pub(super) fn conflict_records(report: &ScanReport) -> HashMap<usize, usize> {
    if report.id_conflicts.is_empty() {
        return HashMap::new();
    }
    let ids: HashSet<&str> = report.id_conflicts.iter().map(|c| c.id.as_str()).collect();
    let index = &report.context;
    let mut out = HashMap::new();
    for (k, e) in report.events.iter().enumerate() {
        if !ids.contains(e.id.as_str()) {
            continue;
        }
        for place in e.sources() {
            if let Some(entry) = index.entry_at(place, e) {
                out.insert(entry, k);
            }
        }
    }
    out
}

/// `related` with each fold split by the event its records are of (`by_event`, from
/// [`conflict_records`]): a part per event, in the order of its first record, the records
/// of no conflicting event together; each part a related line of its own (folded when it
/// has several records), its records in `folds`. Returns the entries of the lines whose
/// records are of an id read with other content (marked on screen).
pub(super) fn split_folds(
    related: &mut Vec<Related>,
    folds: &mut HashMap<usize, Vec<usize>>,
    by_event: &HashMap<usize, usize>,
) -> HashSet<usize> {
    let mut marked = HashSet::new();
    if by_event.is_empty() {
        return marked;
    }
    let mut out = Vec::with_capacity(related.len());
    for r in related.drain(..) {
        let members = folds.remove(&r.entry).unwrap_or_else(|| vec![r.entry]);
        let mut parts: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for m in members {
            let event = by_event.get(&m).copied();
            match parts.iter_mut().find(|(e, _)| *e == event) {
                Some((_, part)) => part.push(m),
                None => parts.push((event, vec![m])),
            }
        }
        for (event, part) in parts {
            let entry = part[0];
            if event.is_some() {
                marked.insert(entry);
            }
            out.push(Related {
                entry,
                repeats: u32::try_from(part.len() - 1).unwrap_or(u32::MAX),
                ..r
            });
            if part.len() > 1 {
                folds.insert(entry, part);
            }
        }
    }
    *related = out;
    marked
}
