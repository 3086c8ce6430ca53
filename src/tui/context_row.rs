//! One line of the context panel's timeline as text: offset, why, and the record's
//! operation by actor → target fitted to the panel's width, the least meaningful parts cut
//! first.

use unicode_width::UnicodeWidthStr;

use crate::tui::wrap::{clip_chars, clip_party};

/// The text of one timeline row: offset, why (`C`/`T`/`A` or `·`), and the record's
/// operation, actor and target — all neutralised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowText {
    pub offset: String,
    pub why: String,
    pub what: String,
    /// A record's operation, actor and target apart (neutralised), for
    /// [`RowText::what_within`]; None for the lines that are no record.
    pub parts: Option<[String; 3]>,
    /// Said after the record, kept whole however narrow the panel: where a folded record
    /// was seen (`(3 sources)`, `(4 records)`); empty for the others.
    pub fold: String,
}

impl RowText {
    /// `what` within `width` columns of the terminal: the operation's start and the target's first (the
    /// target is what the analyst reads a related record for: at 80 columns `→ target` was
    /// cut off the end of every line), the actor where room is left ([`Self::record_within`]).
    /// A fold's words give way before the record's least parts do (`▸(17)` for `▸(17
    /// sources)`: the foot line says it whole for the row under the cursor): at 160
    /// columns `(17 sources)` was whole beside `Reset user …` (newbie16 #5).
    pub fn what_within(&self, width: usize) -> String {
        if self.fold.is_empty() {
            return self.record_within(width);
        }
        let short = short_fold(&self.fold);
        let fold = if self.record_least() + self.fold.width() < width {
            &self.fold
        } else {
            &short
        };
        let record = self.record_within(width.saturating_sub(fold.width() + 1));
        clip_chars(&format!("{record} {fold}"), width)
    }

    /// The columns the record's parts keep at the least ([`Self::record_within`]), the
    /// actor's included.
    fn record_least(&self) -> usize {
        let Some([op, actor, target]) = &self.parts else {
            return self.what.width().min(OP_KEPT);
        };
        let part = |s: &str, sep: usize, least: usize| match s.width() {
            0 => 0,
            w => sep + w.min(least),
        };
        op.width().min(OP_KEPT) + part(actor, 4, 8) + part(target, 3, 8)
    }

    /// [`Self::what_within`] without the fold's words.
    fn record_within(&self, width: usize) -> String {
        let Some([op, actor, target]) = &self.parts else {
            return clip_chars(&self.what, width);
        };
        if self.what.width() <= width {
            return self.what.clone();
        }
        // Columns as the terminal draws them (a combining mark takes none).
        let len = |s: &str| s.width();
        let by = if actor.is_empty() { 0 } else { 4 };
        let to = if target.is_empty() { 0 } else { 3 };
        // The operation keeps its first 24 characters (`Reset user password.` whole, a
        // reset told from an update or a sign-in: at 60 columns it was cut to `U…`, at
        // 12 to `Reset user …`), the target its first 8;
        // the actor its first 8 where there is room for them, else it gives way (the why
        // code says when it is the event's own actor, `A`). What is left goes to the
        // target (up to half the line), the actor (up to 10), the operation (a sign-in's
        // names its resource), then the actor's rest and the target's.
        let op_min = len(op).min(OP_KEPT);
        let target_min = len(target).min(8);
        let actor_min = len(actor).min(8);
        let shown = op_min + to + target_min;
        let with_actor = !actor.is_empty() && shown + by + actor_min <= width;
        let (by, actor_min) = if with_actor { (by, actor_min) } else { (0, 0) };
        let mut extra = width.saturating_sub(shown + by + actor_min);
        let mut grow = |w: usize, full: usize| {
            let add = full.saturating_sub(w).min(extra);
            extra -= add;
            w + add
        };
        let target_w = grow(target_min, len(target).min(width / 2));
        let actor_w = if with_actor {
            grow(actor_min, len(actor).min(10))
        } else {
            0
        };
        let op_w = grow(op_min, len(op));
        let actor_w = if with_actor {
            grow(actor_w, len(actor))
        } else {
            0
        };
        let target_w = grow(target_w, len(target));
        let mut s = clip_chars(op, op_w);
        if with_actor {
            s.push_str(" by ");
            s.push_str(&clip_party(actor, actor_w));
        }
        if !target.is_empty() {
            s.push_str(" → ");
            s.push_str(&clip_chars(target, target_w));
        }
        clip_chars(&s, width)
    }
}

/// The columns of a record's operation kept however narrow the panel ([`RowText`]).
const OP_KEPT: usize = 24;

/// A fold's words with the count alone (`▸(17 sources)` → `▸(17)`, `⚠ conflict ▸(4
/// records, 2 files)` → `⚠ conflict ▸(4)`).
fn short_fold(fold: &str) -> String {
    match fold.rfind('(') {
        Some(at) if fold.ends_with(')') => {
            let count: String = fold[at + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            format!("{}({count})", &fold[..at])
        }
        _ => fold.to_owned(),
    }
}
