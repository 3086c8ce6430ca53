//! Whose tokens and who did it: the target, the actor's stable identity and the correlation
//! id of a record, read per source kind from the fields Microsoft's schemas give them.
//!
//! - Unified Audit Log (Office 365 Management Activity API, "Azure AD" records): the target
//!   is `ObjectId` (a UPN for user changes; Sentinel OfficeActivity: `OfficeObjectId`, else
//!   `AADTarget`) and the `Target` entries (`User_<guid>` gives the
//!   object id, an entry with an `@` the UPN); the actor is `UserId` and the `Actor` entry
//!   `User_<guid>`, or an application `name (id)` ([`ual_actor`]); the correlation is
//!   `InterSystemsId`.
//! - CloudAppEvents: the UAL fields of `RawEventData` (its `ObjectId` when a UPN), else the
//!   `Id` of the `ActivityObjects` entry with `Role` "Target object" (a UPN, else the object
//!   id; never its `Name`), else the row's `ObjectId`; the actor's UPN is
//!   `RawEventData.UserId` beside `AccountObjectId`.
//! - Entra AuditLogs / Graph directoryAudits: the `targetResources` entry of type `User`
//!   (`userPrincipalName`, `id`; never `displayName`, see [`entra`]); `initiatedBy.user`
//!   (`userPrincipalName`, `id`) or `initiatedBy.app` as `displayName (servicePrincipalId)`
//!   (else its `appId`); `correlationId`.

use serde_json::{Map, Value};

use crate::kql;
use crate::model::{ActorKind, Parties};

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => kql::tostring(Some(other)),
    }
}

/// A field looked up as exports spell it (exact, then ASCII case ignored).
fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A dynamic column that an export may have written as JSON text.
fn dynamic(v: Option<&Value>) -> Option<std::borrow::Cow<'_, Value>> {
    match v? {
        Value::String(s) => crate::json_depth::parse_value(s)
            .ok()
            .map(std::borrow::Cow::Owned),
        other => Some(std::borrow::Cow::Borrowed(other)),
    }
}

/// The GUID of a UAL identity entry `User_<guid>` / `ServicePrincipal_<guid>`.
fn entry_guid(id: &str) -> Option<&str> {
    id.strip_prefix("User_")
        .or_else(|| id.strip_prefix("ServicePrincipal_"))
        .filter(|g| !g.is_empty())
}

/// An application as the actor is known: `name (id)`, `app (id)` when it has no name (a bare
/// GUID would read as a user's object id). Its
/// name is chosen by whoever registers it (an app can be named `helpdesk@contoso.com`): the
/// id, given by Entra, goes into the name, so that no app is ever the same actor as a user
/// or as another app of the same name. The id is the service principal's object id, which
/// both logs carry: UAL `Actor` `ServicePrincipal_<id>`, Entra `initiatedBy.app.servicePrincipalId`.
pub fn app_actor(name: &str, id: &str) -> String {
    match (name.is_empty(), id.is_empty()) {
        (_, true) => name.to_owned(),
        (true, false) => format!("app ({id})"),
        (false, false) => format!("{name} ({id})"),
    }
}

/// An application the record gives no id of, as shown and kept: `name (app, no id)`, so
/// that it never reads as the user (or the app with an id) its owner named it after, in a
/// column, a frequency view or a report ("" when it has no name either).
pub fn named_app_actor(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("{name} (app, no id)")
    }
}

/// The actor of a UAL record (Azure AD records; Office 365 Management Activity API
/// schema), from its `UserId` and the `ID`s of its `Actor` entries: (actor, actor id, kind).
///
/// A user is its `UserId` (the UPN) and the GUID of `User_<guid>`. An application (a
/// `ServicePrincipal_<guid>` entry or `UserId`, or the class entry `ServicePrincipal` that
/// the query reads as Role, with no `User_<guid>`) is [`ActorKind::App`] by the service
/// principal's object id: the GUID of `ServicePrincipal_<guid>`, else the entry the UAL
/// writes just before the class (the same object id, written bare). It is shown `name (id)`
/// ([`app_actor`]); its name is `UserId` (`Microsoft Graph`, or whatever its owner named
/// it) unless `UserId` is the id itself (`ServicePrincipal_<guid>`, as the UAL writes an
/// app it has no name for), else the entry of type 1 (Name). An application with no id is
/// [`ActorKind::NamedApp`]: its name, never the user of that name.
pub fn ual_actor(user_id: &str, entries: &[(&str, Option<i64>)]) -> (String, String, ActorKind) {
    if let Some(user) = entries
        .iter()
        .find_map(|(id, _)| id.strip_prefix("User_").filter(|g| !g.is_empty()))
    {
        return (user_id.to_owned(), user.to_owned(), ActorKind::User);
    }
    let sp = |s: &'_ str| {
        s.strip_prefix("ServicePrincipal_")
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
    };
    let from_entry = entries.iter().find_map(|(id, _)| sp(id));
    let from_user_id = sp(user_id);
    let class = entries
        .iter()
        .rposition(|(id, _)| id.eq_ignore_ascii_case("ServicePrincipal"));
    let id = match (from_entry, &from_user_id, class) {
        (Some(g), ..) => g,
        (None, Some(g), _) => g.clone(),
        (None, None, Some(c)) => c
            .checked_sub(1)
            .map(|i| entries[i])
            .filter(|(id, ty)| *ty != Some(1) && !id.contains(['@', '_', ' ']))
            .map_or(String::new(), |(id, _)| id.to_owned()),
        (None, None, None) => return (user_id.to_owned(), String::new(), ActorKind::User),
    };
    let names_itself =
        from_user_id.is_some() || (!id.is_empty() && user_id.eq_ignore_ascii_case(&id));
    let name = if user_id.is_empty() || names_itself {
        entries
            .iter()
            .find(|(_, ty)| *ty == Some(1))
            .map_or("", |(id, _)| id)
    } else {
        user_id
    };
    if id.is_empty() {
        return (named_app_actor(name), String::new(), ActorKind::NamedApp);
    }
    (app_actor(name, &id), id, ActorKind::App)
}

/// An application's name as its actor shows it: `name` of `name (id)` ([`app_actor`]),
/// "" when it has none.
pub fn app_name<'a>(actor: &'a str, id: &str) -> &'a str {
    if actor.eq_ignore_ascii_case(id)
        || actor
            .strip_prefix("app (")
            .and_then(|a| a.strip_suffix(')'))
            == Some(id)
    {
        return "";
    }
    actor
        .strip_suffix(')')
        .and_then(|a| a.strip_suffix(id))
        .and_then(|a| a.strip_suffix(" ("))
        .unwrap_or(actor)
}

/// The GUID of the `User_<guid>` entry of a UAL `Actor` array, read from the array's bytes
/// as written (`[{"ID":"User_<guid>",…}]`), as [`ual_actor`] reads it from the parsed
/// entries: the first string that starts `User_` and holds only a GUID's characters after
/// it. None when there is none, or when the array is JSON text in a string (Sentinel
/// OfficeActivity). Most UAL records have one: the index reads it for every record without
/// parsing the array (`context::extract`).
pub fn user_guid(actor: &[u8]) -> Option<&[u8]> {
    if actor.first() != Some(&b'[') {
        return None;
    }
    // Built once, not for each record (`memmem::find_iter` builds its searcher each call).
    static USER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"User_"));
    USER.find_iter(actor).find_map(|at| {
        // A quote that opens a string: not escaped (an even run of backslashes before it).
        let escapes = actor[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if escapes % 2 == 1 {
            return None;
        }
        let start = at + 6;
        let len = actor[start..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit() || **b == b'-')
            .count();
        (len > 0 && actor.get(start + len) == Some(&b'"')).then(|| &actor[start..start + len])
    })
}

/// The `ID` and `Type` of each entry of a UAL `Actor` array (a Type written as text read
/// as its number).
pub fn actor_entries(v: Option<&Value>) -> Vec<(&str, Option<i64>)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let e = e.as_object()?;
            let id = field(e, "ID").and_then(Value::as_str)?;
            let ty = field(e, "Type").and_then(|t| match t {
                Value::String(s) => s.trim().parse().ok(),
                other => other.as_i64(),
            });
            Some((id, ty))
        })
        .collect()
}

/// The object a UAL record's `Target` entries (`ID`, `Type`) name when they say it is no
/// user: the GUID of its `<Class>_<guid>` entry (`Group_<guid>`, `ServicePrincipal_<guid>`;
/// "" when it has none). None when an entry names a user (`User_<guid>`, the class `User`)
/// or none names a class (the class is an entry `<Class>_<guid>`, or a bare word of type 2
/// such as `Group`; a Name, type 1, is the object's own and says nothing). As Entra's
/// `targetResources` type and CloudAppEvents' `ActivityObjects` are read: a group named
/// `victim@contoso.com` in `ObjectId` is not the victim.
pub fn ual_non_user_target<'a>(entries: &[(&'a str, Option<i64>)]) -> Option<&'a str> {
    let class_of = |id: &'a str, ty: Option<i64>| -> Option<(&'a str, &'a str)> {
        match id.split_once('_') {
            Some((class, guid))
                if !class.is_empty()
                    && class.bytes().all(|b| b.is_ascii_alphabetic())
                    && !guid.is_empty()
                    && guid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') =>
            {
                Some((class, guid))
            }
            None if ty == Some(2)
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                Some((id, ""))
            }
            _ => None,
        }
    };
    let classes: Vec<(&str, &str)> = entries
        .iter()
        .filter_map(|&(id, ty)| class_of(id, ty))
        .collect();
    if classes.is_empty() || classes.iter().any(|(c, _)| c.eq_ignore_ascii_case("User")) {
        return None;
    }
    Some(
        classes
            .iter()
            .find(|(_, guid)| !guid.is_empty())
            .map_or("", |(_, guid)| guid),
    )
}

/// The `ID` values of a UAL `Actor` or `Target` array.
fn entry_ids(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| field(e.as_object()?, "ID").and_then(Value::as_str))
        .collect()
}

/// A Unified Audit Log record (also the RawEventData of a CloudAppEvents row).
pub fn ual(record: &Map<String, Value>) -> Parties {
    // `Actor` and `Target` are arrays, or JSON text where an export writes its dynamic
    // columns so (Sentinel OfficeActivity in Log Analytics JSON and CSV).
    let target_entries = dynamic(field(record, "Target"));
    let targets = entry_ids(target_entries.as_deref());
    // Sentinel's OfficeActivity names the UAL's ObjectId `OfficeObjectId`, and the user
    // acted on `AADTarget` (it keeps no `Target` entries).
    let object_id = ["ObjectId", "OfficeObjectId", "AADTarget"]
        .iter()
        .map(|k| text(field(record, k)))
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    // A record no export writes (a forged or misread one): said on the row (`lookalike`).
    let targets_differ = targets_disagree(&object_id, &targets).is_some();
    let target_upn = targets.iter().find(|t| t.contains('@')).copied();
    let target = if object_id.is_empty() || (target_upn.is_some() && !object_id.contains('@')) {
        target_upn.map(str::to_owned).unwrap_or(object_id)
    } else {
        object_id
    };
    let mut target_id = targets
        .iter()
        .find_map(|t| entry_guid(t))
        .unwrap_or_default()
        .to_owned();
    // A group (or an app) whose name is a UPN is not that user: no target, its id kept.
    let non_user = ual_non_user_target(&actor_entries(target_entries.as_deref()));
    let target = match non_user {
        Some(id) => {
            target_id = id.to_owned();
            String::new()
        }
        None => target,
    };
    let actor_entries_value = dynamic(field(record, "Actor"));
    let (actor, actor_id, actor_kind) = ual_actor(
        &text(field(record, "UserId")),
        &actor_entries(actor_entries_value.as_deref()),
    );
    Parties {
        target,
        target_id,
        actor,
        actor_id,
        actor_kind,
        correlation: text(field(record, "InterSystemsId")),
        targets_differ,
    }
}

/// A CloudAppEvents row (its columns, RawEventData already taken out) and its RawEventData.
pub fn cloud_app(row: &Map<String, Value>, raw: Option<&Value>) -> Parties {
    let mut p = raw.and_then(Value::as_object).map(ual).unwrap_or_default();
    let activity = dynamic(field(row, "ActivityObjects"));
    let target_object = activity
        .as_deref()
        .and_then(Value::as_array)
        .and_then(|items| {
            items.iter().filter_map(Value::as_object).find(|o| {
                field(o, "Role")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.eq_ignore_ascii_case("Target object"))
            })
        });
    // The target object's `Id` names it (a UPN, or its object id); its `Name` (as the row's
    // `ObjectName`) is a display name, chosen by whoever names the object: a group, an app or
    // an account renamed `victim@contoso.com` is not the victim, so a name never becomes
    // the target. RawEventData's `ObjectId` stands when it is a UPN.
    if let Some(o) = target_object {
        let id = text(field(o, "Id"));
        if !id.is_empty() && !p.target.contains('@') {
            if id.contains('@') {
                p.target = id;
            } else {
                p.target.clear();
                if p.target_id.is_empty() {
                    p.target_id = id;
                }
            }
        }
    }
    if p.target_id.is_empty() {
        p.target_id = text(field(row, "ObjectId"));
    }
    // AccountObjectId is the user's object id, or the application's (the id an app is
    // known by: its actor is `name (id)` again with it).
    let account = text(field(row, "AccountObjectId"));
    if !account.is_empty() {
        if p.actor_kind == ActorKind::App && !p.actor_id.eq_ignore_ascii_case(&account) {
            p.actor = app_actor(app_name(&p.actor, &p.actor_id), &account);
        }
        if p.actor_kind == ActorKind::User || p.actor_kind == ActorKind::App {
            p.actor_id = account;
        }
    }
    if p.actor.is_empty() {
        p.actor = text(field(row, "AccountId"));
    }
    p
}

/// The type of a `targetResources` entry (`User`, `Group`, `Application`…; "" when none).
fn entry_type(entry: &Value) -> String {
    text(kql::property(Some(entry), "type"))
}

/// The entry of an Entra record's `targetResources` that is the user acted on, if any: the
/// first of `"type": "User"` (Graph directoryAudit, AuditLogs, diagnostic settings, the
/// admin center's download as its `Target<n>Type`); in a record whose entries have no type
/// at all, the first with a `userPrincipalName`. A record may list a group or an
/// application before the user: an entry of another type is never taken for a user's,
/// whatever its `displayName` says.
fn user_entry(items: &[Value]) -> Option<&Value> {
    if let Some(user) = items
        .iter()
        .find(|e| entry_type(e).eq_ignore_ascii_case("User"))
    {
        return Some(user);
    }
    if items.iter().any(|e| !entry_type(e).is_empty()) {
        return None;
    }
    items
        .iter()
        .find(|e| !text(kql::property(Some(e), "userPrincipalName")).is_empty())
}

/// An Entra ID audit record: its `targetResources`, `initiatedBy` and correlation id.
///
/// The target is the user entry's `userPrincipalName` and `id` ([`user_entry`]); a record
/// with no user among its targets has its first object's `id` as target id (an object id
/// never equals a user's UPN or id). A `displayName` is chosen by whoever names the object
/// (a group can be named `victim@contoso.com`): it never stands for the target, so it never
/// makes a record's target equal to an STS event's.
pub fn entra(target_resources: &Value, initiated_by: &Value, correlation: String) -> Parties {
    let items = target_resources.as_array().map_or(&[][..], Vec::as_slice);
    let (target, target_id) = match user_entry(items) {
        Some(user) => (
            text(kql::property(Some(user), "userPrincipalName")),
            text(kql::property(Some(user), "id")),
        ),
        None => (String::new(), text(kql::property(items.first(), "id"))),
    };
    let user = kql::property(Some(initiated_by), "user").filter(|u| !u.is_null());
    let app = kql::property(Some(initiated_by), "app").filter(|a| !a.is_null());
    let user_upn = text(kql::property(user, "userPrincipalName"));
    let (actor, actor_id, actor_kind) = if !user_upn.is_empty() || app.is_none() {
        (user_upn, text(kql::property(user, "id")), ActorKind::User)
    } else {
        // The service principal's object id, as the UAL names the same app
        // (`ServicePrincipal_<id>`: one actor in both logs); the application id only where
        // the record has no service principal id.
        let sp = text(kql::property(app, "servicePrincipalId"));
        let id = if sp.is_empty() {
            text(kql::property(app, "appId"))
        } else {
            sp
        };
        // An app named `helpdesk@contoso.com` must never be the same actor as that user (a
        // `reset`, `self` or `bulk` hint would read an attacker's app as the helpdesk).
        let name = text(kql::property(app, "displayName"));
        if id.is_empty() {
            (named_app_actor(&name), id, ActorKind::NamedApp)
        } else {
            (app_actor(&name, &id), id, ActorKind::App)
        }
    };
    Parties {
        target,
        target_id,
        actor,
        actor_id,
        actor_kind,
        correlation,
        targets_differ: false,
    }
}

/// The correlation column of an Entra record (`CorrelationId`, `correlationId`).
pub fn entra_correlation(obj: &Map<String, Value>) -> String {
    text(field(obj, "correlationId"))
}

#[cfg(test)]
#[path = "parties_tests.rs"]
mod tests;

/// Where a UAL record's `ObjectId` and its `Target` entries name different users (README,
/// *its target*): `ObjectId` a UPN and the entries another UPN, or `ObjectId` an object id
/// and the entries another `User_<id>`. No export writes such a record; a forged or
/// misread one may, and the target shown is read from one of the two. `record` is the
/// record as the drill-down shows it: a UAL record, or one that carries it (`AuditData`,
/// `RawEventData`, a Graph audit log query record's `auditData`), the field as an object
/// or as JSON text. Returns `ObjectId` and the entries' values that disagree with it, as
/// written (not neutralised); None where they agree or one of them names no user.
pub fn ual_target_disagreement(record: &Value) -> Option<(String, Vec<String>)> {
    let outer = record.as_object()?;
    let carried = ["AuditData", "RawEventData", "auditData"]
        .iter()
        .find_map(|k| dynamic(field(outer, k)))
        .filter(|v| v.is_object());
    let ual = match &carried {
        Some(v) if field(outer, "Target").is_none() => v.as_object()?,
        _ => outer,
    };
    let object_id = text(field(ual, "ObjectId"));
    let entries = dynamic(field(ual, "Target"));
    let ids = entry_ids(entries.as_deref());
    let others = targets_disagree(&object_id, &ids)?
        .into_iter()
        .map(str::to_owned)
        .collect();
    Some((object_id, others))
}

/// The `Target` entries' `ID`s (`ids`) that name another user than `ObjectId`
/// (`object_id`): other UPNs where `ObjectId` is a UPN and no entry names it, other
/// `User_<id>`s where `ObjectId` is an object id and no entry names it ([`ual_target_disagreement`]).
/// None where they agree or one of them names no user.
fn targets_disagree<'a>(object_id: &str, ids: &[&'a str]) -> Option<Vec<&'a str>> {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    if object_id.contains('@') {
        let upns: Vec<&str> = ids.iter().copied().filter(|t| t.contains('@')).collect();
        if upns.is_empty() || upns.iter().any(|u| same(u, object_id)) {
            return None;
        }
        Some(upns)
    } else {
        let bare = object_id.strip_prefix("User_").unwrap_or(object_id);
        let users: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|t| t.starts_with("User_") && t.len() > "User_".len())
            .collect();
        if bare.trim().is_empty()
            || users.is_empty()
            || users.iter().any(|u| same(&u["User_".len()..], bare))
        {
            return None;
        }
        Some(users)
    }
}
