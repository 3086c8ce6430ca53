//! The text of the table's rows, computed (and neutralised) once when a row arrives, and the
//! "why flagged" panel of the drill-down.

use crate::kql::format_datetime;
use crate::model::Outcome;
use crate::neutralize::{has_dangerous, neutralize};
use crate::scan::ScanReport;

use super::app::HINT_COL;

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

fn opt_text<T: ToString>(v: Option<T>) -> String {
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

/// The text of a flagged row (neutralised once, here).
pub fn finding_text(report: &ScanReport, i: usize) -> ItemText {
    let f = &report.findings[i];
    let r = &f.row;
    let (time, ticks) = short_time(f.first_time(&report.events));
    let tampered = f.replaced || r.cells().iter().any(|c| has_dangerous(c));
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
    let cells = vec![
        time,
        neutralize(&r.account_display_name).into_owned(),
        neutralize(&r.role).into_owned(),
        neutralize(&r.ip_address).into_owned(),
        r.is_anonymous_proxy
            .map_or_else(String::new, |b| if b { "yes" } else { "no" }.to_owned()),
        neutralize(&r.isp).into_owned(),
        opt_text(r.token_minutes_added),
        opt_text(r.token_minutes_remaining),
        f.events.len().to_string(),
        String::new(),
        String::new(),
        String::new(),
        if tampered {
            "⚠".to_owned()
        } else {
            String::new()
        },
        neutralize(&source).into_owned(),
    ];
    let events = i64::try_from(f.events.len()).ok();
    let mut numbers = vec![None; cells.len()];
    numbers[6] = r.token_minutes_added;
    numbers[7] = r.token_minutes_remaining;
    numbers[8] = events;
    numbers[HINT_COL] = Some(0);
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
        || crate::load::decode::has_replacement(&e.raw);
    let cells = vec![
        time,
        neutralize(&e.actor).into_owned(),
        neutralize(&reason).into_owned(),
        neutralize(&e.operation).into_owned(),
        neutralize(&e.source.to_string()).into_owned(),
        String::new(),
        String::new(),
        if tampered {
            "⚠".to_owned()
        } else {
            String::new()
        },
    ];
    let numbers = vec![None; cells.len()];
    ItemText::new(e.key(), cells, numbers, ticks, tampered)
}

const NOT_REACHED: &str = "not reached: an earlier clause dropped the event";

/// The "why flagged" panel: the query's clauses with the values this event gave.
pub fn why_lines(report: &ScanReport, event: usize) -> Vec<(String, String, Option<bool>)> {
    let e = &report.events[event];
    let t = &e.trace;
    let entra = e.kind == crate::model::SourceKind::EntraAudit;
    let dt = |d: Option<crate::kql::KqlDateTime>| {
        d.as_ref()
            .map_or_else(|| "null".to_owned(), format_datetime)
    };
    let mut out = Vec::new();
    out.push((
        if entra {
            "OperationName has 'StsRefreshTokenValidFrom'".to_owned()
        } else {
            "ActionType == \"Update StsRefreshTokenValidFrom Timestamp.\"".to_owned()
        },
        format!("{:?}", neutralize(&t.action_type)),
        Some(t.action_type_matches),
    ));
    out.push((
        if entra {
            "modifiedProperties !has 'DirectorySync'".to_owned()
        } else {
            "RawEventData !has \"Directorysync\"".to_owned()
        },
        if t.action_type_matches {
            t.directory_sync.as_ref().map_or_else(
                || "no such term".to_owned(),
                |p| format!("found at {}", neutralize(p)),
            )
        } else {
            NOT_REACHED.to_owned()
        },
        t.action_type_matches.then_some(t.directory_sync.is_none()),
    ));
    let name_ok = matches!(e.outcome, Outcome::Flagged(_));
    out.push((
        if entra {
            "modifiedProperties[*].displayName =~ 'StsRefreshTokensValidFrom'".to_owned()
        } else {
            "ModifiedProperties[0].Name == \"StsRefreshTokensValidFrom\"".to_owned()
        },
        if t.action_type_matches && t.directory_sync.is_none() {
            t.display_name
                .as_ref()
                .map_or_else(|| "null".to_owned(), |n| format!("{:?}", neutralize(n)))
        } else {
            NOT_REACHED.to_owned()
        },
        (t.action_type_matches && t.directory_sync.is_none()).then_some(name_ok),
    ));
    if name_ok {
        out.push((
            "oldValue → todatetime(parse_json(tostring(oldValue))[0])".to_owned(),
            format!(
                "{} → {}",
                neutralize(
                    t.old_value
                        .as_deref()
                        .filter(|v| !v.is_empty())
                        .unwrap_or("null")
                ),
                dt(t.old_valid_from)
            ),
            None,
        ));
        out.push((
            "newValue → todatetime(parse_json(tostring(newValue))[0])".to_owned(),
            format!(
                "{} → {}",
                neutralize(
                    t.new_value
                        .as_deref()
                        .filter(|v| !v.is_empty())
                        .unwrap_or("null")
                ),
                dt(t.new_valid_from)
            ),
            None,
        ));
        out.push((
            "tokenMinutesAdded = datetime_diff('minute', new, old)".to_owned(),
            opt_text(t.minutes_added).if_empty("null"),
            None,
        ));
        out.push((
            format!(
                "tokenMinutesRemaining = datetime_diff('minute', {}, new)",
                if entra { "TimeGenerated" } else { "Timestamp" }
            ),
            format!(
                "{} (event time {})",
                opt_text(t.minutes_remaining).if_empty("null"),
                dt(t.timestamp)
            ),
            None,
        ));
        out.push((
            if entra {
                "Role = initiator kind".to_owned()
            } else {
                "Role = tostring(RawEventData.Actor[-1].ID)".to_owned()
            },
            format!("{:?}", neutralize(&t.role)),
            None,
        ));
    }
    let verdict = match &e.outcome {
        Outcome::Flagged(rows) => format!("returned by the query ({} row(s))", rows.len()),
        Outcome::NearMiss(r) => format!("passed over: {}", neutralize(&r.to_string())),
    };
    out.push(("Result".to_owned(), verdict, Some(name_ok)));
    out
}

trait IfEmpty {
    fn if_empty(self, default: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, default: &str) -> String {
        if self.is_empty() {
            default.to_owned()
        } else {
            self
        }
    }
}
