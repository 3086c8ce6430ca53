//! Kusto's string operators (`=~`, `has`, `has_cs`, `hasprefix`, `hassuffix`, `contains`) and
//! the term tokenisation behind `has`.
//!
//! Rules from the Kusto documentation pages "String operators"
//! (<https://learn.microsoft.com/kusto/query/datatypes-string-operators>, section "What is a
//! term?") and "has operator" (<https://learn.microsoft.com/kusto/query/has-operator>).

/// `=~`: equality ignoring ASCII case (Kusto documents case-insensitive operators for ASCII).
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// A term character: ASCII letter or digit. `_`, punctuation, white space and every
/// non-ASCII character separate terms (documented choice: the docs said "ASCII" until 2023).
fn is_term_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The terms of a string: maximal runs of ASCII letters and digits, in order.
pub fn terms(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (is_term_byte(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// `has` with a needle that is one whole term (letters and digits only): true when some
/// term of `haystack` equals `needle`, ignoring ASCII case.
pub fn has_term(haystack: &str, needle: &str) -> bool {
    find_term(haystack, needle).is_some()
}

/// Byte offset of the first term of `haystack` equal to `needle` (ASCII case-insensitive).
pub fn find_term(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    let mut i = 0;
    while i + n.len() <= h.len() {
        // Jump to the next place the needle's first letter (either case) stands.
        i += memchr::memchr2(lower, upper, &h[i..=h.len() - n.len()])?;
        // Only a position that starts a term can match.
        if (i == 0 || !is_term_byte(h[i - 1])) && h[i..i + n.len()].eq_ignore_ascii_case(n) {
            let end = i + n.len();
            if end == h.len() || !is_term_byte(h[end]) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// `has` for a general right-hand side (a phrase): the needle must occur (ignoring case)
/// with a term boundary at each of its edges that is itself a term character.
pub fn has(haystack: &str, needle: &str) -> bool {
    has_phrase(haystack, needle, false)
}

/// `has_cs`: as `has`, case-sensitive.
pub fn has_cs(haystack: &str, needle: &str) -> bool {
    has_phrase(haystack, needle, true)
}

fn has_phrase(haystack: &str, needle: &str, case_sensitive: bool) -> bool {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    let first_is_term = is_term_byte(n[0]);
    let last_is_term = is_term_byte(n[n.len() - 1]);
    (0..=h.len() - n.len()).any(|i| {
        let window = &h[i..i + n.len()];
        let equal = if case_sensitive {
            window == n
        } else {
            window.eq_ignore_ascii_case(n)
        };
        equal
            && (!first_is_term || i == 0 || !is_term_byte(h[i - 1]))
            && (!last_is_term || i + n.len() == h.len() || !is_term_byte(h[i + n.len()]))
    })
}

/// `hasprefix`: some term starts with the needle (ignoring case).
pub fn hasprefix(haystack: &str, needle: &str) -> bool {
    let n = needle.to_ascii_lowercase();
    terms(haystack)
        .iter()
        .any(|t| t.to_ascii_lowercase().starts_with(&n))
}

/// `hassuffix`: some term ends with the needle (ignoring case).
pub fn hassuffix(haystack: &str, needle: &str) -> bool {
    let n = needle.to_ascii_lowercase();
    terms(haystack)
        .iter()
        .any(|t| t.to_ascii_lowercase().ends_with(&n))
}

/// `contains`: substring, ignoring ASCII case.
pub fn contains(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_is_a_whole_term_test() {
        assert!(has_term("Sync_DirectorySync", "Directorysync"));
        assert!(has_term("DirectorySync.", "Directorysync"));
        assert!(!has_term("xDirectorysyncY", "Directorysync"));
        assert!(!has_term("Directorysync1", "Directorysync"));
        assert!(has_term("éDirectorySync", "Directorysync"));
        assert!(!has_term("", "Directorysync"));
    }
}
