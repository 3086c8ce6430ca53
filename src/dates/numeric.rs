//! Numeric dates as the cultures that write dots spell them, made the form the reader
//! takes: `5. 11. 2024` (sk-SK, sl-SI: a space after each dot) and `5.11.2024.` (hr-HR,
//! sr-Latn, lv-LV: a dot after the year) become `5.11.2024`; a time written with dots after
//! a numeric date, `16.42.19` (fi-FI, older it-IT and da-DK patterns), becomes `16:42:19`.
//! A fraction of the seconds after a comma, `16:42:19,123`, becomes `16:42:19.123`.

/// The value respelled, or `None` when it needs nothing (without allocating: this runs on
/// every time value read).
pub fn respelled(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let first_run = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&first_run) {
        return None;
    }
    // The date: three numbers and one separator, a space allowed after a dot.
    let mut i = 0;
    let mut sep = None;
    let mut spaces = Vec::new();
    for n in 0..3 {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        if n == 2 {
            break;
        }
        let s = *b.get(i)?;
        if !matches!(s, b'/' | b'.' | b'-') || sep.is_some_and(|x| x != s) {
            return None;
        }
        sep = Some(s);
        i += 1;
        if s == b'.' && b.get(i) == Some(&b' ') {
            spaces.push(i);
            i += 1;
        }
    }
    let date_end = i;
    let year_dot = sep == Some(b'.') && b.get(i) == Some(&b'.');
    if year_dot {
        i += 1;
    }
    // The time: the next word after white space (and a comma), all digits and dots.
    let rest = &t[i..];
    let lead = rest.len() - rest.trim_start_matches([' ', ',']).len();
    let word_start = i + lead;
    let word_end = t[word_start..]
        .find(char::is_whitespace)
        .map_or(t.len(), |e| word_start + e);
    let word = &t[word_start..word_end];
    let dotted_time = lead > 0 && is_dotted_time(word);
    if spaces.is_empty() && !year_dot && !dotted_time {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    let mut from = 0;
    for &at in &spaces {
        out.push_str(&t[from..at]);
        from = at + 1;
    }
    out.push_str(&t[from..date_end]);
    out.push_str(&t[i..word_start]);
    if dotted_time {
        out.push_str(&word.replace('.', ":"));
    } else {
        out.push_str(word);
    }
    out.push_str(&t[word_end..]);
    Some(out)
}

/// Where a comma stands as the decimal sign of the seconds (`16:42:19,123`): ISO 8601
/// allows it (and prefers it), and Excel and the browsers of the cultures whose decimal sign
/// is a comma (de-DE, fr-FR, …) write the fraction so. `None` when there is none.
pub fn comma_fraction_at(b: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b',', b).find(|&i| {
        i >= 3
            && b[i - 3] == b':'
            && b[i - 2].is_ascii_digit()
            && b[i - 1].is_ascii_digit()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
    })
}

/// The value with the comma before the seconds' fraction made a point, or `None` when it
/// has none.
pub fn with_fraction_point(t: &str) -> Option<String> {
    let at = comma_fraction_at(t.as_bytes())?;
    let mut out = t.to_owned();
    out.replace_range(at..=at, ".");
    Some(out)
}

/// `16.42` or `16.42.19`: an hour of one or two digits, then minutes and seconds of two.
fn is_dotted_time(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| p.bytes().all(|c| c.is_ascii_digit()))
        && (1..=2).contains(&parts[0].len())
        && parts[1..].iter().all(|p| p.len() == 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_spellings_become_the_readers_form() {
        for (text, want) in [
            ("5. 11. 2024 16:42:19", "5.11.2024 16:42:19"),
            ("5. 11. 2024", "5.11.2024"),
            ("5.11.2024. 16:42:19", "5.11.2024 16:42:19"),
            ("5.11.2024 16.42.19", "5.11.2024 16:42:19"),
            ("05/11/2024 16.42.19", "05/11/2024 16:42:19"),
            ("5.11.2024, 16.42", "5.11.2024, 16:42"),
        ] {
            assert_eq!(respelled(text).as_deref(), Some(want), "{text}");
        }
        for text in [
            "5.11.2024 16:42:19",
            "11/5/2024 4:42:19 PM",
            "5.11.2024, 16:42:19.123",
            "2024-11-05T16:42:19.1234567Z",
            "2024. 11. 05. 16:42:19",
            "5.11.2024 16.4.19",
            "",
        ] {
            assert_eq!(respelled(text), None, "{text}");
        }
    }

    #[test]
    fn a_comma_before_the_seconds_fraction_becomes_a_point() {
        for (text, want) in [
            ("2024-11-05T16:42:19,123Z", "2024-11-05T16:42:19.123Z"),
            ("05.11.2024 16:42:19,000", "05.11.2024 16:42:19.000"),
            ("05/11/2024 16:42:19,1", "05/11/2024 16:42:19.1"),
        ] {
            assert_eq!(with_fraction_point(text).as_deref(), Some(want), "{text}");
        }
        // The comma after a date, or after seconds with no digit behind it, stays.
        for text in [
            "11/5/2024, 4:42:19 PM",
            "5.11.2024, 16:42:19.123",
            "16:42:19, 5.11.2024",
            "Tuesday, November 5, 2024 4:42:19 PM",
        ] {
            assert_eq!(with_fraction_point(text), None, "{text}");
        }
    }
}
