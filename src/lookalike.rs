//! Look-alike principals: a UPN, display name or app name that may pass for another's
//! (`аdmin@contoso.com` with a Cyrillic `а`, `admin@contοso.com` with a Greek `ο`,
//! `admin@contoso.corn`, `𝐚𝐝𝐦𝐢𝐧@contoso.com`). The rules are Unicode's (UTS #39, Unicode
//! Security Mechanisms, through the `unicode-security` crate's tables):
//!
//! - **mixed scripts**: a word whose letters belong to no one script (TR39's resolved
//!   script set is empty; Han with Hiragana and Katakana is one writing system). Words are
//!   checked one by one, so that a name written in one script (`Иван Петров`, `Νίκος`) is
//!   never flagged for not being Latin (TR39's single-script rule);
//! - **whole-script confusable**: a word all in one script other than Latin whose every
//!   letter looks like a Latin one (`ехр`, Cyrillic), in a text that has Latin words too;
//! - **compatibility letters**: full-width (`ａｄｍｉｎ`), mathematical (`𝐚𝐝𝐦𝐢𝐧`) and other
//!   letters or digits that NFKC changes (TR39's identifier type `Not_NFKC`): no directory
//!   writes a real UPN with them;
//! - **stacked marks**: the same combining mark twice in a row or more than four marks on
//!   one letter, once composed (TR39 §5.4's optional detection): `admin@contoso.com̀̀̀`;
//! - **confusable with another principal**: two texts of the loaded data with the same
//!   TR39 skeleton that are not the same text, ASCII case aside (`admin@contoso.corn` and
//!   `admin@contoso.com`: `m` and `rn` have one skeleton) ([`Principals`]).
//!
//! Only a hint (`lookalike`): the analyst decides.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_script::{Script, UnicodeScript};
use unicode_security::general_security_profile::IdentifierType;
use unicode_security::{GeneralSecurityProfile, MixedScript, skeleton};

use crate::model::{Finding, StsEvent};
use crate::neutralize::neutralize;

#[path = "lookalike_case.rs"]
mod case;
use case::same_text;

/// Why a principal's text may pass for another's (see the module's rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A word mixes the letters of these scripts (full names, Latin first, then in the
    /// order met).
    MixedScripts(Vec<&'static str>),
    /// A word all in this script (not Latin) whose letters all look like Latin ones.
    WholeScript(&'static str),
    /// Letters or digits NFKC changes: `full-width`, `mathematical` or `compatibility`.
    Compatibility(&'static str),
    /// A combining mark repeated, or more than four on one letter.
    StackedMarks,
    /// White space at the start or end, a space that is not U+0020, or two in a row:
    /// `admin@contoso.com ` passes for `admin@contoso.com`.
    Spaces,
    /// The display name is another principal's too: the other's object id.
    SharedName(String),
    /// The UPN is another principal's too (another object id): the other's object id.
    SharedUpn(String),
    /// The display name is (or looks like) another principal's UPN: that UPN.
    NameIsUpn(String),
    /// An application or service principal named as (or like) a user's UPN or display
    /// name: that text.
    AppNamedLikeUser(String),
    /// What the why panel says of the target ([`crate::lookalike_targets`]): its record
    /// names two users; the loaded data names its UPN with two object ids (those ids).
    TargetsDiffer,
    TargetUpnIds(String, String),
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MixedScripts(scripts) => write!(f, "mixed scripts: {}", scripts.join(" + ")),
            Self::WholeScript(script) => write!(f, "{script} letters that look like Latin ones"),
            Self::Compatibility("compatibility") => {
                write!(f, "compatibility letters (NFKC changes them)")
            }
            Self::Compatibility(kind) => write!(f, "{kind} letters"),
            Self::StackedMarks => write!(f, "stacked combining marks"),
            Self::Spaces => write!(f, "white space a principal's name has not"),
            Self::SharedName(id) => {
                write!(f, "display name also used by object id {}", neutralize(id))
            }
            Self::SharedUpn(id) => write!(f, "same UPN, another object id {}", neutralize(id)),
            Self::NameIsUpn(upn) => {
                write!(
                    f,
                    "display name is another principal's UPN {}",
                    visible(upn)
                )
            }
            Self::AppNamedLikeUser(name) => {
                write!(f, "application named like user {}", visible(name))
            }
            Self::TargetsDiffer | Self::TargetUpnIds(..) => crate::lookalike_targets::why(self, f),
        }
    }
}

/// The script of a character, unless it is shared (Common, Inherited) or unknown.
fn own_script(c: char) -> Option<Script> {
    match c.script() {
        Script::Common | Script::Inherited | Script::Unknown => None,
        s => Some(s),
    }
}

/// Why `text` may pass for another principal's on its own (no other text needed): empty
/// for almost every text (any ASCII text at once).
pub fn why(text: &str) -> Vec<Why> {
    let mut out = Vec::new();
    if has_odd_spaces(text) {
        out.push(Why::Spaces);
    }
    if text.is_ascii() {
        return out;
    }
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
        .collect();
    let has_latin = words
        .iter()
        .any(|w| w.chars().any(|c| own_script(c) == Some(Script::Latin)));
    for word in &words {
        if word.is_ascii() {
            continue;
        }
        let mut scripts: Vec<Script> = Vec::new();
        for s in word.chars().filter_map(own_script) {
            if !scripts.contains(&s) {
                scripts.push(s);
            }
        }
        // Latin first (the script the others imitate, in the texts of a tenant), then in
        // the order met: `Latin + Cyrillic`.
        scripts.sort_by_key(|s| *s != Script::Latin);
        let names = || scripts.iter().map(|s| s.full_name()).collect::<Vec<_>>();
        if !word.is_single_script() {
            push_once(&mut out, Why::MixedScripts(names()));
        } else if let [s] = scripts[..]
            && s != Script::Latin
            && has_latin
            && skeleton(word).all(|c| c.is_ascii_alphanumeric())
        {
            push_once(&mut out, Why::WholeScript(s.full_name()));
        }
    }
    for c in text.chars() {
        if c.is_alphanumeric() && c.identifier_type() == Some(IdentifierType::Not_NFKC) {
            let kind = match u32::from(c) {
                0xFF00..=0xFFEF => "full-width",
                0x1D400..=0x1D7FF => "mathematical",
                _ => "compatibility",
            };
            push_once(&mut out, Why::Compatibility(kind));
        }
    }
    if has_stacked_marks(text) {
        out.push(Why::StackedMarks);
    }
    out
}

/// A white space character, U+0020 or any other (NBSP, the typographic spaces, ...).
fn is_space(c: char) -> bool {
    c.is_whitespace() || crate::neutralize::is_lookalike_space(c)
}

/// White space at either end, a space other than U+0020, or two spaces in a row.
fn has_odd_spaces(text: &str) -> bool {
    text.starts_with(is_space)
        || text.ends_with(is_space)
        || text.chars().any(|c| is_space(c) && c != ' ')
        || text.contains("  ")
}

/// The text neutralised, with a space at either end written `␠` (a bare trailing space
/// is invisible on screen and Markdown drops it).
pub fn visible(text: &str) -> String {
    mark_edge_spaces(&neutralize(text)).into_owned()
}

/// `text` with each U+0020 at either end written `␠` (the text itself when it has none).
pub fn mark_edge_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    let lead = text.len() - text.trim_start_matches(' ').len();
    let trail = text.len() - text.trim_end_matches(' ').len();
    if lead == 0 && trail == 0 {
        return text.into();
    }
    if lead == text.len() {
        return "␠".repeat(text.len()).into();
    }
    format!(
        "{}{}{}",
        "␠".repeat(lead),
        &text[lead..text.len() - trail],
        "␠".repeat(trail)
    )
    .into()
}

pub(crate) fn push_once(out: &mut Vec<Why>, why: Why) {
    if !out.contains(&why) {
        out.push(why);
    }
}

/// The same combining mark twice in a row, or more than four marks in a row, once the
/// text is composed (NFC): `á` written as `a` and U+0301 is one letter.
fn has_stacked_marks(text: &str) -> bool {
    let mut run: Vec<char> = Vec::new();
    for c in text.nfc() {
        if is_combining_mark(c) {
            if run.contains(&c) || run.len() >= 4 {
                return true;
            }
            run.push(c);
        } else {
            run.clear();
        }
    }
    false
}

/// The text with each character that looks like ASCII written as that ASCII (`аdmin` →
/// `admin`, `ａｄｍｉｎ` → `admin`) and combining marks left out; `None` when that
/// changes nothing or leaves characters that are not ASCII.
pub fn ascii_form(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if is_combining_mark(c) {
        } else {
            // A compatibility letter is the letter NFKC gives (`𝐦` is `m`, where its
            // skeleton is `rn`), any other its skeleton.
            let mut buf = [0u8; 4];
            let compat: String = c.encode_utf8(&mut buf).nfkc().collect();
            let p: String = if compat.is_ascii() {
                compat
            } else {
                skeleton(c.encode_utf8(&mut buf))
                    .filter(|c| !is_combining_mark(*c))
                    .collect()
            };
            if p.is_ascii() && !p.is_empty() {
                out.push_str(&p);
            } else {
                return None;
            }
        }
    }
    (out != text).then_some(out)
}

/// The TR39 skeleton of each ASCII character (`m` → `rn`, `1` → `l`, `0` → `O`, `%` →
/// `°/₀`): none starts with a combining mark (that the crate's last NFD could move), so an
/// ASCII text's skeleton is theirs end to end (`tests` compare every pair).
fn ascii_skeletons() -> &'static [String; 128] {
    static TABLE: OnceLock<[String; 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            let c = char::from(u8::try_from(i).unwrap_or(0));
            skeleton(&c.to_string()).collect()
        })
    })
}

/// The TR39 skeleton of `text`: two texts that look alike have the same one.
pub fn skeleton_of(text: &str) -> String {
    if text.is_ascii() {
        let table = ascii_skeletons();
        let mut out = String::with_capacity(text.len() + 4);
        for b in text.bytes() {
            out.push_str(&table[usize::from(b)]);
        }
        return out;
    }
    skeleton(text).collect()
}

/// ASCII look-alikes TR39's skeletons leave apart once they are lower-cased: `rn` and
/// `m` (TR39 maps `m` to `rn` but keeps `M`), `5` and `s`, `vv` and `w` (`0`/`o` and
/// `1`/`l`/`I` TR39 maps itself). The pairs are those of the homoglyph tables of domain
/// typo-squatting checkers (dnstwist's `o`: `0`, `l`: `1`, `s`: `5`, `m`: `rn`, `w`: `vv`).
const ASCII_ALIKE: [(&str, &str); 4] = [("rn", "m"), ("5", "s"), ("vv", "w"), ("0", "o")];

/// The texts two look-alikes share one of: the TR39 skeleton of the text as written, of
/// its upper case and of its lower case, each lower-cased and with [`ASCII_ALIKE`] applied
/// (`ADMlN` and `admin`: the skeleton of `ADMIN` is `ADMlN`; `admin@c0ntoso.com`); white
/// space left out (`admin@contoso.com ` is `admin@contoso.com`).
pub fn match_keys(text: &str) -> Vec<String> {
    let base: String = text.chars().filter(|c| !is_space(*c)).collect();
    let mut out: Vec<String> = Vec::with_capacity(3);
    for variant in [base.to_uppercase(), base.to_lowercase(), base] {
        let mut k = skeleton_of(&variant).to_lowercase();
        for (from, to) in ASCII_ALIKE {
            if k.contains(from) {
                k = k.replace(from, to);
            }
        }
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// The principals of the loaded data that look like another of them (a [`match_keys`]
/// key in common, not the same text case aside), each with those it looks like; and who
/// is who ([`Identity`]): one display name or UPN used by several object ids, a display
/// name that is another's UPN, an application named like a user.
#[derive(Debug, Default, Clone)]
pub struct Principals {
    alike: HashMap<String, Vec<String>>,
    ids: crate::lookalike_ids::Identities,
}

impl Principals {
    /// From every principal text of the loaded data (repeats and empty texts are fine).
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Self {
        let distinct: Vec<&str> = {
            let set: HashSet<&str> = texts.filter(|t| !t.is_empty()).collect();
            let mut v: Vec<&str> = set.into_iter().collect();
            v.sort_unstable();
            v
        };
        let keys: Vec<Vec<String>> = distinct.iter().map(|t| match_keys(t)).collect();
        let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, ks) in keys.iter().enumerate() {
            for k in ks {
                groups.entry(k.as_str()).or_default().push(i);
            }
        }
        let mut alike = HashMap::new();
        let mut plain: HashMap<usize, bool> = HashMap::new();
        let mut is_plain = |i: usize| {
            *plain
                .entry(i)
                .or_insert_with(|| why(distinct[i]).is_empty())
        };
        for (i, t) in distinct.iter().enumerate() {
            let mut near: Vec<usize> = keys[i]
                .iter()
                .flat_map(|k| groups.get(k.as_str()).into_iter().flatten().copied())
                .filter(|&j| j != i && !same_text(distinct[j], t))
                .collect();
            if near.is_empty() {
                continue;
            }
            near.sort_unstable();
            near.dedup();
            // The one plain text among odd ones is what they imitate, not a look-alike.
            if is_plain(i) && near.iter().all(|&j| !is_plain(j)) {
                continue;
            }
            // Plain texts (nothing odd on their own) first, then in text order: the first
            // named is the one a look-alike most likely passes for.
            // Among those, one that differs only in white space or case first,
            let bare = |t: &str| -> String { t.chars().filter(|c| !is_space(*c)).collect() };
            let own = bare(t);
            // then one of the same skeleton as written (case kept, then case aside).
            let skel = skeleton_of(t);
            near.sort_by_key(|&j| {
                let o = distinct[j];
                let b = bare(o);
                let rank = if b == own {
                    0
                } else if same_text(&b, &own) {
                    1
                } else if skeleton_of(o) == skel {
                    2
                } else if skeleton_of(o).to_lowercase() == skel.to_lowercase() {
                    3
                } else {
                    4
                };
                (!is_plain(j), rank, j)
            });
            alike.insert(
                (*t).to_owned(),
                near.into_iter().map(|j| distinct[j].to_owned()).collect(),
            );
        }
        Self {
            alike,
            ids: Default::default(),
        }
    }

    /// The same, with who is who of the loaded data's rows.
    pub fn with_identities<'a>(
        mut self,
        ids: impl Iterator<Item = crate::lookalike_ids::Identity<'a>>,
    ) -> Self {
        self.ids = crate::lookalike_ids::Identities::new(ids);
        self
    }

    /// The other principals `text` looks like (plain ones first), if any.
    pub fn others(&self, text: &str) -> &[String] {
        self.alike.get(text).map_or(&[], Vec::as_slice)
    }
}

/// One look-alike principal of a row: which party (`actor`, `target`, `account`), its text
/// as read, why, and what it looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    pub party: String,
    pub text: String,
    pub why: Vec<Why>,
    /// Another principal of the loaded data it looks like, else its own ASCII form.
    pub looks_like: Option<String>,
    /// Whether `looks_like` is another principal of the loaded data.
    pub another: bool,
}

/// The most look-alike principals a row's hint names (a row of thousands of targets).
pub(crate) const LISTED: usize = 3;

impl Lookalike {
    /// `text` as `party`, when it looks like another principal.
    pub fn of(party: &str, text: &str, principals: &Principals) -> Option<Self> {
        let why = why(text);
        let others = principals.others(text);
        if why.is_empty() && others.is_empty() {
            return None;
        }
        let (looks_like, another) = match others.first() {
            Some(o) => (Some(o.clone()), true),
            None => (ascii_form(text), false),
        };
        Some(Self {
            party: party.to_owned(),
            text: text.to_owned(),
            why,
            looks_like,
            another,
        })
    }

    /// The first few characters of the text that are not ASCII, as code points.
    fn odd_chars(&self) -> String {
        let odd: Vec<String> = self
            .text
            .chars()
            .filter(|c| !c.is_ascii())
            .take(4)
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        odd.join(" ")
    }
}

impl fmt::Display for Lookalike {
    /// `actor аdmin@contoso.com (U+0430): mixed scripts: Latin + Cyrillic; looks like
    /// admin@contoso.com, another principal in the loaded data`: event strings neutralised.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A row of several targets, one of whose records names two (which is not known).
        if self.text.is_empty() {
            write!(f, "{}", self.party)?;
        } else {
            write!(f, "{} {}", self.party, visible(&self.text))?;
        }
        let odd = self.odd_chars();
        if !odd.is_empty() {
            write!(f, " ({odd})")?;
        }
        let why: Vec<String> = self.why.iter().map(ToString::to_string).collect();
        if !why.is_empty() {
            write!(f, ": {}", why.join(", "))?;
        }
        if let Some(like) = &self.looks_like {
            let sep = if why.is_empty() { ":" } else { ";" };
            write!(f, "{sep} looks like {}", visible(like))?;
            if self.another {
                write!(f, ", another principal in the loaded data")?;
            }
        }
        Ok(())
    }
}

/// The look-alike principals of a flagged row: its account (display name), targets and
/// actors, each text once (an account named as its actor's UPN is `actor and account`),
/// at most [`LISTED`] of them; and how many more there are.
pub fn of_row(f: &Finding, principals: &Principals) -> (Vec<Lookalike>, usize) {
    let (targets, actors) = (f.totals.targets(), f.totals.actors());
    let id = row_identity(f);
    let parties = actors
        .iter()
        .map(|t| ("actor", *t))
        .chain(targets.iter().map(|t| ("target", *t)))
        .chain(std::iter::once((
            "account",
            f.row.account_display_name.as_str(),
        )));
    let (mut out, mut more) = of_parties(parties, principals);
    add_identity_whys(&mut out, &mut more, &id, principals);
    (out, more)
}

/// Who is who ([`crate::lookalike_ids::Identities::whys`]) added to the look-alikes of a
/// row or a near miss whose principal is `id`: to the same text's reasons, else as one
/// more principal (counted in `more` past [`LISTED`]).
fn add_identity_whys(
    out: &mut Vec<Lookalike>,
    more: &mut usize,
    id: &crate::lookalike_ids::Identity<'_>,
    principals: &Principals,
) {
    for (text, why) in principals.ids.whys(id) {
        if let Some(l) = out.iter_mut().find(|l| l.text == text) {
            push_once(&mut l.why, why);
        } else if out.len() < LISTED {
            let party = match (text == id.name, id.upns.contains(&text)) {
                (true, true) => "actor and account",
                (true, false) => "account",
                _ => "actor",
            };
            out.push(Lookalike {
                party: party.to_owned(),
                text: text.to_owned(),
                why: vec![why],
                looks_like: None,
                another: false,
            });
        } else {
            *more += 1;
        }
    }
}

/// Who a row's principal is: its object id, display name, UPNs (a user's actors) and
/// whether it is an application (its role is not a user's).
pub fn row_identity(f: &Finding) -> crate::lookalike_ids::Identity<'_> {
    let app = !crate::hints::is_user_role(&f.row.role);
    crate::lookalike_ids::Identity {
        key: &f.row.account_object_id,
        name: &f.row.account_display_name,
        upns: if app { Vec::new() } else { f.totals.actors() },
        app,
    }
}

/// The look-alike principals of one STS event (a near miss): its actor, target and the
/// actor as the query reads it, as [`of_row`] gives them, who is who included (its
/// actor's object id against the rows': [`crate::lookalike_ids::event_identity`]).
pub fn of_event(e: &StsEvent, principals: &Principals) -> (Vec<Lookalike>, usize) {
    let parties = [
        ("actor", e.parties.actor_label()),
        ("target", e.parties.target_label()),
        ("account", e.actor.as_str()),
    ];
    let (mut out, mut more) = of_parties(parties.into_iter(), principals);
    let id = crate::lookalike_ids::event_identity(e);
    add_identity_whys(&mut out, &mut more, &id, principals);
    (out, more)
}

fn of_parties<'a>(
    parties: impl Iterator<Item = (&'static str, &'a str)>,
    principals: &Principals,
) -> (Vec<Lookalike>, usize) {
    let mut out: Vec<Lookalike> = Vec::new();
    let mut more = 0;
    for (party, text) in parties {
        if let Some(l) = out.iter_mut().find(|l| l.text == text) {
            if !l.party.contains(party) {
                l.party = format!("{} and {party}", l.party);
            }
            continue;
        }
        let Some(l) = Lookalike::of(party, text, principals) else {
            continue;
        };
        if out.len() < LISTED {
            out.push(l);
        } else {
            more += 1;
        }
    }
    (out, more)
}

#[cfg(test)]
#[path = "lookalike_tests.rs"]
mod tests;
