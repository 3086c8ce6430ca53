//! Strings from events are written by attackers. Before any of them reaches a terminal,
//! the clipboard or an export, control characters and bidi controls are replaced by a
//! visible escape, so the evidence stays readable and nothing is interpreted.

use std::borrow::Cow;

/// True for a character that must never be written raw: C0 controls, DEL, C1 controls,
/// and the bidi embeddings, overrides, isolates and marks.
pub fn is_dangerous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// True when the text holds any character that [`neutralize`] would escape: a sign of
/// tampering the workbench shows as a flag.
pub fn has_dangerous(text: &str) -> bool {
    text.chars().any(is_dangerous)
}

/// The text with every dangerous character shown as an escape: `\x1b`, `\n`, `\u{202e}`.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if !has_dangerous(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_dangerous(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// A CSV cell that a spreadsheet would read as a formula (`= + - @`, tab, CR) gets a
/// leading apostrophe so it shows as text; the value is neutralised first.
pub fn csv_cell(text: &str) -> String {
    let safe = neutralize(text);
    match safe.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{safe}"),
        _ => safe.into_owned(),
    }
}

/// A Markdown table cell: neutralised, with `|` and backticks escaped so a value cannot
/// break out of its cell.
pub fn markdown_cell(text: &str) -> String {
    let safe = neutralize(text);
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '*' | '_' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_visible_and_nothing_raw_remains() {
        let evil = "a\u{1b}]52;c;SGVsbG8=\u{7}b\u{202e}gpj.exe\u{9b}31m";
        let safe = neutralize(evil);
        assert_eq!(safe, "a\\x1b]52;c;SGVsbG8=\\x07b\\u{202e}gpj.exe\\x9b31m");
        assert!(!has_dangerous(&safe));
        assert!(matches!(neutralize("plain ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn spreadsheet_and_markdown_guards() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("admin@x"), "admin@x");
        assert_eq!(markdown_cell("a|b`c"), "a\\|b\\`c");
    }
}
