//! Who an STS event is about and who made it: the target and actor read from its record
//! beside the query's columns, as read ([`Parties`]) and as an event keeps them
//! ([`EventParties`]), and the kinds and keys an actor is known by ([`ActorKind`],
//! [`actor_keys`]).

use crate::intern::Text;

/// Context read from an STS event's record beside the query's columns: the user (or object)
/// whose StsRefreshTokensValidFrom changed, the actor's stable identity (AccountDisplayName is
/// chosen by whoever names the account) and the correlation id that ties the record to the
/// others written with it. Empty strings where the record has no such field. Never changes
/// the query's rows (see `context::parties` for the fields read per source kind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Parties {
    /// The target's UPN (or name, when it has no UPN).
    pub target: String,
    /// The target's object id (GUID), when the record has it.
    pub target_id: String,
    /// The actor's UPN, or an app as `name (service principal id)` (an app's name alone is chosen by
    /// whoever registers it).
    pub actor: String,
    /// The actor's object id or application (service principal) id.
    pub actor_id: String,
    /// What kind of principal the actor is: compared only with its own kind.
    pub actor_kind: ActorKind,
    /// UAL `InterSystemsId`, AuditLogs `CorrelationId`, Graph `correlationId`.
    pub correlation: String,
    /// A UAL record whose `ObjectId` and `Target` entries name different users (no export
    /// writes one; a forged or misread record may): the target shown is read from one of
    /// them (`context::parties::ual_target_disagreement` names both).
    pub targets_differ: bool,
}

/// What kind of principal an actor is. Two actors are one only when they are of one kind
/// and share a key of it ([`actor_keys`]): an application is named by whoever registers
/// it, so an app named `helpdesk@contoso.com`, or `Helpdesk (a1b2…)`, is never that user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// A user (or a record that names no class): known by its UPN and its object id.
    #[default]
    User,
    /// An application known by its id: the service principal's object id (UAL
    /// `ServicePrincipal_<id>`, Entra `initiatedBy.app.servicePrincipalId`), else its
    /// application id; the actor is shown `name (id)`.
    App,
    /// An application the record gives no id of (Entra `initiatedBy.app` with null ids, a UAL
    /// `ServicePrincipal` class with no id): known by its name, shown `name (app, no id)`
    /// (`context::parties::named_app_actor`), and the same actor only as another app of that
    /// name with no id.
    NamedApp,
}

impl ActorKind {
    /// The kind in words, as the report, the CSV and copied rows name it beside the actor's
    /// text (outside it: the text is the event's, the kind is ours): `user`, `app` (an
    /// application known by its service principal id), `app without id`.
    pub fn word(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::App => "app",
            Self::NamedApp => "app without id",
        }
    }

    /// The kind in one letter, as the workbench's Actor column marks it and `scan
    /// --context` writes it: `U` a user, `A` an app known by its id, `N` an app without id.
    pub fn letter(self) -> char {
        match self {
            Self::User => 'U',
            Self::App => 'A',
            Self::NamedApp => 'N',
        }
    }

    /// The mark of actors of `kinds` as one letter: their [`ActorKind::letter`] when they
    /// are all of one kind, `*` when of several, `?` when there is no actor.
    pub fn mark(kinds: impl IntoIterator<Item = Self>) -> char {
        let mut kinds = kinds.into_iter();
        match kinds.next() {
            None => '?',
            Some(k) if kinds.all(|o| o == k) => k.letter(),
            Some(_) => '*',
        }
    }
}

/// The keys an actor is known by, each with its kind: a user by its UPN (`actor`) and its
/// object id (`actor_id`); an app by its id alone (its `name (id)` is for the eye); an app
/// with no id by its name. Empty keys left out.
pub fn actor_keys<'a>(
    kind: ActorKind,
    actor: &'a str,
    actor_id: &'a str,
) -> Vec<(ActorKind, &'a str)> {
    let keys: &[&str] = match kind {
        ActorKind::User => &[actor, actor_id],
        ActorKind::App => &[actor_id],
        ActorKind::NamedApp => &[actor],
    };
    keys.iter()
        .filter(|k| !k.is_empty())
        .map(|&k| (kind, k))
        .collect()
}

/// A party as shown: its name (UPN, or an app's `name (id)`), else its id.
fn name_else_id<'a>(name: &'a str, id: &'a str) -> &'a str {
    if name.is_empty() { id } else { name }
}

impl Parties {
    /// The target as shown: the UPN, else the object id.
    pub fn target_label(&self) -> &str {
        name_else_id(&self.target, &self.target_id)
    }
    /// The actor as shown: the UPN or application, else its id.
    pub fn actor_label(&self) -> &str {
        name_else_id(&self.actor, &self.actor_id)
    }
}

/// The [`Parties`] of an event as it keeps them: each text shared ([`Text`], interned by
/// the scan), so that an event whose target object id is its own (every event of a tenant
/// that writes the target's id per record) keeps that one text and shares its target's
/// name, actor and actor id with the other events (about 150 bytes an event less than four
/// `String`s of its own). The correlation id is the event's own field
/// ([`super::StsEvent::correlation`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EventParties {
    /// The target's UPN (or name, when it has no UPN).
    pub target: Text,
    /// The target's object id (GUID), when the record has it.
    pub target_id: Text,
    /// The actor's UPN, or the application's display name.
    pub actor: Text,
    /// The actor's object id or application (service principal) id.
    pub actor_id: Text,
    /// What kind of principal the actor is ([`ActorKind`]).
    pub actor_kind: ActorKind,
    /// [`Parties::targets_differ`] (in the layout's padding: no byte more an event).
    pub targets_differ: bool,
}

impl From<Parties> for EventParties {
    fn from(p: Parties) -> Self {
        Self {
            target: p.target.into(),
            target_id: p.target_id.into(),
            actor: p.actor.into(),
            actor_id: p.actor_id.into(),
            actor_kind: p.actor_kind,
            targets_differ: p.targets_differ,
        }
    }
}

impl EventParties {
    /// The target as shown: the UPN, else the object id.
    pub fn target_label(&self) -> &str {
        name_else_id(&self.target, &self.target_id)
    }
    /// The actor as shown: the UPN or application, else its id.
    pub fn actor_label(&self) -> &str {
        name_else_id(&self.actor, &self.actor_id)
    }
    /// The keys the actor is known by ([`actor_keys`]).
    pub fn actor_keys(&self) -> Vec<(ActorKind, &str)> {
        actor_keys(self.actor_kind, &self.actor, &self.actor_id)
    }
    /// Whether the actor is the target: a user whose UPN or object id is the target's
    /// (never an application, whatever it is named). Not when both carry object ids and
    /// they differ: one UPN under two object ids is two principals (a recycled UPN: a
    /// deleted user's name given to a new account), as `first`, relate and `lookalike`
    /// count them, and `self` would make the row look benign.
    pub fn actor_is_target(&self) -> bool {
        let same = |a: &str, b: &str| !a.is_empty() && a.eq_ignore_ascii_case(b);
        // The UAL writes a user's object id as `User_<guid>` in places.
        fn id(s: &str) -> &str {
            s.strip_prefix("User_").unwrap_or(s)
        }
        let (actor_id, target_id) = (id(&self.actor_id), id(&self.target_id));
        if !actor_id.is_empty() && !target_id.is_empty() {
            return self.actor_kind == ActorKind::User && same(actor_id, target_id);
        }
        self.actor_kind == ActorKind::User && same(&self.actor, &self.target)
    }
}

#[cfg(test)]
mod kind_tests {
    use super::ActorKind::{App, NamedApp, User};
    use super::*;

    #[test]
    fn actors_of_one_kind_are_marked_by_it_of_several_by_a_star() {
        assert_eq!(ActorKind::mark([]), '?');
        assert_eq!(ActorKind::mark([User, User]), 'U');
        assert_eq!(ActorKind::mark([App]), 'A');
        assert_eq!(ActorKind::mark([NamedApp]), 'N');
        assert_eq!(ActorKind::mark([User, App]), '*');
        assert_eq!(ActorKind::mark([App, App, NamedApp]), '*');
    }

    /// Breaker: one UPN (`BOB@…` acting on `bob@…`) under two object ids is two
    /// principals, no `self`; the same UPN with one id, or an id only one side carries, is.
    #[test]
    fn one_upn_under_two_object_ids_is_not_the_actor_acting_on_itself() {
        let parties = |actor_id: &str, target_id: &str| EventParties {
            actor: "BOB@contoso.onmicrosoft.com".into(),
            target: "bob@contoso.onmicrosoft.com".into(),
            actor_id: actor_id.into(),
            target_id: target_id.into(),
            actor_kind: User,
            targets_differ: false,
        };
        let (a, b) = (
            "99999999-9999-9999-9999-999999999999",
            "04c819a0-37de-52ad-bb16-408c476e160f",
        );
        assert!(!parties(a, b).actor_is_target());
        assert!(parties(b, b).actor_is_target());
        assert!(parties(&format!("User_{b}"), b).actor_is_target());
        assert!(parties("", b).actor_is_target());
        assert!(parties(a, "").actor_is_target());
    }
}
