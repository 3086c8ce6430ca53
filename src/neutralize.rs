//! Strings from events are written by attackers. Before any of them reaches a terminal,
//! the clipboard or an export, control characters, bidi controls and invisible characters
//! are replaced by a visible escape, so the evidence stays readable and nothing is
//! interpreted or hidden (`adm\u{200b}in` never looks like `admin`), and a run of combining
//! marks longer than [`MAX_MARKS`] is shown as one counted escape, so a display name of a
//! million marks (which take no screen column) costs a few bytes, not megabytes a redraw.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_general_category::{GeneralCategory, get_general_category};

/// The most combining marks kept on one character: the rest of the run is shown as one
/// escape, `\u{301}×999996` (the first hidden mark, `…` when the others differ from it, and
/// how many were hidden). Four, the `lookalike` hint's own limit of marks on one letter
/// (`src/lookalike.rs`): text in any script, Vietnamese or Tibetan stacks included, needs
/// fewer.
pub const MAX_MARKS: usize = 4;

/// True for a character that must never be written raw: C0 controls, DEL, C1 controls,
/// the bidi embeddings, overrides, isolates and marks, the invisible characters of
/// [`is_invisible`], the look-alike spaces of [`is_lookalike_space`], and whatever Unicode
/// 16's general categories say shows nothing or nothing known: every format character
/// (Cf), private-use (Co) and unassigned (Cn) code point, line and paragraph separator.
pub fn is_dangerous(c: char) -> bool {
    let u = c as u32;
    if u < 0xa0 {
        return !(0x20..0x7f).contains(&u);
    }
    matches!(c,
        '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || is_invisible(c)
        || is_lookalike_space(c)
        || matches!(
            get_general_category(c),
            GeneralCategory::Format
                | GeneralCategory::PrivateUse
                | GeneralCategory::Unassigned
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
                | GeneralCategory::SpaceSeparator
                | GeneralCategory::Control
                | GeneralCategory::Surrogate
        )
}

/// True for a combining mark drawn on the character before it, taking no column of its
/// own: Unicode's nonspacing (Mn) and enclosing (Me) marks. Runs of them are cut at
/// [`MAX_MARKS`] by [`neutralize`].
pub fn is_zero_width_mark(c: char) -> bool {
    (c as u32) >= 0x300
        && matches!(
            get_general_category(c),
            GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
        )
}

/// True for a character drawn as a blank that is not the space U+0020, so that
/// `Contoso\u{a0}Admin` would look like `Contoso Admin`: the no-break spaces (U+00A0,
/// U+202F), the Ogham space mark U+1680, the typographic spaces U+2000..U+200A (U+2007 the
/// figure space among them), the medium mathematical space U+205F, the ideographic space
/// U+3000 and the blank Braille pattern U+2800. Source: Unicode's Zs category and UTS #39's
/// confusables of U+0020.
pub fn is_lookalike_space(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{2800}' | '\u{3000}'
    )
}

/// True for a character that shows nothing (or only a space, or a box standing for
/// nothing) yet changes a string: the zero-width space, non-joiner and joiner
/// (U+200B..U+200D), the word joiner and invisible operators (U+2060..U+2064), U+FEFF (a
/// byte order mark inside text), the tag characters (U+E0000..U+E007F), the variation
/// selectors (U+FE00..U+FE0F, U+E0100..U+E01EF: they change nothing or only a glyph's
/// style, so `admin` and `admin\u{fe0f}` look the same) and the rest of the default
/// ignorable blocks (U+FFF0..U+FFF8, up to U+E0FFF), the line and paragraph separators
/// (U+2028, U+2029), the other format characters of Unicode's category Cf (soft hyphen,
/// Arabic and Syriac marks, interlinear annotation, deprecated format controls, musical and
/// hieroglyph format controls, shorthand format controls; [`is_dangerous`] takes the whole
/// category from Unicode's tables too), the combining grapheme joiner, the Hangul fillers and
/// the Khitan small script filler (U+16FE4) that render as blanks, the object replacement
/// character U+FFFC (a stand-in for an embedded object that is not there) and the musical
/// null notehead U+1D159 (a blank glyph). Source: Unicode's General_Category=Cf list, its
/// Default_Ignorable_Code_Point property and UTS #39 (confusables); the bidi controls are in
/// [`is_dangerous`] itself.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}'
        | '\u{34f}'
        | '\u{600}'..='\u{605}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{890}'..='\u{891}'
        | '\u{8e2}'
        | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200d}'
        | '\u{2028}'..='\u{2029}'
        | '\u{2060}'..='\u{2065}'
        | '\u{206a}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff9}'..='\u{fffc}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}'
        | '\u{16fe4}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d159}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{fff0}'..='\u{fff8}'
        | '\u{e0000}'..='\u{e0fff}')
}

/// Appends the JSON escape of one character: `\uXXXX`, or a surrogate pair for a
/// character beyond U+FFFF (a tag character), as RFC 8259 section 7 requires.
pub fn push_json_escape(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for u in c.encode_utf16(&mut units) {
        let _ = write!(out, "\\u{u:04x}");
    }
}

/// True when the text holds any character that [`neutralize`] would escape, or a run of
/// more than [`MAX_MARKS`] combining marks (one at the very start counts as such a run: it
/// has no character of the text to sit on): a sign of tampering the workbench shows as a
/// flag.
pub fn has_dangerous(text: &str) -> bool {
    if text.is_ascii() {
        return text.bytes().any(|b| b < 0x20 || b == 0x7f);
    }
    dangerous_in(text, true)
}

/// [`has_dangerous`] for the characters beyond ASCII of a record's raw text (whose ASCII
/// controls are JSON's white space or already counted as raw controls inside strings): a
/// character the neutraliser escapes, or a flood of combining marks, written as it is.
pub fn has_dangerous_beyond_ascii(text: &str) -> bool {
    !text.is_ascii() && dangerous_in(text, false)
}

fn dangerous_in(text: &str, ascii: bool) -> bool {
    let mut marks = MAX_MARKS;
    for c in text.chars() {
        if c.is_ascii() && !ascii {
            marks = 0;
            continue;
        }
        if is_dangerous(c) {
            return true;
        }
        if is_zero_width_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                return true;
            }
        } else {
            marks = 0;
        }
    }
    false
}

/// The text with every dangerous character shown as an escape (`\x1b`, `\n`,
/// `\u{202e}`) and every run of combining marks past [`MAX_MARKS`] on one character shown
/// as one counted escape: `Admiń́́́` then `\u{301}×999996` (U+0301 and 999,995 more marks
/// of that run hidden), `\u{301}…×7` when the hidden marks are not all the first's.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if !has_dangerous(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(1 << 16) + 8);
    // Marks kept on the current character; at the start there is none to carry them.
    let mut marks = MAX_MARKS;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let is_mark = is_zero_width_mark(c) && !is_dangerous(c);
        if is_mark && marks < MAX_MARKS {
            marks += 1;
            out.push(c);
            continue;
        }
        if is_mark {
            let (mut hidden, mut same) = (1usize, true);
            while let Some(&d) = chars.peek() {
                if !is_zero_width_mark(d) || is_dangerous(d) {
                    break;
                }
                same &= d == c;
                hidden += 1;
                chars.next();
            }
            let more = if same { "" } else { "…" };
            let _ = write!(out, "\\u{{{:x}}}{more}×{hidden}", c as u32);
            marks = 0;
            continue;
        }
        marks = 0;
        if !is_dangerous(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// A file name (or `file:line`) as shown: [`neutralize`]d, and never the same as another
/// name's. A name with a real ESC shows `ev\x1b.jsonl`; so would a name holding the four
/// characters `\x1b` as text. So in a name a run of backslashes that reads as the start of an
/// escape (before `x` and two hex digits, `u{`, or a character shown escaped) is doubled,
/// and the control characters are all shown `\xNN` (never `\n`): `ev\\x1b.jsonl` is the
/// text, `ev\x1b.jsonl` the ESC. Read back, a run of n backslashes before an escape's body
/// is n/2 backslashes when n is even and (n-1)/2 and an escape when odd; elsewhere every
/// backslash is itself. A Windows path (`C:\Users\new\temp`, `\\server\share`) shows as it is.
pub fn name(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') && !has_dangerous(text) {
        return Cow::Borrowed(text);
    }
    let escape_like = |after: &str| {
        let b = after.as_bytes();
        // A mark right after a backslash has no character to carry it: shown escaped.
        after
            .chars()
            .next()
            .is_some_and(|c| is_dangerous(c) || is_zero_width_mark(c))
            || after.starts_with("u{")
            || (b.len() >= 3
                && b[0] == b'x'
                && b[1].is_ascii_hexdigit()
                && b[2].is_ascii_hexdigit())
    };
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest.len() - rest.trim_start_matches('\\').len();
        if run > 0 {
            let after = &rest[run..];
            let shown = if escape_like(after) { run * 2 } else { run };
            out.extend(std::iter::repeat_n('\\', shown));
            rest = after;
            continue;
        }
        let end = rest.find('\\').unwrap_or(rest.len());
        let safe = neutralize(&rest[..end]);
        // Every backslash of `safe` starts an escape: `\n` `\r` `\t` read as `\x0a`... so
        // that `\n` in a Windows path (`C:\new`) never needs doubling.
        out.push_str(
            &safe
                .replace("\\n", "\\x0a")
                .replace("\\r", "\\x0d")
                .replace("\\t", "\\x09"),
        );
        rest = &rest[end..];
    }
    Cow::Owned(out)
}

/// The characters a spreadsheet may take as its list separator: the comma, the semicolon
/// (Excel and LibreOffice in locales whose decimal separator is a comma) and the tab.
pub const CSV_SEPARATORS: [char; 3] = [',', ';', '\t'];

/// True for a character that starts a formula in a spreadsheet cell: `= + - @` (Excel,
/// LibreOffice, Google Sheets; OWASP's CSV injection list), their full-width forms (which
/// East Asian input methods type and some spreadsheets accept), and tab and CR.
fn starts_formula(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\u{ff1d}' | '\u{ff0b}' | '\u{ff0d}' | '\u{ff20}' | '\t' | '\r'
    )
}

/// A CSV cell's text, neutralised and guarded against formula injection in every locale:
/// a formula character at the start of the cell, or at the start of any part a spreadsheet
/// could split off at a separator (`,` `;` tab), white space before it included, gets a
/// leading apostrophe so it shows as text: `=1+1` → `'=1+1`, `x;=cmd` → `x;'=cmd`,
/// ` =1` → `' =1`. Quoting is the writer's ([`csv_field`]).
pub fn csv_cell(text: &str) -> String {
    let safe = neutralize(text);
    let mut out = String::with_capacity(safe.len() + 2);
    let mut segment_start = true;
    let chars: Vec<char> = safe.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if segment_start {
            // The first character of a part that is not white space decides.
            let first = chars[i..]
                .iter()
                .copied()
                .find(|&x| !(x.is_whitespace() && x != '\t' && x != '\r'));
            if first.is_some_and(starts_formula) {
                out.push('\'');
            }
            segment_start = false;
        }
        out.push(c);
        if CSV_SEPARATORS.contains(&c) {
            segment_start = true;
        }
    }
    out
}

/// One field as written in a CSV line: quoted (RFC 4180, `"` doubled) when it holds a
/// separator a spreadsheet may use (`,` `;` tab), a quote, a line break, or white space at
/// either end; as it is otherwise.
pub fn csv_field(text: &str) -> Cow<'_, str> {
    let needs = text
        .chars()
        .any(|c| CSV_SEPARATORS.contains(&c) || matches!(c, '"' | '\n' | '\r'))
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    if needs {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// Writes one CSV line: the fields through [`csv_field`], joined by commas, ended by `\n`.
pub fn write_csv_line<S: AsRef<str>>(
    out: &mut dyn std::io::Write,
    fields: impl IntoIterator<Item = S>,
) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&csv_field(f.as_ref()));
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// Event text for a Markdown table cell: a code span (see [`markdown_code`]) whose `|` are
/// written `\|`, the one escape GFM tables read even inside a code span, so that no value
/// breaks out of its cell.
pub fn markdown_cell(text: &str) -> String {
    markdown_code(text, true)
}

/// Event text for Markdown outside a table (a list item): a code span, see
/// [`markdown_code`].
pub fn markdown_inline(text: &str) -> String {
    markdown_code(text, false)
}

/// Event text as a Markdown code span (CommonMark 0.31, section 6.1): neutralised, then put
/// between backtick fences one longer than its longest run of backticks (with a space
/// inside each fence when the value starts or ends with a backtick or a space; the renderer
/// removes it, so the value stays exact). Inside a code span nothing is Markdown: no emphasis, link,
/// image, raw HTML, entity, backslash escape or autolink (not even GFM's bare-URL ones),
/// so the rendered text is the neutralised value itself. Empty text gives an empty string.
pub fn markdown_code(text: &str, in_table: bool) -> String {
    let mut out = String::new();
    push_markdown_code(&mut out, text, in_table);
    out
}

/// [`markdown_cell`] appended to `out`: a report writes a row's cells into one buffer.
pub fn push_markdown_cell(out: &mut String, text: &str) {
    push_markdown_code(out, text, true);
}

/// [`markdown_code`] appended to `out`, without a string of its own.
pub fn push_markdown_code(out: &mut String, text: &str, in_table: bool) {
    let safe = neutralize(text);
    if safe.is_empty() {
        return;
    }
    // Bytes for characters: a backtick, a space or `|` is never part of another
    // character's UTF-8 bytes.
    let bytes = safe.as_bytes();
    let mut longest = 0;
    let mut run = 0;
    for &b in bytes {
        run = if b == b'`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    // A space inside each fence only where the renderer needs one: it removes one space
    // from each side when both sides have one, and a backtick next to the fence would
    // lengthen it. (`|` written `\|` changes neither end's space or backtick.)
    let edge = |b: u8| b == b' ' || b == b'`';
    let pad = edge(bytes[0]) || edge(bytes[bytes.len() - 1]);
    let fence = |out: &mut String| out.extend(std::iter::repeat_n('`', longest + 1));
    fence(out);
    if pad {
        out.push(' ');
    }
    if in_table {
        let mut pieces = safe.split('|');
        if let Some(first) = pieces.next() {
            out.push_str(first);
        }
        for piece in pieces {
            out.push_str("\\|");
            out.push_str(piece);
        }
    } else {
        out.push_str(&safe);
    }
    if pad {
        out.push(' ');
    }
    fence(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_an_escape_never_shows_as_a_name_with_that_text() {
        let names = [
            "D2/ev\x1b.jsonl",
            "D2/ev\\x1b.jsonl",
            "D2/ev\\\u{1b}.jsonl",
            "D2/ev\\\\x1b.jsonl",
            "D2/ev\u{202e}.jsonl",
            "D2/ev\\u{202e}.jsonl",
            "D2/ev\n.jsonl",
            "D2/ev\\n.jsonl",
            "D2/ev\\x0a.jsonl",
            "C:\\cases\\x1\\\u{1b}",
            "C:\\cases\\x1\\\\x1b",
            "a\\\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
            "a\\u{301}×6",
            "a\\\\u{301}×6",
        ];
        let shown: Vec<String> = names.iter().map(|n| name(n).into_owned()).collect();
        for (i, a) in shown.iter().enumerate() {
            assert!(!a.chars().any(is_dangerous), "{a}");
            for (j, b) in shown.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{:?} and {:?}", names[i], names[j]);
            }
        }
        assert_eq!(shown[0], "D2/ev\\x1b.jsonl");
        assert_eq!(shown[1], "D2/ev\\\\x1b.jsonl");
        // Ordinary Windows paths and text without escapes show as they are.
        for plain in [
            "C:\\Users\\new\\temp\\export.csv",
            "\\\\server\\share\\x.jsonl",
            "a.jsonl:3",
        ] {
            assert_eq!(name(plain), plain);
        }
    }

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
        assert_eq!(markdown_cell("a|b`c"), "``a\\|b`c``");
        assert_eq!(markdown_inline("a|b"), "`a|b`");
        assert_eq!(markdown_cell("```x` "), "```` ```x`  ````");
        assert_eq!(markdown_cell(" x "), "`  x  `");
        assert_eq!(markdown_cell(""), "");
        assert_eq!(markdown_cell("\\[x\\](y)"), "`\\[x\\](y)`");
    }

    #[test]
    fn every_part_a_spreadsheet_may_split_off_is_guarded_and_quoted() {
        assert_eq!(csv_cell("x;=cmd|' /C calc'!A0"), "x;'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("a,+1"), "a,'+1");
        assert_eq!(csv_cell("a, @SUM(1)"), "a,' @SUM(1)");
        assert_eq!(csv_cell(" =1+1"), "' =1+1");
        // A no-break space is shown escaped: the cell no longer starts a formula.
        assert_eq!(csv_cell("\u{a0}=1+1"), "\\xa0=1+1");
        assert_eq!(csv_cell("\u{ff1d}1+1"), "'\u{ff1d}1+1");
        assert_eq!(csv_cell("a;b"), "a;b");
        // A tab is neutralised to `\t` text first: nothing is left to split on.
        assert_eq!(csv_cell("\t=1+1"), "\\t=1+1");
        assert_eq!(csv_field("x;'=cmd"), "\"x;'=cmd\"");
        assert_eq!(csv_field("a\tb"), "\"a\tb\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn invisible_characters_are_shown_and_json_escapes_astral_ones_as_pairs() {
        assert_eq!(neutralize("adm\u{200b}in"), "adm\\u{200b}in");
        assert_eq!(
            neutralize("user\u{e0049}\u{2028}x\u{feff}"),
            "user\\u{e0049}\\u{2028}x\\u{feff}"
        );
        assert!(has_dangerous("a\u{2060}b") && has_dangerous("\u{ad}"));
        assert!(!has_dangerous("管理者 Zoë 👍"));
        // Look-alike spaces: `Contoso Admin` spelled with each of them is shown escaped.
        for (space, shown) in [
            ('\u{a0}', "\\xa0"),
            ('\u{202f}', "\\u{202f}"),
            ('\u{2007}', "\\u{2007}"),
            ('\u{2800}', "\\u{2800}"),
            ('\u{3000}', "\\u{3000}"),
        ] {
            let name = format!("Contoso{space}Admin");
            assert!(has_dangerous(&name), "{shown}");
            assert_eq!(neutralize(&name), format!("Contoso{shown}Admin"));
        }
        let mut s = String::new();
        push_json_escape(&mut s, '\u{e0049}');
        push_json_escape(&mut s, '\u{200b}');
        assert_eq!(s, "\\udb40\\udc49\\u200b");
        let back: String = serde_json::from_str(&format!("\"{s}\"")).unwrap_or_default();
        assert_eq!(back, "\u{e0049}\u{200b}");
    }
}

#[cfg(test)]
mod mark_tests {
    use super::*;

    #[test]
    fn a_flood_of_combining_marks_is_cut_to_four_and_counted() {
        let zalgo = format!("Contoso Admin{}", "\u{301}".repeat(1_000_000));
        assert!(has_dangerous(&zalgo));
        let shown = neutralize(&zalgo);
        assert_eq!(
            shown,
            "Contoso Admin\u{301}\u{301}\u{301}\u{301}\\u{301}×999996"
        );
        assert!(!has_dangerous(&shown));
        // Marks of several kinds: the first hidden one, `…`, and how many.
        assert_eq!(
            neutralize("a\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}"),
            "a\u{301}\u{302}\u{303}\u{304}\\u{305}…×2"
        );
        // A mark with no character to sit on is shown, not drawn on what comes before.
        assert_eq!(neutralize("\u{301}x"), "\\u{301}×1x");
        // Ordinary accents and stacks stay as written.
        for text in [
            "José",
            "Nguyê\u{303}n",
            "e\u{301}\u{302}\u{303}\u{304}",
            "ཀྵྭྱ",
        ] {
            assert!(!has_dangerous(text), "{text}");
            assert!(matches!(neutralize(text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn blanks_and_unknown_code_points_are_escaped_by_their_category() {
        for (c, shown) in [
            ('\u{1680}', "\\u{1680}"),   // Ogham space mark (Zs)
            ('\u{fffc}', "\\u{fffc}"),   // object replacement character
            ('\u{1d159}', "\\u{1d159}"), // musical symbol null notehead
            ('\u{16fe4}', "\\u{16fe4}"), // Khitan small script filler
            ('\u{e000}', "\\u{e000}"),   // private use
            ('\u{0378}', "\\u{378}"),    // unassigned
            ('\u{110bd}', "\\u{110bd}"), // Kaithi number sign (Cf)
        ] {
            assert!(is_dangerous(c), "{shown}");
            assert_eq!(neutralize(&format!("a{c}b")), format!("a{shown}b"));
        }
        assert!(is_lookalike_space('\u{1680}'));
        assert!(!has_dangerous("管理者 Zoë 👍 \u{fffd}"));
    }
}
