use super::*;

fn reasons(text: &str) -> Vec<String> {
    why(text).iter().map(ToString::to_string).collect()
}

#[test]
fn a_letter_of_another_script_in_a_latin_word_is_mixed_scripts() {
    assert_eq!(
        reasons("\u{430}dmin@contoso.com"),
        ["mixed scripts: Latin + Cyrillic"]
    );
    assert_eq!(
        reasons("admin@cont\u{3bf}so.com"),
        ["mixed scripts: Latin + Greek"]
    );
    assert_eq!(
        ascii_form("\u{430}dmin@contoso.com").unwrap(),
        "admin@contoso.com"
    );
    assert_eq!(
        ascii_form("admin@cont\u{3bf}so.com").unwrap(),
        "admin@contoso.com"
    );
}

/// TR39's single-script rule: a name written in one script is never flagged for not being
/// Latin, nor are Han and Katakana together (one writing system), nor accents.
#[test]
fn a_name_in_one_script_is_not_flagged() {
    for name in [
        "Иван Петров",
        "иван.петров@contoso.com",
        "Νίκος Παπαδόπουλος",
        "管理者@contoso.com",
        "山田タロウ",
        "José Müller",
        "Jose\u{301} Mu\u{308}ller",
        "admin@contoso.com",
        "Contoso Helpdesk (a1b2c3d4-0000-0000-0000-000000000000)",
    ] {
        assert!(why(name).is_empty(), "{name}: {:?}", why(name));
    }
}

/// A word all in Cyrillic whose letters all look Latin, beside Latin words, is a
/// whole-script look-alike; alone (a Russian display name) it is not.
#[test]
fn a_cyrillic_word_of_latin_look_alikes_beside_latin_is_flagged() {
    assert_eq!(
        reasons("\u{435}\u{445}\u{440}@contoso.com"),
        ["Cyrillic letters that look like Latin ones"]
    );
    assert!(why("\u{435}\u{445}\u{440}").is_empty());
}

#[test]
fn full_width_and_mathematical_letters_are_always_flagged() {
    assert_eq!(
        reasons("\u{ff41}\u{ff44}\u{ff4d}\u{ff49}\u{ff4e}@contoso.com"),
        ["full-width letters"]
    );
    assert_eq!(
        reasons("\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}@contoso.com"),
        ["mathematical letters"]
    );
    assert_eq!(
        ascii_form("\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}@contoso.com").unwrap(),
        "admin@contoso.com"
    );
}

#[test]
fn stacked_combining_marks_are_flagged_and_a_composed_accent_is_not() {
    assert_eq!(
        reasons("admin@contoso.com\u{300}\u{300}\u{300}"),
        ["stacked combining marks"]
    );
    assert!(
        reasons(&format!("a\u{301}dmin{}@contoso.com", "\u{336}".repeat(60)))
            .contains(&"stacked combining marks".to_owned())
    );
    assert!(why("Rene\u{301}").is_empty());
    assert_eq!(
        ascii_form("admin@contoso.com\u{300}\u{300}\u{300}").unwrap(),
        "admin@contoso.com"
    );
}

/// The ASCII fast path gives the crate's skeleton: no ASCII character's skeleton starts
/// with a combining mark (`%` is `°/₀`), so a text's is theirs end to end; every pair.
#[test]
fn the_ascii_skeleton_is_the_crates() {
    for a in 0u8..128 {
        for b in 0u8..128 {
            let s: String = [char::from(a), char::from(b)].into_iter().collect();
            assert_eq!(skeleton_of(&s), skeleton(&s).collect::<String>(), "{a} {b}");
        }
    }
    for t in ["admin@contoso.com", "paypaI.com", "rn", "l0g1n"] {
        assert_eq!(skeleton_of(t), skeleton(t).collect::<String>());
    }
}

#[test]
fn principals_of_one_skeleton_look_alike_and_the_plain_one_they_imitate_is_not_flagged() {
    let texts = [
        "admin@contoso.com",
        "admin@contoso.com",
        "Admin@Contoso.com",
        "\u{430}dmin@contoso.com",
        "admin@cont\u{3bf}so.com",
        "user0@contoso.com",
    ];
    let p = Principals::new(texts.into_iter());
    assert_eq!(p.others("\u{430}dmin@contoso.com")[0], "admin@contoso.com");
    assert_eq!(p.others("admin@cont\u{3bf}so.com")[0], "admin@contoso.com");
    // The one plain text is what the others imitate.
    assert!(p.others("admin@contoso.com").is_empty());
    assert!(p.others("user0@contoso.com").is_empty());
    // Case aside, one principal.
    assert!(p.others("Admin@Contoso.com").is_empty());
}

/// Two plain texts of one skeleton (`rn` for `m`): each looks like the other.
#[test]
fn two_ascii_principals_of_one_skeleton_look_like_each_other() {
    let p = Principals::new(
        [
            "admin@contoso.com",
            "admin@contoso.corn",
            "\u{430}dmin@contoso.com",
        ]
        .into_iter(),
    );
    assert_eq!(p.others("admin@contoso.corn")[0], "admin@contoso.com");
    assert_eq!(p.others("admin@contoso.com")[0], "admin@contoso.corn");
    let l = Lookalike::of("actor", "admin@contoso.corn", &p).unwrap();
    assert_eq!(
        l.to_string(),
        "actor admin@contoso.corn: looks like admin@contoso.com, another principal in the loaded data"
    );
    let l = Lookalike::of("actor", "\u{430}dmin@contoso.com", &p).unwrap();
    assert_eq!(
        l.to_string(),
        "actor \u{430}dmin@contoso.com (U+0430): mixed scripts: Latin + Cyrillic; looks like admin@contoso.com, another principal in the loaded data"
    );
}

/// A letter-like sign whose lower case is a plain letter (the Kelvin sign U+212A lowers to
/// `k`, the Angstrom sign U+212B to `å`) is no case of it: the reason names the loaded
/// principal it passes for, never one not in the data (breaker 15 #6).
#[test]
fn a_kelvin_or_angstrom_sign_looks_like_the_loaded_principal_not_its_own_case() {
    let p = Principals::new(
        [
            "\u{212a}evin@contoso.com",
            "kevin@contoso.com",
            "kevin@contoso.com\u{200b}",
            "\u{212b}sa@contoso.com",
            "\u{e5}sa@contoso.com",
        ]
        .into_iter(),
    );
    assert_eq!(p.others("\u{212a}evin@contoso.com")[0], "kevin@contoso.com");
    assert_eq!(
        p.others("\u{212b}sa@contoso.com")[0],
        "\u{e5}sa@contoso.com"
    );
    let l = Lookalike::of("actor", "\u{212b}sa@contoso.com", &p).unwrap();
    assert!(
        l.to_string()
            .ends_with("looks like \u{e5}sa@contoso.com, another principal in the loaded data"),
        "{l}"
    );
    // Case aside, still one principal.
    let p = Principals::new(["\u{c5}sa@contoso.com", "\u{e5}sa@contoso.com"].into_iter());
    assert!(p.others("\u{c5}sa@contoso.com").is_empty());
}
