//! Tests of `hints`, kept apart so that the module stays readable.

use super::*;
use crate::model::ResultRow;

fn finding(row: ResultRow, events: usize) -> Finding {
    Finding {
        row,
        events: (0..events).collect(),
        totals: Default::default(),
        imported_from: None,
        replaced: false,
        targets_differ: false,
    }
}

#[test]
fn a_revocation_has_no_row_hint_and_an_odd_change_has_several() {
    let revocation = finding(
        ResultRow {
            account_display_name: "admin".into(),
            role: "User".into(),
            token_minutes_added: Some(1501),
            token_minutes_remaining: Some(0),
            is_anonymous_proxy: Some(false),
            ..ResultRow::default()
        },
        2,
    );
    assert!(row_hints(&revocation, HintConfig::default()).is_empty());

    let odd = finding(
        ResultRow {
            account_display_name: "app\u{1b}[31m".into(),
            role: "ServicePrincipal".into(),
            token_minutes_added: Some(-500),
            token_minutes_remaining: Some(90),
            is_anonymous_proxy: Some(true),
            ..ResultRow::default()
        },
        1,
    );
    let badges: Vec<&str> = row_hints(&odd, HintConfig::default())
        .iter()
        .map(Hint::badge)
        .collect();
    assert_eq!(badges, ["back", "far", "proxy", "app", "ctrl"]);
    let app = Hint::NonUserActor {
        role: "\u{9b}31mRole\u{202e}".into(),
    };
    assert_eq!(
        app.to_string(),
        "the query's Role is \\x9b31mRole\\u{202e}, not a user's"
    );
    let user_guid = finding(
        ResultRow {
            account_display_name: "admin".into(),
            role: "User_5b4c0001-aaaa-bbbb-cccc-000000000000".into(),
            is_anonymous_proxy: Some(false),
            ..ResultRow::default()
        },
        2,
    );
    assert!(
        row_hints(&user_guid, HintConfig::default()).is_empty(),
        "User_<guid> is a user, not an app"
    );
    // A record with no Actor entries: the query's Role is "", which says nothing of the
    // actor's kind (the hint would read "the actor is a , not a user").
    let no_actor = finding(
        ResultRow {
            account_display_name: "admin".into(),
            is_anonymous_proxy: Some(false),
            ..ResultRow::default()
        },
        1,
    );
    assert!(row_hints(&no_actor, HintConfig::default()).is_empty());
    let lenient = HintConfig {
        far_minutes: 120,
        ..HintConfig::default()
    };
    assert!(!row_hints(&odd, lenient).iter().any(|h| h.badge() == "far"));
}

#[test]
fn offsets_read_as_words() {
    assert_eq!(offset_words(Some(-1)), "1 s before");
    assert_eq!(offset_words(Some(300)), "5 min after");
    // To the second within the hour, as the context panel's timeline (-00:04:59).
    assert_eq!(offset_words(Some(-299)), "4 min 59 s before");
    assert_eq!(offset_words(Some(90)), "1 min 30 s after");
    assert_eq!(offset_words(Some(7500)), "2 h 05 min after");
    assert_eq!(offset_words(Some(3 * 86_400 + 4 * 3600)), "3 d 4 h after");
    assert_eq!(offset_words(Some(0)), "in the same second");
}

/// The `far` reason says which side of the event the new time is on: tokenMinutesRemaining
/// is the event time minus the new time (newbie 15b #1: `-496197 minutes from the event
/// time` was read as a time in the past, and an analyst's note said so).
#[test]
fn the_far_reason_says_before_or_after_the_event() {
    let later = Hint::FarFromEventTime { minutes: -496197 }.to_string();
    assert!(
        later.contains("496197 minutes after the event time"),
        "{later}"
    );
    assert!(later.contains("Remaining -496197"), "{later}");
    let earlier = Hint::FarFromEventTime { minutes: 2500800 }.to_string();
    assert!(
        earlier.contains("2500800 minutes before the event time"),
        "{earlier}"
    );
}
