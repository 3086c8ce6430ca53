//! The hints in words: the reason the drill-down gives for each (split out of `hints`).

use std::fmt;

use super::{Hint, offset_words};

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MovedBackwards { minutes } => write!(
                f,
                "StsRefreshTokensValidFrom moved backwards by {} minutes: older tokens become valid again",
                -minutes
            ),
            // `minutes` is the query's tokenMinutesRemaining, datetime_diff('minute',
            // Timestamp, new): positive when the new time is before the event, negative when
            // after it. Said as a signed distance "from the event" it read backwards (newbie
            // 15b #1: -496197 taken for a time in the past).
            Self::FarFromEventTime { minutes } => write!(
                f,
                "the new valid-from time is {} minutes {} the event time (Remaining {minutes}; a revocation sets it to now)",
                minutes.unsigned_abs(),
                if *minutes < 0 { "after" } else { "before" }
            ),
            Self::AnonymousProxy => write!(f, "the actor came through an anonymous proxy"),
            // The role is read from the event (Actor[-1].ID): an attacker's string, shown as
            // the Role cell shows it. Worded about the query's Role, not the actor: the
            // drill-down's `by user` comes from the actor's own fields, and "the actor is
            // a ..., not a user" beside it read as a contradiction.
            Self::NonUserActor { role } => write!(
                f,
                "the query's Role is {}, not a user's",
                crate::lookalike::visible(role)
            ),
            Self::ControlCharacters => write!(
                f,
                "the row's strings, or another field of its event (a user agent), hold control, bidi or invisible characters or a flood of combining marks (shown escaped), or its event was read with invalid bytes or JSON nested too deep replaced by U+FFFD, or with raw control characters inside its JSON strings"
            ),
            Self::Reset {
                operation,
                same_actor,
                correlated,
                same_target,
                offset_secs,
            } => write!(
                f,
                "{operation:?} {} {}{} {}: the usual helpdesk flow writes both",
                if *same_target {
                    "of the same target"
                } else {
                    "(its record names no target)"
                },
                if *same_actor {
                    "by the same actor"
                } else {
                    "by another actor"
                },
                if *correlated {
                    ", same correlation,"
                } else {
                    ""
                },
                offset_words(*offset_secs)
            ),
            Self::SelfChange => write!(
                f,
                "the actor is the target: a user changing their own password or signing out everywhere"
            ),
            Self::Bulk { users, minutes } => write!(
                f,
                "the actor changed the tokens of {users} users within {minutes} minutes: a mass revocation (incident response, or an attacker covering tracks)"
            ),
            Self::First => write!(f, "the actor's first record of any kind in the loaded data"),
            Self::SignIn { ip, offset_secs } => write!(
                f,
                "the actor signed in from another IP address ({ip}) {}",
                offset_words(*offset_secs)
            ),
            Self::Conflict { other, differs } => write!(
                f,
                "same event id, different content: {other} carries this id with another {differs}; kept as two events (one may be forged): judge both"
            ),
            Self::Lookalike { principals, more } => {
                let each: Vec<String> = principals.iter().map(ToString::to_string).collect();
                write!(f, "{}", each.join("; "))?;
                match more {
                    0 => Ok(()),
                    n => write!(f, "; and {n} more"),
                }
            }
        }
    }
}
