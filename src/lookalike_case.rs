//! One principal's name written twice, case aside (split out of `lookalike`): the directory
//! matches UPNs and display names without case, but a letter-like sign whose lower case is
//! a plain letter is a look-alike, not a case.

/// Whether two texts are one principal's name written twice: equal once case is folded
/// (UPNs and display names are matched without case by the directory), letter by letter.
/// A letter whose lower case is a letter of another block is no case of it: the Kelvin
/// sign (U+212A) lowers to `k` and the Angstrom sign (U+212B) to `å`, and folding them made
/// `Kevin@` (Kelvin) the plain `kevin@`'s own name, so its look-alike reason named some
/// other principal, or one not in the data (breaker 15 #6).
pub(super) fn same_text(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let letterlike = |c: char| ('\u{2100}'..='\u{214F}').contains(&c);
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) if c == d => {}
            (Some(c), Some(d)) => {
                if c.is_ascii() != d.is_ascii()
                    || letterlike(c)
                    || letterlike(d)
                    || !c.to_lowercase().eq(d.to_lowercase())
                {
                    return false;
                }
            }
            _ => return false,
        }
    }
}
