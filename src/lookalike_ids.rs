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
/// by their look-alike keys ([`match_keys`]). Each object id, name and UPN is kept once, in
/// `texts`, and the lists name it by its place there: the report's look-alike tables held up
/// to eight copies of a row's object id and three of each UPN and name (about 3 MiB of the
/// report's peak on the 1%-STS file, 5,769 rows).
#[derive(Debug, Default, Clone)]
pub struct Identities {
    /// Every object id, display name and UPN met, each once.
    texts: Vec<Box<str>>,
    /// Lower-case display name → the object ids with it, in the order met.
    by_name: HashMap<Box<str>, Vec<u32>>,
    /// Lower-case UPN → the users' object ids with it, in the order met.
    by_upn: HashMap<Box<str>, Vec<u32>>,
    /// Look-alike key → users' UPNs with it, and their object ids.
    upn_keys: HashMap<Box<str>, Vec<(u32, u32)>>,
    /// Look-alike key → users' display names with it, and their object ids.
    name_keys: HashMap<Box<str>, Vec<(u32, u32)>>,
}

fn add<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The place of `text` in `texts`, kept there if new (`places` finds it again).
fn place<'a>(texts: &mut Vec<Box<str>>, places: &mut HashMap<&'a str, u32>, text: &'a str) -> u32 {
    *places.entry(text).or_insert_with(|| {
        texts.push(text.into());
        u32::try_from(texts.len() - 1).unwrap_or(u32::MAX)
    })
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
        let mut places: HashMap<&'a str, u32> = HashMap::new();
        let mut seen: std::collections::HashSet<(&str, &str, Vec<&str>, bool)> =
            std::collections::HashSet::new();
        for id in ids {
            if id.key.is_empty() || !seen.insert((id.key, id.name, id.upns.clone(), id.app)) {
                continue;
            }
            let key = place(&mut out.texts, &mut places, id.key);
            if !id.name.is_empty() {
                add(
                    out.by_name
                        .entry(id.name.to_lowercase().into())
                        .or_default(),
                    key,
                );
            }
            if id.app {
                continue;
            }
            for upn in &id.upns {
                let text = place(&mut out.texts, &mut places, upn);
                add(
                    out.by_upn.entry(upn.to_lowercase().into()).or_default(),
                    key,
                );
                for k in match_keys(upn) {
                    add(out.upn_keys.entry(k.into()).or_default(), (text, key));
                }
            }
            if !id.name.is_empty() {
                let text = place(&mut out.texts, &mut places, id.name);
                for k in match_keys(id.name) {
                    add(out.name_keys.entry(k.into()).or_default(), (text, key));
                }
            }
        }
        out
    }

    fn text(&self, at: u32) -> &str {
        self.texts.get(at as usize).map_or("", |t| t)
    }

    /// Why the principal of a row may pass for another: each with the row's text it is
    /// about (its display name or one of its UPNs). Empty for almost every row.
    pub fn whys<'a>(&self, id: &Identity<'a>) -> Vec<(&'a str, Why)> {
        let mut out: Vec<(&'a str, Why)> = Vec::new();
        if id.key.is_empty() {
            return out;
        }
        let other = |list: Option<&Vec<u32>>| {
            list.into_iter()
                .flatten()
                .map(|&k| self.text(k))
                .find(|&k| k != id.key)
                .map(str::to_owned)
        };
        let name_is_own_upn = id
            .upns
            .iter()
            .any(|u| u.to_lowercase() == id.name.to_lowercase());
        let mut told: Vec<String> = Vec::new();
        if !id.app {
            for upn in &id.upns {
                if let Some(k) = other(self.by_upn.get(upn.to_lowercase().as_str())) {
                    told.push(k.clone());
                    out.push((upn, Why::SharedUpn(k)));
                }
            }
        }
        // A display name another object id has too, unless that one was told as the same
        // UPN already (a UAL row's display name is its UPN).
        if !id.name.is_empty()
            && let Some(k) = other(self.by_name.get(id.name.to_lowercase().as_str()))
            && !told.contains(&k)
        {
            out.push((id.name, Why::SharedName(k)));
        }
        if id.name.is_empty() || name_is_own_upn {
            return out;
        }
        // The first other principal's UPN (then, for an application, display name) the
        // name shares a look-alike key with.
        let find = |map: &HashMap<Box<str>, Vec<(u32, u32)>>| {
            match_keys(id.name).into_iter().find_map(|k| {
                map.get(k.as_str())?
                    .iter()
                    .find(|&&(_, key)| self.text(key) != id.key)
                    .map(|&(t, _)| self.text(t).to_owned())
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
