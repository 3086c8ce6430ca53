//! A record's members read from its skeleton ([`Skeleton`]): the same fields as the walk
//! of `Slots::row`, without stepping through every string (`context::skeleton`).
//!
//! The records of an export are of a few shapes (a CloudAppEvents row's ~40 keys, in the
//! same order in every record of one action), so the keys met are kept with the key that
//! followed each ([`Memo`]): a member whose key is written as the one that followed the
//! last member's key is that key again, found by comparing its bytes where the key ends
//! (its colon) instead of looking for its opening quote and the key up (issue 12, twelfth
//! round). A key where records of several shapes part keeps the last three keys that
//! followed it, most recent first: with one, a CloudAppEvents file whose five shapes come
//! in any order missed about 1.5 keys a record, each a lookup and a remembering; with
//! three, about 0.004 (sixteenth round).

use super::{At, K, Level, Member, Slots, row_member, ual_key};
use crate::context::skeleton::Skeleton;
use crate::context::walk::Walker;

/// Where a key's value is, as [`super::value`] reads it at the walk's cursor: a string's text, the
/// `Actor` array as written (passed over by the walk: few records have one, each short).
/// None where the value breaks off. Inlined: a value returned through memory and copied at
/// once into its slot stalled the copy.
#[inline(always)]
fn value_of(bytes: &[u8], skeleton: &Skeleton, colon: usize, k: K) -> Option<At> {
    if k == K::Actor {
        let (at, _) = Skeleton::value_at(bytes, colon)?;
        let end = match skeleton.array_end(bytes, at) {
            Some(end) => end,
            None => at + Walker::at(bytes, at).raw()?.len(),
        };
        return Some(At::text(at as u32, end as u32, false));
    }
    if k == K::Target {
        // Not passed over here: read only where it matters (`extract::non_user_target`).
        let (at, _) = Skeleton::value_at(bytes, colon)?;
        return Some(At::text(at as u32, bytes.len() as u32, false));
    }
    let t = skeleton.text_at(bytes, colon)?;
    Some(At::text(t.start, t.end, t.escaped))
}

/// What a member is to the index, found the plain way: its key as written looked up, else
/// (a key holding a backslash) its decoded text. `nested`: a member of the audit record
/// (its Unified Audit Log keys), else of the record itself.
fn looked_up(bytes: &[u8], skeleton: &Skeleton, colon: usize, nested: bool) -> Member {
    looked_up_at(bytes, skeleton, colon, skeleton.key_raw(colon), nested)
}

/// [`looked_up`] with the key's place found already ([`Skeleton::key_raw`]).
fn looked_up_at(
    bytes: &[u8],
    skeleton: &Skeleton,
    colon: usize,
    key: Option<(usize, usize)>,
    nested: bool,
) -> Member {
    let (start, end) = key.unwrap_or((0, 0));
    let raw = &bytes[start..end];
    // The schemas' keys have no escape: a key written as one is either such a key as
    // written, or holds a backslash and is read decoded.
    let decoded = || skeleton.key(bytes, colon);
    if nested {
        let k = ual_key(raw).or_else(|| {
            skeleton
                .escaped(start, end)
                .then(|| ual_key(&decoded()))
                .flatten()
        });
        return k.map_or(Member::Other, Member::Field);
    }
    match row_member(raw) {
        Member::Other if skeleton.escaped(start, end) => row_member(&decoded()),
        member => member,
    }
}

/// The longest key remembered (the schemas' are at most 17 bytes).
const KEY_MAX: usize = 32;

/// The distinct keys remembered; past this many the memo starts again (a file whose
/// records each have keys of their own is read as before, a lookup a member).
const KEYS_MAX: usize = 256;

/// No key remembered (an index into [`Memo::keys`]).
const NONE: u16 = u16::MAX;

/// The keys that followed a key (or began a record), most recent first ([`NONE`]: none).
type Next = [u16; 3];

/// A key as written: its bytes (no quote, no backslash), right-aligned in 32 bytes, as two
/// little-endian words and the masks of its bytes in them; what it is to the index; and
/// the key that followed it in the last record that had it.
#[derive(Clone, Copy)]
struct Known {
    len: usize,
    nested: bool,
    member: Member,
    /// The next member's key in the last record read with this one ([`NONE`]: none known).
    next: u16,
    /// The keys that followed it before that one, most recent first, where records of
    /// several shapes part (apart from `next`: the usual path reads `next` alone).
    earlier: [u16; 2],
    key: [u8; KEY_MAX],
    high: u128,
    low: u128,
    high_mask: u128,
    low_mask: u128,
}

impl Known {
    fn new(raw: &[u8], nested: bool, member: Member) -> Self {
        let len = raw.len();
        let mut key = [0u8; KEY_MAX];
        key[KEY_MAX - len..].copy_from_slice(raw);
        let word = |part: &[u8]| u128::from_le_bytes(part.try_into().unwrap_or([0; 16]));
        let (low_mask, high_mask) = if len <= 16 {
            (0, u128::MAX << (8 * (16 - len)))
        } else {
            (u128::MAX << (8 * (32 - len)), u128::MAX)
        };
        Self {
            len,
            nested,
            member,
            next: NONE,
            earlier: [NONE; 2],
            key,
            high: word(&key[16..]),
            low: word(&key[..16]),
            high_mask,
            low_mask,
        }
    }

    fn text(&self) -> &[u8] {
        &self.key[KEY_MAX - self.len..]
    }

    /// Whether the member whose colon is at `colon` has this key, as written: its bytes end
    /// at the key's closing quote (`colon - 1`: the skeleton reads only `"key":`) and the
    /// byte before them is a quote that opens a string. The key holds no quote, so that
    /// one is the last before the closing one, where [`Skeleton::key_raw`] finds it; and
    /// no backslash, so it is the key's text.
    ///
    /// Always inlined: called for every member (about 42 a CloudAppEvents row), its call
    /// saved and restored registers around some 35 instructions of work; inlined into the
    /// member loop the context's reading took 9% fewer instructions (issue 12, seventeenth
    /// round).
    #[inline(always)]
    fn is_at(&self, bytes: &[u8], skeleton: &Skeleton, colon: usize, nested: bool) -> bool {
        let end = colon - 1;
        if self.nested != nested || end <= self.len {
            return false;
        }
        let same = if end >= 32 {
            let word =
                |at: usize| u128::from_le_bytes(bytes[at..at + 16].try_into().unwrap_or([0; 16]));
            // Most keys are 16 bytes or shorter: one word compared.
            word(end - 16) & self.high_mask == self.high
                && (self.len <= 16 || word(end - 32) & self.low_mask == self.low)
        } else {
            bytes[end - self.len..end] == *self.text()
        };
        same && skeleton.is_quote(end - self.len - 1)
    }
}

/// The keys met in the records read so far, each with the key that followed it (see the
/// module's comment): a member is first taken for the key that followed the last one;
/// scratch space reused from record to record.
pub(super) struct Memo {
    keys: Vec<Known>,
    /// The first member's key in the last record read.
    first: u16,
    /// The first members' keys of the records before, as [`Known::earlier`].
    first_earlier: [u16; 2],
    /// A key by a hash of its length, its last bytes and its level (the last one there).
    by_tail: [u16; 128],
}

impl Default for Memo {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            first: NONE,
            first_earlier: [NONE; 2],
            by_tail: [NONE; 128],
        }
    }
}

/// Where a record's reading is among the memo's keys: the last member's key.
#[derive(Clone, Copy)]
pub(super) struct Cursor(Option<u16>);

impl Cursor {
    /// Before a record's first member.
    pub(super) const START: Cursor = Cursor(None);
}

impl Memo {
    /// What the member whose colon is at `colon` is to the index: as the key that followed
    /// the last member's key (`cursor`) when its key is written alike, else looked up and
    /// remembered as following it.
    #[inline]
    fn member(
        &mut self,
        cursor: &mut Cursor,
        bytes: &[u8],
        skeleton: &Skeleton,
        colon: usize,
        nested: bool,
    ) -> Member {
        let predicted = match cursor.0 {
            None => self.first,
            Some(last) => self.keys.get(usize::from(last)).map_or(NONE, |k| k.next),
        };
        if let Some(known) = self.keys.get(usize::from(predicted))
            && known.is_at(bytes, skeleton, colon, nested)
        {
            *cursor = Cursor(Some(predicted));
            return known.member;
        }
        self.member_else(cursor, bytes, skeleton, colon, nested)
    }

    /// [`Self::member`] when the member's key is not the last that followed the key before
    /// it: one of the two before that, else looked up and remembered (apart, so that the
    /// usual path stays as short as with one key remembered).
    #[inline(never)]
    fn member_else(
        &mut self,
        cursor: &mut Cursor,
        bytes: &[u8],
        skeleton: &Skeleton,
        colon: usize,
        nested: bool,
    ) -> Member {
        let next = self.next_of(*cursor);
        for (i, &predicted) in next.iter().enumerate().skip(1) {
            if let Some(known) = self.keys.get(usize::from(predicted))
                && known.is_at(bytes, skeleton, colon, nested)
            {
                let member = known.member;
                self.set_next(*cursor, moved_first(next, i, predicted));
                *cursor = Cursor(Some(predicted));
                return member;
            }
        }
        let key = skeleton.key_raw(colon);
        let member = looked_up_at(bytes, skeleton, colon, key, nested);
        let found = self.remember(bytes, skeleton, key, nested, member);
        if found != NONE {
            self.set_next(*cursor, moved_first(next, next.len() - 1, found));
        }
        *cursor = Cursor(Some(found));
        member
    }

    /// The keys that followed the key at `cursor` (the record's start: its first keys).
    fn next_of(&self, cursor: Cursor) -> Next {
        let (next, [a, b]) = match cursor.0 {
            None => (self.first, self.first_earlier),
            Some(last) => self
                .keys
                .get(usize::from(last))
                .map_or((NONE, [NONE; 2]), |k| (k.next, k.earlier)),
        };
        [next, a, b]
    }

    /// Sets what follows the key at `cursor` ([`Self::next_of`]).
    fn set_next(&mut self, cursor: Cursor, [next, a, b]: Next) {
        match cursor.0 {
            None => (self.first, self.first_earlier) = (next, [a, b]),
            Some(last) => {
                if let Some(k) = self.keys.get_mut(usize::from(last)) {
                    (k.next, k.earlier) = (next, [a, b]);
                }
            }
        }
    }

    /// The index of the member's key among the keys remembered, added if new ([`NONE`]
    /// for a key not remembered: longer than [`KEY_MAX`], holding a backslash).
    fn remember(
        &mut self,
        bytes: &[u8],
        skeleton: &Skeleton,
        key: Option<(usize, usize)>,
        nested: bool,
        member: Member,
    ) -> u16 {
        let Some((start, end)) = key else {
            return NONE;
        };
        let raw = &bytes[start..end];
        if raw.is_empty() || raw.len() > KEY_MAX || skeleton.escaped(start, end) {
            return NONE;
        }
        let mut tail = [0u8; 8];
        let last = &raw[raw.len().saturating_sub(8)..];
        tail[..last.len()].copy_from_slice(last);
        let hash = (u64::from_le_bytes(tail) ^ (raw.len() as u64) << 56 ^ u64::from(nested))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (hash >> 57) as usize;
        let at = self.by_tail[slot];
        if let Some(k) = self.keys.get(usize::from(at))
            && k.nested == nested
            && k.text() == raw
        {
            return at;
        }
        if self.keys.len() >= KEYS_MAX {
            *self = Self::default();
        }
        let at = self.keys.len() as u16;
        self.keys.push(Known::new(raw, nested, member));
        self.by_tail[slot] = at;
        at
    }
}

/// `next` with `key` first and the keys before place `i` after it (the one at `i`, which
/// `key` replaces or is, dropped).
fn moved_first(mut next: Next, i: usize, key: u16) -> Next {
    next.copy_within(..i, 1);
    next[0] = key;
    next
}

impl<'a> Slots<'a> {
    /// The members of a record from its skeleton, as [`Self::row`] reads them: the
    /// record's own (depth 1), and those of the audit record object (the depth-2 members
    /// after an audit record's key and before the next depth-1 one). None when the
    /// record is to be walked instead: a value that breaks off, a `properties` envelope.
    /// `memo`: what the last record's members were ([`Memo`]); `None` looks every key up.
    pub(super) fn members(
        &mut self,
        bytes: &'a [u8],
        skeleton: &Skeleton,
        mut memo: Option<&mut Memo>,
    ) -> Option<()> {
        let mut in_audit = false;
        let mut cursor = Cursor::START;
        for (colon, nested) in skeleton.members() {
            // A depth-2 member of any object but the audit record is never read: its key
            // is not even looked at.
            if nested && !in_audit {
                continue;
            }
            let member = match memo.as_deref_mut() {
                Some(memo) => memo.member(&mut cursor, bytes, skeleton, colon, nested),
                None => looked_up(bytes, skeleton, colon, nested),
            };
            if nested {
                if let Member::Field(k) = member {
                    let v = value_of(bytes, skeleton, colon, k)?;
                    self.set_at(Level::Audit, k, v);
                }
                continue;
            }
            in_audit = false;
            match member {
                Member::Field(k) => {
                    let v = value_of(bytes, skeleton, colon, k)?;
                    self.set_at(Level::Row, k, v);
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
                    // Read as text whatever key it is (not `Actor`'s raw array).
                    let v = value_of(bytes, skeleton, colon, K::UserPrincipalName)?;
                    self.set_at(Level::Row, K::UserPrincipalName, v);
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
