//! Sorting a table: numbers as numbers, text by its lower case eight bytes at a time,
//! ties broken by time; fast enough for 100,000 rows per key press.

use std::collections::HashMap;

use super::columns::{Column, Kind};
use super::filter::cell_address;
use super::items::{ItemText, Packed};
use crate::journal::{Decision, Verdict};

/// The parts of a table a sort reads.
pub(super) struct Rows<'a> {
    pub items: &'a [ItemText],
    pub columns: &'a [Column],
    pub verdicts: &'a [Verdict],
    pub packed: &'a Packed,
}

/// Every item of a table in its sort order: the chosen column (numbers as numbers, text
/// by its lower case), ties broken by time; without a chosen column, newest first.
/// Reversing a sort reverses the whole order. `cache` is the sort column's ascending
/// order computed ahead of time, if any.
pub(super) fn sort_items(
    table: &Rows,
    cache: Option<&[u32]>,
    sort: Option<(usize, bool)>,
    decisions: &HashMap<String, Decision>,
) -> Vec<usize> {
    let items = table.items;
    let columns = table.columns;
    if let Some((_, desc)) = sort
        && let Some(ascending) = cache
    {
        let mut order: Vec<usize> = ascending.iter().map(|&i| i as usize).collect();
        if desc {
            order.reverse();
        }
        return order;
    }
    let Some((col, desc)) = sort else {
        let mut keys: Vec<(std::cmp::Reverse<Option<i64>>, usize)> = items
            .iter()
            .enumerate()
            .map(|(i, it)| (std::cmp::Reverse(it.time), i))
            .collect();
        keys.sort_unstable();
        return keys.into_iter().map(|(_, i)| i).collect();
    };
    let mut order: Vec<usize> = match columns.get(col).map(|c| c.kind()) {
        // Times by the instant (the shown text's order differs from it across a change
        // of the clocks in local time).
        Some(Kind::Time) => {
            let mut keys: Vec<(Option<i64>, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.time, i))
                .collect();
            keys.sort_unstable();
            keys.into_iter().map(|(_, i)| i).collect()
        }
        // Addresses as addresses (10.0.0.9 before 10.0.0.10; IPv4 before IPv6), cells that
        // hold none first, as empty numbers are.
        Some(Kind::Ip) => {
            let mut keys: Vec<(Option<std::net::IpAddr>, Option<i64>, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, it)| (cell_address(table.packed.cell(i, col)), it.time, i))
                .collect();
            keys.sort_unstable();
            keys.into_iter().map(|(_, _, i)| i).collect()
        }
        Some(Kind::Number | Kind::Tags) => {
            let mut keys: Vec<(Option<i64>, Option<i64>, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.number(col), it.time, i))
                .collect();
            keys.sort_unstable();
            keys.into_iter().map(|(_, _, i)| i).collect()
        }
        Some(Kind::Text) | None => {
            let texts: Vec<&str> = items
                .iter()
                .enumerate()
                .map(|(i, it)| match columns.get(col) {
                    Some(Column::Verdict) => table.verdicts[i].label(),
                    Some(Column::Note) => decisions.get(&it.key).map_or("", |d| d.note.as_str()),
                    _ => table.packed.cell(i, col),
                })
                .collect();
            sort_by_text(&texts, items)
        }
    };
    if desc {
        order.reverse();
    }
    order
}

/// Sorts by text quickly: by eight bytes at a time packed in an integer (a most
/// significant digit radix sort by 64-bit digits), runs of equal texts by time.
fn sort_by_text(texts: &[&str], items: &[ItemText]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    sort_run(&mut order, texts, items, 0);
    order
}

fn chunk(s: &str, depth: usize) -> u64 {
    let mut b = [0u8; 8];
    let bytes = s.as_bytes().get(depth * 8..).unwrap_or(&[]);
    for (d, s) in b.iter_mut().zip(bytes) {
        *d = *s;
    }
    u64::from_be_bytes(b)
}

fn sort_run(run: &mut [usize], texts: &[&str], items: &[ItemText], depth: usize) {
    let whole = |run: &mut [usize]| {
        run.sort_unstable_by(|&a, &b| {
            texts[a]
                .cmp(texts[b])
                .then_with(|| items[a].time.cmp(&items[b].time))
                .then(a.cmp(&b))
        });
    };
    if run.len() < 64 || depth >= 16 {
        whole(run);
        return;
    }
    let mut keys: Vec<(u64, usize)> = run.iter().map(|&i| (chunk(texts[i], depth), i)).collect();
    keys.sort_unstable();
    for (slot, (_, i)) in run.iter_mut().zip(&keys) {
        *slot = *i;
    }
    let mut start = 0;
    while start < keys.len() {
        let mut end = start + 1;
        while end < keys.len() && keys[end].0 == keys[start].0 {
            end += 1;
        }
        if end - start > 1 {
            // Texts that ended within this chunk are equal: order them by time.
            if texts[run[start]].len() <= (depth + 1) * 8 {
                whole(&mut run[start..end]);
            } else {
                sort_run(&mut run[start..end], texts, items, depth + 1);
            }
        }
        start = end;
    }
}

/// The ascending order of one column, for the cache filled while the workbench is idle.
pub(super) fn ascending_order(table: &Rows, col: usize) -> Vec<u32> {
    sort_items(table, None, Some((col, false)), &HashMap::new())
        .into_iter()
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect()
}
