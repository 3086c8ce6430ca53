//! Fitting text to a panel's width (wrapping, and cutting with an ellipsis), the same for drawing
//! and for scrolling: a panel that scrolls must know how many lines it draws.

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

/// An actor cut to `width` characters. An application is written `name (id)` because its
/// name is chosen by whoever registers it (an app can be named like a user): cutting the end
/// would leave the name alone and the app would read as that user, so the name is cut first
/// and the start of the id kept (`helpdesk.…(e5e5…)`).
pub fn clip_party(actor: &str, width: usize) -> String {
    let len = actor.chars().count();
    let split = actor
        .strip_suffix(')')
        .and_then(|s| s.rfind(" (").map(|at| (&s[..at], &s[at + 2..])));
    match split {
        Some((name, id)) if len > width && width >= 8 && !id.is_empty() => {
            // `(` and `)` take two; the id keeps up to half of the rest, at least its first 4
            // characters and the ellipsis.
            let id_w = id.chars().count().min(((width - 2) / 2).max(5));
            let name_w = width.saturating_sub(id_w + 2);
            format!("{}({})", clip_chars(name, name_w), clip_chars(id, id_w))
        }
        _ => clip_chars(actor, width),
    }
}

/// `text` cut to `width` characters, an ellipsis marking the cut.
pub fn clip_chars(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
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
