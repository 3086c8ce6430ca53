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
            // The longest reasons the loader writes (a field path, a misspelt operation
            // quoted) are up to 82 characters: whole at 160 columns.
            Self::Reason => Some((82, 3)),
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
    /// (0: never; higher gives way first).
    fn plan(self) -> (u16, u8) {
        match self {
            // Below 78 columns the query's two numbers stay and the time gives way: they
            // are what the rule returns and what `far` and `back` read; the rows are in
            // time order and the drill-down gives each event's time.
            Self::Time => (19, 2),
            Self::Account => (20, 0),
            // Context beside the query's columns: drawn once they are and the hints are whole
            // (from 153 columns on, the Actor at 170), never taking the Account's room at 120.
            Self::Target => (16, 4),
            Self::Actor => (16, 4),
            Self::Role => (16, 3),
            Self::Ip => (IP_WIDE, 2),
            Self::Proxy => (5, 5),
            Self::Isp => (16, 4),
            Self::Added => (9, 1),
            Self::Remaining => (9, 1),
            Self::Events => (6, 6),
            Self::Reason => (16, 0),
            Self::Operation => (24, 4),
            Self::Source => (28, 7),
            Self::Hint => (14, 3),
            Self::Verdict => (10, 0),
            Self::Note | Self::Flag => (1, 0),
        }
    }
}

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
/// flexible ones (`flex`) share what is left: first up to their preferred widths (the
/// largest share first), then by share. Optional columns (giving way from 5: Proxy, Events,
/// Source; in the near misses the Operation, then the Actor) leave the
/// screen before a flexible column is kept under its preferred width: in the near misses
/// the Reason is what the analyst reads first.
pub fn fit(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    fit_sized(columns, width, IP_WIDE)
}

/// The IP column's width when no address sizes it ([`fit`]): an IPv4 address whole.
pub const IP_WIDE: u16 = 15;

/// The longest IPv6 address written out (`ffff:…` eight groups of four): the most the IP
/// column asks for.
const IP_LONGEST: u16 = 39;

/// [`fit`] with the IP column sized by `ip`, the widest address of the table's rows in
/// terminal columns (0: none yet): drawn as wide as that address up to [`IP_WIDE`], wider
/// (up to [`IP_LONGEST`]) out of the room left once every column is drawn, as the Hints
/// take theirs. Short IPv4 addresses leave their room to the others; an IPv6 address is
/// whole where the screen has the room (it was cut at 15 at every width).
pub fn fit_sized(columns: &[Column], width: u16, ip: u16) -> Vec<(usize, u16)> {
    // Never narrower than its title, `IP`.
    let ip = ip.clamp(2, IP_LONGEST);
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
        c => c.flex(near_miss),
    };
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| plan(columns[i]).1);
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 2; // the selection gutter
    for i in order {
        let (w, prio) = plan(columns[i]);
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
    // What the flexible columns that are always drawn lack of their preferred widths.
    let deficit = |chosen: &[usize]| -> u16 {
        chosen
            .iter()
            .filter(|&&i| plan(columns[i]).1 == 0)
            .filter_map(|&i| {
                flex(columns[i]).map(|(pref, _)| pref.saturating_sub(plan(columns[i]).0))
            })
            .sum()
    };
    // The Hints column's width comes before the columns that give way after it (the Target
    // and the Actor): they are drawn once the hints are whole.
    if let Some(hint) = chosen.iter().copied().find(|&i| columns[i] == Column::Hint) {
        let (least, prio) = plan(columns[hint]);
        let lack = |used: u16| HINTS_WIDE.saturating_sub(least) > width.saturating_sub(used);
        while lack(used) {
            let later = chosen
                .iter()
                .enumerate()
                .filter(|&(_, &i)| plan(columns[i]).1 > prio)
                .max_by_key(|&(_, &i)| (plan(columns[i]).1, i))
                .map(|(pos, _)| pos);
            let Some(pos) = later else {
                break;
            };
            let i = chosen.remove(pos);
            used = used.saturating_sub(plan(columns[i]).0 + 1);
        }
    }
    while width.saturating_sub(used) < deficit(&chosen) {
        let optional = chosen
            .iter()
            .enumerate()
            .filter(|&(_, &i)| plan(columns[i]).1 >= 5 && flex(columns[i]).is_none())
            .max_by_key(|&(_, &i)| plan(columns[i]).1)
            .map(|(pos, _)| pos);
        let Some(pos) = optional else {
            break;
        };
        let i = chosen.remove(pos);
        used = used.saturating_sub(plan(columns[i]).0 + 1);
    }
    chosen.sort_unstable();
    let mut spare = width.saturating_sub(used);
    let mut widths: Vec<(usize, u16)> = chosen.iter().map(|&i| (i, plan(columns[i]).0)).collect();
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
mod tests {
    use super::*;

    fn drawn(columns: &[Column], width: u16) -> Vec<(Column, u16)> {
        let fitted = fit(columns, width);
        // Every column with its one-cell spacing, and the gutter, within the width.
        let total: u16 = 2 + fitted.iter().map(|&(_, w)| w + 1).sum::<u16>();
        assert!(total <= width + 1, "{width}: {total} drawn");
        fitted.into_iter().map(|(i, w)| (columns[i], w)).collect()
    }

    fn width_of(drawn: &[(Column, u16)], c: Column) -> Option<u16> {
        drawn.iter().find(|(d, _)| *d == c).map(|&(_, w)| w)
    }

    #[test]
    fn near_misses_give_the_reason_the_width_and_keep_the_time_at_80() {
        let at80 = drawn(&NEAR_MISS_COLUMNS, 80);
        assert_eq!(width_of(&at80, Column::Time), Some(19));
        assert!(
            width_of(&at80, Column::Reason).is_some_and(|w| w >= 26),
            "{at80:?}"
        );
        assert!(width_of(&at80, Column::Verdict).is_some());
        // At 160 the longest reasons (82 characters) whole, the account as wide as in the
        // flagged rows and whose tokens (the target); the operation, the same on most
        // rows (the Reason quotes it where its spelling is why), waits for more room.
        let at160 = drawn(&NEAR_MISS_COLUMNS, 160);
        assert!(
            width_of(&at160, Column::Reason).is_some_and(|w| w >= 82),
            "{at160:?}"
        );
        assert!(
            width_of(&at160, Column::Account).is_some_and(|w| w >= 20),
            "{at160:?}"
        );
        assert!(width_of(&at160, Column::Target).is_some(), "{at160:?}");
        assert!(
            width_of(&drawn(&NEAR_MISS_COLUMNS, 220), Column::Operation).is_some_and(|w| w >= 34),
            "the whole operation with room to spare"
        );
        assert_eq!(
            width_of(&at160, Column::Source),
            None,
            "the path gives way first"
        );
        let at200 = drawn(&NEAR_MISS_COLUMNS, 200);
        assert!(
            width_of(&at200, Column::Target).is_some(),
            "context once there is room"
        );
        let at260 = drawn(&NEAR_MISS_COLUMNS, 260);
        assert!(
            width_of(&at260, Column::Source).is_some(),
            "shown with room to spare"
        );
    }

    /// Past the width where the Target and the Actor are drawn, they take the room first:
    /// a UPN of 40 characters is whole at 280 columns (the Target at 260); the same columns are drawn.
    #[test]
    fn wide_screens_give_the_target_and_the_actor_the_room() {
        let at170 = drawn(&FINDING_COLUMNS, 170);
        assert_eq!(width_of(&at170, Column::Target), Some(16), "{at170:?}");
        assert_eq!(width_of(&at170, Column::Actor), Some(16), "{at170:?}");
        let at220 = drawn(&FINDING_COLUMNS, 220);
        assert!(
            width_of(&at220, Column::Target).is_some_and(|w| w > 20),
            "{at220:?}"
        );
        let at280 = drawn(&FINDING_COLUMNS, 280);
        for c in [Column::Target, Column::Actor] {
            assert!(
                width_of(&at280, c).is_some_and(|w| w >= 40),
                "{c:?} at 280: {at280:?}"
            );
        }
        assert!(
            width_of(&at280, Column::Account).is_some_and(|w| (20..40).contains(&w)),
            "{at280:?}"
        );
        // The same columns are drawn as before at every width: only the widths change.
        for width in [60, 80, 120, 126, 143, 152, 153, 160, 200] {
            let d = drawn(&FINDING_COLUMNS, width);
            assert_eq!(
                width_of(&d, Column::Target).is_some(),
                width >= 153,
                "{width}: {d:?}"
            );
            // The hints whole before the Target is drawn.
            if width >= 136 {
                assert_eq!(width_of(&d, Column::Hint), Some(HINTS_WIDE), "{width}");
            }
        }
    }

    /// The IP column as wide as the widest address: IPv4 ones leave their room to the
    /// others, an IPv6 one is whole where the screen has the room, never at the cost of a
    /// column that was drawn or of the hints' width.
    #[test]
    fn the_ip_column_is_sized_by_its_widest_address() {
        let ip = |width, widest| {
            let fitted = fit_sized(&FINDING_COLUMNS, width, widest);
            let d: Vec<(Column, u16)> = fitted
                .iter()
                .map(|&(i, w)| (FINDING_COLUMNS[i], w))
                .collect();
            (width_of(&d, Column::Ip), d)
        };
        assert_eq!(ip(160, 13).0, Some(13), "198.51.100.77");
        assert_eq!(ip(160, 16).0, Some(16), "2001:db8:4a7::1f");
        assert_eq!(ip(300, 39).0, Some(39), "the longest IPv6 address");
        for width in [60, 80, 120, 136, 153, 160, 200] {
            let (_, sized) = ip(width, 39);
            let plain = drawn(&FINDING_COLUMNS, width);
            let names = |d: &[(Column, u16)]| d.iter().map(|&(c, _)| c).collect::<Vec<_>>();
            assert_eq!(names(&sized), names(&plain), "{width}");
            assert_eq!(
                width_of(&sized, Column::Hint),
                width_of(&plain, Column::Hint),
                "{width}"
            );
        }
    }

    #[test]
    fn flagged_rows_keep_the_account_wide_and_fill_the_width() {
        for width in [60, 80, 120, 160, 200] {
            let d = drawn(&FINDING_COLUMNS, width);
            assert!(
                width_of(&d, Column::Account).is_some_and(|w| w >= 20),
                "{width}: {d:?}"
            );
            let total: u16 = 2 + d.iter().map(|&(_, w)| w + 1).sum::<u16>();
            assert!(total + 1 >= width, "{width}: the account takes the rest");
        }
    }
}
