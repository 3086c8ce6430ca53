//! Hints, never verdicts: what about a flagged row deserves a second look, each with its
//! reason. The analyst decides; a hint only sorts and explains.

use std::collections::HashMap;
use std::fmt;

use crate::model::Finding;
use crate::neutralize::{has_dangerous, neutralize};
use crate::scan::ScanReport;

/// Thresholds of the hints (command line: `--far-minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintConfig {
    /// |tokenMinutesRemaining| above this: the valid-from time was set far from the event
    /// time. A session revocation sets it to "now" (0 or 1 minute away); an hour leaves room
    /// for clock skew and ingestion delay while catching a back- or forward-dated value.
    pub far_minutes: i64,
}

impl Default for HintConfig {
    fn default() -> Self {
        Self { far_minutes: 60 }
    }
}

/// One reason to look twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// StsRefreshTokensValidFrom moved backwards: tokens issued before are valid again.
    MovedBackwards { minutes: i64 },
    /// The new valid-from time is far from the event time.
    FarFromEventTime { minutes: i64 },
    /// The actor came through an anonymous proxy.
    AnonymousProxy,
    /// A service principal or another non-user object made the change.
    NonUserActor { role: String },
    /// The actor appears in no other STS event of the loaded data.
    NewActor,
    /// The row's strings hold control, bidi or invisible characters, or something behind it was read
    /// with bytes replaced by U+FFFD (`Finding::replaced`).
    ControlCharacters,
}

impl Hint {
    /// A short badge for the table.
    pub fn badge(&self) -> &'static str {
        match self {
            Self::MovedBackwards { .. } => "back",
            Self::FarFromEventTime { .. } => "far",
            Self::AnonymousProxy => "proxy",
            Self::NonUserActor { .. } => "app",
            Self::NewActor => "new",
            Self::ControlCharacters => "ctrl",
        }
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MovedBackwards { minutes } => write!(
                f,
                "StsRefreshTokensValidFrom moved backwards by {} minutes: older tokens become valid again",
                -minutes
            ),
            Self::FarFromEventTime { minutes } => write!(
                f,
                "the new valid-from time is {minutes} minutes from the event time (a revocation sets it to now)"
            ),
            Self::AnonymousProxy => write!(f, "the actor came through an anonymous proxy"),
            // The role is read from the event (Actor[-1].ID): an attacker's string.
            Self::NonUserActor { role } => {
                write!(f, "the actor is a {}, not a user", neutralize(role))
            }
            Self::NewActor => write!(
                f,
                "the actor appears in no other STS event of the loaded data"
            ),
            Self::ControlCharacters => write!(
                f,
                "the row's strings hold control, bidi or invisible characters (shown escaped), or its event was read with invalid bytes replaced by U+FFFD"
            ),
        }
    }
}

/// How often each actor (account id, else name) appears across the STS events and the
/// imported rows.
pub fn actor_counts(report: &ScanReport) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for f in &report.findings {
        let n = f.events.len().max(1);
        *counts.entry(actor_key(f)).or_default() += n;
    }
    for e in report.near_miss_events() {
        *counts.entry(e.actor.clone()).or_default() += 1;
    }
    counts
}

fn actor_key(f: &Finding) -> String {
    f.row.account_display_name.clone()
}

/// A role that names a user: `User`, or the UAL's usual form of Actor[-1].ID for a user,
/// `User_<object id>` (Microsoft's Office 365 Management Activity API schema).
fn is_user_role(role: &str) -> bool {
    role == "User" || role.starts_with("User_")
}

/// The hints of one finding.
pub fn hints_for(f: &Finding, actors: &HashMap<String, usize>, config: HintConfig) -> Vec<Hint> {
    let r = &f.row;
    let mut out = Vec::new();
    if let Some(m) = r.token_minutes_added.filter(|m| *m < 0) {
        out.push(Hint::MovedBackwards { minutes: m });
    }
    if let Some(m) = r
        .token_minutes_remaining
        .filter(|m| m.abs() > config.far_minutes)
    {
        out.push(Hint::FarFromEventTime { minutes: m });
    }
    if r.is_anonymous_proxy == Some(true) {
        out.push(Hint::AnonymousProxy);
    }
    if !r.role.is_empty() && !is_user_role(&r.role) {
        out.push(Hint::NonUserActor {
            role: r.role.clone(),
        });
    }
    if actors.get(&actor_key(f)).copied().unwrap_or(0) <= 1 {
        out.push(Hint::NewActor);
    }
    if f.replaced || r.cells().iter().any(|c| has_dangerous(c)) {
        out.push(Hint::ControlCharacters);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResultRow;

    fn finding(row: ResultRow, events: usize) -> Finding {
        Finding {
            row,
            events: (0..events).collect(),
            imported_from: None,
            replaced: false,
        }
    }

    #[test]
    fn a_revocation_has_no_hint_and_an_odd_change_has_several() {
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
        let mut actors = HashMap::new();
        actors.insert("admin".to_owned(), 2);
        assert!(hints_for(&revocation, &actors, HintConfig::default()).is_empty());

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
        let badges: Vec<&str> = hints_for(&odd, &actors, HintConfig::default())
            .iter()
            .map(Hint::badge)
            .collect();
        assert_eq!(badges, ["back", "far", "proxy", "app", "new", "ctrl"]);
        let app = Hint::NonUserActor {
            role: "\u{9b}31mRole\u{202e}".into(),
        };
        assert_eq!(
            app.to_string(),
            "the actor is a \\x9b31mRole\\u{202e}, not a user"
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
            hints_for(&user_guid, &actors, HintConfig::default()).is_empty(),
            "User_<guid> is a user, not an app"
        );
        let lenient = HintConfig { far_minutes: 120 };
        assert!(
            !hints_for(&odd, &actors, lenient)
                .iter()
                .any(|h| h.badge() == "far")
        );
    }
}
