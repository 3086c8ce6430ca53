//! What a lean event keeps of the copy rule beyond its labels ([`crate::model::copies`]): its
//! target and actor labels and its actor's kind are kept as they are; the actor's object
//! id and the operation only as short hashes, in the 3 bytes the lean layout leaves as
//! padding. `scan` keeps nothing else of such an event, so a record of its id is taken for
//! a copy when these agree too; the hashes are keyed at random for each scan, so no record
//! can be written to collide with another (a chance of 1 in 2^24 for records alike in all
//! the rest). The report and the workbench compare the fields themselves
//! (`LeanEvents::whole_event`).

use std::hash::{BuildHasher, Hasher};

use crate::model::{StsEvent, Text, copies};

/// See the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CopyKeys {
    /// A hash of a user's object id (ASCII case ignored; 0: none).
    pub principal: u16,
    /// A hash of the operation as twins fold it ([`crate::model::copies::fold_operation`]).
    pub operation: u8,
}

impl CopyKeys {
    pub(super) fn new(principal: u16, operation: u8) -> Self {
        Self {
            principal,
            operation,
        }
    }

    /// Whether the events these are of can be copies: the same operation, and the same
    /// object id where both have one (as [`copies::same_parties`] compares them).
    pub(crate) fn agree(self, other: Self) -> bool {
        self.operation == other.operation
            && (self.principal == 0 || other.principal == 0 || self.principal == other.principal)
    }

    /// The keys of `e`; `last_operation` holds the last operation hashed and its hash
    /// (almost every lean event has the one STS operation: hashed once).
    pub(super) fn of(
        hasher: &std::hash::RandomState,
        e: &StsEvent,
        last_operation: &mut Option<(Text, u8)>,
    ) -> Self {
        let id = copies::principal(&e.parties);
        let principal = if id.is_empty() {
            0
        } else {
            (hash_lowercase(hasher, id) as u16).max(1)
        };
        let operation = match last_operation {
            Some((op, h)) if **op == *e.operation => *h,
            _ => {
                let h = Self::operation_hash(hasher, &e.operation);
                *last_operation = Some((e.operation.clone(), h));
                h
            }
        };
        Self {
            principal,
            operation,
        }
    }

    fn operation_hash(hasher: &std::hash::RandomState, op: &str) -> u8 {
        let mut h = hasher.build_hasher();
        h.write(copies::fold_operation(op).as_bytes());
        h.finish() as u8
    }
}

/// The hash of `text` with ASCII case ignored, without a copy for the usual object id (a
/// GUID, 36 bytes).
fn hash_lowercase(hasher: &std::hash::RandomState, text: &str) -> u64 {
    let mut h = hasher.build_hasher();
    let mut buf = [0u8; 64];
    for chunk in text.as_bytes().chunks(buf.len()) {
        let part = &mut buf[..chunk.len()];
        part.copy_from_slice(chunk);
        part.make_ascii_lowercase();
        h.write(part);
    }
    h.finish()
}
