//! The drill-down's context panel: the records related to the event (same correlation,
//! same target, same actor; see `crate::context`) as a timeline around it, each with its
//! offset from the event and why it is related. Every string is neutralised here, where the
//! panel's text is made.

use super::doc::JsonDoc;

use crate::context::{Related, Why};
use crate::hints::HintConfig;
use crate::neutralize::neutralize;
use crate::scan::ScanReport;

/// The most related records the timeline lists: the nearest in time to the event.
pub const MAX_SHOWN: usize = 1000;

/// One line of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// The STS event itself, where it falls among the others.
    Event,
    /// The event's other copies (the same event id read elsewhere), one line under it:
    /// never related records.
    Copies,
    Related(Related),
    /// One of the records a folded related record stands for (the same record in several
    /// exports, or records written alike: [`Related::repeats`]), listed under it when Enter
    /// unfolds it: Enter on it opens that record.
    Member {
        /// Index into the context index's entries.
        entry: usize,
        /// Its time minus the event's, in whole seconds.
        offset_secs: Option<i64>,
        /// The last of its fold.
        last: bool,
    },
}

/// The context panel of the drill-down's current event.
#[derive(Debug, Clone)]
pub struct ContextPanel {
    /// The STS event (index into the report's events).
    pub event: usize,
    pub rows: Vec<Moment>,
    /// Related records in all (more than listed past [`MAX_SHOWN`]).
    pub total: usize,
    /// The index entries of the event's other copies, in place order.
    pub copies: Vec<usize>,
    /// The records each folded related record stands for (by its entry; itself first):
    /// [`crate::context::ContextIndex::folded`], split by event where an id was read with
    /// other content (`context_conflicts`).
    pub folds: std::collections::HashMap<usize, Vec<usize>>,
    /// The related lines (by entry) whose records carry an event id read with other
    /// content too: marked `⚠ conflict`, never folded with the other content's records.
    pub conflicts: std::collections::HashSet<usize>,
    pub cursor: usize,
    pub offset: usize,
    /// A related record opened in the event's place.
    pub open: Option<Opened>,
    /// What the panel said on the status line, and the status line before it (text, is an
    /// error, describes the selection, is kept across screens): closing the panel puts that back while the panel's
    /// words are still shown, so that they do not outlive it.
    pub said: Option<(String, (String, bool, bool, bool))>,
    /// What the index lacks (a stopped load: [`crate::context::Coverage::words`]): said
    /// instead of "no related record".
    pub unread: Option<&'static str>,
}

/// A related record shown where the raw event was; Esc puts the event back.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The timeline row opened.
    pub row: usize,
    /// The raw-event panel's title while it is open, in parts fitted to its width when
    /// drawn.
    pub title: Vec<crate::tui::wrap::TitlePart>,
    /// The event's document, cursor line and first line drawn, to return to.
    pub saved: (JsonDoc, usize, usize),
}

#[path = "context_row.rs"]
mod row;
pub use row::RowText;

impl ContextPanel {
    /// The timeline of `event`, the cursor on the event itself.
    pub fn new(report: &ScanReport, event: usize, config: HintConfig) -> Self {
        // Only the nearest are listed: a busy target's day relates thousands of records.
        let (mut related, total) = report
            .events
            .get(event)
            .map(|e| {
                report
                    .context
                    .nearest_related(e, &config.context, MAX_SHOWN, false)
            })
            .unwrap_or_default();
        if total > MAX_SHOWN {
            related.sort_by_key(|r| (r.offset_secs.unwrap_or(i64::MIN), r.entry));
        }
        let copies = report
            .events
            .get(event)
            .map(|e| report.context.copies(e))
            .unwrap_or_default();
        let mut folds = report
            .events
            .get(event)
            .map(|e| {
                related
                    .iter()
                    .filter(|r| r.repeats > 0)
                    .map(|r| (r.entry, report.context.folded(e, &config.context, r)))
                    .collect()
            })
            .unwrap_or_default();
        let by_event = super::context_conflicts::conflict_records(report);
        let before = related.len();
        let conflicts = super::context_conflicts::split_folds(&mut related, &mut folds, &by_event);
        // A record of other content split from a fold is another related record.
        let total = total + (related.len() - before);
        let at = related
            .iter()
            .position(|r| r.offset_secs.is_some_and(|o| o >= 0))
            .unwrap_or(related.len());
        let mut rows: Vec<Moment> = related.into_iter().map(Moment::Related).collect();
        if !copies.is_empty() {
            rows.insert(at, Moment::Copies);
        }
        rows.insert(at, Moment::Event);
        Self {
            event,
            rows,
            total,
            copies,
            folds,
            conflicts,
            cursor: at,
            offset: 0,
            open: None,
            said: None,
            unread: report.context.coverage().words(),
        }
    }

    /// The status line's words for the panel just opened: how many related records.
    pub fn summary(&self) -> String {
        let copies = match self.copies.len() {
            0 => String::new(),
            1 => " (and another copy of this event, not counted)".to_owned(),
            c => format!(" (and {c} other copies of this event, not counted)"),
        };
        if let Some(words) = self.unread {
            return format!(
                "{words}: none is shown, and no context hint (reset, signin, first) is made"
            );
        }
        match self.total {
            0 => format!(
                "no related records{copies}: nothing shares the event's correlation, target or actor in the windows"
            ),
            n => format!(
                "{}{copies}: j/k move, Enter opens one, x back to why flagged",
                crate::tui::count::count(n, "related record")
            ),
        }
    }

    /// Moves the cursor by `delta` rows (clamped), keeping it among the `page` drawn.
    pub fn move_by(&mut self, delta: i64, page: usize) {
        let max = i64::try_from(self.rows.len().saturating_sub(1)).unwrap_or(0);
        let cur = i64::try_from(self.cursor).unwrap_or(0);
        self.cursor = usize::try_from(cur.saturating_add(delta).clamp(0, max)).unwrap_or(0);
        self.offset = self.first_drawn(page);
    }

    /// The first timeline row drawn in a box of `page` rows: the cursor's row in view, and
    /// never an empty line under the last row while rows are hidden above it (a box grown
    /// by a resize showed 25 empty lines under the rows, the first one still scrolled off:
    /// newbie14b #2).
    pub fn first_drawn(&self, page: usize) -> usize {
        let page = page.max(1);
        let offset = self.offset.min(self.rows.len().saturating_sub(page));
        super::table::scroll_to(offset, self.cursor, page)
    }

    /// The panel just opened with the cursor on the event, farther down than a box of
    /// `page` rows: the event in its middle, so that the records after it show too (the
    /// 1000 nearest of a busy target opened with the event on the last line, only
    /// earlier records above it).
    pub fn centre_event(&mut self, page: usize) {
        let page = page.max(1);
        if self.cursor >= page {
            self.offset = (self.cursor - page / 2).min(self.rows.len().saturating_sub(page));
        }
        self.offset = self.first_drawn(page);
    }

    /// The text of a timeline row.
    pub fn row_text(&self, report: &ScanReport, row: usize) -> RowText {
        let index = &report.context;
        match self.rows.get(row) {
            Some(Moment::Related(r)) => {
                let e = &index.entries[r.entry];
                let op = neutralize(index.text(e.operation)).into_owned();
                let mut fold = self.folds.get(&r.entry).map_or_else(String::new, |m| {
                    let mark = if self.unfolded(row) { '▾' } else { '▸' };
                    format!("{mark}({})", fold_words(report, m))
                });
                if self.conflicts.contains(&r.entry) {
                    fold = format!("⚠ conflict {fold}").trim_end().to_owned();
                }
                RowText {
                    offset: offset_text(r.offset_secs),
                    why: why_code(r.why),
                    fold,
                    ..row_parts(op, &index.actor_label(e.actor), index.text(e.target))
                }
            }
            Some(&Moment::Member {
                entry,
                offset_secs,
                last,
            }) => {
                let e = &index.record(entry);
                let mut what = vec![
                    index.place(e).to_string(),
                    index.text(e.operation).to_owned(),
                ];
                if e.ip != 0 {
                    what.push(format!("IP {}", index.ip_text(e)));
                }
                if e.result != 0 {
                    what.push(index.text(e.result).to_owned());
                }
                RowText {
                    offset: offset_text(offset_secs),
                    why: if last { " └ " } else { " ├ " }.to_owned(),
                    what: neutralize(&what.join(" · ")).into_owned(),
                    parts: None,
                    fold: String::new(),
                }
            }
            Some(Moment::Event) => {
                let (op, actor, target) =
                    report
                        .events
                        .get(self.event)
                        .map_or_else(Default::default, |e| {
                            (
                                e.operation.as_str(),
                                e.parties.actor_label(),
                                e.parties.target_label(),
                            )
                        });
                RowText {
                    offset: "this event".to_owned(),
                    why: "───".to_owned(),
                    ..row_parts(neutralize(op).into_owned(), actor, target)
                }
            }
            Some(Moment::Copies) => {
                let first = self
                    .copies
                    .first()
                    .map(|&i| crate::neutralize::name(&index.source_at(i).to_string()).into_owned())
                    .unwrap_or_default();
                RowText {
                    offset: "copy".to_owned(),
                    why: "───".to_owned(),
                    what: match self.copies.len() {
                        1 => format!("another copy of this event ({first})"),
                        n => format!("{n} other copies of this event ({first}, …)"),
                    },
                    parts: None,
                    fold: String::new(),
                }
            }
            None => RowText {
                offset: String::new(),
                why: String::new(),
                what: String::new(),
                parts: None,
                fold: String::new(),
            },
        }
    }

    /// The places of the event's other copies (`file:line`, neutralised).
    pub fn copy_places(&self, report: &ScanReport) -> Vec<String> {
        let index = &report.context;
        self.copies
            .iter()
            .map(|&i| crate::neutralize::name(&index.source_at(i).to_string()).into_owned())
            .collect()
    }

    /// Whether the folded related record at `row` is unfolded (its records listed under it).
    pub fn unfolded(&self, row: usize) -> bool {
        matches!(self.rows.get(row + 1), Some(Moment::Member { .. }))
    }

    /// Enter on a folded related record: lists the records it stands for under it, or
    /// folds them again. False when the row is no folded record.
    pub fn toggle_fold(&mut self, row: usize) -> bool {
        let Some(Moment::Related(r)) = self.rows.get(row).copied() else {
            return false;
        };
        let Some(members) = self.folds.get(&r.entry) else {
            return false;
        };
        if self.unfolded(row) {
            let end = (row + 1..self.rows.len())
                .find(|&i| !matches!(self.rows[i], Moment::Member { .. }))
                .unwrap_or(self.rows.len());
            self.rows.drain(row + 1..end);
            return true;
        }
        let n = members.len();
        let listed: Vec<Moment> = members
            .iter()
            .enumerate()
            .map(|(k, &entry)| Moment::Member {
                entry,
                // Twins share their second, so their offset (in whole seconds) too.
                offset_secs: r.offset_secs,
                last: k + 1 == n,
            })
            .collect();
        self.rows.splice(row + 1..row + 1, listed);
        true
    }

    /// Two lines on the row under the cursor: why it is related, then its time (UTC),
    /// place, IP address and result.
    pub fn detail(&self, report: &ScanReport) -> [String; 2] {
        let index = &report.context;
        match self.rows.get(self.cursor) {
            Some(Moment::Related(r)) => {
                let e = &index.record(r.entry);
                let mut place = vec![
                    utc_text(e.time),
                    index.place(e).to_string(),
                    format!("IP {}", index.ip_text(e)),
                ];
                if e.result != 0 {
                    place.push(index.text(e.result).to_owned());
                }
                let why = if self.conflicts.contains(&r.entry) {
                    format!(
                        "⚠ conflict: its event id was read with other content too, kept apart (one may be forged) · {}",
                        r.why.label()
                    )
                } else {
                    r.why.label()
                };
                let Some(members) = self.folds.get(&r.entry) else {
                    return [why, neutralize(&place.join(" · ")).into_owned()];
                };
                // Folded: what it stands for, and where each record is.
                let places: Vec<String> = members
                    .iter()
                    .map(|&i| index.source_at(i).to_string())
                    .collect();
                let how = if self.unfolded(self.cursor) {
                    "Enter folds them"
                } else {
                    "Enter lists them"
                };
                [
                    format!("{}, {how} · {why}", fold_sentence(report, members)),
                    neutralize(&format!("{} · {}", utc_text(e.time), places.join(" · ")))
                        .into_owned(),
                ]
            }
            Some(&Moment::Member { entry, .. }) => {
                let e = &index.record(entry);
                let mut place = vec![
                    utc_text(e.time),
                    index.place(e).to_string(),
                    format!("IP {}", index.ip_text(e)),
                ];
                if e.result != 0 {
                    place.push(index.text(e.result).to_owned());
                }
                [
                    "one of the records folded above (Enter opens it)".to_owned(),
                    neutralize(&place.join(" · ")).into_owned(),
                ]
            }
            Some(Moment::Copies) => [
                "the same event id read again: a copy, not a related record".to_owned(),
                self.copy_places(report).join(" · "),
            ],
            Some(Moment::Event) => [
                "the STS event itself (Enter on another row opens that record)".to_owned(),
                report.events.get(self.event).map_or_else(String::new, |e| {
                    crate::neutralize::name(&e.source.to_string()).into_owned()
                }),
            ],
            None => [String::new(), String::new()],
        }
    }
}

/// How many records a fold stands for, and in how many files: `3 sources` (one record in
/// each of three exports: the same record seen three times), `4 records` (four records of
/// one file written alike: four records, never one), `4 records, 2 files`.
pub fn fold_words(report: &ScanReport, members: &[usize]) -> String {
    let (records, files) = fold_counts(report, members);
    if records == files {
        format!("{records} sources")
    } else if files == 1 {
        format!("{records} records")
    } else {
        format!("{records} records, {files} files")
    }
}

/// The detail line's words for a fold ([`fold_words`] in a sentence).
fn fold_sentence(report: &ScanReport, members: &[usize]) -> String {
    let (records, files) = fold_counts(report, members);
    if records == files {
        format!("the same record in {files} exports")
    } else if files == 1 {
        format!("{records} records alike in one export")
    } else {
        format!("{records} records alike in {files} files")
    }
}

fn fold_counts(report: &ScanReport, members: &[usize]) -> (usize, usize) {
    let index = &report.context;
    let mut files: Vec<u32> = members.iter().map(|&i| index.entries.file_of(i)).collect();
    files.sort_unstable();
    files.dedup();
    (members.len(), files.len())
}

/// `C`, `T`, `A` for the same correlation, target and actor (`·` where not).
pub fn why_code(w: Why) -> String {
    [(w.correlation, 'C'), (w.target, 'T'), (w.actor, 'A')]
        .iter()
        .map(|&(on, c)| if on { c } else { '·' })
        .collect()
}

/// A record's line: `operation by actor → target` (the operation already neutralised),
/// and its parts; offset and why left empty.
///
/// A sign-in (UAL `UserLoggedIn`, whose `ObjectId` is the resource the user signed in to,
/// an application id) has no target: the user who signed in is its actor. Its resource is
/// said with the operation (`UserLoggedIn: sign-in to 797f4846-…`), never after `→`, where
/// a GUID would read as the object id of whose tokens.
fn row_parts(operation: String, actor: &str, target: &str) -> RowText {
    let (operation, target) =
        if crate::hints::is_sign_in_operation(&operation) && !target.is_empty() {
            let to = format!("{operation}: sign-in to {}", neutralize(target));
            (to, "")
        } else {
            (operation, target)
        };
    let (actor, target) = (
        neutralize(actor).into_owned(),
        neutralize(target).into_owned(),
    );
    let mut what = operation.clone();
    if !actor.is_empty() {
        what.push_str(" by ");
        what.push_str(&actor);
    }
    if !target.is_empty() {
        what.push_str(" → ");
        what.push_str(&target);
    }
    RowText {
        offset: String::new(),
        why: String::new(),
        what,
        parts: Some([operation, actor, target]),
        fold: String::new(),
    }
}

/// A record's time (100 ns ticks since 1970) in UTC, or `time unknown`.
fn utc_text(ticks: i64) -> String {
    if ticks == i64::MIN {
        return "time unknown".to_owned();
    }
    chrono::DateTime::from_timestamp(ticks.div_euclid(10_000_000), 0).map_or_else(
        || "time unknown".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// An offset from the event: `-00:00:01` within the hour (to the second), `+2 h` or
/// `+2 h 05 m` within two days, `-3 d 4 h` beyond; `?` when a time is unknown.
pub fn offset_text(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "?".to_owned();
    };
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (d, h, m, sec) = (a / 86_400, a / 3600 % 24, a / 60 % 60, a % 60);
    if a < 3600 {
        format!("{sign}00:{m:02}:{sec:02}")
    } else if a < 2 * 86_400 {
        let h = a / 3600;
        if m == 0 {
            format!("{sign}{h} h")
        } else {
            format!("{sign}{h} h {m:02} m")
        }
    } else if h == 0 {
        format!("{sign}{d} d")
    } else {
        format!("{sign}{d} d {h} h")
    }
}

#[cfg(test)]
#[path = "context_panel_tests.rs"]
mod tests;
