//! Dates whose month is a word, in the long patterns .NET writes with a culture's
//! `DateTime.ToString("F")` / `ToLongDateString()` (Get-Date's display, a script's
//! formatted date in a CSV): `Tuesday, November 5, 2024 4:42:19 PM` (en-US),
//! `Dienstag, 5. November 2024 16:42:19` (de-DE), `mardi 5 novembre 2024 16:42:19` (fr-FR),
//! `martes, 5 de noviembre de 2024 16:42:19` (es-ES), and the same in it, nl, pt, sv, da, nb.
//!
//! Such a date is unambiguous: the month is named, the year has four digits and the day one
//! or two. It is read only when it is: one month word naming one month (a full name, or a
//! prefix of at least three letters that no other month shares), one day, one year, and a
//! weekday, when written, that is the date's own (a weekday that disagrees is not read:
//! the value was typed or altered, and reading it would hide that).

use chrono::{Datelike, NaiveDate};

/// Month names (January first) of the cultures whose long dates are read, lower case.
const MONTHS: [[&str; 12]; 10] = [
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
];

/// Weekday names (Monday first) of the same cultures, lower case.
const WEEKDAYS: [[&str; 7]; 9] = [
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ],
    [
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
    ],
    [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ],
    [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ],
    [
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
    ],
    [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ],
    [
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ],
    [
        "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    ],
    [
        "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
    ],
];

/// Words the long patterns put between the parts (`5 de noviembre de 2024`).
const PARTICLES: [&str; 2] = ["de", "del"];

/// The one value of `names` (by index) that `word` names: the full name, or a prefix of
/// three letters or more; `None` when it names none or more than one.
fn named<const N: usize>(word: &str, tables: &[[&str; N]]) -> Option<usize> {
    if word.chars().count() < 3 {
        return None;
    }
    let mut found = None;
    for table in tables {
        for (i, name) in table.iter().enumerate() {
            if name.starts_with(word) && found.replace(i).is_some_and(|was| was != i) {
                return None;
            }
        }
    }
    found
}

/// The value as `yyyy-mm-dd` followed by its time part as written (`4:42:19 PM`), when it is
/// a long date read as the module says; `None` for anything else.
pub fn to_iso(text: &str) -> Option<String> {
    // The date part ends where the time begins (the first word with a `:`).
    let words: Vec<&str> = text.split_whitespace().collect();
    let time_at = words
        .iter()
        .position(|w| w.contains(':'))
        .unwrap_or(words.len());
    let (date_words, time_words) = words.split_at(time_at);
    let (mut month, mut day, mut year, mut weekday) = (None, None, None, None);
    for raw in date_words {
        let w = raw.trim_matches([',', '.']).to_lowercase();
        if w.is_empty() || PARTICLES.contains(&w.as_str()) {
            continue;
        }
        if w.chars().all(|c| c.is_ascii_digit()) {
            let slot = match w.len() {
                1 | 2 => &mut day,
                4 => &mut year,
                _ => return None,
            };
            if slot.replace(w.parse::<u32>().ok()?).is_some() {
                return None;
            }
        } else if let Some(m) = named(&w, &MONTHS) {
            if month.replace(m as u32 + 1).is_some() {
                return None;
            }
        } else if let Some(d) = named(&w, &WEEKDAYS) {
            if weekday.replace(d).is_some() {
                return None;
            }
        } else {
            return None;
        }
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year?).ok()?, month?, day?)?;
    if weekday.is_some_and(|d| d != date.weekday().num_days_from_monday() as usize) {
        return None;
    }
    let iso = date.format("%Y-%m-%d").to_string();
    Some(if time_words.is_empty() {
        iso
    } else {
        format!("{iso} {}", time_words.join(" "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_patterns_of_dotnet_cultures() {
        for (text, want) in [
            (
                "Tuesday, November 5, 2024 4:42:19 PM",
                "2024-11-05 4:42:19 PM",
            ),
            ("Dienstag, 5. November 2024 16:42:19", "2024-11-05 16:42:19"),
            ("mardi 5 novembre 2024 16:42:19", "2024-11-05 16:42:19"),
            (
                "martes, 5 de noviembre de 2024 16:42:19",
                "2024-11-05 16:42:19",
            ),
            ("martedì 5 novembre 2024 16:42:19", "2024-11-05 16:42:19"),
            ("dinsdag 5 november 2024 16:42:19", "2024-11-05 16:42:19"),
            (
                "terça-feira, 5 de novembro de 2024 16:42:19",
                "2024-11-05 16:42:19",
            ),
            ("tisdag 5 november 2024 16:42:19", "2024-11-05 16:42:19"),
            ("5. März 2024", "2024-03-05"),
            ("Tue, 05 Nov 2024 16:42:19 GMT", "2024-11-05 16:42:19 GMT"),
        ] {
            assert_eq!(to_iso(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn what_is_not_one_date_is_not_read() {
        for text in [
            // The weekday is not the date's own.
            "Monday, November 5, 2024 4:42:19 PM",
            // Two months, two days, no year, a two-digit year.
            "November December 5, 2024",
            "November 5 6 2024",
            "November 5 16:42:19",
            "November 5, 24 16:42",
            // "ma" names no month on its own; "ju" could be June or July.
            "5 ma 2024",
            "5 ju 2024",
            // No such day.
            "November 31, 2024",
            "yesterday 16:42",
            "",
        ] {
            assert_eq!(to_iso(text), None, "{text}");
        }
    }
}
