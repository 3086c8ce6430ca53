//! The columns drawn at each width ([`super::fit`]).

use super::*;

fn drawn(columns: &[Column], width: u16) -> Vec<(Column, u16)> {
    let fitted = fit(columns, width);
    // Every column with its one-cell spacing, and the gutter, within the width.
    let total: u16 = 2 + fitted.iter().map(|&(_, w)| w + 1).sum::<u16>();
    assert!(total <= width + 1, "{width}: {total} drawn");
    fitted.into_iter().map(|(i, w)| (columns[i], w)).collect()
}

fn width_of(drawn: &[(Column, u16)], c: Column) -> Option<u16> {
    drawn.iter().find(|(d, _)| *d == c).map(|&(_, w)| w)
}

fn names(d: &[(Column, u16)]) -> Vec<Column> {
    d.iter().map(|&(c, _)| c).collect()
}

/// newbie16 #3: at 80 columns the Reason (why the row is there) was cut at 27. The
/// Time and the Target give way to the widest reason; short reasons leave the room.
#[test]
fn near_misses_give_the_reason_the_width_the_time_gives_way() {
    let at80 = drawn(&NEAR_MISS_COLUMNS, 80);
    assert_eq!(width_of(&at80, Column::Time), None, "{at80:?}");
    assert!(
        width_of(&at80, Column::Reason).is_some_and(|w| w >= 47),
        "{at80:?}"
    );
    for c in [Column::Account, Column::Verdict, Column::Note, Column::Flag] {
        assert!(width_of(&at80, c).is_some(), "{c:?} at 80: {at80:?}");
    }
    // Short reasons (`no ModifiedProperties`): whole beside whose tokens (the Target).
    let widest = Widest {
        ip: IP_WIDE,
        reason: 21,
    };
    let short: Vec<(Column, u16)> = fit_sized(&NEAR_MISS_COLUMNS, 80, widest)
        .into_iter()
        .map(|(i, w)| (NEAR_MISS_COLUMNS[i], w))
        .collect();
    assert!(width_of(&short, Column::Target).is_some(), "{short:?}");
    assert!(
        width_of(&short, Column::Reason).is_some_and(|w| w >= 21),
        "{short:?}"
    );
    // At 160 the longest reasons (82 characters) whole beside the time, the account and
    // whose tokens (the target); the operation, the same on most rows (the Reason
    // quotes it where its spelling is why), waits for more room.
    let at160 = drawn(&NEAR_MISS_COLUMNS, 160);
    assert!(
        width_of(&at160, Column::Reason).is_some_and(|w| w >= 82),
        "{at160:?}"
    );
    assert!(
        width_of(&at160, Column::Account).is_some_and(|w| w >= 20),
        "{at160:?}"
    );
    assert!(width_of(&at160, Column::Target).is_some(), "{at160:?}");
    assert!(width_of(&at160, Column::Time).is_some(), "{at160:?}");
    assert!(
        width_of(&drawn(&NEAR_MISS_COLUMNS, 220), Column::Operation).is_some_and(|w| w >= 34),
        "the whole operation with room to spare"
    );
    assert_eq!(width_of(&at160, Column::Source), None, "the path first");
    assert!(width_of(&drawn(&NEAR_MISS_COLUMNS, 260), Column::Source).is_some());
}

/// newbie16 #2: at 80 columns the table showed Time, Account, +Minutes, Remaining and
/// Verdict; whose tokens changed (the Target, from 153 columns) and the Hints (from 126)
/// were off screen, so a `far proxy first` row read as routine. Narrow screens keep
/// the Target and the Hints first, the Time from 80 columns; the drawn columns keep
/// the table's order.
#[test]
fn narrow_screens_show_whose_tokens_and_the_hints_first() {
    for width in [60, 80] {
        let d = drawn(&FINDING_COLUMNS, width);
        for c in [
            Column::Account,
            Column::Target,
            Column::Hint,
            Column::Verdict,
            Column::Note,
            Column::Flag,
        ] {
            assert!(width_of(&d, c).is_some(), "{c:?} at {width}: {d:?}");
        }
        assert!(width_of(&d, Column::Target).is_some_and(|w| w >= 14));
        assert!(width_of(&d, Column::Hint).is_some_and(|w| w >= 13));
        assert_eq!(width_of(&d, Column::Time).is_some(), width >= 80, "{d:?}");
        let total: u16 = 2 + d.iter().map(|&(_, w)| w + 1).sum::<u16>();
        assert!(total + 1 >= width, "{width}: the width filled");
    }
    for width in (60..=300).step_by(7) {
        let fitted = fit(&FINDING_COLUMNS, width);
        assert!(fitted.windows(2).all(|p| p[0].0 < p[1].0), "{width}");
    }
}

/// Wide screens draw the same columns as before (at 160: Time, Account, Target, Role,
/// IP, the two numbers, Hints, Verdict and the marks), the hints whole before the
/// query's other columns, and past that the room goes to the Target and the Actor:
/// a UPN of 40 characters whole at 280 columns.
#[test]
fn wide_screens_keep_their_columns_and_give_the_target_and_the_actor_the_room() {
    let at160 = drawn(&FINDING_COLUMNS, 160);
    assert_eq!(
        names(&at160),
        [
            Column::Time,
            Column::Account,
            Column::Target,
            Column::Role,
            Column::Ip,
            Column::Added,
            Column::Remaining,
            Column::Hint,
            Column::Verdict,
            Column::Note,
            Column::Flag
        ]
    );
    assert!(width_of(&drawn(&FINDING_COLUMNS, 170), Column::Actor).is_some());
    let at280 = drawn(&FINDING_COLUMNS, 280);
    for c in [Column::Target, Column::Actor] {
        assert!(
            width_of(&at280, c).is_some_and(|w| w >= 40),
            "{c:?} at 280: {at280:?}"
        );
    }
    assert!(
        width_of(&at280, Column::Account).is_some_and(|w| (20..40).contains(&w)),
        "{at280:?}"
    );
    for width in [100, 120, 126, 143, 153, 160, 200] {
        let d = drawn(&FINDING_COLUMNS, width);
        assert_eq!(
            width_of(&d, Column::Hint),
            Some(HINTS_WIDE),
            "{width}: {d:?}"
        );
        assert!(width_of(&d, Column::Account).is_some_and(|w| w >= 20));
    }
}

/// The IP column as wide as the widest address: IPv4 ones leave their room to the
/// others, an IPv6 one is whole where the screen has the room, never at the cost of a
/// column that was drawn or of the hints' width.
#[test]
fn the_ip_column_is_sized_by_its_widest_address() {
    let ip = |width, widest| {
        let fitted = fit_sized(
            &FINDING_COLUMNS,
            width,
            Widest {
                ip: widest,
                reason: 0,
            },
        );
        let d: Vec<(Column, u16)> = fitted
            .iter()
            .map(|&(i, w)| (FINDING_COLUMNS[i], w))
            .collect();
        (width_of(&d, Column::Ip), d)
    };
    assert_eq!(ip(160, 13).0, Some(13), "198.51.100.77");
    assert_eq!(ip(160, 16).0, Some(16), "2001:db8:4a7::1f");
    assert_eq!(ip(300, 39).0, Some(39), "the longest IPv6 address");
    for width in [60, 80, 120, 136, 153, 160, 200] {
        let (_, sized) = ip(width, 39);
        let plain = drawn(&FINDING_COLUMNS, width);
        let names = |d: &[(Column, u16)]| d.iter().map(|&(c, _)| c).collect::<Vec<_>>();
        assert_eq!(names(&sized), names(&plain), "{width}");
        assert_eq!(
            width_of(&sized, Column::Hint),
            width_of(&plain, Column::Hint),
            "{width}"
        );
    }
}
