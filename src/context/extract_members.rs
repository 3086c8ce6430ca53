//! A record's members read from its skeleton ([`Skeleton`]): the same fields as the walk
//! of `Slots::row`, without stepping through every string (`context::skeleton`).

use std::borrow::Cow;

use super::{K, Level, Member, Slots, row_member, ual_key, value};
use crate::context::skeleton::Skeleton;
use crate::context::walk::Walker;

/// A key's value as [`value`] reads it at the walk's cursor: a string's text, the `Actor`
/// array as written (passed over by the walk: few records have one, each short).
fn value_of<'a>(bytes: &'a [u8], skeleton: &Skeleton, colon: usize, k: K) -> Option<Cow<'a, [u8]>> {
    if k == K::Actor {
        let (at, _) = Skeleton::value_at(bytes, colon)?;
        return value(&mut Walker::at(bytes, at), k);
    }
    skeleton.text(bytes, colon)
}

impl<'a> Slots<'a> {
    /// The members of a record from its skeleton, as [`Self::row`] reads them: the
    /// record's own (depth 1), and those of the audit record object (the depth-2 members
    /// after an audit record's key and before the next depth-1 one). None when the
    /// record is to be walked instead: a value that breaks off, a `properties` envelope.
    pub(super) fn members(&mut self, bytes: &'a [u8], skeleton: &Skeleton) -> Option<()> {
        let mut in_audit = false;
        for (colon, nested) in skeleton.members() {
            // A depth-2 member of any object but the audit record is never read: its key
            // is not even looked at.
            if nested && !in_audit {
                continue;
            }
            let (start, end) = skeleton.key_raw(colon).unwrap_or((0, 0));
            let raw = &bytes[start..end];
            if nested {
                // The schemas' keys have no escape: a key written as one is either such a
                // key as written, or holds a backslash and is read decoded.
                let k = ual_key(raw).or_else(|| {
                    skeleton
                        .escaped(start, end)
                        .then(|| ual_key(&skeleton.key(bytes, colon)))
                        .flatten()
                });
                if let Some(k) = k {
                    let v = value_of(bytes, skeleton, colon, k)?;
                    self.set(Level::Audit, k, v);
                }
                continue;
            }
            in_audit = false;
            let member = match row_member(raw) {
                Member::Other if skeleton.escaped(start, end) => {
                    row_member(&skeleton.key(bytes, colon))
                }
                member => member,
            };
            match member {
                Member::Field(k) => {
                    let v = value_of(bytes, skeleton, colon, k)?;
                    self.set(Level::Row, k, v);
                }
                Member::Audit => {
                    self.audit = true;
                    match Skeleton::value_at(bytes, colon)? {
                        (_, b'{') => in_audit = true,
                        // JSON text in a string: decoded and walked.
                        (at, b'"') => self.audit(&mut Walker::at(bytes, at))?,
                        _ => {}
                    }
                }
                Member::Entra => {
                    self.entra = true;
                    self.any = true;
                }
                Member::Upn => {
                    self.upn = true;
                    let v = skeleton.text(bytes, colon)?;
                    self.set(Level::Row, K::UserPrincipalName, v);
                }
                Member::Envelope => {
                    if Skeleton::value_at(bytes, colon)?.1 == b'{' {
                        return None;
                    }
                }
                Member::Other => {}
            }
        }
        Some(())
    }
}
