//! What the why panel says of a row's target, said on the row too (newbie 14b, finding
//! 1): a record whose `ObjectId` and `Target` entries name different users, and a target
//! UPN the loaded data names with two object ids, are reasons of the row's `lookalike`
//! hint (its ⚠, `flag:lookalike`, the reports), beside the look-alikes of
//! [`crate::lookalike`].

use std::fmt;

use crate::lookalike::{LISTED, Lookalike, Why, push_once};
use crate::neutralize::neutralize;

/// The words of [`Why::TargetsDiffer`] and [`Why::TargetUpnIds`] (nothing for another
/// reason): what an investigator reading the report alone understands.
pub(crate) fn why(w: &Why, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match w {
        Why::TargetsDiffer => write!(
            f,
            "ObjectId and Target[] name different users (a forged or misread record; the drill-down names both)"
        ),
        Why::TargetUpnIds(a, b) => write!(
            f,
            "same UPN, another object id in the loaded data: {} and {} (a re-created account, or a forged record)",
            neutralize(a),
            neutralize(b)
        ),
        _ => Ok(()),
    }
}

/// What is known of a row's (or a near miss's) targets that no look-alike check sees,
/// added to its look-alikes (newbie 14b, finding 1: the why panel said it, the row's ⚠,
/// `flag:` and the report did not): a record behind it whose `ObjectId` and `Target`
/// entries name different users (`differ`; the target named where the row has one), and a
/// target UPN the loaded data names with two object ids (`two_ids`, asked of each target).
/// Added to the same text's reasons, else as one more principal (counted in `more` past
/// [`LISTED`]).
pub fn add_target_notes(
    out: &mut Vec<Lookalike>,
    more: &mut usize,
    targets: &[&str],
    differ: bool,
    two_ids: impl Fn(&str) -> Option<(String, String)>,
) {
    let mut add = |text: &str, why: Why| {
        if let Some(l) = out.iter_mut().find(|l| l.text == text) {
            push_once(&mut l.why, why);
        } else if out.len() < LISTED {
            out.push(Lookalike {
                party: "target".to_owned(),
                text: text.to_owned(),
                why: vec![why],
                looks_like: None,
                another: false,
            });
        } else {
            *more += 1;
        }
    };
    if differ {
        add(
            match targets {
                [one] => one,
                _ => "",
            },
            Why::TargetsDiffer,
        );
    }
    for t in targets {
        if let Some((a, b)) = two_ids(t) {
            add(t, Why::TargetUpnIds(a, b));
        }
    }
}

/// What a row's hints say of its targets that no export writes or that two principals
/// share ([`add_target_notes`]), one line a target (`target victim@…: ObjectId and
/// Target[] name different users (…)`), neutralised: the Markdown report's Context cell
/// says it in words (its Hints cell has the badges only).
pub fn target_notes(hints: &[crate::hints::Hint]) -> Vec<String> {
    let mut out = Vec::new();
    for h in hints {
        let crate::hints::Hint::Lookalike { principals, .. } = h else {
            continue;
        };
        for l in principals {
            let why: Vec<Why> = l
                .why
                .iter()
                .filter(|w| matches!(w, Why::TargetsDiffer | Why::TargetUpnIds(..)))
                .cloned()
                .collect();
            if why.is_empty() {
                continue;
            }
            let note = Lookalike {
                party: "target".to_owned(),
                text: l.text.clone(),
                why,
                looks_like: None,
                another: false,
            };
            out.push(note.to_string());
        }
    }
    out
}
