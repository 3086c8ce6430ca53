//! The columns of the two tables: their identities, titles, the names a filter term may
//! use, and how wide they are drawn. Code names a column by its identity (`Column::Hint`),
//! never by a number: `position` finds where it stands in a view.

/// A column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Time,
    Account,
    /// Whose tokens changed (context beside the query's columns: never changes the rows).
    Target,
    /// The actor's UPN or application (id): AccountDisplayName can be chosen by anyone.
    Actor,
    Role,
    Ip,
    Proxy,
    Isp,
    Added,
    Remaining,
    Events,
    Reason,
    Operation,
    Source,
    Hint,
    Verdict,
    Note,
    Flag,
}

impl Column {
    pub fn title(self) -> &'static str {
        match self {
            Self::Time => "Time (UTC)",
            Self::Account => "Account",
            Self::Target => "Target",
            Self::Actor => "Actor",
            Self::Role => "Role",
            Self::Ip => "IP",
            Self::Proxy => "Proxy",
            Self::Isp => "ISP",
            Self::Added => "+Minutes",
            Self::Remaining => "Remaining",
            Self::Events => "Events",
            Self::Reason => "Reason",
            Self::Operation => "Operation",
            Self::Source => "Source",
            Self::Hint => "Hints",
            Self::Verdict => "Verdict",
            Self::Note => "✎",
            Self::Flag => "⚠",
        }
    }

    /// Names a filter term can use (`ip:203.0`): the title and short forms.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Time => &["time"],
            Self::Account => &["account", "acc", "user"],
            Self::Target => &["target", "tgt"],
            Self::Actor => &["actor"],
            Self::Role => &["role"],
            Self::Ip => &["ip"],
            Self::Proxy => &["proxy"],
            Self::Isp => &["isp"],
            Self::Added => &["added", "minutes", "+minutes"],
            Self::Remaining => &["remaining", "rem"],
            Self::Events => &["events"],
            Self::Reason => &["reason"],
            Self::Operation => &["operation", "op"],
            Self::Source => &["source", "file"],
            Self::Hint => &["hint", "hints"],
            Self::Verdict => &["verdict"],
            Self::Note => &["note"],
            Self::Flag => &["flag"],
        }
    }

    /// True when `name` (any case) is one of this column's filter names.
    pub fn matches_name(self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        self.aliases().contains(&n.as_str())
    }

    /// Columns sorted as numbers (Hints by how many).
    pub fn numeric(self) -> bool {
        matches!(
            self,
            Self::Added | Self::Remaining | Self::Events | Self::Hint
        )
    }

    /// Columns whose value comes from the analyst's decisions, not from the row.
    pub fn from_decisions(self) -> bool {
        matches!(self, Self::Verdict | Self::Note)
    }

    /// The preferred width, and the order in which columns give way on narrow screens
    /// (0: never; higher gives way first).
    fn plan(self) -> (u16, u8) {
        match self {
            Self::Time => (19, 1),
            Self::Account => (20, 0),
            // Context beside the query's columns: drawn once they are (from 143 columns on,
            // the Actor at 160), never taking the Account's room at 120.
            Self::Target => (16, 4),
            Self::Actor => (16, 4),
            Self::Role => (16, 3),
            Self::Ip => (15, 2),
            Self::Proxy => (5, 5),
            Self::Isp => (16, 4),
            Self::Added => (9, 1),
            Self::Remaining => (9, 1),
            Self::Events => (6, 6),
            Self::Reason => (24, 0),
            Self::Operation => (34, 4),
            Self::Source => (28, 7),
            Self::Hint => (14, 3),
            Self::Verdict => (10, 0),
            Self::Note | Self::Flag => (1, 0),
        }
    }
}

/// The columns of the flagged rows, in the order drawn.
pub const FINDING_COLUMNS: [Column; 16] = [
    Column::Time,
    Column::Account,
    Column::Target,
    Column::Actor,
    Column::Role,
    Column::Ip,
    Column::Proxy,
    Column::Isp,
    Column::Added,
    Column::Remaining,
    Column::Events,
    Column::Hint,
    Column::Verdict,
    Column::Note,
    Column::Flag,
    Column::Source,
];

/// The columns of the near misses, in the order drawn.
pub const NEAR_MISS_COLUMNS: [Column; 10] = [
    Column::Time,
    Column::Account,
    Column::Target,
    Column::Actor,
    Column::Reason,
    Column::Operation,
    Column::Source,
    Column::Verdict,
    Column::Note,
    Column::Flag,
];

/// Where a column stands in a view's columns (the index of its cell in a row).
pub const fn position(columns: &[Column], column: Column) -> Option<usize> {
    let mut i = 0;
    while i < columns.len() {
        if columns[i] as u8 == column as u8 {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Where a column of the flagged rows stands (past the end for a column they lack, so
/// that indexing with it fails loudly in tests).
pub const fn finding(column: Column) -> usize {
    match position(&FINDING_COLUMNS, column) {
        Some(i) => i,
        None => usize::MAX,
    }
}

/// Where a column of the near misses stands (past the end for a column they lack).
pub const fn near_miss(column: Column) -> usize {
    match position(&NEAR_MISS_COLUMNS, column) {
        Some(i) => i,
        None => usize::MAX,
    }
}

/// Which columns fit in `width` (the table's width, with its one-cell selection gutter),
/// as (index in `columns`, drawn width); the account or reason column takes the rest.
pub fn fit(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| columns[i].plan().1);
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 2; // the selection gutter
    for i in order {
        let (w, prio) = columns[i].plan();
        let need = w + 1;
        if used + need <= width || prio == 0 && used + 4 <= width {
            chosen.push(i);
            used += need.min(width.saturating_sub(used));
        } else if prio > 0 {
            // Columns give way in priority order: once one does not fit, the less
            // important ones do not either.
            break;
        }
    }
    chosen.sort_unstable();
    let spare = width.saturating_sub(used);
    chosen
        .into_iter()
        .map(|i| {
            let (w, _) = columns[i].plan();
            let flex = matches!(columns[i], Column::Account | Column::Reason);
            (i, if flex { w + spare } else { w })
        })
        .collect()
}
