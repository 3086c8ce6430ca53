//! The context panel's words: fold sentences, offsets, why codes.

use super::*;

#[test]
fn offsets_read_at_the_scale_that_matters() {
    let cases = [
        (Some(-1), "-00:00:01"),
        (Some(0), "+00:00:00"),
        (Some(1799), "+00:29:59"),
        (Some(7200), "+2 h"),
        (Some(-7500), "-2 h 05 m"),
        (Some(3 * 86_400 + 4 * 3600 + 59), "+3 d 4 h"),
        (Some(-5 * 86_400), "-5 d"),
        (None, "?"),
    ];
    for (secs, text) in cases {
        assert_eq!(offset_text(secs), text, "{secs:?}");
    }
    let w = Why {
        correlation: true,
        target: false,
        actor: true,
    };
    assert_eq!(why_code(w), "C·A");
}

#[test]
fn a_shortened_app_actor_keeps_the_start_of_its_id() {
    let app = "helpdesk.admin@contoso.com (e5e5f0a1-0000-4000-8000-000000000001)";
    let what = format!("Reset user password. by {app} → victim.user@contoso.com");
    let line = RowText {
        offset: String::new(),
        why: String::new(),
        what,
        parts: Some([
            "Reset user password.".into(),
            app.into(),
            "victim.user@contoso.com".into(),
        ]),
        fold: String::new(),
    };
    let cut = line.what_within(60);
    assert!(cut.contains("(e5e5"), "{cut}");
    assert!(cut.contains("→ victim"), "{cut}");
}
