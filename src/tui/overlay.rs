//! What is drawn over the table: the drill-down into a row's raw events, the help, the
//! frequency view, the classify-like-this list; and the prompts typed into (filter, note,
//! search in the drill-down).

pub mod help;

use tui_input::Input;

use super::doc::JsonDoc;
use super::table::scroll_to;
use crate::journal::Verdict;

/// A text being typed: the filter, a note, a search in the drill-down.
#[derive(Debug, Clone)]
pub enum Prompt {
    Filter(Input),
    /// A note for the rows of `keys`. The box names them, so the analyst sees where it is
    /// written: `about` in its title (`1 row`, `3 rows`, `the row just marked legitimate`),
    /// `rows` above the text (the row's time and actor; of several rows, the first's).
    Note {
        input: Input,
        keys: Vec<String>,
        about: String,
        rows: String,
        /// The rows were just decided (`n` right after a verdict): once the note is kept,
        /// classify-like-this (`c`) still proposes their verdict (newbie 17 #8: mark, note,
        /// `c` said "decide this row first").
        just: bool,
    },
    Search(Input),
}

/// Overlays above the table.
#[derive(Debug, Clone)]
pub enum Overlay {
    None,
    /// The help; `previous` is the screen it was opened from, where closing it returns.
    Help {
        scroll: usize,
        previous: Option<Box<Overlay>>,
    },
    Drill(Box<Drill>),
    Pivot(Pivot),
    Bulk(Bulk),
    /// The files read and passed over, and every problem of the load.
    Problems(super::problems::ProblemsView),
}

/// The raw-event view of one row.
#[derive(Debug, Clone)]
pub struct Drill {
    /// Event indexes behind the row.
    pub events: Vec<usize>,
    pub current: usize,
    /// Which record of the current event `doc` shows: 0 its own (the canonical record,
    /// which gives the row), `k` its `k`-th copy (`StsEvent::sources`), read back from its
    /// file (`}` / `{`).
    pub copy: usize,
    pub doc: JsonDoc,
    /// Visible line of the cursor, and the first visible line drawn.
    pub cursor: usize,
    pub offset: usize,
    /// The first line of the why-panel drawn.
    pub why_scroll: usize,
    pub search: String,
    /// Where the row came from when it has no raw events (a query-result export).
    pub imported_from: Option<String>,
    pub item_key: String,
    /// The row's hints with their reasons (flagged rows only).
    pub hints: Vec<String>,
    /// The context panel, shown instead of the why-panel (`x`).
    pub context: Option<Box<super::context_panel::ContextPanel>>,
    /// How many events the row had when the drill-down opened: the title says
    /// `+N events since you opened it` once it has more (it follows its row).
    pub opened_with: usize,
    /// What the list and the hints were last made from (a flagged row's event count, the
    /// hint passes ended, whether the hints' tables were made): the drill-down is made
    /// again when it changes. None for a near miss.
    pub synced: Option<(usize, u64, bool)>,
    /// The row reads like a neighbour at the width it was opened at (a hint line).
    pub alike: Option<String>,
}

impl Drill {
    /// Puts the cursor on a visible line (clamped), keeping it among the `page` drawn.
    pub(super) fn move_to(&mut self, line: i64, page: usize) {
        let max = self.doc.visible_count().saturating_sub(1);
        self.cursor = usize::try_from(line.clamp(0, i64::try_from(max).unwrap_or(0))).unwrap_or(0);
        self.offset = scroll_to(self.offset, self.cursor, page);
    }

    /// Moves to the next (or previous) line containing the search text (any case),
    /// unfolding everything first so that no match hides in a fold. Returns which match
    /// the cursor is on and how many there are; None when nothing matches.
    pub(super) fn find(&mut self, forward: bool, page: usize) -> Option<(usize, usize)> {
        if self.search.is_empty() {
            return None;
        }
        self.doc.expand_all();
        let needle = self.search.to_lowercase();
        let n = self.doc.visible_count();
        let matches: Vec<usize> = (0..n)
            .filter(|&pos| {
                self.doc.visible_line(pos).is_some_and(|line| {
                    self.doc.lines[line].text().to_lowercase().contains(&needle)
                })
            })
            .collect();
        let hit = if forward {
            matches
                .iter()
                .copied()
                .find(|&p| p > self.cursor)
                .or_else(|| matches.first().copied())
        } else {
            matches
                .iter()
                .rev()
                .copied()
                .find(|&p| p < self.cursor)
                .or_else(|| matches.last().copied())
        }?;
        self.move_to(i64::try_from(hit).unwrap_or(0), page);
        let which = matches.iter().position(|&p| p == hit).unwrap_or(0) + 1;
        Some((which, matches.len()))
    }
}

/// One value of a frequency view, with its verdict breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotRow {
    pub value: String,
    /// In the frequency of the Actor column, the kind of principal the line counts: a
    /// user and an app whose texts read alike are two lines, each marked with its kind.
    pub kind: Option<super::items::ActorMark>,
    pub count: usize,
    /// Unreviewed, suspicious, legitimate.
    pub by_verdict: [usize; 3],
}

/// The frequency view of one column (VisiData's `F`), over the rows shown.
#[derive(Debug, Clone)]
pub struct Pivot {
    /// Index of the column in the view's columns.
    pub column: usize,
    pub rows: Vec<PivotRow>,
    pub cursor: usize,
    /// Rows of several values (a bulk row's users), counted under each: the counts then
    /// add up to more than the rows.
    pub several: usize,
    /// The rows counted (those shown), of the table's rows, and what hides the others
    /// (`filter`, `view "unreviewed"`; empty when every row is shown): the title says
    /// that the counts are of the filtered rows only (newbie13b #5).
    pub counted: (usize, usize, String),
}

/// How a row proposed by "classify like this" is like the decided one, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Link {
    /// The same account: the same principal (object id where both rows have one, else
    /// the actor's UPN), never by display name.
    Account,
    /// The same actor UPN under another object id: another principal (not pre-ticked).
    UpnOtherId,
    /// Only the same IP address.
    Ip,
    /// Only the same ISP.
    Isp,
}

impl Link {
    pub fn label(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::UpnOtherId => "UPN, another object id",
            Self::Ip => "IP",
            Self::Isp => "ISP",
        }
    }
}

/// A row "classify like this" proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the flagged row.
    pub item: usize,
    pub link: Link,
    /// Hints this row has that the decided row lacks (badges).
    pub extra_hints: Vec<String>,
    pub ticked: bool,
    /// Its event id was read with other content too (`conflict`): one of the two may be
    /// forged, so it is never ticked for the analyst, not even by tick-all.
    pub contested: bool,
}

/// "Classify like this": unreviewed rows like a decided one, grouped by the link. Only
/// rows of the same account without a hint the decided row lacks are ticked at first; an
/// IP or an ISP alone is a weak link (a whole provider's customers share one).
#[derive(Debug, Clone)]
pub struct Bulk {
    pub verdict: Verdict,
    /// The decided row's account, as shown.
    pub source: String,
    pub candidates: Vec<Candidate>,
    pub cursor: usize,
    /// Rows like it the filter hides (not offered), said on the status line.
    pub hidden: usize,
    /// Enter was pressed once over ticked rows the list did not tick itself (a weak link
    /// or a hint the decided row lacks): the status line asked to confirm; any change of
    /// the ticks asks again.
    pub confirm: bool,
}

impl Bulk {
    /// How many rows each link proposes: account, IP, ISP.
    /// How many candidates of each [`Link`], in its order.
    pub fn counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for c in &self.candidates {
            n[c.link as usize] += 1;
        }
        n
    }
}
