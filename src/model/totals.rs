//! What the outputs print of the events behind a row, totalled as each event joins it
//! ([`RowTotals`]), the cell that lists a row's targets or actors ([`count_label`]), and a
//! count as people read it ([`thousands`]).

use crate::intern::Text;
use crate::kql::KqlDateTime;
use crate::model::ActorKind;

/// What the outputs print of the events behind a row, totalled as each event joins it, so
/// that the headless commands need not keep every event: how many, the first and last time,
/// the distinct targets and actors (first seen first, as [`super::Finding::targets`] lists them),
/// and for the headless commands every event in the order it joined (a 4-byte reference,
/// for the report's list of sources). The same whether the events are kept or not:
/// `tests/row_totals.rs` compares them with the workbench's per-event functions.
#[derive(Debug, Clone, Default)]
pub struct RowTotals {
    /// Distinct events behind the row.
    pub events: usize,
    /// The earliest and latest event time (events without a time left out).
    pub first: Option<KqlDateTime>,
    pub last: Option<KqlDateTime>,
    targets: Distinct<Text>,
    /// The distinct actors as principals (kind and label): a user whose UPN reads like an
    /// app's `name (id)` is another actor than that app, and is listed apart.
    actors: Distinct<(ActorKind, Text)>,
    /// The last event that joined (an event giving the same row twice joins once).
    pub(crate) last_member: Option<u32>,
    /// Headless commands: every event that joined, in order (a scan-internal reference to a
    /// kept or a lean event); empty after a plain scan, whose `events` lists them all.
    pub(crate) members: Vec<u32>,
}

impl RowTotals {
    /// Counts one more event behind the row (`target` and `actor` as
    /// [`super::Parties::target_label`] and [`super::Parties::actor_label`] give them, and
    /// the actor's kind).
    pub fn add(
        &mut self,
        time: Option<KqlDateTime>,
        target: &str,
        actor: &str,
        actor_kind: ActorKind,
    ) {
        self.events += 1;
        if let Some(t) = time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        if !target.is_empty() {
            self.targets.add(target, || Text::from(target));
        }
        if !actor.is_empty() {
            self.actors
                .add(&Key(actor_kind, actor), || (actor_kind, Text::from(actor)));
        }
    }
    /// The distinct targets, in the order first seen (empty ones left out).
    pub fn targets(&self) -> Vec<&str> {
        self.targets.list.iter().map(Text::as_str).collect()
    }
    /// The distinct actors (UPN or application id), in the order first seen: one label per
    /// principal (two principals of different kinds that read alike are listed twice; see
    /// [`Self::actor_principals`]).
    pub fn actors(&self) -> Vec<&str> {
        self.actors.list.iter().map(|(_, t)| t.as_str()).collect()
    }
    /// The distinct actors with their kinds, in the order first seen.
    pub fn actor_principals(&self) -> Vec<(ActorKind, &str)> {
        self.actors
            .list
            .iter()
            .map(|(k, t)| (*k, t.as_str()))
            .collect()
    }
}

/// Distinct non-empty values (a target's text, an actor's kind and text) in the order first
/// seen; a set beside the list once it is long (a row behind which thousands of users'
/// tokens changed). Looked up by a borrowed form (`&str`, [`Key`]), so that a value seen
/// again makes no [`Text`].
#[derive(Debug, Clone)]
struct Distinct<T> {
    list: Vec<T>,
    set: Option<hashbrown::HashSet<T>>,
}

impl<T> Default for Distinct<T> {
    fn default() -> Self {
        Self {
            list: Vec::new(),
            set: None,
        }
    }
}

/// A principal looked up in the actors' [`Distinct`] without making a [`Text`] of it:
/// hashes as `(ActorKind, Text)` does (the kind, then the text as a `str`).
#[derive(Hash)]
struct Key<'a>(ActorKind, &'a str);

impl hashbrown::Equivalent<(ActorKind, Text)> for Key<'_> {
    fn equivalent(&self, key: &(ActorKind, Text)) -> bool {
        self.0 == key.0 && self.1 == key.1.as_str()
    }
}

impl<T: std::hash::Hash + Eq + Clone> Distinct<T> {
    const LINEAR: usize = 16;

    /// Adds the value `key` stands for (`make` makes it) unless it is there.
    fn add<Q>(&mut self, key: &Q, make: impl FnOnce() -> T)
    where
        Q: std::hash::Hash + hashbrown::Equivalent<T> + ?Sized,
    {
        let known = match &self.set {
            Some(set) => set.contains(key),
            None => self.list.iter().any(|t| key.equivalent(t)),
        };
        if known {
            return;
        }
        let t = make();
        if let Some(set) = &mut self.set {
            set.insert(t.clone());
        } else if self.list.len() >= Self::LINEAR {
            let mut set: hashbrown::HashSet<T> = self.list.iter().cloned().collect();
            set.insert(t.clone());
            self.set = Some(set);
        }
        self.list.push(t);
    }
}

pub(super) fn distinct<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in items {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A list of targets (or actors) in one cell: the one name, or the count (`3 users`).
pub fn count_label(items: &[&str], noun: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        many => format!("{} {noun}s", many.len()),
    }
}

/// A count with a comma between each group of three digits, as the workbench's header and
/// the near-miss details print it: `3060` → `3,060`, `999` → `999`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_three_digits_from_the_right() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3060), "3,060");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }
}
