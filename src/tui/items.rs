//! The text of the table's rows, computed (and neutralised) once when a row arrives, and
//! packed for filtering and sorting.

use std::collections::HashMap;

use crate::journal::Decision;
use crate::lookalike;
use crate::model::{ActorKind, Outcome};
use crate::neutralize::{has_dangerous, neutralize};
use crate::scan::ScanReport;

use super::columns::{Column, FINDING_COLUMNS, NEAR_MISS_COLUMNS, finding, near_miss};

/// The text of one item, computed once when it arrives (neutralised), for filtering,
/// sorting and drawing.
#[derive(Debug, Clone)]
pub struct ItemText {
    pub key: String,
    /// One cell per column of the view (Verdict and Note are filled live).
    pub cells: Cells,
    /// Sort keys: numbers where the column is numeric.
    pub numbers: Vec<Option<i64>>,
    pub time: Option<i64>,
    pub tampered: bool,
    /// Why the row is marked ⚠ (`tampered`): what a `flag:` filter term matches.
    pub flags: FlagWhy,
    /// A flagged row whose events all moved to the row of their canonical record
    /// ([`crate::model::Finding::is_folded`]): not shown, not counted.
    pub folded: bool,
    /// The kind of the row's actor, drawn by us before the Actor cell's text.
    pub actor: ActorMark,
}

/// The kind of principal a row's actor is, as the table marks it in a cell of its own
/// before the actor's text: the text is the event's (an app may be named
/// `helpdesk.admin@contoso.example` or `Microsoft Graph (00000003-…)`), the mark is not,
/// and it always takes the first cell of the column, so no text can stand in its place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ActorMark {
    /// The record names no actor.
    #[default]
    Unknown,
    /// Every actor of the row is of this kind.
    Kind(ActorKind),
    /// The row's actors are of several kinds.
    Several,
}

impl ActorMark {
    /// The mark of a row whose actors are of `kinds`.
    pub fn of(kinds: impl IntoIterator<Item = ActorKind>) -> Self {
        kinds.into_iter().fold(Self::Unknown, |m, k| match m {
            Self::Unknown => Self::Kind(k),
            Self::Kind(was) if was == k => m,
            _ => Self::Several,
        })
    }

    /// The one cell drawn: `U` a user, `A` an app (known by its service principal id), `N`
    /// an app with no id (known by name only), `?` no actor, `*` actors of several kinds.
    pub fn glyph(self) -> char {
        match self {
            Self::Unknown => '?',
            Self::Kind(k) => k.letter(),
            Self::Several => '*',
        }
    }

    /// In words, for the help and the frequency view (`user`, `app`, …).
    pub fn word(self) -> &'static str {
        match self {
            Self::Unknown => "no actor",
            Self::Kind(k) => k.word(),
            Self::Several => "several kinds",
        }
    }
}

/// The cells of a row in one block of text with where each ends: a near-miss row keeps
/// one allocation of about its text's length instead of a `String` per cell (about 300
/// bytes a row less, at hundreds of thousands of near misses). `cells[i]` reads cell `i`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    text: Box<str>,
    /// Where each cell ends in `text`.
    ends: Box<[u32]>,
}

impl Cells {
    pub fn new<S: AsRef<str>>(cells: &[S]) -> Self {
        let mut text = String::with_capacity(cells.iter().map(|c| c.as_ref().len()).sum());
        let mut ends = Vec::with_capacity(cells.len());
        for c in cells {
            text.push_str(c.as_ref());
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Self {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// Cell `i`, if the row has that many cells.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every cell, in column order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// Cell `i` becomes `value` (the row's text is written again: for the few cells that
    /// change, such as a flagged row's hints).
    pub fn set(&mut self, i: usize, value: &str) {
        if i >= self.len() {
            return;
        }
        let cells: Vec<&str> = (0..self.len())
            .map(|j| {
                if j == i {
                    value
                } else {
                    self.get(j).unwrap_or("")
                }
            })
            .collect();
        *self = Self::new(&cells);
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = str;
    /// Cell `i`; the empty text past the last cell.
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
}

/// The mark of the ⚠ column.
pub const FLAG_MARK: &str = "⚠";

/// Why a row is marked ⚠, by the names a `flag:` filter term uses (those of the hints
/// that say the same: `ctrl`, `lookalike`, `conflict`). A near miss has no Hints column:
/// its ⚠ is the only mark the table shows, and `flag:conflict` finds it as it finds a
/// flagged row (newbie 13b, finding 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagWhy(u8);

impl FlagWhy {
    /// Control, bidi or invisible characters in the row's strings, or bytes read as U+FFFD.
    pub const CTRL: Self = Self(1);
    /// A principal of the row may pass for another (`crate::lookalike`).
    pub const LOOKALIKE: Self = Self(2);
    /// Another record carries the event's id with other content (`scan::IdConflict`).
    pub const CONFLICT: Self = Self(4);
    /// Each reason with its name, in the order [`Self::words`] gives them.
    const NAMES: [(Self, &'static str); 3] = [
        (Self::CTRL, "ctrl"),
        (Self::LOOKALIKE, "lookalike"),
        (Self::CONFLICT, "conflict"),
    ];

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// What a `flag:` term reads: the mark and the reasons' names (`⚠ ctrl conflict`);
    /// empty for a row not marked.
    pub fn words(self) -> String {
        if self.is_empty() {
            return String::new();
        }
        std::iter::once(FLAG_MARK)
            .chain(
                Self::NAMES
                    .iter()
                    .filter(|(f, _)| self.contains(*f))
                    .map(|(_, name)| *name),
            )
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The reasons of a row's own text: `ctrl` and `lookalike`.
    fn of(ctrl: bool, lookalike: bool) -> Self {
        let mut out = Self::default();
        if ctrl {
            out.insert(Self::CTRL);
        }
        if lookalike {
            out.insert(Self::LOOKALIKE);
        }
        out
    }
}

/// The most columns a table has.
pub(super) const MAX_COLUMNS: usize = 16;

impl ItemText {
    /// A row's text; its lower-case form is kept once, in the table's `Packed` block.
    pub(super) fn new(
        key: String,
        cells: Vec<String>,
        numbers: Vec<Option<i64>>,
        time: Option<i64>,
        tampered: bool,
    ) -> Self {
        Self {
            key,
            cells: Cells::new(&cells),
            numbers,
            time,
            tampered,
            flags: FlagWhy::default(),
            folded: false,
            actor: ActorMark::Unknown,
        }
    }

    /// Marks the row ⚠ for `why` (its cell `flag`, the ⚠ column's index): true when that
    /// changed the row (a reason it had not). A mark is never taken back.
    pub fn mark(&mut self, flag: usize, why: FlagWhy) -> bool {
        if self.flags.contains(why) {
            return false;
        }
        self.flags.insert(why);
        if !self.tampered || self.cells[flag].is_empty() {
            self.cells.set(flag, FLAG_MARK);
        }
        self.tampered = true;
        true
    }

    /// The sort number of a column, if it is numeric and has one.
    pub fn number(&self, col: usize) -> Option<i64> {
        self.numbers.get(col).copied().flatten()
    }
}

/// The lower-case text of every row of a table packed in one block, with the cells'
/// bounds beside it: a filter or sort pass over 100,000 rows then reads compact memory
/// instead of following pointers from row to row. A row whose text changes is written
/// again at the end of the block; the block is packed anew once more than half of it is
/// such left-over text, so a change costs the row's length, not the table's.
#[derive(Debug, Clone, Default)]
pub struct Packed {
    text: String,
    /// Where each row starts and ends in `text`.
    spans: Vec<(u32, u32)>,
    /// Where each cell of a row ends, from the row's start.
    ends: Vec<[u32; MAX_COLUMNS]>,
    /// Bytes of `text` no row points to any more.
    garbage: usize,
}

impl Packed {
    /// Writes a row's cells in lower case, separated by U+0001 (no term contains it), at
    /// the end of the block: its span, and where each cell ends from the row's start.
    fn append(&mut self, item: &ItemText) -> ((u32, u32), [u32; MAX_COLUMNS]) {
        let start = self.text.len();
        let mut ends = [0; MAX_COLUMNS];
        for (i, cell) in item.cells.iter().enumerate().take(MAX_COLUMNS) {
            if i > 0 {
                self.text.push('\u{1}');
            }
            self.text.push_str(&cell.to_lowercase());
            ends[i] = u32::try_from(self.text.len() - start).unwrap_or(u32::MAX);
        }
        let span = (
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(self.text.len()).unwrap_or(u32::MAX),
        );
        (span, ends)
    }

    pub(super) fn push(&mut self, item: &ItemText) {
        let (span, ends) = self.append(item);
        self.spans.push(span);
        self.ends.push(ends);
    }

    /// Row `i`'s text changed to `item`'s.
    pub(super) fn replace(&mut self, i: usize, item: &ItemText) {
        let Some(&(a, b)) = self.spans.get(i) else {
            return;
        };
        self.garbage += (b - a) as usize;
        let (span, ends) = self.append(item);
        self.spans[i] = span;
        self.ends[i] = ends;
        if self.garbage > self.text.len() / 2 {
            self.compact();
        }
    }

    /// Copies the live rows into a new block, in row order.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        for span in &mut self.spans {
            let (a, b) = (span.0 as usize, span.1 as usize);
            let start = u32::try_from(text.len()).unwrap_or(u32::MAX);
            text.push_str(self.text.get(a..b).unwrap_or(""));
            *span = (start, u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        self.text = text;
        self.garbage = 0;
    }

    pub(super) fn rebuild(&mut self, items: &[ItemText]) {
        self.text.clear();
        self.spans.clear();
        self.ends.clear();
        self.garbage = 0;
        for item in items {
            self.push(item);
        }
    }

    /// A whole row in lower case (cells separated by U+0001).
    pub(super) fn row(&self, i: usize) -> &str {
        match self.spans.get(i) {
            Some(&(a, b)) => self.text.get(a as usize..b as usize).unwrap_or(""),
            None => "",
        }
    }

    /// One cell of a row in lower case.
    pub(super) fn cell(&self, i: usize, col: usize) -> &str {
        let (Some(&(start, _)), Some(ends)) = (self.spans.get(i), self.ends.get(i)) else {
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

/// The text of a flagged row (neutralised once, here), from the row's totals (its first
/// time, targets and actors as its events joined it: the same as read from every event,
/// `tests/row_totals.rs`), so that a row's text costs its distinct parties, not its events.
pub fn finding_text(report: &ScanReport, i: usize) -> ItemText {
    let f = &report.findings[i];
    let r = &f.row;
    let (time, ticks) = short_time(f.totals.first);
    let (targets, actors) = (f.totals.targets(), f.totals.actors());
    // A principal that may pass for another on its own (mixed scripts, look-alike letters)
    // is marked at once; one that looks like another principal when the load's hints are
    // made (`App::step_hints`).
    let flags = FlagWhy::of(
        f.replaced
            || r.cells().iter().any(|c| has_dangerous(c))
            || targets.iter().chain(&actors).any(|c| has_dangerous(c)),
        targets
            .iter()
            .chain(&actors)
            .chain([&r.account_display_name.as_str()])
            .any(|c| !lookalike::why(c).is_empty()),
    );
    let tampered = !flags.is_empty();
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
    cells[finding(Column::Account)] = lookalike::visible(&r.account_display_name);
    cells[finding(Column::Target)] = lookalike::visible(&parties_cell(&targets, "user"));
    cells[finding(Column::Actor)] = lookalike::visible(&parties_cell(&actors, "actor"));
    // One neutraliser for every event string (a leading space is `␠` in each, as in the
    // Account cell), so a cell never looks like another's value with a blank before it.
    cells[finding(Column::Role)] = lookalike::visible(&r.role);
    cells[finding(Column::Ip)] = lookalike::visible(&r.ip_address);
    cells[finding(Column::Proxy)] = r
        .is_anonymous_proxy
        .map_or_else(String::new, |b| if b { "yes" } else { "no" }.to_owned());
    cells[finding(Column::Isp)] = lookalike::visible(&r.isp);
    cells[finding(Column::Added)] = opt_text(r.token_minutes_added);
    cells[finding(Column::Remaining)] = opt_text(r.token_minutes_remaining);
    cells[finding(Column::Events)] = f.totals.events.to_string();
    if tampered {
        cells[finding(Column::Flag)] = FLAG_MARK.to_owned();
    }
    cells[finding(Column::Source)] = crate::neutralize::name(&source).into_owned();
    numbers[finding(Column::Added)] = r.token_minutes_added;
    numbers[finding(Column::Remaining)] = r.token_minutes_remaining;
    numbers[finding(Column::Events)] = i64::try_from(f.totals.events).ok();
    numbers[finding(Column::Hint)] = Some(0);
    let mut item = ItemText::new(r.key(), cells, numbers, ticks, tampered);
    item.flags = flags;
    item.folded = f.is_folded();
    item.actor = ActorMark::of(f.totals.actor_principals().into_iter().map(|(k, _)| k));
    item
}

/// The marker a near miss's reason starts with while a decision on its id was not applied
/// (two near misses now share the id): the analyst decides it again.
pub const NOT_APPLIED_MARK: &str = "[decide again: id shared] ";

/// The marker a near miss's reason starts with when the DirectorySync term that made it
/// one stands only in text the actor or client chose (a UPN, a User-Agent, an app name:
/// `DirectorySync only in actor text: …`, src/rule/dirsync.rs), not in the sync's own
/// property: the simplest evasion of the query (breaker12 #3). The Reason cell is the mark
/// and the field (`DirSync in actor text: ExtendedProperties[0].Value ("UserAgent")`): at 80
/// columns the README's words were cut before `actor text`, and whole they took the Reason
/// past its 82 columns at 160; the code `[dirsync-text]` before it meant nothing to a
/// newcomer (newbie 15 #7). This short form of the README's words fits the 27 columns the
/// Reason has at 60 and 80 columns.
pub const ACTOR_TEXT_MARK: &str = "DirSync in actor text: ";

/// Whether `outcome` is a near miss whose DirectorySync term stands only in actor text
/// ([`ACTOR_TEXT_MARK`]).
pub fn dirsync_in_actor_text(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::NearMiss(r)
        if matches!(**r, crate::model::NearMissReason::DirectorySync { client_text: true, .. }))
}

/// The text of a near miss, keyed as `decisions` decide it ([`crate::model::StsEvent::key_in`]); when a
/// decision under its plain `event:<id>` was not applied because another near miss now
/// shares the id ([`crate::report::decision_not_applied`]), its reason starts with a marker
/// saying so.
pub fn near_miss_text(
    report: &ScanReport,
    event: usize,
    decisions: &HashMap<String, Decision>,
) -> ItemText {
    let e = &report.events[event];
    let key = e.key_in(|k| decisions.contains_key(k));
    let not_applied = crate::report::decision_not_applied(e, decisions);
    let (time, ticks) = short_time(e.time);
    let reason = match &e.outcome {
        // The mark says what the words `DirectorySync only in actor text:` say, in a third
        // of the room: the field after it (`DirSync in actor text: UserId`).
        Outcome::NearMiss(r) => match &**r {
            crate::model::NearMissReason::DirectorySync {
                path,
                client_text: true,
            } => format!("{ACTOR_TEXT_MARK}{path}"),
            r => r.to_string(),
        },
        Outcome::Flagged(_) => String::new(),
    };
    let flags = FlagWhy::of(
        has_dangerous(&e.actor)
            || has_dangerous(&e.operation)
            || has_dangerous(e.parties.target_label())
            || has_dangerous(e.parties.actor_label())
            || e.raw.has_replacement(),
        [&e.actor, e.parties.target_label(), e.parties.actor_label()]
            .iter()
            .any(|c| !lookalike::why(c).is_empty()),
    );
    let tampered = !flags.is_empty();
    let mut cells = vec![String::new(); NEAR_MISS_COLUMNS.len()];
    cells[near_miss(Column::Time)] = time;
    cells[near_miss(Column::Account)] = lookalike::visible(&e.actor);
    cells[near_miss(Column::Target)] = lookalike::visible(e.parties.target_label());
    cells[near_miss(Column::Actor)] = lookalike::visible(e.parties.actor_label());
    cells[near_miss(Column::Reason)] = if not_applied {
        format!("{NOT_APPLIED_MARK}{}", neutralize(&reason))
    } else {
        neutralize(&reason).into_owned()
    };
    cells[near_miss(Column::Operation)] = lookalike::visible(&e.operation);
    cells[near_miss(Column::Source)] = crate::neutralize::name(&e.source.to_string()).into_owned();
    if tampered {
        cells[near_miss(Column::Flag)] = FLAG_MARK.to_owned();
    }
    // No numeric column: no sort numbers kept (a near miss is one row per event).
    let mut item = ItemText::new(key, cells, Vec::new(), ticks, tampered);
    item.flags = flags;
    if !e.parties.actor_label().is_empty() {
        item.actor = ActorMark::Kind(e.parties.actor_kind);
    }
    item
}
