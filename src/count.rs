//! Counts as the screen, the reports, `scan` and `verify` say them: `1 row`, `2 rows`,
//! never `1 rows` nor `row(s)` (newbie12b #5: `1 columns off screen`, `1 values`; newbie13b
//! #5: the report's `1 entries`). Here, outside `tui`, so that the report and the command
//! line use it without importing from the workbench.

use std::fmt::Display;

/// `n` and the noun, singular for exactly one: `count(1, "row")` is `1 row`,
/// `count(3, "row")` is `3 rows`. For a noun whose plural is not `-s`, [`count_as`].
pub fn count<N: Display + PartialEq + From<u8>>(n: N, one: &str) -> String {
    let word = if n == N::from(1) {
        one.to_owned()
    } else {
        format!("{one}s")
    };
    format!("{n} {word}")
}

/// `n` and the noun, `one` for exactly one, else `many`: `count_as(2, "copy", "copies")`.
pub fn count_as<N: Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// The noun alone as it follows a count of `n` (`row` for 1, `rows` otherwise), for a
/// count written apart (with thousands separators, or in the middle of a sentence).
pub fn noun<N: PartialEq + From<u8>>(n: N, one: &str) -> String {
    if n == N::from(1) {
        one.to_owned()
    } else {
        format!("{one}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "row"), "1 row");
        assert_eq!(count(0, "row"), "0 rows");
        assert_eq!(count(2, "decision"), "2 decisions");
        assert_eq!(count_as(1, "copy", "copies"), "1 copy");
        assert_eq!(count_as(4, "copy", "copies"), "4 copies");
        assert_eq!(noun(1, "file"), "file");
    }
}
