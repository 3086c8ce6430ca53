//! Who is who among the loaded data's principals, for the `lookalike` hint: the same
//! text can pass for another principal without one odd letter. A second account given the
//! display name `Contoso Admin`, an account whose display name is the admin's UPN, one UPN
//! under two object ids, a service principal named `admin@contoso.com`: each row of them
//! names a principal other than the one the analyst reads ([`Identities::whys`]).

use std::collections::HashMap;

use crate::lookalike::{Why, match_keys};

/// One principal as a row gives it: its object id (the application's for a service
/// principal), display name, the UPNs it acts as (a user's; none for an application) and
/// whether it is an application or service principal.
#[derive(Debug, Clone)]
pub struct Identity<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub upns: Vec<&'a str>,
    pub app: bool,
}

/// The object ids behind each display name and UPN, and the users' UPNs and display names
/// by their look-alike keys ([`match_keys`]).
#[derive(Debug, Default, Clone)]
pub struct Identities {
    /// Lower-case display name → the object ids with it, in the order met.
    by_name: HashMap<String, Vec<String>>,
    /// Lower-case UPN → the users' object ids with it, in the order met.
    by_upn: HashMap<String, Vec<String>>,
    /// Look-alike key → users' UPNs with it, and their object ids.
    upn_keys: HashMap<String, Vec<(String, String)>>,
    /// Look-alike key → users' display names with it, and their object ids.
    name_keys: HashMap<String, Vec<(String, String)>>,
}

fn add(list: &mut Vec<String>, key: &str) {
    if !list.iter().any(|k| k == key) {
        list.push(key.to_owned());
    }
}

fn add_pair(list: &mut Vec<(String, String)>, text: &str, key: &str) {
    if !list.iter().any(|(t, k)| t == text && k == key) {
        list.push((text.to_owned(), key.to_owned()));
    }
}

/// Who a near miss's actor is, as [`crate::lookalike::row_identity`] says it of a row (a
/// near miss has no row: its record's actor stands for the row's account): the actor's
/// object id (an application's id), the actor as the query reads it (the row's
/// AccountDisplayName), its UPN (a user's) and whether it is an application.
pub fn event_identity(e: &crate::model::StsEvent) -> Identity<'_> {
    let p = &e.parties;
    let app = p.actor_kind != crate::model::ActorKind::User;
    Identity {
        key: p.actor_id.trim(),
        name: e.actor.as_str(),
        upns: if app || p.actor.is_empty() {
            Vec::new()
        } else {
            vec![p.actor.as_str()]
        },
        app,
    }
}

impl Identities {
    /// From the rows' principals (repeats fine; rows without an object id are left out:
    /// nothing tells their principal apart).
    pub fn new<'a>(ids: impl Iterator<Item = Identity<'a>>) -> Self {
        let mut out = Self::default();
        let mut seen: std::collections::HashSet<(&str, &str, Vec<&str>, bool)> =
            std::collections::HashSet::new();
        for id in ids {
            if id.key.is_empty() || !seen.insert((id.key, id.name, id.upns.clone(), id.app)) {
                continue;
            }
            if !id.name.is_empty() {
                add(
                    out.by_name.entry(id.name.to_lowercase()).or_default(),
                    id.key,
                );
            }
            if id.app {
                continue;
            }
            for upn in &id.upns {
                add(out.by_upn.entry(upn.to_lowercase()).or_default(), id.key);
                for k in match_keys(upn) {
                    add_pair(out.upn_keys.entry(k).or_default(), upn, id.key);
                }
            }
            if !id.name.is_empty() {
                for k in match_keys(id.name) {
                    add_pair(out.name_keys.entry(k).or_default(), id.name, id.key);
                }
            }
        }
        out
    }

    /// Why the principal of a row may pass for another: each with the row's text it is
    /// about (its display name or one of its UPNs). Empty for almost every row.
    pub fn whys<'a>(&self, id: &Identity<'a>) -> Vec<(&'a str, Why)> {
        let mut out: Vec<(&'a str, Why)> = Vec::new();
        if id.key.is_empty() {
            return out;
        }
        let other = |list: Option<&Vec<String>>| {
            list.into_iter()
                .flatten()
                .find(|k| k.as_str() != id.key)
                .cloned()
        };
        let name_is_own_upn = id
            .upns
            .iter()
            .any(|u| u.to_lowercase() == id.name.to_lowercase());
        let mut told: Vec<String> = Vec::new();
        if !id.app {
            for upn in &id.upns {
                if let Some(k) = other(self.by_upn.get(&upn.to_lowercase())) {
                    told.push(k.clone());
                    out.push((upn, Why::SharedUpn(k)));
                }
            }
        }
        // A display name another object id has too, unless that one was told as the same
        // UPN already (a UAL row's display name is its UPN).
        if !id.name.is_empty()
            && let Some(k) = other(self.by_name.get(&id.name.to_lowercase()))
            && !told.contains(&k)
        {
            out.push((id.name, Why::SharedName(k)));
        }
        if id.name.is_empty() || name_is_own_upn {
            return out;
        }
        // The first other principal's UPN (then, for an application, display name) the
        // name shares a look-alike key with.
        let find = |map: &HashMap<String, Vec<(String, String)>>| {
            match_keys(id.name).into_iter().find_map(|k| {
                map.get(&k)?
                    .iter()
                    .find(|(_, key)| key != id.key)
                    .map(|(t, _)| t.clone())
            })
        };
        if id.app {
            if let Some(t) = find(&self.upn_keys).or_else(|| find(&self.name_keys)) {
                out.push((id.name, Why::AppNamedLikeUser(t)));
            }
        } else if let Some(upn) = find(&self.upn_keys) {
            out.push((id.name, Why::NameIsUpn(upn)));
        }
        out
    }
}
