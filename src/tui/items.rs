//! The text of the table's rows, computed (and neutralised) once when a row arrives, and
//! packed for filtering and sorting.

use crate::model::Outcome;
use crate::neutralize::{has_dangerous, neutralize};
use crate::scan::ScanReport;

use super::columns::{Column, FINDING_COLUMNS, NEAR_MISS_COLUMNS, finding, near_miss};

/// The text of one item, computed once when it arrives (neutralised), for filtering,
/// sorting and drawing.
#[derive(Debug, Clone)]
pub struct ItemText {
    pub key: String,
    /// One cell per column of the view (Verdict and Note are filled live).
    pub cells: Vec<String>,
    /// Sort keys: numbers where the column is numeric.
    pub numbers: Vec<Option<i64>>,
    pub time: Option<i64>,
    pub tampered: bool,
    /// Every cell in lower case, joined by a separator no term contains: what filtering
    /// and sorting read, in one allocation so a row costs one memory access, not one a cell.
    pub joined: String,
    /// Where each cell ends in `joined` (the separator follows).
    ends: [u32; MAX_COLUMNS],
}

/// The most columns a table has.
pub(super) const MAX_COLUMNS: usize = 16;

impl ItemText {
    pub(super) fn new(
        key: String,
        cells: Vec<String>,
        numbers: Vec<Option<i64>>,
        time: Option<i64>,
        tampered: bool,
    ) -> Self {
        let mut item = Self {
            key,
            cells,
            numbers,
            time,
            tampered,
            joined: String::new(),
            ends: [0; MAX_COLUMNS],
        };
        item.relower();
        item
    }

    /// Recomputes the lower-case forms after a cell changed.
    pub(super) fn relower(&mut self) {
        self.joined.clear();
        for (i, cell) in self.cells.iter().enumerate().take(MAX_COLUMNS) {
            if i > 0 {
                self.joined.push('\u{1}');
            }
            self.joined.push_str(&cell.to_lowercase());
            self.ends[i] = u32::try_from(self.joined.len()).unwrap_or(u32::MAX);
        }
    }
}

/// The lower-case text of every row of a table packed in one block, with the cells'
/// bounds beside it: a filter or sort pass over 100,000 rows then reads compact memory
/// instead of following pointers from row to row.
#[derive(Debug, Clone, Default)]
pub struct Packed {
    text: String,
    /// Where each row starts in `text` (one more entry than rows: the end).
    starts: Vec<u32>,
    /// Where each cell of a row ends, from the row's start.
    ends: Vec<[u32; MAX_COLUMNS]>,
}

impl Packed {
    pub(super) fn push(&mut self, item: &ItemText) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.text.push_str(&item.joined);
        self.starts
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        self.ends.push(item.ends);
    }

    pub(super) fn rebuild(&mut self, items: &[ItemText]) {
        self.text.clear();
        self.starts.clear();
        self.ends.clear();
        for item in items {
            self.push(item);
        }
    }

    /// A whole row in lower case (cells separated by U+0001).
    pub(super) fn row(&self, i: usize) -> &str {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.text.get(a as usize..b as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// One cell of a row in lower case.
    pub(super) fn cell(&self, i: usize, col: usize) -> &str {
        let (Some(&start), Some(ends)) = (self.starts.get(i), self.ends.get(i)) else {
            return "";
        };
        if col >= MAX_COLUMNS {
            return "";
        }
        let from = if col == 0 {
            0
        } else {
            ends[col - 1] as usize + 1
        };
        let to = ends[col] as usize;
        if to < from {
            return "";
        }
        let start = start as usize;
        self.text.get(start + from..start + to).unwrap_or("")
    }
}

/// A time (ticks) in the local zone.
pub fn local_text(ticks: i64) -> String {
    let secs = ticks.div_euclid(10_000_000);
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(String::new, |t| {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

pub(super) fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

fn short_time(t: Option<crate::kql::KqlDateTime>) -> (String, Option<i64>) {
    match t {
        Some(t) => (
            t.format("%Y-%m-%d %H:%M:%S").to_string(),
            Some(crate::kql::ticks(&t)),
        ),
        None => (String::new(), None),
    }
}

/// The targets (or actors) of a row in one cell: the one name, else the count then the
/// names (`2 users: a@contoso.com, b@contoso.com`), so that the cell reads as the report's
/// `2 users` when clipped while `target:b@` still finds the row.
fn parties_cell(names: &[&str], noun: &str) -> String {
    let label = crate::model::count_label(names, noun);
    if names.len() > 1 {
        format!("{label}: {}", names.join(", "))
    } else {
        label
    }
}

/// The text of a flagged row (neutralised once, here).
pub fn finding_text(report: &ScanReport, i: usize) -> ItemText {
    let f = &report.findings[i];
    let r = &f.row;
    let (time, ticks) = short_time(f.first_time(&report.events));
    let (targets, actors) = (f.targets(&report.events), f.actors(&report.events));
    let tampered = f.replaced
        || r.cells().iter().any(|c| has_dangerous(c))
        || targets.iter().chain(&actors).any(|c| has_dangerous(c));
    let source = f
        .events
        .first()
        .map(|&e| report.events[e].source.to_string())
        .or_else(|| {
            f.imported_from
                .as_ref()
                .map(|s| format!("{s} (query result)"))
        })
        .unwrap_or_default();
    let mut cells = vec![String::new(); FINDING_COLUMNS.len()];
    let mut numbers = vec![None; FINDING_COLUMNS.len()];
    cells[finding(Column::Time)] = time;
    cells[finding(Column::Account)] = neutralize(&r.account_display_name).into_owned();
    cells[finding(Column::Target)] = neutralize(&parties_cell(&targets, "user")).into_owned();
    cells[finding(Column::Actor)] = neutralize(&parties_cell(&actors, "actor")).into_owned();
    cells[finding(Column::Role)] = neutralize(&r.role).into_owned();
    cells[finding(Column::Ip)] = neutralize(&r.ip_address).into_owned();
    cells[finding(Column::Proxy)] = r
        .is_anonymous_proxy
        .map_or_else(String::new, |b| if b { "yes" } else { "no" }.to_owned());
    cells[finding(Column::Isp)] = neutralize(&r.isp).into_owned();
    cells[finding(Column::Added)] = opt_text(r.token_minutes_added);
    cells[finding(Column::Remaining)] = opt_text(r.token_minutes_remaining);
    cells[finding(Column::Events)] = f.events.len().to_string();
    if tampered {
        cells[finding(Column::Flag)] = "⚠".to_owned();
    }
    cells[finding(Column::Source)] = neutralize(&source).into_owned();
    numbers[finding(Column::Added)] = r.token_minutes_added;
    numbers[finding(Column::Remaining)] = r.token_minutes_remaining;
    numbers[finding(Column::Events)] = i64::try_from(f.events.len()).ok();
    numbers[finding(Column::Hint)] = Some(0);
    ItemText::new(r.key(), cells, numbers, ticks, tampered)
}

/// The text of a near miss.
pub fn near_miss_text(report: &ScanReport, event: usize) -> ItemText {
    let e = &report.events[event];
    let (time, ticks) = short_time(e.time);
    let reason = match &e.outcome {
        Outcome::NearMiss(r) => r.to_string(),
        Outcome::Flagged(_) => String::new(),
    };
    let tampered = has_dangerous(&e.actor)
        || has_dangerous(&e.operation)
        || has_dangerous(e.parties.target_label())
        || has_dangerous(e.parties.actor_label())
        || e.raw.has_replacement();
    let mut cells = vec![String::new(); NEAR_MISS_COLUMNS.len()];
    cells[near_miss(Column::Time)] = time;
    cells[near_miss(Column::Account)] = neutralize(&e.actor).into_owned();
    cells[near_miss(Column::Target)] = neutralize(e.parties.target_label()).into_owned();
    cells[near_miss(Column::Actor)] = neutralize(e.parties.actor_label()).into_owned();
    cells[near_miss(Column::Reason)] = neutralize(&reason).into_owned();
    cells[near_miss(Column::Operation)] = neutralize(&e.operation).into_owned();
    cells[near_miss(Column::Source)] = neutralize(&e.source.to_string()).into_owned();
    if tampered {
        cells[near_miss(Column::Flag)] = "⚠".to_owned();
    }
    let numbers = vec![None; cells.len()];
    ItemText::new(e.key(), cells, numbers, ticks, tampered)
}
