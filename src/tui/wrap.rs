//! Fitting text to a panel's width (wrapping, and cutting with an ellipsis), the same for drawing
//! and for scrolling: a panel that scrolls must know how many lines it draws.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` cut into lines of at most `width` characters, at the last space that fits (else
/// mid-word); lines after the first go on under the text's own indentation plus two.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let indent = text.chars().take_while(|c| *c == ' ').count() + 2;
    let indent = if indent * 2 > width.max(8) { 2 } else { indent };
    wrap_under(text, width, indent)
}

/// Columns a line wrapped under a column keeps at the least; with fewer, it goes on under
/// two spaces instead.
const MIN_ROOM: usize = 16;

/// `text` cut as [`wrap`] does, with lines after the first under `indent` spaces (a
/// column's start: a key's description in the help); on a panel too narrow for that
/// (fewer than 16 columns left), under two.
pub fn wrap_under(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(8);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return vec![text.to_owned()];
    }
    let indent = if width.saturating_sub(indent) < MIN_ROOM {
        2
    } else {
        indent
    };
    let mut out = Vec::new();
    let mut rest: &[char] = &chars;
    let mut first = true;
    while !rest.is_empty() {
        let room = if first { width } else { width - indent };
        let take = if rest.len() <= room {
            rest.len()
        } else {
            rest[..room]
                .iter()
                .rposition(|c| *c == ' ')
                .filter(|&i| i > room / 3)
                .map_or(room, |i| i + 1)
        };
        let piece: String = rest[..take].iter().collect();
        out.push(if first {
            piece.trim_end().to_owned()
        } else {
            format!("{}{}", " ".repeat(indent), piece.trim())
        });
        rest = &rest[take..];
        first = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn lines_fit_and_nothing_is_lost() {
        let text =
            "    evidence/b.jsonl:4  not valid JSON: key must be a string at line 1 column 60";
        for width in [8, 20, 33, 60, 200] {
            let lines = wrap(text, width);
            assert!(lines.iter().all(|l| l.chars().count() <= width.max(8)));
            let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
            assert_eq!(words.concat(), text.split_whitespace().collect::<String>());
        }
        assert_eq!(wrap("short", 80), ["short"]);
    }
}

/// An actor cut to `width` columns of the terminal. An application is written `name (id)` because its
/// name is chosen by whoever registers it (an app can be named like a user): cutting the end
/// would leave the name alone and the app would read as that user, so the name is cut first
/// and the start of the id kept (`helpdesk.…(e5e5…)`).
pub fn clip_party(actor: &str, width: usize) -> String {
    let len = actor.width();
    let split = actor
        .strip_suffix(')')
        .and_then(|s| s.rfind(" (").map(|at| (&s[..at], &s[at + 2..])));
    match split {
        Some((name, id)) if len > width && width >= 8 && !id.is_empty() => {
            // `(` and `)` take two; the id keeps up to half of the rest, at least its first 4
            // characters and the ellipsis.
            let id_w = id.width().min(((width - 2) / 2).max(5));
            let name_w = width.saturating_sub(id_w + 2);
            format!("{}({})", clip_chars(name, name_w), clip_chars(id, id_w))
        }
        _ => clip_chars(actor, width),
    }
}

/// `text` cut to `width` columns as the terminal draws it (unicode-width, as ratatui
/// measures: a combining mark takes none, a wide letter two), an ellipsis marking the cut.
/// Counted in characters, a name with 30 combining marks left the context line 7 columns
/// short (breaker 13, finding 10).
pub fn clip_chars(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut s = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width.saturating_sub(1) {
            break;
        }
        used += w;
        s.push(c);
    }
    if width > 0 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    #[test]
    fn a_shortened_app_actor_keeps_the_start_of_its_id() {
        let app = "helpdesk.admin@contoso.com (e5e5f0a1-0000-4000-8000-000000000001)";
        let short = clip_party(app, 16);
        assert_eq!(short.chars().count(), 16, "{short}");
        assert!(short.contains("(e5e5"), "the id is cut off: {short}");
        assert!(short.starts_with("helpd"), "{short}");
        // A user (no id in brackets) is cut as before, and what fits is left whole.
        assert_eq!(clip_party("helpdesk.admin@contoso.com", 10), "helpdesk.…");
        assert_eq!(clip_party(app, 200), app);
    }
}

/// One part of a panel's title, for [`fit_title`]. Texts are already neutralised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TitlePart {
    /// Kept (`event 1/10`, `help`): cut with `…` only when nothing else is left to shorten.
    Keep(String),
    /// Dropped whole when the title does not fit, the lowest rank first (a source's kind,
    /// a verdict the table shows, key hints).
    Drop(u8, String),
    /// Where records are (`path:line`, `path:line (byte n)`): their folders are shortened
    /// from the left first (`…/cloudappevents-ah-api.jsonl:31`), then the places after the
    /// first are counted (`+2 copies`: the places are one event's records), then the first one's name is cut from the left, never
    /// its line number.
    Places(Vec<String>),
    /// An identifier after its label (`id`, `e75d…`): whole, or cut with `…` when it cannot
    /// fit, never silently.
    Id(&'static str, String),
    /// Kept, and cut at its end with `…` to no fewer than [`SHORT_LEAST`] characters once
    /// the droppable parts are gone and the places' names are cut to 16 (a related record's
    /// operation, `UserLoggedIn`: what the record is; ux16 #7, it was dropped first).
    Short(String),
}

/// The fewest characters a [`TitlePart::Short`] is cut to (`Update StsR…`, `UserLoggedIn`).
const SHORT_LEAST: usize = 12;

/// Separator between title parts.
const TITLE_SEP: &str = " · ";

/// A panel's title fitted to `width` columns (the panel's width less its two corners), as
/// ` part · part `: whole when it fits; else the places' folders are shortened from the
/// left, then the droppable parts go (lowest rank first), then an id is cut to its first
/// 8 characters, the places after the first are counted and its name is cut from the
/// left, then the id is cut further, and only then the title's end is cut with `…`. A title is never cut without a `…` where it was cut, so that a line number or an id
/// shown is never a shorter, wrong one.
pub fn fit_title(parts: &[TitlePart], width: usize) -> String {
    let mut parts: Vec<TitlePart> = parts.to_vec();
    let len = |parts: &[TitlePart]| title_of(parts).chars().count();
    if len(&parts) <= width {
        return title_of(&parts);
    }
    for p in &mut parts {
        if let TitlePart::Places(places) = p {
            for place in places.iter_mut() {
                *place = without_folder(place);
            }
        }
    }
    while len(&parts) > width {
        let lowest = parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match p {
                TitlePart::Drop(rank, _) => Some((*rank, i)),
                _ => None,
            })
            .min();
        let Some((_, i)) = lowest else { break };
        parts.remove(i);
    }
    // An id keeps its first 8 characters (a GUID's first group) before a place's name is
    // cut, a place its name before the id is cut further.
    cut_ids(&mut parts, width, 9);
    // The other records of the event (copies in other exports) are counted, not named:
    // the first place stays whole.
    if len(&parts) > width {
        for p in &mut parts {
            if let TitlePart::Places(places) = p
                && places.len() > 1
            {
                let more = crate::model::copies::copies_text(places.len() - 1);
                places.truncate(1);
                places.push(more);
            }
        }
    }
    // The name keeps its last 16 characters before the id or a short part is cut further.
    cut_first_place(&mut parts, width, 16);
    cut_short(&mut parts, width);
    cut_ids(&mut parts, width, 5);
    cut_first_place(&mut parts, width, 0);
    clip_chars(&title_of(&parts), width)
}

/// Cuts the first place's name from the left as far as the title is too long, to no fewer
/// than `least` characters, never into its line number.
fn cut_first_place(parts: &mut [TitlePart], width: usize, least: usize) {
    let over = title_of(parts).chars().count().saturating_sub(width);
    if over == 0 {
        return;
    }
    for p in parts.iter_mut() {
        if let TitlePart::Places(places) = p
            && let Some(place) = places.first_mut()
        {
            let n = place.chars().count();
            let keep = n
                .saturating_sub(over)
                .max(least.min(n))
                .max(tail_min(place));
            *place = clip_left(place, keep);
        }
    }
}

/// Cuts the [`TitlePart::Short`] parts at their end (with `…`) as far as the title is too
/// long, to no fewer than [`SHORT_LEAST`] characters.
fn cut_short(parts: &mut [TitlePart], width: usize) {
    for i in 0..parts.len() {
        let over = title_of(parts).chars().count().saturating_sub(width);
        if let TitlePart::Short(text) = &mut parts[i]
            && over > 0
        {
            let n = text.chars().count();
            if n > SHORT_LEAST {
                *text = clip_chars(text, n.saturating_sub(over).max(SHORT_LEAST));
            }
        }
    }
}

/// Cuts the ids (with `…`) as far as the title is too long, to no fewer than `least`
/// characters.
fn cut_ids(parts: &mut [TitlePart], width: usize, least: usize) {
    let over = title_of(parts).chars().count().saturating_sub(width);
    if over == 0 {
        return;
    }
    for p in parts.iter_mut() {
        if let TitlePart::Id(_, id) = p {
            let n = id.chars().count();
            if n > least {
                *id = clip_chars(id, n.saturating_sub(over).max(least));
            }
        }
    }
}

fn title_of(parts: &[TitlePart]) -> String {
    let texts: Vec<String> = parts
        .iter()
        .map(|p| match p {
            TitlePart::Keep(t) | TitlePart::Drop(_, t) | TitlePart::Short(t) => t.clone(),
            TitlePart::Places(places) => places.join(", "),
            TitlePart::Id(label, id) => format!("{label} {id}"),
        })
        .collect();
    format!(" {} ", texts.join(TITLE_SEP))
}

/// `…/name:line` for `folder/name:line` (the folder's separator `/` or `\`).
fn without_folder(place: &str) -> String {
    // The folder ends at the last separator before the line number.
    let name_end = place.rfind(':').unwrap_or(place.len());
    match place[..name_end].rfind(['/', '\\']) {
        Some(at) => format!("…{}", &place[at..]),
        None => place.to_owned(),
    }
}

/// What of a place is never cut: its line number and what follows (`:31`, `:30 (byte 9)`)
/// and the `…` before it.
fn tail_min(place: &str) -> usize {
    place
        .rfind(':')
        .map_or(1, |at| place[at..].chars().count() + 1)
}

/// `text` cut from its start to `width` characters, an ellipsis marking the cut.
pub fn clip_left(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_owned();
    }
    let tail: String = text.chars().skip(n - width.saturating_sub(1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod title_tests {
    use super::*;

    fn drill() -> Vec<TitlePart> {
        vec![
            TitlePart::Keep("event 1/10".into()),
            TitlePart::Places(vec!["assets/samples/cloudappevents-ah-api.jsonl:31".into()]),
            TitlePart::Drop(1, "CloudAppEvents".into()),
            TitlePart::Id("id", "e75d259f-37dd-52f5-9431-d6a70c4deb0f".into()),
            TitlePart::Drop(2, "unreviewed".into()),
        ]
    }

    /// The tester's screens: at 60 columns the title read `…ah-api.jsonl:3` (line 31), at
    /// 100 the id lost its last digit with nothing saying so.
    #[test]
    fn a_cut_title_keeps_the_line_number_and_marks_every_cut() {
        for width in [20, 40, 58, 78, 98, 158, 300] {
            let t = fit_title(&drill(), width);
            assert!(t.chars().count() <= width, "{width}: {t}");
            if width >= 40 {
                assert!(t.contains(".jsonl:31 "), "{width}: {t}");
                assert!(t.contains("event 1/10"), "{width}: {t}");
            }
            if width >= 78 {
                assert!(
                    t.contains("/cloudappevents-ah-api.jsonl:31 "),
                    "{width}: {t}"
                );
            }
            // An id shown is whole or ends with `…`.
            let id = t
                .split("id ")
                .nth(1)
                .map(|s| s.split(' ').next().unwrap_or(""));
            if let Some(id) = id {
                assert!(
                    id == "e75d259f-37dd-52f5-9431-d6a70c4deb0f" || id.ends_with('…'),
                    "{width}: {t}"
                );
            }
        }
        assert_eq!(
            fit_title(&drill(), 300),
            " event 1/10 · assets/samples/cloudappevents-ah-api.jsonl:31 · CloudAppEvents · id e75d259f-37dd-52f5-9431-d6a70c4deb0f · unreviewed "
        );
        assert_eq!(
            fit_title(&[TitlePart::Keep("help · Esc closes".into())], 10),
            " help · E…"
        );
    }
}

/// A related record's title at 60 columns dropped its operation (ux16 #7): it stays, cut
/// at its end once the place is cut to its name's end.
#[test]
fn a_short_part_stays_and_is_cut_after_the_place() {
    let title = |op: &str, width| {
        fit_title(
            &[
                TitlePart::Keep("related -00:07:35".into()),
                TitlePart::Short(op.into()),
                TitlePart::Places(vec![
                    "/tmp/ux16/samples/cloudappevents-ah-api.jsonl:30 (byte 61301)".into(),
                ]),
                TitlePart::Drop(1, "Esc: back to the event".into()),
            ],
            width,
        )
    };
    assert_eq!(
        title("UserLoggedIn", 58),
        " related -00:07:35 · UserLoggedIn · …sonl:30 (byte 61301) "
    );
    let long = title("Update StsRefreshTokenValidFrom Timestamp.", 58);
    assert!(long.contains(" · Update StsR"), "{long}");
    assert!(long.contains(":30 (byte 61301) "), "{long}");
    assert!(long.chars().count() <= 58, "{long}");
}

/// A title of one part fitted to a panel `panel_width` columns wide (its corners left out):
/// the title as [`fit_title`] cuts a [`TitlePart::Keep`].
pub fn fit_plain_title(title: &str, panel_width: u16) -> String {
    fit_title(
        &[TitlePart::Keep(title.trim().to_owned())],
        usize::from(panel_width.saturating_sub(2)),
    )
}
