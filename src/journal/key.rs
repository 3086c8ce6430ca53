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
    if key.chars().nth(KEY_SHOWN_WHOLE).is_none() {
        return neutralize(key);
    }
    let end = key
        .char_indices()
        .nth(KEY_SHOWN_CUT)
        .map_or(key.len(), |(i, _)| i);
    Cow::Owned(format!(
        "{}… (cut: a key of {} characters)",
        neutralize(&key[..end]),
        key.chars().count()
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
}
