//! Fitting a line of parts to the screen's width by priority, so that a narrow terminal
//! loses whole low-priority parts (or their longer wording) instead of showing a word cut
//! in half at the right edge (`near misse`, `Ent`).

use ratatui::text::{Line, Span};

/// One part of a line: its wordings, longest first (each a run of styled spans), the
/// separator drawn before it when another part precedes it, and its priority (higher
/// stays longer; [`Part::KEEP`] is never dropped).
pub(super) struct Part {
    pub forms: Vec<Vec<Span<'static>>>,
    pub sep: &'static str,
    pub priority: u8,
    /// The level at which it takes its shorter wordings, when earlier than `priority`
    /// ([`Part::shrinking_at`]).
    shrink: Option<u8>,
}

impl Part {
    /// A part that is never dropped (it may still take a shorter wording).
    pub const KEEP: u8 = u8::MAX;

    pub fn new(priority: u8, sep: &'static str, forms: Vec<Vec<Span<'static>>>) -> Self {
        debug_assert!(!forms.is_empty(), "a part needs at least one wording");
        Self {
            forms,
            sep,
            priority,
            shrink: None,
        }
    }

    /// The part takes its shorter wordings at `level`, before the parts of higher levels
    /// are dropped (a part that must stay, in its short wording, so that other facts fit
    /// beside it on a narrow screen); it is dropped at its own priority.
    pub fn shrinking_at(mut self, level: u8) -> Self {
        self.shrink = Some(level);
        self
    }

    fn shrink_level(&self) -> u8 {
        self.shrink.unwrap_or(self.priority)
    }
}

fn width_of(spans: &[Span]) -> usize {
    spans.iter().map(Span::width).sum()
}

/// Columns a text takes on the terminal (wide characters count two).
fn cols(text: &str) -> usize {
    Span::raw(text).width()
}

/// Lays `parts` out in order within `width` columns. While the line is too wide, the
/// lowest priority present gives way: first its parts take their shorter wordings, and
/// when none has one left, its rightmost part is dropped. Parts
/// marked [`Part::KEEP`] are never dropped; if they alone are wider, the line is cut.
/// Last, a dropped part that fits again beside what is left is put back.
pub(super) fn fit(parts: Vec<Part>, width: usize) -> Line<'static> {
    let (line, _) = fit_counted(parts, width);
    line
}

/// [`fit`], also telling whether everything was shown in its longest wording.
pub(super) fn fit_counted(parts: Vec<Part>, width: usize) -> (Line<'static>, bool) {
    let mut form = vec![0usize; parts.len()];
    let mut kept = vec![true; parts.len()];
    let total = |form: &[usize], kept: &[bool]| {
        let mut sum = 0;
        let mut first = true;
        for (i, p) in parts.iter().enumerate() {
            if !kept[i] {
                continue;
            }
            if !first {
                sum += cols(p.sep);
            }
            first = false;
            sum += width_of(&p.forms[form[i]]);
        }
        sum
    };
    let mut levels: Vec<u8> = parts
        .iter()
        .flat_map(|p| [p.priority, p.shrink_level()])
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut whole = true;
    'shrink: while total(&form, &kept) > width {
        whole = false;
        for &level in &levels {
            let at_level = |i: &usize| kept[*i] && parts[*i].priority == level;
            // All parts of a level take their next wording together, so that like hints
            // read alike (`1 susp 2 legit`, not `1 suspicious 2 legit`).
            let shorter: Vec<usize> = (0..parts.len())
                .filter(|i| kept[*i] && parts[*i].shrink_level() == level)
                .filter(|&i| form[i] + 1 < parts[i].forms.len())
                .collect();
            if !shorter.is_empty() {
                for i in shorter {
                    form[i] += 1;
                }
                continue 'shrink;
            }
            if level != Part::KEEP
                && let Some(i) = (0..parts.len()).rev().find(at_level)
            {
                kept[i] = false;
                continue 'shrink;
            }
        }
        break;
    }
    // A part dropped early may fit again once others have gone (the name of the tool
    // beside a shortened line): put back, highest priority first, whatever still fits.
    let mut dropped: Vec<usize> = (0..parts.len()).filter(|&i| !kept[i]).collect();
    dropped.sort_by_key(|&i| std::cmp::Reverse(parts[i].priority));
    for i in dropped {
        kept[i] = true;
        if total(&form, &kept) > width {
            kept[i] = false;
        }
    }
    // Then parts shortened early may fit whole again: the longer wordings back, a level
    // at a time (its parts together, as they were shortened), highest first, where they
    // still fit.
    for &level in levels.iter().rev() {
        loop {
            let longer: Vec<usize> = (0..parts.len())
                .filter(|&i| kept[i] && parts[i].shrink_level() == level && form[i] > 0)
                .collect();
            if longer.is_empty() {
                break;
            }
            let mut tried = form.clone();
            for &i in &longer {
                tried[i] -= 1;
            }
            if total(&tried, &kept) > width {
                break;
            }
            form = tried;
        }
    }
    let mut spans = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if !kept[i] {
            continue;
        }
        if !spans.is_empty() {
            spans.push(Span::raw(p.sep));
        }
        spans.extend(p.forms.into_iter().nth(form[i]).unwrap_or_default());
    }
    (Line::from(spans), whole)
}

/// A status message within `width` columns: as it is when it fits; else each path in it
/// (a word holding `/` or `\`) keeps only its last two components behind `…`, the file
/// name the analyst recognises; else it is cut after the last whole word that fits, with `…`,
/// or inside the next word when that leaves its first letters room ([`MIN_WORD_START`]): a
/// long actor's UPN is named by its start (`allan.deyou…`), never dropped for a bare `·…`.
pub(super) fn shorten_status(status: &str, width: usize) -> String {
    if cols(status) <= width {
        return status.to_owned();
    }
    let shortened: Vec<String> = status
        .split(' ')
        .map(|word| {
            // A Windows path starts with its drive or `\\server`; other backslashes are
            // the escapes of neutralised text (`evil\x1b]0;`), never cut as a path.
            let windows = word.get(1..3) == Some(":\\") || word.starts_with("\\\\");
            let sep = if word.contains('/') || !windows {
                '/'
            } else {
                '\\'
            };
            let parts: Vec<&str> = word.split(sep).collect();
            if parts.len() > 3 {
                format!(
                    "…{sep}{}{sep}{}",
                    parts[parts.len() - 2],
                    parts[parts.len() - 1]
                )
            } else {
                word.to_owned()
            }
        })
        .collect();
    let joined = shortened.join(" ");
    if cols(&joined) <= width {
        return joined;
    }
    let mut out = String::new();
    for word in &shortened {
        let next = if out.is_empty() {
            word.clone()
        } else {
            format!("{out} {word}")
        };
        if cols(&next) + 1 > width {
            let room = width.saturating_sub(cols(&out) + usize::from(!out.is_empty()) + 1);
            if room >= MIN_WORD_START && !out.is_empty() {
                out.push(' ');
                out.push_str(&start_within(word, room));
            }
            break;
        }
        out = next;
    }
    if out.is_empty() {
        // One word longer than the line: its start, so something is said.
        out = joined.chars().take(width.saturating_sub(1)).collect();
    }
    out.push('…');
    out
}

/// The fewest columns of a word worth showing before `…` when a status is cut inside it.
const MIN_WORD_START: usize = 6;

/// The start of `word` within `room` columns, a wide character never split.
fn start_within(word: &str, room: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in word.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn shorter_wordings_then_lowest_priority_parts_go_first() {
        let parts = || {
            vec![
                Part::new(Part::KEEP, "", vec![vec![Span::raw("? help")]]),
                Part::new(
                    5,
                    " · ",
                    vec![
                        vec![Span::raw("near misses 11")],
                        vec![Span::raw("near 11")],
                    ],
                ),
                Part::new(1, " · ", vec![vec![Span::raw("records 179")]]),
            ]
        };
        assert_eq!(
            words(&fit(parts(), 100)),
            "? help · near misses 11 · records 179"
        );
        // The lowest priority goes whole before a higher one takes its shorter wording.
        assert_eq!(words(&fit(parts(), 30)), "? help · near misses 11");
        assert_eq!(words(&fit(parts(), 16)), "? help · near 11");
        assert_eq!(words(&fit(parts(), 7)), "? help");
    }

    #[test]
    fn a_part_shrinking_early_makes_room_before_others_are_dropped() {
        let parts = || {
            vec![
                Part::new(
                    Part::KEEP,
                    "",
                    vec![
                        vec![Span::raw("reviewed 0/36 · suspicious 0")],
                        vec![Span::raw("reviewed 0/36 · susp 0")],
                    ],
                )
                .shrinking_at(3),
                Part::new(6, " · ", vec![vec![Span::raw("near misses 11")]]),
                Part::new(4, " · ", vec![vec![Span::raw("records 465")]]),
            ]
        };
        assert_eq!(
            words(&fit(parts(), 100)),
            "reviewed 0/36 · suspicious 0 · near misses 11 · records 465"
        );
        assert_eq!(
            words(&fit(parts(), 53)),
            "reviewed 0/36 · susp 0 · near misses 11 · records 465"
        );
        assert_eq!(
            words(&fit(parts(), 40)),
            "reviewed 0/36 · susp 0 · near misses 11"
        );
    }

    #[test]
    fn a_long_status_keeps_the_file_name_then_whole_words() {
        let s = "journal /work/cases/acme/samples.sts-triage.jsonl (created at the first decision)";
        assert_eq!(shorten_status(s, 200), s);
        assert_eq!(
            shorten_status(s, 75),
            "journal …/acme/samples.sts-triage.jsonl (created at the first decision)"
        );
        assert_eq!(
            shorten_status(s, 50),
            "journal …/acme/samples.sts-triage.jsonl (created…"
        );
    }

    /// An undo on a row the filter hides, at 80 columns: the actor's UPN, one long word,
    /// is named by its start, not dropped (it said `… 2025-10-10 11:00:05 ·…`).
    #[test]
    fn a_long_word_that_does_not_fit_keeps_its_start() {
        let s = "undone: suspicious on 1 row, hidden by the filter: 2025-10-10 11:00:05 · \
                 allan.deyoung@contoso.onmicrosoft.com (back to unreviewed: no decision)";
        assert_eq!(
            shorten_status(s, 80),
            "undone: suspicious on 1 row, hidden by the filter: 2025-10-10 11:00:05 · allan.…"
        );
        assert_eq!(
            shorten_status(s, 90),
            "undone: suspicious on 1 row, hidden by the filter: 2025-10-10 11:00:05 · allan.deyoung@co…"
        );
    }
}
