//! The `bulk` hint's counts: for each actor, the distinct users whose tokens it changed
//! within a sliding window (split out of `hints`).

use std::collections::HashMap;

use super::HintConfig;
use crate::context::index::TICKS_PER_SEC;
use crate::kql::ticks;
use crate::scan::ScanReport;

/// For each STS event whose actor changed the tokens of `bulk_users` or more distinct
/// targets within some `bulk_minutes` window that holds the event, that count: by the
/// event's arrival number for the events kept whole, and by row for the lean events of the
/// headless commands (each gives one row; the most of its lean events' counts), so that a
/// row's `bulk` is the same whether its events were kept whole or not.
pub(super) fn bulk_counts(
    report: &ScanReport,
    config: HintConfig,
) -> (HashMap<u32, usize>, HashMap<usize, usize>) {
    // Actors and targets compared in ASCII lower case, each by number.
    // An actor by its kind too: an app named like a user is another actor.
    let mut actors: HashMap<(crate::model::ActorKind, String), u32> = HashMap::new();
    let mut targets: HashMap<String, u32> = HashMap::new();
    const WHOLE: u32 = 1 << 31;
    // Per actor: (time, arrival number, target number | WHOLE for an event kept whole, the
    // row of a lean flagged event or NO_ROW); target 0 is none.
    const NO_ROW: u32 = u32::MAX;
    let mut by_actor: Vec<Vec<(i64, u32, u32, u32)>> = Vec::new();
    for e in report.event_labels() {
        let Some(t) = e.time.as_ref().map(ticks) else {
            continue;
        };
        let actor = e.actor.to_ascii_lowercase();
        if actor.is_empty() {
            continue;
        }
        let a = *actors.entry((e.actor_kind, actor)).or_insert_with(|| {
            by_actor.push(Vec::new());
            u32::try_from(by_actor.len() - 1).unwrap_or(u32::MAX)
        });
        let target = e.target.to_ascii_lowercase();
        let tid = if target.is_empty() {
            0
        } else {
            let next = u32::try_from(targets.len() + 1).unwrap_or(u32::MAX);
            *targets.entry(target).or_insert(next)
        };
        let row = e
            .finding
            .and_then(|f| u32::try_from(f).ok())
            .unwrap_or(NO_ROW);
        by_actor[a as usize].push((t, e.seq, tid | if e.whole { WHOLE } else { 0 }, row));
    }
    let w = config.bulk_minutes * 60 * TICKS_PER_SEC;
    let mut out = HashMap::new();
    let mut rows: HashMap<usize, usize> = HashMap::new();
    for list in &mut by_actor {
        if list.len() < config.bulk_users.max(1) {
            continue;
        }
        list.sort_unstable();
        let target = |k: usize| list[k].2 & !WHOLE;
        // Two pointers: the window [t_j, t_j + w] holds the events j..r.
        let mut counts: HashMap<u32, usize> = HashMap::new();
        let mut r = 0;
        let mut marked_to = 0;
        for j in 0..list.len() {
            while r < list.len() && list[r].0 <= list[j].0 + w {
                let t = target(r);
                if t != 0 {
                    *counts.entry(t).or_default() += 1;
                }
                r += 1;
            }
            let distinct = counts.len();
            if distinct >= config.bulk_users {
                for &(_, seq, tag, row) in &list[j.max(marked_to)..r] {
                    // The workbench asks each lean event's own count (`lean_shown`).
                    if tag & WHOLE != 0 || report.lean_shown {
                        out.insert(seq, distinct);
                    } else if row != NO_ROW {
                        let most = rows.entry(row as usize).or_default();
                        *most = (*most).max(distinct);
                    }
                }
                marked_to = marked_to.max(r);
            }
            let t = target(j);
            if let Some(c) = counts.get_mut(&t) {
                *c -= 1;
                if *c == 0 {
                    counts.remove(&t);
                }
            }
        }
    }
    (out, rows)
}
