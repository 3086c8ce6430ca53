//! The columns of the two tables: their identities, titles, the names a filter term may
//! use, what kind of value they hold (which decides how the filter and the sort read them)
//! and how wide they are drawn. Code names a column by its identity (`Column::Hint`), never
//! by a number: `position` finds where it stands in a view. A column declared here with its
//! kind is filterable and sortable; nothing else needs to know it.

/// What a column holds: how a filter term on it matches and how it sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text: `col:word` matches fuzzily (the letters in order), `col:=x` exactly.
    Text,
    /// A whole number (the row's `numbers`): exact, or compared with `> < >= <=`.
    Number,
    /// Text badges with a count (Hints): words fuzzily, `=badge` exactly, `>n` by count;
    /// sorted by the count.
    Tags,
    /// An IPv4 or IPv6 address: an address, a CIDR block or a typed prefix; sorted as
    /// addresses.
    Ip,
    /// The row's time: a year, month, day, hour, minute or second in the zone shown;
    /// sorted by time.
    Time,
}

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
            Self::Hint => &["hints", "hint"],
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

    /// What the column holds.
    pub fn kind(self) -> Kind {
        match self {
            Self::Time => Kind::Time,
            Self::Ip => Kind::Ip,
            Self::Added | Self::Remaining | Self::Events => Kind::Number,
            Self::Hint => Kind::Tags,
            _ => Kind::Text,
        }
    }

    /// Columns sorted as numbers (Hints by how many).
    pub fn numeric(self) -> bool {
        matches!(self.kind(), Kind::Number | Kind::Tags)
    }

    /// Columns whose value comes from the analyst's decisions, not from the row.
    pub fn from_decisions(self) -> bool {
        matches!(self, Self::Verdict | Self::Note)
    }

    /// Columns that share the width left over: (preferred width, share of what remains
    /// once every flexible column has its preferred width). The near misses' Reason is
    /// what the analyst reads there. In the flagged rows the Target and the Actor take the
    /// rest first, up to 40 each (their UPNs, `first.last@tenant.onmicrosoft.com`, whole),
    /// then share it with the Account, twice as much each. Their preferred width never
    /// takes another column off the screen: only a column that is always drawn does that
    /// (see `fit`).
    fn flex(self, near_miss: bool) -> Option<(u16, u16)> {
        match self {
            // As wide as the widest reason, up to the longest the loader writes
            // (`fit_sized`).
            Self::Reason => Some((REASON_LONGEST, 3)),
            Self::Account if near_miss => Some((22, 2)),
            Self::Target | Self::Actor if !near_miss => Some((40, 2)),
            // The hints whole (`back far app first`, four or five badges) before the Target
            // and the Actor widen or are drawn: they are what the row is triaged by.
            Self::Hint => Some((HINTS_WIDE, 0)),
            Self::Account => Some((0, 1)),
            _ => None,
        }
    }

    /// The least width drawn, and the order in which columns give way on narrow screens
    /// (0: never; higher gives way first). The flagged rows keep first what the first
    /// triage questions read: whose tokens changed (the Target), why the row deserves a
    /// look (the Hints), then the time; the query's two numbers and its other columns
    /// come after (newbie16 #2: at 80 columns the Target was at column 153 and the Hints
    /// at 126, so a `far proxy first` row read as routine).
    fn plan(self) -> (u16, u8) {
        match self {
            Self::Account => (20, 0),
            Self::Target => (16, 1),
            Self::Hint => (14, 2),
            // Below 80 columns the time gives way: the rows are in time order and the
            // drill-down gives each event's time.
            Self::Time => (19, 3),
            // The remaining minutes before the minutes added: `far` reads them, and a
            // revocation's large +Minutes (the old valid-from months back) alarms alone.
            Self::Remaining => (9, 4),
            Self::Added => (9, 5),
            Self::Ip => (IP_WIDE, 6),
            Self::Role => (16, 7),
            Self::Actor => (16, 8),
            Self::Isp => (16, 8),
            Self::Proxy => (5, OPTIONAL),
            Self::Events => (6, OPTIONAL + 1),
            Self::Operation => (24, OPTIONAL + 1),
            Self::Source => (28, OPTIONAL + 2),
            Self::Reason => (16, 0),
            Self::Verdict => (10, 0),
            Self::Note | Self::Flag => (1, 0),
        }
    }

    /// The fewest columns a column that is drawn first ([`SQUEEZED_UP_TO`]) narrows to,
    /// so that the others drawn first fit beside it at 60 and 80 columns: a display name's
    /// start (`Contoso Ad…`), a UPN's start (`irvin.sayers…`), three badges (`far proxy f…`).
    fn squeezed(self) -> u16 {
        match self {
            Self::Account => 11,
            Self::Target => 14,
            Self::Hint => 13,
            c => c.plan().0,
        }
    }
}

/// Columns from this priority on are optional: they leave the screen before a flexible
/// column that is always drawn is kept under its preferred width ([`fit`]).
const OPTIONAL: u8 = 9;

/// Columns up to this priority (the flagged rows' Target, Hints and Time) narrow the ones
/// drawn before them down to [`Column::squeezed`] rather than give way.
const SQUEEZED_UP_TO: u8 = 3;

/// The Hints column's preferred width: four or five badges whole (`back far proxy app ctrl`).
const HINTS_WIDE: u16 = 24;

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

/// The values of a cell, each counted on its own by the frequency view and matched by its
/// Enter: a Target or Actor cell of several parties (`2 users: a@contoso.com, b@contoso.com`,
/// as `items::parties_cell` writes it) holds each party, the ⚠ column's words each word;
/// any other cell is one value.
pub fn cell_values(column: Column, cell: &str) -> Vec<&str> {
    if column == Column::Flag && !cell.is_empty() {
        // The ⚠ then the names of why (`⚠ ctrl conflict`: `items::FlagWhy::words`).
        return cell.split_whitespace().collect();
    }
    several_parties(column, cell).map_or_else(|| vec![cell], |names| names.split(", ").collect())
}

/// The parties of a Target or Actor cell of several (`2 users: a@…, b@…` → `a@…, b@…`),
/// None for a cell of one value ([`cell_values`]).
pub fn several_parties(column: Column, cell: &str) -> Option<&str> {
    if matches!(column, Column::Target | Column::Actor)
        && let Some((label, names)) = cell.split_once(": ")
        && label.starts_with(|c: char| c.is_ascii_digit())
    {
        return Some(names);
    }
    None
}

/// Whether a cell of `column` (None: a column the view lacks) holds `value` among its
/// values ([`cell_values`]).
pub fn has_value(column: Option<&Column>, cell: &str, value: &str) -> bool {
    column.map_or(cell == value, |&c| cell_values(c, cell).contains(&value))
}

/// Every column of either table, each once, in the order the tables draw them: the names
/// a filter term may use.
pub fn every_column() -> Vec<Column> {
    let mut all: Vec<Column> = Vec::new();
    for c in FINDING_COLUMNS.iter().chain(NEAR_MISS_COLUMNS.iter()) {
        if !all.contains(c) {
            all.push(*c);
        }
    }
    all
}

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
/// as (index in `columns`, drawn width). Columns give way in their order (`plan`); the
/// flagged rows' first ones (Target, Hints, Time) narrow those before them to their
/// squeezed widths rather than give way; the flexible ones (`flex`) share what is left:
/// first up to their preferred widths (the largest share first), then by share. Optional
/// columns (Proxy, Events, Source; in the near misses every column but the Account, the
/// Verdict and the marks) leave the screen before a flexible column is kept under its
/// preferred width: in the near misses the Reason is what the analyst reads first. The
/// drawn columns keep the table's order whatever gave way.
pub fn fit(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    fit_sized(
        columns,
        width,
        Widest {
            ip: IP_WIDE,
            reason: 0,
        },
    )
}

/// The widest cells of a table's rows that size their columns ([`fit_sized`]), in
/// terminal columns (0: no row yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Widest {
    /// The widest IP address.
    pub ip: u16,
    /// The widest near-miss Reason.
    pub reason: u16,
}

/// The IP column's width when no address sizes it ([`fit`]): an IPv4 address whole.
pub const IP_WIDE: u16 = 15;

/// The longest IPv6 address written out (`ffff:…` eight groups of four): the most the IP
/// column asks for.
const IP_LONGEST: u16 = 39;

/// The longest reasons the loader writes (a field path, a misspelt operation quoted): the
/// most the Reason column asks for, whole at 160 columns.
const REASON_LONGEST: u16 = 82;

/// [`fit`] with columns sized by the rows' widest cells (`widest`). The IP column is drawn
/// as wide as its widest address up to [`IP_WIDE`], wider (up to [`IP_LONGEST`]) out of
/// the room left once every column is drawn, as the Hints take theirs: short IPv4 addresses
/// leave their room to the others; an IPv6 address is whole where the screen has the room.
/// The near misses' Reason asks for its widest reason (up to [`REASON_LONGEST`]; all of
/// them when no row sizes it): the Time and the Target give way before a reason is cut
/// (newbie16 #3), and short reasons leave them the room.
pub fn fit_sized(columns: &[Column], width: u16, widest: Widest) -> Vec<(usize, u16)> {
    // Never narrower than its title, `IP`.
    let ip = widest.ip.clamp(2, IP_LONGEST);
    let reason = match widest.reason {
        0 => REASON_LONGEST,
        w => w.clamp(Column::Reason.plan().0, REASON_LONGEST),
    };
    let near_miss = columns.contains(&Column::Reason);
    let plan = |c: Column| match c {
        Column::Ip => (ip.min(IP_WIDE), c.plan().1),
        // Beside a Reason the account is secondary: it starts narrower; the
        // actor's id is drawn once the Reason has its width.
        Column::Account if near_miss => (14, 0),
        Column::Actor if near_miss => (16, 5),
        // The operation as written is the same for most near misses, and where its spelling
        // is why, the Reason quotes it whole: it gives way before the target (whose tokens).
        Column::Operation if near_miss => (34, 6),
        c => c.plan(),
    };
    let flex = |c: Column| match c {
        Column::Ip if ip > IP_WIDE => Some((ip, 0)),
        Column::Reason => Some((reason, 3)),
        c => c.flex(near_miss),
    };
    // In the near misses everything but what is always drawn gives way to the Reason.
    let optional = |c: Column| {
        let prio = plan(c).1;
        flex(c).is_none() && (prio >= OPTIONAL || near_miss && prio > 0)
    };
    let mut least: Vec<u16> = columns.iter().map(|&c| plan(c).0).collect();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| plan(columns[i]).1);
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 2; // the selection gutter
    for i in order {
        let prio = plan(columns[i]).1;
        let need = least[i] + 1;
        if used + need <= width || prio == 0 && used + 4 <= width {
            chosen.push(i);
            used += need.min(width.saturating_sub(used));
            continue;
        }
        if prio == 0 {
            continue;
        }
        // The flagged rows' first columns narrow those drawn before them (and
        // themselves) to their squeezed widths when that makes the room: the Account
        // first (a display name anyone can choose), the Hints last.
        let mut over = used + need - width;
        let mut squeezable: Vec<usize> = chosen.clone();
        squeezable.push(i);
        squeezable.sort_by_key(|&k| plan(columns[k]).1);
        let slack = |k: usize, least: &[u16]| least[k].saturating_sub(columns[k].squeezed());
        let room: u16 = squeezable.iter().map(|&k| slack(k, &least)).sum();
        if near_miss || prio > SQUEEZED_UP_TO || room < over {
            // Columns give way in priority order: once one does not fit, the less
            // important ones do not either.
            break;
        }
        for k in squeezable {
            let take = slack(k, &least).min(over);
            least[k] -= take;
            over -= take;
        }
        chosen.push(i);
        used = width;
    }
    // What the flexible columns that are always drawn lack of their preferred widths.
    let deficit = |chosen: &[usize]| -> u16 {
        chosen
            .iter()
            .filter(|&&i| plan(columns[i]).1 == 0)
            .filter_map(|&i| flex(columns[i]).map(|(pref, _)| pref.saturating_sub(least[i])))
            .sum()
    };
    // The Hints column's width comes before the columns that give way after the first
    // ones (the numbers, the IP, the Actor…): they are drawn once the hints are whole.
    if let Some(hint) = chosen.iter().copied().find(|&i| columns[i] == Column::Hint) {
        let lack = |used: u16| HINTS_WIDE.saturating_sub(least[hint]) > width.saturating_sub(used);
        while lack(used) {
            let later = chosen
                .iter()
                .enumerate()
                .filter(|&(_, &i)| plan(columns[i]).1 > SQUEEZED_UP_TO)
                .max_by_key(|&(_, &i)| (plan(columns[i]).1, i))
                .map(|(pos, _)| pos);
            let Some(pos) = later else {
                break;
            };
            let i = chosen.remove(pos);
            used = used.saturating_sub(least[i] + 1);
        }
    }
    while width.saturating_sub(used) < deficit(&chosen) {
        let gives_way = chosen
            .iter()
            .enumerate()
            .filter(|&(_, &i)| optional(columns[i]))
            .max_by_key(|&(_, &i)| (plan(columns[i]).1, i))
            .map(|(pos, _)| pos);
        let Some(pos) = gives_way else {
            break;
        };
        let i = chosen.remove(pos);
        used = used.saturating_sub(least[i] + 1);
    }
    chosen.sort_unstable();
    let mut spare = width.saturating_sub(used);
    let mut widths: Vec<(usize, u16)> = chosen.iter().map(|&i| (i, least[i])).collect();
    let mut flexible: Vec<(usize, u16, u16)> = widths
        .iter()
        .enumerate()
        .filter_map(|(k, &(i, _))| flex(columns[i]).map(|(pref, share)| (k, pref, share)))
        .collect();
    // Columns without a share of the rest (the Hints, then a long IP address) get their
    // preferred width first: the hints are what the row is triaged by.
    flexible.sort_by_key(|&(k, _, share)| {
        let ip = columns[widths[k].0] == Column::Ip;
        (share != 0, ip, std::cmp::Reverse(share), k)
    });
    for &(k, pref, _) in &flexible {
        let add = pref.saturating_sub(widths[k].1).min(spare);
        widths[k].1 += add;
        spare -= add;
    }
    let total: u32 = flexible.iter().map(|&(_, _, share)| u32::from(share)).sum();
    if let Some(&(first, _, _)) = flexible.iter().find(|f| f.2 > 0)
        && total > 0
    {
        let mut given = 0;
        for &(k, _, share) in &flexible {
            let add = u16::try_from(u32::from(spare) * u32::from(share) / total).unwrap_or(0);
            widths[k].1 += add;
            given += add;
        }
        widths[first].1 += spare - given;
    }
    widths
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
