//! The copy rule: when two records are one record seen twice (an export read twice, the
//! UAL record beside its CloudAppEvents row, one reset in three exports of an incident).
//! Everything the analyst relies on must agree: the actor, the target, the operation, the
//! time to the second, and the IP where both records have one. The scan folds two STS
//! records of one event id into one event by it (`scan::again`, which also compares the
//! StsRefreshTokensValidFrom values, which only STS records have), and the related-events
//! index lists one record seen at several places once by it (`context::twins`, on its
//! interned keys and hashes). This module holds the parts both read the same way.
//!
//! The parties and the operation ([`same_parties`]): the actor's kind and key (a user's
//! UPN, an application's id, the name of an application with no id: [`actor_key`]), a
//! user's object id where both records have one ([`principal`]: a UAL record may name the
//! user by UPN alone where its CloudAppEvents row gives `AccountObjectId`; two object ids
//! under one UPN are two principals), the target (its UPN, else its object id), each ASCII
//! case ignored,
//! and the operation folded as the exports write it ([`fold_operation`]). Display names are
//! not compared (a UAL record and its CloudAppEvents row name the actor differently).

use super::{ActorKind, EventParties, ResultRow, SourceKind};

/// An operation as the rule compares it: lower case, without trailing blanks and `.`
/// (`Reset user password.` in the UAL, `Reset user password` in Entra, `Reset user
/// password. ` in a Log Analytics column).
pub fn fold_operation(op: &str) -> String {
    trim_operation(op).to_lowercase()
}

fn trim_operation(op: &str) -> &str {
    op.trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Whether two operations fold to one ([`fold_operation`]), without making either.
pub fn same_operation(a: &str, b: &str) -> bool {
    trim_operation(a)
        .chars()
        .flat_map(char::to_lowercase)
        .eq(trim_operation(b).chars().flat_map(char::to_lowercase))
}

/// The actor's key as the related-events index keys it ([`super::actor_keys`]): a user's
/// UPN, an application's id, the name of an application with no id.
pub fn actor_key(p: &EventParties) -> &str {
    match p.actor_kind {
        ActorKind::App => &p.actor_id,
        ActorKind::User | ActorKind::NamedApp => &p.actor,
    }
}

/// A user's object id ("" for an application, whose key is its id already).
pub fn principal(p: &EventParties) -> &str {
    match p.actor_kind {
        ActorKind::User => p.actor_id.trim(),
        ActorKind::App | ActorKind::NamedApp => "",
    }
}

/// Whether two users' object ids ([`principal`]) can be one: equal (ASCII case ignored)
/// where both records have one.
pub fn principals_agree(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a.eq_ignore_ascii_case(b)
}

/// Whether records whose parties are `a` and `b` and whose operations are `a_op` and
/// `b_op` can be one record seen twice (see the module).
pub fn same_parties(a: &EventParties, a_op: &str, b: &EventParties, b_op: &str) -> bool {
    let eq = |x: &str, y: &str| x.eq_ignore_ascii_case(y);
    a.actor_kind == b.actor_kind
        && eq(actor_key(a), actor_key(b))
        && principals_agree(principal(a), principal(b))
        && eq(a.target_label(), b.target_label())
        && same_operation(a_op, b_op)
}

/// Whether records of source kinds `a_kind` and `b_kind` giving result rows `a_rows` and
/// `b_rows` (none: a near miss) can be one record seen twice, as far as their rows go.
/// Two exports of one source kind give the query's eight values alike (an export read
/// twice, two CloudAppEvents shapes of one row): where both are flagged, a value that
/// differs (another ISP, IsAnonymousProxy or display name under one event id) makes them
/// two records, and Kusto returns both rows. Not a difference: a value one of them lacks
/// (empty or null: a shape without the column, a record without an IP) or writes in
/// another ASCII case (a UPN). Records of two kinds may differ where a kind lacks a field
/// (the UAL has no ISP) and are compared by the rest of the rule alone.
pub fn rows_agree(
    a_kind: SourceKind,
    a_rows: &[ResultRow],
    b_kind: SourceKind,
    b_rows: &[ResultRow],
) -> bool {
    a_kind != b_kind
        || a_rows.is_empty()
        || b_rows.is_empty()
        || (a_rows.len() == b_rows.len()
            && a_rows.iter().zip(b_rows).all(|(a, b)| values_agree(a, b)))
}

fn values_agree(a: &ResultRow, b: &ResultRow) -> bool {
    fn text(x: &str, y: &str) -> bool {
        x.is_empty() || y.is_empty() || x.eq_ignore_ascii_case(y)
    }
    fn value<T: PartialEq>(x: Option<T>, y: Option<T>) -> bool {
        x.is_none() || y.is_none() || x == y
    }
    text(&a.account_object_id, &b.account_object_id)
        && text(&a.account_display_name, &b.account_display_name)
        && text(&a.role, &b.role)
        && text(&a.ip_address, &b.ip_address)
        && value(a.is_anonymous_proxy, b.is_anonymous_proxy)
        && text(&a.isp, &b.isp)
        && value(a.token_minutes_added, b.token_minutes_added)
        && value(a.token_minutes_remaining, b.token_minutes_remaining)
}

/// What [`same_parties`] compares, as text to hash (journal keys of near misses that
/// share an id: `StsEvent::content_fingerprint`): the same text for parties it finds one
/// where both records have the object id (as the fingerprint's IP: a copy without it
/// gives the event it is read first as another key).
pub fn parties_text(p: &EventParties, op: &str) -> String {
    let kind = match p.actor_kind {
        ActorKind::User => 'u',
        ActorKind::App => 'a',
        ActorKind::NamedApp => 'n',
    };
    let parts = [
        actor_key(p).to_ascii_lowercase(),
        principal(p).to_ascii_lowercase(),
        p.target_label().to_ascii_lowercase(),
        fold_operation(op),
    ];
    if parts.iter().all(|t| !t.contains('\u{1f}')) {
        return format!(
            "{kind}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            parts[0], parts[1], parts[2], parts[3]
        );
    }
    // A part holding the separator would move the boundary between two parties (the keys
    // of two near misses alike): each part length-prefixed, after two separators, which
    // no text of four parts without one starts with (the kind letter comes first).
    let mut out = format!("\u{1f}\u{1f}{kind}");
    for t in &parts {
        out.push_str(&format!("{}:{t}", t.len()));
    }
    out
}

/// An event's other records counted, as the drill-down's title and the report say them:
/// `+1 copy`, `+3 copies` (never "more", which reads as more events of the row).
pub fn copies_text(n: usize) -> String {
    if n == 1 {
        "+1 copy".to_owned()
    } else {
        format!("+{n} copies")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_fold_as_the_exports_write_them() {
        let ual = fold_operation("Reset user password.");
        assert_eq!(ual, fold_operation("Reset user password"));
        assert_eq!(ual, fold_operation("reset User Password. "));
        assert_ne!(ual, fold_operation("Reset user password (by admin)"));
        assert_ne!(
            fold_operation("Update user."),
            fold_operation("Update users.")
        );
        assert!(same_operation(
            "Reset user password.",
            "reset User Password "
        ));
        assert!(!same_operation("Update user.", "Update users."));
    }

    fn parties(actor: &str, actor_id: &str, kind: ActorKind, target: &str) -> EventParties {
        EventParties {
            target: target.into(),
            actor: actor.into(),
            actor_id: actor_id.into(),
            actor_kind: kind,
            ..EventParties::default()
        }
    }

    #[test]
    fn parties_agree_by_key_principal_and_target_case_ignored() {
        let op = "Update StsRefreshTokenValidFrom Timestamp.";
        let admin = parties(
            "admin@c.example",
            "7cf4",
            ActorKind::User,
            "victim@c.example",
        );
        let same = parties(
            "ADMIN@c.example",
            "7CF4",
            ActorKind::User,
            "Victim@c.example",
        );
        assert!(same_parties(
            &admin,
            op,
            &same,
            "update StsRefreshTokenValidFrom Timestamp"
        ));
        assert_eq!(parties_text(&admin, op), parties_text(&same, op));
        for other in [
            parties(
                "evil@c.example",
                "7cf4",
                ActorKind::User,
                "victim@c.example",
            ),
            parties(
                "admin@c.example",
                "9999",
                ActorKind::User,
                "victim@c.example",
            ),
            parties("admin@c.example", "7cf4", ActorKind::User, "ceo@c.example"),
            parties(
                "admin@c.example",
                "7cf4",
                ActorKind::NamedApp,
                "victim@c.example",
            ),
        ] {
            assert!(!same_parties(&admin, op, &other, op), "{other:?}");
            assert_ne!(parties_text(&admin, op), parties_text(&other, op));
        }
        assert!(!same_parties(&admin, op, &admin, "Reset user password."));
        // A unit separator (0x1F) inside a party moves no boundary: two texts.
        let split = |actor: &str, target: &str| {
            parties_text(&parties(actor, "", ActorKind::NamedApp, target), op)
        };
        assert_ne!(split("a\u{1f}b", "c"), split("a", "b\u{1f}c"));
        assert_eq!(
            split("a", "c"),
            format!("n\u{1f}a\u{1f}\u{1f}c\u{1f}{}", fold_operation(op))
        );
        // No object id in one of them: compared without it.
        let no_id = parties("admin@c.example", "", ActorKind::User, "victim@c.example");
        assert!(same_parties(&admin, op, &no_id, op));
        // An application by its id: its name is anyone's to choose.
        let app = parties("Graph (sp-1)", "sp-1", ActorKind::App, "victim@c.example");
        let renamed = parties(
            "Helpdesk (sp-1)",
            "SP-1",
            ActorKind::App,
            "victim@c.example",
        );
        assert!(same_parties(&app, op, &renamed, op));
    }
}
