//! A journal key as shown: a key is `row:` and 64 hex digits or `event:<id>` (an id of a few
//! dozen characters, `#<content>` when others share it), but a line added by hand may hold
//! any text, 100,000 characters of it (breaker 16 #8): shown whole, one key filled the
//! report's header, `report`'s stderr and the workbench's problems view.

use std::borrow::Cow;

use crate::neutralize::neutralize;

/// Keys of up to this many characters are shown whole (every key sts-triage writes).
pub const KEY_SHOWN_WHOLE: usize = 120;

/// How many characters of a longer key are shown, before its length.
const KEY_SHOWN_CUT: usize = 80;

/// `key` neutralised, cut after [`KEY_SHOWN_CUT`] characters when it has more than
/// [`KEY_SHOWN_WHOLE`], with its length said: `row:AAAA… (cut: a key of 100013 characters)`.
/// What the report, `report`'s stderr and the workbench show of a journal key.
pub fn shown_key(key: &str) -> Cow<'_, str> {
    cut(key, KEY_SHOWN_WHOLE, KEY_SHOWN_CUT, "key")
}

/// Analyst names of up to this many characters are shown whole (a name, an email address).
pub const ANALYST_SHOWN_WHOLE: usize = 48;

/// How many characters of a longer analyst name are shown, before its length.
const ANALYST_SHOWN_CUT: usize = 32;

/// An entry's analyst as the workbench names them in a sentence: `another analyst` when the
/// entry names none, else neutralised and, past [`ANALYST_SHOWN_WHOLE`] characters, cut with
/// its length as keys are ([`shown_key`]). Breaker 17 #9: a 100,000-character name filled
/// the status line, and the message it belonged to could not be seen.
pub fn shown_analyst(analyst: &str) -> String {
    if analyst.trim().is_empty() {
        return "another analyst".to_owned();
    }
    cut(analyst, ANALYST_SHOWN_WHOLE, ANALYST_SHOWN_CUT, "name").into_owned()
}

/// `text` neutralised, cut after `cut_at` characters when it has more than `whole`, with
/// its length said (`… (cut: a <noun> of N characters)`).
fn cut<'a>(text: &'a str, whole: usize, cut_at: usize, noun: &str) -> Cow<'a, str> {
    if text.chars().nth(whole).is_none() {
        return neutralize(text);
    }
    let end = text
        .char_indices()
        .nth(cut_at)
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!(
        "{}… (cut: a {noun} of {} characters)",
        neutralize(&text[..end]),
        text.chars().count()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_sts_triage_writes_is_shown_whole_a_longer_one_cut_with_its_length() {
        let row = format!("row:{}", "ab".repeat(32));
        assert_eq!(shown_key(&row), row);
        let long = format!("row:\u{1b}]0;PWN\u{7}\u{202e}{}", "A".repeat(100_000));
        let shown = shown_key(&long);
        assert!(
            shown.starts_with("row:\\x1b]0;PWN\\x07\\u{202e}AAAA"),
            "{shown}"
        );
        assert!(
            shown.ends_with("A… (cut: a key of 100013 characters)"),
            "{shown}"
        );
        assert!(shown.len() < 200, "{}", shown.len());
    }

    #[test]
    fn a_long_analyst_name_is_cut_with_its_length_a_usual_one_shown_whole() {
        assert_eq!(
            shown_analyst("alice@contoso.example"),
            "alice@contoso.example"
        );
        assert_eq!(shown_analyst("  "), "another analyst");
        let long = format!("\u{1b}]0;T\u{7}\u{202e}{}", "M".repeat(100_000));
        let shown = shown_analyst(&long);
        assert!(shown.starts_with("\\x1b]0;T\\x07\\u{202e}MMM"), "{shown}");
        assert!(
            shown.ends_with("M… (cut: a name of 100007 characters)"),
            "{shown}"
        );
        assert!(shown.len() < 100, "{}", shown.len());
    }
}
