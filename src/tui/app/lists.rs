//! The lists drawn over the table: the frequency view of a column, and "classify like
//! this" (rows like a decided one, to decide the same way in one step).

use std::borrow::Cow;

use crate::tui::items::ActorMark;

use super::decide::Change;
use super::{App, Bulk, Overlay, Pivot, PivotRow, View};
use crate::journal::Verdict;
use crate::tui::action::Intent;
use crate::tui::columns::{Column, finding};
use crate::tui::overlay::{Candidate, Link};

/// A line of the frequency view: the kind of principal (the Actor column) and the value.
type PivotKey<'a> = (Option<ActorMark>, Cow<'a, str>);

/// Adds the counts `by` (unreviewed, suspicious, legitimate) of a run of rows of one value.
fn add_run<'a>(
    counts: &mut hashbrown::HashMap<PivotKey<'a>, [usize; 3]>,
    run: Option<PivotKey<'a>>,
    by: [usize; 3],
) {
    if let Some(key) = run {
        let slots = counts.entry(key).or_insert([0; 3]);
        for (s, n) in slots.iter_mut().zip(by) {
            *s += n;
        }
    }
}

impl App {
    pub(super) fn open_pivot(&mut self) {
        // The counts are of every shown row.
        self.finish_filter();
        let t = self.table();
        let column = t.focus;
        let kind = self.columns().get(column).copied();
        // Every shown row is counted on the key path: each cell is borrowed from the row's
        // text and its verdict from the kept ones (no key hashed, no decision copied, no
        // String made per row: 131 ms for 90,139 near misses, busy machine, before).
        // Actors are counted by principal (kind and text): an app named like a user, or
        // like another app's `name (id)`, is never counted with it.
        //
        // The near misses are one row per event (2M events: 60 ms, against 4.4 ms for
        // the rows): the values are counted borrowed (a `String` made once per distinct
        // value, at the end), in one table hashed with foldhash, a cell of one value is
        // never put in a list, and a value equal to the row before's (events of one actor
        // or target come together) is counted without hashing it again.
        let actors = kind == Some(Column::Actor);
        let mut counts: hashbrown::HashMap<PivotKey<'_>, [usize; 3]> = hashbrown::HashMap::new();
        // A cell of several values (a bulk row's users) counts under each of them.
        let mut several = 0;
        let verdicts = t.verdicts();
        let mut last: Option<PivotKey<'_>> = None;
        let mut run = [0usize; 3];
        for &item in &t.order {
            let cell = self.pivot_cell(t, item, kind, column);
            let slot = match verdicts.get(item) {
                Some(Verdict::Suspicious) => 1,
                Some(Verdict::Legitimate) => 2,
                Some(Verdict::Unreviewed) | None => 0,
            };
            let parties = match (&cell, kind) {
                (Cow::Borrowed(c), Some(k)) => crate::tui::columns::several_parties(k, c),
                _ => None,
            };
            let values: Vec<&str> = if let Some(names) = parties {
                names.split(", ").collect()
            } else {
                // One value: the run of equal values before goes on, or ends here.
                let mark = actors.then(|| match t.items[item].actor {
                    ActorMark::Several => self.actor_kinds(item, 1)[0],
                    mark => mark,
                });
                match &last {
                    Some((m, v)) if *m == mark && *v == cell => {}
                    _ => {
                        add_run(&mut counts, last.take(), run);
                        run = [0; 3];
                        last = Some((mark, cell));
                    }
                }
                run[slot] += 1;
                continue;
            };
            several += usize::from(values.len() > 1);
            let kinds = actors.then(|| self.actor_kinds(item, values.len()));
            for (j, value) in values.into_iter().enumerate() {
                let mark = kinds
                    .as_ref()
                    .map(|k| k.get(j).copied().unwrap_or_default());
                counts.entry((mark, Cow::Borrowed(value))).or_insert([0; 3])[slot] += 1;
            }
        }
        add_run(&mut counts, last.take(), run);
        let mut rows: Vec<PivotRow> = counts
            .into_iter()
            .map(|((kind, value), by_verdict)| PivotRow {
                value: value.into_owned(),
                kind,
                count: by_verdict.iter().sum(),
                by_verdict,
            })
            .collect();
        // Equal counts in the value's order: a number column's as numbers (6 before
        // 16811 before 155900), values that are no number after them, as text.
        let numbers = kind.is_some_and(|c| c.kind() == crate::tui::columns::Kind::Number);
        let number = |v: &str| {
            if numbers {
                v.trim().parse::<i64>().ok()
            } else {
                None
            }
        };
        // (kind, value) is each row's own: an unstable sort gives the same order.
        rows.sort_unstable_by(|a, b| {
            let (na, nb) = (number(&a.value), number(&b.value));
            b.count
                .cmp(&a.count)
                .then_with(|| na.is_none().cmp(&nb.is_none()))
                .then_with(|| na.cmp(&nb))
                .then_with(|| a.value.cmp(&b.value))
                .then_with(|| {
                    a.kind
                        .map(ActorMark::glyph)
                        .cmp(&b.kind.map(ActorMark::glyph))
                })
        });
        let counted = (
            t.order.len(),
            t.total(),
            self.narrowed_by().unwrap_or_default(),
        );
        self.overlay = Overlay::Pivot(Pivot {
            column,
            rows,
            cursor: 0,
            several,
            counted,
        });
    }

    /// A cell as the frequency view counts it: [`App::cell`]'s text, borrowed where the
    /// row keeps it, the verdict from the table's kept verdicts.
    fn pivot_cell<'a>(
        &'a self,
        t: &'a crate::tui::table::TableState,
        item: usize,
        kind: Option<Column>,
        column: usize,
    ) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        match kind {
            Some(Column::Verdict) => Cow::Borrowed(
                t.verdicts()
                    .get(item)
                    .copied()
                    .unwrap_or(Verdict::Unreviewed)
                    .label(),
            ),
            Some(Column::Time) if self.local_time => Cow::Owned(self.cell(t, item, column)),
            Some(Column::Note) => Cow::Owned(self.cell(t, item, column)),
            _ => Cow::Borrowed(t.items[item].cells.get(column).unwrap_or_default()),
        }
    }

    /// The kind of each of the `n` actors of `item`'s Actor cell, in its order: the row's
    /// mark when they are all of one kind, else each from the row's totals.
    fn actor_kinds(&self, item: usize, n: usize) -> Vec<ActorMark> {
        match self.table().items[item].actor {
            ActorMark::Several => match self.view {
                View::Findings => self
                    .report
                    .findings
                    .get(item)
                    .map(|f| {
                        f.totals
                            .actor_principals()
                            .into_iter()
                            .map(|(k, _)| ActorMark::Kind(k))
                            .collect()
                    })
                    .unwrap_or_default(),
                View::NearMisses => vec![ActorMark::Several; n],
            },
            mark => vec![mark; n],
        }
    }

    /// Opens "classify like this" over the rows the table shows: a row the filter hides is
    /// never offered (a verdict must not land where the analyst cannot see it); how many
    /// rows like it the filter hides is said on the status line.
    pub(super) fn open_bulk(&mut self) {
        if self.view != View::Findings {
            self.set_status("classify-like-this works on flagged rows".to_owned());
            return;
        }
        // Every shown row is needed, not only those the filter has tested so far.
        self.finish_filter();
        // Right after a single verdict (`2 c`) the row just decided, which the cursor has
        // left for the next, is the one to classify like (a newcomer was told to decide
        // the next row first).
        let just = self
            .after_mark
            .take()
            .and_then(|(view, keys)| match keys.as_slice() {
                [key] if view == View::Findings => {
                    self.findings.items.iter().position(|it| &it.key == key)
                }
                _ => None,
            });
        let Some(item) = just.or_else(|| self.findings.current()) else {
            return;
        };
        let source = &self.findings.items[item];
        let decision = self.decision(&source.key);
        if decision.verdict == Verdict::Unreviewed {
            self.set_status(
                "decide this row first; classify-like-this then proposes the same verdict for rows like it"
                    .to_owned(),
            );
            return;
        }
        let account = |i: usize| self.account_identity(i);
        let hint_col = finding(Column::Hint);
        let badges = |it: &crate::tui::items::ItemText| -> Vec<String> {
            it.cells[hint_col]
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        };
        let source_account = account(item);
        let source_hints = badges(source);
        let (ip, isp) = (finding(Column::Ip), finding(Column::Isp));
        let shown: std::collections::HashSet<usize> = self.findings.order.iter().copied().collect();
        let mut candidates = Vec::new();
        let mut hidden = 0;
        for (i, other) in self.findings.items.iter().enumerate() {
            // A folded row is no row (its events are another row's): neither offered nor
            // counted as hidden by the filter.
            if i == item || other.folded || self.decision(&other.key).verdict != Verdict::Unreviewed
            {
                continue;
            }
            let same = |c: usize| !source.cells[c].is_empty() && source.cells[c] == other.cells[c];
            let link = match source_account.compare(&account(i)) {
                Same::Principal => Link::Account,
                Same::UpnOnly => Link::UpnOtherId,
                Same::No if same(ip) => Link::Ip,
                Same::No if same(isp) => Link::Isp,
                Same::No => continue,
            };
            if !shown.contains(&i) {
                hidden += 1;
                continue;
            }
            let extra_hints: Vec<String> = badges(other)
                .into_iter()
                .filter(|b| !source_hints.contains(b))
                .collect();
            let contested = badges(other).iter().any(|b| b == "conflict");
            let ticked = link == Link::Account && extra_hints.is_empty() && !contested;
            candidates.push(Candidate {
                item: i,
                link,
                extra_hints,
                ticked,
                contested,
            });
        }
        // Strongest link first, and in it the rows ticked for the analyst first (they are
        // all of the same account): what Enter decides is on the first page, never on
        // page 6 of 1,882 rows (newbie13b #3); then in the table's order as shown (its
        // sort, newest first by default): in the order of the items read, `10:02:11` came
        // last, away from `10:00:30` (newbie14 #2).
        let place: std::collections::HashMap<usize, usize> = self
            .findings
            .order
            .iter()
            .enumerate()
            .map(|(pos, &i)| (i, pos))
            .collect();
        candidates.sort_by_key(|c| (c.link, !c.ticked, place.get(&c.item).copied()));
        if candidates.is_empty() {
            self.set_status(format!(
                "no unreviewed row shown shares this row's account, IP or ISP{}",
                hidden_words(hidden)
            ));
            return;
        }
        let source = source.cells[finding(Column::Account)].to_owned();
        let bulk = Bulk {
            verdict: decision.verdict,
            source,
            candidates,
            cursor: 0,
            hidden,
            confirm: false,
        };
        // The status follows the list just opened, never an older line beneath it.
        self.set_status(bulk_words(&bulk));
        self.overlay = Overlay::Bulk(bulk);
    }

    /// Who made a flagged row's change, as classify-like-this compares rows: the row's
    /// AccountObjectId and the typed keys of its events' actors (a user's object id and
    /// UPN, an app's id, the name of an app with no id: `model::actor_keys`). Never the
    /// display name, which whoever names the account chooses, and never a key of one kind
    /// for a key of another (an app named like a user is not that user).
    fn account_identity(&self, item: usize) -> AccountIdentity {
        use crate::model::ActorKind;
        let f = &self.report.findings[item];
        let mut who = AccountIdentity::default();
        let add = |list: &mut Vec<String>, kind: ActorKind, s: &str| {
            let s = format!("{kind:?}:{}", s.trim().to_ascii_lowercase());
            if !s.ends_with(':') && !list.contains(&s) {
                list.push(s);
            }
        };
        let events: Vec<_> = f
            .events
            .iter()
            .filter_map(|&i| self.report.events.get(i))
            .collect();
        // AccountObjectId is the id of the row's actor, of the kind its events give.
        let kind = events
            .first()
            .map_or(ActorKind::User, |e| e.parties.actor_kind);
        if kind != ActorKind::NamedApp {
            add(&mut who.ids, kind, &f.row.account_object_id);
        }
        for e in events {
            let p = &e.parties;
            match p.actor_kind {
                ActorKind::User => {
                    add(&mut who.ids, p.actor_kind, &p.actor_id);
                    add(&mut who.names, p.actor_kind, &p.actor);
                }
                ActorKind::App => add(&mut who.ids, p.actor_kind, &p.actor_id),
                ActorKind::NamedApp => add(&mut who.names, p.actor_kind, &p.actor),
            }
        }
        who
    }

    /// Keys in the frequency view and the classify-like-this list.
    pub(super) fn apply_list(&mut self, intent: Intent) {
        let len = match &self.overlay {
            Overlay::Pivot(p) => p.rows.len(),
            Overlay::Bulk(b) => b.candidates.len(),
            _ => 0,
        };
        let page = self.areas().list_rows();
        let last = len.saturating_sub(1);
        let cursor = match &mut self.overlay {
            Overlay::Pivot(p) => &mut p.cursor,
            Overlay::Bulk(b) => &mut b.cursor,
            _ => return,
        };
        match intent {
            Intent::MoveDown => *cursor = (*cursor + 1).min(last),
            Intent::MoveUp => *cursor = cursor.saturating_sub(1),
            Intent::PageDown => *cursor = (*cursor + page).min(last),
            Intent::PageUp => *cursor = cursor.saturating_sub(page),
            Intent::Top => *cursor = 0,
            Intent::Bottom => *cursor = last,
            Intent::ToggleSelect => {
                if let Overlay::Bulk(b) = &mut self.overlay {
                    if let Some(c) = b.candidates.get_mut(b.cursor) {
                        c.ticked = !c.ticked;
                    }
                    b.cursor = (b.cursor + 1).min(last);
                    b.confirm = false;
                    // The title counts the ticks: the status line, which said "0 ticked"
                    // beside `mark 7 rows` (newbie 17 #2), counts them too.
                    let words = bulk_words(b);
                    self.set_status(words);
                }
            }
            Intent::TickAll | Intent::UntickAll => {
                let mut left = 0;
                let mut words = String::new();
                if let Overlay::Bulk(b) = &mut self.overlay {
                    for c in &mut b.candidates {
                        // A row whose event id is contested is ticked only one by one.
                        c.ticked = intent == Intent::TickAll && !c.contested;
                        left += usize::from(intent == Intent::TickAll && c.contested);
                    }
                    b.confirm = false;
                    words = bulk_words(b);
                }
                if left > 0 {
                    words = format!(
                        "{words} · {} left unticked: {} event id was read with other content too (⚠ conflict); Space ticks one",
                        crate::tui::count::count(left, "row"),
                        if left == 1 { "its" } else { "their" }
                    );
                }
                self.set_status(words);
            }
            Intent::Open => {
                if let Overlay::Bulk(b) = &mut self.overlay
                    && !b.confirm
                    && let Some(words) = confirm_words(b)
                {
                    b.confirm = true;
                    self.set_status(words);
                    return;
                }
                self.apply_list_choice();
            }
            Intent::Back | Intent::Quit => {
                // The status said what the list offered ("8 row(s) like it, 5 ticked;
                // Space ticks…"): closed, that is no longer so.
                if matches!(self.overlay, Overlay::Bulk(_)) {
                    self.set_status(String::new());
                }
                self.overlay = Overlay::None;
            }
            Intent::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }

    /// Enter in a list: filter to the pivot value, or apply the ticked bulk decisions as
    /// one undoable step.
    fn apply_list_choice(&mut self) {
        let overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        match overlay {
            Overlay::Pivot(p) => {
                if let (Some(row), Some(&column)) =
                    (p.rows.get(p.cursor), self.columns().get(p.column))
                {
                    self.pivot_filter = Some((column, row.value.clone()));
                    self.findings.forget_narrowed();
                    self.near.forget_narrowed();
                    self.table_mut().cursor = 0;
                    self.refresh();
                }
            }
            Overlay::Bulk(b) => {
                // Only rows still shown: rows arriving or decided elsewhere since the list
                // opened may have changed what the filter shows.
                self.finish_filter();
                let shown: std::collections::HashSet<usize> =
                    self.findings.order.iter().copied().collect();
                let keys: Vec<String> = b
                    .candidates
                    .iter()
                    .filter(|c| c.ticked && shown.contains(&c.item))
                    .map(|c| self.findings.items[c.item].key.clone())
                    .collect();
                self.notice = None;
                let n = self.record(keys, &Change::Verdict(b.verdict));
                if n > 0 {
                    self.set_status(format!(
                        "marked {} {} like {} (one step: u undoes it)",
                        crate::tui::count::count(n, "row"),
                        b.verdict.label(),
                        b.source
                    ));
                    self.refresh();
                } else {
                    // The status described the open list ("… 0 ticked; Space ticks…"): it
                    // is closed now, and nothing was marked.
                    let why = if b.candidates.iter().any(|c| c.ticked) {
                        "the ticked rows are no longer shown or already so"
                    } else {
                        "nothing ticked"
                    };
                    self.set_status(format!(
                        "classify like this: {why}, nothing marked {}",
                        b.verdict.label()
                    ));
                }
            }
            other => self.overlay = other,
        }
    }
}

/// ` (3 rows like it are hidden by the filter: not offered)`, or nothing.
fn hidden_words(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        1 => " (1 row like it is hidden by the filter: not offered)".to_owned(),
        n => format!(" ({n} rows like it are hidden by the filter: not offered)"),
    }
}

/// The status line of an open classify-like-this list: what it offers and how many rows
/// are ticked now (the count the title's `mark N rows` gives).
fn bulk_words(b: &Bulk) -> String {
    let ticked = b.candidates.iter().filter(|c| c.ticked).count();
    let contested = match b.candidates.iter().filter(|c| c.contested).count() {
        0 => String::new(),
        n => format!(
            " ({n} with an event id read with other content too: ⚠ conflict, never ticked for you)"
        ),
    };
    format!(
        "classify like this{}: {} {} like it, {} ticked{contested}; Space ticks, Enter marks them {}",
        hidden_words(b.hidden),
        crate::model::thousands(b.candidates.len() as u64),
        crate::tui::count::noun(b.candidates.len(), "row"),
        crate::model::thousands(ticked as u64),
        b.verdict.label()
    )
}

/// What Enter is about to do when it marks rows the list did not tick itself: rows linked
/// only by IP or ISP (or a UPN under another object id), or with hints the decided row
/// lacks. None: every ticked row is one the list ticks (same account, no other hint), or
/// none is ticked. Newbie 17 #2: `a` ticked 8 rows linked by the ISP alone, 2 of them with
/// `far first`, and one Enter would have marked them all.
fn confirm_words(b: &Bulk) -> Option<String> {
    let ticked: Vec<&Candidate> = b.candidates.iter().filter(|c| c.ticked).collect();
    let weak = ticked.iter().filter(|c| c.link != Link::Account).count();
    let more: Vec<&&Candidate> = ticked
        .iter()
        .filter(|c| !c.extra_hints.is_empty())
        .collect();
    if weak == 0 && more.is_empty() {
        return None;
    }
    let mut why = Vec::new();
    if weak > 0 {
        why.push(format!(
            "{weak} linked only by IP, ISP or UPN, not the account"
        ));
    }
    if !more.is_empty() {
        let mut hints: Vec<&str> = more
            .iter()
            .flat_map(|c| c.extra_hints.iter().map(String::as_str))
            .collect();
        hints.sort_unstable();
        hints.dedup();
        why.push(format!(
            "{} with hints the decided row lacks ({})",
            more.len(),
            hints.join(" ")
        ));
    }
    Some(format!(
        "Enter again marks {} {}: {}; Space unticks, Esc goes back",
        crate::tui::count::count(ticked.len(), "row"),
        b.verdict.label(),
        why.join(", ")
    ))
}

/// A row's account as classify-like-this compares it: object ids (AccountObjectId, the
/// actor's object or service principal id) and actors (a user's UPN, an app's name when it
/// has no id), each in ASCII lower case after its kind (`User:`, `App:`, `NamedApp:`). Like
/// is compared with like: an id with ids, an actor with actors, a kind with its kind.
#[derive(Debug, Default)]
struct AccountIdentity {
    ids: Vec<String>,
    names: Vec<String>,
}

/// How two rows' principals compare ([`AccountIdentity::compare`]).
enum Same {
    /// One principal: an object id in common, or (a row without one) the actor's UPN.
    Principal,
    /// The same UPN under other object ids: another principal, as `first`, relate and
    /// reset count them.
    UpnOnly,
    No,
}

impl AccountIdentity {
    /// Whether two rows are one principal: by object id where both rows have one (a UPN
    /// two object ids share is [`Same::UpnOnly`]), else by actor (never for a row with
    /// neither).
    fn compare(&self, other: &Self) -> Same {
        let ids = self.ids.iter().any(|i| other.ids.contains(i));
        let names = self.names.iter().any(|n| other.names.contains(n));
        match (ids, names) {
            (true, _) => Same::Principal,
            (false, true) if !self.ids.is_empty() && !other.ids.is_empty() => Same::UpnOnly,
            (false, true) => Same::Principal,
            (false, false) => Same::No,
        }
    }
}
